/**
 * What a change to a cluster's stack costs in Jetstream2 service units (SUs) per hour: the
 * cluster's figure at minimum scale (every autoscaled nodegroup at its minimum) and at maximum
 * scale (the worst case: every nodegroup at its maximum), before and after, read from the two
 * Terraform stacks (`jhm diff`, `jhm check`, `jhm synth` and `jhm destroy` compare the committed
 * stack with a new one; the cluster files of before are not kept, the stacks are).
 *
 * - The nodes: the control plane (`master_count` of `master_flavor`), the default worker and each
 *   nodegroup. Which Terraform argument holds a size is read from the Magnum field table
 *   (`model/magnum-fields.ts`: `terraform` of each row), never spelled here. With autoscaling on
 *   (the cluster's `auto_scaling_enabled` label, which the Magnum Cluster API driver applies to
 *   every nodegroup) a nodegroup runs between its minimum and maximum; with it off, at `node_count`.
 * - The rates: `model/flavors.ts`. A flavor it does not list is named ("unknown SU rate for flavor
 *   X") and the figures it enters are "unknown", never guessed.
 * - A plan carries figures only when the nodes change (a flavor, a size, a nodegroup added or
 *   removed, autoscaling), or the cluster is created or destroyed.
 */
import { jetstream2Flavor } from '../model/flavors';
import type * as MagnumFields from '../model/magnum-fields';
import type { MagnumField } from '../model/magnum-fields';
import { DEFAULT_WORKER_NODE_GROUP } from '../model/node-group';
import { OPENSTACK_RESOURCE_TYPES } from '../infra/openstack-resources';

