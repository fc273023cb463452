/**
 * The commented hub file that `jhm init` writes. Every line it sets is a value a new hub must
 * think about, given by the person (options or answers: no placeholder is ever written, so a new
 * hub never deploys with a value nobody chose); everything else is left to the documented
 * defaults (see hub.schema.json).
 */
import { parse } from 'yaml';
import { CLUSTER_FIELDS, fieldDefault, MagnumField, NODE_GROUP_FIELDS, TemplateContext } from '../model/magnum-fields';

/** `s` as a YAML scalar: plain when YAML reads it back as the same string, else double-quoted (e.g. `"0"`, `"true"`). */
function scalar(s: string): string {
  let plain: unknown;
  try {
    plain = /^[A-Za-z0-9][A-Za-z0-9._@/-]*$/.test(s) ? parse(s) : undefined;
  } catch {
    plain = undefined;
  }
  return plain === s ? s : JSON.stringify(s);
}

/** `[a, b]` of YAML scalars. */
function list(xs: readonly string[]): string {
  return `[${xs.map(scalar).join(', ')}]`;
}

/** The `cloud:` section (commented out without a cloud name: the OS_* environment is used). */
function cloudSection(cloud: string | undefined): string {
  return cloud ? `cloud:\n  name: ${scalar(cloud)}   # cloud in clouds.yaml` : '# cloud:\n#   name: openstack   # cloud in clouds.yaml; without it the OS_* environment is used';
}

/** `v` as YAML on one line: a scalar, or a flow mapping of scalars (`{ a: x, b: 1 }`). */
function flow(v: unknown): string {
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
  return typeof v === 'string' ? scalar(v) : String(v);
}

/**
 * The Magnum settings of a new file under `key` (`cluster` in a hub file of the original format,
 * `magnum` in a cluster file), from their rows (`CLUSTER_FIELDS`): the fields set from the
 * command's options (`options`, by field name), then the others `jhm init` mentions, commented
 * out with their example or default.
 */
