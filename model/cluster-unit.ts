/**
 * The unit the Terraform side (and the synth pipeline) works in: one cluster with the hubs on it.
 */
import type { Cluster } from './cluster';
import type { Hub } from './hub';

/** One cluster and the hubs on it (in hub order); a cluster with no hub has `hubs: []`. */
export interface ClusterUnit {
  readonly cluster: Cluster;
  readonly hubs: readonly Hub[];
}

/**
 * Groups `hubs` by `hub.cluster.name`, clusters in the order their first hub comes; then every
 * cluster of `clusters` no hub names, with no hubs (it still gets its stack).
 */
export function clusterUnits(hubs: readonly Hub[], clusters: readonly Cluster[] = []): ClusterUnit[] {
  const units = new Map<string, { cluster: Cluster; hubs: Hub[] }>();
  for (const hub of hubs) {
    const unit = units.get(hub.cluster.name);
    if (unit === undefined) units.set(hub.cluster.name, { cluster: hub.cluster, hubs: [hub] });
    else unit.hubs.push(hub);
  }
  for (const cluster of clusters) {
    if (!units.has(cluster.name)) units.set(cluster.name, { cluster, hubs: [] });
  }
  return [...units.values()];
}
