/**
 * Output that never loses data.
 *
 * - **Staging.** A synth writes into `.jhm/staging/synth-*` (inside the project, so on the same file
 *   system as the outputs and every swap is a rename). Nothing under the outputs changes until every
 *   hub has succeeded.
 * - **Ownership.** `.jhm/state/<hub>.json` records every file jhm wrote for a hub (with its sha256).
 *   `dist/<hub>` and `dist-secrets/<hub>` belong to jhm as a whole; in `cdktf.out/stacks/<hub>` jhm
 *   owns only the files it wrote, so `.terraform/`, `.terraform.lock.hcl`, state files and anything
 *   else stay where they are. `--prune` removes only the recorded output of hubs whose hub file is
 *   gone, and anything else under the output folders is reported and left alone.
 * - **Journal.** Before the first rename, the commit writes every rename it will make to
 *   `.jhm/journal.json` (fsynced). The commit swaps in each hub's stack files, manifests, Secrets,
 *   record and its entry of `cdktf.out/manifest.json`. Every jhm command that touches outputs first
 *   finishes an interrupted journal (or, if it cannot, undoes it) and removes left-over staging
 *   folders, which may hold Secrets. So after a crash at any point every hub's output is all old or
 *   all new, and no file is lost. A rename that fails during a commit undoes the ones before it.
 * - **Lock.** One command at a time (`lock.ts`); a paused holder keeps its lock.
 */
import { AsyncLocalStorage } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../model/errors';
import { sha256, writeJsonAtomicSync } from '../base/files';
import { ENCRYPTED_SECRETS_DIR, GENERATED_BY_JHM, OUTPUT_DIRS, OutputKind, PROJECT_PATHS, STACK_FILE_NAME } from '../project/layout';
import { KUSTOMIZATION_FILE, kustomizationText } from '../k8s/kustomization';
import { acquireLock, describeHolder } from './lock';
import { info, warn } from './report';

export { OUTPUT_DIRS };
export type { OutputKind };

const KINDS = Object.keys(OUTPUT_DIRS) as OutputKind[];

/** `cdktf.out/manifest.json`, relative to the project root. */
export const CDKTF_MANIFEST = PROJECT_PATHS.cdktfManifest;
const STATE_DIR = PROJECT_PATHS.state;
const STAGING_DIR = PROJECT_PATHS.staging;
const JOURNAL = PROJECT_PATHS.journal;
const LOCK = PROJECT_PATHS.lock;
const JHM_DIR = PROJECT_PATHS.jhm;

// ---------------------------------------------------------------------------------------------
// Ownership records

/** What jhm wrote for one hub (`.jhm/state/<hub>.json`). */
export interface HubRecord {
  readonly format: 2;
  /** Digest of the hub's inputs (incremental synth), or null when not all outputs come from one full synth. */
  readonly key: string | null;
  /** Every file jhm wrote for the hub, relative to the output root (`/` separated) → sha256. */
  readonly files: Readonly<Record<string, string>>;
}

/** Output-root-relative path with `/` separators. */
const slash = (p: string) => p.split(path.sep).join('/');

/** The record of `hub` under `root`, or undefined when there is none (or it cannot be read). */
export function readRecord(root: string, hub: string): HubRecord | undefined {
  let data: { format?: number; key?: unknown; files?: unknown };
  try {
    data = JSON.parse(fs.readFileSync(path.join(root, STATE_DIR, `${hub}.json`), 'utf8')) as typeof data;
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || typeof data.files !== 'object' || data.files === null) return undefined;
  const files = data.files as Record<string, string>;
  if (data.format === 2) return { format: 2, key: typeof data.key === 'string' ? data.key : null, files };
  // Records of jhm before ownership listed every file of the stack folder: own only the Terraform JSON there.
  const stacks = `${slash(OUTPUT_DIRS.stacks)}/`;
  return { format: 2, key: null, files: Object.fromEntries(Object.entries(files).filter(([f]) => !f.startsWith(stacks) || f.endsWith('.tf.json'))) };
}

/** Hubs with a record under `root`. */
export function recordedHubs(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(root, STATE_DIR));
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -'.json'.length)).sort();
}

