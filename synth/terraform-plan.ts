/**
 * What a change to a cluster's Terraform stack will do, in Terraform's words (create, update
 * in-place, replace, destroy), worked out from the committed stack JSON and a new one without
 * running Terraform: for `jhm diff`, `jhm check` and `jhm synth`'s summary.
 *
 * Rules:
 * - a changed argument the provider marks ForceNew replaces the resource, and is named
 *   (`forcedBy`); changes of in-place arguments only update it in place. The facts come from
 *   `provider-schema/force-new.json` (read from the provider's source, with the version) and
 *   `provider-schema/openstack.json` (which arguments are optional and computed), read once;
 * - an optional and computed argument left out of the new configuration keeps the value Terraform
 *   read (no change), as Terraform plans it;
 * - a change of `timeouts` alone is no change: terraform-plugin-sdk v2 (the provider's SDK) leaves
 *   them out of its diff and plans the prior state (hashicorp/terraform#31023);
 * - `lifecycle.ignore_changes` of the new configuration is honoured (`node_count` while the
 *   autoscaler runs), `"all"` included;
 * - a value whose `${…}` refers to a data source whose configuration changed (or that is new, or
 *   that refers to such a thing), or to a resource being created or replaced, is "known after
 *   apply" and counts as changed: a nodegroup whose cluster is replaced is replaced (`cluster_id`),
 *   a renamed cluster template changes `cluster_template_id`, an in-place rolling upgrade
 *   (`upgrade`);
 * - a resource only in the new stack is created, only in the old one destroyed; data sources,
 *   outputs and providers are not listed. Counts are Terraform's: a replacement is one to add and
 *   one to destroy;
 * - when the nodes change (a flavor, a size, a nodegroup added or removed), the cluster's cost in
 *   Jetstream2 SUs per hour before and after, at minimum and at maximum scale (`cost`, `plan-cost.ts`);
 * - a changed backend (`terraform.backend`: where the state lives) is listed apart (`backend`):
 *   Terraform's `init` stops on it until the state is moved with `jhm terraform <cluster> init -migrate-state`;
 * - the JSON is read as Terraform reads it: a `//` property is a comment only directly in a block
 *   body (a resource's or data source's, a nested block's such as `timeouts`, a backend's). The
 *   value of an argument is an expression, where every key is data: `labels = {"//" = "x"}` is a
 *   label, and changing it replaces the cluster. Which keys name nested blocks (bodies) and which
 *   arguments (expressions) comes from the provider schema (`provider-schema/openstack.json`).
 */
import { MIGRATE_STATE_GUIDE, migrateStateCommand } from './plan-report';
import { costLines, planCost, PlanCost } from './plan-cost';
import * as fs from 'fs';
import * as path from 'path';
import { truncate, UserError } from '../model/errors';
import { readInputFile } from '../project/input-file';
import { inPlaceUpgradeProblem, templateKubernetesMinor } from '../model/cluster-templates';
import { OPENSTACK_DATA_TYPES, OPENSTACK_RESOURCE_TYPES } from '../infra/openstack-resources';

export type TerraformAction = 'create' | 'update' | 'replace' | 'destroy';

/** One attribute of a resource that differs between the two stacks. */
export interface AttributeChange {
  /** Dotted path, e.g. `labels.max_node_count`, `timeouts.create`; lists are one value. */
  readonly path: string;
  /** The configuration values (for `knownAfterApply`, the expressions, which may be equal). */
  readonly before?: unknown;
  readonly after?: unknown;
  /** The value depends on something Terraform learns only when it applies. */
  readonly knownAfterApply?: boolean;
  /** Why it is known only after apply, e.g. `template "kubernetes-1-33-jammy" -> "kubernetes-1-34-jammy"`. */
  readonly why?: string;
  readonly forcesReplacement: boolean;
}

