/**
 * The per-hub secrets file, `secrets/<hub>.yaml`: the GitHub OAuth client secret and every token
 * the zero-to-jupyterhub chart would otherwise generate at random on each render (its templates
 * fall back to random values when `lookup` sees no cluster, so `helm template` output would differ
 * on every run). Keeping them here makes rendering reproducible and keeps them out of git.
 *
 * The file is git-ignored, written with mode 0600, created and completed by `jhm secrets <hub>`
 * (`ensureSecrets`), which never overwrites a value that is already there.
 *
 * When the project's `.sops.yaml` has a creation rule for the file with age recipients, the file
 * is a sops file instead (`sops.ts`): keys readable, every value encrypted, safe to commit. jhm
 * writes it encrypted for the rule's recipients and reads it with the user's age identity
 * (`SOPS_AGE_KEY_FILE` or `SOPS_AGE_KEY`), wherever it reads the plain file; `reencryptSecrets`
 * (`jhm secrets --update-recipients`) writes every secrets file again for the recipients the
 * rules name now.
 *
 * ```yaml
 * github:
 *   clientSecret: <the GitHub OAuth app's client secret>     # set by hand (or cilogon: / generic:, by the hub's login)
 * jupyterhub:
 *   proxySecretToken: <64 hex>   # hub.config.ConfigurableHTTPProxy.auth_token
 *   cookieSecret: <64 hex>       # hub.config.JupyterHub.cookie_secret
 *   cryptKeeperKeys: [<64 hex>]  # hub.config.CryptKeeper.keys (first one encrypts)
 * backup:                        # only a hub with jupyterhub.storage.backup: the Secret home-backup
 *   resticPassword: <64 hex>     # generated for such a hub only
 *   accessKeyId: <the bucket's access key id>         # set by hand
 *   secretAccessKey: <the bucket's secret access key> # set by hand
 * ```
 *
 * The fields, their rules, generators and chart values are one table, `SECRET_FIELDS`
 * (`secret-fields.ts`): the schema, the generated fields and the checks below derive from it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, isMap, isScalar, isSeq, Scalar } from 'yaml';
import { z } from 'zod';
import { Diagnostic, warning } from '../model/diagnostics';
import { quote, UserError, UserErrors } from '../model/errors';
import { writeFileAtomicSync } from '../base/files';
import { valueAt } from '../base/object-path';
import { readInputFile } from './input-file';
import { fieldApplies, fieldName, HubSecrets, SECRET_FIELDS, SecretField, secretsFrom } from '../model/secret-fields';
import { parseYamlFile } from './yaml-file';
import { decryptSopsDocument, encryptSopsYaml, isSopsDocument, SOPS_CONFIG, sopsRuleFor, SopsRule } from './sops';
import { Hub } from '../model/hub';
import { PROJECT_PATHS, ProjectLayout } from './layout';
import { issuesToErrors, IssueWording, ZodIssue } from '../model/zod-issues';

/** Folder of secrets files, relative to the project root (git-ignored except its README.md). */
export const SECRETS_DIR = PROJECT_PATHS.secrets;

export { TOKEN_BYTES } from '../model/secret-fields';
export type { HubSecrets } from '../model/secret-fields';

const noWhitespace = /^\S+$/;

/** The schema of one field: its rule, as a list for list fields; optional unless `required`. */
function fieldSchema(f: SecretField, required: boolean): z.ZodType {
  const one = f.list ? z.array(f.rule).min(1, f.list.min) : f.rule;
  return required ? one : one.optional();
}

/**
 * The schema of the file, from `SECRET_FIELDS`: a section per table section, strict; generated
 * fields are required (unless `partial`, for completing a file), fields set by hand are optional
 * (`loadSecrets` requires them when the hub needs them), and a section of hand-set fields only
 * may be left out.
 */
function fileSchema(partial: boolean): z.ZodType {
  const sections = [...new Set(FIELDS.map((f) => f.file[0]))];
  return z
    .object(
      Object.fromEntries(
        sections.map((section) => {
          const fields = FIELDS.filter((f) => f.file[0] === section);
          // A generated field of an optional section (the backups' password) is required only when the hub needs it (`loadSecrets`).
          const object = z.object(Object.fromEntries(fields.map((f) => [f.file[1], fieldSchema(f, !partial && f.generate !== undefined && !f.optionalSection)]))).strict();
          return [section, partial || fields.every((f) => f.generate === undefined || f.optionalSection) ? object.optional() : object];
        }),
      ),
    )
    .strict();
}

