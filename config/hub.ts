/**
 * The resolved hub model: a validated hub file plus every value derived from it that both apps
 * need (host name, URLs, node selectors, namespaces, release names, IngressClass, chart pins).
 * Each derived value is decided here once; the Terraform and Kubernetes sides, the secrets and
 * the CLI only read the resolved fields (the parsed hub file is not part of the model). Defaults
 * are the hub schema's (`hub-schema.ts`); resolution only derives. The one fact decided later is
 * the final load-balancer IP, which also depends on `jhm deploy`'s outputs (`ingress-ip.ts`).
 */
import { DNS_LABEL_RULE, hostInZone, isDnsLabel } from './dns';
import { quote, UserError, UserErrors } from './errors';
import { HubFile, HubFileInput, hubFileSchema, profileSlug } from './hub-schema';
import { DEFAULT_WORKER_NODE_GROUP, NODE_GROUP_LABEL_KEY, nodeGroupLabelValue, nodeGroupSelector } from './node-group';
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE, INGRESS_CONTROLLERS } from './namespaces';
import { ChartPin, CHARTS } from './versions';
import { issuesToErrors } from './zod-issues';

/** A nodegroup with its derived node label. */
export interface NodeGroup {
  readonly name: string;
  readonly flavor: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly nodeCount: number;
  readonly role: string;
  readonly dockerVolumeSize?: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Value of `capi.stackhpc.com/node-group` on this nodegroup's nodes. */
  readonly labelValue: string;
  /** Node selector matching exactly this nodegroup's nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

export type IngressController = HubFile['ingress']['controller'];

/** A profile with its nodegroup resolved. */
export interface Profile {
  readonly slug: string;
  readonly displayName: string;
  readonly description: string;
  readonly default: boolean;
  readonly nodeGroup: NodeGroup;
  readonly image?: string;
  readonly gpus: number;
  readonly cpuGuarantee?: number;
  readonly cpuLimit?: number;
  readonly memoryGuarantee?: string;
  readonly memoryLimit?: string;
}

/** A cluster template: by UUID, or by name (looked up when Terraform plans). */
export type ClusterTemplateRef = { readonly id: string } | { readonly name: string };

/** A Helm release of the hub: which pinned chart, under which release name, in which namespace. */
export interface ReleaseRef<C extends ChartPin = ChartPin> {
  readonly chart: C;
  /** Helm release name; the chart derives its object names from it. */
  readonly release: string;
  /** Namespace the release is rendered into. */
  readonly namespace: string;
}

/** The Magnum cluster settings of a hub (its name is `Hub.clusterName`). */
export interface ClusterSettings {
  readonly template: ClusterTemplateRef;
  readonly keypair: string;
  readonly fixedNetwork: string;
  readonly masterFlavor: string;
  readonly masterCount: number;
  readonly dockerVolumeSize: number;
  readonly autoscaling: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly createTimeout: string;
  readonly deletionProtection: boolean;
  /** As written in the hub file (`1.33`, `v1.33.0`, ...); see `Hub.kubeVersion` for helm's form. */
  readonly kubernetesVersion: string;
}

type JupyterHubFile = HubFile['jupyterhub'];

export interface Hub {
  /** Hub name: the hub file's base name; names every output folder. */
  readonly name: string;
  /** Where the hub was defined (a file path, or `<api>` for the TypeScript API). */
  readonly source: string;
  /** Which cloud (`clouds.yaml` entry) and region; both absent: the `OS_*` environment. */
  readonly cloud: { readonly name?: string; readonly region?: string };
  readonly clusterName: string;
  readonly cluster: ClusterSettings;
  /** DNS record name inside the zone. */
  readonly recordName: string;
  /** Zone name with the trailing dot (as Designate wants it). */
  readonly zone: string;
  /** Fully qualified host name of the hub, without trailing dot. */
  readonly host: string;
  /** TTL of the hub's A record, in seconds. */
  readonly recordTtl: number;
  /** `https://<host>` */
  readonly url: string;
  /** GitHub OAuth callback URL. */
  readonly oauthCallbackUrl: string;
  /** Kubernetes version for `helm template --kube-version`, `vX.Y.Z`. */
  readonly kubeVersion: string;
  readonly defaultWorker: NodeGroup;
  /** Extra nodegroups (not the default worker). */
  readonly nodeGroups: readonly NodeGroup[];
  /** Node selector of the default worker, where core pods (hub, proxy, ingress controller) run. */
  readonly coreNodeSelector: Readonly<Record<string, string>>;
  /** The ingress controller's release (`chart`, `release`, `namespace`) and settings. */
  readonly ingress: ReleaseRef<(typeof CHARTS)['traefik' | 'ingressNginx']> & {
    readonly controller: IngressController;
    /** IngressClass name of the chosen controller. */
    readonly className: string;
    readonly floatingIpPool: string;
    /**
     * `ingress.loadBalancerIP` of the hub file, when set. The IP the Service asks for is decided
     * with the recorded one by `resolveLoadBalancerIP` (`config/ingress-ip.ts`).
     */
    readonly loadBalancerIP?: string;
  };
  /** cert-manager's release. */
  readonly certManager: ReleaseRef<(typeof CHARTS)['certManager']>;
  /** ClusterIssuer the hub certificate comes from. */
  readonly issuer: HubFile['letsEncrypt']['issuer'];
  /** ACME account email of the Let's Encrypt issuers. */
  readonly letsEncryptEmail: string;
  /** JupyterHub's release and settings. */
  readonly jupyterhub: ReleaseRef<(typeof CHARTS)['jupyterhub']> & {
    readonly auth: JupyterHubFile['auth'];
    readonly singleuser: JupyterHubFile['singleuser'];
    readonly profiles: readonly Profile[];
    readonly culling: JupyterHubFile['culling'];
    readonly scheduling: JupyterHubFile['scheduling'];
    readonly prePuller: JupyterHubFile['prePuller'];
  };
}

/** The label key the Magnum Cluster API driver puts on every node (re-exported for convenience). */
export { NODE_GROUP_LABEL_KEY };

/** What Magnum gives the default worker besides the hub file's settings. */
const DEFAULT_WORKER = { name: DEFAULT_WORKER_NODE_GROUP, role: 'worker', labels: {} } as const;

function nodeGroup(g: Omit<NodeGroup, 'labelValue' | 'nodeSelector' | 'nodeCount'> & { nodeCount?: number }): NodeGroup {
  return {
    name: g.name,
    flavor: g.flavor,
    minNodes: g.minNodes,
    maxNodes: g.maxNodes,
    // Derived, not a default: the hub file's nodeCount is "default: minNodes" of the same nodegroup.
    nodeCount: g.nodeCount ?? g.minNodes,
    role: g.role,
    dockerVolumeSize: g.dockerVolumeSize,
    labels: g.labels,
    labelValue: nodeGroupLabelValue(g.name),
    nodeSelector: nodeGroupSelector(g.name),
  };
}

/** The pinned charts `hub` renders, in release order: cert-manager, its ingress controller, JupyterHub. */
export function hubReleases(hub: Pick<Hub, 'certManager' | 'ingress' | 'jupyterhub'>): readonly ReleaseRef[] {
  return [hub.certManager, hub.ingress, hub.jupyterhub];
}

/** The charts of {@link hubReleases}. */
export function hubCharts(hub: Pick<Hub, 'certManager' | 'ingress' | 'jupyterhub'>): ChartPin[] {
  return hubReleases(hub).map((r) => r.chart);
}

/** Derives the model from a validated hub file. */
export function resolveHub(name: string, spec: HubFile, source: string): Hub {
  const c = spec.cluster;
  const jh = spec.jupyterhub;
  const zone = spec.dns.zone;
  const recordName = spec.dns.record ?? name;
  const host = hostInZone(recordName, zone);
  const url = `https://${host}`;
  const defaultWorker = nodeGroup({ ...DEFAULT_WORKER, ...c.defaultWorker });
  const nodeGroups = spec.nodeGroups.map(nodeGroup);
  const byName = new Map([defaultWorker, ...nodeGroups].map((g) => [g.name, g]));
  const kv = c.kubernetesVersion.replace(/^v/, '');
  const profiles: Profile[] = jh.profiles.map((p) => ({
    slug: profileSlug(p),
    displayName: p.displayName,
    description: p.description,
    default: p.default || jh.profiles.length === 1,
    nodeGroup: byName.get(p.nodeGroup)!,
    image: p.image,
    gpus: p.gpus,
    cpuGuarantee: p.cpuGuarantee,
    cpuLimit: p.cpuLimit,
    memoryGuarantee: p.memoryGuarantee,
    memoryLimit: p.memoryLimit,
  }));
  const controller = INGRESS_CONTROLLERS[spec.ingress.controller];
  return {
    name,
    source,
    cloud: { name: spec.cloud.name, region: spec.cloud.region },
    clusterName: c.name ?? name,
    cluster: {
      template: c.templateId !== undefined ? { id: c.templateId } : { name: c.template },
      keypair: c.keypair,
      fixedNetwork: c.fixedNetwork,
      masterFlavor: c.masterFlavor,
      masterCount: c.masterCount,
      dockerVolumeSize: c.dockerVolumeSize,
      autoscaling: c.autoscaling,
      labels: c.labels,
      createTimeout: c.createTimeout,
      deletionProtection: c.deletionProtection,
      kubernetesVersion: c.kubernetesVersion,
    },
    recordName,
    zone,
    host,
    recordTtl: spec.dns.ttl,
    url,
    oauthCallbackUrl: `${url}/hub/oauth_callback`,
    kubeVersion: `v${kv.split('.').length === 2 ? `${kv}.0` : kv}`,
    defaultWorker,
    nodeGroups,
    coreNodeSelector: defaultWorker.nodeSelector,
    ingress: {
      chart: CHARTS[controller.chart],
      release: controller.release,
      namespace: controller.namespace,
      controller: spec.ingress.controller,
      className: controller.className,
      floatingIpPool: spec.ingress.floatingIpPool,
      loadBalancerIP: spec.ingress.loadBalancerIP,
    },
    certManager: { chart: CHARTS.certManager, release: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE },
    issuer: spec.letsEncrypt.issuer,
    letsEncryptEmail: spec.letsEncrypt.email,
    jupyterhub: {
      chart: CHARTS.jupyterhub,
      release: jh.release,
      namespace: jh.namespace,
      auth: jh.auth,
      singleuser: jh.singleuser,
      profiles,
      culling: jh.culling,
      scheduling: jh.scheduling,
      prePuller: jh.prePuller,
    },
  };
}

/**
 * Validates `input` and returns the resolved hub: the TypeScript API to the same model the hub
 * files describe. Throws `UserErrors` listing every problem.
 */
export function defineHub(name: string, input: HubFileInput | unknown, source = '<api>', locate?: (path: readonly PropertyKey[]) => number | undefined): Hub {
  if (!isDnsLabel(name)) {
    throw new UserError(`hub name ${quote(name)} is not a DNS label (${DNS_LABEL_RULE})`, {
      file: source,
      fix: 'rename the hub file, e.g. hubs/my-hub.yaml',
    });
  }
  const parsed = hubFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new UserErrors(issuesToErrors(parsed.error.issues, { file: source, lineOf: locate }));
  }
  return resolveHub(name, parsed.data, source);
}