/** The nodes of one group as a stack states them. */
export interface GroupScale {
  /** `control plane`, `default-worker` or the nodegroup's name. */
  readonly group: string;
  readonly flavor: string;
  readonly min: number;
  readonly max: number;
  /** The fields of the user's file that size it, by name (`flavor`, `maxNodes`, `masterCount`, …), for describing a change. */
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

/** A cluster's figures in SUs per hour (`undefined`: a flavor's rate is unknown). */
export interface ClusterCost {
  readonly min?: number;
  readonly max?: number;
  /** Flavors without a known rate, each with the group using it. */
  readonly unknown: ReadonlyArray<{ readonly flavor: string; readonly group: string }>;
}

/** The nodes of a cluster before and after a change (`undefined`: no such stack). */
export interface PlanCost {
  readonly before?: readonly GroupScale[];
  readonly after?: readonly GroupScale[];
}

const CONTROL_PLANE = 'control plane';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The Terraform argument a row sets (`labels.max_node_count`: the label). */
function argumentOf(row: MagnumField): string {
  const arg = row.terraform?.[0];
  if (arg === undefined) throw new Error('plan-cost: a sizing field without a Terraform argument');
  return arg;
}

/** The value of argument `arg` (`a.b`: key `b` of map `a`) in a resource body. */
function valueAt(body: Json, arg: string): unknown {
  const dot = arg.indexOf('.');
  if (dot < 0) return body[arg];
  const map = body[arg.slice(0, dot)];
  return isObject(map) ? map[arg.slice(dot + 1)] : undefined;
}

/** A count a stack states (a number, or a label's string), else `undefined`. */
function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? parseInt(v, 10) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** Text as the stack states it, a literal `$${`/`%%{` shown as the user wrote it. */
function text(v: unknown): string {
  return typeof v === 'string' ? v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : JSON.stringify(v ?? null);
}

/** The resource bodies of `type` in a stack, by name. */
function resources(stack: unknown, type: string): Array<[string, Json]> {
  const all = isObject(stack) && isObject(stack.resource) ? stack.resource[type] : undefined;
  return isObject(all) ? Object.entries(all).filter((e): e is [string, Json] => isObject(e[1])) : [];
}

/** A group's range: its minimum and maximum with autoscaling, else its node count. */
function range(nodeCount: number | undefined, min: number | undefined, max: number | undefined, autoscaling: boolean): { min: number; max: number } {
  const fixed = nodeCount ?? min ?? 1;
  return autoscaling && min !== undefined && max !== undefined ? { min, max } : { min: fixed, max: fixed };
}

/** The groups of nodes a stack creates (`undefined`: no stack). */
export function stackScale(stack: unknown): GroupScale[] | undefined {
  if (stack === undefined) return undefined;
  // Loaded on first use: the table builds its zod schemas when loaded, and the commands that only
  // may print a plan (jhm --help among them, through the ingress guard) must not load zod.
  const { CLUSTER_FIELDS, DEFAULT_WORKER_FIELDS, fieldDefault, NODE_GROUP_FIELDS } = require('../model/magnum-fields') as typeof MagnumFields;
  const groups: GroupScale[] = [];
  const clusters = resources(stack, OPENSTACK_RESOURCE_TYPES.cluster);
  const label = (body: Json | undefined) => (body === undefined ? undefined : valueAt(body, argumentOf(CLUSTER_FIELDS.autoscaling)));
  const autoscalingLabel = label(clusters[0]?.[1]);
  const autoscaling = autoscalingLabel === undefined ? (fieldDefault(CLUSTER_FIELDS.autoscaling) as boolean) : String(autoscalingLabel) === 'true';
  for (const [, body] of clusters) {
    const masters = count(valueAt(body, argumentOf(CLUSTER_FIELDS.masterCount))) ?? 1;
    const masterFlavor = text(valueAt(body, argumentOf(CLUSTER_FIELDS.masterFlavor)));
    groups.push({ group: CONTROL_PLANE, flavor: masterFlavor, min: masters, max: masters, fields: { masterFlavor, masterCount: masters } });
    const at = (row: MagnumField) => count(valueAt(body, argumentOf(row)));
    const w = DEFAULT_WORKER_FIELDS;
    const flavor = text(valueAt(body, argumentOf(w.flavor)));
    const [nodeCount, minNodes, maxNodes] = [at(w.nodeCount), at(w.minNodes), at(w.maxNodes)];
    groups.push({ group: DEFAULT_WORKER_NODE_GROUP, flavor, ...range(nodeCount, minNodes, maxNodes, autoscaling), fields: sizeFields(flavor, nodeCount, minNodes, maxNodes, autoscaling) });
  }
  for (const [name, body] of resources(stack, OPENSTACK_RESOURCE_TYPES.nodeGroup)) {
    const g = NODE_GROUP_FIELDS;
    const at = (row: MagnumField) => count(valueAt(body, argumentOf(row)));
    const flavor = text(valueAt(body, argumentOf(g.flavor)));
    const [nodeCount, minNodes, maxNodes] = [at(g.nodeCount), at(g.minNodes), at(g.maxNodes)];
    const groupName = valueAt(body, argumentOf(g.name));
    groups.push({
      group: typeof groupName === 'string' ? text(groupName) : name,
      flavor,
      ...range(nodeCount, minNodes, maxNodes, autoscaling),
      fields: sizeFields(flavor, nodeCount, minNodes, maxNodes, autoscaling),
    });
  }
  return groups;
}

/** The fields that size a worker group: its flavor and, with autoscaling, its range, else its node count. */
function sizeFields(flavor: string, nodeCount: number | undefined, minNodes: number | undefined, maxNodes: number | undefined, autoscaling: boolean): Record<string, string | number | boolean> {
  const sizes: Record<string, number | undefined> = autoscaling ? { minNodes, maxNodes } : { nodeCount };
  return { flavor, ...Object.fromEntries(Object.entries(sizes).filter((e): e is [string, number] => e[1] !== undefined)), autoscaling };
}

/** The SUs per hour of `groups` at minimum and at maximum scale. */
export function clusterCost(groups: readonly GroupScale[]): ClusterCost {
  let min: number | undefined = 0;
  let max: number | undefined = 0;
  const unknown: Array<{ flavor: string; group: string }> = [];
  for (const g of groups) {
    const rate = jetstream2Flavor(g.flavor)?.suPerHour;
    if (rate === undefined) {
      unknown.push({ flavor: g.flavor, group: g.group });
      min = max = undefined;
    } else if (min !== undefined && max !== undefined) {
      min += rate * g.min;
      max += rate * g.max;
    }
  }
  return { min, max, unknown };
}

/** The cost of a plan from the stacks `before` and `after`, when the nodes differ (else `undefined`). */
export function planCost(before: unknown | undefined, after: unknown | undefined): PlanCost | undefined {
  const a = stackScale(before);
  const b = stackScale(after);
  if ((a === undefined || a.length === 0) && (b === undefined || b.length === 0)) return undefined;
  if (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) return undefined;
  return { ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) };
}

