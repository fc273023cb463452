/**
 * The Magnum settings of a cluster and of its nodegroups, one row per field. Everything else is
 * derived from these tables, and nothing else spells a setting's default, rule text or Terraform
 * argument:
 *
 * - the schema of `magnum:` (a cluster file) and `cluster:` (a hub file in the original format),
 *   of `defaultWorker:` and of each entry of `nodeGroups:` (`model/cluster-schema.ts`), hence
 *   `cluster.schema.json` and `hub.schema.json`: a row's zod schema carries its rule, its default
 *   and its description;
 * - the resolved model (`ClusterSettings` and `NodeGroup` in `model/cluster.ts`): the rows the
 *   model passes through unchanged (`model: 'settings'`), in table order;
 * - the props of the Magnum constructs (`infra/magnum-cluster.ts`, `infra/magnum-nodegroup.ts`),
 *   which take those settings with the table's defaults ({@link magnumSettingsWithDefaults});
 * - which argument of the Terraform resource each field sets (`terraform`, as a plan names it:
 *   `labels.max_node_count`, `timeouts.create`), so a change plan says which edit changes what
 *   (`infra/stack-fields.ts`). Whether a change of that argument replaces the resource or updates
 *   it in place is the provider's fact, read from `provider-schema/force-new.json` (not restated
 *   here; `test/config/magnum-fields.test.ts` checks every argument is classified there);
 * - the lines `jhm init` writes for them (`template`, used by `cli/hub-template.ts`).
 *
 * The rules across the fields of one table (a nodegroup's size range, the template and its
 * Kubernetes version) live here too ({@link checkMagnum}, {@link checkNodeGroup}), as do the
 * values the model derives from fields (the template reference, a nodegroup's initial size).
 *
 * The Terraform arguments are plain strings: this module imports nothing of Terraform or cdktf.
 * Adding a Magnum setting is one row here, its use in the construct, and its tests.
 */
import { z } from 'zod';
import { DEFAULT_CLUSTER_TEMPLATE } from './versions';
import { kubernetesVersionProblem } from './cluster-templates';
import { dnsLabel, flavor, terraformText, timeout } from './schema-parts';

/** Reports a problem with the field at `path` (below the settings' key, e.g. `['masterCount']`). */
export type FieldIssue = (path: (string | number)[], message: string) => void;

/** What the `jhm init` line of a field depends on. */
export interface TemplateContext {
  /** The file's name when the file names the cluster (a cluster file); absent in a hub file. */
  readonly name?: string;
  /** What setting deletion protection off lets one tear down: `the hub`, `the cluster`. */
  readonly teardown: string;
}

/**
 * How `jhm init` writes a field: `option` (set from the command's option of the same name: a value
 * a new file must choose), `commented` (a commented-out line showing `example`, else the default),
 * or `example` (set to `example`: the first nodegroup of a new file).
 */
export type TemplateLine =
  | { readonly line: 'option' }
  | { readonly line: 'commented'; readonly example?: (c: TemplateContext) => string | undefined; readonly comment?: (c: TemplateContext) => string }
  | { readonly line: 'example'; readonly example: string | number };

/** One field of the Magnum settings (see the module comment). */
export interface MagnumField<S extends z.ZodType = z.ZodType> {
  /** Its rule, default (`.default`, the one home of the default) and description. */
  readonly schema: S;
  /**
   * Where the resolved model has it: `settings` (passed through unchanged under its own name), or
   * `derived` (the model derives something else from it: the cluster's name in Magnum, the
   * template reference, the Kubernetes version, the default worker's nodegroup).
   */
  readonly model: 'settings' | 'derived';
  /**
   * The arguments of the Terraform resource the field sets, as a plan names them (`labels.<key>`:
   * a Magnum label; `labels.*`: every label no other field sets). None: it sets no argument.
   */
  readonly terraform?: readonly string[];
  /** When several fields set one argument: whether this one does for these settings. */
  readonly setsArgument?: (settings: { readonly template: { readonly id: string } | { readonly name: string } }) => boolean;
  /**
   * A rule on the value alone, beyond the schema's, for files and constructs alike (rules across
   * fields: {@link checkMagnum}, {@link checkNodeGroup}). Method syntax, so that a row of any
   * schema is a `MagnumField`.
   */
  check?(value: z.output<S>, issue: FieldIssue): void;
  /** The `jhm init` line. None: `jhm init` does not mention it. */
  readonly template?: TemplateLine;
}

