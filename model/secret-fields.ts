/**
 * The secret fields of a hub, one row each: where the field lives in `secrets/<hub>.yaml`, where
 * the zero-to-jupyterhub 4.4.0 chart values carry it, the rule its value obeys, how `jhm secrets`
 * generates it (or that the user sets it by hand) and when a hub needs it. Everything else is
 * derived from this table: the secrets file's schema and its type (`HubSecrets`), the fields
 * `jhm secrets` generates, the placeholders `dist/` is rendered with, the secret chart values
 * (`placeSecrets`), the substitution that puts the real values into the Secrets, and the leak scan.
 *
 * z2jh generates at random whatever secret it is not given (its `_helpers-passwords.tpl`), so a
 * `helm template` would differ on every run: the three generated tokens below are passed in. It
 * would also generate `hub.services.<name>.api_token`, but this tool registers no `hub.services`
 * (the idle culler is a JupyterHub-managed service whose token JupyterHub makes itself). Each token
 * is set under `hub.config`, the chart's first choice, rather than through the older
 * `proxy.secretToken` / `hub.cookieSecret`. After rendering, the chart puts them all in one
 * object, the `hub` Secret of the release namespace: its `values.yaml` key (the values document,
 * which jhm then reduces to these values alone: `k8s/jupyterhub/readable-values.ts`) and, for the
 * generated tokens, one key each (a list joined by `joinedBy`).
 */
import { randomBytes } from 'crypto';
import { z } from 'zod';
import { HOME_BACKUP_SECRET } from './storage';

/** Bytes of randomness in each generated token (z2jh and JupyterHub expect 32 bytes, hex-encoded). */
export const TOKEN_BYTES = 32;

/** A generated token: {@link TOKEN_BYTES} random bytes, hex. */
const token = (): string => randomBytes(TOKEN_BYTES).toString('hex');

const noWhitespace = /^\S+$/;
const hex32 = /^[0-9a-fA-F]{64}$/;
/** CryptKeeper accepts a 32-byte key hex-encoded (64 characters) or base64-encoded (44 characters). */
const base64Key32 = /^[A-Za-z0-9+/]{43}=$/;

/** What decides whether a hub needs a field: how its users log in, and whether its home volume is backed up. */
export interface SecretFieldHub {
  readonly jupyterhub: { readonly auth: { readonly type: string; readonly clientId?: string }; readonly storage?: { readonly type: string; readonly backup?: unknown } };
}

/** Whether `hub` backs its shared home volume up (`jupyterhub.storage.backup`). */
const backsUp = (hub: SecretFieldHub): boolean => hub.jupyterhub.storage?.backup !== undefined;

/** One secret field (see the module comment). */
export interface SecretField {
  /** Its place in `secrets/<hub>.yaml`: section, then key. */
  readonly file: readonly [section: string, key: string];
  /** Where the chart values carry it (each path is set whenever the field applies). */
  readonly values: readonly (readonly string[])[];
  /**
   * A Secret of jhm's own, in the hub's namespace, that carries it instead: the Secret's name and
   * the key (the backup CronJob's Secret, `k8s/jupyterhub/home-backup.ts`).
   * @default - none: the chart values carry it
   */
  readonly secret?: { readonly name: string; readonly key: string };
  /** The rule of one value; its messages never quote the value. */
  readonly rule: z.ZodType<string>;
  /**
   * A list of values, every one a secret (e.g. the CryptKeeper keys, the first of which
   * encrypts): `min` is the message for an empty list, `joinedBy` how the chart joins the list
   * into one string (its Secret's own key).
   * @default - one value
   */
  readonly list?: { readonly min: string; readonly joinedBy: string };
  /**
   * Makes a new value for `jhm secrets` (one list item for a list).
   * @default - none: the user sets it by hand, see `fix`
   */
  readonly generate?: () => string;
  /**
   * Whether `hub` needs the field.
   * @default - every hub
   */
  readonly when?: (hub: SecretFieldHub) => boolean;
  /** For a field set by hand: how to set it, shown when a hub needs it and it is not set. */
  readonly fix?: (hub: SecretFieldHub) => string;
  /**
   * Its section may be absent from `HubSecrets` (a section of one login's fields, which other
   * hubs never have).
   * @default false
   */
  readonly optionalSection?: boolean;
}

