/**
 * Diagnostics: what jhm tells a person about their input, errors and warnings alike. One type
 * (`Diagnostic`: severity, file, line, field, message, fix), one line of text for each
 * (`formatDiagnostic`), one collector (`Diagnostics`) that gathers the problems of several
 * attempts and throws them at once. `synth/report.ts` prints them, prefixed by their severity.
 *
 * Errors are thrown: a `UserError` is a diagnostic of severity `error` (printed as one line, exit
 * status 1, never a stack trace); `UserErrors` is several at once. Anything else thrown is a bug
 * and keeps its stack. Warnings are returned or handed to a callback, never thrown.
 */

export type Severity = 'error' | 'warning';

/** Where a diagnostic points, and what to do about it. */
export interface DiagnosticPlace {
  /** The file the problem is in, when there is one (repository-relative where possible). */
  readonly file?: string;
  /** The line in `file` (1-based), when known. */
  readonly line?: number;
  /** The field path inside that file, e.g. `nodeGroups[1].flavor`. */
  readonly field?: string;
  /** What to do about it. */
  readonly fix?: string;
}

/** One thing to tell a person about their input. */
export interface Diagnostic extends DiagnosticPlace {
  readonly severity: Severity;
  /** What is wrong, on one line. */
  readonly message: string;
}

/**
 * `file:line: field: message (fix)` on one line; each part only when there is one (a line only
 * with a file). The severity is not part of it: the printer puts it in front.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const file = d.file && d.line !== undefined ? `${d.file}:${d.line}` : d.file;
  const where = [file, d.field].filter((s) => s !== undefined && s !== '').join(': ');
  const fix = d.fix ? ` (${d.fix})` : '';
  return `${where ? `${where}: ` : ''}${d.message}${fix}`;
}

/** A diagnostic of severity `warning`. */
export function warning(message: string, place: DiagnosticPlace = {}): Diagnostic {
  return { severity: 'warning', message, ...definedOnly(place) };
}

function definedOnly(place: DiagnosticPlace): DiagnosticPlace {
  return Object.fromEntries(Object.entries(place).filter(([, v]) => v !== undefined));
}

/**
 * An error meant for people: a diagnostic of severity `error` that can be thrown. Printed as one
 * line (`formatDiagnostic`) and exits 1, never with a stack trace.
 */
export class UserError extends Error implements Diagnostic {
  public readonly severity = 'error' as const;
  public readonly file?: string;
  public readonly line?: number;
  public readonly field?: string;
  public readonly fix?: string;

  constructor(message: string, place: DiagnosticPlace = {}) {
    super(message);
    this.name = 'UserError';
    this.file = place.file;
    this.line = place.line;
    this.field = place.field;
    this.fix = place.fix;
  }

  /** `file:line: field: message (fix)` on one line. */
  public format(): string {
    return formatDiagnostic(this);
  }

  /** The single errors this stands for: itself (`UserErrors`: each of its errors). */
  public get diagnostics(): readonly UserError[] {
    return [this];
  }
}

/** Several user errors found at once (e.g. every problem in one hub file); never nested. */
export class UserErrors extends UserError {
  public readonly errors: UserError[];

  constructor(errors: readonly UserError[]) {
    const flat = errors.flatMap((e) => e.diagnostics);
    super(flat.map((e) => e.format()).join('\n'));
    this.name = 'UserErrors';
    this.errors = flat;
  }

  public format(): string {
    return this.errors.map((e) => e.format()).join('\n');
  }

  public get diagnostics(): readonly UserError[] {
    return this.errors;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * Gathers the problems of several attempts (every hub file, every release of a hub, ...) so that
 * one run shows them all: `collect` runs an attempt and keeps its `UserError`s; anything else
 * thrown is a bug and is rethrown unchanged, at once. `throwIfAny` then throws every error
 * collected as one `UserErrors` (a line said twice, e.g. the same missing chart for two hubs, is
 * said once). Warnings are kept apart and never thrown.
 */
export class Diagnostics {
  private readonly found: UserError[] = [];
  private readonly warned: Diagnostic[] = [];

  /** Runs `attempt`; on a `UserError`, keeps it and returns `undefined`. Rethrows anything else. */
  public collect<T>(attempt: () => T): T | undefined {
    try {
      return attempt();
    } catch (e) {
      this.add(e);
      return undefined;
    }
  }

  /** `collect` for an attempt that returns a promise. */
  public async collectAsync<T>(attempt: () => Promise<T>): Promise<T | undefined> {
    try {
      return await attempt();
    } catch (e) {
      this.add(e);
      return undefined;
    }
  }

  /**
   * The values of the fulfilled results, in order; the rejections' `UserError`s are kept. The
   * first rejection that is not a `UserError` is rethrown (before any is kept).
   */
  public settled<T>(results: readonly PromiseSettledResult<T>[]): T[] {
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const bug = rejected.find((e) => !(e instanceof UserError));
    if (bug !== undefined) throw bug;
    for (const e of rejected) this.add(e);
    return results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map((r) => r.value as T);
  }

  /** Keeps `e` when it is a `UserError` (each of a `UserErrors`); rethrows anything else. */
  public add(e: unknown): void {
    if (!(e instanceof UserError)) throw e;
    this.found.push(...e.diagnostics);
  }

  /** Keeps a warning. */
  public warn(d: Diagnostic): void {
    this.warned.push(d);
  }

  /** The errors collected so far. */
  public get errors(): readonly UserError[] {
    return this.found;
  }

  /** The warnings collected so far. */
  public get warnings(): readonly Diagnostic[] {
    return this.warned;
  }

  /** Throws every error collected, once each, as one `UserErrors`; does nothing when there is none. */
  public throwIfAny(): void {
    if (this.found.length === 0) return;
    const seen = new Set<string>();
    throw new UserErrors(this.found.filter((e) => !seen.has(e.format()) && seen.add(e.format())));
  }
}
