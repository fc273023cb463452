/** The project folder of a command: the global `-C, --project` option, resolved. Shared by every command. */
import * as path from 'path';
import type { Command } from 'commander';

/** The project root the command works in (`-C <dir>`, default the working directory). */
export function projectRoot(cmd: Command): string {
  return path.resolve(cmd.optsWithGlobals().project as string);
}
