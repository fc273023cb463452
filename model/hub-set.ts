/**
 * Rules across the files of one project (cluster files and hub files): two clusters must not
 * share a Magnum name in one cloud or a jhm name (their output folders); hosts are unique across
 * all hubs; namespaces and release names are unique per cluster. A cluster with no hub on it is
 * allowed (a warning).
 */
import { Diagnostic, warning } from './diagnostics';
import { UserError, UserErrors } from './errors';
import { Cluster } from './cluster';
import { Hub } from './hub';

/** Every cluster of the project: the cluster files first, then the clusters hub files define (each its hub's own). */
export function allClusters(hubs: readonly Hub[], clusterFiles: readonly Cluster[] = []): Cluster[] {
  const seen = new Set<Cluster>(clusterFiles);
  const all = [...clusterFiles];
  for (const h of hubs) {
    if (!seen.has(h.cluster)) {
      seen.add(h.cluster);
      all.push(h.cluster);
    }
  }
  return all;
}

/** Throws `UserErrors` if two hubs or clusters collide; each error is reported on the later file. */
export function checkHubSet(hubs: readonly Hub[], clusterFiles: readonly Cluster[] = []): void {
  const errors: UserError[] = [];
  const claim = <T extends { source: string }>(items: readonly T[], what: string, key: (x: T) => string | undefined, field: (x: T) => string, fix: (x: T) => string) => {
    const first = new Map<string, T>();
    for (const x of items) {
      const k = key(x);
      if (k === undefined) continue;
      const other = first.get(k);
      if (other) {
        errors.push(new UserError(`${what} "${k.split('\0')[0]}" is also used by ${other.source}`, { file: x.source, field: field(x), fix: fix(x) }));
      } else {
        first.set(k, x);
      }
    }
  };
  const clusters = allClusters(hubs, clusterFiles);
  claim(
    clusters,
    'cluster',
    (c) => `${c.magnumName} (cloud ${c.cloud.name ?? 'from OS_* environment'})`,
    (c) => `${c.naming.fieldPrefix}.name`,
    // The file that defines the cluster: its owner hub's, or its own.
    (c) => `give each ${c.naming.ownerHub !== undefined ? 'hub' : 'cluster'} its own ${c.naming.fieldPrefix}.name`,
  );
  const files = new Map(clusterFiles.map((c) => [c.name, c]));
  for (const c of clusters) {
    const file = files.get(c.name);
    if (c.naming.ownerHub !== undefined && file !== undefined) {
      errors.push(
        new UserError(`this hub's dedicated cluster is named "${c.name}" like ${file.source}; both would write the same output folders`, {
          file: c.source,
          field: 'cluster',
          fix: `rename the hub file or ${file.source}`,
        }),
      );
    }
  }
  claim(hubs, 'host', (h) => h.host, () => 'dns.record', () => 'give each hub its own dns.record');
  claim(
    hubs,
    'namespace',
    (h) => `${h.jupyterhub.namespace}\0${h.cluster.name}`,
    () => 'jupyterhub.namespace',
    (h) => `give each hub on cluster ${h.cluster.name} its own jupyterhub.namespace`,
  );
  claim(
    hubs,
    'release',
    (h) => `${h.jupyterhub.release}\0${h.cluster.name}`,
    () => 'jupyterhub.release',
    (h) => `give each hub on cluster ${h.cluster.name} its own jupyterhub.release: z2jh derives cluster-wide names from it`,
  );
  if (errors.length > 0) throw new UserErrors(errors);
}

/** Warnings about the project: a cluster file no hub runs on. */
export function clusterWarnings(hubs: readonly Hub[], clusterFiles: readonly Cluster[]): Diagnostic[] {
  const used = new Set(hubs.map((h) => h.cluster));
  return clusterFiles
    .filter((c) => !used.has(c))
    .map((c) => warning(`no hub runs on cluster ${c.name}`, { file: c.source, fix: `add a hub with: jhm init <hub> --cluster ${c.name}, or remove ${c.source}` }));
}
