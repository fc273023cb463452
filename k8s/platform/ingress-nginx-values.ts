/**
 * Helm values for ingress-nginx (`CHARTS.ingressNginx`, chart 4.15.1), the alternative ingress
 * controller kept for parity with older hubs. The project was retired upstream on 2026-03-24;
 * `ingressControllerRelease` warns whenever a hub chooses it. The chart ships no values schema:
 * the tests check these key paths against facts read from its values.yaml.
 */
import { Resources } from './placement';
import type { IngressControllerValuesProps } from './traefik-values';

/**
 * The ingress-nginx values this tool sets (everything else keeps the chart default). A type
 * alias, not an interface, so it is assignable to `Record<string, unknown>`.
 */
export type IngressNginxValues = {
  readonly controller: {
    readonly nodeSelector: Record<string, string>;
    readonly resources: Resources;
    readonly ingressClass: string;
    readonly ingressClassResource: { readonly enabled: boolean; readonly name: string; readonly default: boolean };
    readonly allowSnippetAnnotations: boolean;
    readonly admissionWebhooks: { readonly enabled: boolean };
    readonly metrics: { readonly enabled: boolean };
    readonly service: {
      readonly type: 'LoadBalancer';
      readonly externalTrafficPolicy: 'Cluster' | 'Local';
      readonly loadBalancerIP?: string;
    };
  };
  readonly defaultBackend: { readonly enabled: boolean };
};

/** The chart's own default requests (100m CPU) with more memory headroom; no CPU limit (throttling). */
const RESOURCES: Resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } };

/**
 * Values for the ingress-nginx chart.
 *
 * - `controller.nodeSelector` (`hub.coreNodeSelector`): on the default worker, with the hub and
 *   proxy, out of reach of the autoscaler's scale-downs (merged by the chart with its
 *   `kubernetes.io/os: linux` default).
 * - `ingressClassResource` / `ingressClass`: IngressClass `ingressClassName` (`nginx`),
 *   not the cluster default, for the same reason as Traefik's: every Ingress this tool writes names
 *   its class.
 * - `allowSnippetAnnotations: false`: `*-snippet` annotations inject raw nginx configuration
 *   (the source of several critical CVEs); nothing here needs them.
 * - `admissionWebhooks.enabled: false`: the webhook's serving certificate is made and patched in
 *   by Helm hook Jobs (`admissionWebhooks.patch`), which rendered manifests do not run. Left on,
 *   the ValidatingWebhookConfiguration (failurePolicy Fail) would point at a webhook without a
 *   certificate and every Ingress create or update would be rejected. The webhook only pre-checks
 *   Ingress syntax, which the controller also does when it loads the configuration.
 * - `controller.service`: a LoadBalancer with `loadBalancerIP` when known (see
 *   `decideLoadBalancerIP`) and `externalTrafficPolicy: Cluster` (see `traefikValues`).
 * - `metrics.enabled: false`, `defaultBackend.enabled: false`: no extra Services or pods; the
 *   controller answers unknown hosts with its built-in 404.
 */
export function ingressNginxValues(props: IngressControllerValuesProps): IngressNginxValues {
  const ip = props.loadBalancerIP;
  return {
    controller: {
      nodeSelector: { ...props.nodeSelector },
      resources: RESOURCES,
      ingressClass: props.ingressClassName,
      ingressClassResource: { enabled: true, name: props.ingressClassName, default: false },
      allowSnippetAnnotations: false,
      admissionWebhooks: { enabled: false },
      metrics: { enabled: false },
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Cluster',
        ...(ip !== undefined ? { loadBalancerIP: ip } : {}),
      },
    },
    defaultBackend: { enabled: false },
  };
}
