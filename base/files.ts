/**
 * Writing files so that nobody ever sees half of one: the data goes to a temporary file in the
 * same folder, which is renamed over the target. Private files (secrets, kubeconfigs) are created
 * with mode 0600 from the first byte, in a 0700 folder. Also the one sha256 helper (of text and of files).
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import { createReadStream, promises as fsp } from 'fs';
import * as path from 'path';
import writeFileAtomicLib from 'write-file-atomic';

/** sha256 of `data`, lower-case hex. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface WriteOptions {
  /** Mode 0600 from the first byte, in a folder created 0700 (for secrets and credentials). */
  readonly private?: boolean;
}

/** Writes `content` to `file` with one rename, replacing any file there. */
export function writeFileAtomicSync(file: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: options.private ? 0o700 : undefined });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never follow or reuse an existing file; the mode applies before any byte is written.
  const fd = fs.openSync(tmp, 'wx', options.private ? 0o600 : 0o644);
  try {
    if (options.private) fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes `data` as indented JSON with a trailing newline, atomically. */
export function writeJsonAtomicSync(file: string, data: unknown, options: WriteOptions = {}): void {
  writeFileAtomicSync(file, `${JSON.stringify(data, null, 2)}\n`, options);
}

/**
 * Writes `data` to `file` so that readers see either the old file or the whole new one
 * (write-file-atomic: a temporary file in the same folder, fsynced, renamed over `file`). For
 * caches shared by concurrent runs; secrets and credentials go through `writeFileAtomicSync`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomicLib(file, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), mode === undefined ? {} : { mode });
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

/** True when `file` exists (any kind of entry). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}
