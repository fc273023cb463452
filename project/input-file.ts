/**
 * Reading the files a user (or a pull request) controls: hub files and secrets files. Each must be
 * a regular file (a symlink to one is followed) of at most {@link MAX_INPUT_FILE_BYTES}; anything
 * else, a FIFO, a device such as /dev/zero or /dev/urandom, a folder, or a file that is too large,
 * is a one-line `UserError` naming the file. Reads are bounded: the file is opened without
 * blocking (a FIFO swapped in after the type check cannot hang the read), checked again on the
 * open descriptor, and read for at most one byte more than the limit, so a file that grows while
 * it is read cannot grow memory either.
 */
import * as fs from 'fs';
import { UserError } from '../model/errors';

/** Largest hub or secrets file jhm reads: 1 MiB (the example hub file is about 4 KiB). */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** A file read with `readInputFile`. */
export interface InputFile {
  readonly text: string;
  /** Permission bits of the file (as `fstat` saw them on the open descriptor). */
  readonly mode: number;
}

/** What a non-regular file is, for the message. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseType(st: fs.Stats, display: string, fix: string): never {
  const kind = kindOf(st);
  throw new UserError(`is ${kind === 'not a regular file' ? '' : `${kind}, `}not a regular file`, { file: display, fix });
}

function refuseSize(size: number | undefined, display: string, limit: number): never {
  const what = size === undefined ? 'grew past' : `is ${size} bytes, more than`;
  throw new UserError(`${what} the limit of ${limit} bytes`, { file: display, fix: 'check that this is the right file' });
}

/**
 * Reads `file` (named `display` in errors) as UTF-8 text with the rules above. Returns `undefined`
 * when the file does not exist (a dangling symlink counts as missing); every other problem is a
 * `UserError`. `typeFix` is the fix an error about the file's type gives.
 */
export function readInputFile(file: string, display: string, limit = MAX_INPUT_FILE_BYTES, typeFix = 'make it a plain YAML file'): InputFile | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UserError(`cannot read the file (${code ?? 'error'})`, { file: display, fix: 'check its permissions' });
  }
  // Before opening: opening a FIFO for reading would wait for a writer.
  if (!st.isFile()) refuseType(st, display, typeFix);
  if (st.size > limit) refuseSize(st.size, display, limit);

  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the file (${code ?? 'error'})`, { file: display, fix: 'check its permissions' });
  }
  try {
    // The file may have been replaced since the stat: check what was actually opened.
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) refuseType(opened, display, typeFix);
    if (opened.size > limit) refuseSize(opened.size, display, limit);
    // Sized by what was opened (plus room to notice growth), grown up to the limit if the file grows.
    let buffer = Buffer.allocUnsafe(Math.min(limit, opened.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) refuseSize(undefined, display, limit);
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > limit) refuseSize(undefined, display, limit);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw new UserError('is not UTF-8 text', { file: display, fix: 'save it as UTF-8' });
    }
    return { text, mode: opened.mode & 0o777 };
  } finally {
    fs.closeSync(fd);
  }
}
