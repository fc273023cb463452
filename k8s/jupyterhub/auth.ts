/**
 * How users log in: `hub.config` for JupyterHub's authenticator.
 *
 * The hub image of z2jh 4.4.0 runs JupyterHub 5.5 and oauthenticator 17.4, so the option names are
 * the oauthenticator >= 16 ones (`allowed_users`, `admin_users`, `allowed_organizations`,
 * `allow_existing_users`), and authenticators are named by their entry points (`github`, `dummy`).
 */
import type { Hub } from '../../model/hub';
import { SECRET_SLOT, SecretSlot } from '../../model/secret-fields';

/** `hub.config.GitHubOAuthenticator`. `client_secret` is a secret, placed by `placeSecrets`. */
export type GitHubOAuthenticatorConfig = {
  readonly client_id: string;
  readonly client_secret: SecretSlot;
  readonly oauth_callback_url: string;
  readonly allowed_users: string[];
  readonly admin_users: string[];
  readonly allowed_organizations: string[];
  readonly allow_existing_users: boolean;
  /** `read:org`, only when organizations are allowed: without it GitHub reports public memberships only. */
  readonly scope?: string[];
};

/** The authenticator part of `hub.config`. */
export type AuthConfig = {
  readonly JupyterHub: { readonly authenticator_class: 'github' | 'dummy' };
  readonly GitHubOAuthenticator?: GitHubOAuthenticatorConfig;
};

/** What the authenticator configuration is made from. */
export interface AuthProps {
  /** How users log in (`hub.jupyterhub.auth`). */
  readonly auth: Hub['jupyterhub']['auth'];
  /** The GitHub OAuth callback URL (`hub.oauthCallbackUrl`). */
  readonly oauthCallbackUrl: string;
}

/**
 * The authenticator configuration:
 * - `github`: GitHub OAuth with the client id from the hub file, the callback `oauthCallbackUrl`
 *   and the hub file's allow/admin lists; the client secret's place is reserved (`SECRET_SLOT`)
 *   for `placeSecrets`, which puts the value from the secrets file there.
 * - `dummy` (test zones only, enforced by the hub schema): JupyterHub's DummyAuthenticator, which
 *   lets any user name in (JupyterHub 5 keeps `allow_all` on for it when no user list is set).
 */
export function authConfig(props: AuthProps): AuthConfig {
  const { auth } = props;
  if (auth.type === 'dummy') {
    return { JupyterHub: { authenticator_class: 'dummy' } };
  }
  return {
    JupyterHub: { authenticator_class: 'github' },
    GitHubOAuthenticator: {
      client_id: auth.clientId,
      client_secret: SECRET_SLOT,
      oauth_callback_url: props.oauthCallbackUrl,
      allowed_users: [...auth.allowedUsers],
      admin_users: [...auth.adminUsers],
      allowed_organizations: [...auth.allowedOrganizations],
      allow_existing_users: auth.allowExistingUsers,
      ...(auth.allowedOrganizations.length > 0 ? { scope: ['read:org'] } : {}),
    },
  };
}
