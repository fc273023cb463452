/**
 * Keeps `dist/` independent of the secrets. Charts are rendered with placeholder secrets (fixed
 * per hub and field, and of one shape: a list field, such as the CryptKeeper keys, gets one
 * placeholder element whatever the number of real values), so everything outside Secrets,
 * including checksum annotations that hash the Secret's contents, is the same whoever synthesizes
 * it and whatever the secrets are: CI can re-synthesize `dist/` with no secrets file, and the
 * render cache never holds a secret. The real values are put into the Secret objects last
 * (`fillSecretFiles`), which go to `dist-secrets/`; there a list placeholder expands into the real
 * list. Which fields there are, and how the chart joins a list, comes from `SECRET_FIELDS`.
 *
 * The placeholders are public (anyone can compute them, and they must be the same everywhere for
 * `dist/` to be), so a secrets file may hold one as a value. That can never put the wrong secret
 * anywhere: all placeholders are replaced in one pass over the rendered text, and the text that
 * replaced one is never read again; and hub-file text that holds a placeholder (a profile's
 * description, say, which would show the secret on the spawn page) is refused before rendering
 * ({@link placeholdersInPlace}). Charts are rendered without the real values, so a real value
 * found in the rendered output is text of the chart (or of a hub file) itself, which jhm could not
 * tell from a leak: {@link secretInRenderedText} says which secrets file and field hold it.
 */
import { createHash } from 'crypto';
import { parse, parseDocument, Scalar, visit } from 'yaml';
import { isDeepStrictEqual } from 'util';
import { UserError } from '../model/errors';
import { fieldApplies, fieldName, fieldValues, HubSecrets, SECRET_FIELDS, SecretField, SecretFieldHub, secretsFrom } from '../model/secret-fields';
import { displayPath } from '../project/secrets';
import { K8sObject } from './helm/types';
import { isSecret } from './manifest-files';
import { yamlText } from './yaml-text';

/** The real values of a list field: `items` where the placeholder is a list's only item, `joined` elsewhere. */
export interface SecretList {
  readonly items: readonly string[];
  /** The items joined the way the chart joins them (`SecretField.list.joinedBy`). */
  readonly joined: string;
}

/** Placeholder → real value (a string, or a list for a list field). */
export type SecretSubstitution = ReadonlyMap<string, string | SecretList>;

/** The placeholder of `field` (for a list, of its one element) in hub `hubName`'s output. */
export function placeholder(hubName: string, field: SecretField): string {
  const name = field.list ? `${fieldName(field)}[0]` : fieldName(field);
  return createHash('sha256').update(`jhm placeholder secret\0${hubName}\0${name}`).digest('hex');
}

/** Placeholder secrets for `hub`: every field it needs, a list field with one element. */
export function placeholderSecrets(hub: SecretFieldHub & { readonly name: string }): HubSecrets {
  return secretsFrom((f) => (!fieldApplies(f, hub) ? undefined : f.list ? [placeholder(hub.name, f)] : placeholder(hub.name, f)));
}

/** Pairs each placeholder with the real value of the same field (a list placeholder with the real list). */
export function substitution(placeholders: HubSecrets, real: HubSecrets): SecretSubstitution {
  const map = new Map<string, string | SecretList>();
  for (const f of SECRET_FIELDS as readonly SecretField[]) {
    const [p, ...more] = fieldValues(placeholders, f);
    const r = fieldValues(real, f);
    if (p === undefined || r.length === 0) continue;
    if (more.length > 0) throw new Error(`substitution: ${fieldName(f)} has more than one placeholder; a list field has one placeholder element`);
    map.set(p, f.list ? { items: [...r], joined: r.join(f.list.joinedBy) } : r[0]);
  }
  return map;
}

/**
 * `values` (a hub's chart values, built with `placeholders`) when each placeholder is only where
 * `placeSecrets` put it (a field's chart-values paths; for a list, its items). Anywhere else it is
 * text of the hub file, which filling the Secrets would turn into the real secret: a `UserError`
 * naming the hub file (`file`) and the chart value, with the fix.
 */
export function placeholdersInPlace<T>(values: T, placeholders: HubSecrets, file: string): T {
  const own = new Map<string, SecretField>();
  for (const f of SECRET_FIELDS as readonly SecretField[]) for (const p of fieldValues(placeholders, f)) own.set(p, f);
  const inPlace = (f: SecretField, at: readonly string[]) => f.values.some((v) => (f.list ? at.length === v.length + 1 && /^\d+$/.test(at[v.length]) : at.length === v.length) && v.every((k, i) => k === at[i]));
  const check = (text: string, at: readonly string[], isKey: boolean) => {
    for (const [p, f] of own) {
      if (!text.includes(p) || (!isKey && text === p && inPlace(f, at))) continue;
      throw new UserError(`the chart value ${at.join('.') || '(top)'} holds the placeholder jhm renders ${fieldName(f)} with, which would be replaced by the secret`, {
        file,
        fix: 'change that text in the hub file',
      });
    }
  };
  const walk = (v: unknown, at: string[]): void => {
    if (typeof v === 'string') check(v, at, false);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, String(i)]));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        check(k, [...at, k], true);
        walk(x, [...at, k]);
      }
    }
  };
  walk(values, []);
  return values;
}

/** Where a real secret value is set: its secrets file (`secrets/<hub>.yaml`) and field. */
export interface SecretPlace {
  readonly file: string;
  readonly field: string;
}