/** What Terraform would do to one resource. */
export interface ResourceChange {
  /** `type.name`, e.g. `openstack_containerinfra_cluster_v1.cluster` (data sources are not listed). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly action: TerraformAction;
  /** What differs (for create/destroy: empty). */
  readonly attributes: readonly AttributeChange[];
  /** Attribute paths forcing the replacement. */
  readonly forcedBy: readonly string[];
  /** `cluster_template_id` changes in place: Magnum's rolling upgrade. */
  readonly upgrade?: boolean;
  /**
   * For an upgrade, when both are known: the Kubernetes minor versions before (the old template's
   * name) and after (the cluster file, or the new template's name), and why the step is not one a
   * rolling upgrade can make (`inPlaceUpgradeProblem`), if it is not.
   */
  readonly kubernetes?: { readonly from: string; readonly to: string; readonly problem?: string };
  /**
   * `lifecycle.prevent_destroy` is set in the configuration that is kept: the new one, and for a
   * destroy the last one (the deletion protection the resource had; Terraform itself no longer
   * checks it once the resource has left the configuration).
   */
  readonly protected: boolean;
  /** What is lost on replace/destroy, in people's words. */
  readonly loss?: string;
  /** A home volume made smaller (GiB before and after): Cinder only grows volumes, `jhm synth` refuses it. */
  readonly shrink?: { readonly from: number; readonly to: number };
  /**
   * A home volume made or destroyed for a hub that stays on the cluster (its DNS record is in both
   * stacks): the hub switches between per-user and shared storage (`jupyterhub.storage`).
   */
  readonly storageSwitch?: { readonly hub: string; readonly to: 'shared' | 'perUser' };
}

/** The state backend of the stack changed (`terraform.backend`): type and settings, before and after. */
export interface BackendChange {
  /** Backend type, e.g. `local`, `s3`, `http`. */
  readonly before: string;
  readonly after: string;
  /** The settings that differ (dotted paths, e.g. `bucket`, `endpoints.s3`), type changes included as `type`. */
  readonly attributes: readonly AttributeChange[];
}

