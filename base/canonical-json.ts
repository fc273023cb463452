/**
 * Canonical JSON (safe-stable-stringify): object keys sorted at every level, two-space indented
 * when `indent` is set, so the same data always gives the same text (chart lock, render cache
 * keys). Strict: values JSON cannot hold (NaN, Infinity, functions, ...) are refused.
 */
import { configure } from 'safe-stable-stringify';

const stringify = configure({ deterministic: true, strict: true });

/** `value` as canonical JSON; throws on a value JSON cannot hold. */
export function canonicalJson(value: unknown, indent?: number): string {
  const text = stringify(value, null, indent);
  if (text === undefined) throw new TypeError(`${typeof value} cannot be written as JSON`);
  return text;
}