/** `1 x m3.quad`, `1-12 x m3.medium`. */
function nodes(g: GroupScale): string {
  return `${g.min === g.max ? g.min : `${g.min}-${g.max}`} x ${g.flavor}`;
}

/** What changed in the nodes, group by group: `mediums maxNodes 8 -> 12`, `gpus added (1-2 x g3.large)`. */
function edits(before: readonly GroupScale[], after: readonly GroupScale[]): string[] {
  const old = new Map(before.map((g) => [g.group, g]));
  const now = new Map(after.map((g) => [g.group, g]));
  const out: string[] = [];
  for (const g of after) {
    const was = old.get(g.group);
    if (was === undefined) {
      out.push(`${g.group} added (${nodes(g)})`);
      continue;
    }
    for (const [field, value] of Object.entries(g.fields)) {
      const prior = was.fields[field];
      if (prior !== undefined && prior !== value) out.push(`${g.group} ${field} ${prior} -> ${value}`);
    }
  }
  for (const g of before) if (!now.has(g.group)) out.push(`${g.group} removed (${nodes(g)})`);
  // Autoscaling is the cluster's: said once.
  return [...new Set(out.map((e) => e.replace(/^.* (autoscaling .*)$/, '$1')))];
}

function su(n: number | undefined): string {
  return n === undefined ? 'unknown' : String(n);
}

function figure(before: number | undefined, after: number | undefined, first: boolean): string {
  if (first) return `${su(after)} SU/h`;
  return before === after && before !== undefined ? `${su(after)} SU/h (unchanged)` : `${su(before)} -> ${su(after)} SU/h`;
}

/**
 * The cost of a plan in one line: what changed, the worst case (maximum scale) and the minimum
 * scale, before and after, and each flavor whose rate is unknown. E.g. `mediums maxNodes 8 -> 12:
 * worst case 72 -> 104 SU/h at maximum scale, 16 SU/h (unchanged) at minimum scale`.
 */
export function describeCost(cost: PlanCost): string {
  const before = cost.before ?? [];
  const after = cost.after ?? [];
  const a = clusterCost(before);
  const b = clusterCost(after);
  const first = cost.before === undefined;
  const what = first ? `new cluster (${after.map((g) => `${g.group} ${nodes(g)}`).join(', ')})` : cost.after === undefined ? 'cluster removed' : edits(before, after).join(', ') || 'the nodes change';
  const unknown = [...new Map([...(first ? [] : a.unknown), ...b.unknown].map((u) => [u.flavor, u])).values()];
  const unknownText = unknown.length > 0 ? `; ${unknown.map((u) => `unknown SU rate for flavor ${u.flavor} (${u.group})`).join(', ')}` : '';
  return `${what}: worst case ${figure(a.max, b.max, first)} at maximum scale, ${figure(a.min, b.min, first)} at minimum scale${unknownText}`;
}

/** The plan's lines about cost (Jetstream2's SUs per hour), indented as the plan's. */
export function costLines(cost: PlanCost | undefined): string[] {
  return cost === undefined ? [] : [`  Cost in Jetstream2 SUs: ${describeCost(cost)}`];
}
