/**
 * The floor of a cold synth: the very `helm template` runs that jhm makes, run alone.
 *
 * `recordRenders` runs one untimed cold `jhm synth` with `JHM_HELM` pointing at a wrapper script
 * that keeps each `helm template` call's arguments and values file and then runs the real helm.
 * `replayRenders` runs those calls again, all of them, at most `limit` at once (jhm renders the
 * three charts of each of up to one hub per core at once), and gives the wall time from the first
 * spawn to the last exit. Node's start-up is not in it: this is helm's time alone.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ticksPerSecond } from './measure';

/** One recorded `helm template` call. */
export interface RecordedRender {
  readonly args: readonly string[];
}

/** Writes the recording wrapper into `dir` (with its recordings under `dir/calls`); gives its path. */
export function writeRecordingHelm(dir: string, realHelm: string): string {
  const calls = path.join(dir, 'calls');
  fs.mkdirSync(calls, { recursive: true });
  const script = path.join(dir, 'helm');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    script,
    [
      '#!/usr/bin/env bash',
      '# Records helm template calls for the benchmark (bench/helm-only.ts), then runs the real helm.',
      'set -euo pipefail',
      'if [ "${1:-}" = template ]; then',
      `  d=$(mktemp -d ${q(path.join(calls, 'call-XXXXXX'))})`,
      '  args=("$@")',
      '  for ((i = 0; i < ${#args[@]}; i++)); do',
      '    if [ "${args[i]}" = -f ]; then cp "${args[i+1]}" "$d/values.json"; args[i+1]="$d/values.json"; fi',
      '  done',
      `  printf '%s\\0' "\${args[@]}" > "$d/args"`,
      'fi',
      `exec ${q(realHelm)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return script;
}

/** The calls recorded under `dir` (see `writeRecordingHelm`), distinct by arguments and values. */
export function readRecordedRenders(dir: string): RecordedRender[] {
  const calls = path.join(dir, 'calls');
  const seen = new Set<string>();
  const out: RecordedRender[] = [];
  for (const name of fs.readdirSync(calls).sort()) {
    const args = fs.readFileSync(path.join(calls, name, 'args'), 'utf8').split('\0').slice(0, -1);
    const valuesFile = path.join(calls, name, 'values.json');
    const key = JSON.stringify([args.map((a) => (a === valuesFile ? '' : a)), fs.existsSync(valuesFile) ? fs.readFileSync(valuesFile, 'utf8') : '']);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ args });
  }
  return out;
}

/** CPU seconds (user + system) of this process's children that have been waited for, from /proc (undefined without it). */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted from the state field (3) onwards.
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** Runs the recorded calls, at most `limit` at once: the wall seconds of the whole, and helm's CPU seconds. */
export async function replayRenders(helm: string, renders: readonly RecordedRender[], limit: number, env: NodeJS.ProcessEnv): Promise<{ seconds: number; cpuSeconds?: number }> {
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < renders.length) {
      const r = renders[next++];
      await new Promise<void>((resolve, reject) => {
        execFile(helm, [...r.args], { env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }, (error, _stdout, stderr) => {
          if (error) reject(new Error(`helm ${r.args.slice(0, 3).join(' ')} failed: ${stderr.split('\n')[0]}`));
          else resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, renders.length)) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  return { seconds, cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}
