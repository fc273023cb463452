/**
 * What a synth would change: compares freshly synthesized output (in a temporary folder) with
 * the project's committed output, for `jhm diff` and `jhm check`. Secrets are compared but their
 * contents are never printed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { listFiles, OUTPUT_DIRS, OutputKind, readRecord } from './output';

export interface FileChange {
  /** Path relative to the project root, e.g. `dist/example/<wave file>.yaml`. */
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Unified diff (empty for secrets). */
  readonly patch: string;
}

/**
 * The files of `kind` for `hub` under `current` that jhm owns: all of `dist/<hub>` and
 * `dist-secrets/<hub>`, but in the stack folder only the files jhm wrote (its record, and those a new
 * synth writes): `.terraform/`, `.terraform.lock.hcl`, `terraform.tfstate*` and the like are not
 * output, and are never read.
 */
function ownedFiles(current: string, kind: OutputKind, hub: string, fresh: readonly string[]): string[] {
  const dir = path.join(current, OUTPUT_DIRS[kind], hub);
  if (kind !== 'stacks') return listFiles(dir);
  const prefix = `${path.join(OUTPUT_DIRS[kind], hub).split(path.sep).join('/')}/`;
  const recorded = Object.keys(readRecord(current, hub)?.files ?? {})
    .filter((f) => f.startsWith(prefix))
    .map((f) => f.slice(prefix.length));
  return [...new Set([...recorded, ...fresh])].filter((f) => fs.existsSync(path.join(dir, f)));
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
      const after = listFiles(b);
      const names = [...new Set([...ownedFiles(current, kind, hub, after), ...after])].sort();
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
