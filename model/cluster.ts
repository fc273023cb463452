/**
 * The resolved cluster model (issue 11): a Magnum cluster with its platform (ingress controller,
 * cert-manager, DNS zone) and where its Terraform state lives. Either a cluster file
 * (`clusters/<cluster>.yaml`) or the dedicated cluster of a hub file in the legacy format.
 * Both resolve to this one model; what still differs between them (the field names messages
 * use, the names of its outputs) is stated once, at load, in {@link ClusterNaming}, so nothing
 * below loading asks which kind of file a cluster came from.
 */
import { DNS_LABEL_RULE, isDnsLabel } from './dns';
import { quote, UserError, UserErrors } from './errors';
import { ClusterFile, ClusterFileInput, clusterFileSchema, defaultS3StateKey, MagnumFile, NodeGroupFile } from './cluster-schema';
import { DEFAULT_WORKER_NODE_GROUP, nodeGroupLabelValue, nodeGroupSelector } from './node-group';
import { CLUSTER_FIELDS, ClusterTemplateRef, MagnumSettings, SizedNodeGroupSettings, settingsOf, sizedNodeGroup, templateRef } from './magnum-fields';
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE, INGRESS_CONTROLLERS } from './namespaces';
import type { ChartKey } from './versions';
import { KubernetesVersion, resolveKubernetesVersion } from './cluster-templates';
import { formatPath, issuesToErrors } from './zod-issues';
import { CERT_MANAGER_VALUE_OWNERS, ChartValuesInput, chartValuesInput, INGRESS_VALUE_OWNERS, ValueOwner, valuesProblems } from './chart-values';

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

/**
 * The naming rules of a cluster, resolved when it is loaded. A cluster file gives `magnum`, no
 * owner hub and hub-named outputs; the dedicated cluster of a hub file in the legacy format gives
 * `cluster`, its hub as owner and the names its outputs had before cluster files existed (so its
 * Terraform addresses, stack, state and output paths stay what they were).
 */
export interface ClusterNaming {
  /**
   * The key its file holds its Magnum settings under, which messages name those fields with:
   * `magnum.<field>` (a cluster file), `cluster.<field>` (a hub file).
   */
  readonly fieldPrefix: 'magnum' | 'cluster';
  /**
   * The field of its file that sets where its Terraform state lives (`terraform.backend`, its
   * `.key` or `.address`; `cluster` in a hub file, whose cluster's state is always local).
   */
  readonly stateField: string;
  /**
   * The hub whose file defines the cluster, when one does: the cluster is named after it and that
   * hub is its only one (the stack refuses others). Its file is then the cluster's file too, the
   * messages call the cluster "the hub", and `jhm apply <hub>` applies it. Undefined for a
   * cluster file, whose hubs are named with `--hub`.
   */
  readonly ownerHub?: string;
  /**
   * Whether what is made for each hub carries the hub's name: its wave files
   * (`<NN>-<stem>-<hub>.yaml`), its DNS record and the hub's entry in the map of hub URLs. When
   * false (only with an `ownerHub`, the cluster's one hub), they keep the hub's own names:
   * `<NN>-<stem>.yaml`, the record's address from before clusters existed, a single hub URL.
   */
  readonly hubNamed: boolean;
}

export interface Cluster {
  /** jhm cluster name: the cluster file's base name, or the hub name of a dedicated legacy cluster; names its outputs. */
  readonly name: string;
  /** Where the cluster was defined: `clusters/<c>.yaml`, the legacy hub file, or `<api>`. */
  readonly source: string;
  /** Its naming rules, resolved at load. */
  readonly naming: ClusterNaming;
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
    /** Raw chart values of the file (`ingress.values`), merged over jhm's when the chart is rendered. */
    readonly values: ChartValuesInput;
  };
  /** cert-manager's release, and the raw chart values of the file (`certManager.values`). */
  readonly certManager: ReleaseRef<'certManager'> & { readonly values: ChartValuesInput };
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
  readonly certManager: ClusterFile['certManager'];
  readonly letsEncryptEmail: string;
  readonly backend: ClusterFile['terraform']['backend'];
  /** The line of a field path in the file, for errors found when the charts are rendered. */
  readonly locate?: (path: readonly PropertyKey[]) => number | undefined;
}

