/**
 * The hub file (`hubs/<hub>.yaml`): its schema, defaults and every rule that a hub file must
 * satisfy. The same zod schema validates YAML files and the TypeScript API (`defineHub`), and
 * the published JSON Schema (`hub.schema.json`) is generated from it.
 */
import { z } from 'zod';
import { topLevelDomain } from './dns';
import { quote } from './errors';
import { DEFAULT_WORKER_NODE_GROUP } from './node-group';
import { RESERVED_NAMESPACES } from './namespaces';
import { certManagerSchema, checkClusterParts, cloudSchema, ingressSchema, Issue, letsEncryptEmailSchema, magnumSchema, nodeGroupsSchema, zoneSchema } from './cluster-schema';
import { dnsLabel } from './schema-parts';
import { chartValuesSchema } from './chart-values';
import { storageSchema } from './storage';

/** Top-level domains reserved for testing (RFC 2606, RFC 6761): never publicly resolvable. */
export const RESERVED_TEST_TLDS = ['test', 'example', 'invalid', 'localhost'] as const;

const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'must be a Kubernetes quantity such as "2", "500m", "4G" or "10Gi"');
const cpu = z.number().positive('must be a positive number of CPUs (fractions allowed, e.g. 0.5)');

/** A GitHub team, `org:team` (the team's slug, as in https://github.com/orgs/<org>/teams/<team>). */
const githubTeam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a GitHub team as "org:team" (the slug in the team\'s URL), e.g. my-course:instructors');
const userList = (what: string) => z.array(z.string().min(1)).default([]).describe(what);
const groupList = (what: string) => z.array(z.string().min(1)).default([]).describe(what);
/** An https URL of an identity provider's endpoint. */
const httpsUrl = z.string().refine((s) => /^https:\/\/[^\s/]+/.test(s) && URL.canParse(s), 'must be an https URL such as https://login.example.org/oauth2/authorize');
/** A claim of the identity provider's user info (`email`, `eppn`, `preferred_username`, ...). */
const claim = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, 'must be the name of a claim, e.g. email or preferred_username');

const githubAuthSchema = z
  .object({
    type: z.literal('github'),
    clientId: z.string().min(1, 'must be the GitHub OAuth app client id').describe('GitHub OAuth app client id (the secret goes in secrets/<hub>.yaml).'),
    allowedUsers: userList('GitHub users who may log in.'),
    adminUsers: userList('GitHub users who are JupyterHub admins (they may log in too).'),
    allowedOrganizations: z.array(z.string().min(1)).default([]).describe('GitHub organizations (or org:team) whose members may log in.'),
    adminTeams: z.array(githubTeam).default([]).describe('GitHub teams ("org:team") whose members are JupyterHub admins (they may log in too); turns teamGroups on.'),
    teamGroups: z.boolean().default(false).describe('Make each user\'s GitHub teams JupyterHub groups named "org:team", renewed at every login (on whenever adminTeams is set).'),
    allowExistingUsers: z.boolean().default(true).describe('Users added through the admin panel may log in.'),
  })
  .strict();

const cilogonIdentityProviderSchema = z
  .object({
    entityId: z
      .string()
      .regex(/^(https?:\/\/\S+|urn:\S+)$/, 'must be a CILogon EntityID (https://cilogon.org/idplist), e.g. https://github.com/login/oauth/authorize or urn:mace:incommon:uiuc.edu')
      .describe('EntityID of the identity provider, as https://cilogon.org/idplist lists it.'),
    usernameClaim: claim.default('email').describe('Claim the JupyterHub user name comes from, e.g. email, eppn, preferred_username.'),
    stripDomain: z.string().min(1).optional().describe('Domain cut from user names: "jo@uni.edu" becomes "jo" (distinct providers must not share names).'),
    prefix: z.string().min(1).optional().describe('Prefix of user names: "<prefix>:<name>".'),
    allowAll: z.boolean().default(false).describe('Every user of this provider may log in.'),
    allowedDomains: z.array(z.string().min(1)).default([]).describe('Users whose name (or email) is in one of these domains may log in ("*.uni.edu" allowed).'),
    default: z.boolean().default(false).describe('Preselected on CILogon\'s page.'),
  })
  .strict()
  .refine((p) => p.stripDomain === undefined || p.prefix === undefined, 'sets both stripDomain and prefix; keep one');

