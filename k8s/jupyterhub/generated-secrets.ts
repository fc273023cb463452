/**
 * The values that zero-to-jupyterhub 4.4.0 generates at random when they are not given (see its
 * `templates/hub/_helpers-passwords.tpl`): passed in from the secrets file so that rendering the
 * chart twice gives the same bytes.
 *
 * | value                                        | chart fallback                  |
 * | -------------------------------------------- | ------------------------------- |
 * | `hub.config.ConfigurableHTTPProxy.auth_token` | `proxy.secretToken`, else random |
 * | `hub.config.JupyterHub.cookie_secret`        | `hub.cookieSecret`, else random  |
 * | `hub.config.CryptKeeper.keys`                | random                          |
 * | `hub.services.<name>.api_token`              | random, per service             |
 *
 * This tool registers no `hub.services` (the idle culler is a JupyterHub-managed service whose
 * token JupyterHub creates itself), so only the first three apply. Each is set under `hub.config`,
 * the chart's first choice, rather than through the older `proxy.secretToken`/`hub.cookieSecret`.
 */
import type { HubSecrets } from '../../config/secrets';

/** The generated-secret part of `hub.config`. Every value here is a secret. */
export type GeneratedSecretsConfig = {
  readonly ConfigurableHTTPProxy: { readonly auth_token: string };
  readonly JupyterHub: { readonly cookie_secret: string };
  readonly CryptKeeper: { readonly keys: string[] };
};

export function generatedSecretsConfig(secrets: HubSecrets): GeneratedSecretsConfig {
  return {
    ConfigurableHTTPProxy: { auth_token: secrets.jupyterhub.proxySecretToken },
    JupyterHub: { cookie_secret: secrets.jupyterhub.cookieSecret },
    CryptKeeper: { keys: [...secrets.jupyterhub.cryptKeeperKeys] },
  };
}