const FIELDS: readonly SecretField[] = SECRET_FIELDS;
const schema = fileSchema(false);
/** The same rules with every generated field optional (for completing a file). */
const partialSchema = fileSchema(true);

/** The GitHub client secret: `jhm secrets --github-client-secret-stdin` sets it, and its placeholder comment. */
const CLIENT_SECRET = FIELDS.find((f) => fieldName(f) === 'github.clientSecret')!;

/** Absolute path of hub `hubName`'s secrets file under `root`. */
export function secretsFilePath(root: string, hubName: string): string {
  return new ProjectLayout(root).secretsFile(hubName);
}

/** How the file is named in messages: repository-relative. */
export function displayPath(hubName: string): string {
  return `${SECRETS_DIR}/${hubName}.yaml`;
}

function usesGitHub(hub: Hub): hub is Hub & { jupyterhub: { auth: { type: 'github'; clientId: string } } } {
  return hub.jupyterhub.auth.type === 'github';
}

/** Parsed file plus a way to find the line of a field. */
interface ParsedFile {
  readonly doc: Document.Parsed;
  readonly lineOf: (p: readonly PropertyKey[]) => number | undefined;
  /** The data (YAML resource limits are user errors). */
  readonly toJS: () => unknown;
}

function parseFile(text: string, display: string): ParsedFile {
  // Never quote the offending text: it may be a secret.
  const yaml = parseYamlFile(text, display, { quoteErrors: false, fix: 'fix the syntax, or delete the file and run jhm secrets again' });
  return { doc: yaml.doc, lineOf: yaml.lineOf, toJS: yaml.toJS };
}

/** The data of a valid file: section → field → value. */
type FileData = Readonly<Record<string, Readonly<Record<string, string | readonly string[] | undefined>> | undefined>>;

/** Validates the data; messages never include the values. */
function validate(data: unknown, parsed: ParsedFile, hubName: string, partial: boolean): FileData {
  // An emptied field (`cookieSecret:`) counts as missing.
  const clean = dropNulls(data ?? {});
  const s = partial ? partialSchema : schema;
  const result = s.safeParse(clean);
  if (result.success) return result.data as FileData;
  throw new UserErrors(issuesToErrors(result.error.issues, { file: displayPath(hubName), lineOf: parsed.lineOf, describe: (i) => describeIssue(i, clean, hubName) }));
}

