/**
 * The hub file (`hubs/<hub>.yaml`): its schema, defaults and every rule that a hub file must
 * satisfy. The same zod schema validates YAML files and the TypeScript API (`defineHub`), and
 * the published JSON Schema (`hub.schema.json`) is generated from it.
 */
import { isIPv4 } from 'net';
import { z } from 'zod';
import { DNS_LABEL, DNS_LABEL_RULE, DNS_ZONE, topLevelDomain } from './dns';
import { quote } from './errors';
import { DEFAULT_CLUSTER_TEMPLATE, DEFAULT_KUBERNETES_VERSION } from './versions';
import { DEFAULT_MASTER_NODE_GROUP, DEFAULT_WORKER_NODE_GROUP, nodeRangeProblems } from './node-group';
import { MANAGED_CLUSTER_LABELS } from './cluster-labels';
import { RESERVED_NAMESPACES } from './namespaces';
import { terraformTextProblem } from './terraform-text';

const DNS_LABEL_MESSAGE = `must be a DNS label: ${DNS_LABEL_RULE}`;

/** A lowercase DNS label (RFC 1123), as used for cluster, nodegroup and record names. */
export const dnsLabel = z.string().regex(DNS_LABEL, DNS_LABEL_MESSAGE);

/**
 * Text that reaches the Terraform JSON verbatim (OpenStack names, Magnum labels, cloud, region):
 * refused when Terraform would evaluate it (`${`, `%{`) or change it (`config/terraform-text.ts`).
 * Every string field that reaches Terraform is this or a pattern that excludes `$`, `%` and `{`
 * (test/config/terraform-text.test.ts checks that for every string field of the schema).
 */
