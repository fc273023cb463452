/**
 * Apply order of a hub's manifests. Each wave is one file in `dist/<hub>/`, named with its number
 * so that `kubectl apply -f dist/<hub>` (which reads files in name order) applies namespaces and
 * CRDs before what needs them, and each object carries the Argo CD sync-wave annotation so a
 * GitOps tool applies them in the same order.
 */

export interface Wave {
  /** Position in the apply order; also the file prefix and the sync-wave value. */
  readonly index: number;
  /** File stem: `dist/<hub>/<NN>-<stem>.yaml`. */
  readonly stem: string;
  /** What the wave holds, for progress messages. */
  readonly title: string;
}

export const WAVES = {
  namespaces: { index: 0, stem: 'namespaces', title: 'namespaces' },
  crds: { index: 1, stem: 'crds', title: 'custom resource definitions' },
  certManager: { index: 2, stem: 'cert-manager', title: 'cert-manager' },
  ingress: { index: 3, stem: 'ingress-controller', title: 'ingress controller' },
  issuers: { index: 4, stem: 'cluster-issuers', title: "Let's Encrypt ClusterIssuers" },
  jupyterhub: { index: 5, stem: 'jupyterhub', title: 'JupyterHub' },
} as const satisfies Record<string, Wave>;

export type WaveName = keyof typeof WAVES;

/** All waves in apply order. */
export const WAVE_ORDER: readonly Wave[] = Object.values(WAVES).sort((a, b) => a.index - b.index);

/** Annotation Argo CD reads for ordering. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** `NN-<stem>.yaml` */
export function waveFileName(wave: Wave): string {
  return `${String(wave.index).padStart(2, '0')}-${wave.stem}.yaml`;
}
