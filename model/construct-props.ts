/**
 * Constructs check their own props, so the TypeScript API is safe without the hub schema: a bad
 * prop throws at construction, naming the construct, its id, the prop, the value and the rule.
 * The hub schema checks the same rules first for hub files, with file and line.
 */
import { DNS_LABEL_RULE, isDnsLabel } from './dns';
import { quote } from './errors';
import { checkFields, MagnumField, NODE_RANGE_FIELDS, NodeRange, nodeRangeProblems } from './magnum-fields';

/** Throws a clear error about prop `prop` of construct `what` (e.g. `MagnumCluster cluster`) unless `ok`. */
export function requireProp(ok: boolean, what: string, prop: string, rule: string): void {
  if (!ok) throw new Error(`${what}: ${prop} ${rule}`);
}

/** `value` of prop `prop` must be a DNS label. */
export function requireDnsLabel(value: string, what: string, prop: string): void {
  requireProp(isDnsLabel(value), what, prop, `is ${quote(value)}; it must be a DNS label (${DNS_LABEL_RULE})`);
}

/** `value` of prop `prop` must be an integer of at least `min`. */
export function requireInteger(value: number, what: string, prop: string, min: number): void {
  requireProp(Number.isInteger(value) && value >= min, what, prop, `is ${value}; it must be an integer of at least ${min}`);
}

/**
 * The size range of a nodegroup (`nodeRangeProblems` in `model/magnum-fields.ts`): each size an
 * integer of at least 1, and no problem across them.
 */
export function requireNodeRange(g: Required<NodeRange>, what: string, prefix = ''): void {
  for (const k of NODE_RANGE_FIELDS) requireInteger(g[k], what, `${prefix}${k}`, 1);
  const [problem] = nodeRangeProblems(g);
  if (problem) requireProp(false, what, `${prefix}${problem.field}`, problem.message);
}

/**
 * The rules of a Magnum settings table's rows (`check` in `model/magnum-fields.ts`, the same a
 * file's settings obey) on `values`; values `skip` says are not known yet (cdktf tokens) are left out.
 */
export function requireFieldRules(table: Readonly<Record<string, MagnumField>>, values: Readonly<Record<string, unknown>>, what: string, skip: (value: unknown) => boolean, prefix = ''): void {
  const known = Object.fromEntries(Object.entries(table).filter(([k]) => !skip(values[k])));
  checkFields(known, values, [], (path, message) => requireProp(false, what, `${prefix}${path.join('.')}`, message));
}