export const terraformText = z
  .string()
  .superRefine((text, ctx) => {
    const problem = terraformTextProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  // So that editors flag the worst case too (hub.schema.json); the refinement above is the rule.
  .meta({ pattern: '^(?![\\s\\S]*[$%]\\{)' });

/** An IPv4 address in dotted-quad form (Node's `net.isIPv4`; editors get the JSON Schema format). */
const ipv4 = z
  .string()
  .refine((s) => isIPv4(s), 'must be an IPv4 address such as 149.165.150.20')
  .meta({ format: 'ipv4' });

/** Top-level domains reserved for testing (RFC 2606, RFC 6761): never publicly resolvable. */
export const RESERVED_TEST_TLDS = ['test', 'example', 'invalid', 'localhost'] as const;

const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'must be a Kubernetes quantity such as "2", "500m", "4G" or "10Gi"');
const cpu = z.number().positive('must be a positive number of CPUs (fractions allowed, e.g. 0.5)');
const flavor = terraformText.min(1, 'must name an OpenStack flavor, e.g. m3.quad');
const timeout = z
  .string()
  .regex(/^[0-9]+[mh]$/, 'must be a duration in minutes or hours, e.g. "90m" or "2h"');

const nodeGroupSchema = z
  .object({
    name: dnsLabel.describe('Nodegroup name in Magnum. Its nodes carry capi.stackhpc.com/node-group=<name>.'),
    flavor: flavor.describe('OpenStack flavor of the nodes, e.g. m3.medium.'),
    minNodes: z.number().int().min(1, 'must be at least 1: a Magnum nodegroup cannot scale below 1 node').describe('Smallest size the autoscaler may shrink the nodegroup to (at least 1).'),
    maxNodes: z.number().int().min(1, 'must be at least 1').describe('Largest size the autoscaler may grow the nodegroup to.'),
    nodeCount: z.number().int().optional().describe('Initial number of nodes (default: minNodes).'),
    role: z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits or "-"').default('worker').describe('Magnum nodegroup role.'),
    dockerVolumeSize: z.number().int().positive().optional().describe('Size in GB of each node\'s container volume (default: the cluster\'s).'),
    labels: z.record(terraformText, terraformText).default({}).describe('Extra Magnum labels for this nodegroup. Changing them replaces the nodegroup.'),
  })
  .strict();

const defaultWorkerSchema = z
  .object({
    flavor: flavor.default('m3.quad').describe('Flavor of the default worker, which runs the hub, proxy and ingress controller.'),
    nodeCount: z.number().int().min(1, 'must be at least 1').default(1).describe('Nodes in the default-worker nodegroup.'),
    minNodes: z.number().int().min(1, 'must be at least 1: a Magnum nodegroup cannot scale below 1 node').default(1).describe('Autoscaling minimum of the default worker.'),
    maxNodes: z.number().int().min(1, 'must be at least 1').default(1).describe('Autoscaling maximum of the default worker (1 keeps it a single "core" node).'),
  })
  .strict();

const clusterSchema = z
  .object({
    name: dnsLabel.optional().describe('Magnum cluster name (default: the hub name).'),
    template: terraformText.min(1).default(DEFAULT_CLUSTER_TEMPLATE).describe('Cluster template, by name (looked up) unless templateId is given.'),
    templateId: z.string().uuid('must be a UUID').optional().describe('Cluster template UUID; skips the lookup by name.'),
    kubernetesVersion: z
      .string()
      .regex(/^v?[0-9]+\.[0-9]+(\.[0-9]+)?$/, 'must be a Kubernetes version such as "1.33.0"')
      .default(DEFAULT_KUBERNETES_VERSION)
      .describe('Kubernetes version the template deploys; charts are rendered for it.'),
    keypair: terraformText.min(1, 'must name an OpenStack keypair').describe('OpenStack keypair for the nodes.'),
    fixedNetwork: terraformText.min(1).default('auto_allocated_network').describe('Network the nodes attach to, looked up by name.'),
    masterFlavor: flavor.default('m3.quad').describe('Flavor of the control-plane nodes.'),
    masterCount: z.number().int().min(1, 'must be at least 1').default(1).describe('Control-plane nodes: an odd number (etcd quorum).'),
    defaultWorker: defaultWorkerSchema.default({ flavor: 'm3.quad', nodeCount: 1, minNodes: 1, maxNodes: 1 }).describe('The default-worker nodegroup Magnum creates with the cluster.'),
    dockerVolumeSize: z.number().int().positive().default(50).describe('Size in GB of each node\'s container volume.'),
    autoscaling: z.boolean().default(true).describe('Enable the cluster autoscaler (Magnum label auto_scaling_enabled).'),
    labels: z.record(terraformText, terraformText).default({}).describe('Extra Magnum cluster labels, merged over the template\'s. Changing labels replaces the cluster.'),
    createTimeout: timeout.default('90m').describe('How long Terraform waits for Magnum to create the cluster (at least 60m).'),
    deletionProtection: z.boolean().default(true).describe('Refuse to destroy the cluster (Terraform prevent_destroy). Set false only to tear the hub down.'),
  })
  .strict();

const githubAuthSchema = z
  .object({
    type: z.literal('github'),
    clientId: z.string().min(1, 'must be the GitHub OAuth app client id').describe('GitHub OAuth app client id (the secret goes in secrets/<hub>.yaml).'),
    allowedUsers: z.array(z.string().min(1)).default([]).describe('GitHub users who may log in.'),
    adminUsers: z.array(z.string().min(1)).default([]).describe('GitHub users who are JupyterHub admins (they may log in too).'),
    allowedOrganizations: z.array(z.string().min(1)).default([]).describe('GitHub organizations (or org:team) whose members may log in.'),
    allowExistingUsers: z.boolean().default(true).describe('Users added through the admin panel may log in.'),
  })
  .strict();

const dummyAuthSchema = z
  .object({
    type: z.literal('dummy'),
  })
  .strict()
  .describe('Any user name logs in without a password. Tests only: allowed only when the DNS zone is under a reserved test domain (.test., .example., .invalid., .localhost.).');

const resourcesShape = {
  cpuGuarantee: cpu.optional().describe('CPUs guaranteed to each server.'),
  cpuLimit: cpu.optional().describe('CPU limit of each server.'),
  memoryGuarantee: quantity.optional().describe('Memory guaranteed to each server, e.g. "2G".'),
  memoryLimit: quantity.optional().describe('Memory limit of each server, e.g. "4G".'),
};

/** `name:tag` (the tag not `latest`), or pinned by digest: `name@sha256:<64 hex>`, `name:tag@sha256:<64 hex>`. */
const image = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._\-/:]*[a-z0-9_\-/](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$/,
    'must be "name:tag" with an explicit tag, or pinned by digest ("name@sha256:<64 hex>"), e.g. quay.io/jupyter/scipy-notebook:2025-10-20',
  )
  .refine((s) => !s.endsWith(':latest'), 'must not use the tag "latest": pin a version so the hub is reproducible');

