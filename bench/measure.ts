/**
 * Runs one command as a child process and measures it: wall-clock seconds (from spawn to exit,
 * measured here) and peak memory of the child's whole process tree.
 *
 * Peak memory comes from two sources, both recorded:
 *
 * - `treePeakMiB`: while the child runs, every `SAMPLE_MS` the bench reads `/proc/<pid>/stat` of
 *   every process to find the child's descendants and sums their `VmRSS` (`/proc/<pid>/status`);
 *   the largest sum seen. This counts concurrent helm processes together with node, but a
 *   process that lives less than one sampling interval can be missed.
 * - `processPeakMiB`: GNU time's `%M` (the `ru_maxrss` from `wait4`: the largest peak RSS of any
 *   single process in the tree), when `/usr/bin/time` is GNU time. Exact, but per process.
 *
 * `peakMiB` is the larger of the two. Without /proc and GNU time, memory is not measured.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Interval of the /proc sampler. */
export const SAMPLE_MS = 20;

/** One measured run. */
export interface Measurement {
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Largest sampled sum of VmRSS over the process tree (MiB), if /proc is available. */
  readonly treePeakMiB?: number;
  /** GNU time `%M`: largest peak RSS of one process of the tree (MiB), if GNU time is available. */
  readonly processPeakMiB?: number;
  /** max(treePeakMiB, processPeakMiB). */
  readonly peakMiB?: number;
  /** GNU time `%U + %S`: user + system CPU seconds of the command and the children it waited for (helm), if GNU time is available. */
  readonly cpuSeconds?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Every process of the tree the sampler saw (empty without /proc). */
  readonly processes: readonly ProcessRecord[];
}

/** A process of the measured tree, as sampled from /proc (times are approximate: one sample interval). */
export interface ProcessRecord {
  readonly pid: number;
  readonly ppid: number;
  /** Command name (/proc/<pid>/stat field 2). */
  readonly comm: string;
  /** First and last time it was seen, in ms since the command started. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** user + system CPU seconds at the last sample. */
  readonly cpuSeconds: number;
  /** Largest VmRSS seen (MiB). */
  readonly peakRssMiB: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kill the tree after this many seconds (default 900). */
  readonly timeoutSeconds?: number;
}

let gnuTime: string | null | undefined;

/** The path of GNU time, or null when there is none (busybox/BSD time lack `-f %M -o`). */
export function findGnuTime(): string | null {
  if (gnuTime !== undefined) return gnuTime;
  gnuTime = null;
  for (const candidate of ['/usr/bin/time', '/bin/time']) {
    if (!fs.existsSync(candidate)) continue;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-bench-time-')), 'probe');
    try {
      const r = spawnSync(candidate, ['-f', '%M', '-o', out, 'true'], { stdio: 'ignore' });
      if (r.status === 0 && /^\d+\s*$/.test(readOr(out, ''))) {
        gnuTime = candidate;
        break;
      }
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  }
  return gnuTime;
}

/** Whether /proc can be sampled for process trees. */
export function procAvailable(): boolean {
  return process.platform === 'linux' && fs.existsSync(`/proc/${process.pid}/status`);
}

/** How memory is measured on this machine, in words (written to the results). */
export function memoryMethod(): string {
  const parts: string[] = [];
  if (procAvailable()) {
    parts.push(
      `treePeakMiB: largest sum of VmRSS over the child and all its descendants, sampled every ${SAMPLE_MS} ms from /proc/<pid>/status (descendants found through the ppid field of /proc/*/stat); short-lived processes can be missed between samples`,
    );
  }
  const t = findGnuTime();
  if (t) parts.push(`processPeakMiB: GNU time (${t} -f %M), the largest peak RSS (ru_maxrss) of any single process of the tree`);
  if (parts.length === 0) return 'not measured (no /proc and no GNU time on this machine)';
  return `${parts.join('; ')}; peakMiB = the larger of the two. A case with two commands (the stock path) reports the larger of the two commands' peaks.`;
}

/** Runs `command args` and measures it (see the module comment). Never throws for a failing command. */
export async function runMeasured(command: string, args: readonly string[], options: RunOptions): Promise<Measurement> {
  const time = findGnuTime();
  const timeFile = time ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-bench-rss-')), 'rss') : undefined;
  const [cmd, argv] = time ? [time, ['-f', '%M %U %S', '-o', timeFile!, command, ...args]] : [command, [...args]];
  const started = process.hrtime.bigint();
  const sampler = procAvailable() ? new TreeSampler(started) : undefined;
  const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, (options.timeoutSeconds ?? 900) * 1000);
  // Skip the GNU time wrapper itself: measure what it runs.
  const poll = sampler ? setInterval(() => sampler.sample(child.pid!, Boolean(time)), SAMPLE_MS) : undefined;
  sampler?.sample(child.pid!, Boolean(time));
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  let processPeakMiB: number | undefined;
  let cpuSeconds: number | undefined;
  if (timeFile) {
    const text = readOr(timeFile, '');
    // GNU time writes "Command exited with non-zero status N" before the values when the command fails.
    const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(text.trim());
    if (m) {
      processPeakMiB = Number(m[1]) / 1024;
      cpuSeconds = Number(m[2]) + Number(m[3]);
    }
    fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
  }
  const treePeakMiB = sampler && sampler.peakKiB > 0 ? sampler.peakKiB / 1024 : undefined;
  const peaks = [treePeakMiB, processPeakMiB].filter((x): x is number => x !== undefined);
  return {
    seconds,
    exitCode: code,
    signal,
    treePeakMiB,
    processPeakMiB,
    peakMiB: peaks.length > 0 ? Math.max(...peaks) : undefined,
    cpuSeconds,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    timedOut,
    processes: sampler ? [...sampler.processes.values()] : [],
  };
}

