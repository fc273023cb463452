/**
 * `jhm`: one command for the whole workflow. Each command lives in `cli/commands/`.
 */
import { Command, CommanderError } from 'commander';
import * as path from 'path';
import { recoverOutputs, setLockCommand } from '../synth/output';
import { EXIT, reportError } from '../synth/report';
import { registerSynthCommands } from './commands/synth';
import { registerInitCommands } from './commands/init';
import { registerClusterCommands } from './commands/cluster';

/** Commands that neither read nor write dist/, dist-secrets/ or cdktf.out/. */
const WRITES_NO_OUTPUT = new Set(['init', 'init-cluster', 'secrets', 'validate']);

export function buildProgram(): Command {
  const program = new Command('jhm')
    .description('JupyterHubs on OpenStack Magnum: hub files in, Terraform JSON and Kubernetes manifests out.')
    .option('-C, --project <dir>', 'project folder (holds hubs/, secrets/, dist/)', process.cwd())
    .option('--debug', 'show stack traces of errors', false)
    .showHelpAfterError('(run jhm --help for usage)')
    .exitOverride()
    // Every command that reads or writes outputs first finishes a commit an earlier one left unfinished (output.ts).
    .hook('preAction', async (_program, action) => {
      setLockCommand(`jhm ${action.name()}`);
      if (!WRITES_NO_OUTPUT.has(action.name())) await recoverOutputs(path.resolve(action.optsWithGlobals().project as string));
    });
  registerInitCommands(program);
  registerSynthCommands(program);
  registerClusterCommands(program);
  return program;
}

/** Runs the CLI with `argv` (as `process.argv`); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(e, Boolean(program.opts().debug) || process.argv.includes('--debug'));
  }
}

/** Exit status after stdout or stderr was closed by its reader (128 + SIGPIPE, as `git log | head -1` ends). */
export const EXIT_BROKEN_PIPE = 141;

/**
 * When the reader of stdout or stderr goes away (`jhm diff | head -1`), ends at once and quietly
 * (temporary folders are still removed by their 'exit' handlers) instead of failing with EPIPE.
 */
export function endQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
      throw e;
    });
  }
}

/** Entry point of `bin/jhm`. */
export function run(): void {
  endQuietlyOnBrokenPipe();
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
