/**
 * What a synth writes for a cluster's Secrets, and what it carries over from the committed output.
 *
 * - **Encrypted Secrets.** When `.sops.yaml` has a creation rule with age recipients for a
 *   cluster's Secrets files (`dist/<cluster>/secrets/<wave file>`), each file is written there
 *   encrypted with sops for the rule's recipients (`encryptSopsManifests`: only the values under
 *   `data` and `stringData` encrypted), committed with the manifests, and no clear copy is written
 *   (`dist-secrets/<cluster>/` is left without jhm's files). The namespaces file of
 *   `dist-secrets/` (no Secret in it) is not written there: the manifests beside it hold the same
 *   Namespaces. Without such a rule, the Secrets go in clear to the git-ignored
 *   `dist-secrets/<cluster>/`, as before.
 * - **Stable.** sops output differs on every encryption (new data key, IVs, age stanzas), so an
 *   encrypted file whose decrypted objects, header and recipients equal the new ones is kept as it
 *   is (its bytes): a re-synth of unchanged input changes nothing in git. Comparing needs the
 *   user's age key; without one (or with one that is not a recipient of the file) the file is
 *   encrypted anew.
 * - **Carried over.** A Secrets file whose secrets were not read (`jhm synth <hub>` of another
 *   hub on the cluster; `jhm check` and `jhm diff`, which read no secrets file) keeps its committed
 *   bytes: the encrypted file always (it is ciphertext), the clear one only in a real synth (never
 *   copied to a temporary folder). The wave files of the other hubs of `jhm synth <hub>` keep
 *   theirs too, and one line says when one is out of date with its hub file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { Diagnostic, warning } from '../model/diagnostics';
import { UserError } from '../model/errors';
import { ENCRYPTED_SECRETS_DIR, OUTPUT_DIRS, ProjectLayout } from '../project/layout';
import { decryptSopsManifests, encryptSopsManifests, isSopsDocument, SOPS_CONFIG, sopsRuleFor } from '../project/sops';
import { AGE_KEY_VARIABLES } from '../project/sops-age';
import type { ClusterManifestResult, SecretsMode } from '../k8s/synth';

/** A cluster's result with its Secrets as they are written: in clear (`files.secrets`) or encrypted. */
export interface ClusterOutput extends ClusterManifestResult {
  /** The files of `dist/<cluster>/secrets/` (encrypted); empty when the cluster's Secrets are in clear. */
  readonly encrypted: ReadonlyMap<string, string>;
  /** Hubs whose output was carried over (not synthesized). */
  readonly carried: readonly string[];
}

/** `/`-separated, project-relative path of a cluster's encrypted Secrets file (what `.sops.yaml` rules match). */
export function encryptedSecretsPath(cluster: string, file: string): string {
  return [OUTPUT_DIRS.dist, cluster, ENCRYPTED_SECRETS_DIR, file].join('/');
}

/**
 * The age recipients of each of a cluster's Secrets files (`names`), from `.sops.yaml`'s creation
 * rules; `undefined` when no rule names recipients for any of them (the Secrets stay in clear).
 * A rule for some of them and not for others is an error naming `.sops.yaml`.
 */
export function secretsRecipients(root: string, cluster: string, names: readonly string[]): ReadonlyMap<string, readonly string[]> | undefined {
  const config = path.join(root, SOPS_CONFIG);
  const rules = names.map((n) => [n, sopsRuleFor(config, encryptedSecretsPath(cluster, n))?.recipients] as const);
  const covered = rules.filter(([, r]) => r !== undefined);
  if (covered.length === 0) return undefined;
  const missing = rules.filter(([, r]) => r === undefined).map(([n]) => encryptedSecretsPath(cluster, n));
  if (missing.length > 0) {
    throw new UserError(`creation_rules name age recipients for some of cluster ${cluster}'s Secrets files but not for ${missing.join(', ')}`, {
      file: SOPS_CONFIG,
      field: 'creation_rules',
      fix: `make one rule cover them all (path_regex: ^${OUTPUT_DIRS.dist}/[^/]+/${ENCRYPTED_SECRETS_DIR}/)`,
    });
  }
  return new Map(covered.map(([n, r]) => [n, r!]));
}

/** A manifest file jhm writes: its header comment and its objects. */
function splitManifestFile(text: string): { header: string; objects: Record<string, unknown>[] } {
  const at = text.indexOf('\n---\n');
  const header = at < 0 ? '' : text.slice(0, at);
  const objects = parseAllDocuments(at < 0 ? text : text.slice(at + 5))
    .map((d) => d.toJS() as unknown)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
  return { header, objects };
}

/** The header of an encrypted file (its clear comment lines before the first `---`). */
function headerOf(text: string): string {
  const at = text.indexOf('\n---\n');
  return at < 0 ? '' : text.slice(0, at);
}

/** Whether the user has an age identity set (sops's variables): only then can a committed file be compared. */
function hasIdentity(env: NodeJS.ProcessEnv): boolean {
  return AGE_KEY_VARIABLES.some((v) => (env[v] ?? '').trim() !== '');
}

/**
 * The encrypted text of the clear manifest file `clear` for `recipients`: the committed file
 * `committed` (its text) when it decrypts with the user's key to the same objects, has the same
 * header and the same recipients; else a new encryption.
 */
