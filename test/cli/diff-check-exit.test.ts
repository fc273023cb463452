/**
 * `jhm diff` and `jhm check` never write a real secret and leave nothing behind (issue 9): they
 * never read the secrets files (a broken one does not stop them), produce no `dist-secrets/`, and
 * remove their temporary folder on every exit, SIGINT and SIGTERM included. And the built CLI
 * ends quietly when its reader goes away (`jhm diff | head -1`).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, engineEnv, makeProject, readTree, removeProjects, REPO, TestProject } from '../support/project';

const BIN = path.join(REPO, 'bin', 'jhm');
const MAIN_JS = path.join(REPO, 'lib', 'cli', 'main.js');

afterAll(removeProjects);

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** An empty folder to serve as the child's TMPDIR (so its temporary folders can be watched). */
function tmpdir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-tmpdir-')));
  made.push(dir);
  return dir;
}

describe('diff and check never read the secrets files', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    expect((await project.jhm('synth')).code).toBe(0);
  });

  test.each([
    ['invalid YAML', (file: string) => fs.writeFileSync(file, 'github: [unclosed\n', { mode: 0o600 })],
    ['a link to /dev/zero', (file: string) => fs.symlinkSync('/dev/zero', file)],
    ['missing', () => undefined],
  ])('the no-secrets rule: check passes with a secrets file that is %s', async (_what, make) => {
    const file = project.path('secrets/example.yaml');
    const saved = project.read('secrets/example.yaml');
    fs.rmSync(file);
    make(file);
    try {
      const run = await project.jhm('check');
      expect(run.stderr).not.toMatch(/^error:/m);
      expect(run.code).toBe(0);
    } finally {
      fs.rmSync(file, { force: true });
      fs.writeFileSync(file, saved, { mode: 0o600 });
    }
  });

  test('the permission rule: validate and synth warn, with the fix, when others may read the secrets file', async () => {
    const file = project.path('secrets/example.yaml');
    fs.chmodSync(file, 0o644);
    try {
      const warning = 'warning: secrets/example.yaml: mode 0644 lets its group and other users read it (restrict it with: chmod 600 secrets/example.yaml)';
      const validate = await project.jhm('validate');
      expect(validate.code).toBe(0);
      expect(validate.stderr).toContain(warning);
      const synth = await project.jhm('synth', '--force');
      expect(synth.code).toBe(0);
      expect(synth.stderr).toContain(warning);
    } finally {
      fs.chmodSync(file, 0o600);
    }
    expect((await project.jhm('validate')).stderr).not.toContain('warning:');
  });

  test("the no-secrets rule: the synth diff and check run writes no dist-secrets/ (secrets: 'none')", async () => {
    const out = tmpdir();
    await project.synth({ outRoot: out, secrets: 'none' });
    expect(fs.existsSync(path.join(out, 'dist', 'example'))).toBe(true);
    expect([...readTree(path.join(out, 'dist-secrets')).keys()]).toEqual([]);
  });
});

describe('the built CLI', () => {
  let project: TestProject;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // Build lib/ (incremental). Other engineers' files may be mid-edit: a type error elsewhere is fine as long as the CLI was emitted.
    spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: REPO, encoding: 'utf8' });
    if (!fs.existsSync(MAIN_JS)) throw new Error(`tsc -b did not produce ${MAIN_JS}`);
    // Two hubs and nothing synthesized: diff prints every file of both (far more than a pipe holds).
    project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JHM_')) env[k] = v;
    Object.assign(env, engineEnv(project.engine), { NO_COLOR: '1' });
  }, 180_000);

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('the cleanup rule: jhm diff stopped by %s removes its temporary folder', async (signal, status) => {
    const tmp = tmpdir();
    // A helm whose renders never end (and an empty render cache), so the signal always finds diff
    // at work with its temporary folder, however fast a synth is.
    const slowHelm = path.join(tmpdir(), 'helm');
    fs.writeFileSync(slowHelm, `#!/bin/sh\ncase "$1" in template) exec sleep 60;; esac\nexec "${env.JHM_HELM}" "$@"\n`, { mode: 0o755 });
    const childEnv = { ...env, TMPDIR: tmp, JHM_HELM: slowHelm, JHM_CACHE_DIR: tmpdir() };
    const child = spawn(process.execPath, [BIN, '-C', project.root, 'diff'], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the temporary folder exists, then stop the command.
    const deadline = Date.now() + 30_000;
    while (!fs.readdirSync(tmp).some((f) => f.startsWith('jhm-diff-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('jhm-diff-'))).toHaveLength(1);
    // Until helm has been started for a render.
    while (!spawnSync('pgrep', ['-P', String(child.pid), 'sleep']).stdout?.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    child.kill(signal);
    expect(await exited).toBe(status);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);

  test('the EPIPE rule: jhm diff | head -1 ends quietly, with no stack trace', async () => {
    const tmp = tmpdir();
    const child = spawn(process.execPath, [BIN, '-C', project.root, 'diff'], { env: { ...env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Like `head -1` once it has its line: the reader closes the pipe (here before the first
    // write, so that the write fails whatever the size of the pipe's buffer).
    child.stdout.destroy();
    expect(await exited).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|internal error|\n\s+at /);
    // The temporary folder is removed on this way out too.
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
