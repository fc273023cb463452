/**
 * How the CLI talks to people: errors as one line each (no stack trace unless --debug), warnings
 * and progress on stderr, results on stdout. Exit status 1 for user errors, 2 for usage errors.
 */
import { isUserError, UserErrors } from '../config/errors';

export const EXIT = { ok: 0, userError: 1, usage: 2 } as const;

/** Whether colour escapes may be used on stderr. */
const colour = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);

export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`${paint('33', 'warning:')} ${message}\n`);
}

export function success(message: string): void {
  process.stderr.write(`${paint('32', '✓')} ${message}\n`);
}

/** Prints `e` for a person and returns the exit status. */
export function reportError(e: unknown, debug: boolean): number {
  if (isUserError(e)) {
    const lines = e instanceof UserErrors ? e.errors.map((x) => x.format()) : [e.format()];
    for (const l of lines) process.stderr.write(`${paint('31', 'error:')} ${l}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.userError;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${paint('31', 'internal error:')} ${err.message}\n`);
  process.stderr.write(debug ? `${err.stack}\n` : 'This is a bug in jhm. Run again with --debug for the stack trace and report it.\n');
  return EXIT.userError;
}
