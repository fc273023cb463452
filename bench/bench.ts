/**
 * The synthesis benchmark (`npm run bench`): how long `jhm synth` takes for 1, 10 and 50 generated
 * hubs, cold and warm, against the stock path (`cdktf synth` + `cdk8s synth`) on the same hubs,
 * and how much memory it needs. Prints a table and writes the results as JSON.
 *
 * Every run happens in a throw-away project with its own `JHM_CACHE_DIR`:
 *
 * - jhm cold: a fresh copy of the project (hubs, secrets, charts.lock.json; no outputs) and an
 *   empty cache folder, then `node bin/jhm synth` with the project as working directory;
 * - jhm warm: right after the cold run, the same command again with the same cache and outputs,
 *   nothing changed (a no-op synth);
 * - helm only (the floor): the distinct `helm template` calls of a cold synth, recorded once,
 *   run alone in parallel (`helm-only.ts`); jhm cold is reported as a ratio to it (`x helm`);
 * - jhm --help: start-up alone;
 * - fleet (cold and warm as above): as many hubs as the largest size, spread over a few shared
 *   clusters (cluster files `clusters/fleet-01.yaml` …, copies of clusters/shared.yaml; hubs copies of
 *   hubs/course-a.yaml); `--no-fleet` leaves it out, `--fleet-clusters N` sets the clusters (default 5);
 * - stock (the baseline): a fresh copy and an empty cache folder, then `cdktf synth` and
 *   `cdk8s synth` one after the other (their apps are the repository's bundled lib/bundle/cdktf-app.js
 *   and lib/bundle/cdk8s-app.js, as cdktf.json and cdk8s.yaml name them, run with node: no build in
 *   the timed part).
 * - npx jhm --help: the same start-up through `npx jhm`, in the repository (where `npx` finds the
 *   command), what a command costs when typed as `npx jhm …`.
 *
 * Usage: node lib/bench/bench.js [--runs N] [--sizes 1,10,50] [--quick] [--out FILE]
 *                                [--test-charts] [--no-baseline] [--no-fleet] [--fleet-clusters N] [--keep]
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs as parseCommandLine } from 'util';
import { HelmBinary } from '../k8s/helm/helm-binary';
import { codeState } from './code-state';
import { readRecordedRenders, replayRenders, writeRecordingHelm } from './helm-only';
import { Measurement, memoryMethod, runMeasured } from './measure';
import {
  ChartsInUse,
  chooseCharts,
  copyProject,
  fleetClusterName,
  fleetClusterOf,
  hubName,
  REPO,
  writeFleetProjectTemplate,
  writeProjectTemplate,
  COMMON_ARGS,
  FLAG,
  VALUE,
} from './project';
import { median, round, table } from './stats';
import { waveFileName, WAVES } from '../k8s/waves';

/** Budget for the stock path at the largest size: run it only when it is expected to take less. */
const BASELINE_BUDGET_SECONDS = 180;
/** Kill a single command after this long. */
const COMMAND_TIMEOUT_SECONDS = 900;

interface Options {
  runs: number;
  sizes: number[];
  out?: string;
  forceTestCharts: boolean;
  baseline: boolean;
  /** Run the fleet case (hubs on shared clusters). */
  fleet: boolean;
  /** Shared clusters of the fleet case (at most one per hub). */
  fleetClusters: number;
  keep: boolean;
}

/** `fleet` is jhm on a project whose hubs share a few clusters (the other jhm cases: one dedicated cluster per hub); `npx` is `npx jhm --help`. */
type Tool = 'jhm' | 'stock' | 'helm' | 'fleet' | 'npx';
/** `warm` is a synth with nothing changed (a no-op); `help` is `jhm --help`. */
type Mode = 'cold' | 'warm' | 'help';

