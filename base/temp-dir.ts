/**
 * A temporary folder that is removed on every way out of the command: normal return, an error,
 * `process.exit` (e.g. after EPIPE), and SIGINT, SIGTERM or SIGHUP. Only SIGKILL leaves it behind,
 * which is why nothing secret is ever written to one (`jhm diff` and `jhm check` synthesize
 * without the secrets file).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface TempDir {
  /** The folder. */
  readonly dir: string;
  /** Removes the folder and stops watching for signals (call it in a `finally`). */
  remove(): void;
}

/** Makes a new folder under the system temp folder (`prefix` starts its name); see the module comment. */
export function tempDir(prefix: string): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  const remove = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('exit', rm);
    rm();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    // End as the shell expects of a command stopped by a signal: exit status 128 + its number
    // ('exit' handlers, such as a lock's release, still run).
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', rm);
  return { dir, remove };
}
