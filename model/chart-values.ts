/**
 * Raw chart values in a hub or cluster file: the escape hatch for any setting of a chart that no
 * typed field covers (`jupyterhub.values` for zero-to-jupyterhub, `ingress.values` and
 * `certManager.values` for the platform charts). They are deep-merged over the values jhm
 * computes, as Helm merges values files (a mapping merges key by key; anything else, a list or
 * `null` included, replaces), and the result is validated against the pinned chart's own
 * `values.schema.json` when the chart is rendered (`k8s/chart-values.ts`).
 *
 * Two rules need nothing but the file, and live here:
 * - a value jhm owns is refused: a value is owned where the file uses the typed field that writes
 *   it (the tables below), and the error names that field. Values jhm computes without such a
 *   field (its defaults) may be overridden; the synth says so for each.
 * - secrets never go through `values` (the file is committed in clear): every chart path of
 *   `SECRET_FIELDS`, the chart's older spellings of them, and any key named like a credential.
 */
import { z } from 'zod';
import { fieldName, SECRET_FIELDS, SecretField } from './secret-fields';

/** A chart-values path: mapping keys (a list replaces as a whole, so paths stop at lists). */
export type ValuesPath = readonly string[];

/** The `values` field of a file: any mapping; the chart's schema checks it when the chart is rendered. */
export const chartValuesSchema = (chart: string) =>
  z
    .record(z.string(), z.unknown())
    .default({})
    .describe(`Raw ${chart} chart values, deep-merged over the values jhm computes (a mapping merges, anything else replaces) and checked against the chart's values.schema.json. Refused: values a typed field of this file sets, and secrets.`);

/** Which typed field writes which chart values (the field's path in the file, the values it writes). */
export interface ValueOwner {
  /** The typed field's path in the file, e.g. `['jupyterhub', 'culling', 'timeout']`. */
  readonly field: readonly (string | readonly string[])[];
  /** The chart-values paths it writes. */
  readonly values: readonly ValuesPath[];
}

/** The `hub.extraConfig` key of the Python that turns the login's data into JupyterHub groups (`k8s/jupyterhub/auth.ts`). */
export const GROUPS_EXTRA_CONFIG_KEY = 'jhm-auth-groups';
const GROUPS_PYTHON: ValuesPath = ['hub', 'extraConfig', GROUPS_EXTRA_CONFIG_KEY];
/** The `hub.extraConfig` key of the Python that limits profiles to groups or users and applies group resources (`k8s/jupyterhub/profiles.ts`). */
export const PROFILE_RULES_EXTRA_CONFIG_KEY = 'jhm-profile-rules';
/** The key under the chart's `custom` of those rules, by profile slug. */
export const PROFILE_RULES_CUSTOM_KEY = 'jhmProfiles';

/** The `hub.extraConfig` key of the Python that makes the course folder writable for admins and its writer groups (`k8s/jupyterhub/home-nfs.ts`). */
export const COURSE_FOLDER_EXTRA_CONFIG_KEY = 'jhm-course-folder';
/** The key under the chart's `custom` of the course folder's mount and writer groups. */
export const COURSE_FOLDER_CUSTOM_KEY = 'jhmCourseFolder';

/** The authenticator sections a hub's `auth` writes, by auth type (`k8s/jupyterhub/auth.ts`). */
const AUTH_CLASSES = ['GitHubOAuthenticator', 'CILogonOAuthenticator', 'GenericOAuthenticator'] as const;
const authField = (key: string, option: string, ...more: string[]): ValueOwner => ({
  field: ['jupyterhub', 'auth', key],
  values: AUTH_CLASSES.flatMap((c) => [['hub', 'config', c, option], ...more.map((m) => ['hub', 'config', c, m])]),
});
/** An auth field that also writes the groups Python. */
const withGroupsPython = (owner: ValueOwner): ValueOwner => ({ ...owner, values: [...owner.values, GROUPS_PYTHON] });

/**
 * What the typed fields of a hub file write into the zero-to-jupyterhub values
 * (`k8s/jupyterhub/values.ts` and its builders). `test/jupyterhub/extra-values.test.ts` checks
 * the rows against the builders: changing a field changes no value outside its row's paths.
 */
