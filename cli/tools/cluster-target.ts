/**
 * Which cluster a command that acts on a cluster's infrastructure (`jhm deploy`, `jhm kubeconfig`)
 * means: a cluster file's name, or the name of a hub in today's format (its dedicated cluster is
 * named like the hub, so `jhm deploy example` keeps working). A hub on a cluster file is refused
 * with one line naming the cluster to use instead.
 */
import type { Cluster } from '../../config/cluster';
import { UserError } from '../../config/errors';
import type { Hub } from '../../config/hub';
import type * as ConfigValidate from '../../config/validate';

/** A cluster and the hubs on it (those whose files load). */
export interface ClusterTarget {
  readonly cluster: Cluster;
  readonly hubs: readonly Hub[];
}

/**
 * Resolves `name` for `jhm <command> <name>`. Throws `UserErrors` with the problems of the named
 * files (the cluster file and the hubs on it, or the legacy hub file), or a one-line `UserError`
 * when `name` is a hub on a cluster file or names nothing.
 */
export function resolveClusterTarget(root: string, name: string, command: string): ClusterTarget {
  // The model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const { validateProject } = require('../../config/validate') as typeof ConfigValidate;
  const project = validateProject(root, [name]);
  const hub = project.hubs.find((h) => h.name === name);
  if (hub !== undefined && !hub.cluster.dedicated) {
    throw new UserError(`${name} is a hub on cluster ${hub.cluster.name} (${hub.cluster.source}); jhm ${command} acts on a whole cluster: run jhm ${command} ${hub.cluster.name}`, { file: hub.source, field: 'cluster' });
  }
  const cluster = project.clusters.find((c) => c.name === name);
  if (cluster === undefined) {
    throw new UserError(`no cluster named ${name}`, { fix: `name a cluster file (clusters/<cluster>.yaml) or a hub file in today's format (hubs/<hub>.yaml whose cluster: is a mapping)` });
  }
  return { cluster, hubs: project.hubs.filter((h) => h.cluster.name === cluster.name) };
}
