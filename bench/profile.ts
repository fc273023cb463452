/**
 * Where the time of `jhm synth` goes: one cold run (and by default one warm run after it) of N
 * generated hubs under `node --cpu-prof`, in a throw-away project with its own `JHM_CACHE_DIR`
 * (see bench.ts). For each run it prints:
 *
 * - the wall time, the time jhm reports for itself, and the CPU profile's length;
 * - time by phase: each profile sample is given to the first phase (in the order of `PHASES`)
 *   one of whose frames is on the sample's stack, e.g. everything under `Module._load` is module
 *   loading wherever it happens; `(idle)` is the main thread waiting (on helm, on the disk);
 * - the top self-time functions and the top self-time modules (npm package, node internals or
 *   jhm's own folder);
 *
 * `bin/jhm` runs the bundles of lib/bundle/ (scripts/bundle.ts): each frame in them is mapped back
 * to its source file and line through the bundle's source map (`mapToSources`), so phases, functions
 * and modules name the TypeScript sources and npm packages as they would unbundled. The top-level
 * code of a module inside a bundle (esbuild's wrapper function, named after the module's path)
 * counts as module loading, like the top-level code node runs under `Module._load`.
 * - the child processes seen (sampled from /proc): how many helm processes ran, their summed
 *   lifetime and CPU seconds, and how long at least one was running.
 *
 * Usage: node lib/bench/profile.js [--hubs 50] [--mode cold|warm|both] [--top 25] [--test-charts]
 *                                  [--keep] [--json FILE]
 * (`npm run build` first.) Uses the real charts when JHM_CHARTS_DIR holds them, as bench.ts does.
 */
import * as fs from 'fs';
import { SourceMap } from 'module';
import * as os from 'os';
import * as path from 'path';
import { parseArgs as parseCommandLine } from 'util';
import { codeState } from './code-state';
import { ProcessRecord, runMeasured } from './measure';
import { chooseCharts, copyProject, REPO, writeProjectTemplate, COMMON_ARGS, VALUE } from './project';
import { round, table } from './stats';
import { BUNDLE_DIR } from '../scripts/bundle';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A phase: a sample belongs to it when a frame of its stack matches. Checked in this order. */
interface Phase {
  readonly label: string;
  readonly matches: (f: CallFrame) => boolean;
}

/** Whether a frame's code is jhm's `rel` (a folder with `/`, or a file without extension): compiled in lib/, or a bundle frame mapped to the sources. */
const inLib = (f: CallFrame, rel: string): boolean => f.url.includes(`/lib/${rel}`) || f.url.startsWith(`file://${REPO}/${rel}`);
/** esbuild names the function holding a bundled module's top-level code after the module's path. */
const isBundledModuleBody = (f: CallFrame): boolean => /\.(ts|js|cjs|mjs|json)$/.test(f.functionName) && f.functionName.includes('/');
const PHASES: readonly Phase[] = [
  {
    label: 'module loading (require: read, compile, top-level code)',
    matches: (f) => (f.functionName === 'Module._load' && f.url.startsWith('node:internal/modules')) || isBundledModuleBody(f),
  },
  { label: 'extracting the bundled helm (adm-zip)', matches: (f) => f.url.includes('/node_modules/adm-zip/') || f.functionName === 'extractBundledHelm' },
  { label: 'spawning helm (child_process.spawn/execFile)', matches: (f) => f.url === 'node:child_process' || (f.url === 'node:internal/child_process' && f.functionName === 'ChildProcess.spawn') },
  { label: 'CDKTF app (synthInfra: constructs + Terraform JSON)', matches: (f) => f.functionName === 'synthInfra' || f.functionName === 'createInfraApp' },
  { label: 'parsing helm output (parseHelmOutput)', matches: (f) => f.functionName === 'parseHelmOutput' },
  { label: 'Helm engine: cache, digests, post-processing', matches: (f) => inLib(f, 'k8s/helm/') },
  { label: 'cdk8s assembly (ClusterApp, ClusterManifests)', matches: (f) => f.functionName === 'ClusterApp' || f.functionName === 'ClusterManifests' },
  { label: 'manifest files (YAML text of dist/)', matches: (f) => f.functionName === 'manifestFiles' || inLib(f, 'k8s/manifest-files') },
  { label: 'leak scans (placeholdersIn, assertNoSecretInDist)', matches: (f) => f.functionName === 'placeholdersIn' || f.functionName === 'assertNoSecretInDist' },
  { label: 'secret placeholders and filling (fillSecrets, loadSecrets)', matches: (f) => inLib(f, 'k8s/secret-placeholders') || f.functionName === 'loadSecrets' },
  { label: 'chart values and the rest of synthClusterManifests', matches: (f) => f.functionName === 'synthClusterManifests' || inLib(f, 'k8s/') },
  { label: 'writing outputs (staging, swap, manifest.json)', matches: (f) => inLib(f, 'synth/output') || f.functionName === 'mergeCdktfManifest' },
  { label: 'loading and checking hub files', matches: (f) => inLib(f, 'model/') || inLib(f, 'project/') },
];