const cilogonAuthSchema = z
  .object({
    type: z.literal('cilogon'),
    clientId: z.string().min(1, 'must be the CILogon client id').describe('CILogon client id, "cilogon:/client_id/..." (the secret goes in secrets/<hub>.yaml).'),
    identityProviders: z.array(cilogonIdentityProviderSchema).min(1, 'must list at least one identity provider').describe('The identity providers users may choose on CILogon\'s page, each with how its user names are made.'),
    allowedUsers: userList('Users (JupyterHub user names) who may log in.'),
    adminUsers: userList('Users who are JupyterHub admins (they may log in too).'),
    groupsClaim: claim.optional().describe('Claim whose values become the user\'s JupyterHub groups, renewed at every login: a list (isMemberOf) or a ";"-separated string (affiliation).'),
    allowedGroups: groupList('Members of these groups (from groupsClaim) may log in.'),
    adminGroups: groupList('Members of these groups (from groupsClaim) are JupyterHub admins.'),
    allowExistingUsers: z.boolean().default(true).describe('Users added through the admin panel may log in.'),
  })
  .strict()
  .describe('CILogon (ACCESS and Jetstream2 users, campus identity providers).');

const genericAuthSchema = z
  .object({
    type: z.literal('generic'),
    clientId: z.string().min(1, 'must be the OAuth client id').describe('OAuth2/OIDC client id (the secret goes in secrets/<hub>.yaml).'),
    loginService: z.string().min(1).default('OAuth 2.0').describe('Name on the login button: "Login with <loginService>".'),
    authorizeUrl: httpsUrl.describe('The provider\'s authorization endpoint.'),
    tokenUrl: httpsUrl.describe('The provider\'s token endpoint.'),
    userdataUrl: httpsUrl.describe('The provider\'s user info endpoint.'),
    scope: z.array(z.string().min(1)).default(['openid', 'profile', 'email']).describe('OAuth scopes to request.'),
    usernameClaim: claim.default('preferred_username').describe('Claim of the user info the JupyterHub user name comes from.'),
    allowedUsers: userList('Users (JupyterHub user names) who may log in.'),
    adminUsers: userList('Users who are JupyterHub admins (they may log in too).'),
    groupsClaim: claim.optional().describe('Claim of the user info (a list) whose values become the user\'s JupyterHub groups, renewed at every login, e.g. groups.'),
    allowedGroups: groupList('Members of these groups (from groupsClaim) may log in.'),
    adminGroups: groupList('Members of these groups (from groupsClaim) are JupyterHub admins.'),
    allowExistingUsers: z.boolean().default(true).describe('Users added through the admin panel may log in.'),
  })
  .strict()
  .describe('Any OAuth2/OpenID Connect provider (Keycloak, Authentik, Google, ...).');

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

