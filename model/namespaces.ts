/**
 * The namespaces and Helm release names the platform uses on every cluster, in one place:
 * cert-manager's, each ingress controller's (with its IngressClass and chart), and the namespaces
 * Kubernetes itself owns. The resolved hub model (`model/hub.ts`) reads them, and the hub schema
 * refuses them as JupyterHub's namespace.
 */
import type { ChartKey } from './versions';

/** Namespace of cert-manager. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/** Helm release name of cert-manager (its object names, e.g. the `cert-manager-webhook` Service, derive from it). */
export const CERT_MANAGER_RELEASE = 'cert-manager';

/**
 * Each ingress controller: its IngressClass name, namespace, Helm release name (the chart's name,
 * from which its object names derive) and chart (its key in `charts.yaml`).
 */
export const INGRESS_CONTROLLERS = {
  traefik: { className: 'traefik', namespace: 'traefik', release: 'traefik', chart: 'traefik' },
  'ingress-nginx': { className: 'nginx', namespace: 'ingress-nginx', release: 'ingress-nginx', chart: 'ingressNginx' },
} as const satisfies Record<string, { className: string; namespace: string; release: string; chart: ChartKey }>;

/** Namespaces Kubernetes creates and uses itself. */
export const KUBERNETES_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/**
 * Namespaces JupyterHub may not use, each with what owns it: Kubernetes' own, cert-manager's and
 * every ingress controller's (also the one not chosen today, so switching controllers later
 * cannot collide).
 */
export const RESERVED_NAMESPACES: ReadonlyMap<string, string> = new Map<string, string>([
  ...KUBERNETES_NAMESPACES.map((n) => [n, 'Kubernetes'] as [string, string]),
  [CERT_MANAGER_NAMESPACE, 'cert-manager'],
  ...Object.entries(INGRESS_CONTROLLERS).map(([controller, c]) => [c.namespace, `the ${controller} ingress controller`] as [string, string]),
]);