/** A row, typed by its schema (so `check` gets the value's type) and where the model has it. */
function field<S extends z.ZodType, M extends MagnumField['model']>(row: MagnumField<S> & { readonly model: M }): MagnumField<S> & { readonly model: M } {
  return row;
}

/** Minutes of a duration such as `90m` or `2h` (the `timeout` schema). */
function minutes(t: string): number {
  return /h$/.test(t) ? parseInt(t, 10) * 60 : parseInt(t, 10);
}

const atLeastOneNode = 'must be at least 1: a Magnum nodegroup cannot scale below 1 node';
const nodeCount = z.number().int();
const labels = z.record(terraformText, terraformText).default({});

/** The `default-worker` nodegroup Magnum creates with the cluster (`defaultWorker:`). */
export const DEFAULT_WORKER_FIELDS = {
  flavor: field({
    schema: flavor.default('m3.quad').describe('Flavor of the default worker, which runs the hub, proxy and ingress controller.'),
    model: 'settings',
    terraform: ['flavor'],
  }),
  nodeCount: field({ schema: nodeCount.min(1, 'must be at least 1').default(1).describe('Nodes in the default-worker nodegroup.'), model: 'settings', terraform: ['node_count'] }),
  minNodes: field({
    schema: nodeCount.min(1, atLeastOneNode).default(1).describe('Autoscaling minimum of the default worker.'),
    model: 'settings',
    terraform: ['labels.min_node_count'],
  }),
  maxNodes: field({
    schema: nodeCount.min(1, 'must be at least 1').default(1).describe('Autoscaling maximum of the default worker (1 keeps it a single "core" node).'),
    model: 'settings',
    terraform: ['labels.max_node_count'],
  }),
} as const;

/** The schema of `defaultWorker:` (its default: every field's default). */
const defaultWorkerSchema = z.object(shapeOf(DEFAULT_WORKER_FIELDS)).strict();

