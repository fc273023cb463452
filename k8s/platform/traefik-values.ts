/**
 * Helm values for Traefik (`CHARTS.traefik`, chart 41.3.0): the default ingress controller, which
 * serves the JupyterHub Ingress and cert-manager's HTTP-01 challenges. Validated against the
 * chart's own values schema in the tests.
 */
import { Resources } from './placement';

/** What the values of an ingress controller (Traefik or ingress-nginx) are made from. */
export interface IngressControllerValuesProps {
  /** Name of the IngressClass the controller creates and serves (`hub.ingress.className`). */
  readonly ingressClassName: string;
  /** Where the controller runs: the core node (`hub.coreNodeSelector`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * The IP the LoadBalancer Service asks OpenStack for, as decided by `decideLoadBalancerIP`
   * (`project/ingress-ip.ts`).
   * @default - none: OpenStack picks an address
   */
  readonly loadBalancerIP?: string;
}

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
 * Values for the Traefik chart.
 *
 * - `nodeSelector` (`hub.coreNodeSelector`): on the default worker, with the hub and proxy; that
 *   nodegroup is the "core" node the autoscaler keeps, so the ingress never moves with user load.
 * - `ingressClass`: created and named `ingressClassName` (`hub.ingress.className`), and not the cluster default: every
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
 *   `decideLoadBalancerIP`) makes OpenStack attach that existing floating IP, so the DNS record
 *   is right before the load balancer exists; omitted when unknown. `externalTrafficPolicy:
 *   Cluster`: an Octavia (amphora) load balancer proxies TCP, so `Local` would not preserve client
 *   IPs anyway, and `Cluster` keeps every node a healthy pool member without health-check tuning.
 * - `global.checkNewVersion: false`: no outbound version check; the version is pinned here.
 */
export function traefikValues(props: IngressControllerValuesProps): TraefikValues {
  const ip = props.loadBalancerIP;
  return {
    nodeSelector: { ...props.nodeSelector },
    resources: RESOURCES,
    ingressClass: { enabled: true, isDefaultClass: false, name: props.ingressClassName },
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