export const JUPYTERHUB_VALUE_OWNERS: readonly ValueOwner[] = [
  { field: ['jupyterhub', 'auth', 'type'], values: [['hub', 'config', 'JupyterHub', 'authenticator_class']] },
  authField('clientId', 'client_id'),
  authField('allowedUsers', 'allowed_users'),
  authField('adminUsers', 'admin_users'),
  authField('allowedOrganizations', 'allowed_organizations', 'scope'),
  withGroupsPython(authField('adminTeams', 'admin_groups', 'manage_groups', 'populate_teams_in_auth_state', 'scope')),
  withGroupsPython(authField('teamGroups', 'manage_groups', 'populate_teams_in_auth_state', 'scope')),
  authField('allowExistingUsers', 'allow_existing_users'),
  authField('identityProviders', 'idps'),
  withGroupsPython(authField('groupsClaim', 'manage_groups', 'auth_state_groups_key')),
  authField('allowedGroups', 'allowed_groups'),
  authField('adminGroups', 'admin_groups'),
  authField('loginService', 'login_service'),
  authField('authorizeUrl', 'authorize_url'),
  authField('tokenUrl', 'token_url'),
  authField('userdataUrl', 'userdata_url'),
  authField('scope', 'scope'),
  authField('usernameClaim', 'username_claim'),
  { field: ['jupyterhub', 'singleuser', 'image'], values: [['singleuser', 'image', 'name'], ['singleuser', 'image', 'tag']] },
  { field: ['jupyterhub', 'singleuser', 'defaultUrl'], values: [['singleuser', 'defaultUrl']] },
  { field: ['jupyterhub', 'singleuser', 'cpuGuarantee'], values: [['singleuser', 'cpu', 'guarantee']] },
  { field: ['jupyterhub', 'singleuser', 'cpuLimit'], values: [['singleuser', 'cpu', 'limit']] },
  { field: ['jupyterhub', 'singleuser', 'memoryGuarantee'], values: [['singleuser', 'memory', 'guarantee']] },
  { field: ['jupyterhub', 'singleuser', 'memoryLimit'], values: [['singleuser', 'memory', 'limit']] },
  { field: ['jupyterhub', 'singleuser', 'storageCapacity'], values: [['singleuser', 'storage', 'capacity']] },
  { field: ['jupyterhub', 'singleuser', 'storageClass'], values: [['singleuser', 'storage', 'dynamic', 'storageClass']] },
  { field: ['jupyterhub', 'storage'], values: [['singleuser', 'storage'], ['custom', COURSE_FOLDER_CUSTOM_KEY], ['hub', 'extraConfig', COURSE_FOLDER_EXTRA_CONFIG_KEY]] },
  { field: ['jupyterhub', 'singleuser', 'startTimeout'], values: [['singleuser', 'startTimeout']] },
  { field: ['jupyterhub', 'singleuser', 'extraEnv'], values: [['singleuser', 'extraEnv']] },
  { field: ['jupyterhub', 'profiles'], values: [['singleuser', 'profileList'], ['custom', PROFILE_RULES_CUSTOM_KEY], ['hub', 'extraConfig', PROFILE_RULES_EXTRA_CONFIG_KEY]] },
  { field: ['jupyterhub', 'culling', 'enabled'], values: [['cull', 'enabled']] },
  { field: ['jupyterhub', 'culling', 'timeout'], values: [['cull', 'timeout']] },
  { field: ['jupyterhub', 'scheduling', 'userPlaceholders'], values: [['scheduling', 'userPlaceholder', 'enabled'], ['scheduling', 'userPlaceholder', 'replicas']] },
  { field: ['jupyterhub', 'scheduling', 'podPriority'], values: [['scheduling', 'podPriority', 'enabled']] },
  { field: ['jupyterhub', 'prePuller', 'continuous'], values: [['prePuller', 'continuous', 'enabled']] },
];

/** What the typed fields of a cluster file (or a hub file with its own cluster) write into the ingress controller's values. */
export const INGRESS_VALUE_OWNERS: readonly ValueOwner[] = [
  { field: ['ingress', 'loadBalancerIP'], values: [['service', 'spec', 'loadBalancerIP'], ['controller', 'service', 'loadBalancerIP']] },
];

/** What the typed fields write into cert-manager's values: none (the ACME email goes into the ClusterIssuers). */
export const CERT_MANAGER_VALUE_OWNERS: readonly ValueOwner[] = [];

/** The chart's older spellings of secrets that are fields of the secrets file. */
const OLDER_SECRET_PATHS: ReadonlyArray<{ readonly path: ValuesPath; readonly field: string }> = [
  { path: ['proxy', 'secretToken'], field: 'jupyterhub.proxySecretToken' },
  { path: ['hub', 'cookieSecret'], field: 'jupyterhub.cookieSecret' },
];

/** Keys that name a credential, wherever they are (`client_secret`, `apiToken`, `password`, ...). */
const CREDENTIAL_KEY = /^(client_?secret|clientSecret|secret_?token|secretToken|api_?token|apiToken|auth_token|cookie_?secret|cookieSecret|password|private_?key|privateKey|access_?key_?secret)$/i;

/** One problem of a `values` field: the path inside `values`, the message and the fix. */
export interface ValuesProblem {
  readonly path: ValuesPath;
  readonly message: string;
  readonly fix: string;
}

/**
 * Every leaf of `values` (a path whose value is not a mapping: a scalar, a list, `null`, or an
 * empty mapping), in document order.
 */
