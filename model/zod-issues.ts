/**
 * The one translator from zod issues to diagnostics, for every file jhm validates with a schema
 * (hub files, secrets files): the field path as `a.b[2].c`, the line of the field when the file's
 * YAML says it, and a message in words. A kind of file may word some issues its own way
 * (`IssueContext.describe`): the secrets file, whose values must never be quoted, does.
 */
import type { z } from 'zod';
import { UserError } from './diagnostics';
import { MAX_QUOTED_CHARS, quote } from './errors';

export type ZodIssue = z.core.$ZodIssue;

/**
 * Formats a zod path as `a.b[2].c`. A map key that is not plain (a label key with spaces, a
 * newline, `${`, or longer than a quote) is shown quoted and cut, `a.b["x y"]`, so the error
 * stays on one line.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  const plain = (key: string) => key.length <= MAX_QUOTED_CHARS && /^[A-Za-z0-9_./-]+$/.test(key);
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    const key = String(p);
    if (!plain(key)) return `${acc}[${quote(key)}]`;
    return acc ? `${acc}.${key}` : key;
  }, '');
}

/** How an issue reads, when a kind of file words it its own way. */
export interface IssueWording {
  readonly message: string;
  readonly fix?: string;
  /** Leave the line out (e.g. a field that is missing has none of its own). */
  readonly noLine?: boolean;
}

export interface IssueContext {
  /** How the file is named in messages (repository-relative). */
  readonly file: string;
  /** The line of a field path, when the file's YAML says it. */
  readonly lineOf?: (path: readonly PropertyKey[]) => number | undefined;
  /** This kind of file's wording of an issue; `undefined` for the common wording. */
  readonly describe?: (issue: ZodIssue) => IssueWording | undefined;
}

/** Every issue as a `UserError` (a diagnostic of severity error) naming the file, line and field. */
export function issuesToErrors(issues: readonly ZodIssue[], context: IssueContext): UserError[] {
  return issues.map((i) => {
    const wording = context.describe?.(i) ?? { message: describeIssue(i) };
    const field = formatPath(i.path);
    return new UserError(wording.message, {
      file: context.file,
      line: wording.noLine ? undefined : context.lineOf?.(i.path),
      field: field || undefined,
      fix: wording.fix,
    });
  });
}

/** The common wording of an issue (it may quote the input: files holding secrets word their own). */
function describeIssue(i: ZodIssue): string {
  switch (i.code) {
    case 'unrecognized_keys':
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => quote(k)).join(', ')}: remove ${i.keys.length > 1 ? 'them' : 'it'} or check the spelling against hub.schema.json`;
    case 'invalid_type':
      return i.input === undefined ? `is required (expected ${i.expected})` : `expected ${i.expected}, got ${describeValue(i.input)}`;
    case 'invalid_union':
      return `${i.message}`;
    case 'invalid_key':
      // A map key (e.g. a Magnum label) broke a rule: the path already names the key.
      return `is not a valid key: ${i.issues.map(describeIssue).join('; ')}`;
    case 'invalid_value':
      return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(i.input)}`;
    default:
      return i.message.replace(/^Invalid input: /, '');
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quote(v);
  return `${typeof v} ${String(v)}`;
}
