/**
 * sops-encrypted YAML files, with age recipients: reading (decrypting and checking the MAC),
 * writing, and the project's `.sops.yaml` creation rules. Written from sops's documentation and
 * source (getsops/sops 3.13: `aes/cipher.go`, `sops.go`, `stores/stores.go`, `stores/yaml`,
 * `config/config.go`, `age/keysource.go`):
 *
 * - Keys stay readable. Each value (a leaf: string, number, boolean) becomes
 *   `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<str|int|float|bool>]`: AES-256-GCM with the
 *   file's 32-byte data key, a random 32-byte IV, the 16-byte tag apart, and as additional data the
 *   value's path, its mapping keys joined and ended by `:` (`jupyterhub:cookieSecret:`; a list
 *   item has its list's path). An empty string stays empty; a null stays null.
 * - The MAC: SHA-512 over every value's plaintext in document order (a string's bytes, an integer
 *   in decimal, a boolean as `True`/`False`; nulls and comments add nothing), as upper-case hex,
 *   encrypted like a value with the `lastmodified` time (RFC 3339) as additional data.
 * - The top-level `sops` mapping holds, for each age recipient, the data key as an armored age
 *   file (`age: [{recipient, enc}]`), `lastmodified`, `mac`, `unencrypted_suffix` (values under a
 *   key ending with it stay in clear; `_unencrypted` by default) and `version`.
 *
 * jhm encrypts every value of a secrets file and keeps no comments in it (sops would encrypt them;
 * they do not count in the MAC, so reading ignores them). The Kubernetes Secrets jhm commits for a
 * cluster (`encryptSopsManifests`) are a multi-document file as sops writes one: one data key and
 * one MAC (over every document, in order) for the file, the `sops` mapping in every document, and
 * only the values under `data` or `stringData` encrypted (`encrypted_regex: ^(data|stringData)$`,
 * as Flux's documentation advises), so kind and metadata stay readable. Flux decrypts each object
 * with the `sops` mapping it carries; `sops decrypt` reads the whole file. Reading a secrets file
 * refuses a selector (`encrypted_regex`, …: its values would be in clear); reading manifests
 * accepts `encrypted_regex`. `mac_only_encrypted`, several key groups or keys other than age are
 * refused with a line saying so.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';
import { Document, isMap, isScalar, isSeq, Node, Pair, parseAllDocuments, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { quote, UserError } from '../model/errors';
import { readInputFile } from './input-file';
import { parseYamlFile } from './yaml-file';
import { ageIdentities, ageUnwrap, ageWrap, AgeError, isAgeRecipient } from './sops-age';

/** The project's sops configuration file (at the project root), as sops names it. */
export const SOPS_CONFIG = '.sops.yaml';
/** The sops release whose file format this module writes. */
export const SOPS_FORMAT_VERSION = '3.13.2';
/** sops's default `unencrypted_suffix`. */
const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';
const DATA_KEY_BYTES = 32;
const IV_BYTES = 32;
const TAG_BYTES = 16;
const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
/** `lastmodified` as Go's `time.RFC3339` prints it (what the MAC's additional data is). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
/** Metadata keys of key types other than age (`stores/stores.go`). */
const OTHER_KEY_TYPES = ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'pgp'];
/** Selectors jhm does not implement (it encrypts every value, or with `encrypted_regex` those it selects). */
const OTHER_SELECTORS = ['encrypted_suffix', 'unencrypted_regex', 'unencrypted_comment_regex', 'encrypted_comment_regex'];
/** What jhm encrypts in the Kubernetes objects it commits: the values of Secrets (Flux's advice). */
export const MANIFEST_ENCRYPTED_REGEX = '^(data|stringData)$';

/** A leaf value as sops types it. */
type Leaf = string | number | boolean;

/** Whether a parsed document is a sops file: a top-level `sops` mapping. */
export function isSopsDocument(doc: Document): boolean {
  return isMap(doc.contents) && isMap(doc.get('sops', true));
}

