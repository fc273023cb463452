/**
 * Keeps `dist/` independent of the secrets. Charts are rendered with placeholder secrets (fixed
 * per hub and field), so everything outside Secrets, including checksum annotations that hash
 * the Secret's contents, is the same whoever synthesizes it and whatever the secrets are: CI can
 * re-synthesize `dist/` with no secrets file, and the render cache never holds a secret. The
 * real values are then put into the Secret objects only, which go to `dist-secrets/`.
 */
import { createHash } from 'crypto';
import { parse, parseDocument, Scalar, visit } from 'yaml';
import { isDeepStrictEqual } from 'util';
import { UserError } from '../config/errors';
import { Hub } from '../config/hub';
import { HubSecrets } from '../config/secrets';
import { K8sObject } from './helm/types';
import { isSecret } from './manifest-files';

/** Placeholder → real value. */
export type SecretSubstitution = ReadonlyMap<string, string>;

/** Placeholder secrets for `hub`, shaped like `like` (default: the shape `jhm secrets` creates). */
export function placeholderSecrets(hub: Hub, like?: HubSecrets): HubSecrets {
  const ph = (field: string) => createHash('sha256').update(`jhm placeholder secret\0${hub.name}\0${field}`).digest('hex');
  const keys = like?.jupyterhub.cryptKeeperKeys.length ?? 1;
  return {
    github: { clientSecret: hub.jupyterhub.auth.type === 'github' ? ph('github.clientSecret') : undefined },
    jupyterhub: {
      proxySecretToken: ph('jupyterhub.proxySecretToken'),
      cookieSecret: ph('jupyterhub.cookieSecret'),
      cryptKeeperKeys: Array.from({ length: keys }, (_, i) => ph(`jupyterhub.cryptKeeperKeys[${i}]`)),
    },
  };
}

/** Pairs each placeholder with the real value of the same field. */
export function substitution(placeholders: HubSecrets, real: HubSecrets): SecretSubstitution {
  const map = new Map<string, string>();
  const pair = (p: string | undefined, r: string | undefined) => {
    if (p !== undefined && r !== undefined) map.set(p, r);
  };
  pair(placeholders.github.clientSecret, real.github.clientSecret);
  pair(placeholders.jupyterhub.proxySecretToken, real.jupyterhub.proxySecretToken);
  pair(placeholders.jupyterhub.cookieSecret, real.jupyterhub.cookieSecret);
  placeholders.jupyterhub.cryptKeeperKeys.forEach((k, i) => pair(k, real.jupyterhub.cryptKeeperKeys[i]));
  return map;
}

/** The placeholders that occur anywhere in `value` (plain or base64). */
export function placeholdersIn(value: unknown, placeholders: Iterable<string>): string[] {
  const text = JSON.stringify(value);
  let decoded: string[] | undefined; // one walk for all placeholders, and none when a plain search finds each
  return [...placeholders].filter((p) => text.includes(p) || text.includes(Buffer.from(p).toString('base64')) || (decoded ??= decodedStrings(value)).some((s) => s.includes(p)));
}

function decodedStrings(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      // Only strings long enough to hold an encoded placeholder (64 characters → 88 in base64).
      if (v.length >= 88 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v)) out.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

function replaceAll(text: string, subst: SecretSubstitution): string {
  let out = text;
  for (const [p, r] of subst) out = out.split(p).join(r);
  return out;
}

function deepReplace(v: unknown, subst: SecretSubstitution): unknown {
  if (typeof v === 'string') return replaceAll(v, subst);
  if (Array.isArray(v)) return v.map((x) => deepReplace(x, subst));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepReplace(x, subst)]));
  return v;
}

/**
 * A value that reads back as the same string wherever a plain placeholder stood, in YAML 1.2 and
 * in YAML 1.1 (which PyYAML, and so JupyterHub, reads): hex tokens and GitHub client secrets are.
 */
function plainSafe(value: string): boolean {
  if (!/^[A-Za-z0-9][A-Za-z0-9._~+/=-]*$/.test(value)) return false;
  try {
    return parse(value) === value && parse(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}

/** `text` read as YAML `version`, or `undefined` when it does not parse. */
function tryParse(text: string, version: '1.1' | '1.2'): unknown {
  try {
    return parse(text, { version });
  } catch {
    return undefined;
  }
}

/**
 * Replaces placeholders with real values in one Secret entry. In the common case (every value
 * reads back as itself when written plain) the replacement is textual. Otherwise an entry holding
 * a YAML or JSON document (such as z2jh's `values.yaml`, which JupyterHub reads with PyYAML, i.e.
 * YAML 1.1) is rewritten node by node, double-quoting each string that holds a secret, so that a
 * value like `yes`, `on`, `null`, `0x1F` or `12:30` reaches JupyterHub as that string and not as
 * a boolean, null or number. The result must read back, in YAML 1.2 and in YAML 1.1, as the
 * original with only the secrets changed, or the value is refused (with a `UserError` that never
 * quotes the document: a YAML parse error would show the secret).
 */
function fillText(text: string, subst: SecretSubstitution, where: string): string {
  const filled = replaceAll(text, subst);
  if (filled === text) return text;
  // The common case needs no check; anything else is verified by reading the document back.
  if ([...subst.values()].every(plainSafe)) return filled;
  const before = tryParse(text, '1.2');
  if (before === null || typeof before !== 'object') return filled;
  const doc = parseDocument(text);
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value !== 'string') return;
      const value = replaceAll(node.value, subst);
      if (value === node.value) return;
      node.value = value;
      if (!plainSafe(value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const out = doc.toString({ lineWidth: 0 });
  const versions = ['1.2', '1.1'] as const;
  const same = versions.every((v) => {
    const original = v === '1.2' ? before : tryParse(text, v);
    // A document YAML 1.1 cannot read is checked in YAML 1.2 only.
    return original === undefined ? v === '1.1' : isDeepStrictEqual(tryParse(out, v), deepReplace(original, subst));
  });
  if (!same) {
    throw new UserError(`cannot place a secret into ${where} without changing its meaning (a value from the secrets file needs quoting in YAML)`, {
      fix: 'use only letters, digits and -._~+/= in the secrets file',
    });
  }
  return out;
}

/** Returns `objects` with real secret values in every Secret (`data` base64, `stringData` plain). */
export function fillSecrets(objects: readonly K8sObject[], subst: SecretSubstitution): K8sObject[] {
  return objects.map((o) => {
    if (!isSecret(o)) return o;
    const where = (k: string) => `Secret ${o.metadata.namespace ?? ''}/${o.metadata.name} key ${k}`;
    const copy: K8sObject = { ...o };
    const data = o.data as Record<string, string> | undefined;
    if (data) {
      copy.data = Object.fromEntries(
        Object.entries(data).map(([k, v]) => {
          const text = Buffer.from(v, 'base64').toString('utf8');
          const filled = fillText(text, subst, where(k));
          return [k, filled === text ? v : Buffer.from(filled).toString('base64')];
        }),
      );
    }
    const stringData = o.stringData as Record<string, string> | undefined;
    if (stringData) {
      copy.stringData = Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, fillText(v, subst, where(k))]));
    }
    return copy;
  });
}
