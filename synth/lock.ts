/**
 * The project lock (`.jhm/lock`): one jhm command at a time touches a project's outputs.
 *
 * The lock file names its holder: pid, host, and the process's start time (field 22 of
 * `/proc/<pid>/stat`, so a reused pid is not taken for the holder). A lock is stale only when its
 * holder is gone; how long it has been held, or whether the holder is paused (SIGSTOP), does not
 * matter. A lock from another host cannot be checked and is never taken over. The file is created
 * complete in one step (`link` of a fully written temporary file), so a reader never sees half of it.
 * Every turn of the wait sleeps and checks the deadline, whatever it found (a lock that vanished
 * between two looks included), and a lock path that is a folder or a symbolic link is a user error:
 * neither is ever a lock jhm wrote.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../model/errors';
import { onExit } from '../base/signals';

/** What the lock file holds. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** Start time of the process (clock ticks since boot, from `/proc`), or null where there is no `/proc`. */
  readonly start: string | null;
  /** What holds it, e.g. `jhm synth`. */
  readonly command: string;
  /** When it was taken (ISO 8601). */
  readonly since: string;
  /** Tells holders within one process apart. */
  readonly token: string;
}

/** Start time of process `pid` (field 22 of `/proc/<pid>/stat`), or null when it cannot be read. */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

/** Whether the process that wrote `holder` still runs (a holder on another host counts as alive). */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartTime(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? h : null;
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Creates `file` holding `text`, complete, unless it exists (then false). */
function createExclusive(file: string, text: string, token: string): boolean {
  const tmp = `${file}.${process.pid}.${token}.tmp`;
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Removes the stale lock `file` if it still holds exactly `text` (another waiter may have replaced it). */
function removeStale(file: string, text: string, token: string): void {
  const aside = `${file}.stale.${process.pid}.${token}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (readText(aside) !== text) {
      // A fresh lock was moved aside by mistake: put it back (unless yet another one is there).
      try {
        fs.linkSync(aside, file);
      } catch {
        // another holder took it meanwhile; the moved one is lost, and its holder finds no lock on release
      }
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

export interface LockOptions {
  /** What takes the lock, written into it (e.g. `jhm synth`). */
  readonly command: string;
  /** How long to wait for a live holder before failing. */
  readonly waitSeconds: number;
  /** Told once when the lock is held by someone else and this waits. */
  readonly onWait?: (holder: LockHolder) => void;
  /** How often to look again, in ms. */
  readonly pollMs?: number;
}

/** Describes a holder for people: `jhm synth (pid 123)`, plus the host when it is another. */
export function describeHolder(holder: LockHolder): string {
  return `${holder.command} (pid ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''})`;
}

/**
 * Takes the lock `file`, waiting while a live process holds it; takes over a lock whose holder is
 * gone. Resolves to the function that releases it.
 */
export async function acquireLock(file: string, options: LockOptions): Promise<() => void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const token = randomBytes(8).toString('hex');
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    start: processStartTime(process.pid),
    command: options.command,
    since: new Date().toISOString(),
    token,
  };
  const text = `${JSON.stringify(me)}\n`;
  const shown = `${path.basename(path.dirname(file))}/${path.basename(file)}`;
  const deadline = Date.now() + options.waitSeconds * 1000;
  let told = false;
  // A stale lock is taken over at once (one immediate retry); anything else waits a turn.
  for (let retryNow = false, immediate = false; ; immediate = retryNow, retryNow = false) {
    refuseOddLockPath(file, shown);
    if (createExclusive(file, text, token)) break;
    const held = readText(file);
    const holder = held === null ? null : parseHolder(held);
    const alive = holder !== null && holderAlive(holder) ? holder : undefined;
    if (held !== null && !alive) {
      removeStale(file, held, token);
      retryNow = !immediate;
    }
    if (Date.now() >= deadline) {
      throw new UserError(alive ? `${shown} is held by ${describeHolder(alive)} since ${alive.since}` : `${shown} could not be taken within ${options.waitSeconds} s (it kept changing)`, {
        fix: alive
          ? `wait for it to finish and run again; if no such process runs${alive.host !== os.hostname() ? ` on ${alive.host}` : ''}, delete the file`
          : 'run again when no other jhm command runs in this project',
      });
    }
    if (alive && !told) {
      told = true;
      options.onWait?.(alive);
    }
    if (!retryNow) await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
  const release = () => {
    forget();
    const now = readText(file);
    if (now !== null && parseHolder(now)?.token === token) fs.rmSync(file, { force: true });
  };
  // Released on a signal or process.exit too (another command then need not wait for the pid check).
  const forget = onExit(release);
  return release;
}

/** Refuses a lock path that is a folder or a symbolic link (dangling or not): jhm never makes either. */
function refuseOddLockPath(file: string, shown: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return;
  }
  if (st.isSymbolicLink() || st.isDirectory()) {
    throw new UserError(`${shown} is a ${st.isDirectory() ? 'folder' : 'symbolic link'}, not a lock jhm wrote`, { fix: `make sure no jhm command runs in this project, then delete ${shown}` });
  }
}
