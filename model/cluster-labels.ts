/**
 * The Magnum cluster labels jhm sets itself, in one place: the Terraform side writes them
 * (`infra/magnum-cluster.ts`), and the cluster schema refuses them in `labels`, naming the field
 * that sets each one (an entry there would be silently overridden). The labels a field sets are
 * that field's row in `model/magnum-fields.ts` (its Terraform argument `labels.<key>`); the
 * labels jhm fixes are here.
 */
import { FIELD_LABELS } from './magnum-fields';

interface ManagedLabel {
  /** The field of the cluster's settings that sets it (under `magnum:`, or `cluster:` of a hub file in the original format); none when jhm fixes it. */
  readonly field?: string;
  /** How to set it instead (the field, or why it is fixed), for a message that names the settings as `key` (`cluster` or `magnum`). */
  readonly setBy: (key: string) => string;
  /** Its value for the cluster's settings (the field's value, as a label's text). */
  readonly value: (settings: object) => string;
}

/** The value at dotted `path` of `o`. */
function at(o: object, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

/** Labels no field sets: jhm fixes their value. */
const FIXED_LABELS: Readonly<Record<string, { readonly value: string; readonly why: string }>> = {
  kube_dashboard_enabled: { value: 'false', why: 'always "false": jhm keeps the Kubernetes dashboard off' },
};

/** Label key → the field that sets it and its value. */
export const MANAGED_CLUSTER_LABELS: Readonly<Record<string, ManagedLabel>> = {
  ...Object.fromEntries(
    [...FIELD_LABELS].map(([label, field]): [string, ManagedLabel] => [label, { field, setBy: (key) => `set by ${key}.${field}`, value: (s) => String(at(s, field)) }]),
  ),
  ...Object.fromEntries(Object.entries(FIXED_LABELS).map(([label, f]): [string, ManagedLabel] => [label, { setBy: () => f.why, value: () => f.value }])),
};

/** The labels jhm sets on a cluster, from its settings (they take precedence over its `labels`). */
export function managedClusterLabels(settings: object): Record<string, string> {
  return Object.fromEntries(Object.entries(MANAGED_CLUSTER_LABELS).map(([k, l]) => [k, l.value(settings)]));
}