interface Args {
  hubs: number;
  modes: ('cold' | 'warm')[];
  top: number;
  forceTestCharts: boolean;
  keep: boolean;
  json?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const { values: v } = parseCommandLine({ args: [...argv], options: { ...COMMON_ARGS, hubs: VALUE, mode: VALUE, top: VALUE, json: VALUE } });
  const a: Args = { hubs: 50, modes: ['cold', 'warm'], top: 25, forceTestCharts: Boolean(v['test-charts']), keep: Boolean(v.keep) };
  if (v.hubs !== undefined) a.hubs = Number(v.hubs);
  if (v.mode !== undefined) {
    const m = v.mode;
    if (m !== 'cold' && m !== 'warm' && m !== 'both') throw new Error('--mode is cold, warm or both');
    a.modes = m === 'both' ? ['cold', 'warm'] : [m];
  }
  if (v.top !== undefined) a.top = Number(v.top);
  if (v.json !== undefined) a.json = path.resolve(v.json);
  if (!Number.isInteger(a.hubs) || a.hubs < 1) throw new Error('--hubs must be a positive integer');
  return a;
}

/** Where a frame's code lives: an npm package, node internals, jhm's lib/<folder>, or a V8 category. */
function moduleOf(f: CallFrame): string {
  const url = f.url;
  if (url === '') return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal/modules') ? 'node: module loader' : `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return `npm: ${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const lib = url.indexOf('/lib/');
  if (lib >= 0 && url.includes(REPO)) {
    const rest = url.slice(lib + 1).split('/');
    return `jhm: ${rest.slice(0, rest.length > 3 ? 3 : rest.length - 1).join('/')}`;
  }
  if (url.startsWith(`file://${REPO}/`)) {
    // A bundle frame mapped to its source (mapToSources): named as its compiled lib/ folder would be.
    const rest = ['lib', ...url.slice(`file://${REPO}/`.length).split('/')];
    return `jhm: ${rest.slice(0, rest.length > 3 ? 3 : rest.length - 1).join('/')}`;
  }
  return url;
}

/**
 * Rewrites every frame in a bundle of lib/bundle/ to its source (file URL and 0-based line), through
 * the bundle's source map; a frame the map does not cover (esbuild's own helpers) keeps the bundle's.
 */
function mapToSources(profile: CpuProfile): void {
  const bundleUrl = `file://${path.join(REPO, BUNDLE_DIR)}/`;
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      const file = `${url.slice('file://'.length)}.map`;
      maps.set(url, fs.existsSync(file) ? new SourceMap(JSON.parse(fs.readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null);
    }
    return maps.get(url)!;
  };
  for (const { callFrame: f } of profile.nodes) {
    if (!f.url.startsWith(bundleUrl)) continue;
    const entry = mapOf(f.url)?.findEntry(f.lineNumber, f.columnNumber);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) continue;
    const source = entry.originalSource.startsWith('file://') ? entry.originalSource.slice('file://'.length) : path.resolve(path.dirname(f.url.slice('file://'.length)), entry.originalSource);
    f.url = `file://${source}`;
    f.lineNumber = entry.originalLine;
    f.columnNumber = entry.originalColumn;
  }
}

