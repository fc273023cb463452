/**
 * How JupyterHub is reached: the chart's own Ingress (class of the hub's ingress controller, TLS
 * from cert-manager through the hub's ClusterIssuer), with the proxy kept cluster-internal and TLS
 * terminated at the ingress controller.
 */
import type { Hub } from '../../config/hub';

/** Largest request body ingress-nginx passes on (its default, 1m, breaks notebook and file uploads). */
export const NGINX_PROXY_BODY_SIZE = '500m';

/** The Ingress TLS entry of the chart's values. */
export type IngressTls = { readonly hosts: string[]; readonly secretName: string };

/** `ingress` values of the chart. */
export type IngressValues = {
  readonly enabled: true;
  readonly ingressClassName: string;
  readonly annotations: Record<string, string>;
  readonly hosts: string[];
  readonly tls: IngressTls[];
};

/** `proxy.service` / `proxy.https` values: a ClusterIP proxy behind the ingress, no TLS of its own. */
export type ProxyExposureValues = {
  readonly service: { readonly type: 'ClusterIP' };
  readonly https: { readonly enabled: false };
};

/**
 * Name of the Secret (in the hub's namespace) that holds the hub's certificate. cert-manager's
 * ingress-shim creates it, and a Certificate of the same name, from the Ingress annotation.
 */
export function jupyterhubTlsSecretName(hub: Hub): string {
  return `${hub.jupyterhub.release}-tls`;
}

/**
 * The chart's Ingress for `hub`:
 * - `ingressClassName: hub.ingress.className`, one host `hub.host`;
 * - `cert-manager.io/cluster-issuer: hub.issuer` and a TLS entry, so cert-manager obtains the
 *   certificate into `jupyterhubTlsSecretName(hub)`;
 * - with ingress-nginx, `nginx.ingress.kubernetes.io/proxy-body-size` raised to 500m (Traefik sets
 *   no body limit by default, so it needs nothing).
 */
export function ingressValues(hub: Hub): IngressValues {
  const annotations: Record<string, string> = { 'cert-manager.io/cluster-issuer': hub.issuer };
  if (hub.ingress.controller === 'ingress-nginx') {
    annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = NGINX_PROXY_BODY_SIZE;
  }
  return {
    enabled: true,
    ingressClassName: hub.ingress.className,
    annotations,
    hosts: [hub.host],
    tls: [{ hosts: [hub.host], secretName: jupyterhubTlsSecretName(hub) }],
  };
}

/** The proxy behind the ingress: a ClusterIP Service and no autohttps (Traefik sidecar) pod. */
export function proxyExposureValues(): ProxyExposureValues {
  return { service: { type: 'ClusterIP' }, https: { enabled: false } };
}