/** The Magnum cluster: `magnum:` of a cluster file, `cluster:` of a hub file in the original format. */
export const CLUSTER_FIELDS = {
  name: field({
    schema: dnsLabel.optional().describe('Magnum cluster name (default: the hub name).'),
    model: 'derived',
    terraform: ['name'],
    template: { line: 'commented', example: (c) => c.name, comment: () => "the cluster's name in Magnum (default: the file's name)" },
  }),
  template: field({
    schema: terraformText
      .min(1)
      .default(DEFAULT_CLUSTER_TEMPLATE)
      .describe('Cluster template, by name (looked up) unless templateId is given. A name like kubernetes-1-33-jammy states the Kubernetes version (1.33) charts are rendered for. Changing it upgrades the cluster in place (rolling upgrade).'),
    model: 'derived',
    terraform: ['cluster_template_id'],
    setsArgument: (s) => 'name' in s.template,
    template: { line: 'commented', comment: () => 'cluster template name; the Kubernetes version follows it' },
  }),
  templateId: field({
    schema: z.string().uuid('must be a UUID').optional().describe('Cluster template UUID; skips the lookup by name. Requires kubernetesVersion.'),
    model: 'derived',
    terraform: ['cluster_template_id'],
    setsArgument: (s) => 'id' in s.template,
  }),
  kubernetesVersion: field({
    schema: z
      .string()
      .regex(/^v?[0-9]+\.[0-9]+(\.[0-9]+)?$/, 'must be a Kubernetes version such as "1.33.0"')
      .optional()
      .describe('Kubernetes version the template deploys; charts are rendered for it. Default: the version the template name states (kubernetes-1-33-jammy: 1.33); when given it must agree with it. Required with templateId.'),
    model: 'derived',
    template: { line: 'commented', example: () => '"1.33.4"', comment: () => 'only to pin a patch release, or with templateId' },
  }),
  keypair: field({
    schema: terraformText.min(1, 'must name an OpenStack keypair').describe('OpenStack keypair for the nodes.'),
    model: 'settings',
    terraform: ['keypair'],
    template: { line: 'option' },
  }),
  fixedNetwork: field({
    schema: terraformText.min(1).default('auto_allocated_network').describe('Network the nodes attach to, looked up by name.'),
    model: 'settings',
    terraform: ['fixed_network', 'fixed_subnet'],
  }),
  masterFlavor: field({ schema: flavor.default('m3.quad').describe('Flavor of the control-plane nodes.'), model: 'settings', terraform: ['master_flavor'], template: { line: 'commented' } }),
  masterCount: field({
    schema: z.number().int().min(1, 'must be at least 1').default(1).describe('Control-plane nodes: an odd number (etcd quorum).'),
    model: 'settings',
    terraform: ['master_count'],
    check: (n, issue) => {
      if (n % 2 === 0) issue([], `is ${n}: Magnum needs an odd number of control-plane nodes (1, 3, 5)`);
    },
  }),
  defaultWorker: field({
    schema: defaultWorkerSchema.default(() => defaultWorkerSchema.parse({})).describe('The default-worker nodegroup Magnum creates with the cluster.'),
    model: 'derived',
    template: { line: 'commented', comment: () => 'the "core" node' },
  }),
  dockerVolumeSize: field({ schema: z.number().int().positive().default(50).describe('Size in GB of each node\'s container volume.'), model: 'settings', terraform: ['docker_volume_size'] }),
  autoscaling: field({
    schema: z.boolean().default(true).describe('Enable the cluster autoscaler (Magnum label auto_scaling_enabled).'),
    model: 'settings',
    terraform: ['labels.auto_scaling_enabled'],
  }),
  labels: field({
    schema: labels.describe('Extra Magnum cluster labels, merged over the template\'s. Changing labels replaces the cluster.'),
    model: 'settings',
    terraform: ['labels.*'],
  }),
  createTimeout: field({
    schema: timeout.default('90m').describe('How long Terraform waits for Magnum to create the cluster (at least 60m).'),
    model: 'settings',
    terraform: ['timeouts.create'],
    check: (t, issue) => {
      if (minutes(t) < 60) issue([], `is ${t}: Magnum takes 10-30 minutes to create a cluster; use at least "60m"`);
    },
  }),
  updateTimeout: field({
    schema: timeout
      .default('3h')
      .describe('How long Terraform waits for Magnum to update the cluster (at least 30m): a rolling upgrade to another template replaces every node, one at a time. The provider\'s own default is 30m.'),
    model: 'settings',
    terraform: ['timeouts.update'],
    check: (t, issue) => {
      if (minutes(t) < 30) issue([], `is ${t}: a rolling upgrade replaces every node one at a time; use at least "30m" (the provider's default)`);
    },
  }),
  deletionProtection: field({
    schema: z.boolean().default(true).describe('Refuse to destroy the cluster (Terraform prevent_destroy). Set false only to tear the hub down.'),
    model: 'settings',
    template: { line: 'commented', comment: (c) => `set false only to tear ${c.teardown} down (see docs/teardown.md)` },
  }),
} as const;