/** Every secret field, in file order. */
export const SECRET_FIELDS = [
  {
    file: ['github', 'clientSecret'],
    values: [['hub', 'config', 'GitHubOAuthenticator', 'client_secret']],
    rule: z
      .string()
      .min(1, 'is empty: set it to the client secret of the GitHub OAuth app')
      .regex(noWhitespace, 'must be the client secret as GitHub shows it, without spaces or line breaks'),
    when: (hub: SecretFieldHub) => hub.jupyterhub.auth.type === 'github',
    fix: (hub: SecretFieldHub) =>
      `set it to the client secret of the GitHub OAuth app ${hub.jupyterhub.auth.clientId ?? ''} (github.com > Settings > Developer settings > OAuth Apps)`,
  },
  {
    file: ['cilogon', 'clientSecret'],
    values: [['hub', 'config', 'CILogonOAuthenticator', 'client_secret']],
    rule: z
      .string()
      .min(1, 'is empty: set it to the client secret CILogon gave for the client id')
      .regex(noWhitespace, 'must be the client secret as CILogon gave it, without spaces or line breaks'),
    when: (hub: SecretFieldHub) => hub.jupyterhub.auth.type === 'cilogon',
    fix: (hub: SecretFieldHub) => `set it to the client secret CILogon gave with the client id ${hub.jupyterhub.auth.clientId ?? ''} (https://cilogon.org/oauth2/register)`,
    optionalSection: true,
  },
  {
    file: ['generic', 'clientSecret'],
    values: [['hub', 'config', 'GenericOAuthenticator', 'client_secret']],
    rule: z
      .string()
      .min(1, 'is empty: set it to the client secret of the OAuth client')
      .regex(noWhitespace, 'must be the client secret as the provider shows it, without spaces or line breaks'),
    when: (hub: SecretFieldHub) => hub.jupyterhub.auth.type === 'generic',
    fix: (hub: SecretFieldHub) => `set it to the client secret of the OAuth client ${hub.jupyterhub.auth.clientId ?? ''} (from your identity provider)`,
    optionalSection: true,
  },
  {
    file: ['jupyterhub', 'proxySecretToken'],
    values: [['hub', 'config', 'ConfigurableHTTPProxy', 'auth_token']],
    rule: z.string().regex(/^[A-Za-z0-9]{32,}$/, 'must be at least 32 letters or digits (generate one with: jhm secrets <hub>, after deleting this line)'),
    generate: token,
  },
  {
    file: ['jupyterhub', 'cookieSecret'],
    values: [['hub', 'config', 'JupyterHub', 'cookie_secret']],
    rule: z.string().regex(hex32, 'must be 64 hexadecimal characters (32 bytes)'),
    generate: token,
  },
  {
    file: ['jupyterhub', 'cryptKeeperKeys'],
    values: [['hub', 'config', 'CryptKeeper', 'keys']],
    rule: z.string().refine((k) => hex32.test(k) || base64Key32.test(k), 'must be a 32-byte key, hex (64 characters) or base64 (44 characters)'),
    list: { min: 'must hold at least one key', joinedBy: ';' },
    generate: token,
  },
  // The backups of a shared home volume (`k8s/jupyterhub/home-backup.ts`): no chart value, the
  // backup CronJob reads them from a Secret of its own (restic's and the S3 client's environment
  // variables as keys). Generated (the password) or asked for
  // only when the hub has jupyterhub.storage.backup.
  {
    file: ['backup', 'resticPassword'],
    values: [],
    secret: { name: HOME_BACKUP_SECRET, key: 'RESTIC_PASSWORD' },
    rule: z.string().regex(/^\S{16,}$/, 'must be at least 16 characters without spaces (generate one with: jhm secrets <hub>, after deleting this line)'),
    generate: token,
    when: backsUp,
    optionalSection: true,
  },
  {
    file: ['backup', 'accessKeyId'],
    values: [],
    secret: { name: HOME_BACKUP_SECRET, key: 'AWS_ACCESS_KEY_ID' },
    rule: z.string().min(1, 'is empty: set it to the access key id of the bucket\'s credentials').regex(noWhitespace, 'must be the access key id as the object store shows it, without spaces or line breaks'),
    when: backsUp,
    fix: () => 'set it to the access key id of the bucket (on Jetstream2: openstack ec2 credentials create)',
    optionalSection: true,
  },
  {
    file: ['backup', 'secretAccessKey'],
    values: [],
    secret: { name: HOME_BACKUP_SECRET, key: 'AWS_SECRET_ACCESS_KEY' },
    rule: z.string().min(1, 'is empty: set it to the secret of the bucket\'s credentials').regex(noWhitespace, 'must be the secret as the object store shows it, without spaces or line breaks'),
    when: backsUp,
    fix: () => 'set it to the secret of the bucket\'s access key (on Jetstream2: openstack ec2 credentials create)',
    optionalSection: true,
  },
] as const satisfies readonly SecretField[];