/** How the secrets file words an issue: never quoting a value (it may be a secret). */
function describeIssue(i: ZodIssue, data: unknown, hubName: string): IssueWording {
  // Zod leaves inputs out of issues (good: they may be secrets), so look the field up.
  if (i.code === 'invalid_type' && valueAt(data, i.path) === undefined) {
    return { message: 'is missing', fix: `run jhm secrets ${hubName} to generate it`, noLine: true };
  }
  if (i.code === 'unrecognized_keys') {
    return { message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => quote(k)).join(', ')}: remove or rename ${i.keys.length > 1 ? 'them' : 'it'}` };
  }
  if (i.code === 'invalid_type') {
    return {
      message: `must be ${i.expected === 'array' ? 'a list' : i.expected === 'object' ? 'a mapping' : i.expected === 'string' ? 'a string (quote it if YAML reads it as a number)' : `a ${i.expected}`}`,
    };
  }
  return { message: i.message };
}

/** `data` without the null entries of its mappings (at any depth). */
function dropNulls(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(dropNulls);
  if (data === null || typeof data !== 'object') return data;
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/**
 * Loads and validates `secrets/<hub>.yaml`, decrypting it when it is a sops file (with the user's
 * age identity: an error names the variables when none is set, the file when none opens it). Throws a `UserError` naming the file and field when
 * the file is missing (create it with `jhm secrets <hub>`), malformed, lacks a generated token, or
 * lacks `github.clientSecret` while the hub logs in with GitHub. The file must be a regular file
 * of at most 1 MiB (`readInputFile`); `onWarning` hears when its group or others may read it.
 */
export function loadSecrets(root: string, hub: Hub, onWarning?: (warning: Diagnostic) => void): HubSecrets {
  const file = secretsFilePath(root, hub.name);
  const display = displayPath(hub.name);
  const read = readInputFile(file, display);
  if (read === undefined) {
    throw new UserError('no secrets file for this hub', { file: display, fix: `create it with: jhm secrets ${hub.name}` });
  }
  const parsed = parseFile(read.text, display);
  let plain: unknown;
  if (isSopsDocument(parsed.doc)) {
    plain = decryptSopsDocument(parsed.doc, display).data;
  } else {
    const loose = secretsModeWarning(hub.name, read.mode);
    if (loose !== undefined) onWarning?.(loose);
    plain = parsed.toJS();
  }
  const data = validate(plain, parsed, hub.name, false);
  const valueOf = (f: SecretField) => data[f.file[0]]?.[f.file[1]];
  // A field set by hand that this hub needs (the GitHub client secret of a GitHub hub).
  const unset = FIELDS.find((f) => fieldApplies(f, hub) && valueOf(f) === undefined);
  if (unset !== undefined) throw new UserError('is not set', { file: display, field: fieldName(unset), fix: unset.fix?.(hub) ?? `generate it with: jhm secrets ${hub.name}` });
  return secretsFrom(valueOf);
}

/**
 * The warning for a secrets file that its group or other users may read (`mode`: its permission
 * bits), with the fix; `undefined` when only its owner may.
 */
export function secretsModeWarning(hubName: string, mode: number): Diagnostic | undefined {
  const group = (mode & 0o040) !== 0;
  const others = (mode & 0o004) !== 0;
  if (!group && !others) return undefined;
  const display = displayPath(hubName);
  const readers = group && others ? 'its group and other users' : group ? 'its group' : 'other users';
  return warning(`mode ${(mode & 0o777).toString(8).padStart(4, '0')} lets ${readers} read it`, { file: display, fix: `restrict it with: chmod 600 ${display}` });
}

/** Options of `ensureSecrets`. */
export interface EnsureSecretsOptions {
  /**
   * GitHub client secret to store when the file has none. Never replaces one that is there
   * (a different value is an error: edit the file to change it).
   * @default - none: a commented placeholder tells the user to fill it in
   */
  readonly githubClientSecret?: string;
  /**
   * The client secret of the hub's login (`github`, `cilogon` or `generic`, whichever
   * `jupyterhub.auth.type` says), stored as `githubClientSecret` is.
   * @default - none
   */
  readonly clientSecret?: string;
}

/** The client secret field of `hub`'s login (GitHub's, CILogon's or the generic provider's); undefined for a login without one. */
export function loginClientSecretField(hub: Hub): SecretField | undefined {
  return FIELDS.find((f) => f.generate === undefined && f.file[1] === 'clientSecret' && fieldApplies(f, hub));
}

/** What `ensureSecrets` did. */
export interface EnsureSecretsResult {
  /** Fields added, as dotted paths (e.g. `jupyterhub.cookieSecret`); empty when nothing changed. */
  readonly created: string[];
  /** Absolute path of the secrets file. */
  readonly file: string;
  /** Fields the user still has to fill in by hand (e.g. `github.clientSecret`). */
  readonly missing: string[];
  /** Whether the file was written (created, completed, or encrypted for `.sops.yaml`'s recipients). */
  readonly written: boolean;
  /** The age recipients the file is encrypted for; `undefined` for a plain file. */
  readonly recipients?: readonly string[];
  /** An encrypted file left as it was, whose recipients are not those `.sops.yaml` names now. */
  readonly staleRecipients?: boolean;
}

/** The `.sops.yaml` creation rule for hub `hubName`'s secrets file, if it names age recipients. */
export function secretsSopsRule(root: string, hubName: string): SopsRule | undefined {
  return sopsRuleFor(path.join(root, SOPS_CONFIG), displayPath(hubName));
}

/** Why an encrypted file cannot be written when `.sops.yaml` names no recipient for it. */
function noRecipients(display: string): UserError {
  return new UserError(`is encrypted with sops, and ${SOPS_CONFIG} names no age recipient for it`, {
    file: display,
    fix: `add a creation rule for it with your age recipients to ${SOPS_CONFIG}, or decrypt it for good with: sops decrypt -i ${display}`,
  });
}

function placeholderComment(hub: Hub): string {
  const app = usesGitHub(hub) ? ` ${hub.jupyterhub.auth.clientId}` : '';
  return [
    ` TODO: set clientSecret to the client secret of the GitHub OAuth app${app}`,
    ' (github.com > Settings > Developer settings > OAuth Apps), then run: jhm synth',
    ` clientSecret: <paste it here>`,
  ].join('\n');
}

function header(hubName: string): string {
  return [
    ` Secrets of hub "${hubName}". Never commit this file or paste it anywhere: secrets/ is git-ignored.`,
    ` Created by \`jhm secrets ${hubName}\`, which adds missing tokens and never overwrites a value.`,
    ' To rotate a generated token, delete its line and run that command again.',
  ].join('\n');
}