/** Clock ticks per second of /proc/<pid>/stat CPU times. */
let clockTicks: number | undefined;
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = r.status === 0 && /^\d+\s*$/.test(r.stdout) ? Number(r.stdout) : 100;
  }
  return clockTicks;
}

/** Samples the summed RSS of a process tree from /proc, and remembers each process seen. */
class TreeSampler {
  public peakKiB = 0;
  public readonly processes = new Map<number, ProcessRecord>();
  private readonly ticks = ticksPerSecond();

  constructor(private readonly started: bigint) {}

  public sample(root: number, skipRoot: boolean): void {
    const now = Number(process.hrtime.bigint() - this.started) / 1e6;
    const parents = new Map<number, number[]>();
    const stats = new Map<number, { comm: string; ppid: number; cpu: number }>();
    let entries: string[];
    try {
      entries = fs.readdirSync('/proc');
    } catch {
      return;
    }
    for (const e of entries) {
      if (!/^\d+$/.test(e)) continue;
      const stat = readOr(`/proc/${e}/stat`, '');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const close = stat.lastIndexOf(')');
      if (close < 0) continue;
      const fields = stat.slice(close + 2).split(' ');
      const ppid = Number(fields[1]);
      // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name.
      stats.set(Number(e), { comm: stat.slice(stat.indexOf('(') + 1, close), ppid, cpu: (Number(fields[11]) + Number(fields[12])) / this.ticks });
      const list = parents.get(ppid) ?? [];
      list.push(Number(e));
      parents.set(ppid, list);
    }
    let total = 0;
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (!(skipRoot && pid === root)) {
        const rss = rssKiB(pid);
        total += rss;
        const st = stats.get(pid);
        const prev = this.processes.get(pid);
        if (st) {
          this.processes.set(pid, {
            pid,
            ppid: st.ppid,
            comm: st.comm,
            firstSeenMs: prev?.firstSeenMs ?? now,
            lastSeenMs: now,
            cpuSeconds: st.cpu,
            peakRssMiB: Math.max(prev?.peakRssMiB ?? 0, rss / 1024),
          });
        }
      }
      stack.push(...(parents.get(pid) ?? []));
    }
    if (total > this.peakKiB) this.peakKiB = total;
  }
}

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readOr(`/proc/${pid}/status`, ''));
  return m ? Number(m[1]) : 0;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
