/**
 * The resolved hub model: a validated hub file plus every value derived from it that both apps
 * need (host name, URLs, node selectors, namespaces, release names, IngressClass, which charts).
 * Each derived value is decided here once; the Terraform and Kubernetes sides, the secrets and
 * the CLI only read the resolved fields (the parsed hub file is not part of the model). Defaults
 * are the hub schema's (`hub-schema.ts`); resolution only derives. The one fact decided later is
 * the final load-balancer IP, which also depends on `jhm deploy`'s outputs (`ingress-ip.ts`).
 */
import { z } from 'zod';
import { DNS_LABEL_RULE, hostInZone, isDnsLabel } from './dns';
import { quote, UserError, UserErrors } from './errors';
import { Cluster, ReleaseRef, resolveCluster, throwPlatformValuesProblems } from './cluster';
import { Issue } from './cluster-schema';
import { checkDummyAuth, checkNamespace, checkProfileNodeGroups, HubFile, HubFileInput, JupyterHubFile, parseHubFile, profileSlug } from './hub-schema';
import { NODE_GROUP_LABEL_KEY } from './node-group';
import type { ChartKey } from './versions';
import { formatPath, issuesToErrors } from './zod-issues';
import { HubStorage, resolveStorage } from './storage';
import { ChartValuesInput, chartValuesInput, JUPYTERHUB_VALUE_OWNERS, valuesProblems } from './chart-values';

/** A profile with its nodegroup resolved. */
export interface Profile {
  readonly slug: string;
  readonly displayName: string;
  readonly description: string;
  readonly default: boolean;
  readonly nodeGroup: Cluster['defaultWorker'];
  readonly image?: string;
  readonly gpus: number;
  readonly cpuGuarantee?: number;
  readonly cpuLimit?: number;
  readonly memoryGuarantee?: string;
  readonly memoryLimit?: string;
  /** The menus inside the profile (KubeSpawner's `profile_options`), with each choice's slug and the one default resolved. */
  readonly options: ProfileOptions;
  /** Who sees the profile: members of these groups or these users (both empty: everyone). */
  readonly allowedGroups: readonly string[];
  readonly allowedUsers: readonly string[];
  /** Other resources for members of groups; the first entry naming one of a user's groups applies. */
  readonly groupResources: readonly GroupResources[];
}

/** CPU and memory of a server, each optional (unset: the profile's, else `singleuser`'s). */
export interface Resources {
  readonly cpuGuarantee?: number;
  readonly cpuLimit?: number;
  readonly memoryGuarantee?: string;
  readonly memoryLimit?: string;
}

/** A choice of a profile's menu, its slug and default resolved (exactly one default per menu). */
export interface Choice {
  readonly slug: string;
  readonly displayName: string;
  readonly default: boolean;
}

/** A profile's menus; absent when the profile has none. */
export interface ProfileOptions {
  readonly image?: {
    readonly displayName: string;
    readonly choices: ReadonlyArray<Choice & { readonly image: string }>;
    readonly custom?: { readonly displayName: string; readonly pattern: string; readonly patternHelp?: string };
  };
  readonly resources?: { readonly displayName: string; readonly choices: ReadonlyArray<Choice & Resources> };
}

/** Resources for the members of `groups`. */
export interface GroupResources extends Resources {
  readonly groups: readonly string[];
}