type Row = (typeof SECRET_FIELDS)[number];
type ValueOf<R> = R extends { readonly list: object } ? readonly string[] : string;
type Generated<R> = R extends { readonly generate: unknown } ? true : false;
/** One section of the file: generated fields are always there, hand-set ones only when set. */
type Section<S extends string> = {
  readonly [R in Row as R['file'][0] extends S ? (Generated<R> extends true ? R['file'][1] : never) : never]: ValueOf<R>;
} & {
  readonly [R in Row as R['file'][0] extends S ? (Generated<R> extends true ? never : R['file'][1]) : never]?: ValueOf<R>;
};

type OptionalSection = Extract<Row, { readonly optionalSection: true }>['file'][0];
/** The secrets of one hub, as loaded from `secrets/<hub>.yaml` (its shape follows `SECRET_FIELDS`). */
export type HubSecrets = { readonly [S in Exclude<Row['file'][0], OptionalSection>]: Section<S> } & { readonly [S in OptionalSection]?: Section<S> };

/** The field's dotted name, its path in the secrets file (e.g. `jupyterhub.cookieSecret`). */
export function fieldName(field: SecretField): string {
  return field.file.join('.');
}

/** Whether `hub` needs `field`. */
export function fieldApplies(field: SecretField, hub: SecretFieldHub): boolean {
  return field.when?.(hub) ?? true;
}

/** The value(s) of `field` in `secrets`: a list, empty when the field is not set. */
export function fieldValues(secrets: HubSecrets, field: SecretField): readonly string[] {
  const [section, key] = field.file;
  const value = (secrets as unknown as Record<string, Record<string, string | readonly string[] | undefined> | undefined>)[section]?.[key];
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

/** Secrets with `value(field)` in every field it gives a value for (`undefined`: left out). */
export function secretsFrom(value: (field: SecretField) => string | readonly string[] | undefined): HubSecrets {
  const out: Record<string, Record<string, string | readonly string[]>> = {};
  for (const f of SECRET_FIELDS as readonly SecretField[]) {
    const [section, key] = f.file;
    const v = value(f);
    // An optional section (another login's) is left out when it holds nothing.
    if (v === undefined && f.optionalSection) continue;
    const section_ = (out[section] ??= {});
    if (v !== undefined) section_[key] = typeof v === 'string' ? v : [...v];
  }
  return out as unknown as HubSecrets;
}

/** Every secret string in `secrets`, in table order (for leak scans). */
export function secretValues(secrets: HubSecrets): string[] {
  return (SECRET_FIELDS as readonly SecretField[]).flatMap((f) => fieldValues(secrets, f)).filter((v) => v.length > 0);
}

/** Every chart-values path that carries a secret, in table order. */
export const SECRET_VALUE_PATHS: readonly (readonly string[])[] = (SECRET_FIELDS as readonly SecretField[]).flatMap((f) => f.values);

/**
 * Where a values builder wants a secret to sit, so the secret keys keep their place among the
 * others; `placeSecrets` fills every slot (and adds the paths no builder reserved).
 */
export const SECRET_SLOT: unique symbol = Symbol('secret slot');
export type SecretSlot = typeof SECRET_SLOT;

/**
 * `values` with the secret chart values of `hub` set from `secrets` at the table's paths (a slot
 * keeps its key's place; a missing path is created). Throws when a field `hub` needs has no value
 * (a bug: `loadSecrets` refuses such a file) or a slot is left that no field filled.
 */
export function placeSecrets<T extends Record<string, unknown>>(values: T, secrets: HubSecrets, hub: SecretFieldHub): T {
  for (const f of SECRET_FIELDS as readonly SecretField[]) {
    if (!fieldApplies(f, hub)) continue;
    const v = fieldValues(secrets, f);
    if (v.length === 0) throw new Error(`placeSecrets: the hub needs ${fieldName(f)} but its secrets have none`);
    for (const p of f.values) {
      let parent: Record<string, unknown> = values;
      for (const k of p.slice(0, -1)) {
        const next = parent[k];
        parent = (next !== null && typeof next === 'object' ? next : (parent[k] = {})) as Record<string, unknown>;
      }
      parent[p[p.length - 1]] = f.list ? [...v] : v[0];
    }
  }
  const slot = slotPath(values);
  if (slot !== undefined) throw new Error(`placeSecrets: ${slot.join('.')} is reserved for a secret that the hub does not have`);
  return values;
}

function slotPath(v: unknown, at: readonly string[] = []): readonly string[] | undefined {
  if (v === SECRET_SLOT) return at;
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = slotPath(x, [...at, k]);
    if (found) return found;
  }
  return undefined;
}