/** True for a regular expression anchored with `^` (KubeSpawner matches it with Python's `re.match`) that compiles. */
function anchoredPattern(s: string): boolean {
  if (!s.startsWith('^')) return false;
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/** One choice of a profile's menu: its name on the spawn page, an optional stable slug, whether it is preselected. */
const choiceShape = {
  displayName: z.string().min(1).describe('Name shown in the menu.'),
  slug: dnsLabel.optional().describe('Identifier of the choice, after its position: "2-<slug>" (default: derived from displayName).'),
  default: z.boolean().default(false).describe('Preselected choice (at most one; none: the first).'),
};

/** The menus of a profile (KubeSpawner's `profile_options`): an image menu and a size menu. */
const profileOptionsSchema = z
  .object({
    image: z
      .object({
        displayName: z.string().min(1).default('Image').describe('Label of the menu.'),
        choices: z.array(z.object({ ...choiceShape, image: image.describe('The image of this choice, "name:tag".') }).strict()).min(1).describe('The images offered.'),
        custom: z
          .object({
            displayName: z.string().min(1).default('Custom image').describe('Label of the field where a user types an image.'),
            pattern: z
              .string()
              .min(1)
              .refine(anchoredPattern, 'must be a regular expression starting with ^ that a typed image must match, e.g. "^quay\\.io/jupyter/[a-z-]+:[A-Za-z0-9._-]+$"')
              .describe('Regular expression (Python re, anchored with ^) a typed image must match.'),
            patternHelp: z.string().min(1).optional().describe('What the pattern asks for, shown when a typed image does not match.'),
          })
          .strict()
          .optional()
          .describe('Let users type an image of their own (KubeSpawner\'s unlisted_choice), checked against pattern.'),
      })
      .strict()
      .optional()
      .describe('A menu of images.'),
    resources: z
      .object({
        displayName: z.string().min(1).default('Resources').describe('Label of the menu.'),
        choices: z.array(z.object({ ...choiceShape, ...resourcesShape }).strict()).min(1).describe('The sizes offered, each with its guarantee and limit of CPU and memory.'),
      })
      .strict()
      .optional()
      .describe('A menu of server sizes.'),
  })
  .strict();

/** More (or less) CPU and memory for the members of some groups, on one profile. */
const groupResourcesSchema = z
  .object({
    groups: z.array(z.string().min(1)).min(1).describe('JupyterHub groups whose members get these resources.'),
    ...resourcesShape,
  })
  .strict();

const profileObject = z
  .object({
    displayName: z.string().min(1).describe('Name shown on the spawn page.'),
    slug: dnsLabel.optional().describe('Stable identifier of the profile (default: derived from displayName).'),
    description: z.string().default('').describe('Text shown under the name.'),
    nodeGroup: z.string().min(1).describe('Nodegroup whose nodes run these servers: default-worker or a name from nodeGroups.'),
    default: z.boolean().default(false).describe('Preselected profile (exactly one profile is the default).'),
    image: image.optional().describe('Image for this profile (default: jupyterhub.singleuser.image).'),
    gpus: z.number().int().min(0).default(0).describe('NVIDIA GPUs per server (adds the nvidia.com/gpu limit and toleration).'),
    ...resourcesShape,
    options: profileOptionsSchema.optional().describe('Menus inside the profile: a choice of images (and a custom image) and of sizes.'),
    allowedGroups: groupList('Only members of these JupyterHub groups (or allowedUsers) see the profile (default: everyone).'),
    allowedUsers: userList('Only these users (or members of allowedGroups) see the profile (default: everyone).'),
    groupResources: z.array(groupResourcesSchema).default([]).describe('Other CPU and memory for members of some groups; the first entry naming one of a user\'s groups applies.'),
  })
  .strict();
const profileSchema = profileObject.superRefine((p, ctx) => checkProfileMenus(p, (path, message) => ctx.addIssue({ code: 'custom', path, message })));

const jupyterhubSchema = z
  .object({
    namespace: dnsLabel.default('jhub').describe('Namespace of the JupyterHub release.'),
    release: dnsLabel.default('jhub').describe('Helm release name; cluster-scoped object names derive from it.'),
    auth: z
      .discriminatedUnion('type', [githubAuthSchema, cilogonAuthSchema, genericAuthSchema, dummyAuthSchema])
      .superRefine((auth, ctx) => checkAuthGroups(auth, (path, message) => ctx.addIssue({ code: 'custom', path, message })))
      .describe('How users log in.'),
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
    storage: storageSchema,
    values: chartValuesSchema('zero-to-jupyterhub'),
  })
  .strict();

const issuerSchema = z.enum(['letsencrypt', 'letsencrypt-staging']).default('letsencrypt').describe('ClusterIssuer the hub certificate comes from.');
const recordSchema = dnsLabel.optional().describe('Record name in the zone (default: the hub name).');
const ttlSchema = z.number().int().min(30).default(300).describe('TTL of the A record in seconds.');

/**
 * A hub file in the legacy format (`cluster:` a mapping, today's files): the hub and its own
 * dedicated cluster, named like the hub.
 */
export const legacyHubFileSchema = z
  .object({
    cloud: cloudSchema.describe('Where the credentials come from. Never put credentials in a hub file.'),
    cluster: magnumSchema,
    nodeGroups: nodeGroupsSchema,
    dns: z.object({ zone: zoneSchema, record: recordSchema, ttl: ttlSchema }).strict(),
    ingress: ingressSchema,
    certManager: certManagerSchema,
    letsEncrypt: z.object({ email: letsEncryptEmailSchema, issuer: issuerSchema }).strict(),
    jupyterhub: jupyterhubSchema,
  })
  .strict()
  .describe('A hub with its own dedicated Magnum cluster (cluster: a mapping).')
  .superRefine((hub, ctx) => {
    const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    checkClusterParts(hub.cluster, hub.nodeGroups, 'cluster', issue);
    checkNamespace(hub.jupyterhub.namespace, issue);
    checkProfileNodeGroups(hub.jupyterhub.profiles, hub.nodeGroups, 'this hub', issue);
    checkProfileChoices(hub.jupyterhub.profiles, issue);
    checkProfileGroups(hub.jupyterhub, issue);
    checkDummyAuth(hub.jupyterhub.auth.type, hub.dns.zone, issue);
  });

/** A hub file on a cluster file (`cluster:` names `clusters/<cluster>.yaml`). */
export const hubOnClusterFileSchema = z
  .object({
    cluster: dnsLabel.describe('The cluster the hub runs on: names clusters/<cluster>.yaml.'),
    dns: z.object({ record: recordSchema, ttl: ttlSchema }).strict().default({ ttl: 300 }).describe('The hub\'s record in its cluster\'s zone.'),
    letsEncrypt: z.object({ issuer: issuerSchema }).strict().default({ issuer: 'letsencrypt' }),
    jupyterhub: jupyterhubSchema.extend({
      namespace: dnsLabel.optional().describe('Namespace of the JupyterHub release (default: the hub name).'),
      release: dnsLabel.optional().describe('Helm release name (default: the hub name); unique per cluster, as cluster-scoped object names derive from it.'),
    }),
  })
  .strict()
  .describe('A hub on a shared cluster (cluster: the name of clusters/<cluster>.yaml).')
  .superRefine((hub, ctx) => {
    const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    if (hub.jupyterhub.namespace !== undefined) checkNamespace(hub.jupyterhub.namespace, issue);
    checkProfileChoices(hub.jupyterhub.profiles, issue);
    checkProfileGroups(hub.jupyterhub, issue);
  });

/** The whole hub file, either format (for the JSON Schema; parse with {@link parseHubFile}). */
export const hubFileSchema = z.union([legacyHubFileSchema, hubOnClusterFileSchema]);

/** Fields of a cluster file that a hub on a cluster file must not have, by path. */
const CLUSTER_FIELDS: ReadonlyArray<readonly string[]> = [['cloud'], ['nodeGroups'], ['ingress'], ['certManager'], ['dns', 'zone'], ['letsEncrypt', 'email'], ['terraform'], ['magnum']];

/** The result of {@link parseHubFile}. */
export type ParsedHubFile =
  | { success: true; data: HubFile; issues?: undefined }
  | { success: false; data?: undefined; issues: z.core.$ZodIssue[] };

/**
 * Validates a hub file of either format: `cluster:` a string is a hub on a cluster file, anything
 * else the legacy format. On a cluster file, the cluster's own fields get "belongs in
 * clusters/<cluster>.yaml" instead of "unrecognized key".
 */
export function parseHubFile(input: unknown): ParsedHubFile {
  const data = input as Record<string, unknown> | undefined;
  if (data === null || typeof data !== 'object' || typeof data.cluster !== 'string') {
    const r = legacyHubFileSchema.safeParse(input, { reportInput: true });
    return r.success ? { success: true, data: { format: 'legacy', ...r.data } } : { success: false, issues: r.error.issues };
  }
  const misplaced: z.core.$ZodIssue[] = [];
  const rest = structuredClone(data) as Record<string, any>;
  for (const path of CLUSTER_FIELDS) {
    const parent = path.length === 1 ? rest : rest[path[0]];
    const last = path[path.length - 1];
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && Object.hasOwn(parent, last)) {
      delete parent[last];
      misplaced.push({
        code: 'custom',
        path: [...path],
        message: `belongs in clusters/${data.cluster}.yaml (this hub runs on that cluster); remove it here`,
        input: undefined,
      } as z.core.$ZodIssue);
    }
  }
  const r = hubOnClusterFileSchema.safeParse(rest, { reportInput: true });
  if (r.success && misplaced.length === 0) return { success: true, data: { format: 'on-cluster', ...r.data } };
  return { success: false, issues: [...misplaced, ...(r.success ? [] : r.error.issues)] };
}