export interface Hub {
  /** Hub name: the hub file's base name. */
  readonly name: string;
  /** Where the hub was defined (a file path, or `<api>` for the TypeScript API). */
  readonly source: string;
  /** The cluster the hub runs on (its dedicated one for a legacy hub file); cluster facts are read here. */
  readonly cluster: Cluster;
  /** DNS record name inside the cluster's zone. */
  readonly recordName: string;
  /** Fully qualified host name of the hub, without trailing dot. */
  readonly host: string;
  /** TTL of the hub's A record, in seconds. */
  readonly recordTtl: number;
  /** `https://<host>` */
  readonly url: string;
  /** GitHub OAuth callback URL. */
  readonly oauthCallbackUrl: string;
  /** ClusterIssuer the hub certificate comes from. */
  readonly issuer: HubFile['letsEncrypt']['issuer'];
  /** JupyterHub's release and settings. */
  readonly jupyterhub: ReleaseRef<'jupyterhub'> & {
    readonly auth: JupyterHubFile['auth'];
    readonly singleuser: JupyterHubFile['singleuser'];
    readonly profiles: readonly Profile[];
    readonly culling: JupyterHubFile['culling'];
    readonly scheduling: JupyterHubFile['scheduling'];
    readonly prePuller: JupyterHubFile['prePuller'];
    /** Where the users' home folders live (`model/storage.ts`). */
    readonly storage: HubStorage;
    /** Raw z2jh values of the hub file (`jupyterhub.values`), merged over jhm's when the chart is rendered. */
    readonly values: ChartValuesInput;
  };
}

/** The label key the Magnum Cluster API driver puts on every node (re-exported for convenience). */
export { NODE_GROUP_LABEL_KEY };

/** The pinned charts `hub` renders, in release order: cert-manager, its ingress controller, JupyterHub. */
export function hubReleases(hub: Hub): readonly ReleaseRef[] {
  return [hub.cluster.certManager, hub.cluster.ingress, hub.jupyterhub];
}

/** The charts of {@link hubReleases}, by key (`charts.yaml` pins each). */
export function hubCharts(hub: Hub): ChartKey[] {
  return hubReleases(hub).map((r) => r.chart);
}

/** A menu's choices with their slugs, and the default: the marked one, else the first (as KubeSpawner preselects). */
function resolveChoices<C extends { displayName: string; slug?: string; default: boolean }>(choices: readonly C[]): Array<C & Choice> {
  const marked = choices.findIndex((c) => c.default);
  return choices.map((c, i) => ({ ...c, slug: profileSlug(c), default: i === (marked === -1 ? 0 : marked) }));
}

/**
 * Derives the model from a validated hub file and its cluster (for a legacy hub file: its own
 * dedicated cluster, built here from the hub file).
 */
export function resolveHub(name: string, spec: HubFile, source: string, cluster?: Cluster, locate?: (path: readonly PropertyKey[]) => number | undefined): Hub {
  const on =
    spec.format === 'legacy'
      ? resolveCluster(
          name,
          {
            cloud: spec.cloud,
            magnum: spec.cluster,
            nodeGroups: spec.nodeGroups,
            zone: spec.dns.zone,
            ingress: spec.ingress,
            certManager: spec.certManager,
            letsEncryptEmail: spec.letsEncrypt.email,
            backend: { type: 'local' },
            locate,
          },
          source,
          name,
        )
      : cluster;
  if (on === undefined) throw new Error(`resolveHub: hub ${name} needs its cluster ${String(spec.cluster)}`);
  const jh = spec.jupyterhub;
  const recordName = spec.dns.record ?? name;
  const host = hostInZone(recordName, on.zone);
  const url = `https://${host}`;
  const byName = new Map([on.defaultWorker, ...on.nodeGroups].map((g) => [g.name, g]));
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
    options: {
      ...(p.options?.image ? { image: { ...p.options.image, choices: resolveChoices(p.options.image.choices) } } : {}),
      ...(p.options?.resources ? { resources: { ...p.options.resources, choices: resolveChoices(p.options.resources.choices) } } : {}),
    },
    allowedGroups: p.allowedGroups,
    allowedUsers: p.allowedUsers,
    groupResources: p.groupResources,
  }));
  return {
    name,
    source,
    cluster: on,
    recordName,
    host,
    recordTtl: spec.dns.ttl,
    url,
    oauthCallbackUrl: `${url}/hub/oauth_callback`,
    issuer: spec.letsEncrypt.issuer,
    jupyterhub: {
      chart: 'jupyterhub',
      // A hub on a cluster file: release and namespace default to the hub name (unique per cluster).
      release: jh.release ?? name,
      namespace: jh.namespace ?? name,
      auth: jh.auth,
      singleuser: jh.singleuser,
      profiles,
      culling: jh.culling,
      scheduling: jh.scheduling,
      prePuller: jh.prePuller,
      storage: resolveStorage(jh.storage),
      values: chartValuesInput(jh.values, ['jupyterhub', 'values'], source, locate),
    },
  };
}

