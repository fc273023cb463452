/**
 * Which chart values are secret, so callers can route, redact or check them: the paths of
 * `SECRET_FIELDS` (`model/secret-fields.ts`). After rendering, z2jh 4.4.0 puts every one of them
 * in a single object: the `hub` Secret (v1) of the release namespace, under its `values.yaml` key
 * (the values document, base64-encoded as a whole; after `readable-values.ts` only the secret
 * values, the others being in the ConfigMap `hub-values`) and, for the generated tokens, also
 * under `hub.config.ConfigurableHTTPProxy.auth_token`, `hub.config.JupyterHub.cookie_secret` and
 * `hub.config.CryptKeeper.keys` (the keys joined by `;`). Other objects only carry digests of them
 * (`checksum/*` annotations of the hub and proxy pods).
 */
import { SECRET_VALUE_PATHS } from '../../model/secret-fields';
import { valueAt } from '../../base/object-path';

/** Paths of the secret values in `jupyterhubValues` output (a path may be absent, e.g. for dummy auth). */
export const JUPYTERHUB_SECRET_VALUE_PATHS: readonly (readonly string[])[] = SECRET_VALUE_PATHS;

/** What redacted values show instead of a secret. */
export const REDACTED = '<redacted>';

/** The secret paths present in `values`, dotted (e.g. `hub.config.CryptKeeper.keys`). */
export function secretValuePaths(values: Record<string, unknown>): string[] {
  return JUPYTERHUB_SECRET_VALUE_PATHS.filter((p) => valueAt(values, p) !== undefined).map((p) => p.join('.'));
}

/**
 * A deep copy of `values` with every secret replaced by `REDACTED` (each list item of a secret
 * list too), for logs, error messages and diffs.
 */
export function redactSecretValues(values: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(values);
  for (const p of JUPYTERHUB_SECRET_VALUE_PATHS) {
    const parent = valueAt(copy, p.slice(0, -1));
    const key = p[p.length - 1];
    if (parent === null || typeof parent !== 'object' || !(key in parent)) continue;
    const obj = parent as Record<string, unknown>;
    obj[key] = Array.isArray(obj[key]) ? (obj[key] as unknown[]).map(() => REDACTED) : REDACTED;
  }
  return copy;
}

