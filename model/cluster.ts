/**
 * The resolved cluster model (issue 11): a Magnum cluster with its platform (ingress controller,
 * cert-manager, DNS zone) and where its Terraform state lives. Either a cluster file
 * (`clusters/<cluster>.yaml`) or the dedicated cluster of a hub file in the legacy format.
 */
import { DNS_LABEL_RULE, isDnsLabel } from './dns';
import { quote, UserError, UserErrors } from './errors';
import { ClusterFile, ClusterFileInput, clusterFileSchema, defaultS3StateKey, MagnumFile, NodeGroupFile } from './cluster-schema';
import { DEFAULT_WORKER_NODE_GROUP, nodeGroupLabelValue, nodeGroupSelector } from './node-group';
import { CLUSTER_FIELDS, ClusterTemplateRef, MagnumSettings, SizedNodeGroupSettings, settingsOf, sizedNodeGroup, templateRef } from './magnum-fields';
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE, INGRESS_CONTROLLERS } from './namespaces';
import type { ChartKey } from './versions';
import { KubernetesVersion, resolveKubernetesVersion } from './cluster-templates';
import { issuesToErrors } from './zod-issues';

/**
 * Where a cluster's Terraform state lives, resolved (defaults applied): `local` (the default,
 * `terraform.<cluster>.tfstate` at the project root), `s3` (S3-compatible object stores; key
 * defaults to one derived from the cluster's name, `defaultS3StateKey`, region to `us-east-1`,
 * usePathStyle to "an endpoint is set") or `http` (GitLab-managed state). No two clusters of a
 * project share one (`state-identity.ts`). Credentials never appear here: they come from the
 * environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, TF_HTTP_USERNAME/TF_HTTP_PASSWORD).
 */
export type ClusterBackend =
  | { type: 'local' }
  | { type: 's3'; bucket: string; key: string; region: string; endpoint?: string; usePathStyle: boolean }
  | {
      type: 'http';
      address: string;
      lockAddress?: string;
      unlockAddress?: string;
      lockMethod?: string;
      unlockMethod?: string;
    };

/**
 * A nodegroup: its settings (`NODE_GROUP_FIELDS` in `model/magnum-fields.ts`), its initial size
 * and its derived node label.
 */
