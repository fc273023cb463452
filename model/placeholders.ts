/**
 * What counts as a placeholder: a value that stands for "fill this in" (`set-me-…`, `changeme`,
 * `<client id>`, `your-github-user`, …) and would deploy a hub that cannot work. The one list:
 * `jhm init` refuses these values, and `jhm validate` warns about them in hub and cluster files
 * (`login-rules.ts`). Without imports, so `jhm init` loads it without the hub model.
 */

/** Matched case-insensitively against the start of the (trimmed) value. */
export const PLACEHOLDERS: readonly RegExp[] = [
  /^set[-_ ]?me(\b|_)/i,
  /^change[-_ ]?me(\b|_)/i,
  /^replace[-_ ]?me(\b|_)/i,
  /^fill[-_ ]?me(\b|_)/i,
  /^(todo|fixme|tbd)(\b|_)/i,
  /^x{3,}$/i,
  /^<[^>]*>$/,
  /^your[-_ ]/i,
];

/** True when `value` is a placeholder (see `PLACEHOLDERS`). */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.some((p) => p.test(value.trim()));
}