/** An extra nodegroup (an entry of `nodeGroups:`). */
export const NODE_GROUP_FIELDS = {
  name: field({
    schema: dnsLabel.describe('Nodegroup name in Magnum. Its nodes carry capi.stackhpc.com/node-group=<name>.'),
    model: 'settings',
    terraform: ['name'],
    template: { line: 'example', example: 'mediums' },
  }),
  flavor: field({ schema: flavor.describe('OpenStack flavor of the nodes, e.g. m3.medium.'), model: 'settings', terraform: ['flavor_id'], template: { line: 'example', example: 'm3.medium' } }),
  minNodes: field({
    schema: nodeCount.min(1, atLeastOneNode).describe('Smallest size the autoscaler may shrink the nodegroup to (at least 1).'),
    model: 'settings',
    terraform: ['min_node_count'],
    template: { line: 'example', example: 1 },
  }),
  maxNodes: field({
    schema: nodeCount.min(1, 'must be at least 1').describe('Largest size the autoscaler may grow the nodegroup to.'),
    model: 'settings',
    terraform: ['max_node_count'],
    template: { line: 'example', example: 8 },
  }),
  nodeCount: field({ schema: nodeCount.optional().describe('Initial number of nodes (default: minNodes).'), model: 'settings', terraform: ['node_count'] }),
  role: field({
    schema: z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits or "-"').default('worker').describe('Magnum nodegroup role.'),
    model: 'settings',
    terraform: ['role'],
  }),
  dockerVolumeSize: field({
    schema: z.number().int().positive().optional().describe('Size in GB of each node\'s container volume (default: the cluster\'s).'),
    model: 'settings',
    terraform: ['docker_volume_size'],
  }),
  labels: field({ schema: labels.describe('Extra Magnum labels for this nodegroup. Changing them replaces the nodegroup.'), model: 'settings', terraform: ['labels.*'] }),
} as const;

type Table = Readonly<Record<string, MagnumField>>;

/** The zod shape of a table: each field's schema under its name, in table order. */
export function shapeOf<T extends Table>(table: T): { [K in keyof T]: T[K]['schema'] } {
  return Object.fromEntries(Object.entries(table).map(([k, row]) => [k, row.schema])) as { [K in keyof T]: T[K]['schema'] };
}

/** The rows' own rules (`check`) on `values`, reported at `[...path, field, ...]`. */
export function checkFields(table: Table, values: Readonly<Record<string, unknown>>, path: (string | number)[], issue: FieldIssue): void {
  for (const [k, row] of Object.entries(table)) row.check?.(values[k] as never, (p, message) => issue([...path, k, ...p], message));
}

/** The names of the rows the model passes through unchanged (`model: 'settings'`). */
type SettingsKeys<T extends Table> = { [K in keyof T]: T[K]['model'] extends 'settings' ? K : never }[keyof T];

/** The validated value of row `K`. */
type Out<T extends Table, K extends keyof T> = z.output<T[K]['schema']>;

/** The values of a table's pass-through rows, validated, defaults applied (a row without a default may be absent). */
export type SettingsOf<T extends Table> = { readonly [K in SettingsKeys<T> as undefined extends Out<T, K> ? never : K]: Out<T, K> } & {
  readonly [K in SettingsKeys<T> as undefined extends Out<T, K> ? K : never]?: Out<T, K>;
};

/** What a construct may be given for a table's pass-through rows: a row with a default may be left out. */
export type SettingsInputOf<T extends Table> = { readonly [K in SettingsKeys<T> as undefined extends z.input<T[K]['schema']> ? K : never]?: z.output<T[K]['schema']> } & {
  readonly [K in SettingsKeys<T> as undefined extends z.input<T[K]['schema']> ? never : K]: z.output<T[K]['schema']>;
};

/** The Magnum cluster settings the model passes through (`ClusterSettings` adds the derived ones). */
export type MagnumSettings = SettingsOf<typeof CLUSTER_FIELDS>;
/** The default worker's settings. */
export type DefaultWorkerSettings = SettingsOf<typeof DEFAULT_WORKER_FIELDS>;
/** A nodegroup's settings the model passes through (`NodeGroup` adds its size and node label). */
export type NodeGroupSettings = SettingsOf<typeof NODE_GROUP_FIELDS>;

