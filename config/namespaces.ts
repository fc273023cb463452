/**
 * The namespaces the platform uses on every cluster, in one place: cert-manager's, each ingress
 * controller's (with its IngressClass), and those Kubernetes itself owns. The hub model reads
 * them, and the hub schema refuses them as JupyterHub's namespace.
 */

/** Namespace of cert-manager. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/** IngressClass name and namespace of each ingress controller. */
export const INGRESS_CONTROLLERS = {
  traefik: { className: 'traefik', namespace: 'traefik' },
  'ingress-nginx': { className: 'nginx', namespace: 'ingress-nginx' },
} as const;

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