/** Names directly inside `<kind>/<hub>/` that `record` lists as jhm's. */
export function ownedEntries(record: HubRecord | undefined, kind: OutputKind, hub: string): string[] {
  if (!record) return [];
  const prefix = `${slash(path.join(OUTPUT_DIRS[kind], hub))}/`;
  const names = new Set<string>();
  for (const f of Object.keys(record.files)) if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]);
  return [...names].sort();
}

/** Terraform's own files in a stack folder: kept there as any other tool's, but not worth a word. */
const TERRAFORM_OWN = /^\.terraform(\.lock\.hcl)?$|\.tfstate(\..*)?$/;

/**
 * Whether `file` is one jhm writes, from its contents: a manifest's first line names jhm, a stack
 * file carries cdktf's stack metadata. How a clone without `.jhm/` (not committed) knows jhm's files.
 */
function writtenByJhm(file: string, name: string): boolean {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(512);
      head = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
  if (name.endsWith('.yaml')) return head.split('\n', 1)[0].startsWith('# ') && head.split('\n', 1)[0].includes(` ${GENERATED_BY_JHM} `);
  return name === STACK_FILE_NAME && /^\{\s*"\/\/":\s*\{\s*"metadata":/.test(head) && head.includes('"stackName"');
}

/** Whether `dir` (a cluster's `dist/<cluster>/secrets/`) holds only files jhm wrote (its encrypted Secrets), and at least one. */
function encryptedSecretsByJhm(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.length > 0 && entries.every((e) => e.isFile() && writtenByJhm(path.join(dir, e.name), e.name));
}

/**
 * The entries of `<kind>/<hub>/` that are jhm's (`owned`: listed in the record, or whose contents
 * say jhm wrote them) and the others (`foreign`), both present now.
 */
export function ownership(root: string, record: HubRecord | undefined, kind: OutputKind, hub: string): { owned: string[]; foreign: string[] } {
  const dir = path.join(root, OUTPUT_DIRS[kind], hub);
  let present: fs.Dirent[];
  try {
    present = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return { owned: [], foreign: [] };
  }
  const recorded = record ? new Set(ownedEntries(record, kind, hub)) : undefined;
  const owned: string[] = [];
  const foreign: string[] = [];
  for (const e of present.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Recorded here, or written by jhm elsewhere (a teammate's synth, committed): its contents say so.
    const mine = recorded?.has(e.name) || (e.isFile() && writtenByJhm(path.join(dir, e.name), e.name)) || (kind === 'dist' && e.isDirectory() && e.name === ENCRYPTED_SECRETS_DIR && encryptedSecretsByJhm(path.join(dir, e.name)));
    (mine ? owned : foreign).push(e.name);
  }
  return { owned, foreign };
}

/** Files under `dir` (recursively), relative to it with `/` separators; empty when it is missing. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw e;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Entries under the output folders that no defined hub owns and that `prune` does not remove: other
 * tools' folders (`dist/.git`, `dist/argocd`), and what jhm did not write in a pruned hub's stack folder.
 */
export function foreignOutputs(root: string, defined: ReadonlySet<string>, pruned: readonly string[]): string[] {
  const out: string[] = [];
  for (const kind of KINDS) {
    let entries: string[];
    try {
      entries = fs.readdirSync(path.join(root, OUTPUT_DIRS[kind]));
    } catch {
      continue;
    }
    for (const name of entries.sort()) {
      if (defined.has(name)) continue;
      const rel = slash(path.join(OUTPUT_DIRS[kind], name));
      if (!pruned.includes(name)) {
        out.push(rel);
        continue;
      }
      const owned = new Set(ownedEntries(readRecord(root, name), kind, name));
      if (kind !== 'stacks') {
        if (owned.size === 0) out.push(rel);
        continue;
      }
      for (const e of fs.readdirSync(path.join(root, rel)).sort()) if (!owned.has(e)) out.push(`${rel}/${e}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Staging and the commit

/** What a staged synth swaps in (`<staging>/commit/plan.json`). */
export interface CommitPlan {
  /** Hubs whose staged output replaces theirs. */
  readonly install: readonly string[];
  /** The kinds of output staged for them. */
  readonly kinds: readonly OutputKind[];
  /** Deleted hubs whose recorded output is removed (`--prune`). */
  readonly retire: readonly string[];
}

interface CdktfManifest {
  version?: string;
  stacks: Record<string, unknown>;
}

/** One rename (or folder) of a commit; paths relative to the project root. */
type Step =
  /** Moves old output into the trash. Done when `to` (unique to this commit) exists. */
  | { readonly op: 'retire'; readonly from: string; readonly to: string }
  /** Moves staged output into place. Done when `from` (unique to this commit) is gone. */
  | { readonly op: 'install'; readonly from: string; readonly to: string }
  | { readonly op: 'mkdir'; readonly path: string }
  | { readonly op: 'rmdir'; readonly path: string };

interface Journal {
  readonly format: 1;
  /** The staging folder of the commit (relative to the root). */
  readonly staging: string;
  readonly install: readonly string[];
  readonly retire: readonly string[];
  readonly steps: readonly Step[];
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function fsyncPath(p: string): void {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // some file systems cannot fsync a folder; the rename order still holds for a process crash
  } finally {
    fs.closeSync(fd);
  }
}

/** fsyncs every file and folder under `dir` (the staged output must be on disk before the journal). */
function fsyncTree(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) fsyncTree(full);
    else if (e.isFile()) fsyncPath(full);
  }
  fsyncPath(dir);
}

function isDone(root: string, step: Step): boolean {
  switch (step.op) {
    case 'retire':
      return exists(path.join(root, step.to));
    case 'install':
      return !exists(path.join(root, step.from));
    case 'mkdir':
      return exists(path.join(root, step.path));
    case 'rmdir':
      return !exists(path.join(root, step.path));
  }
}

function rename(root: string, from: string, to: string): void {
  fs.renameSync(path.join(root, from), path.join(root, to));
  fsyncPath(path.dirname(path.join(root, to)));
  fsyncPath(path.dirname(path.join(root, from)));
}

function doStep(root: string, step: Step): void {
  if (step.op === 'retire' || step.op === 'install') rename(root, step.from, step.to);
  else if (step.op === 'mkdir') fs.mkdirSync(path.join(root, step.path));
  else fs.rmdirSync(path.join(root, step.path));
}

function undoStep(root: string, step: Step): void {
  if (step.op === 'retire' || step.op === 'install') rename(root, step.to, step.from);
  else if (step.op === 'mkdir') {
    try {
      fs.rmdirSync(path.join(root, step.path));
    } catch (e) {
      // something else was put there meanwhile: keep it (and the folder)
      if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } else fs.mkdirSync(path.join(root, step.path));
}

/** Undoes the steps of `journal` that are done, last first. */
function rollBack(root: string, journal: Journal): void {
  for (const step of [...journal.steps].reverse()) if (isDone(root, step)) undoStep(root, step);
}

/** Does the steps of `journal` that are not done yet, in order. */
function rollForward(root: string, journal: Journal): void {
  for (const step of journal.steps) if (!isDone(root, step)) doStep(root, step);
}

function removeJournal(root: string): void {
  fs.rmSync(path.join(root, JOURNAL), { force: true });
  fsyncPath(path.join(root, JHM_DIR));
}

/** A one-line hint for a rename that failed with `code`. */
function renameFix(code: string | undefined): string {
  switch (code) {
    case 'EXDEV':
      return 'keep dist/, dist-secrets/, cdktf.out/ and .jhm/ on the file system of the project (not a mount point or a link to another disk)';
    case 'EEXIST':
    case 'ENOTDIR':
    case 'ENOTEMPTY':
    case 'EISDIR':
      return 'something is in the way of the output: move it out of the output folders and run again';
    case 'EACCES':
    case 'EPERM':
      return 'make the output folders writable by you and run again';
    default:
      return 'fix the cause and run again';
  }
}

/** Test hook: `JHM_FAULT_AFTER_STEP=n` fails (`JHM_FAULT_MODE=fail`, default) or kills (`kill`) the process after the n-th step of a commit. */
function faultInjector(): () => void {
  const at = Number(process.env.JHM_FAULT_AFTER_STEP ?? '0');
  const mode = process.env.JHM_FAULT_MODE ?? 'fail';
  let step = 0;
  return () => {
    step += 1;
    if (!(at > 0) || step !== at) return;
    if (mode === 'kill') {
      process.kill(process.pid, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
    throw Object.assign(new Error(`injected fault after commit step ${step}`), { code: 'EJHMFAULT' });
  };
}

/** A staging area for one synth, inside the project's `.jhm/` (so on the file system of the outputs). */
export class Staging {
  /** Opens the staging folder `dir` of a synth into `root` (to commit it). */
  public static open(root: string, dir: string): Staging {
    return new Staging(root, dir);
  }

  public readonly dir: string;
  private readonly root: string;

  constructor(root: string, dir?: string) {
    this.root = path.resolve(root);
    if (dir) {
      this.dir = path.resolve(dir);
    } else {
      const base = path.join(this.root, STAGING_DIR);
      fs.mkdirSync(base, { recursive: true, mode: 0o700 });
      this.dir = fs.mkdtempSync(path.join(base, 'synth-'));
    }
  }

  /** Staged folder of `kind` for `hub`. */
  public hubDir(kind: OutputKind, hub: string): string {
    return path.join(this.dir, OUTPUT_DIRS[kind], hub);
  }

  /** Writes `files` (name → text) into the staged folder of `kind` for `hub`. */
  public writeFiles(kind: OutputKind, hub: string, files: ReadonlyMap<string, string>, mode?: number): void {
    const dir = this.hubDir(kind, hub);
    fs.mkdirSync(dir, { recursive: true, mode: kind === 'secrets' ? 0o700 : undefined });
    for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      fs.writeFileSync(path.join(dir, name), text, { mode: mode ?? (kind === 'secrets' ? 0o600 : 0o644) });
    }
  }

  /**
   * Writes the kustomization of `cluster`'s staged `dist/` folder (`k8s/kustomization.ts`), listing
   * the files staged there: call it once every file of the folder is staged. `source` is the file
   * the cluster comes from, for its header.
   */
  public writeKustomization(cluster: string, source: string): void {
    const files = listFiles(this.hubDir('dist', cluster));
    if (files.length === 0) return;
    this.writeFiles('dist', cluster, new Map([[KUSTOMIZATION_FILE, kustomizationText(files, source)]]));
  }

  private get commitDir(): string {
    return path.join(this.dir, 'commit');
  }

  /**
   * Stages what goes with the output: each installed hub's record (`keys`: its input digest, or null)
   * and the merged `cdktf.out/manifest.json`, and the plan. Checks the project's manifest first: a
   * corrupt one is a user error before anything is swapped.
   */
  public prepare(plan: CommitPlan, keys: ReadonlyMap<string, string | null>): void {
    fs.mkdirSync(path.join(this.commitDir, 'state'), { recursive: true });
    for (const hub of plan.install) {
      const old = readRecord(this.root, hub);
      const files: Record<string, string> = {};
      for (const kind of KINDS) {
        const rel = path.join(OUTPUT_DIRS[kind], hub);
        if (plan.kinds.includes(kind)) {
          for (const f of listFiles(path.join(this.dir, rel))) files[`${slash(rel)}/${f}`] = sha256(fs.readFileSync(path.join(this.dir, rel, f)));
        } else if (old) {
          for (const [f, digest] of Object.entries(old.files)) if (f.startsWith(`${slash(rel)}/`)) files[f] = digest;
        }
      }
      const record: HubRecord = { format: 2, key: keys.get(hub) ?? null, files: Object.fromEntries(Object.keys(files).sort().map((f) => [f, files[f]])) };
      writeJsonAtomicSync(path.join(this.commitDir, 'state', `${hub}.json`), record);
    }

    const fresh = path.join(this.dir, CDKTF_MANIFEST);
    const staged = fs.existsSync(fresh) ? (JSON.parse(fs.readFileSync(fresh, 'utf8')) as CdktfManifest) : undefined;
    if (staged || plan.retire.length > 0) {
      const current = readCdktfManifest(this.root);
      if (current || staged) {
        const stacks: Record<string, unknown> = { ...(current?.stacks ?? {}), ...(staged?.stacks ?? {}) };
        for (const h of plan.retire) delete stacks[h];
        const merged = { ...(current ?? {}), ...(staged ?? {}), stacks: Object.fromEntries(Object.keys(stacks).sort().map((k) => [k, stacks[k]])) };
        writeJsonAtomicSync(path.join(this.commitDir, 'manifest.json'), merged);
      }
    }
    writeJsonAtomicSync(path.join(this.commitDir, 'plan.json'), plan);
  }

  /**
   * What `steps` keeps in jhm's folders because jhm did not write it (relative to the root, `/`
   * separated): reported by the synth, never moved.
   */
  public readonly kept: string[] = [];

  /**
   * The renames that swap the staged output in (old output goes to `<staging>/trash`). Only what
   * jhm wrote is moved (`ownership`): a folder holding nothing else is swapped whole; in one that
   * holds other files too, jhm's files are swapped one by one and the others kept. Refused before
   * anything moves: a staged file whose name another tool's file already has, and a folder jhm has
   * no record of that holds files jhm did not write (a new cluster named like another tool's folder).
   */
  private steps(plan: CommitPlan): Step[] {
    const root = this.root;
    const rel = (p: string) => path.relative(root, p);
    const trash = path.join(this.dir, 'trash');
    const steps: Step[] = [];
    const retire = (target: string, name: string) => {
      const to = path.join(trash, name);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      steps.push({ op: 'retire', from: target, to: rel(to) });
    };
    const record = (hub: string, install: boolean) => {
      const target = path.join(STATE_DIR, `${hub}.json`);
      if (exists(path.join(root, target))) retire(target, path.join('state', `${hub}.json`));
      if (install) steps.push({ op: 'install', from: rel(path.join(this.commitDir, 'state', `${hub}.json`)), to: target });
    };
    const keep = (kind: OutputKind, target: string, foreign: readonly string[]) => {
      for (const name of foreign) if (kind !== 'stacks' || !TERRAFORM_OWN.test(name)) this.kept.push(slash(path.join(target, name)));
    };
    for (const hub of plan.install) {
      const old = readRecord(root, hub);
      for (const kind of plan.kinds) {
        const target = path.join(OUTPUT_DIRS[kind], hub);
        const staged = this.hubDir(kind, hub);
        const stagedNames = exists(staged) ? fs.readdirSync(staged).sort() : [];
        const { owned, foreign } = ownership(root, old, kind, hub);
        if (old === undefined && kind !== 'stacks' && foreign.length > 0) {
          throw new UserError(`${slash(target)} holds ${foreign.map((f) => slash(path.join(target, f))).join(', ')}, which jhm did not write, and jhm has no record of the folder; nothing was changed`, {
            fix: `move ${foreign.length === 1 ? 'it' : 'them'} out of ${slash(target)} (jhm writes cluster ${hub}'s output there), or name the cluster otherwise`,
          });
        }
        const clash = stagedNames.filter((n) => foreign.includes(n));
        if (clash.length > 0) {
          throw new UserError(`${clash.map((f) => slash(path.join(target, f))).join(', ')} ${clash.length === 1 ? 'was' : 'were'} not written by jhm, and jhm would write ${clash.length === 1 ? 'it' : 'them'} now; nothing was changed`, {
            fix: `move ${clash.length === 1 ? 'it' : 'them'} out of ${slash(target)} and run again`,
          });
        }
        keep(kind, target, foreign);
        if (kind !== 'stacks' && foreign.length === 0) {
          // Only jhm's files: the folder is swapped whole.
          if (exists(path.join(root, target))) retire(target, path.join(kind, hub));
          if (exists(staged)) steps.push({ op: 'install', from: rel(staged), to: target });
          continue;
        }
        if (!exists(path.join(root, target))) steps.push({ op: 'mkdir', path: target });
        for (const name of owned) retire(path.join(target, name), path.join(kind, hub, name));
        for (const name of stagedNames) steps.push({ op: 'install', from: rel(path.join(staged, name)), to: path.join(target, name) });
      }
      record(hub, true);
    }
    for (const hub of plan.retire) {
      const old = readRecord(root, hub);
      for (const kind of KINDS) {
        const target = path.join(OUTPUT_DIRS[kind], hub);
        if (!exists(path.join(root, target))) continue;
        const { owned, foreign } = ownership(root, old, kind, hub);
        if (owned.length === 0) continue;
        keep(kind, target, foreign);
        if (kind !== 'stacks' && foreign.length === 0) {
          retire(target, path.join(kind, hub));
          continue;
        }
        for (const name of owned) retire(path.join(target, name), path.join(kind, hub, name));
        if (foreign.length === 0) steps.push({ op: 'rmdir', path: target });
      }
      record(hub, false);
    }
    const manifest = path.join(this.commitDir, 'manifest.json');
    if (exists(manifest)) {
      if (exists(path.join(root, CDKTF_MANIFEST))) retire(CDKTF_MANIFEST, 'manifest.json');
      steps.push({ op: 'install', from: rel(manifest), to: CDKTF_MANIFEST });
    }
    return steps;
  }

  /** Checks that every output folder is a folder on the file system of the staging area (before anything moves). */
  private preflight(plan: CommitPlan): void {
    const dev = fs.statSync(this.dir).dev;
    const folders = new Set<string>([STATE_DIR, path.dirname(CDKTF_MANIFEST), ...plan.kinds.map((k) => OUTPUT_DIRS[k])]);
    for (const hub of plan.install) if (plan.kinds.includes('stacks')) folders.add(path.join(OUTPUT_DIRS.stacks, hub));
    for (const rel of folders) {
      const full = path.join(this.root, rel);
      let st: fs.Stats;
      try {
        if (!exists(full) && !rel.startsWith(OUTPUT_DIRS.stacks + path.sep)) fs.mkdirSync(full, { recursive: true });
        st = fs.statSync(full);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        if (code !== 'EEXIST' && code !== 'ENOTDIR') throw e;
        throw new UserError(`${rel} (or a folder above it) is not a folder; nothing was changed`, { fix: 'move that file away and run again' });
      }
      if (!st.isDirectory()) throw new UserError(`${rel} is not a folder; nothing was changed`, { fix: 'move that file away and run again' });
      if (st.dev !== dev) {
        throw new UserError(`${rel} is on another file system than .jhm/staging, so its output cannot be swapped in by renames; nothing was changed`, { fix: renameFix('EXDEV') });
      }
    }
  }

  /**
   * Swaps the staged output in as `prepare` planned it: journal first, then the renames. A rename
   * that fails undoes those before it (a one-line `UserError`). Only call this when the whole synth
   * succeeded.
   */
  public commit(): void {
    const root = this.root;
    const plan = JSON.parse(fs.readFileSync(path.join(this.commitDir, 'plan.json'), 'utf8')) as CommitPlan;
    this.preflight(plan);
    const journal: Journal = { format: 1, staging: path.relative(root, this.dir), install: plan.install, retire: plan.retire, steps: this.steps(plan) };
    if (journal.steps.length === 0) return;
    const fault = faultInjector();
    fsyncTree(this.dir);
    writeJsonAtomicSync(path.join(root, JOURNAL), journal);
    fsyncPath(path.join(root, JHM_DIR));
    try {
      fault();
      for (const step of journal.steps) {
        doStep(root, step);
        fault();
      }
    } catch (e) {
      try {
        rollBack(root, journal);
      } catch (undo) {
        throw new UserError(`could not swap in the new output (${(e as Error).message}), nor undo the swap (${(undo as Error).message})`, {
          file: JOURNAL,
          fix: `fix the cause; the next jhm command finishes or undoes the swap from ${JOURNAL}`,
        });
      }
      removeJournal(root);
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`could not swap in the new output: ${(e as Error).message.split('\n')[0]}; every output was restored as it was`, { fix: renameFix(code) });
    }
    removeJournal(root);
    fault();
    this.dispose();
    fault();
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The project's `cdktf.out/manifest.json`, or undefined when there is none; a user error when it is corrupt. */
export function readCdktfManifest(root: string): CdktfManifest | undefined {
  const file = path.join(root, CDKTF_MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const invalid = (why: string) =>
    new UserError(`${why}; nothing was changed`, { file: CDKTF_MANIFEST, fix: `delete ${CDKTF_MANIFEST} and run jhm synth --force, which writes it again for every hub` });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || typeof (data as CdktfManifest).stacks !== 'object' || (data as CdktfManifest).stacks === null || Array.isArray((data as CdktfManifest).stacks)) {
    throw invalid('has no "stacks" object');
  }
  return data as CdktfManifest;
}

// ---------------------------------------------------------------------------------------------
// Recovery and the lock

/** Finishes (or undoes) an interrupted commit and removes left-over staging; call holding the lock. */
function recoverLocked(root: string): void {
  const file = path.join(root, JOURNAL);
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
  if (text !== undefined) {
    let journal: Journal;
    try {
      journal = JSON.parse(text) as Journal;
      if (journal.format !== 1 || !Array.isArray(journal.steps)) throw new Error('unknown format');
    } catch {
      throw new UserError('is not a journal this jhm can read; an interrupted synth cannot be finished', {
        file: JOURNAL,
        fix: `look at the output folders and ${journal_staging(text)}, restore what you need, then delete ${JOURNAL}`,
      });
    }
    checkJournalPaths(root, journal);
    const what = [journal.install.length ? `output of ${journal.install.join(', ')}` : '', journal.retire.length ? `removal of ${journal.retire.join(', ')}` : ''].filter(Boolean).join(' and ');
    try {
      rollForward(root, journal);
      warn(`an earlier jhm command was interrupted while swapping in its output: finished the swap (${what})`);
    } catch (e) {
      try {
        rollBack(root, journal);
      } catch (undo) {
        throw new UserError(`an earlier jhm command was interrupted while swapping in its output, and it can be neither finished (${(e as Error).message}) nor undone (${(undo as Error).message})`, {
          file: JOURNAL,
          fix: 'fix the cause and run again',
        });
      }
      warn(`an earlier jhm command was interrupted while swapping in its output: undid the swap (${what}), as finishing it failed: ${(e as Error).message.split('\n')[0]}`);
    }
    removeJournal(root);
  }
  // Staging folders of interrupted synths (they may hold Secrets), and temporary journal files.
  fs.rmSync(path.join(root, STAGING_DIR), { recursive: true, force: true });
  try {
    for (const f of fs.readdirSync(path.join(root, JHM_DIR))) if (/^\.journal\.json\..*\.tmp$/.test(f)) fs.rmSync(path.join(root, JHM_DIR, f), { force: true });
  } catch {
    // no .jhm folder
  }
}

/** Where a journal's steps may rename: the output folders, the records, the staging area and cdktf's manifest. */
const JOURNAL_AREAS: readonly string[] = [...KINDS.map((k) => OUTPUT_DIRS[k]), STATE_DIR, STAGING_DIR];

/**
 * Refuses, before any rename, a journal with a step that could reach outside the project's own
 * output folders: a path that is not a plain relative path below one of `JOURNAL_AREAS` (or
 * cdktf's manifest), or that goes through a symbolic link (a linked folder leads anywhere). jhm
 * writes only such paths; anything else was planted or corrupted, and following it could replace
 * a file outside the project.
 */
export function checkJournalPaths(root: string, journal: Journal): void {
  const paths = journal.steps.flatMap((step): unknown[] => (step.op === 'mkdir' || step.op === 'rmdir' ? [step.path] : [step.from, step.to]));
  const refuse = (p: unknown, why: string) =>
    new UserError(`holds the path ${JSON.stringify(p)?.slice(0, 120)}, ${why}; nothing was renamed`, {
      file: JOURNAL,
      fix: `jhm writes only paths inside ${[...JOURNAL_AREAS, CDKTF_MANIFEST].join(', ')} there: if no jhm command was interrupted here, delete ${JOURNAL}`,
    });
  const known = new Set(['retire', 'install', 'mkdir', 'rmdir']);
  for (const step of journal.steps) if (typeof step !== 'object' || step === null || !known.has(step.op)) throw refuse(step, 'in a step jhm does not write');
  for (const p of [...paths, journal.staging]) {
    if (typeof p !== 'string' || p === '' || p.includes('\0')) throw refuse(p, 'which is not a path');
    if (path.isAbsolute(p) || p.split(/[\\/]/).some((part) => part === '..' || part === '.' || part === '')) throw refuse(p, 'which is not a plain path relative to the project');
    const inside = p === CDKTF_MANIFEST || JOURNAL_AREAS.some((area) => p.startsWith(`${area}${path.sep}`));
    if (!inside) throw refuse(p, "which is outside the project's output folders");
    // Every folder from the root down to the path must be a real folder, not a link.
    const parts = p.split(path.sep);
    for (let i = 1; i < parts.length; i++) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(root, ...parts.slice(0, i)));
      } catch {
        break;
      }
      if (st.isSymbolicLink()) throw refuse(p, `which goes through the symbolic link ${parts.slice(0, i).join('/')}`);
    }
  }
}

