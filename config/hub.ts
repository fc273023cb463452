/**
 * The resolved hub model: a validated hub file plus every value derived from it that both apps
 * need (host name, URLs, node selectors, namespaces, chart pins). Each derived value is computed
 * here once; the Terraform and Kubernetes sides only read it.
 */
import { z } from 'zod';
import { MAX_QUOTED_CHARS, quote, UserError, UserErrors } from './errors';
import { HubFile, HubFileInput, hubFileSchema, profileSlug } from './hub-schema';
import { DEFAULT_WORKER_NODE_GROUP, NODE_GROUP_LABEL_KEY, nodeGroupLabelValue, nodeGroupSelector } from './node-group';
import { CERT_MANAGER_NAMESPACE, INGRESS_CONTROLLERS } from './namespaces';
import { CHARTS } from './versions';

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

export interface Hub {
  /** Hub name: the hub file's base name; names every output folder. */
  readonly name: string;
  /** Where the hub was defined (a file path, or `<api>` for the TypeScript API). */
  readonly source: string;
  /** The validated hub file with defaults applied. */
  readonly spec: HubFile;
  readonly clusterName: string;
  /** DNS record name inside the zone. */
  readonly recordName: string;
  /** Zone name with the trailing dot (as Designate wants it). */
  readonly zone: string;
  /** Fully qualified host name of the hub, without trailing dot. */
  readonly host: string;
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
  readonly ingress: {
    readonly controller: IngressController;
    /** IngressClass name of the chosen controller. */
    readonly className: string;
    readonly namespace: string;
    readonly floatingIpPool: string;
    readonly loadBalancerIP?: string;
  };
  readonly certManagerNamespace: string;
  readonly issuer: HubFile['letsEncrypt']['issuer'];
  readonly jupyterhub: {
    readonly namespace: string;
    readonly release: string;
    readonly profiles: readonly Profile[];
  };
  /** Pinned charts. */
  readonly charts: typeof CHARTS;
}

/** The label key the Magnum Cluster API driver puts on every node (re-exported for convenience). */
export { NODE_GROUP_LABEL_KEY };

const INGRESS = INGRESS_CONTROLLERS;

function nodeGroup(g: { name: string; flavor: string; minNodes: number; maxNodes: number; nodeCount?: number; role?: string; dockerVolumeSize?: number; labels?: Record<string, string> }): NodeGroup {
  return {
    name: g.name,
    flavor: g.flavor,
    minNodes: g.minNodes,
    maxNodes: g.maxNodes,
    nodeCount: g.nodeCount ?? g.minNodes,
    role: g.role ?? 'worker',
    dockerVolumeSize: g.dockerVolumeSize,
    labels: g.labels ?? {},
    labelValue: nodeGroupLabelValue(g.name),
    nodeSelector: nodeGroupSelector(g.name),
  };
}

/** Derives the model from a validated hub file. */
export function resolveHub(name: string, spec: HubFile, source: string): Hub {
  const zone = spec.dns.zone;
  const recordName = spec.dns.record ?? name;
  const host = `${recordName}.${zone.replace(/\.$/, '')}`;
  const url = `https://${host}`;
  const defaultWorker = nodeGroup({ name: DEFAULT_WORKER_NODE_GROUP, ...spec.cluster.defaultWorker });
  const nodeGroups = spec.nodeGroups.map(nodeGroup);
  const byName = new Map([defaultWorker, ...nodeGroups].map((g) => [g.name, g]));
  const kv = spec.cluster.kubernetesVersion.replace(/^v/, '');
  const profiles: Profile[] = spec.jupyterhub.profiles.map((p) => ({
    slug: profileSlug(p),
    displayName: p.displayName,
    description: p.description,
    default: p.default || spec.jupyterhub.profiles.length === 1,
    nodeGroup: byName.get(p.nodeGroup)!,
    image: p.image,
    gpus: p.gpus,
    cpuGuarantee: p.cpuGuarantee,
    cpuLimit: p.cpuLimit,
    memoryGuarantee: p.memoryGuarantee,
    memoryLimit: p.memoryLimit,
  }));
  return {
    name,
    source,
    spec,
    clusterName: spec.cluster.name ?? name,
    recordName,
    zone,
    host,
    url,
    oauthCallbackUrl: `${url}/hub/oauth_callback`,
    kubeVersion: `v${kv.split('.').length === 2 ? `${kv}.0` : kv}`,
    defaultWorker,
    nodeGroups,
    coreNodeSelector: defaultWorker.nodeSelector,
    ingress: {
      controller: spec.ingress.controller,
      className: INGRESS[spec.ingress.controller].className,
      namespace: INGRESS[spec.ingress.controller].namespace,
      floatingIpPool: spec.ingress.floatingIpPool,
      loadBalancerIP: spec.ingress.loadBalancerIP,
    },
    certManagerNamespace: CERT_MANAGER_NAMESPACE,
    issuer: spec.letsEncrypt.issuer,
    jupyterhub: {
      namespace: spec.jupyterhub.namespace,
      release: spec.jupyterhub.release,
      profiles,
    },
    charts: CHARTS,
  };
}

/**
 * Formats a zod path as `a.b[2].c`. A map key that is not plain (a label key with spaces, a
 * newline, `${`, or longer than a quote) is shown quoted and cut, `a.b["x y"]`, so the error
 * stays on one line.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  const plain = (key: string) => key.length <= MAX_QUOTED_CHARS && /^[A-Za-z0-9_./-]+$/.test(key);
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    const key = String(p);
    if (!plain(key)) return `${acc}[${quote(key)}]`;
    return acc ? `${acc}.${key}` : key;
  }, '');
}

/** Turns zod issues into user errors; `locate` may add a line number for a path. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], source: string, locate?: (path: readonly PropertyKey[]) => number | undefined): UserError[] {
  return issues.map((i) => {
    const field = formatPath(i.path);
    const line = locate?.(i.path);
    const file = line !== undefined ? `${source}:${line}` : source;
    return new UserError(describeIssue(i), { file, field: field || undefined });
  });
}

function describeIssue(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'unrecognized_keys':
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => quote(k)).join(', ')}: remove ${i.keys.length > 1 ? 'them' : 'it'} or check the spelling against hub.schema.json`;
    case 'invalid_type':
      return i.input === undefined ? `is required (expected ${i.expected})` : `expected ${i.expected}, got ${describeValue(i.input)}`;
    case 'invalid_union':
      return `${i.message}`;
    case 'invalid_key':
      // A map key (e.g. a Magnum label) broke a rule: the path already names the key.
      return `is not a valid key: ${i.issues.map(describeIssue).join('; ')}`;
    case 'invalid_value':
      return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(i.input)}`;
    default:
      return i.message.replace(/^Invalid input: /, '');
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quote(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * Validates `input` and returns the resolved hub: the TypeScript API to the same model the hub
 * files describe. Throws `UserErrors` listing every problem.
 */
export function defineHub(name: string, input: HubFileInput | unknown, source = '<api>', locate?: (path: readonly PropertyKey[]) => number | undefined): Hub {
  const nameCheck = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/).safeParse(name);
  if (!nameCheck.success) {
    throw new UserError(`hub name ${quote(name)} is not a DNS label (lowercase letters, digits and "-", 1-63 characters)`, {
      file: source,
      fix: 'rename the hub file, e.g. hubs/my-hub.yaml',
    });
  }
  const parsed = hubFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new UserErrors(issuesToErrors(parsed.error.issues, source, locate));
  }
  return resolveHub(name, parsed.data, source);
}