/** The pass-through rows of `values`, in table order (the model's field order). */
export function settingsOf<T extends Table>(table: T, values: Readonly<Record<string, unknown>>): SettingsOf<T> {
  return Object.fromEntries(Object.entries(table).flatMap(([k, row]) => (row.model === 'settings' ? [[k, values[k]]] : []))) as SettingsOf<T>;
}

/**
 * `given` with every pass-through row it leaves out set to the row's default (rows without a
 * default stay absent): how a construct given settings through the TypeScript API gets the same
 * defaults as a file.
 */
export function settingsWithDefaults<T extends Table>(table: T, given: SettingsInputOf<T>): SettingsOf<T> {
  const values: Record<string, unknown> = { ...given };
  for (const [k, row] of Object.entries(table)) {
    if (row.model === 'settings' && values[k] === undefined) values[k] = row.schema.safeParse(undefined).data;
  }
  return settingsOf(table, values);
}

/** The default of a row (`undefined`: it has none). */
export function fieldDefault(row: MagnumField): unknown {
  const r = row.schema.safeParse(undefined);
  return r.success ? r.data : undefined;
}

/**
 * The row that keeps Terraform from destroying the cluster (`prevent_destroy`): the messages that
 * refuse a replacement or a destroy name the field from here.
 */
export const DESTROY_GUARD_FIELD = 'deletionProtection' satisfies keyof typeof CLUSTER_FIELDS;

/** The Magnum cluster settings given to `MagnumCluster`, defaults applied from the table. */
export function magnumSettingsWithDefaults(given: SettingsInputOf<typeof CLUSTER_FIELDS>): MagnumSettings {
  return settingsWithDefaults(CLUSTER_FIELDS, given);
}

/** One Terraform argument a field sets: the field's dotted name under its settings, and its row. */
export interface ArgumentField {
  /** E.g. `masterFlavor`, `defaultWorker.maxNodes`, `labels`. */
  readonly field: string;
  readonly row: MagnumField;
}

/** Terraform argument (as a plan names it) → the fields that set it, in table order. */
function argumentsOf(table: Table, prefix = ''): Map<string, ArgumentField[]> {
  const out = new Map<string, ArgumentField[]>();
  for (const [k, row] of Object.entries(table)) {
    for (const arg of row.terraform ?? []) out.set(arg, [...(out.get(arg) ?? []), { field: `${prefix}${k}`, row }]);
  }
  return out;
}

/** Arguments of the Magnum cluster resource → the fields (under `magnum:` / `cluster:`) that set them. */
export const CLUSTER_ARGUMENTS: ReadonlyMap<string, readonly ArgumentField[]> = new Map([...argumentsOf(CLUSTER_FIELDS), ...argumentsOf(DEFAULT_WORKER_FIELDS, 'defaultWorker.')]);

/** Arguments of a nodegroup resource → the fields (of its `nodeGroups` entry) that set them. */
export const NODE_GROUP_ARGUMENTS: ReadonlyMap<string, readonly ArgumentField[]> = argumentsOf(NODE_GROUP_FIELDS);

/** The Magnum labels a field of the settings sets (`labels.<key>`): label key → the field's dotted name. */
export const FIELD_LABELS: ReadonlyMap<string, string> = new Map(
  [...CLUSTER_ARGUMENTS].flatMap(([arg, fields]) => (arg.startsWith('labels.') && arg !== 'labels.*' ? [[arg.slice('labels.'.length), fields[0].field] as const] : [])),
);

/** A cluster template: by UUID, or by name (looked up when Terraform plans). */
export type ClusterTemplateRef = { readonly id: string } | { readonly name: string };

