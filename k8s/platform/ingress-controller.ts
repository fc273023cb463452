/**
 * The platform's Helm releases for a hub: the ingress controller (Traefik, the default, or
 * ingress-nginx), with the warnings the user should see about the choice and the load balancer
 * IP, and cert-manager.
 */
import { UserError } from '../../config/errors';
import type { Hub } from '../../config/hub';
import { certManagerValues, CertManagerValues } from './cert-manager-values';
import { IngressNginxValues, ingressNginxValues } from './ingress-nginx-values';
import { ingressLoadBalancerIP } from './load-balancer-ip';
import { HelmRelease } from './release';
import { TraefikValues, traefikValues } from './traefik-values';

/** The day the Kubernetes project retired ingress-nginx (no further releases or security fixes). */
export const INGRESS_NGINX_RETIREMENT_DATE = '2026-03-24';

/**
 * The ingress controller chosen by `hub.ingress.controller`, in `hub.ingress.namespace`, released
 * under its chart's name.
 *
 * Warnings: ingress-nginx is retired upstream; no load balancer IP is known (neither
 * `ingress.loadBalancerIP` nor a recorded one), so OpenStack picks one the DNS record does not
 * point to; or the hub file's IP differs from the recorded one (the hub file's is used).
 *
 * @param loadBalancerIP the floating IP `jhm deploy` recorded for the hub, when there is one.
 */
export function ingressControllerRelease(
  hub: Hub,
  loadBalancerIP?: string,
): HelmRelease<TraefikValues | IngressNginxValues, Hub['charts']['traefik' | 'ingressNginx']> {
  const warnings: string[] = [];
  const warn = (field: string, message: string, fix: string) =>
    warnings.push(new UserError(message, { file: hub.source, field, fix }).format());

  const controller = hub.ingress.controller;
  if (controller === 'ingress-nginx') {
    warn(
      'ingress.controller',
      `ingress-nginx was retired upstream on ${INGRESS_NGINX_RETIREMENT_DATE} (no more security fixes)`,
      'use ingress.controller: traefik',
    );
  }

  const ip = ingressLoadBalancerIP(hub, loadBalancerIP);
  if (ip === undefined) {
    warn(
      'ingress.loadBalancerIP',
      `no load balancer IP is known: the ${controller} Service gets whatever IP OpenStack assigns, which the DNS record does not point to`,
      'run jhm deploy, which records the floating IP, or set ingress.loadBalancerIP in the hub file',
    );
  } else if (loadBalancerIP !== undefined && loadBalancerIP !== ip) {
    warn(
      'ingress.loadBalancerIP',
      `is ${ip} but jhm deploy recorded ${loadBalancerIP}; using ${ip}`,
      'remove ingress.loadBalancerIP from the hub file to use the recorded floating IP',
    );
  }

  const chart = controller === 'traefik' ? hub.charts.traefik : hub.charts.ingressNginx;
  const values = controller === 'traefik' ? traefikValues(hub, ip) : ingressNginxValues(hub, ip);
  return { chart, release: chart.name, namespace: hub.ingress.namespace, values, warnings };
}

/** Helm release name of cert-manager (its object names, e.g. the `cert-manager-webhook` Service, derive from it). */
export const CERT_MANAGER_RELEASE = 'cert-manager';

/** cert-manager for `hub`: `hub.charts.certManager` in `hub.certManagerNamespace`; no warnings. */
export function certManagerRelease(hub: Hub): HelmRelease<CertManagerValues, Hub['charts']['certManager']> {
  return {
    chart: hub.charts.certManager,
    release: CERT_MANAGER_RELEASE,
    namespace: hub.certManagerNamespace,
    values: certManagerValues(hub),
    warnings: [],
  };
}
