/**
 * A temporary folder that is removed on every way out of the command: normal return, an error,
 * `process.exit` (e.g. after EPIPE), and SIGINT, SIGTERM or SIGHUP (`signals.ts`). Only SIGKILL
 * leaves it behind, which is why nothing secret is ever written to one (`jhm diff` and `jhm check`
 * synthesize without the secrets file).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { onExit } from './signals';

export interface TempDir {
  /** The folder. */
  readonly dir: string;
  /** Removes the folder and stops watching for the end of the process (call it in a `finally`). */
  remove(): void;
}

/** Makes a new folder under the system temp folder (`prefix` starts its name); see the module comment. */
export function tempDir(prefix: string): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  const forget = onExit(rm);
  return {
    dir,
    remove: () => {
      forget();
      rm();
    },
  };
}
