/** Reading nested plain data by a path of keys. */

/** The value at `keys` inside `data`, or undefined where the path leaves the objects. */
export function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
