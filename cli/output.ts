/**
 * Output that never loses data. A synth writes into a staging folder; only when every hub has
 * succeeded are the hubs' output folders swapped in, one rename each. A lock keeps two synths
 * from interleaving. Other hubs' output is never touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { UserError } from '../config/errors';

/** Where each hub's outputs live, relative to the project root. */
export const OUTPUT_DIRS = {
  /** Terraform JSON: `cdktf.out/stacks/<hub>/cdk.tf.json`. */
  stacks: path.join('cdktf.out', 'stacks'),
  /** Kubernetes manifests, safe to commit: `dist/<hub>/`. */
  dist: 'dist',
  /** Secrets, never committed: `dist-secrets/<hub>/`. */
  secrets: 'dist-secrets',
} as const;

export type OutputKind = keyof typeof OUTPUT_DIRS;

/** A staging area for one synth, on the same file system as the outputs (so renames are atomic). */
export class Staging {
  public readonly dir: string;

  constructor(root: string) {
    const base = path.join(root, '.jhm', 'staging');
    fs.mkdirSync(base, { recursive: true });
    this.dir = fs.mkdtempSync(path.join(base, 'synth-'));
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
   * Moves the staged folders of `kinds` for `hubs` into place under `root`, replacing what was
   * there (a kind with nothing staged for a hub leaves that hub without it). Only call this when
   * the whole synth succeeded.
   */
  public commit(root: string, hubs: readonly string[], kinds: readonly OutputKind[]): void {
    const trash = fs.mkdtempSync(path.join(this.dir, '..', 'trash-'));
    try {
      for (const hub of hubs) {
        for (const kind of kinds) {
          const staged = this.hubDir(kind, hub);
          const target = path.join(root, OUTPUT_DIRS[kind], hub);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          keepTerraformLock(kind, target, staged);
          if (fs.existsSync(target)) fs.renameSync(target, path.join(trash, `${kind}-${hub}`));
          if (fs.existsSync(staged)) fs.renameSync(staged, target);
        }
      }
    } finally {
      fs.rmSync(trash, { recursive: true, force: true });
    }
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `terraform init` writes the provider lock `.terraform.lock.hcl` into the stack folder; a
 * re-synth keeps it, so the provider's checksums stay pinned across deploys.
 */
function keepTerraformLock(kind: OutputKind, target: string, staged: string): void {
  const lock = path.join(target, '.terraform.lock.hcl');
  if (kind === 'stacks' && fs.existsSync(lock) && fs.existsSync(staged)) fs.copyFileSync(lock, path.join(staged, '.terraform.lock.hcl'));
}

/** Hubs that have output folders under `root` (any of the three kinds). */
export function hubsWithOutput(root: string): string[] {
  const names = new Set<string>();
  for (const dir of Object.values(OUTPUT_DIRS)) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const e of fs.readdirSync(full, { withFileTypes: true })) if (e.isDirectory()) names.add(e.name);
  }
  return [...names].sort();
}

/** Removes every output folder of `hub`. */
export function removeHubOutput(root: string, hub: string): void {
  for (const dir of Object.values(OUTPUT_DIRS)) fs.rmSync(path.join(root, dir, hub), { recursive: true, force: true });
}

/**
 * Runs `fn` holding the project's synth lock. A second synth waits up to `waitSeconds` and then
 * fails with a clear message; a lock left by a dead process is taken over.
 */
export async function withSynthLock<T>(root: string, fn: () => Promise<T>, waitSeconds = 60): Promise<T> {
  const dir = path.join(root, '.jhm');
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, 'synth');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      stale: 30_000,
      update: 5_000,
      retries: { retries: Math.max(1, Math.ceil(waitSeconds * 2)), minTimeout: 500, maxTimeout: 500, factor: 1 },
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOCKED') {
      throw new UserError(`another jhm synth is running in this project (lock ${path.relative(root, target)}.lock)`, { fix: 'wait for it to finish, then run again' });
    }
    throw e;
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}