export type NodeGroup = SizedNodeGroupSettings & {
  /** Value of `capi.stackhpc.com/node-group` on this nodegroup's nodes. */
  readonly labelValue: string;
  /** Node selector matching exactly this nodegroup's nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
};

export type IngressController = ClusterFile['ingress']['controller'];

export type { ClusterTemplateRef };

/** A Helm release: which chart (its key in `charts.yaml`, pinned there), under which release name, in which namespace. */
export interface ReleaseRef<C extends ChartKey = ChartKey> {
  readonly chart: C;
  /** Helm release name; the chart derives its object names from it. */
  readonly release: string;
  /** Namespace the release is rendered into. */
  readonly namespace: string;
}

/**
 * The Magnum cluster settings (its name is `Cluster.magnumName`): the template, the settings the
 * table passes through (`CLUSTER_FIELDS` in `model/magnum-fields.ts`), and the Kubernetes version.
 */
export type ClusterSettings = { readonly template: ClusterTemplateRef } & MagnumSettings & {
  /**
   * The Kubernetes version the cluster runs, from one place (`model/cluster-templates.ts`): the
   * version the file states, or the one its template's name states; `Cluster.kubeVersion`
   * is its helm form.
   */
  readonly kubernetes: KubernetesVersion;
};

export interface Cluster {
  /** jhm cluster name: the cluster file's base name, or the hub name of a dedicated legacy cluster; names its outputs. */
  readonly name: string;
  /** Where the cluster was defined: `clusters/<c>.yaml`, the legacy hub file, or `<api>`. */
  readonly source: string;
  /** True for the dedicated cluster of a hub file in the legacy format. */
  readonly dedicated: boolean;
  /** Which cloud (`clouds.yaml` entry) and region; both absent: the `OS_*` environment. */
  readonly cloud: { readonly name?: string; readonly region?: string };
  /** The cluster's name in Magnum. */
  readonly magnumName: string;
  readonly magnum: ClusterSettings;
  /** Kubernetes version for `helm template --kube-version`, `vX.Y.Z`. */
  readonly kubeVersion: string;
  readonly defaultWorker: NodeGroup;
  /** Extra nodegroups (not the default worker). */
  readonly nodeGroups: readonly NodeGroup[];
  /** Node selector of the default worker, where core pods (hub, proxy, ingress controller) run. */
  readonly coreNodeSelector: Readonly<Record<string, string>>;
  /** Zone name with the trailing dot (as Designate wants it). */
  readonly zone: string;
  /** The ingress controller's release (`chart`, `release`, `namespace`) and settings. */
  readonly ingress: ReleaseRef<'traefik' | 'ingressNginx'> & {
    readonly controller: IngressController;
    /** IngressClass name of the chosen controller. */
    readonly className: string;
    readonly floatingIpPool: string;
    /**
     * `ingress.loadBalancerIP` of the file, when set. The IP the Service asks for is decided
     * with the recorded one by `resolveLoadBalancerIP` (`project/ingress-ip.ts`).
     */
    readonly loadBalancerIP?: string;
  };
  /** cert-manager's release. */
  readonly certManager: ReleaseRef<'certManager'>;
  /** ACME account email of the Let's Encrypt issuers. */
  readonly letsEncryptEmail: string;
  /** Where the Terraform state lives. */
  readonly backend: ClusterBackend;
}

/** What Magnum gives the default worker besides the file's settings. */
const DEFAULT_WORKER = { name: DEFAULT_WORKER_NODE_GROUP, role: 'worker', labels: {} } as const;

function nodeGroup(g: NodeGroupFile): NodeGroup {
  return {
    ...sizedNodeGroup(g),
    labelValue: nodeGroupLabelValue(g.name),
    nodeSelector: nodeGroupSelector(g.name),
  };
}

/** The validated cluster parts a cluster file and a legacy hub file share. */
export interface ClusterParts {
  readonly cloud: ClusterFile['cloud'];
  readonly magnum: MagnumFile;
  readonly nodeGroups: readonly NodeGroupFile[];
  readonly zone: string;
  readonly ingress: ClusterFile['ingress'];
  readonly letsEncryptEmail: string;
  readonly backend: ClusterFile['terraform']['backend'];
}

/**
 * The key under which a cluster's file holds its Magnum settings: `magnum` in a cluster file,
 * `cluster` in a hub file in the original format (a dedicated cluster). Messages name fields with it.
 */
export function settingsKey(cluster: Pick<Cluster, 'dedicated'>): 'cluster' | 'magnum' {
  return cluster.dedicated ? 'cluster' : 'magnum';
}

/** Derives the cluster model from validated parts (a cluster file's, or a legacy hub file's). */
export function resolveCluster(name: string, parts: ClusterParts, source: string, dedicated: boolean): Cluster {
  const c = parts.magnum;
  const defaultWorker = nodeGroup({ ...DEFAULT_WORKER, ...c.defaultWorker });
  const kubernetes = resolveKubernetesVersion(c);
  const controller = INGRESS_CONTROLLERS[parts.ingress.controller];
  return {
    name,
    source,
    dedicated,
    cloud: { name: parts.cloud.name, region: parts.cloud.region },
    magnumName: c.name ?? name,
    magnum: {
      template: templateRef(c),
      ...settingsOf(CLUSTER_FIELDS, c),
      kubernetes,
    },
    kubeVersion: kubernetes.kubeVersion,
    defaultWorker,
    nodeGroups: parts.nodeGroups.map(nodeGroup),
    coreNodeSelector: defaultWorker.nodeSelector,
    zone: parts.zone,
    ingress: {
      chart: controller.chart,
      release: controller.release,
      namespace: controller.namespace,
      controller: parts.ingress.controller,
      className: controller.className,
      floatingIpPool: parts.ingress.floatingIpPool,
      loadBalancerIP: parts.ingress.loadBalancerIP,
    },
    certManager: { chart: 'certManager', release: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE },
    letsEncryptEmail: parts.letsEncryptEmail,
    backend: resolveBackend(name, parts.backend),
  };
}

/** The backend with its defaults applied: the S3 key derived from the cluster's name, path style when an endpoint is set. */
export function resolveBackend(cluster: string, b: ClusterFile['terraform']['backend']): ClusterBackend {
  switch (b.type) {
    case 'local':
      return { type: 'local' };
    case 's3':
      return {
        type: 's3',
        bucket: b.bucket,
        key: b.key ?? defaultS3StateKey(cluster),
        region: b.region,
        ...(b.endpoint !== undefined ? { endpoint: b.endpoint } : {}),
        usePathStyle: b.usePathStyle ?? b.endpoint !== undefined,
      };
    case 'http': {
      const { type: _type, ...rest } = b;
      return { type: 'http', ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as ClusterBackend;
    }
  }
}

/** Derives the model from a validated cluster file. */
export function resolveClusterFile(name: string, file: ClusterFile, source: string): Cluster {
  return resolveCluster(
    name,
    {
      cloud: file.cloud,
      magnum: file.magnum,
      nodeGroups: file.nodeGroups,
      zone: file.dns.zone,
      ingress: file.ingress,
      letsEncryptEmail: file.letsEncrypt.email,
      backend: file.terraform.backend,
    },
    source,
    false,
  );
}

/**
 * Validates `input` as a cluster file and returns the resolved cluster: the TypeScript API to the
 * model `clusters/<cluster>.yaml` describes. Throws `UserErrors` listing every problem.
 */
export function defineCluster(name: string, input: ClusterFileInput | unknown, source = '<api>', locate?: (path: readonly PropertyKey[]) => number | undefined): Cluster {
  if (!isDnsLabel(name)) {
    throw new UserError(`cluster name ${quote(name)} is not a DNS label (${DNS_LABEL_RULE})`, {
      file: source,
      fix: 'rename the cluster file, e.g. clusters/shared.yaml',
    });
  }
  const parsed = clusterFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new UserErrors(issuesToErrors(parsed.error.issues, { file: source, lineOf: locate }));
  }
  return resolveClusterFile(name, parsed.data, source);
}
