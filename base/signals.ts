/**
 * How a jhm command ends on SIGINT, SIGTERM or SIGHUP: at any point of its run, after cleaning up
 * (temporary folders, the project lock), with exit status 128 + the signal's number, as a shell
 * expects of a command stopped by a signal.
 *
 * One handler per signal is installed for the whole run (`exitOnSignals`, by `bin/jhm`) and never
 * removed: a signal that arrives while synchronous work runs (a commit's renames, cdktf's synth)
 * is dispatched at the next turn of the event loop, and a handler removed before that turn would
 * swallow it (the command then ended "up to date" with exit 0). The commit of a synth is
 * synchronous, so a signal never stops it half-way: it ends the command right after.
 *
 * While a child that must stop cleanly runs (Terraform writing its state, `shieldFrom`), a signal
 * is passed on to the child instead (Ctrl-C reaches it from the terminal anyway), and the command
 * ends with the signal's status once the child is done.
 */
import * as os from 'os';

export const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const cleanups = new Set<() => void>();
const shields = new Set<(signal: NodeJS.Signals) => void>();
let pending: NodeJS.Signals | undefined;
let installed = false;

/** Exit status of a command stopped by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}

/** Runs every cleanup (last registered first), ignoring their failures, then exits. */
function exitFor(signal: NodeJS.Signals): never {
  for (const fn of [...cleanups].reverse()) {
    try {
      fn();
    } catch {
      // the process ends anyway; the next command cleans up what is left (staging, stale lock)
    }
  }
  cleanups.clear();
  process.exit(signalExitCode(signal));
}

function onSignal(signal: NodeJS.Signals): void {
  if (shields.size > 0) {
    pending ??= signal;
    for (const pass of shields) pass(signal);
    return;
  }
  exitFor(signal);
}

/** Installs the handlers (once per process); called by the `jhm` entry point before anything else runs. */
export function exitOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const s of EXIT_SIGNALS) process.on(s, onSignal);
}

/** Whether `exitOnSignals` was called in this process. */
export function signalsInstalled(): boolean {
  return installed;
}

/**
 * Registers `fn` to run when a signal ends the command (and on `process.exit`); returns the
 * function that unregisters it. `fn` must be synchronous and must not throw on a second call.
 */
export function onExit(fn: () => void): () => void {
  cleanups.add(fn);
  process.on('exit', fn);
  return () => {
    cleanups.delete(fn);
    process.removeListener('exit', fn);
  };
}

/**
 * While a child runs that must stop cleanly: signals go to `pass` instead of ending jhm. The
 * returned function ends the shield; when a signal came meanwhile, it ends the command then.
 */
export function shieldFrom(pass: (signal: NodeJS.Signals) => void): () => void {
  shields.add(pass);
  return () => {
    shields.delete(pass);
    if (shields.size === 0 && pending !== undefined && installed) exitFor(pending);
  };
}

/**
 * Lets signals that arrived during synchronous work be dispatched: awaited at the end of a
 * command, so such a signal still ends it with 128 + n. A timer, then an immediate: between the
 * two the event loop polls, which reads a pending signal (a due timer alone runs before the poll).
 */
export function settleSignals(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}