export interface TerraformPlan {
  readonly changes: readonly ResourceChange[];
  /** Set when the state backend changed (only between two stacks: a first stack has no state to move). */
  readonly backend?: BackendChange;
  /** The nodes before and after, when they change (a flavor, a size, a nodegroup): the cost in SUs (`plan-cost.ts`). */
  readonly cost?: PlanCost;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

export const CLUSTER_TYPE = OPENSTACK_RESOURCE_TYPES.cluster;
export const NODEGROUP_TYPE = OPENSTACK_RESOURCE_TYPES.nodeGroup;
const FLOATING_IP_TYPE = OPENSTACK_RESOURCE_TYPES.floatingIp;
const RECORDSET_TYPE = OPENSTACK_RESOURCE_TYPES.recordSet;
export const HOME_VOLUME_TYPE = OPENSTACK_RESOURCE_TYPES.homeVolume;

// ---------------------------------------------------------------------------------------------
// Provider facts

/** What the provider does when an argument of one resource type changes. */
export interface ResourceFacts {
  readonly forceNew: ReadonlySet<string>;
  readonly inPlace: ReadonlySet<string>;
  /** Optional and computed arguments: left out of the configuration, they keep their value. */
  readonly optionalComputed: ReadonlySet<string>;
}

interface ForceNewFile {
  readonly version: string;
  readonly resources: Record<string, { readonly forceNew: readonly string[]; readonly inPlace: Record<string, string> }>;
}

const SCHEMA_DIR = 'provider-schema';
const FORCE_NEW_FILE = 'force-new.json';
const OPENSTACK_SCHEMA_FILE = 'openstack.json';

/** The folder holding `provider-schema/` (the package root: from the sources and from lib/). */
function schemaDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, SCHEMA_DIR);
    if (fs.existsSync(path.join(candidate, FORCE_NEW_FILE))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${SCHEMA_DIR}/${FORCE_NEW_FILE} not found above ${__dirname}`);
  }
}

/** A block of `terraform providers schema -json`: its arguments and nested blocks. */
interface SchemaBlock {
  readonly attributes?: Record<string, { readonly optional?: boolean; readonly computed?: boolean }>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

interface ProviderSchema {
  readonly resource_schemas: Record<string, { readonly block: SchemaBlock }>;
  readonly data_source_schemas: Record<string, { readonly block: SchemaBlock }>;
}

let schemaMemo: ProviderSchema | undefined;

/** The provider's schema (`provider-schema/openstack.json`), read once. */
function providerSchema(): ProviderSchema {
  if (schemaMemo) return schemaMemo;
  const schema = JSON.parse(fs.readFileSync(path.join(schemaDir(), OPENSTACK_SCHEMA_FILE), 'utf8')) as { provider_schemas: Record<string, Partial<ProviderSchema>> };
  const provider = Object.values(schema.provider_schemas)[0] ?? {};
  schemaMemo = { resource_schemas: provider.resource_schemas ?? {}, data_source_schemas: provider.data_source_schemas ?? {} };
  return schemaMemo;
}

let factsMemo: ReadonlyMap<string, ResourceFacts> | undefined;

/** The provider facts of every resource type in `provider-schema/force-new.json`, read once. */
export function providerFacts(): ReadonlyMap<string, ResourceFacts> {
  if (factsMemo) return factsMemo;
  const forceNew = JSON.parse(fs.readFileSync(path.join(schemaDir(), FORCE_NEW_FILE), 'utf8')) as ForceNewFile;
  const resources = providerSchema().resource_schemas;
  const facts = new Map<string, ResourceFacts>();
  for (const [type, r] of Object.entries(forceNew.resources)) {
    const attributes = resources[type]?.block.attributes ?? {};
    facts.set(type, {
      forceNew: new Set(r.forceNew),
      inPlace: new Set(Object.keys(r.inPlace)),
      optionalComputed: new Set(Object.entries(attributes).filter(([, a]) => a.optional && a.computed).map(([name]) => name)),
    });
  }
  factsMemo = facts;
  return facts;
}

function factsOf(type: string): ResourceFacts {
  const facts = providerFacts().get(type);
  // The stacks use only types of openstack.json, and a test requires force-new.json to classify each.
  if (!facts) throw new Error(`${SCHEMA_DIR}/${FORCE_NEW_FILE} does not classify the arguments of ${type}: add them from the provider's source`);
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Reading a stack

/** Largest stack JSON read (a stack of a cluster with a few hubs is about 10 KB). */
export const MAX_STACK_BYTES = 64 * 1024 * 1024;

/**
 * The parsed Terraform JSON of `file` (named `display` in errors), or `undefined` when there is
 * none. A folder, a special file, a file over {@link MAX_STACK_BYTES}, or text that is not a JSON
 * object is a `UserError` naming the file and the fix.
 */
export function readStack(file: string, display: string = file): unknown | undefined {
  // Not `jhm synth --force`: synth reads the committed stack for its change plan, and would stop here again.
  const fix = `restore it from git, or delete it and run jhm synth to write it again`;
  const input = readInputFile(file, display, MAX_STACK_BYTES, fix);
  if (input === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(input.text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    // The parser's message quotes the text: say only where it stopped.
    const at = /position (\d+)/.exec(e.message)?.[1];
    throw new UserError(`is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`, { file: display, fix });
  }
  if (!isObject(data)) throw new UserError('is not a Terraform JSON stack (its top level is not an object)', { file: display, fix });
  return data;
}

// ---------------------------------------------------------------------------------------------
// Planning

type Json = Record<string, unknown>;

/** Terraform meta-arguments: not provider arguments (cdktf's `//` metadata is a comment, see {@link body}). */
const META = new Set(['lifecycle', 'depends_on', 'count', 'for_each', 'provider', 'provisioner', 'connection']);

/** The property Terraform's JSON syntax reads as a comment, directly in a block body only. */
const COMMENT = '//';

/** The nested blocks of a block body, by name (each with its own nested blocks); every other key is an argument. */
interface BodyShape {
  readonly blocks: ReadonlyMap<string, BodyShape>;
}

/** A body with no nested blocks known: every key but a comment is an argument, whose value is an expression. */
const FLAT_BODY: BodyShape = { blocks: new Map() };

function shapeOf(block: SchemaBlock | undefined): BodyShape {
  return { blocks: new Map(Object.entries(block?.block_types ?? {}).map(([name, b]) => [name, shapeOf(b.block)])) };
}

const shapeMemo = new Map<string, BodyShape>();

/**
 * The shape of the body of a resource or data source of `type`, from the provider schema. The
 * meta-argument block `lifecycle` is read by its own rules (`ignoredPaths`, `preventDestroy`); a
 * type the schema lacks is a body without nested blocks.
 */
function bodyShape(kind: 'resource' | 'data', type: string): BodyShape {
  const key = `${kind} ${type}`;
  let shape = shapeMemo.get(key);
  if (!shape) {
    const schema = providerSchema();
    shape = shapeOf((kind === 'resource' ? schema.resource_schemas : schema.data_source_schemas)[type]?.block);
    shapeMemo.set(key, shape);
  }
  return shape;
}

/**
 * A block body as Terraform reads it: its comments (`//`) left out, and those of its nested
 * blocks; the values of its arguments are kept whole, `//` keys included, as they are expressions.
 * A nested block is an object, or a list of objects for several: a list of one object is that
 * one block, written as the object.
 */
function body(config: Json, shape: BodyShape): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === COMMENT) continue;
    const nested = shape.blocks.get(k);
    const blocks = nested === undefined ? v : Array.isArray(v) ? v.map((x) => (isObject(x) ? body(x, nested) : x)) : isObject(v) ? body(v, nested) : v;
    out[k] = Array.isArray(blocks) && blocks.length === 1 && isObject(blocks[0]) ? blocks[0] : blocks;
  }
  return out;
}

