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

/**
 * What is wrong with the size range of a nodegroup, each with the field it is about: `minNodes`
 * above `maxNodes`, or `nodeCount` (when given) outside `minNodes..maxNodes`. The hub schema
 * reports these for hub files, and the Magnum constructs refuse props that have any.
 */
export function nodeRangeProblems(g: { readonly minNodes: number; readonly maxNodes: number; readonly nodeCount?: number }): Array<{ field: 'minNodes' | 'nodeCount'; message: string }> {
  const problems: Array<{ field: 'minNodes' | 'nodeCount'; message: string }> = [];
  if (g.minNodes > g.maxNodes) {
    problems.push({ field: 'minNodes', message: `is ${g.minNodes}, more than maxNodes (${g.maxNodes}); minNodes must not exceed maxNodes` });
  }
  if (g.nodeCount !== undefined && (g.nodeCount < g.minNodes || g.nodeCount > g.maxNodes)) {
    problems.push({ field: 'nodeCount', message: `is ${g.nodeCount}, outside minNodes..maxNodes (${g.minNodes}..${g.maxNodes})` });
  }
  return problems;
}