export function stableEncryption(clear: string, recipients: readonly string[], committed: string | undefined, display: string, env: NodeJS.ProcessEnv = process.env): string {
  const { header, objects } = splitManifestFile(clear);
  if (committed !== undefined && hasIdentity(env) && headerOf(committed) === header) {
    try {
      const before = decryptSopsManifests(committed, display, env);
      const first = parseAllDocuments(committed).find((d) => d.get('sops') !== undefined);
      const had = ((first?.getIn(['sops', 'age']) as { toJSON(): { recipient: string }[] } | undefined)?.toJSON() ?? []).map((a) => a.recipient);
      const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');
      if (JSON.stringify(before) === JSON.stringify(objects) && same(had, recipients)) return committed;
    } catch (e) {
      // A file the user's key does not open (or changed outside sops): encrypted anew.
      if (!(e instanceof UserError)) throw e;
    }
  }
  return encryptSopsManifests(objects, recipients, header);
}

/** Whether `file` is a sops file (a top-level `sops` mapping); false when it is missing or not YAML. */
function isSopsFile(file: string): boolean {
  const text = readIfExists(file);
  if (text === undefined || !/^sops:/m.test(text)) return false;
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isSopsDocument(doc);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * A cluster's output as the synth writes it: the other hubs' files (`carried`) replaced by their
 * committed ones under `root`, and the Secrets encrypted when `.sops.yaml` says so (see the module
 * comment). `mode` is the synth's secrets mode (`none`: diff and check, into a temporary folder).
 */
export function finishClusterOutput(root: string, result: ClusterManifestResult, carried: ReadonlySet<string>, mode: SecretsMode, env: NodeJS.ProcessEnv = process.env): ClusterOutput {
  const layout = new ProjectLayout(root);
  const cluster = result.cluster.name;
  const warnings: Diagnostic[] = [...result.warnings];
  const dist = new Map(result.files.dist);
  const carriedHubs: string[] = [];
  for (const hub of result.hubs.filter((h) => carried.has(h.name))) {
    const names = (result.hubFiles.get(hub.name) ?? []).filter((n) => dist.has(n));
    const committed = names.map((n) => [n, readIfExists(path.join(layout.output('dist', cluster), n))] as const);
    if (committed.some(([, text]) => text === undefined)) {
      warnings.push(warning(`has no output in ${OUTPUT_DIRS.dist}/${cluster}/ yet: its manifests are written without its Secrets`, { file: hub.source, fix: `run jhm synth ${hub.name}` }));
      continue;
    }
    carriedHubs.push(hub.name);
    const stale = committed.filter(([n, text]) => text !== dist.get(n)).map(([n]) => `${OUTPUT_DIRS.dist}/${cluster}/${n}`);
    if (stale.length > 0) warnings.push(warning(`${stale.join(', ')} kept as committed, and out of date with this file`, { file: hub.source, fix: `run jhm synth ${hub.name}` }));
    for (const [n, text] of committed) dist.set(n, text!);
  }
  const carriedFiles = new Set(carriedHubs.flatMap((h) => result.hubFiles.get(h) ?? []));
  const recipients = secretsRecipients(root, cluster, result.secretFileNames);
  const clear = new Map<string, string>();
  const encrypted = new Map<string, string>();
  for (const name of result.secretFileNames) {
    const filled = result.files.secrets.get(name);
    if (recipients !== undefined) {
      const file = layout.encryptedSecretsFile(cluster, name);
      const committed = readIfExists(file);
      const display = path.relative(root, file).split(path.sep).join('/');
      // A file without a Secret (the namespaces of dist-secrets/, so that folder applies on its own)
      // is not written: beside the manifests it would repeat their Namespaces in the kustomization.
      if (filled !== undefined && !splitManifestFile(filled).objects.some((o) => o.kind === 'Secret')) continue;
      if (filled !== undefined) encrypted.set(name, stableEncryption(filled, recipients.get(name)!, committed, display, env));
      else if (committed !== undefined) encrypted.set(name, committed);
    } else if (filled !== undefined) {
      clear.set(name, filled);
    } else if (mode !== 'none' && carriedFiles.has(name)) {
      const committed = readIfExists(path.join(layout.output('secrets', cluster), name));
      if (committed !== undefined) clear.set(name, committed);
    }
  }
  if (recipients === undefined && clear.size > 0) {
    // Secrets files kept encrypted in git, and the Secrets made from them in clear: said once, not silently.
    const encryptedInputs = result.hubs.filter((h) => isSopsFile(layout.secretsFile(h.name))).map((h) => path.relative(root, layout.secretsFile(h.name)).split(path.sep).join('/'));
    if (encryptedInputs.length > 0) {
      warnings.push(
        warning(`names age recipients for ${encryptedInputs.join(', ')} but none for ${encryptedSecretsPath(cluster, '<file>')}: the cluster's Secrets are written in clear to the git-ignored ${OUTPUT_DIRS.secrets}/${cluster}/`, {
          file: SOPS_CONFIG,
          fix: `to commit them encrypted, make a creation rule's path_regex match ${OUTPUT_DIRS.dist}/${cluster}/${ENCRYPTED_SECRETS_DIR}/ too (docs/encrypted-secrets.md)`,
        }),
      );
    }
  }
  return { ...result, files: { dist, secrets: clear }, encrypted, carried: carriedHubs, warnings };
}
