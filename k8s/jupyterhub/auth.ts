/**
 * How users log in: `hub.config` (and, for groups from GitHub teams or CILogon claims, one
 * `hub.extraConfig` entry) for JupyterHub's authenticator.
 *
 * The option names are those of the hub image of zero-to-jupyterhub 4.4.0 ({@link HUB_IMAGE}):
 * oauthenticator 17.4 (`allowed_users`, `admin_users`, `allowed_organizations`,
 * `allow_existing_users`, `manage_groups`, `allowed_groups`, `admin_groups`,
 * `auth_state_groups_key`, CILogon's `idps`, which replaced `allowed_idps` in 17.4), on
 * JupyterHub 5.5; authenticators are named by their entry points (`github`, `cilogon`,
 * `generic-oauth`, `dummy`).
 */
import type { Hub } from '../../model/hub';
import { GROUPS_EXTRA_CONFIG_KEY } from '../../model/chart-values';
import { SECRET_SLOT, SecretSlot } from '../../model/secret-fields';

/**
 * The versions in the hub image of the pinned chart (quay.io/jupyterhub/k8s-hub:4.4.0), as its
 * frozen `images/hub/requirements.txt` of zero-to-jupyterhub-k8s 4.4.0 pins them. The option
 * names below follow these versions; a chart update that changes them must check the names.
 */
export const HUB_IMAGE = {
  chart: '4.4.0',
  jupyterhub: '5.5.0',
  oauthenticator: '17.4.0',
  kubespawner: '7.0.0',
} as const;

type Auth = Hub['jupyterhub']['auth'];

/** Options every OAuthenticator of jhm gets, in this order. `client_secret` is a secret, placed by `placeSecrets`. */
type OAuthBase = {
  readonly client_id: string;
  readonly client_secret: SecretSlot;
  readonly oauth_callback_url: string;
};

/** Group management (oauthenticator >= 17): the user's groups, renewed at every login. */
type ManagedGroups = {
  readonly manage_groups?: true;
  readonly auth_state_groups_key?: string;
  readonly allowed_groups?: string[];
  readonly admin_groups?: string[];
};

/** `hub.config.GitHubOAuthenticator`. */
export type GitHubOAuthenticatorConfig = OAuthBase & {
  readonly allowed_users: string[];
  readonly admin_users: string[];
  readonly allowed_organizations: string[];
  readonly allow_existing_users: boolean;
  /** `read:org`, when organizations or teams are used: without it GitHub reports public memberships only. */
  readonly scope?: string[];
  /** Teams as groups: the teams are fetched into the auth state, and a callable (`hub.extraConfig`) names them. */
  readonly populate_teams_in_auth_state?: true;
} & ManagedGroups;

/** One identity provider of `hub.config.CILogonOAuthenticator.idps` (oauthenticator's `cilogon-schema.yaml`). */
export type CILogonIdp = {
  readonly username_derivation: { readonly username_claim: string; readonly action?: 'strip_idp_domain' | 'prefix'; readonly domain?: string; readonly prefix?: string };
  readonly allow_all?: true;
  readonly allowed_domains?: string[];
  readonly default?: true;
};

/** `hub.config.CILogonOAuthenticator`. */
export type CILogonOAuthenticatorConfig = OAuthBase & {
  readonly idps: Record<string, CILogonIdp>;
  readonly allowed_users: string[];
  readonly admin_users: string[];
  readonly allow_existing_users: boolean;
} & ManagedGroups;

/** `hub.config.GenericOAuthenticator`. */
export type GenericOAuthenticatorConfig = OAuthBase & {
  readonly login_service: string;
  readonly authorize_url: string;
  readonly token_url: string;
  readonly userdata_url: string;
  readonly scope: string[];
  readonly username_claim: string;
  readonly allowed_users: string[];
  readonly admin_users: string[];
  readonly allow_existing_users: boolean;
} & ManagedGroups;

/** The authenticator part of `hub.config`. */
export type AuthConfig = {
  readonly JupyterHub: { readonly authenticator_class: 'github' | 'cilogon' | 'generic-oauth' | 'dummy' };
  readonly GitHubOAuthenticator?: GitHubOAuthenticatorConfig;
  readonly CILogonOAuthenticator?: CILogonOAuthenticatorConfig;
  readonly GenericOAuthenticator?: GenericOAuthenticatorConfig;
};