const NO_NAMES: readonly string[] = [];

/** Options of {@link defineHub}. */
export interface DefineHubOptions {
  /** The clusters a hub on a cluster file may name (`cluster: <name>`). */
  readonly clusters?: readonly Cluster[];
  /** Line of a field path in the hub file, for errors. */
  readonly locate?: (path: readonly PropertyKey[]) => number | undefined;
}

/**
 * Validates `input` and returns the resolved hub: the TypeScript API to the same model the hub
 * files describe. A hub file in the legacy format brings its own dedicated cluster; one with
 * `cluster: <name>` runs on the cluster of that name in `clusters`. Throws `UserErrors` listing
 * every problem.
 */
export function defineHub(name: string, input: HubFileInput | unknown, options: DefineHubOptions = {}, source = '<api>'): Hub {
  if (!isDnsLabel(name)) {
    throw new UserError(`hub name ${quote(name)} is not a DNS label (${DNS_LABEL_RULE})`, {
      file: source,
      fix: 'rename the hub file, e.g. hubs/my-hub.yaml',
    });
  }
  const parsed = parseHubFile(input);
  if (!parsed.success) {
    throw new UserErrors(issuesToErrors(parsed.issues, { file: source, lineOf: options.locate }));
  }
  const spec = parsed.data;
  // Raw chart values: no value a typed field of this file sets, no secret (`chart-values.ts`).
  const values = valuesProblems(spec.jupyterhub.values, input, JUPYTERHUB_VALUE_OWNERS, { secretsFile: `the secrets file of hub ${name}` });
  if (values.length > 0) {
    throw new UserErrors(values.map((p) => new UserError(p.message, { file: source, line: options.locate?.(['jupyterhub', 'values', ...p.path]), field: formatPath(['jupyterhub', 'values', ...p.path]), fix: p.fix })));
  }
  if (spec.format === 'legacy') {
    throwPlatformValuesProblems(spec, input, source, options.locate);
    return resolveHub(name, spec, source, undefined, options.locate);
  }
  const onFile = (c: Cluster) => c.naming.ownerHub === undefined;
  const cluster = options.clusters?.find((c) => c.name === spec.cluster && onFile(c));
  if (cluster === undefined) {
    const known = options.clusters?.filter(onFile).map((c) => c.name) ?? NO_NAMES;
    throw new UserError(`no clusters/${spec.cluster}.yaml`, {
      file: source,
      line: options.locate?.(['cluster']),
      field: 'cluster',
      fix: known.length > 0 ? `name one of: ${known.join(', ')}, or create it with: jhm init-cluster ${spec.cluster}` : `create it with: jhm init-cluster ${spec.cluster}`,
    });
  }
  const issues: z.core.$ZodIssue[] = [];
  const issue: Issue = (path, message) => issues.push({ code: 'custom', path, message, input: undefined } as z.core.$ZodIssue);
  if (spec.jupyterhub.namespace === undefined) checkNamespace(name, issue);
  checkProfileNodeGroups(spec.jupyterhub.profiles, cluster.nodeGroups, `cluster ${cluster.name} (${cluster.source})`, issue);
  checkDummyAuth(spec.jupyterhub.auth.type, cluster.zone, issue);
  if (issues.length > 0) throw new UserErrors(issuesToErrors(issues, { file: source, lineOf: options.locate }));
  return resolveHub(name, spec, source, cluster, options.locate);
}