function magnumSection(key: string, options: Readonly<Record<string, string>>, context: TemplateContext): string {
  const rows = Object.entries(CLUSTER_FIELDS as Readonly<Record<string, MagnumField>>);
  const set = rows.flatMap(([k, row]) => (row.template?.line === 'option' ? [`  ${k}: ${scalar(options[k])}`] : []));
  const commented = rows.flatMap(([k, row]) => {
    const t = row.template;
    if (t?.line !== 'commented') return [];
    const value = t.example ? t.example(context) : flow(fieldDefault(row));
    if (value === undefined) return [];
    return [`  # ${k}: ${value}${t.comment ? `   # ${t.comment(context)}` : ''}`];
  });
  return [`${key}:`, ...set, ...commented].join('\n');
}

/** The first nodegroup for user servers of a new file: the example values of `NODE_GROUP_FIELDS`. */
function nodeGroupsSection(): string {
  const lines = Object.entries(NODE_GROUP_FIELDS as Readonly<Record<string, MagnumField>>).flatMap(([k, row]) =>
    row.template?.line === 'example' ? [`${k}: ${flow(row.template.example)}`] : [],
  );
  return `nodeGroups:\n${lines.map((l, i) => `${i === 0 ? '  - ' : '    '}${l}`).join('\n')}\n`;
}

/** Who logs in to a new hub: its GitHub OAuth app and at least one admin or allowed organization. */
export interface LoginOptions {
  /** GitHub OAuth app client id. */
  readonly githubClientId: string;
  /** GitHub users who administer the hub. */
  readonly admins: readonly string[];
  /** GitHub organizations whose members may log in (default: none). */
  readonly allowedOrganizations?: readonly string[];
}

/** The `jupyterhub:` section of a new hub: GitHub login, one image, a profile on the core node and one on `extraNodeGroup`. */
function jupyterhubSection(o: LoginOptions & { extraNodeGroup?: string; comments?: string }): string {
  return `jupyterhub:
${o.comments ?? ''}  auth:
    type: github
    clientId: ${scalar(o.githubClientId)}
    adminUsers: ${list(o.admins)}
    allowedUsers: []
    allowedOrganizations: ${list(o.allowedOrganizations ?? [])}
  singleuser:
    image: quay.io/jupyter/scipy-notebook:2025-10-20
    memoryGuarantee: 1G
    storageCapacity: 10Gi
  profiles:
    - displayName: Small (core node)
      nodeGroup: default-worker
      default: true
      cpuGuarantee: 0.5
      memoryGuarantee: 1G
      memoryLimit: 2G
${
  o.extraNodeGroup
    ? `    - displayName: Medium
      nodeGroup: ${scalar(o.extraNodeGroup)}
      cpuGuarantee: 1
      memoryGuarantee: 2G
      memoryLimit: 4G
`
    : ''
}  scheduling:
    userPlaceholders: 0
`;
}

export interface HubTemplateOptions extends LoginOptions {
  /** Designate zone with the trailing dot. */
  readonly zone: string;
  /** Let's Encrypt account email. */
  readonly email: string;
  /** OpenStack keypair name. */
  readonly keypair: string;
  /** clouds.yaml cloud name, if any. */
  readonly cloud?: string;
}

export function hubTemplate(hub: string, o: HubTemplateOptions): string {
  return `# yaml-language-server: $schema=../hub.schema.json
#
# Hub "${hub}". Reference of every field and its default: hub.schema.json (your editor
# autocompletes from it). Secrets never go here: they live in secrets/${hub}.yaml (git-ignored).

${cloudSection(o.cloud)}

${magnumSection('cluster', { keypair: o.keypair }, { teardown: 'the hub' })}

# Nodegroups for user servers; each profile below names one.
${nodeGroupsSection()}
dns:
  zone: ${scalar(o.zone)}
  # record: ${hub}   # host = <record>.<zone>

ingress:
  controller: traefik

letsEncrypt:
  email: ${scalar(o.email)}
  # issuer: letsencrypt-staging   # while testing, to stay clear of Let's Encrypt rate limits

${jupyterhubSection({ ...o, extraNodeGroup: 'mediums' })}`;
}

export interface HubOnClusterTemplateOptions extends LoginOptions {
  /** The cluster file the hub runs on (`clusters/<cluster>.yaml`). */
  readonly cluster: string;
  /** Nodegroups of the cluster (the profiles name them); the default worker is always there. */
  readonly nodeGroups: readonly string[];
}

/** The commented hub file on a cluster file that `jhm init <hub> --cluster <c>` writes. */
export function hubOnClusterTemplate(hub: string, o: HubOnClusterTemplateOptions): string {
  return `# yaml-language-server: $schema=../hub.schema.json
#
# Hub "${hub}" on cluster "${o.cluster}" (clusters/${o.cluster}.yaml: the Magnum cluster, its
# nodegroups, DNS zone, ingress controller and Let's Encrypt email). Reference of every field
# and its default: hub.schema.json. Secrets never go here: they live in secrets/${hub}.yaml.

cluster: ${scalar(o.cluster)}

# dns:
#   record: ${hub}   # host = <record>.<the cluster's zone>

# letsEncrypt:
#   issuer: letsencrypt-staging   # while testing, to stay clear of Let's Encrypt rate limits

${jupyterhubSection({
  ...o,
  extraNodeGroup: o.nodeGroups[0],
  comments: `  # namespace: ${hub}   # default: the hub name (unique per cluster)\n  # release: ${hub}     # default: the hub name (unique per cluster)\n`,
})}`;
}

export interface ClusterTemplateOptions {
  /** Designate zone with the trailing dot. */
  readonly zone: string;
  /** Let's Encrypt account email. */
  readonly email: string;
  /** OpenStack keypair name. */
  readonly keypair: string;
  /** clouds.yaml cloud name, if any. */
  readonly cloud?: string;
}

/** The commented cluster file that `jhm init-cluster <cluster>` writes. */
export function clusterTemplate(cluster: string, o: ClusterTemplateOptions): string {
  return `# yaml-language-server: $schema=../cluster.schema.json
#
# Cluster "${cluster}": one Magnum cluster with its platform (cert-manager, the ingress controller
# and its floating IP, the Let's Encrypt issuers), shared by every hub whose file says
# "cluster: ${cluster}". Reference of every field and its default: cluster.schema.json.
# Add a hub on it with: jhm init <hub> --cluster ${cluster}

${cloudSection(o.cloud)}

${magnumSection('magnum', { keypair: o.keypair }, { name: cluster, teardown: 'the cluster' })}

# Nodegroups for user servers of every hub on the cluster; each profile of a hub names one.
${nodeGroupsSection()}
dns:
  zone: ${scalar(o.zone)}   # each hub's record goes in this zone

ingress:
  controller: traefik
  # floatingIpPool: public

letsEncrypt:
  email: ${scalar(o.email)}

# Where the Terraform state lives (default: local, terraform.${cluster}.tfstate). A team shares it
# in an S3-compatible object store (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY):
# terraform:
#   backend:
#     type: s3
#     bucket: my-team-tfstate
#     endpoint: https://js2.jetstream-cloud.org:8001
`;
}
