/**
 * The labels that mark an object as jhm's own: every object jhm writes (`dist/<cluster>/` and
 * `dist-secrets/<cluster>/`) carries `OWNER_CLUSTER_LABEL: <cluster>`, and an object of a per-hub
 * wave (JupyterHub) also `OWNER_HUB_LABEL: <hub>`. They go on each top-level object's
 * `metadata.labels` only, never on a pod template or a selector (changing a selector of a
 * Deployment is refused by the API server, and a pod label would restart every pod).
 * `jhm apply --prune` deletes only live objects carrying them (`cli/tools/prune.ts`).
 * This module imports nothing: the CLI loads it without the heavy modules.
 */

/** Label naming the cluster an object was written for. */
export const OWNER_CLUSTER_LABEL = 'jupyterhub-magnum/cluster';

/** Label naming the hub an object of a per-hub wave was written for. */
export const OWNER_HUB_LABEL = 'jupyterhub-magnum/hub';

/** The ownership labels of an object of `cluster` (and of `hub`, in a per-hub wave). */
export function ownerLabels(cluster: string, hub?: string): Record<string, string> {
  return hub === undefined ? { [OWNER_CLUSTER_LABEL]: cluster } : { [OWNER_CLUSTER_LABEL]: cluster, [OWNER_HUB_LABEL]: hub };
}

/** The `kubectl -l` selector of the objects jhm wrote for `cluster` (and `hub`). */
export function ownerSelector(cluster: string, hub?: string): string {
  return Object.entries(ownerLabels(cluster, hub))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