interface Block {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The block body as written (`lifecycle` and cdktf's metadata included). */
  readonly config: Json;
  /** Its arguments and nested blocks as Terraform reads them: no meta-arguments, no comments. */
  readonly arguments: Json;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The resources (`resource`) or data sources (`data`) of a stack, by address. */
function blocks(stack: unknown, kind: 'resource' | 'data'): Map<string, Block> {
  const out = new Map<string, Block>();
  const section = isObject(stack) ? stack[kind] : undefined;
  if (!isObject(section)) return out;
  for (const [type, byName] of Object.entries(section)) {
    if (!isObject(byName)) continue;
    for (const [name, config] of Object.entries(byName)) {
      if (!isObject(config)) continue;
      const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
      out.set(address, { address, type, name, config, arguments: body(arguments_(config), bodyShape(kind, type)) });
    }
  }
  return out;
}

/** JSON text of `v` with object keys sorted: equal values, equal text. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (isObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x)) ?? 'undefined';
}

/** The configuration without meta-arguments. */
function arguments_(config: Json): Json {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !META.has(k)));
}

/**
 * Leaves of `value` under `prefix`: objects are walked (`a.b`), lists and empty objects are one
 * value. Every key is data (comments are left out of bodies before, by {@link body}).
 */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  } else if (value !== undefined) {
    out.set(prefix, value);
  }
  return out;
}

/** The `${…}` expressions of a Terraform string (`$${` is a literal `${`, not one). */
function interpolations(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('$${', i)) {
      i += 3;
    } else if (text.startsWith('${', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out.push(text.slice(i + 2, j));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out;
}

/**
 * Addresses (`type.name`, `data.type.name`) that the expressions in `value` may refer to. Keys are
 * read too: Terraform reads an object key in an expression as a template, as it reads a string.
 */
function references(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const expr of interpolations(v)) {
        for (const m of expr.matchAll(/(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)) out.push(`${m[1] ?? ''}${m[2]}.${m[3]}`);
      }
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        walk(k);
        walk(x);
      }
    }
  };
  walk(value);
  return out;
}

/** `lifecycle.ignore_changes` of a configuration, as attribute paths (`labels["a"]` → `labels.a`); `all` for everything. */
function ignoredPaths(config: Json): string[] {
  const lifecycle = config.lifecycle;
  if (!isObject(lifecycle)) return [];
  const ignore = lifecycle.ignore_changes;
  if (ignore === 'all') return ['all'];
  if (!Array.isArray(ignore)) return [];
  return ignore.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/\[\s*"([^"]*)"\s*\]/g, '.$1').replace(/\[\s*(\d+)\s*\]/g, '.$1'));
}

const isIgnored = (p: string, ignored: readonly string[]) => ignored.some((i) => i === 'all' || p === i || p.startsWith(`${i}.`));

function preventDestroy(config: Json | undefined): boolean {
  return isObject(config?.lifecycle) && config.lifecycle.prevent_destroy === true;
}

/** People's names of the data sources jhm reads, for "known after apply" reasons. */
const DATA_NAMES: Record<string, string> = {
  [OPENSTACK_DATA_TYPES.clusterTemplate]: 'template',
  [OPENSTACK_DATA_TYPES.network]: 'network',
  [OPENSTACK_DATA_TYPES.subnetIds]: 'subnets',
  [OPENSTACK_DATA_TYPES.dnsZone]: 'zone',
};

/** The Kubernetes minor version the name of the template `cluster`'s `cluster_template_id` refers to states (`undefined`: no such name). */
function templateMinor(cluster: Block, data: ReadonlyMap<string, Block>): string | undefined {
  const ref = references(cluster.config.cluster_template_id).find((r) => r.startsWith(`data.${OPENSTACK_DATA_TYPES.clusterTemplate}.`));
  const name = ref === undefined ? undefined : data.get(ref)?.config.name;
  return typeof name === 'string' ? templateKubernetesMinor(name) : undefined;
}