export function leafPaths(values: unknown, at: ValuesPath = []): ValuesPath[] {
  if (!isMapping(values) || (Object.keys(values).length === 0 && at.length > 0)) return [at];
  return Object.entries(values).flatMap(([k, v]) => leafPaths(v, [...at, k]));
}

/** Whether `a` is `b` or lies under it. */
function within(a: ValuesPath, b: ValuesPath): boolean {
  return b.length <= a.length && b.every((k, i) => a[i] === k);
}

/**
 * Whether setting `leaf` touches `owned` (sets it, something under it, or replaces a mapping above
 * it). An empty mapping (`emptyMapping`) merges into a mapping without changing it, so at or above
 * `owned` it touches nothing.
 */
function touches(leaf: ValuesPath, owned: ValuesPath, emptyMapping = false): boolean {
  if (emptyMapping) return within(leaf, owned) && leaf.length > owned.length;
  return within(leaf, owned) || within(owned, leaf);
}

/** The value at `path` in `values`. */
function valueAt(values: unknown, path: ValuesPath): unknown {
  return path.reduce<unknown>((cur, k) => (isMapping(cur) ? cur[k] : undefined), values);
}

/** Whether the raw file data has a value at `field` (a typed field the file uses, not a default). */
function uses(data: unknown, field: readonly (string | readonly string[])[]): boolean {
  let cur = data;
  for (const k of field) {
    if (!isMapping(cur)) return false;
    const key = k as string;
    if (!Object.hasOwn(cur, key) || cur[key] === undefined) return false;
    cur = cur[key];
  }
  return true;
}

/**
 * The problems of a file's `values` (`values`: the parsed mapping; `data`: the whole file as
 * written, to see which typed fields it uses; `field`: where `values` is, e.g.
 * `jupyterhub.values`; `secretsFile`: where secrets go). One problem per offending leaf.
 */
export function valuesProblems(values: Record<string, unknown>, data: unknown, owners: readonly ValueOwner[], options: { readonly secretsFile?: string } = {}): ValuesProblem[] {
  const used = owners.filter((o) => uses(data, o.field));
  const secretRows = (SECRET_FIELDS as readonly SecretField[]).flatMap((f) => f.values.map((path) => ({ path, field: fieldName(f) })));
  const secrets = [...secretRows, ...OLDER_SECRET_PATHS];
  const problems: ValuesProblem[] = [];
  for (const leaf of leafPaths(values)) {
    const empty = isMapping(valueAt(values, leaf));
    const secret = secrets.find((s) => touches(leaf, s.path, empty));
    if (secret !== undefined || CREDENTIAL_KEY.test(leaf[leaf.length - 1] ?? '')) {
      const where = options.secretsFile ?? 'the secrets file';
      problems.push({
        path: leaf,
        message: 'is a secret: secrets never go in values (this file is committed in clear)',
        fix: secret !== undefined ? `put it in ${where} as ${secret.field} (jhm secrets creates the file)` : `jhm has no secrets-file field for it; remove it here`,
      });
      continue;
    }
    const owner = used.find((o) => o.values.some((p) => touches(leaf, p, empty)));
    if (owner !== undefined) {
      const name = owner.field.join('.');
      const set = owner.values.find((p) => touches(leaf, p, empty))!.join('.');
      problems.push({ path: leaf, message: `${set} is set by ${name}: use that field`, fix: `remove it from values, or change ${name}` });
    }
  }
  return problems;
}

/** Whether `v` is a mapping (not a list, not null). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A file's raw chart values as the model carries them: the values, the field they are in, the
 * file, and the line of each path inside them (for errors found when the chart is rendered).
 */
export interface ChartValuesInput {
  readonly values: Readonly<Record<string, unknown>>;
  /** The field, e.g. `jupyterhub.values`. */
  readonly field: string;
  /** The file the values are in. */
  readonly source: string;
  /** Line of each path inside `values` (`JSON.stringify` of the path), where the YAML says it. */
  readonly lines: Readonly<Record<string, number>>;
}

/** {@link ChartValuesInput} of `values` at `field` (a path) in `source`, with lines from `locate`. */
export function chartValuesInput(values: Record<string, unknown>, field: readonly string[], source: string, locate?: (path: readonly PropertyKey[]) => number | undefined): ChartValuesInput {
  const lines: Record<string, number> = {};
  const visit = (v: unknown, at: string[]): void => {
    const line = locate?.([...field, ...at]);
    if (line !== undefined) lines[JSON.stringify(at)] = line;
    if (isMapping(v)) for (const [k, x] of Object.entries(v)) visit(x, [...at, k]);
  };
  if (locate) visit(values, []);
  return { values, field: field.join('.'), source, lines };
}

/** The line of `path` in `input`, or of its nearest ancestor the file has. */
export function lineOfValuesPath(input: ChartValuesInput, path: readonly string[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = input.lines[JSON.stringify(path.slice(0, n))];
    if (line !== undefined) return line;
  }
  return undefined;
}
