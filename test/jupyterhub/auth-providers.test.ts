/**
 * Logins beside GitHub (CILogon, generic OAuth2/OIDC), GitHub teams for access and admins, and
 * JupyterHub groups from the login: the hub file's fields, the `hub.config` the z2jh 4.4.0 hub
 * image reads (oauthenticator 17.4, JupyterHub 5.5: `HUB_IMAGE`), the client secrets' places, and
 * the Python jhm adds for groups, run with python3 (skipped with one line where there is none).
 */
import { spawnSync } from 'child_process';
import { GROUPS_EXTRA_CONFIG_KEY, HUB_IMAGE } from '../../k8s/jupyterhub/auth';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { UserErrors } from '../../model/errors';
import { loginWarnings } from '../../model/login-rules';
import type { HubSecrets } from '../../model/secret-fields';
import { ensureSecrets, loadSecrets } from '../../project/secrets';
import { at, dummyHub, exampleWith, FAKE_SECRETS, tempRoot, z2jhSchema, z2jhSchemaErrors } from './support';

const CILOGON = {
  type: 'cilogon',
  clientId: 'cilogon:/client_id/not-a-real-client',
  identityProviders: [
    { entityId: 'https://github.com/login/oauth/authorize', usernameClaim: 'preferred_username', prefix: 'github' },
    { entityId: 'urn:mace:incommon:iu.edu', stripDomain: 'iu.edu', allowedDomains: ['iu.edu'], default: true },
  ],
  adminUsers: ['instructor'],
  groupsClaim: 'affiliation',
  adminGroups: ['faculty@iu.edu'],
};

const GENERIC = {
  type: 'generic',
  clientId: 'jupyterhub',
  loginService: 'Keycloak',
  authorizeUrl: 'https://sso.example.org/realms/course/protocol/openid-connect/auth',
  tokenUrl: 'https://sso.example.org/realms/course/protocol/openid-connect/token',
  userdataUrl: 'https://sso.example.org/realms/course/protocol/openid-connect/userinfo',
  groupsClaim: 'groups',
  allowedGroups: ['students'],
  adminGroups: ['instructors'],
};