/** One run of a case, as written to the results. */
interface RunRecord {
  seconds: number;
  /** user + system CPU seconds of the command and its children (helm), where measured. */
  cpuSeconds?: number;
  peakMiB?: number;
  treePeakMiB?: number;
  processPeakMiB?: number;
  /** jhm only: the time jhm itself reports ("synthesized N hub(s) in X s"), i.e. without node start-up and module loading. */
  reportedSynthSeconds?: number;
  /** stock only: seconds of `cdktf synth` and of `cdk8s synth`. */
  parts?: { cdktf: number; cdk8s: number };
  /** warm only: whether the outputs after the warm run are byte-identical to those after the cold run. */
  outputsUnchanged?: boolean;
}

interface CaseRecord {
  tool: Tool;
  mode: Mode;
  hubs: number;
  /** Clusters the hubs are on: as many as hubs (each hub its dedicated cluster) except in the fleet case. */
  clusters: number;
  command: string;
  runs: RunRecord[];
  medianSeconds?: number;
  minSeconds?: number;
  maxSeconds?: number;
  /** Median CPU seconds (user + system, the process and its helm children), where measured. */
  medianCpuSeconds?: number;
  /** Largest peak over the runs. */
  peakMiB?: number;
  medianReportedSynthSeconds?: number;
  /** medianSeconds divided by the stock path's cold median for the same hubs. */
  ratioToBaseline?: number;
  /** jhm cold only: medianSeconds divided by the helm-only median for the same hubs (the floor). */
  ratioToHelm?: number;
  /** jhm cold only: medianCpuSeconds divided by the helm-only median CPU seconds (the same floor, less sensitive to other load on the machine). */
  cpuRatioToHelm?: number;
  /** fleet only: medianSeconds divided by the jhm median of the same mode for as many hubs on dedicated clusters. */
  ratioToDedicated?: number;
  error?: string;
  skipped?: string;
}

interface TargetRecord {
  id: string;
  description: string;
  threshold: string;
  measured: string | null;
  met: boolean | null;
}

function parseArgs(argv: readonly string[]): Options {
  const options = {
    ...COMMON_ARGS,
    runs: VALUE,
    sizes: VALUE,
    quick: FLAG,
    out: VALUE,
    'no-baseline': FLAG,
    'no-fleet': FLAG,
    'fleet-clusters': VALUE,
    help: { ...FLAG, short: 'h' },
  } as const;
  const { values: v } = parseCommandLine({ args: [...argv], options });
  if (v.help) {
    process.stdout.write('usage: node lib/bench/bench.js [--runs N] [--sizes 1,10,50] [--quick] [--out FILE] [--test-charts] [--no-baseline] [--no-fleet] [--fleet-clusters N] [--keep]\n');
    process.exit(0);
  }
  const o: Options = {
    runs: 3,
    sizes: [1, 10, 50],
    forceTestCharts: Boolean(v['test-charts']),
    baseline: !v['no-baseline'],
    fleet: !v['no-fleet'],
    fleetClusters: 5,
    keep: Boolean(v.keep),
  };
  if (v.quick) {
    o.runs = 1;
    o.sizes = [1, 10];
  }
  if (v.runs !== undefined) o.runs = positiveInt(v.runs, '--runs');
  if (v.sizes !== undefined) o.sizes = v.sizes.split(',').map((x) => positiveInt(x.trim(), '--sizes'));
  if (v.out !== undefined) o.out = path.resolve(v.out);
  if (v['fleet-clusters'] !== undefined) o.fleetClusters = positiveInt(v['fleet-clusters'], '--fleet-clusters');
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: "${s}" is not a positive integer`);
  return n;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The environment of every timed command: the caller's, with the bench's cache, charts and a private HOME. */
function benchEnv(base: NodeJS.ProcessEnv, cacheDir: string, charts: ChartsInUse, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of ['JHM_CACHE_DIR', 'JHM_CHARTS_DIR', 'JHM_OFFLINE', 'JHM_RENDER_CACHE', 'JHM_DEBUG']) delete env[k];
  return {
    ...env,
    JHM_CACHE_DIR: cacheDir,
    JHM_CHARTS_DIR: charts.dir,
    // Every chart is in JHM_CHARTS_DIR: a download attempt would be a bug, so make it fail fast.
    JHM_OFFLINE: '1',
    HOME: home,
    CHECKPOINT_DISABLE: '1',
    NO_COLOR: '1',
    CI: '1',
  };
}

/** The hub outputs that must exist after a successful synth of `count` hubs on dedicated clusters. */
function missingOutputs(project: string, count: number): string[] {
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) {
    const h = hubName(i);
    for (const rel of [path.join('cdktf.out', 'stacks', h, 'cdk.tf.json'), path.join('dist', h), path.join('dist-secrets', h)]) {
      if (!fs.existsSync(path.join(project, rel))) missing.push(rel);
    }
  }
  return missing;
}

/** The outputs that must exist after a successful synth of the fleet: per cluster its stack and secrets, per hub its release file. */
function missingFleetOutputs(project: string, hubs: number, clusters: number): string[] {
  const wanted: string[] = [];
  for (let c = 1; c <= clusters; c++) {
    const name = fleetClusterName(c);
    wanted.push(path.join('cdktf.out', 'stacks', name, 'cdk.tf.json'), path.join('dist-secrets', name));
  }
  for (let i = 1; i <= hubs; i++) wanted.push(path.join('dist', fleetClusterName(fleetClusterOf(i, hubs, clusters)), waveFileName(WAVES.jupyterhub, hubName(i))));
  return wanted.filter((rel) => !fs.existsSync(path.join(project, rel)));
}

/** Digest of every file under the output folders (paths and contents). */
function outputsDigest(project: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else hash.update(path.relative(project, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  for (const d of ['cdktf.out/stacks', 'dist', 'dist-secrets']) walk(path.join(project, d));
  return hash.digest('hex');
}

function failure(what: string, m: Measurement): string | undefined {
  if (m.timedOut) return `${what} timed out after ${COMMAND_TIMEOUT_SECONDS} s`;
  if (m.exitCode === 0) return undefined;
  const tail = `${m.stderr}\n${m.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^[\u2800-\u28ff]/.test(l))
    .slice(-8)
    .join(' | ');
  return `${what} exited with ${m.exitCode ?? m.signal}: ${tail}`;
}

