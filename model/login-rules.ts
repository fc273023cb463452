/**
 * Hubs that people can actually use: warnings (`jhm validate`, `jhm synth`; errors under
 * `jhm synth --strict`) for a hub nobody can log in to and for values left as placeholders.
 *
 * - A GitHub-login hub with no admin, no allowed user and no allowed organization lets nobody in:
 *   OAuthenticator refuses every user, and without an admin nobody can add one from the admin
 *   panel. (The dummy authenticator lets anyone in; its own rule, `checkDummyAuth` in
 *   `hub-schema.ts`, keeps it to reserved test domains.)
 * - A placeholder (`set-me-…`, `changeme`, `<client id>`, `your-github-user`, …) deploys a hub
 *   that cannot work: GitHub refuses the client id, the nodes' OpenStack key pair does not exist. What counts as
 *   one is `placeholders.ts`; `jhm init` refuses them too.
 */
import { Diagnostic, warning } from './diagnostics';
import { quote } from './errors';
import { Cluster } from './cluster';
import { Hub } from './hub';
import { allClusters } from './hub-set';
import { isPlaceholder } from './placeholders';
import { CLUSTER_FIELDS, MagnumField } from './magnum-fields';

/** A value of a file and the field that sets it. */
interface FieldValue {
  readonly field: string;
  readonly value: string | undefined;
}

/** The values a person types into a hub file (login), with their fields. */
function hubFields(hub: Hub): FieldValue[] {
  const auth = hub.jupyterhub.auth;
  if (auth.type === 'dummy') return [];
  const list = (key: string, values: readonly string[]) => values.map((value, i) => ({ field: `jupyterhub.auth.${key}[${i}]`, value }));
  const orgs = auth.type === 'github' ? list('allowedOrganizations', auth.allowedOrganizations) : [];
  return [{ field: 'jupyterhub.auth.clientId', value: auth.clientId }, ...list('adminUsers', auth.adminUsers), ...list('allowedUsers', auth.allowedUsers), ...orgs];
}

/** The Magnum settings a person chooses for a new file: the rows `jhm init` sets from an option of its own. */
const CHOSEN_SETTINGS = Object.entries(CLUSTER_FIELDS as Readonly<Record<string, MagnumField>>)
  .filter(([, row]) => row.template?.line === 'option')
  .map(([field]) => field as keyof Cluster['magnum']);

/** The values a person types into a cluster's settings (its cluster file, or the hub file that defines it), with their fields. */
function clusterFields(cluster: Cluster): FieldValue[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return [
    { field: 'cloud.name', value: cluster.cloud.name },
    ...CHOSEN_SETTINGS.map((f) => ({ field: `${cluster.naming.fieldPrefix}.${f}`, value: text(cluster.magnum[f]) })),
    { field: 'dns.zone', value: cluster.zone },
    { field: 'letsEncrypt.email', value: cluster.letsEncryptEmail },
  ];
}

function placeholderWarnings(source: string, fields: readonly FieldValue[]): Diagnostic[] {
  return fields
    .filter((f): f is { field: string; value: string } => f.value !== undefined && isPlaceholder(f.value))
    .map((f) => warning(`${quote(f.value)} is a placeholder, not a real value`, { file: source, field: f.field, fix: 'set the real value before deploying' }));
}

/** The warning for a hub nobody can log in to, if it is one. */
function loginWarning(hub: Hub): Diagnostic | undefined {
  const auth = hub.jupyterhub.auth;
  if (auth.type === 'dummy' || auth.adminUsers.length + auth.allowedUsers.length > 0) return undefined;
  const place = { file: hub.source, field: 'jupyterhub.auth' };
  switch (auth.type) {
    case 'github':
      if (auth.allowedOrganizations.length + auth.adminTeams.length > 0) return undefined;
      return warning('nobody can log in to this hub: GitHub login with no admin, no allowed user and no allowed organization', {
        ...place,
        fix: 'add your GitHub user to adminUsers, or an organization to allowedOrganizations',
      });
    case 'cilogon':
      if (auth.allowedGroups.length + auth.adminGroups.length > 0 || auth.identityProviders.some((p) => p.allowAll || p.allowedDomains.length > 0)) return undefined;
      return warning('nobody can log in to this hub: CILogon login with no admin, no allowed user or group, and no identity provider with allowAll or allowedDomains', {
        ...place,
        fix: 'add your user name to adminUsers, or allowedDomains to an identity provider',
      });
    case 'generic':
      if (auth.allowedGroups.length + auth.adminGroups.length > 0) return undefined;
      return warning('nobody can log in to this hub: OAuth login with no admin, no allowed user and no allowed group', { ...place, fix: 'add your user name to adminUsers, or a group to allowedGroups' });
  }
}

/** Warnings about hubs nobody can log in to and placeholder values, of every hub and cluster given. */
export function loginWarnings(hubs: readonly Hub[], clusterFiles: readonly Cluster[]): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const c of allClusters(hubs, clusterFiles)) warnings.push(...placeholderWarnings(c.source, clusterFields(c)));
  for (const h of hubs) {
    const login = loginWarning(h);
    if (login) warnings.push(login);
    warnings.push(...placeholderWarnings(h.source, hubFields(h)));
  }
  return warnings;
}
