/**
 * Rule (issue 17, item 6): SIGINT, SIGTERM and SIGHUP end any command with 128 + n, at any point
 * of its run, after cleaning up: no lock, no temporary folder, no staging left, and the outputs
 * all old or all new. Reproduced on `jhm diff`, `jhm check` and `jhm synth --force` with a slowed
 * helm (each render waits), signalled at several points of their run; before the fix, signals
 * during most of diff's run were swallowed ("up to date", exit 0).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineEnv, makeProject, removeProjects, REPO, TestProject } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/jhm-child.ts');
const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
const made: string[] = [];

afterAll(async () => {
  await removeProjects();
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** A helm that waits `seconds` before each run (so a command spends its time rendering). */
function slowHelm(real: string, seconds: number): string {
  const file = path.join(tempDir('jhm-slow-helm-'), 'helm');
  fs.writeFileSync(file, `#!/bin/sh\nsleep ${seconds}\nexec ${JSON.stringify(real)} "$@"\n`, { mode: 0o755 });
  return file;
}

/** Every file under the project's outputs, with its text. */
function outputs(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  for (const dir of ['dist', 'dist-secrets', 'cdktf.out', '.jhm/state']) walk(path.join(root, dir), dir);
  return out;
}

interface Run {
  /** Exit status as a shell sees it: 128 + n when the signal's default action ended the process (before jhm installed its handlers). */
  readonly code: number | null;
  readonly signalled: boolean;
  readonly stderr: string;
}

/** Runs `jhm args` in a child; sends `signal` after `afterMs` unless it has ended. */
function runSignalled(project: TestProject, args: readonly string[], signal: NodeJS.Signals, afterMs: number, env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [CHILD, '-C', project.root, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let signalled = false;
  const timer = setTimeout(() => {
    signalled = child.exitCode === null && child.signalCode === null;
    if (signalled) child.kill(signal);
  }, afterMs);
  return new Promise((resolve) =>
    child.on('exit', (code, ended) => {
      clearTimeout(timer);
      resolve({ code: ended ? 128 + SIGNAL_NUMBER[ended as keyof typeof SIGNAL_NUMBER] : code, signalled, stderr });
    }),
  );
}

let project: TestProject;
let env: Record<string, string>;
let tmp: string;

beforeAll(async () => {
  project = await makeProject();
  tmp = tempDir('jhm-signals-tmp-');
  // A temp folder of its own, to find what a run leaves there.
  env = { ...engineEnv(project.engine), JHM_HELM: slowHelm(project.engine.helm, 1.5), TMPDIR: tmp };
}, 120_000);

beforeAll(async () => {
  // The outputs, written by the same engine (the render key names the helm binary).
  const r = await runSignalled(project, ['synth'], 'SIGTERM', 600_000, { ...env, JHM_CACHE_DIR: tempDir('jhm-signals-cache-') });
  expect(r.code).toBe(0);
}, 120_000);

for (const args of [['diff'], ['check'], ['synth', '--force']]) {
  test(`jhm ${args.join(' ')}: a signal at any point ends it with 128 + n, leaving no lock, temp folder or staging, and outputs all old or all new`, async () => {
    const before = outputs(project.root);
    // How long the command runs unsignalled; the signals come at points spread over that time.
    const started = Date.now();
    expect((await runSignalled(project, args, 'SIGTERM', 600_000, { ...env, JHM_CACHE_DIR: tempDir('jhm-signals-cache-') })).code).toBe(0);
    const duration = Date.now() - started;
    let hits = 0;
    for (const [signal, at] of [['SIGTERM', 0.1], ['SIGINT', 0.35], ['SIGHUP', 0.6], ['SIGTERM', 0.8], ['SIGINT', 0.9], ['SIGTERM', 0.97]] as const) {
      const afterMs = Math.round(duration * at);
      // An empty render cache each time: every render of every run waits for the slowed helm.
      const r = await runSignalled(project, args, signal, afterMs, { ...env, JHM_CACHE_DIR: tempDir('jhm-signals-cache-') });
      if (!r.signalled) continue;
      hits += 1;
      expect({ args, signal, afterMs, code: r.code }).toEqual({ args, signal, afterMs, code: 128 + SIGNAL_NUMBER[signal] });
      expect(fs.existsSync(path.join(project.root, '.jhm', 'lock'))).toBe(false);
      expect(fs.readdirSync(tmp).filter((f) => f.startsWith('jhm-'))).toEqual([]);
      const staging = path.join(project.root, '.jhm', 'staging');
      expect(fs.existsSync(staging) ? fs.readdirSync(staging) : []).toEqual([]);
      // A forced synth of unchanged inputs writes the same bytes: all old and all new are one state here.
      expect(outputs(project.root)).toEqual(before);
    }
    // Slowed, every command runs long enough for at least half of the signals to find it running
    // (a loaded machine runs some faster or slower than the measured run).
    expect(hits).toBeGreaterThanOrEqual(3);
  }, 180_000);
}

test('a signal that arrives during synchronous work, after which the temporary folder is removed, still ends the command with 128 + n', () => {
  // The root cause of the swallowed signals: a handler removed before the event loop turned.
  const script = path.join(tempDir('jhm-signals-script-'), 'busy.js');
  fs.writeFileSync(
    script,
    `const { exitOnSignals, settleSignals } = require(${JSON.stringify(builtFile('base/signals.ts'))});
const { tempDir } = require(${JSON.stringify(builtFile('base/temp-dir.ts'))});
exitOnSignals();
const t = tempDir('jhm-busy-');
process.kill(process.pid, 'SIGTERM');
const end = Date.now() + 300;
while (Date.now() < end) {}
t.remove();
void settleSignals().then(() => process.stdout.write('finished\\n'));
`,
  );
  const r = spawnSync(process.execPath, [script], { cwd: REPO, env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 143, stdout: '' });
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith('jhm-'))).toEqual([]);
});