function record(m: Measurement): RunRecord {
  return {
    seconds: round(m.seconds),
    cpuSeconds: m.cpuSeconds === undefined ? undefined : round(m.cpuSeconds, 2),
    peakMiB: m.peakMiB === undefined ? undefined : round(m.peakMiB, 1),
    treePeakMiB: m.treePeakMiB === undefined ? undefined : round(m.treePeakMiB, 1),
    processPeakMiB: m.processPeakMiB === undefined ? undefined : round(m.processPeakMiB, 1),
  };
}

function reportedSeconds(stderr: string): number | undefined {
  const m = /synthesized \d+ hub\(s\)(?: on \d+ cluster\(s\))? in ([\d.]+) s/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

function summarize(c: CaseRecord): void {
  if (c.runs.length === 0) return;
  const secs = c.runs.map((r) => r.seconds);
  c.medianSeconds = round(median(secs));
  c.minSeconds = round(Math.min(...secs));
  c.maxSeconds = round(Math.max(...secs));
  const peaks = c.runs.map((r) => r.peakMiB).filter((x): x is number => x !== undefined);
  if (peaks.length > 0) c.peakMiB = round(Math.max(...peaks), 1);
  const cpu = c.runs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
  if (cpu.length > 0) c.medianCpuSeconds = round(median(cpu), 2);
  const reported = c.runs.map((r) => r.reportedSynthSeconds).filter((x): x is number => x !== undefined);
  if (reported.length > 0) c.medianReportedSynthSeconds = round(median(reported));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-bench-')));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  log(`working in ${work}`);
  const loadAtStart = os.loadavg();
  const code = await codeState(REPO);
  if (code.staleInLib.length > 0) log(`warning: lib/ is older than ${code.staleInLib.join(', ')}: run npm run build first`);
  if (!code.bundleCurrent) log('warning: lib/bundle/ (what bin/jhm runs) is not what the sources make: run npm run build first');
  try {
    const charts = await chooseCharts(work, process.env, options.forceTestCharts);
    log(`charts: ${charts.kind} (${charts.source})`);
    const helm = await HelmBinary.resolve({ root: work, cacheDir: path.join(work, 'tools-cache') });
    const helmVersion = await helm.version();
    const node = process.execPath;
    const jhm = path.join(REPO, 'bin', 'jhm');
    const cdktf = path.join(REPO, 'node_modules', '.bin', 'cdktf');
    const cdk8s = path.join(REPO, 'node_modules', '.bin', 'cdk8s');

    const cases: CaseRecord[] = [];
    const skippedBaselines: { hubs: number; reason: string }[] = [];
    let runId = 0;
    const helmLimit = 3 * os.cpus().length;

    /** One jhm cold run on a fresh copy of `template` and an empty cache, then a warm (no-op) run on the same project and cache. */
    const coldThenWarm = async (template: string, cold: CaseRecord, warm: CaseRecord, missingAfter: (project: string) => string[], label: string): Promise<void> => {
      if (cold.error !== undefined) return;
      const dir = path.join(work, `run-${++runId}`);
      const project = path.join(dir, 'project');
      copyProject(template, project);
      const env = benchEnv(process.env, path.join(dir, 'cache'), charts, home);
      log(`jhm cold, ${label}`);
      const m = await runMeasured(node, [jhm, 'synth'], { cwd: project, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
      const missing = m.exitCode === 0 ? missingAfter(project) : [];
      cold.error = failure('jhm synth', m) ?? (missing.length ? `jhm synth exited 0 but did not write ${missing.slice(0, 3).join(', ')}` : undefined);
      if (cold.error === undefined) {
        cold.runs.push({ ...record(m), reportedSynthSeconds: reportedSeconds(m.stderr) });
        const before = outputsDigest(project);
        log(`jhm warm, ${label}`);
        const w = await runMeasured(node, [jhm, 'synth'], { cwd: project, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
        warm.error = failure('jhm synth (warm)', w);
        if (warm.error === undefined) {
          warm.runs.push({ ...record(w), reportedSynthSeconds: reportedSeconds(w.stderr), outputsUnchanged: outputsDigest(project) === before });
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };

    // jhm --help: start-up alone (no project needed).
    const help: CaseRecord = { tool: 'jhm', mode: 'help', hubs: 0, clusters: 0, command: 'node bin/jhm --help', runs: [] };
    cases.push(help);
    for (let i = 0; i < options.runs && help.error === undefined; i++) {
      const env = benchEnv(process.env, path.join(work, 'help-cache'), charts, home);
      log(`jhm --help, run ${i + 1}/${options.runs}`);
      const m = await runMeasured(node, [jhm, '--help'], { cwd: work, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
      help.error = failure('jhm --help', m);
      if (help.error === undefined) help.runs.push(record(m));
    }
    summarize(help);

    // npx jhm --help: the same start-up as typed through npx, in the repository (npx finds jhm there).
    const npx: CaseRecord = { tool: 'npx', mode: 'help', hubs: 0, clusters: 0, command: 'npx jhm --help (in the repository)', runs: [] };
    cases.push(npx);
    for (let i = 0; i < options.runs && npx.error === undefined; i++) {
      const env = benchEnv(process.env, path.join(work, 'help-cache'), charts, home);
      log(`npx jhm --help, run ${i + 1}/${options.runs}`);
      const m = await runMeasured('npx', ['jhm', '--help'], { cwd: REPO, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
      npx.error = failure('npx jhm --help', m);
      if (npx.error === undefined) npx.runs.push(record(m));
    }
    summarize(npx);

    for (const size of options.sizes) {
      const template = path.join(work, `template-${size}`);
      await writeProjectTemplate(template, size, charts);
      const cold: CaseRecord = { tool: 'jhm', mode: 'cold', hubs: size, clusters: size, command: 'node bin/jhm synth', runs: [] };
      const warm: CaseRecord = { tool: 'jhm', mode: 'warm', hubs: size, clusters: size, command: 'node bin/jhm synth (again, same cache and outputs)', runs: [] };
      const stock: CaseRecord = { tool: 'stock', mode: 'cold', hubs: size, clusters: size, command: 'cdktf synth && cdk8s synth --no-check-upgrade', runs: [] };
      const helmOnly: CaseRecord = { tool: 'helm', mode: 'cold', hubs: size, clusters: size, command: `the helm template runs of jhm cold, alone, at most ${helmLimit} at once`, runs: [] };
      cases.push(helmOnly, cold, warm);

      // The floor: record the helm template calls of one untimed cold synth, to replay them alone below.
      let renders: ReturnType<typeof readRecordedRenders> = [];
      {
        const dir = path.join(work, `record-${size}`);
        const project = path.join(dir, 'project');
        copyProject(template, project);
        const wrapper = writeRecordingHelm(path.join(dir, 'helm'), helm.path);
        const env = { ...benchEnv(process.env, path.join(dir, 'cache'), charts, home), JHM_HELM: wrapper };
        log(`recording the helm renders of ${size} hub(s)`);
        const m = await runMeasured(node, [jhm, 'synth'], { cwd: project, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
        helmOnly.error = failure('jhm synth (recording helm)', m);
        if (helmOnly.error === undefined) renders = readRecordedRenders(path.join(dir, 'helm'));
        helmOnly.command = `${renders.length} helm template runs (those of jhm cold), alone, at most ${helmLimit} at once`;
      }

      // Whether to run the stock path at this size: always up to 10 hubs, beyond that within the budget.
      let stockRuns = options.baseline ? options.runs : 0;
      if (options.baseline && size > 10) {
        const ref = cases.filter((c) => c.tool === 'stock' && c.medianSeconds !== undefined).pop();
        if (ref && ref.medianSeconds !== undefined) {
          const estimate = (ref.medianSeconds * size) / ref.hubs;
          if (estimate * options.runs <= BASELINE_BUDGET_SECONDS) stockRuns = options.runs;
          else if (estimate <= BASELINE_BUDGET_SECONDS) stockRuns = 1;
          else stockRuns = 0;
          if (stockRuns < options.runs) {
            const reason = `estimated ${estimate.toFixed(0)} s per run from ${ref.hubs} hubs (budget ${BASELINE_BUDGET_SECONDS} s): ${stockRuns === 0 ? 'not run' : 'run once'}`;
            skippedBaselines.push({ hubs: size, reason });
            if (stockRuns === 0) stock.skipped = reason;
          }
        }
      }
      if (options.baseline) cases.push(stock);

      for (let i = 0; i < options.runs; i++) {
        // helm alone: the same renders, in parallel.
        if (helmOnly.error === undefined && renders.length > 0) {
          const helmHome = path.join(work, `helm-home-${++runId}`);
          const env: NodeJS.ProcessEnv = { ...benchEnv(process.env, helmHome, charts, home), HELM_CACHE_HOME: path.join(helmHome, 'cache'), HELM_CONFIG_HOME: path.join(helmHome, 'config'), HELM_DATA_HOME: path.join(helmHome, 'data') };
          log(`helm only, ${size} hub(s), run ${i + 1}/${options.runs}`);
          try {
            const r = await replayRenders(helm.path, renders, helmLimit, env);
            helmOnly.runs.push({ seconds: round(r.seconds), cpuSeconds: r.cpuSeconds === undefined ? undefined : round(r.cpuSeconds, 2) });
          } catch (e) {
            helmOnly.error = (e as Error).message;
          }
          fs.rmSync(helmHome, { recursive: true, force: true });
        }
        // jhm cold, then warm (a no-op synth) on the same project and cache.
        await coldThenWarm(template, cold, warm, (project) => missingOutputs(project, size), `${size} hub(s), run ${i + 1}/${options.runs}`);
        // The stock path, cold, on a fresh copy.
        if (i < stockRuns && stock.error === undefined) {
          const dir = path.join(work, `run-${++runId}`);
          const project = path.join(dir, 'project');
          copyProject(template, project);
          const env = benchEnv(process.env, path.join(dir, 'cache'), charts, home);
          log(`stock cdktf synth + cdk8s synth, ${size} hub(s), run ${i + 1}/${stockRuns}`);
          const a = await runMeasured(cdktf, ['synth'], { cwd: project, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
          stock.error = failure('cdktf synth', a);
          if (stock.error === undefined) {
            const b = await runMeasured(cdk8s, ['synth', '--no-check-upgrade'], { cwd: project, env, timeoutSeconds: COMMAND_TIMEOUT_SECONDS });
            const missing = b.exitCode === 0 ? missingOutputs(project, size) : [];
            stock.error = failure('cdk8s synth', b) ?? (missing.length ? `the stock CLIs exited 0 but did not write ${missing.slice(0, 3).join(', ')}` : undefined);
            if (stock.error === undefined) {
              const peaks = [a.peakMiB, b.peakMiB].filter((x): x is number => x !== undefined);
              const trees = [a.treePeakMiB, b.treePeakMiB].filter((x): x is number => x !== undefined);
              const procs = [a.processPeakMiB, b.processPeakMiB].filter((x): x is number => x !== undefined);
              stock.runs.push({
                seconds: round(a.seconds + b.seconds),
                cpuSeconds: a.cpuSeconds === undefined || b.cpuSeconds === undefined ? undefined : round(a.cpuSeconds + b.cpuSeconds, 2),
                peakMiB: peaks.length ? round(Math.max(...peaks), 1) : undefined,
                treePeakMiB: trees.length ? round(Math.max(...trees), 1) : undefined,
                processPeakMiB: procs.length ? round(Math.max(...procs), 1) : undefined,
                parts: { cdktf: round(a.seconds), cdk8s: round(b.seconds) },
              });
            }
          }
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      for (const c of [helmOnly, cold, warm, stock]) summarize(c);
      if (helmOnly.medianSeconds && cold.medianSeconds !== undefined) cold.ratioToHelm = round(cold.medianSeconds / helmOnly.medianSeconds);
      if (helmOnly.medianCpuSeconds && cold.medianCpuSeconds !== undefined) cold.cpuRatioToHelm = round(cold.medianCpuSeconds / helmOnly.medianCpuSeconds);
      if (stock.medianSeconds !== undefined) {
        for (const c of [cold, warm]) if (c.medianSeconds !== undefined) c.ratioToBaseline = round(c.medianSeconds / stock.medianSeconds);
        stock.ratioToBaseline = 1;
      }
      for (const c of [helmOnly, cold, warm, stock]) if (c.error) log(`${c.tool} ${c.mode} ${c.hubs}: ${c.error}`);
    }

    // The fleet: as many hubs as the largest size, on a few shared clusters.
    const fleetHubs = Math.max(...options.sizes);
    const fleetClusters = Math.min(options.fleetClusters, fleetHubs);
    if (options.fleet) {
      const template = path.join(work, 'template-fleet');
      await writeFleetProjectTemplate(template, fleetHubs, fleetClusters, charts);
      const on = `${fleetHubs} hubs on ${fleetClusters} shared cluster(s)`;
      const cold: CaseRecord = { tool: 'fleet', mode: 'cold', hubs: fleetHubs, clusters: fleetClusters, command: `node bin/jhm synth (${on})`, runs: [] };
      const warm: CaseRecord = { tool: 'fleet', mode: 'warm', hubs: fleetHubs, clusters: fleetClusters, command: `node bin/jhm synth (${on}; again, same cache and outputs)`, runs: [] };
      cases.push(cold, warm);
      for (let i = 0; i < options.runs; i++) {
        await coldThenWarm(template, cold, warm, (project) => missingFleetOutputs(project, fleetHubs, fleetClusters), `fleet, ${on}, run ${i + 1}/${options.runs}`);
      }
      for (const c of [cold, warm]) {
        summarize(c);
        const dedicated = cases.find((d) => d.tool === 'jhm' && d.mode === c.mode && d.hubs === fleetHubs && d.medianSeconds !== undefined);
        if (dedicated && c.medianSeconds !== undefined) c.ratioToDedicated = round(c.medianSeconds / dedicated.medianSeconds!);
        if (c.error) log(`fleet ${c.mode} ${c.hubs}: ${c.error}`);
      }
    }

    const targets = evaluateTargets(cases);
    const results = {
      date: new Date().toISOString(),
      arguments: process.argv.slice(2),
      machine: {
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        cpus: os.cpus().length,
        totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
        node: process.version,
        loadAverageAtStart: loadAtStart.map((x) => round(x, 2)),
        loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
      },
      code,
      charts,
      tools: {
        helm: `${helmVersion} (${helm.source}: ${helm.path})`,
        cdktfCli: packageVersion('cdktf-cli'),
        cdk8sCli: packageVersion('cdk8s-cli'),
        terraform: terraformVersion(),
      },
      settings: {
        runs: options.runs,
        sizes: options.sizes,
        baselineBudgetSeconds: BASELINE_BUDGET_SECONDS,
        fleet: options.fleet ? { hubs: fleetHubs, clusters: fleetClusters } : null,
      },
      method: {
        cold: 'fresh copy of the generated project (hubs/, secrets/, charts.lock.json; no outputs) and an empty JHM_CACHE_DIR (a helm binary found outside it, see tools.helm, is not re-extracted)',
        warm: 'the same command again right after the cold run: same cache, same outputs, nothing changed (a no-op synth)',
        helm: 'the distinct helm template calls of one cold jhm synth (recorded by a JHM_HELM wrapper in an untimed run), run again alone with the same arguments and values, at most 3 per core at once; wall time from the first spawn to the last exit, in the bench process (no node start-up)',
        help: '`node bin/jhm --help`',
        npx: '`npx jhm --help`, in the repository (npx finds jhm in its package.json there)',
        fleet:
          'cold and warm as above, on a project of as many hubs as the largest size spread in consecutive blocks over a few shared clusters (clusters/fleet-01.yaml …, copies of clusters/shared.yaml; hubs/hub-001.yaml …, copies of hubs/course-a.yaml naming their cluster)',
        ratioToDedicated: 'fleet median seconds divided by the jhm median of the same mode for as many hubs, each on its dedicated cluster',
        ratioToHelm: "jhm cold median seconds divided by the helm-only median for the same number of hubs",
        cpuRatioToHelm: 'jhm cold median CPU seconds (jhm and its helm processes) divided by the helm-only median CPU seconds for the same number of hubs: what jhm adds to the renders, whatever else runs on the machine',
        stock: 'fresh copy and empty JHM_CACHE_DIR, then `cdktf synth` (app: node lib/bundle/cdktf-app.js) and `cdk8s synth --no-check-upgrade` (app: node lib/bundle/cdk8s-app.js), times added',
        seconds: 'wall clock from spawn to exit of the child process, measured by the bench',
        cpuSeconds: 'user + system CPU seconds of the command and the children it waited for (GNU time %U + %S; helm only: the bench process\'s children times from /proc/self/stat); less sensitive than wall time to other load on the machine',
        memory: memoryMethod(),
        ratioToBaseline: "median seconds divided by the stock path's median for the same number of hubs",
      },
      cases,
      skippedBaselines,
      targets,
    };
    const out = options.out ?? path.join(REPO, 'bench', charts.kind === 'real' ? 'results-real-charts.json' : 'results.json');
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\n${printTable(cases)}\n\n${printTargets(targets)}\n\ncharts: ${charts.kind} (${charts.source})\nresults written to ${path.relative(process.cwd(), out) || out}\n`);
  } finally {
    if (options.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

function evaluateTargets(cases: readonly CaseRecord[]): TargetRecord[] {
  const find = (tool: Tool, mode: Mode, hubs: number) => cases.find((c) => c.tool === tool && c.mode === mode && c.hubs === hubs && c.medianSeconds !== undefined);
  const targets: TargetRecord[] = [];
  const atMost = (id: string, description: string, c: CaseRecord | undefined, limit: number) =>
    targets.push({ id, description, threshold: `median <= ${limit} s`, measured: c ? `${c.medianSeconds} s` : null, met: c ? c.medianSeconds! <= limit : null });
  const one = find('jhm', 'cold', 1);
  const oneHelm = find('helm', 'cold', 1);
  /** A target on the ratio of two cases' medians. */
  const ratioAtMost = (id: string, description: string, c: CaseRecord | undefined, base: CaseRecord | undefined, limit: number) =>
    targets.push({
      id,
      description,
      threshold: `ratio <= ${limit}`,
      measured: c && base ? `${c.medianSeconds} s vs ${base.medianSeconds} s (ratio ${round(c.medianSeconds! / base.medianSeconds!)})` : null,
      met: c && base ? c.medianSeconds! <= limit * base.medianSeconds! : null,
    });
  ratioAtMost('one-hub-cold-vs-helm', '1 hub cold takes at most twice the same helm renders alone, in parallel', one, oneHelm, 2);
  atMost('help', 'jhm --help', find('jhm', 'help', 0), 0.3);
  atMost('one-hub-noop', 'a synth of 1 hub with nothing changed', find('jhm', 'warm', 1), 0.3);
  atMost('fifty-hubs-cold', '50 hubs cold', find('jhm', 'cold', 50), 9);
  atMost('fifty-hubs-noop', 'a synth of 50 hubs with nothing changed', find('jhm', 'warm', 50), 1);
  const fiftyPeaks = [find('jhm', 'cold', 50)?.peakMiB, find('jhm', 'warm', 50)?.peakMiB].filter((x): x is number => x !== undefined);
  targets.push({
    id: 'fifty-hubs-memory',
    description: 'peak memory under 512 MiB for 50 hubs (largest of the cold and no-op runs)',
    threshold: 'peak < 512 MiB',
    measured: fiftyPeaks.length ? `${Math.max(...fiftyPeaks)} MiB` : null,
    met: fiftyPeaks.length ? Math.max(...fiftyPeaks) < 512 : null,
  });
  const oneStock = find('stock', 'cold', 1);
  ratioAtMost('one-hub-cold-vs-stock', "1 hub cold takes at most a quarter of the stock path's time", one, oneStock, 0.25);
  return targets;
}

function printTable(cases: readonly CaseRecord[]): string {
  const rows = cases.map((c) => [
    c.tool,
    c.mode,
    String(c.hubs),
    String(c.clusters),
    String(c.runs.length),
    fmt(c.medianSeconds),
    fmt(c.minSeconds),
    fmt(c.maxSeconds),
    fmt(c.medianReportedSynthSeconds),
    fmt(c.medianCpuSeconds),
    c.peakMiB === undefined ? '-' : c.peakMiB.toFixed(0),
    c.ratioToBaseline === undefined ? '-' : c.ratioToBaseline.toFixed(2),
    c.ratioToHelm === undefined ? '-' : c.ratioToHelm.toFixed(2),
    c.cpuRatioToHelm === undefined ? '-' : c.cpuRatioToHelm.toFixed(2),
    c.ratioToDedicated === undefined ? '-' : c.ratioToDedicated.toFixed(2),
    c.error ? `FAILED: ${c.error.slice(0, 100)}` : (c.skipped ?? ''),
  ]);
  return table(['tool', 'mode', 'hubs', 'clusters', 'runs', 'median s', 'min s', 'max s', 'jhm-reported s', 'CPU s', 'peak MiB', 'x stock', 'x helm', 'x helm CPU', 'x dedicated', 'note'], rows);
}

function printTargets(targets: readonly TargetRecord[]): string {
  return table(
    ['target', 'threshold', 'measured', 'met'],
    targets.map((t) => [t.description, t.threshold, t.measured ?? 'not measured', t.met === null ? '-' : t.met ? 'yes' : 'NO']),
  );
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(2);
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [REPO] }), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function terraformVersion(): string {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status !== 0) return 'not on PATH';
  try {
    return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return r.stdout.split('\n')[0];
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
