/**
 * `jhm`: one command for the whole workflow. Each command lives in `cli/commands/`.
 */
import { Command, CommanderError } from 'commander';
import * as path from 'path';
import { holdProjectLock, runCommandScope, setLockCommand } from '../synth/output';
import { exitOnSignals, settleSignals } from '../base/signals';
import { EXIT, reportError } from '../synth/report';
import { registerSynthCommands } from './commands/synth';
import { registerInitCommands } from './commands/init';
import { registerClusterCommands } from './commands/cluster';

/** Commands that neither read nor write dist/, dist-secrets/, cdktf.out/ or outputs/ (validate only with --manifests). */
const TOUCHES_NO_OUTPUT = new Set(['init', 'init-cluster', 'secrets', 'validate']);

/** Whether the command about to run reads or writes outputs, and so runs holding the project lock. */
function touchesOutputs(action: Command): boolean {
  return !TOUCHES_NO_OUTPUT.has(action.name()) || (action.name() === 'validate' && Boolean(action.opts().manifests));
}

export function buildProgram(): Command {
  const program = new Command('jhm')
    .description('JupyterHubs on OpenStack Magnum: hub files in, Terraform JSON and Kubernetes manifests out.')
    .option('-C, --project <dir>', 'project folder (holds hubs/, secrets/, dist/)', process.cwd())
    .option('--debug', 'show stack traces of errors', false)
    .showHelpAfterError('(run jhm --help for usage)')
    .exitOverride()
    // Every command that reads or writes outputs holds the project lock for its whole run, from
    // before its first read (taking it finishes a commit an earlier command left unfinished:
    // output.ts), so it sees one state of the project and no other command changes it meanwhile.
    .hook('preAction', async (_program, action) => {
      setLockCommand(`jhm ${action.name()}`);
      if (touchesOutputs(action)) await holdProjectLock(path.resolve(action.optsWithGlobals().project as string));
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
    // The lock a command takes is released when it ends, however it ends (signals: base/signals.ts).
    await runCommandScope(() => program.parseAsync([...argv]));
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
  exitOnSignals();
  endQuietlyOnBrokenPipe();
  main(process.argv)
    // A signal that came during the command's last synchronous work still ends it with 128 + n.
    .then(async (code) => (await settleSignals(), code))
    .then((code) => {
      process.exitCode = code;
    });
}

if (require.main === module) run();