/** Rules on the profiles that need nothing else: one default, unique slugs. */
function checkProfileChoices(profiles: JupyterHubFile['profiles'], issue: Issue): void {
  const jh = { profiles };
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
}

const RESOURCE_FIELDS = ['cpuGuarantee', 'cpuLimit', 'memoryGuarantee', 'memoryLimit'] as const;

/** Rules inside one profile: a menu decides what it offers, so the profile does not set it too; at most one default choice; unique choice slugs. */
function checkProfileMenus(p: z.output<typeof profileObject>, issue: Issue): void {
  const options = p.options;
  if (options?.image && p.image !== undefined) issue(['image'], 'is set beside options.image, whose choice would replace it; remove one of them');
  for (const field of RESOURCE_FIELDS) {
    const inChoice = options?.resources?.choices.some((c) => c[field] !== undefined);
    if (inChoice && p[field] !== undefined) issue([field], `is set beside options.resources, whose chosen size sets ${field} too and would replace it; set it in each choice instead`);
  }
  if (options?.resources && p.groupResources.length > 0) {
    issue(['groupResources'], 'is set beside options.resources: the chosen size would replace a group\'s resources; offer the larger size as a choice, or use a profile limited to the group (allowedGroups)');
  }
  for (const menu of ['image', 'resources'] as const) {
    const choices: ReadonlyArray<{ displayName: string; slug?: string; default: boolean }> = options?.[menu]?.choices ?? [];
    if (choices.filter((c) => c.default).length > 1) issue(['options', menu, 'choices'], 'has more than one choice with default: true; mark at most one (none: the first is preselected)');
    const seen = new Map<string, number>();
    choices.forEach((c, i) => {
      const slug = profileSlug(c);
      const first = seen.get(slug);
      if (first !== undefined) issue(['options', menu, 'choices', i], `has the same slug "${slug}" as choices[${first}]; give one of them another displayName or an explicit slug`);
      seen.set(slug, i);
    });
  }
}