/** The field of a cluster file that sets where the state of each kind of backend lives. */
const STATE_FIELDS: Readonly<Record<ClusterBackend['type'], string>> = { local: 'terraform.backend', s3: 'terraform.backend.key', http: 'terraform.backend.address' };

/**
 * The naming rules of a cluster (see {@link ClusterNaming}): `ownerHub` is the hub whose file in
 * the legacy format defines it (its dedicated cluster), undefined for a cluster file.
 */
function clusterNaming(ownerHub: string | undefined, backend: ClusterBackend): ClusterNaming {
  const dedicated = ownerHub !== undefined;
  return {
    fieldPrefix: dedicated ? 'cluster' : 'magnum',
    stateField: dedicated ? 'cluster' : STATE_FIELDS[backend.type],
    ...(dedicated ? { ownerHub } : {}),
    hubNamed: !dedicated,
  };
}

/**
 * Derives the cluster model from validated parts (a cluster file's, or a legacy hub file's:
 * `ownerHub` is then that hub, whose dedicated cluster this is).
 */
export function resolveCluster(name: string, parts: ClusterParts, source: string, ownerHub?: string): Cluster {
  const c = parts.magnum;
  const defaultWorker = nodeGroup({ ...DEFAULT_WORKER, ...c.defaultWorker });
  const kubernetes = resolveKubernetesVersion(c);
  const controller = INGRESS_CONTROLLERS[parts.ingress.controller];
  const backend = resolveBackend(name, parts.backend);
  return {
    name,
    source,
    naming: clusterNaming(ownerHub, backend),
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
      values: chartValuesInput(parts.ingress.values, ['ingress', 'values'], source, parts.locate),
    },
    certManager: { chart: 'certManager', release: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE, values: chartValuesInput(parts.certManager.values, ['certManager', 'values'], source, parts.locate) },
    letsEncryptEmail: parts.letsEncryptEmail,
    backend,
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
export function resolveClusterFile(name: string, file: ClusterFile, source: string, locate?: (path: readonly PropertyKey[]) => number | undefined): Cluster {
  return resolveCluster(
    name,
    {
      cloud: file.cloud,
      magnum: file.magnum,
      nodeGroups: file.nodeGroups,
      zone: file.dns.zone,
      ingress: file.ingress,
      certManager: file.certManager,
      letsEncryptEmail: file.letsEncrypt.email,
      backend: file.terraform.backend,
      locate,
    },
    source,
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
  throwPlatformValuesProblems(parsed.data, input, source, locate);
  return resolveClusterFile(name, parsed.data, source, locate);
}

/** The platform charts' raw values of a file and the typed fields that own their values. */
const PLATFORM_VALUES: ReadonlyArray<{ readonly field: readonly string[]; readonly owners: readonly ValueOwner[] }> = [
  { field: ['ingress', 'values'], owners: INGRESS_VALUE_OWNERS },
  { field: ['certManager', 'values'], owners: CERT_MANAGER_VALUE_OWNERS },
];

/**
 * Throws `UserErrors` for the platform charts' raw values of a cluster file or a legacy hub file
 * (`ingress.values`, `certManager.values`) that a typed field of the file sets, or that are secrets.
 */
export function throwPlatformValuesProblems(
  file: { readonly ingress: { readonly values: Record<string, unknown> }; readonly certManager: { readonly values: Record<string, unknown> } },
  input: unknown,
  source: string,
  locate?: (path: readonly PropertyKey[]) => number | undefined,
): void {
  const errors = PLATFORM_VALUES.flatMap(({ field, owners }) => {
    const values = field[0] === 'ingress' ? file.ingress.values : file.certManager.values;
    return valuesProblems(values, input, owners).map(
      (p) => new UserError(p.message, { file: source, line: locate?.([...field, ...p.path]), field: formatPath([...field, ...p.path]), fix: p.fix }),
    );
  });
  if (errors.length > 0) throw new UserErrors(errors);
}