/** The template of validated settings: by UUID when the file gives one, else by name. */
export function templateRef(c: MagnumFile): ClusterTemplateRef {
  return c.templateId !== undefined ? { id: c.templateId } : { name: c.template };
}

/** The size fields of a nodegroup, each an integer of at least 1. */
export const NODE_RANGE_FIELDS = ['minNodes', 'maxNodes', 'nodeCount'] as const;

/** A nodegroup's size: its range, and its initial size when given. */
export type NodeRange = { readonly minNodes: number; readonly maxNodes: number; readonly nodeCount?: number };

/** A nodegroup's settings as the model has them: its initial size decided ({@link sizedNodeGroup}). */
export type SizedNodeGroupSettings = Omit<NodeGroupSettings, 'nodeCount'> & { readonly nodeCount: number };

/**
 * A validated nodegroup's settings as the model has them (table order), its initial size decided:
 * the file's `nodeCount`, else `minNodes` (derived, not a default of its own).
 */
export function sizedNodeGroup(g: NodeRange & Readonly<Record<string, unknown>>): SizedNodeGroupSettings {
  return { ...settingsOf(NODE_GROUP_FIELDS, g), nodeCount: g.nodeCount ?? g.minNodes } as SizedNodeGroupSettings;
}

/**
 * What is wrong with the size range of a nodegroup, each with the field it is about: `minNodes`
 * above `maxNodes`, or `nodeCount` (when given) outside `minNodes..maxNodes`. The schema reports
 * these for files, and the Magnum constructs refuse props that have any.
 */
export function nodeRangeProblems(g: NodeRange): Array<{ field: 'minNodes' | 'nodeCount'; message: string }> {
  const problems: Array<{ field: 'minNodes' | 'nodeCount'; message: string }> = [];
  if (g.minNodes > g.maxNodes) {
    problems.push({ field: 'minNodes', message: `is ${g.minNodes}, more than maxNodes (${g.maxNodes}); minNodes must not exceed maxNodes` });
  }
  if (g.nodeCount !== undefined && (g.nodeCount < g.minNodes || g.nodeCount > g.maxNodes)) {
    problems.push({ field: 'nodeCount', message: `is ${g.nodeCount}, outside minNodes..maxNodes (${g.minNodes}..${g.maxNodes})` });
  }
  return problems;
}

/** The schema of the Magnum settings: `magnum:` of a cluster file, `cluster:` of a hub file in the original format. */
export const magnumSchema = z.object(shapeOf(CLUSTER_FIELDS)).strict();

/** The schema of an entry of `nodeGroups:`. */
export const nodeGroupSchema = z.object(shapeOf(NODE_GROUP_FIELDS)).strict();

/** The validated Magnum settings of a file, every field. */
export type MagnumFile = z.output<typeof magnumSchema>;

/**
 * The rules on validated Magnum settings under `key` (`magnum` or `cluster`) beyond each field's
 * schema: the rows' own rules, the default worker's size range, and the Kubernetes version of the
 * template (`model/cluster-templates.ts`).
 */
export function checkMagnum(c: MagnumFile, key: string, issue: FieldIssue): void {
  checkFields(CLUSTER_FIELDS, c, [key], issue);
  checkFields(DEFAULT_WORKER_FIELDS, c.defaultWorker, [key, 'defaultWorker'], issue);
  for (const p of nodeRangeProblems(c.defaultWorker)) issue([key, 'defaultWorker', p.field], p.message);
  const version = kubernetesVersionProblem(c, key);
  if (version !== undefined) issue([key, 'kubernetesVersion'], version);
}

/** The rules on a validated nodegroup at `path` beyond each field's schema: the rows' own rules and its size range. */
export function checkNodeGroup(g: NodeRange & Readonly<Record<string, unknown>>, path: (string | number)[], issue: FieldIssue): void {
  checkFields(NODE_GROUP_FIELDS, g, path, issue);
  for (const p of nodeRangeProblems(g)) issue([...path, p.field], p.message);
}
