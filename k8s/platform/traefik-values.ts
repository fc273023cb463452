/**
 * Helm values for Traefik (`CHARTS.traefik`, chart 41.3.0): the default ingress controller, which
 * serves the JupyterHub Ingress and cert-manager's HTTP-01 challenges. Validated against the
 * chart's own values schema in the tests.
 */
import type { Hub } from '../../config/hub';
import { ingressLoadBalancerIP } from './load-balancer-ip';
import { Resources } from './placement';

/**
 * The Traefik values this tool sets (everything else keeps the chart default). A type alias, not
 * an interface, so it is assignable to `Record<string, unknown>`.
 */
export type TraefikValues = {
  readonly nodeSelector: Record<string, string>;
  readonly resources: Resources;
  readonly ingressClass: { readonly enabled: boolean; readonly isDefaultClass: boolean; readonly name: string };
  readonly providers: {
    readonly kubernetesIngress: { readonly enabled: boolean };
    readonly kubernetesCRD: { readonly enabled: boolean };
  };
  readonly ports: {
    readonly web: {
      readonly http: {
        readonly redirections: { readonly entryPoint: { readonly to: string; readonly scheme: string; readonly permanent: boolean } };
      };
    };
  };
  readonly api: { readonly dashboard: boolean };
  readonly ingressRoute: { readonly dashboard: { readonly enabled: boolean } };
  readonly service: {
    readonly spec: { readonly type: 'LoadBalancer'; readonly externalTrafficPolicy: 'Cluster' | 'Local'; readonly loadBalancerIP?: string };
  };
  readonly global: { readonly checkNewVersion: boolean; readonly sendAnonymousUsage: boolean };
};

/**
 * One replica handles a hub's traffic (mostly long-lived websockets) easily. The memory limit
 * also makes the chart set GOMEMLIMIT (90% of it), so the Go runtime collects before the kernel
 * kills; there is no CPU limit, to avoid throttling the proxy.
 */
const RESOURCES: Resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } };

/**
 * Values for the Traefik chart of `hub`.
 *
 * - `nodeSelector: hub.coreNodeSelector`: on the default worker, with the hub and proxy; that
 *   nodegroup is the "core" node the autoscaler keeps, so the ingress never moves with user load.
 * - `ingressClass`: created and named `hub.ingress.className`, and not the cluster default: every
 *   Ingress this tool writes (JupyterHub's, and cert-manager's HTTP-01 solver Ingresses via the
 *   ClusterIssuers) names its class, so a default would only change how other people's unclassed
 *   Ingresses behave.
 * - `providers.kubernetesIngress` on: JupyterHub is exposed through a standard Ingress.
 *   `providers.kubernetesCRD` off: nothing uses IngressRoutes, and the CRD provider would need
 *   Traefik's CRDs installed and RBAC on them.
 * - `ports.web.http.redirections`: every plain-HTTP request gets a permanent redirect to HTTPS on the
 *   websecure entrypoint. ACME HTTP-01 still works: Let's Encrypt and cert-manager's self-check
 *   both follow a redirect to HTTPS without validating the certificate, and the solver's Ingress
 *   (no TLS section) is served on websecure too.
 * - `api.dashboard: false`, `ingressRoute.dashboard.enabled: false`: no dashboard or API at all,
 *   neither exposed nor reachable by port-forward.
 * - `service.spec`: a LoadBalancer. `loadBalancerIP` (the hub's floating IP, see
 *   `ingressLoadBalancerIP`) makes OpenStack attach that existing floating IP, so the DNS record
 *   is right before the load balancer exists; omitted when unknown. `externalTrafficPolicy:
 *   Cluster`: an Octavia (amphora) load balancer proxies TCP, so `Local` would not preserve client
 *   IPs anyway, and `Cluster` keeps every node a healthy pool member without health-check tuning.
 * - `global.checkNewVersion: false`: no outbound version check; the version is pinned here.
 *
 * @param loadBalancerIP the floating IP `jhm deploy` recorded (the hub file's
 *   `ingress.loadBalancerIP` wins when set).
 */
export function traefikValues(hub: Hub, loadBalancerIP?: string): TraefikValues {
  const ip = ingressLoadBalancerIP(hub, loadBalancerIP);
  return {
    nodeSelector: { ...hub.coreNodeSelector },
    resources: RESOURCES,
    ingressClass: { enabled: true, isDefaultClass: false, name: hub.ingress.className },
    providers: {
      kubernetesIngress: { enabled: true },
      kubernetesCRD: { enabled: false },
    },
    ports: {
      web: { http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } } },
    },
    api: { dashboard: false },
    ingressRoute: { dashboard: { enabled: false } },
    service: {
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Cluster',
        ...(ip !== undefined ? { loadBalancerIP: ip } : {}),
      },
    },
    global: { checkNewVersion: false, sendAnonymousUsage: false },
  };
}
