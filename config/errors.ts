/**
 * Errors meant for people. A `UserError` is printed as one line (two with a fix) and exits 1,
 * never with a stack trace; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  /** The file the problem is in, when there is one (repository-relative where possible). */
  public readonly file?: string;
  /** The field path inside that file, e.g. `nodeGroups[1].minNodes`. */
  public readonly field?: string;
  /** What to do about it. */
  public readonly fix?: string;

  constructor(message: string, options: { file?: string; field?: string; fix?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.file = options.file;
    this.field = options.field;
    this.fix = options.fix;
  }

  /** `file: field: message (fix)` on one line. */
  public format(): string {
    const where = [this.file, this.field].filter((s) => s !== undefined && s !== '').join(': ');
    const fix = this.fix ? ` (${this.fix})` : '';
    return `${where ? `${where}: ` : ''}${this.message}${fix}`;
  }
}

/** Several user errors found at once (e.g. every problem in one hub file). */
export class UserErrors extends UserError {
  constructor(public readonly errors: UserError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'UserErrors';
  }

  public format(): string {
    return this.errors.map((e) => e.format()).join('\n');
  }
}

/** Characters of a value an error message quotes at most (a value may be a 10 MB line, or a whole file). */
export const MAX_QUOTED_CHARS = 80;

/** The first `max` characters of `text`, never ending inside a surrogate pair. */
function head(text: string, max: number): string {
  return text.slice(0, /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max);
}

/**
 * `text` cut to {@link MAX_QUOTED_CHARS} characters, with `… (N characters)` when cut. With
 * `quote`, the one place that bounds what an error message repeats from its input.
 */
export function truncate(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length <= max ? text : `${head(text, max)}… (${text.length} characters)`;
}

/** `value` in double quotes for an error message: escaped onto one line, cut like `truncate`. */
export function quote(value: string): string {
  return value.length <= MAX_QUOTED_CHARS ? JSON.stringify(value) : `${JSON.stringify(head(value, MAX_QUOTED_CHARS))}… (${value.length} characters)`;
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