/** Each real secret value of `hubs` → where it is set (a value set in several places: the first). */
export function secretPlaces(hubs: readonly { readonly name: string; readonly secrets: HubSecrets }[]): Map<string, SecretPlace> {
  const places = new Map<string, SecretPlace>();
  for (const hub of hubs) {
    for (const f of SECRET_FIELDS as readonly SecretField[]) {
      for (const v of fieldValues(hub.secrets, f)) if (!places.has(v)) places.set(v, { file: displayPath(hub.name), field: fieldName(f) });
    }
  }
  return places;
}

/**
 * The error for a real secret value found in the rendered output at `where` (an object, or a file
 * of `dist/`). The charts were rendered with placeholders, so the text is the chart's own (or a
 * hub file's), which no scan can tell from a leak: the value must change. The value is not quoted.
 */
export function secretInRenderedText(place: SecretPlace, where: string): UserError {
  return new UserError(`is text that is also in the rendered manifests (${where}), outside any Secret: jhm cannot tell it from a leak`, {
    file: place.file,
    field: place.field,
    fix: 'choose another value: a secret is never text a chart or a hub file already holds (jhm secrets generates tokens; a GitHub client secret is made in the OAuth app)',
  });
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

/** The text that replaces a placeholder inside a string (a list: its items joined). */
const asText = (r: string | SecretList): string => (typeof r === 'string' ? r : r.joined);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The placeholders of `subst` as regular-expression alternatives, longest first (so none stops at a shorter one it starts with). */
const alternatives = (placeholders: Iterable<string>) =>
  [...placeholders]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');

/**
 * Every placeholder of `subst` in `text` replaced by its value, in one pass: a value is never read
 * again, so a value that holds a placeholder (of another field, another hub) stays as written. With
 * `listLines`, a block-sequence line that holds only a list placeholder (`<indent>- <placeholder>`,
 * possibly quoted, as helm's `toYaml` writes a one-item list) becomes one line per real item.
 */
function replaceAll(text: string, subst: SecretSubstitution, listLines = false): string {
  const present = [...subst.keys()].filter((p) => text.includes(p));
  if (present.length === 0) return text;
  const lists = listLines ? present.filter((p) => typeof subst.get(p) !== 'string') : [];
  const line = lists.length > 0 ? `^([ \\t]*- )(["']?)(${alternatives(lists)})\\2$|` : '';
  return text.replace(new RegExp(`${line}(${alternatives(present)})`, 'gm'), (...m: (string | undefined)[]) => {
    const [lead, quote, listed, plain] = lists.length > 0 ? m.slice(1, 5) : [undefined, undefined, undefined, m[1]];
    if (listed !== undefined) return (subst.get(listed) as SecretList).items.map((v) => `${lead}${quote}${v}${quote}`).join('\n');
    return asText(subst.get(plain!)!);
  });
}

/** The real list when `v` is a list whose only item is a list placeholder. */
function listFill(v: readonly unknown[], subst: SecretSubstitution): readonly string[] | undefined {
  if (v.length !== 1 || typeof v[0] !== 'string') return undefined;
  const r = subst.get(v[0]);
  return r !== undefined && typeof r !== 'string' ? r.items : undefined;
}

function deepReplace(v: unknown, subst: SecretSubstitution): unknown {
  if (typeof v === 'string') return replaceAll(v, subst);
  if (Array.isArray(v)) return listFill(v, subst)?.slice() ?? v.map((x) => deepReplace(x, subst));
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
  const filled = replaceAll(text, subst, true);
  if (filled === text) return text;
  // The common case needs no check; anything else is verified by reading the document back.
  if ([...subst.values()].every((r) => (typeof r === 'string' ? plainSafe(r) : r.items.every(plainSafe)))) return filled;
  const before = tryParse(text, '1.2');
  if (before === null || typeof before !== 'object') return filled;
  const doc = parseDocument(text);
  const scalar = (value: string): Scalar => {
    const node = new Scalar(value);
    if (!plainSafe(value)) node.type = Scalar.QUOTE_DOUBLE;
    return node;
  };
  visit(doc, {
    Seq(_key, node) {
      const only = node.items.length === 1 && node.items[0] instanceof Scalar ? [node.items[0].value] : [];
      const items = listFill(only, subst);
      if (items === undefined) return undefined;
      node.items = items.map(scalar);
      return visit.SKIP;
    },
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

/**
 * The files of `dist-secrets/` with the real values in their Secrets: each YAML document of a
 * file that is a Secret is read, filled (`fillSecrets`) and written again the way `dist/` is
 * written (`yamlText`); every other document, and a Secret without a placeholder, keeps its bytes.
 */
export function fillSecretFiles(files: ReadonlyMap<string, string>, subst: SecretSubstitution): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of files) {
    // The layout `toYamlFile` writes: a header line, then documents each ending in a newline, separated by `---`.
    const [header, ...rest] = text.split('\n---\n');
    const docs = rest.map((d, i) => (i < rest.length - 1 ? `${d}\n` : d));
    const filled = docs.map((d) => {
      const o = parse(d) as K8sObject;
      if (!isSecret(o)) return d;
      const [f] = fillSecrets([o], subst);
      return isDeepStrictEqual(f, o) ? d : yamlText(f);
    });
    out.set(file, [header, filled.join('---\n')].join('\n---\n'));
  }
  return out;
}
