/** Canonical JSON: the same data always gives the same text (cache keys, charts.lock.json). */
/**
 * JSON with object keys sorted at every level, two-space indented when `indent` is set: the same
 * data always gives the same text. Rejects values JSON cannot hold (NaN, Infinity, functions, ...).
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value, '$'), null, indent);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sortKeys(value: unknown, where: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${where}: ${value} cannot be written as JSON`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : sortKeys(v, `${where}[${i}]`)));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = value[key];
      if (v !== undefined) out[key] = sortKeys(v, `${where}.${key}`);
    }
    return out;
  }
  const what = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new TypeError(`${where}: ${what === 'undefined' ? 'undefined' : `a ${what}`} cannot be written as JSON`);
}
