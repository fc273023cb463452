/**
 * Runs external tools (helm, terraform, kubectl) so that they can never hang the CLI: every run has a
 * timeout (SIGTERM, then SIGKILL after a grace period), gets no stdin unless a person is asked to
 * answer a prompt, and its output is either captured (bounded) or passed through to stderr
 * (stdout of jhm is kept for results).
 */
import { spawn } from 'child_process';
import { stripVTControlCharacters } from 'util';
import { shieldFrom } from './signals';

/** How a run treats the child's standard streams. */
export type OutputMode =
  /** Keep stdout and stderr in memory (bounded by `maxOutputBytes`); nothing is shown. */
  | 'capture'
  /** Copy both to jhm's stderr as they arrive, and keep them (for error messages). */
  | 'stream';

export interface RunOptions {
  /** Working folder of the child. */
  readonly cwd: string;
  /** Hard limit; the child is stopped when it is exceeded. */
  readonly timeoutMs: number;
  /**
   * Environment of the child.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** @default 'capture' */
  readonly output?: OutputMode;
  /**
   * Give the child jhm's stdin (only for a prompt a person answers on a terminal).
   * @default false: the child's stdin is /dev/null, so a prompt fails at once instead of waiting
   */
  readonly interactive?: boolean;
  /**
   * Text given to the child on its stdin (then closed), kept in memory only: how `jhm apply`
   * passes decrypted Secrets to `kubectl apply -f -` without writing them to a file.
   * @default none: stdin is /dev/null (or jhm's own with `interactive`)
   */
  readonly input?: string;
  /**
   * Bytes kept of each of stdout and stderr; more is dropped (and `truncated` set).
   * @default 16 MiB
   */
  readonly maxOutputBytes?: number;
  /**
   * While the child runs, keep jhm alive on Ctrl-C (the terminal sends SIGINT to the child too,
   * which then stops cleanly: Terraform finishes writing its state) and pass SIGTERM on to it.
   * Without this, jhm would exit at once and close the pipes the child still writes to.
   * @default false
   */
  readonly shieldSignals?: boolean;
  /**
   * Time between SIGTERM and SIGKILL when the timeout is reached.
   * @default 5000
   */
  readonly killGraceMs?: number;
}

export interface RunResult {
  /** Exit code; `null` when the child was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The child was stopped because `timeoutMs` passed. */
  readonly timedOut: boolean;
  /** The child could not be started (e.g. ENOENT, EACCES); `exitCode` is null. */
  readonly spawnError?: string;
  /** The error code of a failed start (`ENOENT`, `EACCES`, `ENOEXEC`, ...). */
  readonly spawnErrorCode?: string;
  /** Output beyond `maxOutputBytes` was dropped. */
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Whether the run ended with exit code 0. */
export function succeeded(r: RunResult): boolean {
  return r.exitCode === 0 && !r.timedOut && r.spawnError === undefined;
}

/** Runs `file` with `args`; never rejects (failures are described in the result). */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const max = options.maxOutputBytes ?? 16 * 1024 * 1024;
  const stream = options.output === 'stream';
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    let spawnError: string | undefined;
    let spawnErrorCode: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let exitTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input !== undefined ? 'pipe' : options.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });

    if (options.input !== undefined && child.stdin) {
      // A child that exits without reading its stdin is no error of the run (its exit code says how it went).
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }

    const keep = (chunks: Buffer[], size: number, chunk: Buffer): number => {
      if (size >= max) {
        truncated = true;
        return size;
      }
      const part = size + chunk.length > max ? chunk.subarray(0, max - size) : chunk;
      if (part.length < chunk.length) truncated = true;
      chunks.push(part);
      return size + part.length;
    };
    child.stdout!.on('data', (c: Buffer) => {
      outBytes = keep(out, outBytes, c);
      if (stream) process.stderr.write(c);
    });
    child.stderr!.on('data', (c: Buffer) => {
      errBytes = keep(err, errBytes, c);
      if (stream) process.stderr.write(c);
    });

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 5000);
      killTimer.unref();
    }, Math.max(1, options.timeoutMs));

    // Ctrl-C reaches the child from the terminal itself; other signals are passed on.
    const unshield = options.shieldSignals ? shieldFrom((signal) => signal !== 'SIGINT' && child.kill(signal)) : undefined;

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (exitTimer) clearTimeout(exitTimer);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        spawnError,
        spawnErrorCode,
        truncated,
        durationMs: Date.now() - started,
      });
      // A signal that came while the child ran ends jhm now, the child being done.
      unshield?.();
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ? `${e.code}: ${e.message}` : e.message;
      spawnErrorCode = e.code;
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
    // A grandchild (e.g. a Terraform provider) may hold the pipes open after the child is gone:
    // do not wait for it longer than a moment.
    child.on('exit', (code, signal) => {
      exitTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      }, 2000);
    });
  });
}

/**
 * The line of a tool's error output a person most needs: the first line mentioning an error
 * (Terraform's boxed `│ Error: …`, kubectl's `error: …` / `Error from server …`), else the first
 * non-empty line. Colour escapes and Terraform's box characters are removed.
 */
export function firstErrorLine(text: string): string | undefined {
  const all = stripVTControlCharacters(text)
    .split(/\r?\n/)
    .map((l) => l.replace(/^[\s│╷╵]+/, '').trim())
    .filter((l) => l !== '');
  // kubectl's client-go log lines (`E1123 12:00:00.000000 1 memcache.go:265] …`) repeat what its
  // own last line says more plainly.
  const plain = all.filter((l) => !/^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+ /.test(l));
  const lines = plain.length > 0 ? plain : all;
  return lines.find((l) => /\berror\b|^unable to /i.test(l)) ?? lines[0];
}

/** Why a run failed, in a few words plus the tool's first error line. */
export function describeFailure(r: RunResult, timeoutMs: number): string {
  if (r.spawnError !== undefined) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${formatSeconds(timeoutMs)}`;
  const line = firstErrorLine(r.stderr) ?? firstErrorLine(r.stdout);
  const status = r.exitCode !== null ? `exit status ${r.exitCode}` : `killed by ${r.signal}`;
  return line ? `${line} (${status})` : status;
}

/** `12 s`, `1.5 s`, `0.3 s` */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 ? `${Math.round(s)} s` : `${Number(s.toFixed(1))} s`;
}

/**
 * Quotes one word for a POSIX shell (only when needed), in single quotes. Kept by hand rather than
 * shell-quote's `quote`, which backslash-escapes `:`, `=`, `,` and `@` and double-quotes words with
 * an apostrophe: the commands jhm prints for people to copy stay readable.
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line for a POSIX shell. */
export function shellCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(shellQuote).join(' ');
}