/**
 * Rule: with GitHub teams as groups (`teamGroups` or `adminTeams`), the authenticator manages every
 * user's groups, which are their teams as "org:team" in lower case: a profile's group (or a
 * course folder's writer group) of another form is never a user's group.
 */
function checkProfileGroups(jh: Pick<JupyterHubFile, 'auth' | 'profiles' | 'storage'>, issue: Issue): void {
  const auth = jh.auth;
  if (auth.type !== 'github' || !(auth.teamGroups || auth.adminTeams.length > 0)) return;
  const team = /^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9._-]*$/;
  const never = (group: string) =>
    `"${group}" is never a user's group: with GitHub teams as groups, each user's groups are their teams as "org:team" in lower case; write ${/^[^:]+:[^:]+$/.test(group) ? group.toLowerCase() : 'the team as org:team, e.g. my-course:instructors'}`;
  jh.profiles.forEach((p, i) => {
    p.allowedGroups.forEach((g, j) => {
      if (!team.test(g)) issue(['jupyterhub', 'profiles', i, 'allowedGroups', j], never(g));
    });
    p.groupResources.forEach((r, k) =>
      r.groups.forEach((g, j) => {
        if (!team.test(g)) issue(['jupyterhub', 'profiles', i, 'groupResources', k, 'groups', j], never(g));
      }),
    );
  });
  if (jh.storage.type === 'shared') {
    jh.storage.courseFolderWriters.forEach((g, j) => {
      if (!team.test(g)) issue(['jupyterhub', 'storage', 'courseFolderWriters', j], never(g));
    });
  }
}

