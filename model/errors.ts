/**
 * Errors meant for people are diagnostics of severity `error`: `UserError` and `UserErrors` are
 * defined in `diagnostics.ts` (with warnings, the one-line format and the collector) and exported
 * here too, the import path of their throw sites. Also here: how much of its input a message may
 * quote (`quote`, `truncate`).
 */
export { isUserError, UserError, UserErrors } from './diagnostics';

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
