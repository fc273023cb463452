/**
 * How the CLI talks to people: errors as one line each (no stack trace unless --debug), warnings
 * and progress on stderr, results on stdout. Exit status 1 for user errors, 2 for usage errors.
 * Errors and warnings are diagnostics (`model/diagnostics.ts`), printed by `printDiagnostic`:
 * `error: ` or `warning: `, then the one-line `file:line: field: message (fix)`. The cdktf and
 * cdk8s apps report through here too.
 */
import { styleText } from 'util';
import { Diagnostic, formatDiagnostic, isUserError, warning } from '../model/diagnostics';

export const EXIT = { ok: 0, userError: 1, usage: 2 } as const;

/** Whether colour escapes may be used on stderr. */
const colour = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
const paint = (style: 'red' | 'yellow' | 'green', s: string) => (colour ? styleText(style, s) : s);

export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Prints one diagnostic on one line, prefixed by its severity. */
export function printDiagnostic(d: Diagnostic): void {
  const severity = d.severity === 'error' ? paint('red', 'error:') : paint('yellow', 'warning:');
  process.stderr.write(`${severity} ${formatDiagnostic(d)}\n`);
}

/** Prints a warning: a diagnostic, or a message about no file in particular. */
export function warn(w: Diagnostic | string): void {
  printDiagnostic(typeof w === 'string' ? warning(w) : w);
}

export function success(message: string): void {
  process.stderr.write(`${paint('green', '✓')} ${message}\n`);
}

/** Prints `e` for a person and returns the exit status. */
export function reportError(e: unknown, debug: boolean): number {
  if (isUserError(e)) {
    for (const d of e.diagnostics) printDiagnostic(d);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.userError;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${paint('red', 'internal error:')} ${err.message}\n`);
  process.stderr.write(debug ? `${err.stack}\n` : 'This is a bug in jhm. Run again with --debug for the stack trace and report it.\n');
  return EXIT.userError;
}