interface Analysis {
  profileSeconds: number;
  phases: { phase: string; seconds: number; share: number }[];
  functions: { function: string; where: string; seconds: number }[];
  modules: { module: string; seconds: number }[];
}

function analyse(profile: CpuProfile, top: number): Analysis {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  // Phase of each node (memoised: it depends only on the node's stack).
  const phaseOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = phaseOf.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)!.callFrame;
    let result: string | undefined;
    if (leaf.url === '' && ['(idle)', '(garbage collector)', '(program)'].includes(leaf.functionName)) {
      result = { '(idle)': '(idle: waiting for helm or I/O)', '(garbage collector)': '(garbage collector)', '(program)': '(program: V8/native, no JS frame)' }[leaf.functionName];
    } else {
      const stack: CallFrame[] = [];
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!.callFrame);
      for (const phase of PHASES) {
        if (stack.some((f) => phase.matches(f))) {
          result = phase.label;
          break;
        }
      }
    }
    result ??= 'other JavaScript (commander, cli, startup)';
    phaseOf.set(id, result);
    return result;
  };
  const phases = new Map<string, number>();
  const functions = new Map<string, { function: string; where: string; us: number }>();
  const modules = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const p = classify(id);
    phases.set(p, (phases.get(p) ?? 0) + us);
    const f = byId.get(id)!.callFrame;
    const where = f.url === '' ? '' : `${f.url.replace(`file://${REPO}/`, '').replace('file://', '')}:${f.lineNumber + 1}`;
    const key = `${f.functionName}@${where}`;
    const entry = functions.get(key) ?? { function: f.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const m = moduleOf(f);
    modules.set(m, (modules.get(m) ?? 0) + us);
  }
  const seconds = (us: number) => round(us / 1e6, 3);
  return {
    profileSeconds: seconds(profile.endTime - profile.startTime),
    phases: [...phases]
      .sort((a, b) => b[1] - a[1])
      .map(([phase, us]) => ({ phase, seconds: seconds(us), share: round(us / total, 3) })),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ function: f.function, where: f.where, seconds: seconds(f.us) })),
    modules: [...modules]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, seconds: seconds(us) })),
  };
}