/** Rule: group lists need the claim the groups come from. */
function checkAuthGroups(auth: { type: string; groupsClaim?: string; allowedGroups?: readonly string[]; adminGroups?: readonly string[] }, issue: Issue): void {
  if (auth.groupsClaim !== undefined) return;
  for (const key of ['allowedGroups', 'adminGroups'] as const) {
    if ((auth[key]?.length ?? 0) > 0) issue([key], `needs groupsClaim: JupyterHub groups come from that claim of the ${auth.type === 'cilogon' ? 'CILogon' : 'provider\'s'} user info; set it, e.g. groupsClaim: ${auth.type === 'cilogon' ? 'isMemberOf' : 'groups'}`);
  }
}

/** Rule: JupyterHub's namespace is not one the platform uses. */
export function checkNamespace(namespace: string, issue: Issue): void {
  const owner = RESERVED_NAMESPACES.get(namespace);
  if (owner !== undefined) {
    issue(['jupyterhub', 'namespace'], `"${namespace}" is used by ${owner}; give JupyterHub its own namespace, e.g. jhub`);
  }
}

/** Rule: each profile names a nodegroup of its hub's cluster. */
export function checkProfileNodeGroups(profiles: readonly { nodeGroup: string }[], nodeGroups: readonly { name: string }[], whose: string, issue: Issue): void {
  const known = [DEFAULT_WORKER_NODE_GROUP, ...nodeGroups.map((n) => n.name)];
  profiles.forEach((p, i) => {
    if (!known.includes(p.nodeGroup)) {
      issue(['jupyterhub', 'profiles', i, 'nodeGroup'], `${quote(p.nodeGroup)} is not a nodegroup of ${whose}; use one of: ${known.join(', ')}`);
    }
  });
}

/** Rule: dummy authentication only under a reserved test domain. */
export function checkDummyAuth(authType: string, zone: string, issue: Issue): void {
  if (authType === 'dummy' && !(RESERVED_TEST_TLDS as readonly string[]).includes(topLevelDomain(zone))) {
    issue(['jupyterhub', 'auth', 'type'], `"dummy" lets anyone log in and is for tests only; it is refused for the public zone ${zone} (use type: github, or a zone under .test.)`);
  }
}

/** The slug of a profile: the explicit one, or its display name made into a DNS label. */
export function profileSlug(p: { slug?: string; displayName: string }): string {
  return p.slug ?? (p.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'profile');
}

/** What a legacy hub file may contain (defaults optional). */
export type LegacyHubFileInput = z.input<typeof legacyHubFileSchema>;
/** What a hub file on a cluster file may contain. */
export type HubOnClusterFileInput = z.input<typeof hubOnClusterFileSchema>;
export type HubFileInput = LegacyHubFileInput | HubOnClusterFileInput;
/** A validated legacy hub file with every default applied. */
export type LegacyHubFile = z.output<typeof legacyHubFileSchema> & { format: 'legacy' };
/** A validated hub file on a cluster file, defaults applied (namespace and release: the hub name, applied on resolution). */
export type HubOnClusterFile = z.output<typeof hubOnClusterFileSchema> & { format: 'on-cluster' };
export type HubFile = LegacyHubFile | HubOnClusterFile;
export type JupyterHubFile = z.output<typeof jupyterhubSchema>;

/** JSON Schema of the hub file, for editors (generated from the zod schema, never hand-kept). */
export function hubJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(hubFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'JupyterHub on OpenStack Magnum: hub file (hubs/<hub>.yaml)',
  };
}
