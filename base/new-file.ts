/**
 * Creating a file that must not exist yet (`jhm init`'s hub file, `jhm init-cluster`'s cluster
 * file) so that nobody ever sees half of it and an existing file is never replaced, whoever
 * writes it at the same moment:
 *
 * 1. the whole content goes to a temporary file beside the target, itself written atomically
 *    (`writeFileAtomicSync`: a killed process leaves no half-written temporary file under that name);
 * 2. the temporary file is hard-linked to the target: `link` fails with EEXIST when anything is
 *    there, so there is no window between a check and a write;
 * 3. the temporary file is removed.
 *
 * A process killed between the steps leaves no target or the complete one, plus at most a hidden
 * temporary file (`.<name>.<pid>.…`), which the next creation of the same target removes once
 * its process is gone. Readers of the folder skip hidden files.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomicSync } from './files';

/** Called after each step (1-3 above): the test hook of a kill at that point. */
export type StepHook = (step: number) => void;

/** Creates `file` with `content`; throws an error with code EEXIST, writing nothing, when something is already there. */
export function createNewFileSync(file: string, content: string, afterStep: StepHook = () => undefined): void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  fs.mkdirSync(dir, { recursive: true });
  removeLeftovers(file);
  const tmp = path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.new`);
  try {
    writeFileAtomicSync(tmp, content);
    afterStep(1);
    fs.linkSync(tmp, file);
    afterStep(2);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  afterStep(3);
}

/** The temporary files of earlier creations of `base` (ours, and `writeFileAtomicSync`'s inside them), by the pid that wrote them. */
function tempsOf(dir: string, base: string): { name: string; pid: number }[] {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\.\\.?${escaped}\\.(\\d+)\\.[0-9a-f]+\\.new(\\.\\d+\\.[0-9a-f]+\\.tmp)?$`);
  return fs.readdirSync(dir).flatMap((name) => {
    const m = re.exec(name);
    return m ? [{ name, pid: Number(m[1]) }] : [];
  });
}

/** Removes what a killed creation of `file` left behind (its process is gone); a live writer's files are kept. */
export function removeLeftovers(file: string): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) return;
  for (const t of tempsOf(dir, path.basename(file))) if (!alive(t.pid)) fs.rmSync(path.join(dir, t.name), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has that pid.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