/** The authenticator's configuration: `hub.config` entries, and `hub.extraConfig` entries when groups need Python. */
export interface AuthValues {
  readonly config: AuthConfig;
  /** `hub.extraConfig` entries, by name (absent when none is needed). */
  readonly extraConfig?: Readonly<Record<string, string>>;
}

/** What the authenticator configuration is made from. */
export interface AuthProps {
  /** How users log in (`hub.jupyterhub.auth`). */
  readonly auth: Auth;
  /** The OAuth callback URL (`hub.oauthCallbackUrl`). */
  readonly oauthCallbackUrl: string;
}

/** The `hub.extraConfig` key of the groups Python (its home is the ownership table of chart values). */
export { GROUPS_EXTRA_CONFIG_KEY };

/**
 * GitHub: each team of the user (`auth_state["teams"]`, GitHub's "list teams for the
 * authenticated user") becomes the group `org:team`, lower-case (org logins keep GitHub's case,
 * team slugs are lower-case already).
 */
const GITHUB_TEAM_GROUPS = [
  '# jhm: each GitHub team of the user becomes the JupyterHub group "org:team" (lower-case).',
  'c.GitHubOAuthenticator.auth_state_groups_key = lambda auth_state: [',
  '    f"{team[\'organization\'][\'login\']}:{team[\'slug\']}".lower() for team in auth_state.get("teams") or []',
  ']',
  '',
].join('\n');

/**
 * CILogon: the values of one claim of the user info become the groups: a list (`isMemberOf`) as
 * it is, a string (`affiliation`, "member@uni.edu;faculty@uni.edu") split at ";".
 */
function cilogonClaimGroups(claim: string): string {
  // The claim is a plain name (the hub schema's `claim` rule); JSON quoting is a Python string literal for it.
  return [
    `# jhm: the values of the CILogon claim ${claim} become the user's JupyterHub groups.`,
    'def _jhm_claim_groups(auth_state):',
    `    value = (auth_state.get("cilogon_user") or {}).get(${JSON.stringify(claim)})`,
    '    if isinstance(value, str):',
    '        return [group for group in value.split(";") if group]',
    '    return list(value or [])',
    '',
    'c.CILogonOAuthenticator.auth_state_groups_key = _jhm_claim_groups',
    '',
  ].join('\n');
}

/**
 * The authenticator configuration:
 * - `github`: GitHub OAuth with the client id from the hub file, the callback `oauthCallbackUrl`
 *   and the hub file's allow/admin lists (organizations and `org:team` in
 *   `allowed_organizations`); with `adminTeams` or `teamGroups`, the user's teams become groups
 *   (`manage_groups`, the teams fetched into the auth state, named by a callable in
 *   `hub.extraConfig`) and `adminTeams` are `admin_groups`.
 * - `cilogon`: CILogon with the identity providers as `idps` (each with its username claim and
 *   domain or prefix), groups from `groupsClaim` when set.
 * - `generic`: any OAuth2/OIDC provider by its endpoints; groups from a list claim of the user
 *   info (`auth_state_groups_key: oauth_user.<claim>`, no Python).
 * - `dummy` (test zones only, enforced by the hub schema): JupyterHub's DummyAuthenticator, which
 *   lets any user name in (JupyterHub 5 keeps `allow_all` on for it when no user list is set).
 *
 * Every client secret's place is reserved (`SECRET_SLOT`) for `placeSecrets`, which puts the value
 * from the secrets file there.
 */
