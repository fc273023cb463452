/**
 * Rule (issue 13): a command loads only what it uses. `jhm --help`, `jhm validate`, `jhm status` and
 * a synth with nothing changed never load cdktf, cdk8s, constructs, the CRD and provider bindings
 * (imports/), the CDKTF app (infra/) or the helm engine's rendering side (k8s/synth, the cdk8s
 * assembly, the helm output parser and post-processing, adm-zip); `--help`, `validate` and `status`
 * load no part of the helm engine and no synth code at all, and `--help` not even the hub model (zod, yaml).
 *
 * Each command runs as a user runs it (`node lib/cli/main.js`, a fresh process), with a preloaded
 * script that writes the module cache's keys on exit. A `synth --force` in the same project is the
 * control: it must load them, so the check cannot pass by seeing nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineEnv, makeProject, removeProjects, REPO, TestProject } from '../support/project';

const MAIN_JS = path.join(REPO, 'lib', 'cli', 'main.js');
const LIB = path.join(REPO, 'lib');

/** Never loaded by the commands under test: the synthesis engines. */
const HEAVY: ReadonlyArray<[string, RegExp]> = [
  ['cdktf', /[\\/]node_modules[\\/]cdktf[\\/]/],
  ['cdk8s', /[\\/]node_modules[\\/]cdk8s[\\/]/],
  ['constructs', /[\\/]node_modules[\\/]constructs[\\/]/],
  ['adm-zip', /[\\/]node_modules[\\/]adm-zip[\\/]/],
  ['bindings (imports/)', /[\\/]lib[\\/]imports[\\/]/],
  ['CDKTF app (infra/)', /[\\/]lib[\\/]infra[\\/]/],
  ['k8s/synth', /[\\/]lib[\\/]k8s[\\/]synth\.js$/],
  ['cdk8s assembly', /[\\/]lib[\\/]k8s[\\/]hub-manifests\.js$/],
  ['helm output parser', /[\\/]lib[\\/]k8s[\\/]helm[\\/]manifest\.js$/],
  ['helm post-processing', /[\\/]lib[\\/]k8s[\\/]helm[\\/]post-process\.js$/],
];
/** Also never loaded by --help, validate and status. */
const SYNTH_ONLY: ReadonlyArray<[string, RegExp]> = [
  ['helm engine', /[\\/]lib[\\/]k8s[\\/]helm[\\/]/],
  ['synth', /[\\/]lib[\\/]synth[\\/](pipeline|state)\.js$/],
];

let work: string;
let hook: string;
let project: TestProject;

/** Builds lib/ (incremental). Another engineer's file may be mid-edit: a type error elsewhere does not matter as long as the CLI was emitted. */
function build(): void {
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: REPO, encoding: 'utf8' });
  if (!fs.existsSync(MAIN_JS)) throw new Error(`tsc -b did not produce ${MAIN_JS}:\n${result.stdout}${result.stderr}`);
}

/** Runs `node lib/cli/main.js -C <project> ...args`; gives its output and every module it loaded. */
function jhm(args: readonly string[]): { code: number; stdout: string; stderr: string; modules: string[] } {
  const out = path.join(work, `modules-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JHM_')) env[k] = v;
  Object.assign(env, engineEnv(project.engine), { JHM_TEST_MODULES_OUT: out, NO_COLOR: '1' });
  const r = spawnSync(process.execPath, ['--require', hook, MAIN_JS, '-C', project.root, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const modules = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]) : [];
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, modules };
}

function loaded(modules: readonly string[], rules: ReadonlyArray<[string, RegExp]>): string[] {
  return rules.filter(([, re]) => modules.some((m) => re.test(m))).map(([name]) => name);
}

beforeAll(async () => {
  build();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-lazy-'));
  hook = path.join(work, 'record-modules.js');
  fs.writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.JHM_TEST_MODULES_OUT, JSON.stringify(Object.keys(require.cache))));\n");
  project = await makeProject();
}, 180_000);

afterAll(() => {
  removeProjects();
  fs.rmSync(work, { recursive: true, force: true });
});

test('the module recorder sees the synthesis engines when a synth uses them (control)', () => {
  const r = jhm(['synth', '--force']);
  expect(r.stderr).not.toMatch(/Error|error:/);
  expect(r.code).toBe(0);
  expect(r.modules.some((m) => m.startsWith(LIB))).toBe(true);
  expect(loaded(r.modules, HEAVY)).toEqual(HEAVY.map(([name]) => name).filter((n) => n !== 'adm-zip'));
}, 120_000);

/** Also never loaded by --help: the hub model and its parsers. */
const HUB_MODEL: ReadonlyArray<[string, RegExp]> = [
  ['zod', /[\\/]node_modules[\\/]zod[\\/]/],
  ['yaml', /[\\/]node_modules[\\/]yaml[\\/]/],
  ['semver', /[\\/]node_modules[\\/]semver[\\/]/],
  ['config/hub', /[\\/]lib[\\/]config[\\/]hub\.js$/],
];

test('jhm --help loads no synthesis engine, no synth code and not the hub model', () => {
  const r = jhm(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: jhm /m);
  expect(loaded(r.modules, [...HEAVY, ...SYNTH_ONLY, ...HUB_MODEL])).toEqual([]);
});

test('jhm validate loads no synthesis engine and no synth code', () => {
  const r = jhm(['validate']);
  expect(r.stderr).toMatch(/hubs\/example\.yaml: https:/);
  expect(r.code).toBe(0);
  expect(loaded(r.modules, [...HEAVY, ...SYNTH_ONLY])).toEqual([]);
});

test('jhm status loads no synthesis engine and no synth code', () => {
  // No outputs file: the checks that need the cluster are skipped or fail fast; the modules are what count.
  const r = jhm(['status', 'example', '--help']);
  expect(r.code).toBe(0);
  const run = jhm(['status', 'example']);
  expect(run.stdout).toMatch(/outputs/);
  expect(loaded(run.modules, [...HEAVY, ...SYNTH_ONLY])).toEqual([]);
}, 120_000);

test('a synth with nothing changed loads no synthesis engine', () => {
  // The same command as the no-op run (the record holds a stamp of the compiled code); the first
  // synth records the chart digests in the lock (an input), the second settles it.
  expect(jhm(['synth']).code).toBe(0);
  expect(jhm(['synth']).code).toBe(0);
  const r = jhm(['synth']);
  expect(r.code).toBe(0);
  expect(r.stdout + r.stderr).toMatch(/1 hub\(s\) unchanged/);
  expect(loaded(r.modules, HEAVY)).toEqual([]);
}, 120_000);
