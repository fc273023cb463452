/**
 * What a synth would change: compares freshly synthesized output (in a temporary folder) with
 * the project's committed output, for `jhm diff` and `jhm check`. Secrets are compared but their
 * contents are never printed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { OUTPUT_DIRS, OutputKind } from './output';

export interface FileChange {
  /** Path relative to the project root, e.g. `dist/example/05-jupyterhub.yaml`. */
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Unified diff (empty for secrets). */
  readonly patch: string;
}

/** Files in output folders that synth does not write (kept there by other tools). */
const NOT_OUTPUT = new Set(['.terraform.lock.hcl']);

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Changes between `current` (the project) and `fresh` (a new synth) for the given hubs, in the
 * committed outputs (`kinds`, default Terraform JSON and `dist/`; `dist-secrets/` is never
 * committed, and CI has no secrets to render it).
 */
export function compareOutputs(current: string, fresh: string, hubs: readonly string[], kinds: readonly OutputKind[] = ['stacks', 'dist']): FileChange[] {
  const changes: FileChange[] = [];
  for (const hub of hubs) {
    for (const kind of kinds) {
      const rel = path.join(OUTPUT_DIRS[kind], hub);
      const a = path.join(current, rel);
      const b = path.join(fresh, rel);
      const names = [...new Set([...listFiles(a), ...listFiles(b)])].filter((n) => !NOT_OUTPUT.has(path.basename(n))).sort();
      for (const name of names) {
        const file = path.join(rel, name);
        const before = fs.existsSync(path.join(a, name)) ? fs.readFileSync(path.join(a, name), 'utf8') : undefined;
        const after = fs.existsSync(path.join(b, name)) ? fs.readFileSync(path.join(b, name), 'utf8') : undefined;
        if (before === after) continue;
        const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
        const patch = kind === 'secrets' ? '' : createTwoFilesPatch(`a/${file}`, `b/${file}`, before ?? '', after ?? '', undefined, undefined, { context: 3 });
        changes.push({ file, status, patch });
      }
    }
  }
  return changes;
}