const cilogonSecrets: HubSecrets = { ...FAKE_SECRETS, github: {}, cilogon: { clientSecret: 'not-a-real-secret' } };
const genericSecrets: HubSecrets = { ...FAKE_SECRETS, github: {}, generic: { clientSecret: 'not-a-real-secret' } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hubWithAuth = (auth: any) => exampleWith((i) => (i.jupyterhub.auth = auth));

/** The hub file's errors for `auth`, as `field: message` lines. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function authErrors(auth: any): string[] {
  try {
    hubWithAuth(auth);
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((d) => `${d.field}: ${d.message}`);
    throw e;
  }
  return [];
}

const python = spawnSync('python3', ['--version']).status === 0;
const withPython = python ? test : test.skip;
if (!python) console.log('skipped: the groups Python of hub.extraConfig is run with python3, which is not on PATH; install python3 to run it');

/**
 * Runs `code` as z2jh runs `hub.extraConfig` (with `c`, the traitlets config), then the
 * `auth_state_groups_key` callable it set on `cls` with `authState`; returns the sorted groups.
 */
function groupsFromExtraConfig(code: string, cls: string, authState: unknown): string[] {
  const script = [
    'import json, sys',
    'class Section(dict):',
    '    def __getattr__(self, k): return self[k]',
    '    def __setattr__(self, k, v): self[k] = v',
    'class Config(dict):',
    '    def __getattr__(self, k): return self.setdefault(k, Section())',
    'c = Config()',
    'exec(sys.stdin.read().split("\\0")[0])',
    `groups = c[${JSON.stringify(cls)}]["auth_state_groups_key"](json.loads(sys.argv[1]))`,
    'print(json.dumps(sorted(set(groups))))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, JSON.stringify(authState)], { input: `${code}\0`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

describe('authentication beside GitHub', () => {
  test(`rule: the option names follow the hub image of z2jh ${HUB_IMAGE.chart} (oauthenticator ${HUB_IMAGE.oauthenticator}, JupyterHub ${HUB_IMAGE.jupyterhub})`, () => {
    expect(HUB_IMAGE).toEqual({ chart: '4.4.0', jupyterhub: '5.5.0', oauthenticator: '17.4.0', kubespawner: '7.0.0' });
  });

  test('rule: cilogon renders the cilogon authenticator with its identity providers as idps, each with its username claim and action', () => {
    const values = jupyterhubValues(hubWithAuth(CILOGON), cilogonSecrets);
    expect(at(values, ['hub', 'config', 'JupyterHub', 'authenticator_class'])).toBe('cilogon');
    const config = at(values, ['hub', 'config', 'CILogonOAuthenticator']);
    expect(config).toEqual({
      client_id: 'cilogon:/client_id/not-a-real-client',
      client_secret: 'not-a-real-secret',
      oauth_callback_url: 'https://example.ees220002.projects.jetstream-cloud.org/hub/oauth_callback',
      idps: {
        'https://github.com/login/oauth/authorize': { username_derivation: { username_claim: 'preferred_username', action: 'prefix', prefix: 'github' } },
        'urn:mace:incommon:iu.edu': { username_derivation: { username_claim: 'email', action: 'strip_idp_domain', domain: 'iu.edu' }, allowed_domains: ['iu.edu'], default: true },
      },
      allowed_users: [],
      admin_users: ['instructor'],
      allow_existing_users: true,
      manage_groups: true,
      admin_groups: ['faculty@iu.edu'],
    });
    expect(at(values, ['hub', 'config', 'GitHubOAuthenticator'])).toBeUndefined();
  });

  test('rule: generic renders the generic-oauth authenticator with its endpoints, claims and groups from a list claim (no Python)', () => {
    const values = jupyterhubValues(hubWithAuth(GENERIC), genericSecrets);
    expect(at(values, ['hub', 'config', 'JupyterHub', 'authenticator_class'])).toBe('generic-oauth');
    expect(at(values, ['hub', 'config', 'GenericOAuthenticator'])).toEqual({
      client_id: 'jupyterhub',
      client_secret: 'not-a-real-secret',
      oauth_callback_url: 'https://example.ees220002.projects.jetstream-cloud.org/hub/oauth_callback',
      login_service: 'Keycloak',
      authorize_url: GENERIC.authorizeUrl,
      token_url: GENERIC.tokenUrl,
      userdata_url: GENERIC.userdataUrl,
      scope: ['openid', 'profile', 'email'],
      username_claim: 'preferred_username',
      allowed_users: [],
      admin_users: [],
      allow_existing_users: true,
      auth_state_groups_key: 'oauth_user.groups',
      manage_groups: true,
      allowed_groups: ['students'],
      admin_groups: ['instructors'],
    });
    expect(at(values, ['hub', 'extraConfig'])).toBeUndefined();
  });

  z2jhSchema.test('rule: the CILogon, generic and GitHub-teams values are accepted by the z2jh 4.4.0 values schema', () => {
    expect(z2jhSchemaErrors(jupyterhubValues(hubWithAuth(CILOGON), cilogonSecrets))).toEqual([]);
    expect(z2jhSchemaErrors(jupyterhubValues(hubWithAuth(GENERIC), genericSecrets))).toEqual([]);
    const teams = exampleWith((i) => Object.assign(i.jupyterhub.auth, { adminTeams: ['my-course:instructors'] }));
    expect(z2jhSchemaErrors(jupyterhubValues(teams, FAKE_SECRETS))).toEqual([]);
  });

  test('rule: org:team in allowedOrganizations gives access (read:org asked), adminTeams are admin groups from the user\'s teams', () => {
    const hub = exampleWith((i) => Object.assign(i.jupyterhub.auth, { allowedOrganizations: ['my-course:students'], adminTeams: ['My-Course:instructors'] }));
    const values = jupyterhubValues(hub, FAKE_SECRETS);
    const gh = at(values, ['hub', 'config', 'GitHubOAuthenticator']) as Record<string, unknown>;
    expect(gh.allowed_organizations).toEqual(['my-course:students']);
    expect(gh.scope).toEqual(['read:org']);
    expect(gh).toMatchObject({ populate_teams_in_auth_state: true, manage_groups: true, admin_groups: ['my-course:instructors'] });
    expect(Object.keys(at(values, ['hub', 'extraConfig']) as object)).toEqual([GROUPS_EXTRA_CONFIG_KEY]);
  });

  test('rule: without teams or groups, a GitHub hub gets no group management and no extraConfig', () => {
    const values = jupyterhubValues(exampleWith(() => undefined), FAKE_SECRETS);
    expect(at(values, ['hub', 'config', 'GitHubOAuthenticator', 'manage_groups'])).toBeUndefined();
    expect(at(values, ['hub', 'extraConfig'])).toBeUndefined();
  });

  withPython('rule: the GitHub teams Python names each team of the auth state "org:team", lower-case', () => {
    const hub = exampleWith((i) => Object.assign(i.jupyterhub.auth, { teamGroups: true }));
    const code = at(jupyterhubValues(hub, FAKE_SECRETS), ['hub', 'extraConfig', GROUPS_EXTRA_CONFIG_KEY]) as string;
    const teams = [{ slug: 'instructors', organization: { login: 'My-Course' } }, { slug: 'ta', organization: { login: 'other' } }];
    expect(groupsFromExtraConfig(code, 'GitHubOAuthenticator', { teams })).toEqual(['my-course:instructors', 'other:ta']);
    expect(groupsFromExtraConfig(code, 'GitHubOAuthenticator', {})).toEqual([]);
  });

  withPython('rule: the CILogon groups Python splits a ";"-separated claim (affiliation) and keeps a list claim (isMemberOf)', () => {
    const code = (claim: string) => at(jupyterhubValues(hubWithAuth({ ...CILOGON, groupsClaim: claim }), cilogonSecrets), ['hub', 'extraConfig', GROUPS_EXTRA_CONFIG_KEY]) as string;
    expect(groupsFromExtraConfig(code('affiliation'), 'CILogonOAuthenticator', { cilogon_user: { affiliation: 'member@iu.edu;faculty@iu.edu' } })).toEqual(['faculty@iu.edu', 'member@iu.edu']);
    expect(groupsFromExtraConfig(code('isMemberOf'), 'CILogonOAuthenticator', { cilogon_user: { isMemberOf: ['CO:COU:course:members:active'] } })).toEqual(['CO:COU:course:members:active']);
    expect(groupsFromExtraConfig(code('isMemberOf'), 'CILogonOAuthenticator', { cilogon_user: {} })).toEqual([]);
  });

  test('rule: a CILogon or generic hub nobody can log in to is warned about; a user, a group or an open identity provider lets someone in', () => {
    const nobody = (auth: object) => loginWarnings([hubWithAuth(auth)], []).filter((w) => w.message.startsWith('nobody can log in')).map((w) => w.message);
    const { adminUsers: _a, adminGroups: _g, ...cilogonNobody } = CILOGON;
    expect(nobody({ ...cilogonNobody, identityProviders: [{ entityId: 'urn:mace:incommon:iu.edu' }] })).toEqual([expect.stringContaining('CILogon login')]);
    expect(nobody(cilogonNobody)).toEqual([]); // a provider with allowedDomains lets its users in
    expect(nobody({ ...GENERIC, allowedGroups: [], adminGroups: [] })).toEqual([expect.stringContaining('OAuth login')]);
    expect(nobody(GENERIC)).toEqual([]);
    expect(nobody({ type: 'github', clientId: 'x', adminTeams: ['my-course:instructors'] })).toEqual([]);
  });

  test('rule: the CILogon and generic client secrets live in the secrets file like GitHub\'s: jhm secrets says which is missing, stores the one given, and a hub needs it', () => {
    for (const [auth, field] of [[CILOGON, 'cilogon.clientSecret'], [GENERIC, 'generic.clientSecret']] as const) {
      const hub = hubWithAuth(auth);
      const root = tempRoot();
      expect(ensureSecrets(root, hub).missing).toEqual([field]);
      let refused = '';
      try {
        loadSecrets(root, hub);
      } catch (e) {
        refused = (e as UserErrors).format();
      }
      expect(refused).toContain(`${field}: is not set`);
      const result = ensureSecrets(root, hub, { clientSecret: 'not-a-real-secret' });
      expect([result.created, result.missing]).toEqual([[field], []]);
      const [section] = field.split('.');
      expect((loadSecrets(root, hub) as unknown as Record<string, unknown>)[section]).toEqual({ clientSecret: 'not-a-real-secret' });
    }
    expect(() => ensureSecrets(tempRoot(), dummyHub(), { clientSecret: 'not-a-real-secret' })).toThrow('logs in with dummy, which has no client secret');
  });

  test('rule: group lists need groupsClaim; a team is "org:team"; an identity provider strips a domain or prefixes, not both', () => {
    expect(authErrors({ ...GENERIC, groupsClaim: undefined })).toEqual([
      expect.stringMatching(/^jupyterhub\.auth\.allowedGroups: needs groupsClaim/),
      expect.stringMatching(/^jupyterhub\.auth\.adminGroups: needs groupsClaim/),
    ]);
    expect(authErrors({ type: 'github', clientId: 'x', adminTeams: ['my-course'] })).toEqual([expect.stringMatching(/^jupyterhub\.auth\.adminTeams\[0\]: must be a GitHub team as "org:team"/)]);
    expect(authErrors({ ...CILOGON, identityProviders: [{ entityId: 'urn:x', stripDomain: 'x.edu', prefix: 'x' }] })).toEqual([expect.stringMatching(/^jupyterhub\.auth\.identityProviders\[0\]: sets both stripDomain and prefix/)]);
    expect(authErrors({ ...CILOGON, identityProviders: [] })).toEqual([expect.stringMatching(/^jupyterhub\.auth\.identityProviders: must list at least one/)]);
  });
});