/** What a data source's changed configuration is, e.g. `template "a" -> "b"`. */
function describeDataChange(before: Block, after: Block): string {
  const a = flatten(before.arguments, '', new Map());
  const b = flatten(after.arguments, '', new Map());
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter((k) => canonical(a.get(k)) !== canonical(b.get(k))).sort();
  const what = DATA_NAMES[after.type] ?? after.address;
  if (changed.length === 1 && changed[0] === '.name') return `${what} ${value(a.get('.name'))} -> ${value(b.get('.name'))}`;
  return `${what}: ${changed.map((k) => `${k.slice(1)} ${value(a.get(k))} -> ${value(b.get(k))}`).join(', ')}`;
}

/** One value as a plan shows it: JSON, cut to a line's worth (a user name or password in a URL is not shown). */
function value(v: unknown): string {
  return v === undefined ? 'null' : truncate(JSON.stringify(v).replace(/(\/\/)[^/@"\s]*@/g, '$1…@'));
}

/** The hub whose home folders a home volume holds (its `jhm-hub` metadata, else its Terraform name). */
function volumeHub(block: Block): string {
  const metadata = block.config.metadata;
  const hub = isObject(metadata) ? metadata['jhm-hub'] : undefined;
  return typeof hub === 'string' ? hub : block.name.replace(/^home-/, '');
}

/** The GiB of a volume's `size` argument, when it is a number. */
function sizeOf(block: Block): number | undefined {
  return typeof block.arguments.size === 'number' ? block.arguments.size : undefined;
}

/**
 * For a home volume created or destroyed: the switch of its hub between per-user and shared
 * storage, when the hub stays on the cluster (a DNS record of the hub in both stacks: `record-<hub>`,
 * or the one hub's `ingress`).
 */
function storageSwitchOf(action: 'create' | 'destroy', block: Block, before: ReadonlyMap<string, Block>, after: ReadonlyMap<string, Block>): ResourceChange['storageSwitch'] {
  const hub = volumeHub(block);
  const records = [`${RECORDSET_TYPE}.record-${hub}`, `${RECORDSET_TYPE}.ingress`];
  const stays = records.some((r) => before.has(r) && after.has(r));
  return stays ? { hub, to: action === 'create' ? 'shared' : 'perUser' } : undefined;
}

function lossOf(action: TerraformAction, block: Block, hubs: readonly string[] | undefined): string | undefined {
  if (action !== 'replace' && action !== 'destroy') return undefined;
  const name = typeof block.config.name === 'string' ? block.config.name : block.name;
  switch (block.type) {
    case CLUSTER_TYPE: {
      const homes = hubs === undefined ? "the users' home folders of every hub on it" : hubs.length === 0 ? 'no hub is on it' : `the users' home folders of hub${hubs.length === 1 ? '' : 's'} ${hubs.join(', ')}`;
      return `every node and volume of cluster ${name}: ${homes}`;
    }
    case NODEGROUP_TYPE:
      return `every node of nodegroup ${name}: the user servers running on them stop`;
    case FLOATING_IP_TYPE:
      return "the ingress floating IP address: a new one differs, and the ingress Service must be created again to adopt it (the cloud controller reads loadBalancerIP only at creation)";
    case RECORDSET_TYPE:
      return `the DNS record ${name}: the hub ${action === 'replace' ? 'cannot be reached by name until the new record is served' : 'can no longer be reached by name'}`;
    case HOME_VOLUME_TYPE:
      return `every home folder of hub ${volumeHub(block)}`;
    default:
      return undefined;
  }
}

/**
 * The changes Terraform would plan from stack `before` to stack `after` (parsed `cdk.tf.json`
 * texts; `undefined` = no stack). `context.hubs`: the hubs on the cluster, named in what a
 * replaced cluster loses.
 */
/**
 * The plan from stack `before` to stack `after` (either undefined: none). `context.hubs` names the
 * hubs on the cluster (for what is lost); `context.kubernetesMinor` is the Kubernetes version the
 * cluster file asks for (`major.minor`), else the new template's name says it.
 */
export function planStack(before: unknown | undefined, after: unknown | undefined, context: { hubs?: readonly string[]; kubernetesMinor?: string } = {}): TerraformPlan {
  const oldResources = blocks(before, 'resource');
  const newResources = blocks(after, 'resource');
  const oldData = blocks(before, 'data');
  const newData = blocks(after, 'data');

  // Addresses whose values are known only after apply, and why; grows to a fixed point as
  // replacements make more values unknown.
  const unknown = new Map<string, string>();
  for (const address of newResources.keys()) if (!oldResources.has(address)) unknown.set(address, `${address} is created`);
  const dataCause = (d: Block): string | undefined => {
    const old = oldData.get(d.address);
    if (!old) return `${d.address} is new`;
    if (canonical(old.arguments) !== canonical(d.arguments)) return describeDataChange(old, d);
    const causes = [...new Set(references(d.config).map((r) => unknown.get(r)).filter((c): c is string => c !== undefined))];
    return causes.length > 0 ? causes.join('; ') : undefined;
  };

  const diff = (oldBlock: Block, newBlock: Block): AttributeChange[] => {
    const facts = factsOf(newBlock.type);
    const ignored = ignoredPaths(newBlock.config);
    const a = oldBlock.arguments;
    const b = newBlock.arguments;
    const changes: AttributeChange[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      // Left out of the configuration, an optional and computed argument keeps the value read.
      if (!(key in b) && facts.optionalComputed.has(key)) continue;
      const forcesReplacement = !facts.inPlace.has(key); // ForceNew, or unclassified (taken as ForceNew)
      const leavesA = flatten(a[key], key, new Map());
      const leavesB = flatten(b[key], key, new Map());
      for (const p of [...new Set([...leavesA.keys(), ...leavesB.keys()])].sort()) {
        if (isIgnored(p, ignored)) continue;
        const x = leavesA.get(p);
        const y = leavesB.get(p);
        // The path holds the keys of an expression's objects, which Terraform reads as templates too.
        const causes = [...new Set(references([p, y]).map((r) => unknown.get(r)).filter((c): c is string => c !== undefined))];
        if (causes.length > 0) changes.push({ path: p, before: x, after: y, knownAfterApply: true, why: causes.join('; '), forcesReplacement });
        else if (canonical(x) !== canonical(y)) changes.push({ path: p, before: x, after: y, forcesReplacement });
      }
    }
    return changes;
  };

  let changes: ResourceChange[] = [];
  for (let round = 0; round <= newResources.size + newData.size + 1; round++) {
    const known = unknown.size;
    // Data sources first, in dependency order (repeat until none is added).
    for (let added = true; added; ) {
      added = false;
      for (const d of newData.values()) {
        if (unknown.has(d.address)) continue;
        const cause = dataCause(d);
        if (cause !== undefined) {
          unknown.set(d.address, cause);
          added = true;
        }
      }
    }
    changes = [];
    for (const [address, newBlock] of newResources) {
      const oldBlock = oldResources.get(address);
      if (!oldBlock) {
        const storageSwitch = newBlock.type === HOME_VOLUME_TYPE && before !== undefined ? storageSwitchOf('create', newBlock, oldResources, newResources) : undefined;
        changes.push({ address, type: newBlock.type, name: newBlock.name, action: 'create', attributes: [], forcedBy: [], protected: preventDestroy(newBlock.config), ...(storageSwitch ? { storageSwitch } : {}) });
        continue;
      }
      const attributes = diff(oldBlock, newBlock);
      // terraform-plugin-sdk v2 leaves `timeouts` out of the provider's diff: a change of them
      // alone plans the prior state (no change); with other changes they come along.
      if (attributes.every((c) => c.path === 'timeouts' || c.path.startsWith('timeouts.'))) continue;
      const forcedBy = attributes.filter((c) => c.forcesReplacement).map((c) => c.path);
      const action: TerraformAction = forcedBy.length > 0 ? 'replace' : 'update';
      if (action === 'replace' && !unknown.has(address)) unknown.set(address, `${address} is replaced`);
      const upgrade = action === 'update' && newBlock.type === CLUSTER_TYPE && attributes.some((c) => c.path === 'cluster_template_id');
      const from = upgrade ? templateMinor(oldBlock, oldData) : undefined;
      const to = upgrade ? (context.kubernetesMinor ?? templateMinor(newBlock, newData)) : undefined;
      const problem = from !== undefined && to !== undefined ? inPlaceUpgradeProblem(from, to) : undefined;
      // Cinder's extend API only grows a volume: a smaller size would fail at apply.
      const [sizeBefore, sizeAfter] = [sizeOf(oldBlock), sizeOf(newBlock)];
      const shrink = newBlock.type === HOME_VOLUME_TYPE && sizeBefore !== undefined && sizeAfter !== undefined && sizeAfter < sizeBefore ? { from: sizeBefore, to: sizeAfter } : undefined;
      changes.push({
        address,
        type: newBlock.type,
        name: newBlock.name,
        action,
        attributes,
        forcedBy,
        ...(upgrade ? { upgrade } : {}),
        ...(from !== undefined && to !== undefined ? { kubernetes: { from, to, ...(problem !== undefined ? { problem } : {}) } } : {}),
        protected: preventDestroy(newBlock.config),
        ...withLoss(lossOf(action, oldBlock, context.hubs)),
        ...(shrink ? { shrink } : {}),
      });
    }
    if (unknown.size === known) break;
  }
  for (const [address, oldBlock] of oldResources) {
    if (newResources.has(address)) continue;
    const storageSwitch = oldBlock.type === HOME_VOLUME_TYPE && after !== undefined ? storageSwitchOf('destroy', oldBlock, oldResources, newResources) : undefined;
    changes.push({ address, type: oldBlock.type, name: oldBlock.name, action: 'destroy', attributes: [], forcedBy: [], protected: preventDestroy(oldBlock.config), ...withLoss(lossOf('destroy', oldBlock, context.hubs)), ...(storageSwitch ? { storageSwitch } : {}) });
  }
  changes.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  const count = (...actions: TerraformAction[]) => changes.filter((c) => actions.includes(c.action)).length;
  // A backend changes between two stacks only: a first stack has no state to move, a removed one no more state.
  const backend = before === undefined || after === undefined ? undefined : backendChange(backendOf(before), backendOf(after));
  const cost = planCost(before, after);
  return { changes, ...(backend ? { backend } : {}), ...(cost ? { cost } : {}), add: count('create', 'replace'), change: count('update'), destroy: count('destroy', 'replace') };
}

/** Whether the plan changes anything: a resource or the backend. */
export function planChanges(plan: TerraformPlan): boolean {
  return plan.changes.length > 0 || plan.backend !== undefined;
}

/**
 * `terraform.backend` of a stack as `{ type, ...settings }` (Terraform's default is `local`). The
 * settings are a block body (no schema here: its comments are left out, every other key is an
 * argument).
 */
function backendOf(stack: unknown): Json {
  const terraform = isObject(stack) ? stack.terraform : undefined;
  const backend = isObject(terraform) ? terraform.backend : undefined;
  const entries = isObject(backend) ? Object.entries(backend).filter(([k, v]) => k !== COMMENT && isObject(v)) : [];
  if (entries.length !== 1) return { type: 'local' };
  const [type, settings] = entries[0] as [string, Json];
  return { type, ...body(settings, FLAT_BODY) };
}

function backendChange(before: Json, after: Json): BackendChange | undefined {
  if (canonical(before) === canonical(after)) return undefined;
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const attributes = [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => canonical(a.get(k)) !== canonical(b.get(k)))
    .sort()
    .map((k) => ({ path: k.slice(1), before: a.get(k), after: b.get(k), forcesReplacement: false }));
  return { before: String(before.type), after: String(after.type), attributes };
}

function withLoss(loss: string | undefined): { loss?: string } {
  return loss === undefined ? {} : { loss };
}

/** Rolling upgrades no cluster can make: a downgrade, or more than one minor version at once (`jhm synth` refuses them). */
export function unsupportedUpgrades(plan: TerraformPlan): ResourceChange[] {
  return plan.changes.filter((c) => c.kubernetes?.problem !== undefined);
}

/**
 * Changes `jhm synth` makes only with `--allow-replace` (or without deletion protection): a cluster
 * or nodegroup replaced, a cluster destroyed, a home volume replaced or destroyed (other than by a
 * storage switch, {@link storageSwitches}).
 */
export function needsAllowReplace(plan: TerraformPlan): ResourceChange[] {
  return plan.changes.filter(
    (c) =>
      (c.action === 'replace' && (c.type === CLUSTER_TYPE || c.type === NODEGROUP_TYPE)) ||
      (c.action === 'destroy' && c.type === CLUSTER_TYPE) ||
      ((c.action === 'replace' || c.action === 'destroy') && c.type === HOME_VOLUME_TYPE && c.storageSwitch === undefined),
  );
}

/** Home volumes made smaller: Cinder cannot shrink a volume (`jhm synth` refuses it, with no override). */
export function shrinkingVolumes(plan: TerraformPlan): ResourceChange[] {
  return plan.changes.filter((c) => c.shrink !== undefined);
}

/** Hubs switching between per-user and shared storage: `jhm synth` makes them only with `--allow-replace`. */
export function storageSwitches(plan: TerraformPlan): ResourceChange[] {
  return plan.changes.filter((c) => c.storageSwitch !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Printing

const HEADLINE: Record<TerraformAction, string> = {
  create: 'will be created',
  update: 'will be updated in-place',
  replace: 'must be replaced',
  destroy: 'will be destroyed',
};

function attributeLine(c: AttributeChange, replace: boolean, field: string | undefined): string {
  const mark = replace && c.forcesReplacement ? '  -/+' : '    ~';
  const notes = [...(c.knownAfterApply ? [`known after apply; ${c.why}`] : []), ...(replace && c.forcesReplacement ? ['forces replacement'] : []), ...(field !== undefined ? [`set by ${field}`] : [])];
  const change = c.knownAfterApply ? '' : `${value(c.before)} -> ${value(c.after)}`;
  return `${mark} ${c.path}: ${[change, ...(notes.length > 0 ? [`(${notes.join('; ')})`] : [])].filter(Boolean).join(' ')}`;
}

/** Names the field of the user's file that sets an argument (`infra/stack-fields.ts`), for the plan's lines. */
export type FieldNamer = (change: ResourceChange, path: string) => string | undefined;

/** The plan as Terraform words it: one `# address …` line per resource, its attribute changes, what is lost, and the counts. */
export function formatTerraformPlan(title: string, plan: TerraformPlan, fieldOf: FieldNamer = () => undefined, cluster = '<cluster>'): string {
  const lines = [title];
  if (plan.backend) {
    const b = plan.backend;
    lines.push(`  # the state backend changes${b.before === b.after ? ` (${b.after})` : `: ${b.before} -> ${b.after}`}`);
    for (const a of b.attributes) lines.push(attributeLine(a, false, undefined));
    lines.push(`      terraform init stops on this until the state is moved: run ${migrateStateCommand(cluster)} before jhm deploy (${MIGRATE_STATE_GUIDE})`);
  }
  if (plan.changes.length === 0) {
    lines.push('  No changes. Your infrastructure matches the configuration.');
    return lines.join('\n');
  }
  for (const c of plan.changes) {
    const upgrade = c.upgrade ? ` (rolling upgrade to another cluster template${!c.kubernetes ? '' : c.kubernetes.from === c.kubernetes.to ? `: Kubernetes ${c.kubernetes.to} still` : `: Kubernetes ${c.kubernetes.from} -> ${c.kubernetes.to}`})` : '';
    lines.push(`  # ${c.address} ${HEADLINE[c.action]}${upgrade}`);
    const replace = c.action === 'replace';
    // Forcing attributes first, as Terraform leads with what forces the replacement.
    const ordered = replace ? [...c.attributes.filter((a) => a.forcesReplacement), ...c.attributes.filter((a) => !a.forcesReplacement)] : c.attributes;
    for (const a of ordered) lines.push(attributeLine(a, replace, fieldOf(c, a.path)));
    if (c.kubernetes?.problem) lines.push(`      NOT POSSIBLE: this upgrade ${c.kubernetes.problem}; jhm synth refuses it`);
    if (c.shrink) lines.push(`      NOT POSSIBLE: Cinder cannot shrink a volume (${c.shrink.from} GiB -> ${c.shrink.to} GiB); jhm synth refuses it`);
    if (c.storageSwitch) lines.push(`      hub ${c.storageSwitch.hub} switches to ${c.storageSwitch.to === 'shared' ? 'shared' : 'per-user'} storage: jhm synth needs --allow-replace (docs/shared-storage.md)`);
    if (c.loss) lines.push(`      LOSES: ${c.loss}`);
    if (c.protected && replace) lines.push('      deletion protection (prevent_destroy) is on: terraform apply stops before destroying it');
    if (c.protected && c.action === 'destroy') lines.push('      it had deletion protection (prevent_destroy), which Terraform no longer checks once the resource has left the configuration');
  }
  lines.push(`  Plan: ${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy.`);
  lines.push(...costLines(plan.cost));
  return lines.join('\n');
}
