/**
 * The one place that knows how the Magnum Cluster API driver labels nodes.
 *
 * Every node of a nodegroup carries `capi.stackhpc.com/node-group=<name>`, where the name is
 * lowercased and every run of characters outside `[a-z0-9]` becomes one `-` (so `m3.large`
 * becomes `m3-large`). Per-nodegroup Kubernetes labels are not propagated by the driver, so this
 * label is the only reliable way to select the nodes of a nodegroup.
 */

/** The node label key set by the Magnum Cluster API driver on every node. */
export const NODE_GROUP_LABEL_KEY = 'capi.stackhpc.com/node-group';

/** Name of the nodegroup Magnum creates with the cluster for its workers (cannot be deleted). */
export const DEFAULT_WORKER_NODE_GROUP = 'default-worker';

/** Name of the nodegroup Magnum creates for the control plane. */
export const DEFAULT_MASTER_NODE_GROUP = 'default-master';

/** The label value the nodes of nodegroup `name` carry. */
export function nodeGroupLabelValue(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** `{ 'capi.stackhpc.com/node-group': <value> }`: a node selector for the nodes of nodegroup `name`. */
export function nodeGroupSelector(name: string): Record<string, string> {
  return { [NODE_GROUP_LABEL_KEY]: nodeGroupLabelValue(name) };
}
