/**
 * The Magnum cluster labels jhm sets itself, in one place: the Terraform side writes them
 * (`infra/magnum-cluster.ts`), and the hub schema refuses them in `cluster.labels`, naming the
 * field that sets each one (an entry there would be silently overridden).
 */

/** What the managed labels are computed from. */
export interface ManagedLabelInput {
  readonly autoscaling: boolean;
  readonly defaultWorker: { readonly minNodes: number; readonly maxNodes: number };
}

interface ManagedLabel {
  /** The field of the cluster's settings that sets it (under `magnum:`, or `cluster:` of a hub file in the original format); none when jhm fixes it. */
  readonly field?: string;
  /** How to set it instead (the field, or why it is fixed), for a message that names the settings as `key` (`cluster` or `magnum`). */
  readonly setBy: (key: string) => string;
  readonly value: (c: ManagedLabelInput) => string;
}

const setByField = (field: string) => ({ field, setBy: (key: string) => `set by ${key}.${field}` });

/** Label key → the field that sets it and its value. */
export const MANAGED_CLUSTER_LABELS: Readonly<Record<string, ManagedLabel>> = {
  auto_scaling_enabled: { ...setByField('autoscaling'), value: (c) => String(c.autoscaling) },
  min_node_count: { ...setByField('defaultWorker.minNodes'), value: (c) => String(c.defaultWorker.minNodes) },
  max_node_count: { ...setByField('defaultWorker.maxNodes'), value: (c) => String(c.defaultWorker.maxNodes) },
  kube_dashboard_enabled: { setBy: () => 'always "false": jhm keeps the Kubernetes dashboard off', value: () => 'false' },
};

/** The labels jhm sets on a cluster (they take precedence over `cluster.labels`). */
export function managedClusterLabels(c: ManagedLabelInput): Record<string, string> {
  return Object.fromEntries(Object.entries(MANAGED_CLUSTER_LABELS).map(([k, l]) => [k, l.value(c)]));
}