export function authValues(props: AuthProps): AuthValues {
  const { auth, oauthCallbackUrl } = props;
  switch (auth.type) {
    case 'dummy':
      return { config: { JupyterHub: { authenticator_class: 'dummy' } } };
    case 'github': {
      const teams = auth.adminTeams.length > 0 || auth.teamGroups;
      const config: GitHubOAuthenticatorConfig = {
        client_id: auth.clientId,
        client_secret: SECRET_SLOT,
        oauth_callback_url: oauthCallbackUrl,
        allowed_users: [...auth.allowedUsers],
        admin_users: [...auth.adminUsers],
        allowed_organizations: [...auth.allowedOrganizations],
        allow_existing_users: auth.allowExistingUsers,
        ...(auth.allowedOrganizations.length > 0 || teams ? { scope: ['read:org'] } : {}),
        ...(teams
          ? {
              populate_teams_in_auth_state: true as const,
              manage_groups: true as const,
              ...(auth.adminTeams.length > 0 ? { admin_groups: auth.adminTeams.map((t) => t.toLowerCase()) } : {}),
            }
          : {}),
      };
      return { config: { JupyterHub: { authenticator_class: 'github' }, GitHubOAuthenticator: config }, ...(teams ? { extraConfig: { [GROUPS_EXTRA_CONFIG_KEY]: GITHUB_TEAM_GROUPS } } : {}) };
    }
    case 'cilogon': {
      const config: CILogonOAuthenticatorConfig = {
        client_id: auth.clientId,
        client_secret: SECRET_SLOT,
        oauth_callback_url: oauthCallbackUrl,
        idps: Object.fromEntries(auth.identityProviders.map((p) => [p.entityId, cilogonIdp(p)])),
        allowed_users: [...auth.allowedUsers],
        admin_users: [...auth.adminUsers],
        allow_existing_users: auth.allowExistingUsers,
        ...groupLists(auth),
      };
      return {
        config: { JupyterHub: { authenticator_class: 'cilogon' }, CILogonOAuthenticator: config },
        ...(auth.groupsClaim !== undefined ? { extraConfig: { [GROUPS_EXTRA_CONFIG_KEY]: cilogonClaimGroups(auth.groupsClaim) } } : {}),
      };
    }
    case 'generic': {
      const config: GenericOAuthenticatorConfig = {
        client_id: auth.clientId,
        client_secret: SECRET_SLOT,
        oauth_callback_url: oauthCallbackUrl,
        login_service: auth.loginService,
        authorize_url: auth.authorizeUrl,
        token_url: auth.tokenUrl,
        userdata_url: auth.userdataUrl,
        scope: [...auth.scope],
        username_claim: auth.usernameClaim,
        allowed_users: [...auth.allowedUsers],
        admin_users: [...auth.adminUsers],
        allow_existing_users: auth.allowExistingUsers,
        ...(auth.groupsClaim !== undefined ? { auth_state_groups_key: `oauth_user.${auth.groupsClaim}` } : {}),
        ...groupLists(auth),
      };
      return { config: { JupyterHub: { authenticator_class: 'generic-oauth' }, GenericOAuthenticator: config } };
    }
  }
}

/** `authValues(props).config` (the `hub.config` part alone). */
export function authConfig(props: AuthProps): AuthConfig {
  return authValues(props).config;
}

/** `manage_groups` and the group lists, when the groups come from a claim. */
function groupLists(auth: { groupsClaim?: string; allowedGroups: readonly string[]; adminGroups: readonly string[] }): ManagedGroups {
  if (auth.groupsClaim === undefined) return {};
  return {
    manage_groups: true,
    ...(auth.allowedGroups.length > 0 ? { allowed_groups: [...auth.allowedGroups] } : {}),
    ...(auth.adminGroups.length > 0 ? { admin_groups: [...auth.adminGroups] } : {}),
  };
}

/** One identity provider as oauthenticator's `idps` entry. */
function cilogonIdp(p: Extract<Auth, { type: 'cilogon' }>['identityProviders'][number]): CILogonIdp {
  const action = p.stripDomain !== undefined ? { action: 'strip_idp_domain' as const, domain: p.stripDomain } : p.prefix !== undefined ? { action: 'prefix' as const, prefix: p.prefix } : {};
  return {
    username_derivation: { username_claim: p.usernameClaim, ...action },
    ...(p.allowAll ? { allow_all: true as const } : {}),
    ...(p.allowedDomains.length > 0 ? { allowed_domains: [...p.allowedDomains] } : {}),
    ...(p.default ? { default: true as const } : {}),
  };
}