/** One value encrypted with `key` and the additional data `ad`. */
function encryptValue(value: Leaf, key: Uint8Array, ad: string): string {
  const [type, text] = typeof value === 'string' ? ['str', value] : typeof value === 'boolean' ? ['bool', value ? 'True' : 'False'] : [Number.isInteger(value) ? 'int' : 'float', String(value)];
  if (text === '') return '';
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ad, 'utf8'));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${type}]`;
}

/** One value decrypted; `undefined` when it does not open with `key` and `ad` (changed, or not sops's). */
function decryptValue(text: string, key: Uint8Array, ad: string): Leaf | undefined {
  if (text === '') return '';
  const m = ENC.exec(text);
  if (!m) return undefined;
  const [data, iv, tag] = [m[1], m[2], m[3]].map((s) => Buffer.from(s, 'base64'));
  if (tag.length !== TAG_BYTES || iv.length === 0) return undefined;
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(ad, 'utf8'));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
  switch (m[4]) {
    case 'str':
      return plain;
    case 'int':
      return /^[+-]?\d+$/.test(plain) ? Number.parseInt(plain, 10) : undefined;
    case 'float':
      return Number.isFinite(Number(plain)) ? Number(plain) : undefined;
    case 'bool':
      return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(plain) ? true : ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(plain) ? false : undefined;
    default:
      return undefined;
  }
}

/** The bytes a value adds to the MAC (sops's `ToBytes`). */
function macBytes(v: Leaf): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
}

/** The path of a value as the additional data of its encryption. */
const additionalData = (path: readonly string[]): string => `${path.join(':')}:`;

/** Go's `time.RFC3339` of `date`, in UTC (what sops writes as `lastmodified`). */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether sops encrypts the value at `path` (`shouldBeEncrypted`, for the selectors jhm writes and reads). */
function selected(path: readonly string[], selectors: { readonly unencryptedSuffix?: string; readonly encryptedRegex?: string }): boolean {
  if (selectors.encryptedRegex !== undefined) {
    const re = new RegExp(selectors.encryptedRegex);
    return path.some((k) => re.test(k));
  }
  const suffix = selectors.unencryptedSuffix ?? DEFAULT_UNENCRYPTED_SUFFIX;
  return !path.some((k) => k.endsWith(suffix));
}

/**
 * `docs` (mappings of mappings, lists and scalars, in the order to write) encrypted with one new
 * data key: each document's selected values encrypted, the MAC over every value of every
 * document, and the `sops` mapping (the data key wrapped for each recipient with age) appended to
 * each document, as sops writes a file.
 */
function encryptDocuments(docs: readonly Readonly<Record<string, unknown>>[], recipients: readonly string[], now: Date, encryptedRegex: string | undefined, indent: number): string[] {
  if (recipients.length === 0) throw new Error('a sops file needs at least one recipient');
  const key = randomBytes(DATA_KEY_BYTES);
  const hash = createHash('sha512');
  const selectors = { encryptedRegex };
  const encode = (v: unknown, path: readonly string[]): unknown => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map((item) => encode(item, path));
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, encode(item, [...path, k])]));
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`cannot encrypt a value of type ${typeof v}`);
    hash.update(macBytes(v), 'utf8');
    return selected(path, selectors) ? encryptValue(v, key, additionalData(path)) : v;
  };
  const bodies = docs.map((data) => {
    if ('sops' in data) throw new Error('a sops file cannot hold a top-level "sops" key');
    return encode(data, []) as Record<string, unknown>;
  });
  const lastmodified = rfc3339(now);
  const mac = encryptValue(hash.digest('hex').toUpperCase(), key, lastmodified);
  const encs = ageWrap(key, recipients);
  key.fill(0);
  const block = (s: string): Scalar => Object.assign(new Scalar(s), { type: Scalar.BLOCK_LITERAL });
  const quoted = (s: string): Scalar => Object.assign(new Scalar(s), { type: Scalar.QUOTE_DOUBLE });
  return bodies.map((body) => {
    const doc = new Document(body);
    const sops = new YAMLMap();
    const ageKeys = new YAMLSeq();
    recipients.forEach((recipient, i) => {
      const entry = new YAMLMap();
      entry.add(new Pair(new Scalar('recipient'), new Scalar(recipient)));
      entry.add(new Pair(new Scalar('enc'), block(encs[i])));
      ageKeys.items.push(entry);
    });
    // The keys in sops's order (sorted), with the one selector the file uses.
    sops.add(new Pair(new Scalar('age'), ageKeys));
    if (encryptedRegex !== undefined) sops.add(new Pair(new Scalar('encrypted_regex'), new Scalar(encryptedRegex)));
    sops.add(new Pair(new Scalar('lastmodified'), quoted(lastmodified)));
    sops.add(new Pair(new Scalar('mac'), new Scalar(mac)));
    if (encryptedRegex === undefined) sops.add(new Pair(new Scalar('unencrypted_suffix'), new Scalar(DEFAULT_UNENCRYPTED_SUFFIX)));
    sops.add(new Pair(new Scalar('version'), new Scalar(SOPS_FORMAT_VERSION)));
    (doc.contents as YAMLMap).add(new Pair(new Scalar('sops'), sops));
    return doc.toString({ indent, indentSeq: true, lineWidth: 0, nullStr: 'null' });
  });
}

/**
 * `data` (a mapping of mappings, lists and scalars, in the order to write) as a sops file for
 * `recipients`: every value encrypted with a new data key, the data key wrapped for each
 * recipient with age, the MAC over the values. `now` is the `lastmodified` time.
 */
export function encryptSopsYaml(data: Readonly<Record<string, unknown>>, recipients: readonly string[], now = new Date()): string {
  return encryptDocuments([data], recipients, now, undefined, 4)[0];
}

/**
 * Kubernetes objects as one multi-document sops file for `recipients` (see the module comment):
 * only the values under `data` and `stringData` encrypted, one data key and MAC for the file,
 * the `sops` mapping in each document. `header` (comment lines, each starting with `#`) comes
 * first, in clear, as in every manifest file jhm writes.
 */
