/**
 * Rule (issue 13): a command loads only what it uses. `jhm --help`, `jhm validate`, `jhm status` and
 * a synth with nothing changed never load cdktf, cdk8s, constructs, the CRD and provider bindings
 * (imports/), the CDKTF app (infra/) or the helm engine's rendering side (k8s/synth, the cdk8s
 * assembly, the helm output parser and post-processing, adm-zip); `--help`, `validate` and `status`
 * load no part of the helm engine and no synth code at all, and `--help` not even the hub model (zod, yaml).
 *
 * Each command runs in a fresh process with a preloaded script that writes the module cache's keys
 * on exit, in the two forms of the CLI: the compiled modules (`node lib/cli/main.js`, one file per
 * source, so the check sees which of jhm's own modules load) and the shipped bundle (`node bin/jhm`,
 * lib/bundle/ from scripts/bundle.ts), where the same rules hold for the heavy packages, each in a
 * file of its own, and `--help` loads in one read: bin/jhm and the bundle, no other file. A
 * `synth --force` in the same project is the control of each form: it must load them, so the check
 * cannot pass by seeing nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_DIR, VENDOR_DIR } from '../../scripts/bundle';
import { BIN, buildCli, BUNDLED_JS, MAIN_JS } from '../support/build';
import { engineEnv, makeProject, removeProjects, REPO, TestProject } from '../support/project';

const LIB = path.join(REPO, 'lib');

/** Never loaded by the commands under test: the synthesis engines. */
const HEAVY: ReadonlyArray<[string, RegExp]> = [
  ['cdktf', /[\\/]node_modules[\\/]cdktf[\\/]/],
  ['cdk8s', /[\\/]node_modules[\\/]cdk8s[\\/]/],
  ['constructs', /[\\/]node_modules[\\/]constructs[\\/]/],
  ['adm-zip', /[\\/]node_modules[\\/]adm-zip[\\/]/],
  ['bindings (imports/)', /[\\/]lib[\\/]imports[\\/]/],
  // infra/openstack-resources.ts is plain data (the Terraform resource type names, no cdktf) that
  // the status and destroy texts read.
  ['CDKTF app (infra/)', /[\\/]lib[\\/]infra[\\/](?!openstack-resources\.js$)/],
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

/** Runs `node <entry> -C <project> ...args` (entry: lib/cli/main.js unless given); gives its output and every module it loaded. */
function jhm(args: readonly string[], entry = MAIN_JS): { code: number; stdout: string; stderr: string; modules: string[] } {
  const out = path.join(work, `modules-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JHM_')) env[k] = v;
  Object.assign(env, engineEnv(project.engine), { JHM_TEST_MODULES_OUT: out, NO_COLOR: '1' });
  const r = spawnSync(process.execPath, ['--require', hook, entry, '-C', project.root, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const modules = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]) : [];
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, modules };
}

function loaded(modules: readonly string[], rules: ReadonlyArray<[string, RegExp]>): string[] {
  return rules.filter(([, re]) => modules.some((m) => re.test(m))).map(([name]) => name);
}

beforeAll(async () => {
  await buildCli();
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
  ['model/hub', /[\\/]lib[\\/]config[\\/]hub\.js$/],
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

describe('the shipped bundle (bin/jhm)', () => {
  /** A heavy package's file in the bundle (scripts/bundle.ts: one file per vendored package). */
  const vendored = (pkg: string): [string, RegExp] => [pkg, new RegExp(`${path.join(REPO, BUNDLE_DIR, VENDOR_DIR, pkg).replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}\\.js$`)];
  const ENGINES = ['cdktf', 'cdk8s', 'constructs'].map(vendored);
  const MODEL = ['zod', 'yaml'].map(vendored);
  const bundled = (args: readonly string[]) => jhm(args, BIN);

  test('the module recorder sees the synthesis engines when a synth uses them (control)', () => {
    const r = bundled(['synth', '--force']);
    expect(r.stderr).not.toMatch(/Error|error:/);
    expect(r.code).toBe(0);
    expect(loaded(r.modules, [...ENGINES, ...MODEL])).toEqual([...ENGINES, ...MODEL].map(([name]) => name));
  }, 120_000);

  test('jhm --help loads in one read: bin/jhm and the bundle, no other file of jhm or of node_modules', () => {
    const r = bundled(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: jhm /m);
    expect(r.modules.filter((m) => path.isAbsolute(m) && m !== hook).sort()).toEqual([BIN, BUNDLED_JS].sort());
  });

  test('jhm validate and jhm status load no synthesis engine', () => {
    expect(loaded(bundled(['validate']).modules, ENGINES)).toEqual([]);
    expect(loaded(bundled(['status', 'example']).modules, ENGINES)).toEqual([]);
  }, 120_000);

  test('a synth with nothing changed loads no synthesis engine', () => {
    expect(bundled(['synth']).code).toBe(0);
    const r = bundled(['synth']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/1 hub\(s\) unchanged/);
    expect(loaded(r.modules, ENGINES)).toEqual([]);
  }, 120_000);
});
