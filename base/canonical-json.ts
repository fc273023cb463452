/** File helpers of the Helm engine: atomic writes (caches are shared by concurrent runs) and digests. */
import { createHash, randomBytes } from 'crypto';
import { createReadStream, promises as fsp } from 'fs';
import * as path from 'path';

/**
 * Writes `data` to `file` so that readers see either the old file or the whole new one: the data
 * goes to a temporary file in the same folder, which is then renamed over `file`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await fsp.writeFile(tmp, data, mode === undefined ? undefined : { mode });
    if (mode !== undefined) await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** sha256 of a file, lower-case hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export { sha256 } from '../../config/files';


/** True when `file` exists (any kind of entry). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}

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