const profileSchema = z
  .object({
    displayName: z.string().min(1).describe('Name shown on the spawn page.'),
    slug: dnsLabel.optional().describe('Stable identifier of the profile (default: derived from displayName).'),
    description: z.string().default('').describe('Text shown under the name.'),
    nodeGroup: z.string().min(1).describe('Nodegroup whose nodes run these servers: default-worker or a name from nodeGroups.'),
    default: z.boolean().default(false).describe('Preselected profile (exactly one profile is the default).'),
    image: image.optional().describe('Image for this profile (default: jupyterhub.singleuser.image).'),
    gpus: z.number().int().min(0).default(0).describe('NVIDIA GPUs per server (adds the nvidia.com/gpu limit and toleration).'),
    ...resourcesShape,
  })
  .strict();

const jupyterhubSchema = z
  .object({
    namespace: dnsLabel.default('jhub').describe('Namespace of the JupyterHub release.'),
    release: dnsLabel.default('jhub').describe('Helm release name; cluster-scoped object names derive from it.'),
    auth: z.discriminatedUnion('type', [githubAuthSchema, dummyAuthSchema]).describe('How users log in.'),
    singleuser: z
      .object({
        image: image.describe('Default image of user servers, "name:tag".'),
        defaultUrl: z.string().regex(/^\//, 'must be a path such as /lab').default('/lab').describe('Where a started server opens.'),
        ...resourcesShape,
        storageCapacity: quantity.default('10Gi').describe('Size of each user\'s home volume.'),
        storageClass: z.string().min(1).optional().describe('Storage class of home volumes (default: the cluster default).'),
        startTimeout: z.number().int().positive().default(600).describe('Seconds a server may take to start (image pulls and node scale-up included).'),
        extraEnv: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()).default({}).describe('Environment variables of every user server.'),
      })
      .strict(),
    profiles: z.array(profileSchema).default([]).describe('Choices on the spawn page, each placed on a nodegroup.'),
    culling: z
      .object({
        enabled: z.boolean().default(true),
        timeout: z.number().int().positive().default(3600).describe('Seconds of inactivity after which a server is stopped.'),
      })
      .strict()
      .default({ enabled: true, timeout: 3600 }),
    scheduling: z
      .object({
        userPlaceholders: z.number().int().min(0).default(0).describe('Placeholder pods that keep room for arriving users (the runbook uses 4).'),
        podPriority: z.boolean().default(true).describe('Let user pods preempt placeholders.'),
      })
      .strict()
      .default({ userPlaceholders: 0, podPriority: true }),
    prePuller: z
      .object({
        continuous: z.boolean().default(false).describe('Pull the user image on every new node (a DaemonSet).'),
      })
      .strict()
      .default({ continuous: false }),
  })
  .strict();