export function encryptSopsManifests(objects: readonly Readonly<Record<string, unknown>>[], recipients: readonly string[], header: string, now = new Date()): string {
  if (objects.length === 0) throw new Error('an encrypted manifest file needs at least one object');
  return `${header}\n---\n${encryptDocuments(objects, recipients, now, MANIFEST_ENCRYPTED_REGEX, 2).join('---\n')}`;
}

/** What a sops file's `sops` mapping says, as far as jhm reads it. */
export interface SopsMetadata {
  /** The age recipients and each one's armored data key, in file order. */
  readonly age: readonly { readonly recipient: string; readonly enc: string }[];
  readonly lastmodified: string;
  readonly mac: string;
  readonly unencryptedSuffix: string;
  /** The file's `encrypted_regex` (only values under a key it matches are encrypted); only read with `selectors`. */
  readonly encryptedRegex?: string;
}

/**
 * The `sops` mapping of `doc` (a sops file named `display`); refuses what jhm does not read, and
 * unless `selectors` (manifests) any selector of the values to encrypt.
 */
export function sopsMetadata(doc: Document, display: string, selectors = false): SopsMetadata {
  const refuse = (message: string, field: string, fix: string): never => {
    throw new UserError(message, { file: display, field: `sops.${field}`, fix });
  };
  const meta = doc.get('sops', true) as YAMLMap;
  const js = (meta.toJSON() ?? {}) as Record<string, unknown>;
  const notEmpty = (k: string) => js[k] !== undefined && js[k] !== null && !(Array.isArray(js[k]) && (js[k] as unknown[]).length === 0) && js[k] !== '';
  for (const k of OTHER_KEY_TYPES) if (notEmpty(k)) refuse('holds a key jhm cannot use: jhm decrypts with age only', k, 'encrypt the file for age recipients (sops updatekeys with an age-only .sops.yaml)');
  if (notEmpty('key_groups')) refuse('has key groups: jhm reads files with one group of age recipients', 'key_groups', 'encrypt it for one group of age recipients');
  for (const k of selectors ? OTHER_SELECTORS : [...OTHER_SELECTORS, 'encrypted_regex']) if (notEmpty(k)) refuse('selects the values to encrypt: jhm reads files whose every value is encrypted', k, 'encrypt it again without this setting');
  let encryptedRegex: string | undefined;
  if (selectors && notEmpty('encrypted_regex')) {
    if (typeof js.encrypted_regex !== 'string') refuse('must be a regular expression', 'encrypted_regex', 'restore the file from git');
    try {
      new RegExp(js.encrypted_regex as string);
    } catch {
      refuse('is not a regular expression jhm can read', 'encrypted_regex', 'restore the file from git');
    }
    encryptedRegex = js.encrypted_regex as string;
  }
  if (js.mac_only_encrypted === true) refuse('is set: jhm checks the MAC over every value', 'mac_only_encrypted', 'encrypt it again without this setting');
  const age = Array.isArray(js.age) ? js.age : [];
  const entries = age.map((e, i) => {
    const entry = (e ?? {}) as Record<string, unknown>;
    if (typeof entry.recipient !== 'string' || typeof entry.enc !== 'string') refuse('must have a recipient and an enc', `age[${i}]`, 'restore the file from git');
    return { recipient: entry.recipient as string, enc: entry.enc as string };
  });
  if (entries.length === 0) refuse('lists no age recipient', 'age', 'encrypt it for an age recipient');
  const lastmodified = js.lastmodified;
  if (typeof lastmodified !== 'string' || !RFC3339.test(lastmodified)) refuse('must be a time like "2024-03-25T22:08:10Z"', 'lastmodified', 'restore the file from git');
  if (typeof js.mac !== 'string' || js.mac === '') refuse('is missing: without a MAC the values cannot be trusted', 'mac', 'restore the file from git');
  const suffix = js.unencrypted_suffix;
  return {
    age: entries,
    lastmodified: lastmodified as string,
    mac: js.mac as string,
    unencryptedSuffix: typeof suffix === 'string' && suffix !== '' ? suffix : DEFAULT_UNENCRYPTED_SUFFIX,
    ...(encryptedRegex !== undefined ? { encryptedRegex } : {}),
  };
}