function journal_staging(text: string): string {
  const m = /"staging":\s*"([^"]{1,200})"/.exec(text);
  return m ? m[1] : STAGING_DIR;
}

/** Whether `root` has an interrupted commit or left-over staging to clean up. */
function needsRecovery(root: string): boolean {
  if (exists(path.join(root, JOURNAL))) return true;
  try {
    return fs.readdirSync(path.join(root, STAGING_DIR)).length > 0;
  } catch {
    return false;
  }
}

let lockCommand = 'jhm';

/** Names the running command in the lock (`jhm synth`), for others that wait for it. */
export function setLockCommand(command: string): void {
  lockCommand = command;
}

/**
 * The project locks the running command holds (by resolved root → release), along its async call
 * chain: what a command calls (a synth inside `jhm deploy`) runs under the lock the command took,
 * while another command in the same process (tests run several at once) still waits for it.
 */
const lockScope = new AsyncLocalStorage<Map<string, () => void>>();

/** Takes the lock of `root` (waiting as `withSynthLock` says) and finishes an interrupted commit. */
async function takeLock(root: string, waitSeconds: number): Promise<() => void> {
  fs.mkdirSync(path.join(root, JHM_DIR), { recursive: true });
  const release = await acquireLock(path.join(root, LOCK), {
    command: lockCommand,
    waitSeconds,
    onWait: (holder) => info(`waiting for ${describeHolder(holder)} holding ${LOCK}…`),
  });
  try {
    recoverLocked(root);
  } catch (e) {
    release();
    throw e;
  }
  return release;
}

