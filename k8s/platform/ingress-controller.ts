/**
 * The platform's Helm releases for a hub: the ingress controller (Traefik, the default, or
 * ingress-nginx), with the warnings the user should see about the choice and the load balancer
 * IP, and cert-manager. Release names, namespaces and charts come from the resolved hub
 * (`hub.ingress`, `hub.certManager`; decided in `model/hub.ts` from `model/namespaces.ts`).
 */
import { Diagnostic, warning } from '../../model/diagnostics';
import type { Cluster } from '../../model/cluster';
import { decideLoadBalancerIP, LoadBalancerIP } from '../../project/ingress-ip';
import { certManagerValues, CertManagerValues } from './cert-manager-values';
import { IngressNginxValues, ingressNginxValues } from './ingress-nginx-values';
import { HelmRelease } from './release';
import { TraefikValues, traefikValues } from './traefik-values';

/** The API group of Traefik Hub's custom resources (APIs, portals, plans…), which Traefik without Hub never reads. */
export const TRAEFIK_HUB_API_GROUP = 'hub.traefik.io';

/** The day the Kubernetes project retired ingress-nginx (no further releases or security fixes). */
export const INGRESS_NGINX_RETIREMENT_DATE = '2026-03-24';

/**
 * The ingress controller chosen by `hub.ingress.controller`: `hub.ingress.chart` as release
 * `hub.ingress.release` in `hub.ingress.namespace`, its Service asking for `loadBalancer.ip`.
 *
 * Warnings: ingress-nginx is retired upstream; then those of the load-balancer IP decision (no IP
 * known, or the hub file's IP differs from the recorded one).
 *
 * @param loadBalancer the decided load-balancer IP (`resolveLoadBalancerIP` reads the recorded one
 *   from `outputs/<hub>.json`); default: the hub file's alone.
 */
export function ingressControllerRelease(
  hub: Pick<Cluster, 'name' | 'source' | 'ingress' | 'coreNodeSelector'>,
  loadBalancer: LoadBalancerIP = decideLoadBalancerIP(hub),
): HelmRelease<TraefikValues | IngressNginxValues, Cluster['ingress']['chart']> {
  const warnings: Diagnostic[] = [];
  const { controller } = hub.ingress;
  if (controller === 'ingress-nginx') {
    warnings.push(
      warning(`ingress-nginx was retired upstream on ${INGRESS_NGINX_RETIREMENT_DATE} (no more security fixes)`, {
        file: hub.source,
        field: 'ingress.controller',
        fix: 'use ingress.controller: traefik',
      }),
    );
  }
  warnings.push(...loadBalancer.warnings);
  const props = { ingressClassName: hub.ingress.className, nodeSelector: hub.coreNodeSelector, loadBalancerIP: loadBalancer.ip };
  const values = controller === 'traefik' ? traefikValues(props) : ingressNginxValues(props);
  // Traefik's chart ships Traefik Hub's CRDs too (15 of its 28); only Traefik Hub (the chart's
  // `hub` values, which jhm never sets) reads them.
  const unusedCrdGroups = controller === 'traefik' ? [TRAEFIK_HUB_API_GROUP] : [];
  return { chart: hub.ingress.chart, release: hub.ingress.release, namespace: hub.ingress.namespace, values, warnings, unusedCrdGroups };
}

/** cert-manager for `hub`: `hub.certManager.chart` as release `hub.certManager.release` in its namespace; no warnings. */
export function certManagerRelease(hub: Pick<Cluster, 'certManager'>): HelmRelease<CertManagerValues, Cluster['certManager']['chart']> {
  const { chart, release, namespace } = hub.certManager;
  return { chart, release, namespace, values: certManagerValues({ namespace }), warnings: [] };
}