/**
 * The data key of a sops file, unwrapped with the user's age identities (`SOPS_AGE_KEY_FILE`,
 * `SOPS_AGE_KEY`). No identity set: an error naming the variables; none of them a recipient of
 * the file: an error naming the file.
 */
export function sopsDataKey(meta: SopsMetadata, display: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const identities = ageIdentities(display, env);
  let key: Uint8Array | undefined;
  try {
    key = ageUnwrap(
      meta.age.map((a) => a.enc),
      identities,
    );
  } catch (e) {
    if (!(e instanceof AgeError)) throw e;
    throw new UserError(`its age-encrypted data key cannot be read (${e.message})`, { file: display, field: 'sops.age', fix: 'check your age key (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY), or restore the file from git' });
  }
  if (key === undefined || key.length !== DATA_KEY_BYTES) {
    throw new UserError('none of your age keys (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY) can decrypt this file', {
      file: display,
      fix: 'use a key it is encrypted for (its sops.age recipients), or have a recipient add yours to .sops.yaml and run jhm secrets --update-recipients',
    });
  }
  return key;
}

/** A decrypted sops file: its data (without the `sops` mapping) and its metadata. */
export interface DecryptedSops {
  readonly data: Record<string, unknown>;
  readonly meta: SopsMetadata;
}

/**
 * Decrypts the sops file `doc` (named `display` in errors) with `key` (or the user's identities):
 * every value, then the MAC, recomputed and compared. A value or MAC that does not open, or a MAC
 * that does not match, is refused (the file was changed outside sops): nothing of it is returned.
 */
