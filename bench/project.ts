/**
 * The throw-away projects the benchmark synthesizes: N copies of `hubs/example.yaml` named
 * `hub-001` … (cluster name and DNS record default to the hub name, so copies never collide), a
 * secrets file each with an obviously fake GitHub client secret, a `charts.lock.json` recording
 * the archives in use (as a cloned hub repository would have), and a `cdktf.json` / `cdk8s.yaml`
 * whose apps run the repository's bundled entry points (lib/bundle/) with plain node (no build in the timed part).
 * The fleet project (`writeFleetProjectTemplate`) spreads as many hubs over a few shared clusters:
 * copies of `clusters/shared.yaml` named `fleet-01` … and copies of `hubs/course-a.yaml` that name
 * them (each hub's DNS record defaults to its name, so records never collide).
 *
 * Also picks the charts: the real pinned archives when `JHM_CHARTS_DIR` holds all four, else the
 * test stand-ins packaged from `test/charts/`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { loadHubs } from '../project/load';
import { ensureSecrets } from '../project/secrets';
import { packagedChartPins } from '../project/chart-pins';
import { archiveName, ChartLock } from '../k8s/helm/chart-lock';
import { HelmBinary } from '../k8s/helm/helm-binary';
import { packageTestCharts, TEST_CHARTS_SOURCE } from './test-charts';
import { BUNDLE_DIR } from '../scripts/bundle';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

/** The repository (two levels above lib/bench/). */
export const REPO = path.resolve(__dirname, '..', '..');

/** Obviously fake: never a real secret. */
export const FAKE_GITHUB_CLIENT_SECRET = 'fake-github-client-secret-for-bench';

/** Which charts a run uses. */
export interface ChartsInUse {
  /** `real`: the pinned upstream archives from `JHM_CHARTS_DIR`; `test`: the stand-ins of test/charts. */
  readonly kind: 'real' | 'test';
  /** The folder given to jhm as `JHM_CHARTS_DIR`. */
  readonly dir: string;
  /** How the folder came to be. */
  readonly source: string;
  /** Archive name to size and sha256. */
  readonly archives: Record<string, { readonly bytes: number; readonly sha256: string }>;
}

/**
 * The charts to use: `JHM_CHARTS_DIR` when it is set and holds every pinned archive (`real`), else
 * the test charts packaged into `<work>/test-charts` (`test`). `forceTest` ignores `JHM_CHARTS_DIR`.
 */
export async function chooseCharts(work: string, env: NodeJS.ProcessEnv, forceTest: boolean): Promise<ChartsInUse> {
  const given = env.JHM_CHARTS_DIR?.trim();
  const pins = Object.values(CHARTS);
  if (!forceTest && given && pins.every((p) => fs.existsSync(path.join(given, archiveName(p))))) {
    const dir = path.resolve(given);
    return { kind: 'real', dir, source: `JHM_CHARTS_DIR=${dir}`, archives: describeArchives(dir) };
  }
  const dir = path.join(work, 'test-charts');
  // The compiled test-charts.js looks for the chart sources beside itself (lib/test/charts), where
  // they are not: only the sources under test/charts exist. Package those in that case.
  let source: string;
  if (fs.existsSync(TEST_CHARTS_SOURCE)) {
    await packageTestCharts(dir);
    source = `packageTestCharts() from ${path.relative(REPO, TEST_CHARTS_SOURCE)}`;
  } else {
    const charts = path.join(REPO, 'test', 'charts');
    fs.mkdirSync(dir, { recursive: true });
    const helm = await HelmBinary.resolve({ root: work, cacheDir: path.join(work, 'packaging-cache'), env });
    for (const pin of pins) await helm.run(['package', path.join(charts, pin.name), '--destination', dir]);
    source = `helm package of test/charts/* (the compiled packageTestCharts() looks in ${path.relative(REPO, TEST_CHARTS_SOURCE)}, which does not exist)`;
  }
  for (const pin of pins) {
    if (!fs.existsSync(path.join(dir, archiveName(pin)))) throw new Error(`test chart archive ${archiveName(pin)} was not packaged into ${dir}`);
  }
  return { kind: 'test', dir, source, archives: describeArchives(dir) };
}