/**
 * Runs `fn` holding the project's lock (`.jhm/lock`), after finishing any interrupted commit. A
 * second command waits (saying for whom) up to `waitSeconds`, then fails with a clear message; a
 * lock whose holder is gone is taken over, a paused holder keeps it. Within a command that holds
 * the lock already (`holdProjectLock`), `fn` just runs.
 */
export async function withSynthLock<T>(root: string, fn: () => Promise<T>, waitSeconds = 60): Promise<T> {
  const key = path.resolve(root);
  const outer = lockScope.getStore();
  if (outer?.has(key)) return fn();
  const release = await takeLock(key, waitSeconds);
  try {
    return await lockScope.run(new Map([...(outer ?? []), [key, release]]), fn);
  } finally {
    release();
  }
}

/**
 * Runs a whole command (`fn`) in a scope of its own: the locks `holdProjectLock` takes in it are
 * held until `fn` settles, then released.
 */
export async function runCommandScope<T>(fn: () => Promise<T>): Promise<T> {
  const held = new Map<string, () => void>();
  return lockScope.run(held, async () => {
    try {
      return await fn();
    } finally {
      for (const release of held.values()) release();
      held.clear();
    }
  });
}

/**
 * Takes the project's lock for the rest of the running command (inside `runCommandScope`), before
 * the command reads any input or output: what it reads and writes is then one project state.
 */
export async function holdProjectLock(root: string, waitSeconds = 60): Promise<void> {
  const held = lockScope.getStore();
  if (!held) throw new Error('holdProjectLock: not inside runCommandScope');
  const key = path.resolve(root);
  if (!held.has(key)) held.set(key, await takeLock(key, waitSeconds));
}

/** Whether the running command holds the lock of `root`. */
export function holdsProjectLock(root: string): boolean {
  return lockScope.getStore()?.has(path.resolve(root)) ?? false;
}

/**
 * What every command that reads or writes outputs does first: when an earlier command was
 * interrupted during its commit, finish (or undo) it, and remove left-over staging folders
 * (already done when the command holds the lock: taking it recovers).
 */
export async function recoverOutputs(root: string): Promise<void> {
  if (!holdsProjectLock(root) && needsRecovery(root)) await withSynthLock(root, async () => undefined);
}
