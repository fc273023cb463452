/**
 * The built CLI, run as a user runs it: `node bin/jhm ...` (the bundle of lib/bundle/, built as
 * `npm run build` builds it) in a fresh project folder, with the
 * test charts as JHM_CHARTS_DIR, a temporary JHM_CACHE_DIR and downloads off. Two hubs are
 * created with `jhm init`, completed with `jhm secrets`, synthesized, and checked before and
 * after an edit.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { BIN, buildCli } from '../support/build';
import { FAKE_GITHUB_CLIENT_SECRET, removeProjects, setHubLine, testEngine, TestEngine } from '../support/project';

let engine: TestEngine;
let project: string;
let cache: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/jhm ...args` in the project folder, with the test engine's environment and no other `JHM_*`. */
function jhm(args: readonly string[], input?: string): Run {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JHM_')) env[k] = v;
  Object.assign(env, { JHM_CHARTS_DIR: engine.chartsDir, JHM_CACHE_DIR: cache, JHM_HELM: engine.helm, JHM_OFFLINE: '1', NO_COLOR: '1' });
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, env, input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await buildCli();
  engine = await testEngine();
  project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-e2e-')));
  cache = path.join(project, '..', `${path.basename(project)}-cache`);
}, 120_000);

afterAll(() => {
  removeProjects();
  fs.rmSync(project, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
});

test('jhm --help and jhm synth --help print usage and exit 0', () => {
  const help = jhm(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: jhm /m);
  for (const cmd of ['init', 'secrets', 'validate', 'synth', 'diff', 'check']) expect(help.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  const synthHelp = jhm(['synth', '--help']);
  expect(synthHelp.code).toBe(0);
  expect(synthHelp.stdout).toMatch(/^Usage: jhm synth /m);
  expect(synthHelp.stdout).toContain('--prune');
});

test('init two hubs, add their secrets, synth both, check passes, a hub edit makes check fail until the next synth', () => {
  const zone = ['--zone', 'hubs.example.org.', '--email', 'hub-admins@example.org', '--keypair', 'fake-keypair', '--github-client-id', 'fake-github-client-id', '--admin', 'alice'];
  // Hub one: the client secret given to init on standard input.
  const one = jhm(['init', 'physics-101', ...zone, '--github-client-secret-stdin'], `${FAKE_GITHUB_CLIENT_SECRET}\n`);
  expect(one).toMatchObject({ code: 0 });
  // Hub two: init without it, then `jhm secrets` completes the file.
  expect(jhm(['init', 'chem-202', ...zone]).code).toBe(0);
  const beforeSecrets = fs.readFileSync(path.join(project, 'secrets', 'chem-202.yaml'), 'utf8');
  const secrets = jhm(['secrets', 'chem-202', '--github-client-secret-stdin'], FAKE_GITHUB_CLIENT_SECRET);
  expect(secrets.code).toBe(0);
  expect(secrets.stderr).toContain('secrets/chem-202.yaml: added github.clientSecret');
  const after = parse(fs.readFileSync(path.join(project, 'secrets', 'chem-202.yaml'), 'utf8')) as { jupyterhub: unknown };
  expect(after.jupyterhub).toEqual((parse(beforeSecrets) as { jupyterhub: unknown }).jupyterhub);
  for (const r of [one, secrets]) expect(r.stdout + r.stderr).not.toContain(FAKE_GITHUB_CLIENT_SECRET);

  const synth = jhm(['synth']);
  expect(synth.stderr).toContain('synthesized 2 hub(s)');
  expect(synth.code).toBe(0);
  for (const hub of ['physics-101', 'chem-202']) {
    expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', hub, 'cdk.tf.json'))).toBe(true);
    expect(fs.readdirSync(path.join(project, 'dist', hub))).toHaveLength(7);
    expect(fs.readdirSync(path.join(project, 'dist-secrets', hub))).toEqual(['00-namespaces.yaml', '05-jupyterhub.yaml']);
  }
  expect(fs.readFileSync(path.join(project, 'dist', 'physics-101', '05-jupyterhub.yaml'), 'utf8')).toContain('physics-101.hubs.example.org');
  // The chart lock is the project's own (test-chart digests recorded there, never in the repository's).
  expect(Object.keys((JSON.parse(fs.readFileSync(path.join(project, 'charts.lock.json'), 'utf8')) as { charts: object }).charts).length).toBeGreaterThan(0);

  const upToDate = jhm(['check']);
  expect(upToDate).toMatchObject({ code: 0, stdout: '' });

  const file = path.join(project, 'hubs', 'chem-202.yaml');
  fs.writeFileSync(file, setHubLine(fs.readFileSync(file, 'utf8'), 'storageCapacity', '25Gi'));
  const stale = jhm(['check']);
  expect(stale.code).toBe(1);
  expect(stale.stdout).toContain('+++ b/dist/chem-202/05-jupyterhub.yaml');
  expect(stale.stderr).toMatch(/^error: committed outputs are out of date with the hub files/m);

  expect(jhm(['synth', 'chem-202']).code).toBe(0);
  expect(jhm(['check']).code).toBe(0);
});

test('jhm --debug prints stack traces that name the TypeScript sources, not the bundle (its source maps)', () => {
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-e2e-debug-'));
  try {
    fs.mkdirSync(path.join(broken, 'hubs'));
    fs.writeFileSync(path.join(broken, 'hubs', 'broken.yaml'), 'name: [\n');
    const r = jhm(['-C', broken, '--debug', 'validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: hubs\/broken\.yaml:/m);
    expect(r.stderr).toMatch(/^\s+at .*[\\/]project[\\/]validate\.ts:\d+:\d+\)?$/m);
    expect(r.stderr).not.toMatch(/[\\/]lib[\\/]bundle[\\/]jhm\.js:\d+/);
  } finally {
    fs.rmSync(broken, { recursive: true, force: true });
  }
});
