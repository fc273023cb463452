/**
 * The cluster file (`clusters/<cluster>.yaml`): the Magnum cluster, its nodegroups, DNS zone,
 * ingress controller, Let's Encrypt account and Terraform backend. Its parts are also the
 * cluster parts of a hub file in the legacy format (`cluster:` a mapping, `hub-schema.ts`): each
 * part and each rule on it has its one home here, except the Magnum settings of the cluster and
 * its nodegroups, whose fields, defaults and rules are rows of `model/magnum-fields.ts`.
 * `cluster.schema.json` is generated from it.
 */
import { z } from 'zod';
import { DNS_ZONE } from './dns';
import { DEFAULT_MASTER_NODE_GROUP, DEFAULT_WORKER_NODE_GROUP } from './node-group';
import { MANAGED_CLUSTER_LABELS } from './cluster-labels';
import { dnsLabel, ipv4, terraformText, terraformUrl } from './schema-parts';
import { checkMagnum, checkNodeGroup, magnumSchema, nodeGroupSchema } from './magnum-fields';
import { chartValuesSchema } from './chart-values';

export const cloudSchema = z
  .object({
    name: terraformText.min(1).optional().describe('Cloud name in clouds.yaml; without it the provider reads the OS_* environment.'),
    region: terraformText.min(1).optional().describe('OpenStack region.'),
  })
  .strict()
  .default({});

export const nodeGroupsSchema = z.array(nodeGroupSchema).default([]).describe('Extra nodegroups, e.g. for user servers.');

/** The Magnum cluster: `cluster:` of a legacy hub file, `magnum:` of a cluster file (its fields: `CLUSTER_FIELDS`). */
export { magnumSchema };

/** The Designate zone hub records go in. */
export const zoneSchema = z
  .string()
  .regex(DNS_ZONE, 'must be a DNS zone name ending with a dot, e.g. ees220002.projects.jetstream-cloud.org.')
  .describe('Designate zone, with the trailing dot.');

export const ingressSchema = z
  .object({
    controller: z.enum(['traefik', 'ingress-nginx']).default('traefik').describe('traefik (maintained) or ingress-nginx (retired upstream in March 2026, kept for parity).'),
    floatingIpPool: terraformText.min(1).default('public').describe('External network the ingress floating IP comes from.'),
    loadBalancerIP: ipv4.optional().describe('Ingress IP; default: read from outputs/<cluster>.json written by jhm deploy.'),
    values: chartValuesSchema('ingress controller (traefik or ingress-nginx, as controller says)'),
  })
  .strict()
  .default({ controller: 'traefik', floatingIpPool: 'public', values: {} });

/** cert-manager, the platform chart that issues the hubs' certificates. */
export const certManagerSchema = z
  .object({ values: chartValuesSchema('cert-manager') })
  .strict()
  .default({ values: {} })
  .describe('cert-manager, which issues the hubs\' Let\'s Encrypt certificates.');

export const letsEncryptEmailSchema = z.email('must be an email address Let\'s Encrypt can write to').describe('ACME account email.');

/**
 * The S3 key of a cluster's state when its file gives a bucket and no key: derived from the
 * cluster's name, so clusters sharing a bucket never share a state (copying one cluster file's
 * backend into another is safe). The one place the default is spelled.
 */
export function defaultS3StateKey(cluster: string): string {
  return `jhm/${cluster}.tfstate`;
}

const localBackendSchema = z.object({ type: z.literal('local') }).strict().describe('State in terraform.<cluster>.tfstate at the project root (the default).');

