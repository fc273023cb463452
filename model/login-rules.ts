/**
 * Hubs that people can actually use: warnings (`jhm validate`, `jhm synth`; errors under
 * `jhm synth --strict`) for a hub nobody can log in to and for values left as placeholders.
 *
 * - A GitHub-login hub with no admin, no allowed user and no allowed organization lets nobody in:
 *   OAuthenticator refuses every user, and without an admin nobody can add one from the admin
 *   panel. (The dummy authenticator lets anyone in; its own rule, `checkDummyAuth` in
 *   `hub-schema.ts`, keeps it to reserved test domains.)
 * - A placeholder (`set-me-…`, `changeme`, `<client id>`, `your-github-user`, …) deploys a hub
 *   that cannot work: GitHub refuses the client id, the keypair does not exist. What counts as
 *   one is `placeholders.ts`; `jhm init` refuses them too.
 */
import { Diagnostic, warning } from './diagnostics';
import { quote } from './errors';
import { Cluster, settingsKey } from './cluster';
import { Hub } from './hub';
import { allClusters } from './hub-set';
import { isPlaceholder } from './placeholders';

/** A value of a file and the field that sets it. */
interface FieldValue {
  readonly field: string;
  readonly value: string | undefined;
}

/** The values a person types into a hub file (login), with their fields. */
function hubFields(hub: Hub): FieldValue[] {
  const auth = hub.jupyterhub.auth;
  if (auth.type !== 'github') return [];
  const list = (key: 'adminUsers' | 'allowedUsers' | 'allowedOrganizations') => auth[key].map((value, i) => ({ field: `jupyterhub.auth.${key}[${i}]`, value }));
  return [{ field: 'jupyterhub.auth.clientId', value: auth.clientId }, ...list('adminUsers'), ...list('allowedUsers'), ...list('allowedOrganizations')];
}

/** The values a person types into a cluster's settings (its file, or a legacy hub file), with their fields. */
function clusterFields(cluster: Cluster): FieldValue[] {
  return [
    { field: 'cloud.name', value: cluster.cloud.name },
    { field: `${settingsKey(cluster)}.keypair`, value: cluster.magnum.keypair },
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
  if (auth.type !== 'github' || auth.adminUsers.length + auth.allowedUsers.length + auth.allowedOrganizations.length > 0) return undefined;
  return warning('nobody can log in to this hub: GitHub login with no admin, no allowed user and no allowed organization', {
    file: hub.source,
    field: 'jupyterhub.auth',
    fix: 'add your GitHub user to adminUsers, or an organization to allowedOrganizations',
  });
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