/** What the sampled child processes of the run did, grouped by command name. */
function childSummary(processes: readonly ProcessRecord[], rootPid: number | undefined) {
  const children = processes.filter((p) => p.pid !== rootPid);
  const groups = new Map<string, ProcessRecord[]>();
  for (const p of children) groups.set(p.comm, [...(groups.get(p.comm) ?? []), p]);
  return [...groups].map(([comm, ps]) => {
    // Time with at least one of them running (union of their sampled lifetimes).
    const spans = ps.map((p) => [p.firstSeenMs, p.lastSeenMs] as const).sort((a, b) => a[0] - b[0]);
    let busy = 0;
    let end = -Infinity;
    for (const [s, e] of spans) {
      if (e <= end) continue;
      busy += e - Math.max(s, end);
      end = e;
    }
    let maxConcurrent = 0;
    for (const [s] of spans) maxConcurrent = Math.max(maxConcurrent, spans.filter(([a, b]) => a <= s && s <= b).length);
    return {
      command: comm,
      processesSeen: ps.length,
      summedLifetimeSeconds: round(ps.reduce((t, p) => t + (p.lastSeenMs - p.firstSeenMs), 0) / 1000, 2),
      cpuSeconds: round(ps.reduce((t, p) => t + p.cpuSeconds, 0), 2),
      wallSecondsWithOneRunning: round(busy / 1000, 2),
      maxConcurrent,
      largestRssMiB: round(Math.max(...ps.map((p) => p.peakRssMiB)), 1),
    };
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-profile-')));
  const report: Record<string, unknown> = { hubs: args.hubs, date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, code: await codeState(REPO) };
  try {
    const charts = await chooseCharts(work, process.env, args.forceTestCharts);
    report.charts = { kind: charts.kind, source: charts.source };
    const project = path.join(work, 'project');
    const template = path.join(work, 'template');
    await writeProjectTemplate(template, args.hubs, charts);
    copyProject(template, project);
    const env: NodeJS.ProcessEnv = { ...process.env, JHM_CACHE_DIR: path.join(work, 'cache'), JHM_CHARTS_DIR: charts.dir, JHM_OFFLINE: '1', NO_COLOR: '1' };
    delete env.JHM_RENDER_CACHE;
    const modes = args.modes.includes('warm') && !args.modes.includes('cold') ? (['cold', 'warm'] as const) : args.modes;
    const runs: Record<string, unknown> = {};
    for (const mode of modes) {
      const profDir = path.join(work, `prof-${mode}`);
      const m = await runMeasured(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, path.join(REPO, 'bin', 'jhm'), 'synth'], { cwd: project, env });
      if (m.exitCode !== 0) throw new Error(`jhm synth (${mode}) exited with ${m.exitCode}: ${m.stderr.split('\n').slice(-5).join(' | ')}`);
      if (!args.modes.includes(mode)) continue; // a cold run only to warm the cache
      const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`node --cpu-prof wrote no profile into ${profDir}`);
      const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
      mapToSources(profile);
      const analysis = analyse(profile, args.top);
      const node = m.processes.find((p) => p.comm === 'node' && m.processes.every((q) => q.pid === p.pid || q.pid !== p.ppid));
      const reported = /synthesized \d+ hub\(s\) in ([\d.]+) s/.exec(m.stderr);
      const run = {
        wallSeconds: round(m.seconds, 2),
        jhmReportedSeconds: reported ? Number(reported[1]) : null,
        peakMiB: m.peakMiB === undefined ? null : round(m.peakMiB, 1),
        nodeCpuSeconds: node ? round(node.cpuSeconds, 2) : null,
        renderCacheEntries: countFiles(path.join(work, 'cache', 'render')),
        ...analysis,
        childProcesses: childSummary(m.processes, node?.pid),
      };
      runs[mode] = run;
      print(mode, args.hubs, charts.kind, run);
    }
    report.runs = runs;
    if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    if (args.keep) process.stderr.write(`kept ${work}\n`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

function countFiles(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}

function print(mode: string, hubs: number, charts: string, run: { wallSeconds: number; jhmReportedSeconds: number | null; peakMiB: number | null; nodeCpuSeconds: number | null; renderCacheEntries: number; childProcesses: ReturnType<typeof childSummary> } & Analysis): void {
  const out = process.stdout;
  out.write(`\n=== ${mode} synth of ${hubs} hub(s), ${charts} charts ===\n`);
  out.write(`wall ${run.wallSeconds} s; jhm-reported ${run.jhmReportedSeconds ?? '?'} s; CPU profile ${run.profileSeconds} s; node CPU ${run.nodeCpuSeconds ?? '?'} s; peak ${run.peakMiB ?? '?'} MiB; render cache entries afterwards ${run.renderCacheEntries} (distinct helm renders)\n\n`);
  out.write(`${table(['phase (main thread)', 'seconds', 'share'], run.phases.map((p) => [p.phase, p.seconds.toFixed(3), `${(p.share * 100).toFixed(1)}%`]))}\n\n`);
  out.write(`${table(['top self-time function', 'where', 'seconds'], run.functions.map((f) => [f.function, f.where, f.seconds.toFixed(3)]))}\n\n`);
  out.write(`${table(['top self-time module', 'seconds'], run.modules.map((m) => [m.module, m.seconds.toFixed(3)]))}\n\n`);
  if (run.childProcesses.length > 0) {
    out.write(
      `${table(
        ['child command', 'seen', 'summed lifetime s', 'CPU s', 'wall s with >=1 running', 'max at once', 'largest RSS MiB'],
        run.childProcesses.map((c) => [c.command, String(c.processesSeen), c.summedLifetimeSeconds.toFixed(2), c.cpuSeconds.toFixed(2), c.wallSecondsWithOneRunning.toFixed(2), String(c.maxConcurrent), c.largestRssMiB.toFixed(0)]),
      )}\n(child processes are sampled every 20 ms from /proc: ones shorter than that may be missed, times are approximate)\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