function describeArchives(dir: string): ChartsInUse['archives'] {
  const out: Record<string, { bytes: number; sha256: string }> = {};
  for (const pin of Object.values(CHARTS)) {
    const file = path.join(dir, archiveName(pin));
    const data = fs.readFileSync(file);
    out[archiveName(pin)] = { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }
  return out;
}

/** Name of generated hub `i` (1-based): hub-001, hub-002, … */
export function hubName(i: number): string {
  return `hub-${String(i).padStart(3, '0')}`;
}

/**
 * Writes a project template with `count` hubs into `dir`: hubs/, secrets/, charts.lock.json,
 * cdktf.json, cdk8s.yaml. Runs copy it (`copyProject`) so every cold run starts from the same files.
 */
export async function writeProjectTemplate(dir: string, count: number, charts: ChartsInUse): Promise<void> {
  const example = fs.readFileSync(path.join(REPO, 'hubs', 'example.yaml'), 'utf8');
  fs.mkdirSync(path.join(dir, 'hubs'), { recursive: true });
  for (let i = 1; i <= count; i++) fs.writeFileSync(path.join(dir, 'hubs', `${hubName(i)}.yaml`), example);
  await finishProjectTemplate(dir, charts);
}

/** Name of generated shared cluster `c` (1-based): fleet-01, fleet-02, … */
export function fleetClusterName(c: number): string {
  return `fleet-${c < 10 ? '0' : ''}${c}`;
}

/** The cluster (1-based) of hub `i` of `hubs` spread over `clusters`: consecutive hubs, as even blocks as can be. */
export function fleetClusterOf(i: number, hubs: number, clusters: number): number {
  return Math.floor(((i - 1) * clusters) / hubs) + 1;
}

/**
 * Writes a fleet project template into `dir`: `clusters` cluster files (copies of
 * `clusters/shared.yaml`, `fleet-01` …) and `hubs` hub files (copies of `hubs/course-a.yaml`,
 * `hub-001` …, each naming its cluster and with its own client id), spread in consecutive blocks;
 * then secrets, charts.lock.json, cdktf.json and cdk8s.yaml as `writeProjectTemplate`.
 */
export async function writeFleetProjectTemplate(dir: string, hubs: number, clusters: number, charts: ChartsInUse): Promise<void> {
  const cluster = fs.readFileSync(path.join(REPO, 'clusters', 'shared.yaml'), 'utf8');
  const hub = fs.readFileSync(path.join(REPO, 'hubs', 'course-a.yaml'), 'utf8');
  const swap = (text: string, from: RegExp, to: string): string => {
    if (!from.test(text)) throw new Error(`hubs/course-a.yaml no longer matches ${from}: update bench/project.ts`);
    return text.replace(from, to);
  };
  fs.mkdirSync(path.join(dir, 'hubs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'clusters'), { recursive: true });
  for (let c = 1; c <= clusters; c++) fs.writeFileSync(path.join(dir, 'clusters', `${fleetClusterName(c)}.yaml`), cluster);
  for (let i = 1; i <= hubs; i++) {
    let text = swap(hub, /^cluster: shared$/m, `cluster: ${fleetClusterName(fleetClusterOf(i, hubs, clusters))}`);
    text = swap(text, /clientId: example-course-a-client-id/, `clientId: example-${hubName(i)}-client-id`);
    fs.writeFileSync(path.join(dir, 'hubs', `${hubName(i)}.yaml`), text);
  }
  await finishProjectTemplate(dir, charts);
}

/** Secrets (fake), charts.lock.json, cdktf.json and cdk8s.yaml of a project whose hub (and cluster) files are written. */
async function finishProjectTemplate(dir: string, charts: ChartsInUse): Promise<void> {
  for (const hub of loadHubs(dir)) ensureSecrets(dir, hub, { githubClientSecret: FAKE_GITHUB_CLIENT_SECRET });
  const lock = new ChartLock(path.join(dir, 'charts.lock.json'));
  for (const pin of Object.values(CHARTS)) {
    const name = archiveName(pin);
    await lock.check(pin, path.join(charts.dir, name), charts.archives[name].sha256);
  }
  // The stock CLIs' configuration: the same bundled apps as cdktf.json and cdk8s.yaml name, run with node from the project folder.
  const app = (entry: string) => `${shellWord(process.execPath)} ${shellWord(path.join(REPO, BUNDLE_DIR, `${entry}-app.js`))}`;
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    `${JSON.stringify(
      {
        language: 'typescript',
        app: app('cdktf'),
        output: 'cdktf.out',
        sendCrashReports: 'false',
        terraformProviders: [],
        terraformModules: [],
        context: {},
      },
      null,
      2,
    )}\n`,
  );
  // A JSON string is a valid YAML double-quoted scalar.
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app('cdk8s'))}\n`);
}

/** `word` quoted for a POSIX shell when it needs quoting (the CLIs run `app` through a shell). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Copies a project template (keeping the secrets files' 0600 mode). */
export function copyProject(template: string, dest: string): void {
  fs.cpSync(template, dest, { recursive: true, preserveTimestamps: true });
  for (const f of fs.readdirSync(path.join(dest, 'secrets'))) fs.chmodSync(path.join(dest, 'secrets', f), 0o600);
}

/** Command-line options every bench script takes (`util.parseArgs` specs): use the test charts, keep the work folder. */
export const COMMON_ARGS = { 'test-charts': { type: 'boolean' }, keep: { type: 'boolean' } } as const;
/** `util.parseArgs` specs of an option with a value and of a flag. */
export const VALUE = { type: 'string' } as const;
export const FLAG = { type: 'boolean' } as const;