export function decryptSopsDocument(doc: Document, display: string, env: NodeJS.ProcessEnv = process.env): DecryptedSops {
  const meta = sopsMetadata(doc, display);
  const key = sopsDataKey(meta, display, env);
  try {
    return { data: decryptWithKey(doc, meta, key, display), meta };
  } finally {
    key.fill(0);
  }
}

/** The decrypted data of `doc` with its data key `key`, the MAC checked (exported for tests). */
export function decryptWithKey(doc: Document, meta: SopsMetadata, key: Uint8Array, display: string): Record<string, unknown> {
  return decryptDocumentsWithKey([doc], meta, key, display)[0];
}

/** The decrypted data of each of `docs` (one file) with its data key, the MAC over all of them checked. */
function decryptDocumentsWithKey(docs: readonly Document[], meta: SopsMetadata, key: Uint8Array, display: string): Record<string, unknown>[] {
  const hash = createHash('sha512');
  const tampered = (field: string): never => {
    throw new UserError('does not decrypt with the file\'s data key: the file was changed outside sops or jhm', {
      file: display,
      field,
      fix: 'restore it from git, or edit the file with sops',
    });
  };
  const encrypted = (path: readonly string[]) => selected(path, meta);
  const walk = (node: unknown, path: readonly string[]): unknown => {
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof k !== 'string') tampered(path.join('.') || '(top level)');
        const name = k as string;
        if (path.length === 0 && name === 'sops') continue;
        out[name] = walk(pair.value, [...path, name]);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => walk(item, path));
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return null;
    if (!isScalar(node)) return tampered(path.join('.'));
    const v = node.value;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return tampered(path.join('.'));
    let plain: Leaf | undefined = v;
    if (encrypted(path)) plain = typeof v === 'string' ? decryptValue(v, key, additionalData(path)) : undefined;
    if (plain === undefined) return tampered(path.join('.'));
    hash.update(macBytes(plain), 'utf8');
    return plain;
  };
  const data = docs.map((doc) => walk(doc.contents as Node, []) as Record<string, unknown>);
  const mac = decryptValue(meta.mac, key, meta.lastmodified);
  if (typeof mac !== 'string' || mac === '') tampered('sops.mac');
  if (mac !== hash.digest('hex').toUpperCase()) {
    throw new UserError('the MAC does not match the values: the file was changed outside sops or jhm', {
      file: display,
      field: 'sops.mac',
      fix: 'restore it from git, or edit the file with sops',
    });
  }
  return data;
}

/**
 * The objects of a multi-document sops file of Kubernetes objects (`encryptSopsManifests`, or
 * `sops encrypt` of a manifest file), named `display` in errors, decrypted with the user's age
 * identities (`env`): the metadata of the first document (as sops reads it), the MAC over every
 * document checked. No identity set: an error naming the variables; none that opens it: an error
 * naming the file.
 */
export function decryptSopsManifests(text: string, display: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) throw new UserError('holds no sops document', { file: display, fix: 'restore it from git, or run jhm synth again' });
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new UserError(`is not valid YAML (${doc.errors[0].message.split('\n')[0]})`, { file: display, fix: 'restore it from git, or run jhm synth again' });
  }
  const first = docs.find((d) => isMap(d.contents));
  if (first === undefined || !isSopsDocument(first)) throw new UserError('is not encrypted with sops (no sops mapping)', { file: display, fix: 'restore it from git, or run jhm synth again' });
  const meta = sopsMetadata(first, display, true);
  const key = sopsDataKey(meta, display, env);
  try {
    return decryptDocumentsWithKey(
      docs.filter((d) => d.contents !== null),
      meta,
      key,
      display,
    );
  } finally {
    key.fill(0);
  }
}

/** The age recipients `.sops.yaml` names for a file, and where. */
export interface SopsRule {
  readonly recipients: readonly string[];
  /** The creation rule's place, e.g. `creation_rules[0]`. */
  readonly field: string;
}

