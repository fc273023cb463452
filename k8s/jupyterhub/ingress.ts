/**
 * How JupyterHub is reached: the chart's own Ingress (class of the hub's ingress controller, TLS
 * from cert-manager through the hub's ClusterIssuer), with the proxy kept cluster-internal and TLS
 * terminated at the ingress controller.
 */
import type { IngressController } from '../../model/cluster';
import type { Hub } from '../../model/hub';

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
 * Name of the Secret (in the hub's namespace) that holds the hub's certificate, for JupyterHub
 * release `release`. cert-manager's ingress-shim creates it, and a Certificate of the same name,
 * from the Ingress annotation.
 */
export function jupyterhubTlsSecretName(release: string): string {
  return `${release}-tls`;
}

/** What the chart's Ingress is made from (all resolved in `model/hub.ts`). */
export interface IngressProps {
  /** The hub's host name (`hub.host`). */
  readonly host: string;
  /** The ingress controller (`hub.ingress.controller`). */
  readonly controller: IngressController;
  /** Its IngressClass (`hub.ingress.className`). */
  readonly ingressClassName: string;
  /** The ClusterIssuer of the certificate (`hub.issuer`). */
  readonly issuer: Hub['issuer'];
  /** JupyterHub's release name (`hub.jupyterhub.release`), which names the TLS Secret. */
  readonly release: string;
}

/**
 * The chart's Ingress:
 * - `ingressClassName`, one host `host`;
 * - `cert-manager.io/cluster-issuer: issuer` and a TLS entry, so cert-manager obtains the
 *   certificate into `jupyterhubTlsSecretName(release)`;
 * - with ingress-nginx, `nginx.ingress.kubernetes.io/proxy-body-size` raised to 500m (Traefik sets
 *   no body limit by default, so it needs nothing).
 */
export function ingressValues(props: IngressProps): IngressValues {
  const annotations: Record<string, string> = { 'cert-manager.io/cluster-issuer': props.issuer };
  if (props.controller === 'ingress-nginx') {
    annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = NGINX_PROXY_BODY_SIZE;
  }
  return {
    enabled: true,
    ingressClassName: props.ingressClassName,
    annotations,
    hosts: [props.host],
    tls: [{ hosts: [props.host], secretName: jupyterhubTlsSecretName(props.release) }],
  };
}

/** The proxy behind the ingress: a ClusterIP Service and no autohttps (Traefik sidecar) pod. */
export function proxyExposureValues(): ProxyExposureValues {
  return { service: { type: 'ClusterIP' }, https: { enabled: false } };
}
