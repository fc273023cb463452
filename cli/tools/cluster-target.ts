/**
 * Which cluster a command that acts on a cluster's infrastructure (`jhm deploy`, `jhm kubeconfig`)
 * means: a cluster file's name, or the name of a hub in today's format (its own cluster is
 * named like the hub, so `jhm deploy example` keeps working). A hub on a cluster file is refused
 * with one line naming the cluster to use instead.
 *
 * Either way every file of the cluster is validated first (`validateProject`): its cluster file
 * and every hub file that names it, loaded or not, so a broken hub file stops the command before
 * anything runs (issue 18), as it stops `jhm synth` of that cluster.
 */
import type { Cluster } from '../../model/cluster';
import { UserError } from '../../model/errors';
import type { Hub } from '../../model/hub';
import type * as ConfigValidate from '../../project/validate';

/** A cluster and the hubs on it (those whose files load). */
export interface ClusterTarget {
  readonly cluster: Cluster;
  readonly hubs: readonly Hub[];
}

/**
 * Resolves `name` for `jhm <command> <name>`. Throws `UserErrors` with the problems of the named
 * files (the cluster file and the hubs on it, or the hub file that defines the cluster), or a one-line `UserError`
 * when `name` is a hub on a cluster file or names nothing.
 */
export function resolveClusterTarget(root: string, name: string, command: string): ClusterTarget {
  // The model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const project = validateClusterFiles(root, name);
  const hub = project.hubs.find((h) => h.name === name);
  if (hub !== undefined && hub.cluster.naming.ownerHub !== hub.name) {
    throw new UserError(`${name} is a hub on cluster ${hub.cluster.name} (${hub.cluster.source}); jhm ${command} acts on a whole cluster: run jhm ${command} ${hub.cluster.name}`, { file: hub.source, field: 'cluster' });
  }
  const cluster = project.clusters.find((c) => c.name === name);
  if (cluster === undefined) {
    throw new UserError(`no cluster named ${name}`, { fix: `name a cluster file (clusters/<cluster>.yaml) or a hub file in today's format (hubs/<hub>.yaml whose cluster: is a mapping)` });
  }
  return { cluster, hubs: project.hubs.filter((h) => h.cluster.name === cluster.name) };
}

/**
 * Validates the files of cluster `name` (or of the cluster of hub `name`): its cluster file, every
 * hub file naming it, and every hub file whose cluster is unknown. Throws `UserErrors` with every
 * problem, so the command that acts on the cluster (`jhm apply` of manifests synthesized from
 * these files) stops before it touches anything.
 */
export function validateClusterFiles(root: string, name: string): ConfigValidate.ValidProject {
  // The model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const { validateProject } = require('../../project/validate') as typeof ConfigValidate;
  return validateProject(root, [name]);
}