/**
 * Creates `secrets/<hub>.yaml` if needed and adds every missing generated token (32 random bytes,
 * hex), and the GitHub client secret when given. Never overwrites an existing value; keeps the
 * file's comments; leaves the file at mode 0600. When the hub logs in with GitHub and the client
 * secret is absent, writes a commented placeholder telling the user to fill it in.
 *
 * When `.sops.yaml` names age recipients for the file, writes it encrypted for them instead
 * (without comments), and encrypts a plain file that is already there; an encrypted file is
 * decrypted with the user's identity first, and rewritten only when a field is added. Nothing is
 * written when a key is missing or wrong.
 */
export function ensureSecrets(root: string, hub: Hub, opts: EnsureSecretsOptions = {}): EnsureSecretsResult {
  const file = secretsFilePath(root, hub.name);
  const display = displayPath(hub.name);
  const read = readInputFile(file, display);
  const exists = read !== undefined;
  const rule = secretsSopsRule(root, hub.name);
  let encrypted = false;
  let fileRecipients: readonly string[] = [];
  let doc: Document;
  if (exists) {
    const parsed = parseFile(read.text, display);
    if (isSopsDocument(parsed.doc)) {
      encrypted = true;
      const { data, meta } = decryptSopsDocument(parsed.doc, display);
      fileRecipients = meta.age.map((a) => a.recipient);
      validate(data, parsed, hub.name, true);
      doc = new Document(data);
    } else {
      validate(parsed.toJS(), parsed, hub.name, true);
      doc = parsed.doc;
    }
  } else {
    doc = new Document({});
    doc.commentBefore = header(hub.name);
  }
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as typeof doc.contents;

  const created: string[] = [];
  let changed = !exists;
  const isSet = (p: readonly string[]): boolean => {
    const v = doc.getIn(p as string[]);
    return v !== undefined && v !== null;
  };
  const add = (p: readonly string[], value: unknown): void => {
    setField(doc, p, value);
    created.push(p.join('.'));
    changed = true;
  };

  const loginField = opts.clientSecret !== undefined ? loginClientSecretField(hub) : CLIENT_SECRET;
  if (opts.clientSecret !== undefined && loginField === undefined) {
    throw new UserError(`hub ${hub.name} logs in with ${hub.jupyterhub.auth.type}, which has no client secret`, { fix: 'leave the client secret out' });
  }
  const givenSecret = opts.clientSecret ?? opts.githubClientSecret;
  if (givenSecret !== undefined && loginField !== undefined) {
    const given = givenSecret.trim();
    const whose = loginField === CLIENT_SECRET ? 'GitHub' : hub.jupyterhub.auth.type === 'cilogon' ? 'CILogon' : 'OAuth';
    if (!noWhitespace.test(given)) {
      throw new UserError(`the ${whose} client secret given is empty or contains spaces`, { fix: `pass the client secret exactly as ${whose === 'OAuth' ? 'the provider' : whose} shows it` });
    }
    if (!isSet(loginField.file)) {
      add(loginField.file, given);
    } else if (doc.getIn([...loginField.file]) !== given) {
      throw new UserError('already set to another value; jhm secrets never overwrites a secret', {
        file: display,
        field: loginField.file.join('.'),
        fix: encrypted ? `edit the file with sops to change it: sops edit ${display}` : 'edit the file by hand to change it',
      });
    }
  }

  for (const f of FIELDS) {
    if (f.generate !== undefined && fieldApplies(f, hub) && !isSet(f.file)) add(f.file, f.list ? [f.generate()] : f.generate());
  }

  const missing: string[] = [];
  for (const f of FIELDS) {
    if (f.generate !== undefined || !fieldApplies(f, hub) || isSet(f.file)) continue;
    missing.push(fieldName(f));
    // An encrypted file keeps no comments: no placeholder (jhm secrets says what is missing).
    if (f === CLIENT_SECRET && rule === undefined && !encrypted && ensurePlaceholder(doc, hub)) changed = true;
  }

  if (rule !== undefined) {
    const write = changed || !encrypted;
    if (write) writeFileAtomicSync(file, encryptSopsYaml(dropNulls(doc.toJS()) as Record<string, unknown>, rule.recipients), { private: true });
    const stale = !write && [...fileRecipients].sort().join(',') !== [...rule.recipients].sort().join(',');
    return { created, file, missing, written: write, recipients: write ? rule.recipients : fileRecipients, staleRecipients: stale };
  }
  if (encrypted) {
    if (changed) throw noRecipients(display);
    return { created, file, missing, written: false, recipients: fileRecipients };
  }
  if (changed) writeFileAtomicSync(file, doc.toString({ lineWidth: 0, nullStr: '' }), { private: true });
  else fs.chmodSync(file, 0o600);
  return { created, file, missing, written: changed };
}

