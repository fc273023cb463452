/**
 * The throw-away projects the benchmark synthesizes: N copies of `hubs/example.yaml` named
 * `hub-001` … (cluster name and DNS record default to the hub name, so copies never collide), a
 * secrets file each with an obviously fake GitHub client secret, a `charts.lock.json` recording
 * the archives in use (as a cloned hub repository would have), and a `cdktf.json` / `cdk8s.yaml`
 * whose apps run the repository's compiled entry points with plain node (no tsc in the timed part).
 *
 * Also picks the charts: the real pinned archives when `JHM_CHARTS_DIR` holds all four, else the
 * test stand-ins packaged from `test/charts/`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { loadHubs } from '../config/load';
import { ensureSecrets } from '../config/secrets';
import { CHARTS } from '../config/versions';
import { archiveName, ChartLock } from '../k8s/helm/chart-lock';
import { HelmBinary } from '../k8s/helm/helm-binary';
import { packageTestCharts, TEST_CHARTS_SOURCE } from './test-charts';

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
  for (const hub of loadHubs(dir)) ensureSecrets(dir, hub, { githubClientSecret: FAKE_GITHUB_CLIENT_SECRET });
  const lock = new ChartLock(path.join(dir, 'charts.lock.json'));
  for (const pin of Object.values(CHARTS)) {
    const name = archiveName(pin);
    await lock.check(pin, path.join(charts.dir, name), charts.archives[name].sha256);
  }
  // The stock CLIs' configuration: the same compiled apps, run with node from the project folder.
  const app = (entry: string) => `${shellWord(process.execPath)} ${shellWord(path.join(REPO, 'lib', 'synth', `${entry}-app.js`))}`;
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