/**
 * The age recipients the first creation rule of `<root>/.sops.yaml` that matches `relPath` (a
 * `/`-separated path relative to the project root, as sops matches `path_regex` against the path
 * relative to the config file's folder) names; `undefined` when there is no `.sops.yaml`, no rule
 * for the file, or a rule with no recipient (the file stays plain).
 */
export function sopsRuleFor(configFile: string, relPath: string): SopsRule | undefined {
  const read = readInputFile(configFile, SOPS_CONFIG);
  if (read === undefined) return undefined;
  const yaml = parseYamlFile(read.text, SOPS_CONFIG, { quoteErrors: true, fix: 'fix the syntax' });
  const config = (yaml.toJS() ?? {}) as Record<string, unknown>;
  const rules = config.creation_rules;
  if (rules === undefined || rules === null) return undefined;
  const refuse = (message: string, field: string, fix: string): never => {
    throw new UserError(message, { file: SOPS_CONFIG, line: yaml.lineOf(field.split(/[.[\]]+/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s))), field, fix });
  };
  if (!Array.isArray(rules)) return refuse('must be a list of rules', 'creation_rules', 'see sops\'s documentation of .sops.yaml');
  for (const [i, raw] of (rules as unknown[]).entries()) {
    const field = `creation_rules[${i}]`;
    const rule = (raw ?? {}) as Record<string, unknown>;
    if (typeof rule !== 'object' || Array.isArray(rule)) refuse('must be a mapping', field, 'give it a path_regex and age recipients');
    const regex = rule.path_regex;
    if (regex !== undefined && regex !== null && regex !== '') {
      if (typeof regex !== 'string') refuse('must be a regular expression', `${field}.path_regex`, 'quote it');
      let re: RegExp;
      try {
        re = new RegExp(regex as string);
      } catch {
        return refuse(`${quote(regex as string)} is not a regular expression jhm can read`, `${field}.path_regex`, 'fix it');
      }
      if (!re.test(relPath)) continue;
    }
    return recipientsOf(rule, field, refuse);
  }
  return undefined;
}

function recipientsOf(rule: Record<string, unknown>, field: string, refuse: (message: string, field: string, fix: string) => never): SopsRule | undefined {
  for (const k of ['kms', 'pgp', 'gcp_kms', 'hckms', 'azure_keyvault', 'hc_vault_transit_uri']) {
    if (rule[k] !== undefined && rule[k] !== null && rule[k] !== '') refuse('jhm encrypts secrets files for age recipients only', `${field}.${k}`, 'list age recipients (age: age1…) in the rule for secrets/');
  }
  let list: unknown = rule.age;
  let at = `${field}.age`;
  if (Array.isArray(rule.key_groups) && rule.key_groups.length > 0) {
    if (list !== undefined) refuse('cannot be given with key_groups', at, 'list the recipients in one of them');
    if (rule.key_groups.length > 1) refuse('has several groups: jhm encrypts for one group of age recipients', `${field}.key_groups`, 'list every recipient in one group');
    const group = (rule.key_groups[0] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(group)) if (k !== 'age' && group[k] !== null && !(Array.isArray(group[k]) && (group[k] as unknown[]).length === 0)) refuse('jhm encrypts secrets files for age recipients only', `${field}.key_groups[0].${k}`, 'list age recipients only');
    list = group.age;
    at = `${field}.key_groups[0].age`;
  }
  if (list === undefined || list === null || list === '') return undefined;
  const items = typeof list === 'string' ? list.split(',') : Array.isArray(list) ? list : refuse('must be a list of age recipients, or one string of them separated by commas', at, 'list them as age1…');
  const recipients = items.map((r, j) => {
    const s = typeof r === 'string' ? r.trim() : '';
    if (!isAgeRecipient(s)) refuse(`${typeof r === 'string' ? quote(r) : 'item'} is not an age recipient`, typeof list === 'string' ? at : `${at}[${j}]`, 'give the public key age-keygen printed (age1…)');
    return s;
  });
  return recipients.length > 0 ? { recipients: [...new Set(recipients)], field } : undefined;
}