/** The whole hub file. */
export const hubFileSchema = z
  .object({
    cloud: z
      .object({
        name: terraformText.min(1).optional().describe('Cloud name in clouds.yaml; without it the provider reads the OS_* environment.'),
        region: terraformText.min(1).optional().describe('OpenStack region.'),
      })
      .strict()
      .default({})
      .describe('Where the credentials come from. Never put credentials in a hub file.'),
    cluster: clusterSchema,
    nodeGroups: z.array(nodeGroupSchema).default([]).describe('Extra nodegroups, e.g. for user servers.'),
    dns: z
      .object({
        zone: z.string().regex(DNS_ZONE, 'must be a DNS zone name ending with a dot, e.g. ees220002.projects.jetstream-cloud.org.').describe('Designate zone, with the trailing dot.'),
        record: dnsLabel.optional().describe('Record name in the zone (default: the hub name).'),
        ttl: z.number().int().min(30).default(300).describe('TTL of the A record in seconds.'),
      })
      .strict(),
    ingress: z
      .object({
        controller: z.enum(['traefik', 'ingress-nginx']).default('traefik').describe('traefik (maintained) or ingress-nginx (retired upstream in March 2026, kept for parity).'),
        floatingIpPool: terraformText.min(1).default('public').describe('External network the ingress floating IP comes from.'),
        loadBalancerIP: ipv4.optional().describe('Ingress IP; default: read from outputs/<hub>.json written by jhm deploy.'),
      })
      .strict()
      .default({ controller: 'traefik', floatingIpPool: 'public' }),
    letsEncrypt: z
      .object({
        email: z.email('must be an email address Let\'s Encrypt can write to').describe('ACME account email.'),
        issuer: z.enum(['letsencrypt', 'letsencrypt-staging']).default('letsencrypt').describe('ClusterIssuer the hub certificate comes from.'),
      })
      .strict(),
    jupyterhub: jupyterhubSchema,
  })
  .strict()
  .superRefine((hub, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    const c = hub.cluster;
    if (c.masterCount % 2 === 0) {
      issue(['cluster', 'masterCount'], `is ${c.masterCount}: Magnum needs an odd number of control-plane nodes (1, 3, 5)`);
    }
    checkRange(c.defaultWorker, ['cluster', 'defaultWorker'], issue);
    for (const key of Object.keys(c.labels)) {
      const managed = Object.hasOwn(MANAGED_CLUSTER_LABELS, key) ? MANAGED_CLUSTER_LABELS[key] : undefined;
      if (managed) issue(['cluster', 'labels', key], `is managed by jhm (${managed.setBy}); remove it from cluster.labels`);
    }
    const minutes = /h$/.test(c.createTimeout) ? parseInt(c.createTimeout, 10) * 60 : parseInt(c.createTimeout, 10);
    if (minutes < 60) {
      issue(['cluster', 'createTimeout'], `is ${c.createTimeout}: Magnum takes 10-30 minutes to create a cluster; use at least "60m"`);
    }

    const seen = new Map<string, number>();
    hub.nodeGroups.forEach((ng, i) => {
      checkRange(ng, ['nodeGroups', i], issue);
      if (ng.name === DEFAULT_WORKER_NODE_GROUP || ng.name === DEFAULT_MASTER_NODE_GROUP) {
        issue(['nodeGroups', i, 'name'], `"${ng.name}" is created by Magnum with the cluster; configure it under cluster.defaultWorker or pick another name`);
      }
      const first = seen.get(ng.name);
      if (first !== undefined) {
        issue(['nodeGroups', i, 'name'], `"${ng.name}" is already the name of nodeGroups[${first}]; nodegroup names must be unique`);
      } else {
        seen.set(ng.name, i);
      }
    });

    const jh = hub.jupyterhub;
    const owner = RESERVED_NAMESPACES.get(jh.namespace);
    if (owner !== undefined) {
      issue(['jupyterhub', 'namespace'], `"${jh.namespace}" is used by ${owner}; give JupyterHub its own namespace, e.g. jhub`);
    }
    const known = [DEFAULT_WORKER_NODE_GROUP, ...hub.nodeGroups.map((n) => n.name)];
    jh.profiles.forEach((p, i) => {
      if (!known.includes(p.nodeGroup)) {
        issue(['jupyterhub', 'profiles', i, 'nodeGroup'], `${quote(p.nodeGroup)} is not a nodegroup of this hub; use one of: ${known.join(', ')}`);
      }
    });
    const defaults = jh.profiles.filter((p) => p.default).length;
    if (jh.profiles.length > 1 && defaults !== 1) {
      issue(['jupyterhub', 'profiles'], `${defaults} profiles have default: true; mark exactly one profile as the default`);
    }
    const slugs = new Map<string, number>();
    jh.profiles.forEach((p, i) => {
      const slug = profileSlug(p);
      const first = slugs.get(slug);
      if (first !== undefined) {
        issue(['jupyterhub', 'profiles', i], `has the same slug "${slug}" as profiles[${first}]; give one of them another displayName or an explicit slug`);
      }
      slugs.set(slug, i);
    });

    if (jh.auth.type === 'dummy') {
      if (!(RESERVED_TEST_TLDS as readonly string[]).includes(topLevelDomain(hub.dns.zone))) {
        issue(['jupyterhub', 'auth', 'type'], `"dummy" lets anyone log in and is for tests only; it is refused for the public zone ${hub.dns.zone} (use type: github, or a zone under .test.)`);
      }
    }
  });

type RangeIssue = (path: (string | number)[], message: string) => void;

function checkRange(g: { minNodes: number; maxNodes: number; nodeCount?: number }, path: (string | number)[], issue: RangeIssue): void {
  for (const p of nodeRangeProblems(g)) issue([...path, p.field], p.message);
}

/** The slug of a profile: the explicit one, or its display name made into a DNS label. */
export function profileSlug(p: { slug?: string; displayName: string }): string {
  return p.slug ?? (p.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'profile');
}

/** What a hub file may contain (defaults optional). */
export type HubFileInput = z.input<typeof hubFileSchema>;
/** A validated hub file with every default applied. */
export type HubFile = z.output<typeof hubFileSchema>;

/** JSON Schema of the hub file, for editors (generated from the zod schema, never hand-kept). */
export function hubJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(hubFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'JupyterHub on OpenStack Magnum: hub file (hubs/<hub>.yaml)',
  };
}