/** What `reencryptSecrets` did to one file. */
export interface ReencryptedFile {
  /** Repository-relative path, e.g. `secrets/course-a.yaml`. */
  readonly display: string;
  /** Whether the file was plain before (now encrypted). */
  readonly wasPlain: boolean;
  readonly recipients: readonly string[];
}

/**
 * Writes every secrets file (`secrets/*.yaml`) again, encrypted for the age recipients its
 * `.sops.yaml` creation rule names now, each with a new data key: an encrypted file is decrypted
 * with the user's identity, a plain file is encrypted. A plain file no rule covers is left as it
 * is; an encrypted one no rule covers is refused. Every file is read and decrypted before any is
 * written (a missing or wrong key writes nothing); each is replaced atomically.
 */
export function reencryptSecrets(root: string): ReencryptedFile[] {
  const dir = path.join(root, SECRETS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.yaml') && !n.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const plans: { file: string; data: object; done: ReencryptedFile }[] = [];
  for (const name of names) {
    const hubName = name.slice(0, -'.yaml'.length);
    const display = displayPath(hubName);
    const file = path.join(dir, name);
    const read = readInputFile(file, display);
    if (read === undefined) continue;
    const parsed = parseFile(read.text, display);
    const encrypted = isSopsDocument(parsed.doc);
    const rule = secretsSopsRule(root, hubName);
    if (rule === undefined) {
      if (encrypted) throw noRecipients(display);
      continue;
    }
    const data = encrypted ? decryptSopsDocument(parsed.doc, display).data : dropNulls(parsed.toJS() ?? {});
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new UserError('must be a mapping of sections (github, cilogon or generic, jupyterhub)', { file: display, fix: 'fix the file, or delete it and run jhm secrets again' });
    }
    plans.push({ file, data, done: { display, wasPlain: !encrypted, recipients: rule.recipients } });
  }
  for (const p of plans) writeFileAtomicSync(p.file, encryptSopsYaml(p.data as Record<string, unknown>, p.done.recipients), { private: true });
  return plans.map((p) => p.done);
}

/** Sets `p` to `value`; an empty `github:` (the placeholder) becomes a mapping first. */
function setField(doc: Document, p: readonly string[], value: unknown): void {
  const parentPath = p.slice(0, -1) as string[];
  const parent = doc.getIn(parentPath, true);
  if (parent === null || (isScalar(parent) && parent.value === null)) doc.deleteIn(parentPath);
  doc.setIn(p as string[], doc.createNode(value));
  sortSections(doc);
}

/**
 * Makes `github:` an empty section whose comment tells the user to fill in the client secret,
 * unless it already holds something (the placeholder, a comment the user kept, or content).
 * Returns whether the document changed.
 */
function ensurePlaceholder(doc: Document, hub: Hub): boolean {
  const node = doc.get('github', true);
  if (isScalar(node) && node.value === null && (node.comment || node.commentBefore)) return false;
  if ((isMap(node) && node.items.length > 0) || isSeq(node)) return false;
  const value = new Scalar(null);
  value.comment = placeholderComment(hub);
  doc.set('github', value);
  sortSections(doc);
  return true;
}

/** Keeps the sections in a fixed order (github, then jupyterhub) when one is added. */
function sortSections(doc: Document): void {
  if (!isMap(doc.contents)) return;
  const order = [...new Set(FIELDS.map((f) => f.file[0]))];
  const rank = (k: unknown): number => {
    const i = order.indexOf(isScalar(k) ? String(k.value) : String(k));
    return i < 0 ? order.length : i;
  };
  doc.contents.items.sort((a, b) => rank(a.key) - rank(b.key));
}

/** Every secret string in `secrets` (for leak scans of generated output). */
export { secretValues } from '../model/secret-fields';