const s3BackendSchema = z
  .object({
    type: z.literal('s3'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3-63 lowercase letters, digits, "." or "-"')
      .describe('Bucket holding the state.'),
    key: terraformText.min(1).optional().describe(`Object key of the state (default: ${defaultS3StateKey('<cluster>')}).`),
    region: terraformText.min(1).default('us-east-1').describe('Region of the bucket (S3-compatible stores ignore it).'),
    endpoint: terraformUrl.optional().describe('URL of an S3-compatible store (Jetstream2\'s object store, Ceph RGW); absent: AWS S3.'),
    usePathStyle: z.boolean().optional().describe('Path-style bucket URLs (default: true when an endpoint is set).'),
  })
  .strict()
  .describe('State in an S3-compatible bucket with S3-native locking (Terraform >= 1.10). Credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, never from a file.');

const httpMethod = z.string().regex(/^[A-Z]+$/, 'must be an HTTP method such as POST or LOCK');

const httpBackendSchema = z
  .object({
    type: z.literal('http'),
    address: terraformUrl.describe('State URL, e.g. GitLab\'s https://gitlab.com/api/v4/projects/<id>/terraform/state/<name>.'),
    lockAddress: terraformUrl.optional().describe('URL to lock the state (absent: no locking).'),
    unlockAddress: terraformUrl.optional().describe('URL to unlock the state.'),
    lockMethod: httpMethod.optional().describe('HTTP method of lock requests (default: Terraform\'s, LOCK).'),
    unlockMethod: httpMethod.optional().describe('HTTP method of unlock requests (default: Terraform\'s, UNLOCK).'),
  })
  .strict()
  .describe('State behind an HTTP endpoint (GitLab-managed state). Credentials from TF_HTTP_USERNAME and TF_HTTP_PASSWORD, never from a file.');

export const backendSchema = z.discriminatedUnion('type', [localBackendSchema, s3BackendSchema, httpBackendSchema]);

/** The whole cluster file. */
export const clusterFileSchema = z
  .object({
    cloud: cloudSchema.describe('Where the credentials come from. Never put credentials in a cluster file.'),
    magnum: magnumSchema.extend({ name: dnsLabel.optional().describe('Magnum cluster name (default: the cluster file\'s base name).') }),
    nodeGroups: nodeGroupsSchema,
    dns: z.object({ zone: zoneSchema }).strict().describe('The zone the records of the hubs on this cluster go in.'),
    ingress: ingressSchema,
    certManager: certManagerSchema,
    letsEncrypt: z.object({ email: letsEncryptEmailSchema }).strict(),
    terraform: z
      .object({ backend: backendSchema.default({ type: 'local' }).describe('Where the Terraform state lives (default: local).') })
      .strict()
      .default({ backend: { type: 'local' } }),
  })
  .strict()
  .superRefine((file, ctx) => checkClusterParts(file.magnum, file.nodeGroups, 'magnum', (path, message) => ctx.addIssue({ code: 'custom', path, message })));

export type Issue = (path: (string | number)[], message: string) => void;

/**
 * The rules on a Magnum cluster and its nodegroups, for a cluster file (`magnum`) and a legacy
 * hub file (`cluster`) alike: the settings' own (`model/magnum-fields.ts`), the labels jhm
 * manages, and the nodegroup list (unique names, not Magnum's own).
 */
export function checkClusterParts(c: z.output<typeof magnumSchema>, nodeGroups: z.output<typeof nodeGroupsSchema>, key: 'magnum' | 'cluster', issue: Issue): void {
  checkMagnum(c, key, issue);
  checkLabelKeys(c.labels, [key, 'labels'], issue);
  for (const label of Object.keys(c.labels)) {
    const managed = Object.hasOwn(MANAGED_CLUSTER_LABELS, label) ? MANAGED_CLUSTER_LABELS[label] : undefined;
    if (managed) issue([key, 'labels', label], `is managed by jhm (${managed.setBy(key)}); remove it from ${key}.labels`);
  }

  const seen = new Map<string, number>();
  nodeGroups.forEach((ng, i) => {
    checkNodeGroup(ng, ['nodeGroups', i], issue);
    checkLabelKeys(ng.labels, ['nodeGroups', i, 'labels'], issue);
    if (ng.name === DEFAULT_WORKER_NODE_GROUP || ng.name === DEFAULT_MASTER_NODE_GROUP) {
      issue(['nodeGroups', i, 'name'], `"${ng.name}" is created by Magnum with the cluster; configure it under ${key}.defaultWorker or pick another name`);
    }
    const first = seen.get(ng.name);
    if (first !== undefined) {
      issue(['nodeGroups', i, 'name'], `"${ng.name}" is already the name of nodeGroups[${first}]; nodegroup names must be unique`);
    } else {
      seen.set(ng.name, i);
    }
  });
}

/**
 * A Magnum label has a name: an empty key (which Terraform would pass on as a real map key) is
 * refused. Keys Terraform would evaluate (`${`, `%{`) are refused by `terraformText`; `//` is a
 * plain key there (a comment only directly in a block body), planned like any other label.
 */
function checkLabelKeys(labels: Readonly<Record<string, string>>, path: (string | number)[], issue: Issue): void {
  if (Object.hasOwn(labels, '')) issue([...path, ''], 'is an empty label key: a Magnum label needs a name; remove it or name it');
}

/** What a cluster file may contain (defaults optional). */
export type ClusterFileInput = z.input<typeof clusterFileSchema>;
/** A validated cluster file with every default applied. */
export type ClusterFile = z.output<typeof clusterFileSchema>;
/** The Magnum part, validated. */
export type { MagnumFile } from './magnum-fields';
export type NodeGroupFile = z.output<typeof nodeGroupSchema>;

/** JSON Schema of the cluster file, for editors (generated from the zod schema, never hand-kept). */
export function clusterJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(clusterFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'JupyterHub on OpenStack Magnum: cluster file (clusters/<cluster>.yaml)' };
}
