/**
 * Rules of the crash-safe commit (issue 9, item 2; synth/output.ts):
 *
 * - fault injection after EVERY step of a commit (journal written, each rename, journal removed,
 *   staging removed), both as a failure (the commit undoes itself) and as a kill (SIGKILL of a child
 *   process; the next command finishes the swap from the journal): afterwards the whole project is
 *   exactly as before or exactly as after the commit, on a project of three hubs (two re-synthesized,
 *   one pruned), with a user's `.terraform/`, `.terraform.lock.hcl` and state file in every stack
 *   folder and other tools' folders in dist/, and no staging, trash or journal is left;
 * - the next jhm command (here `jhm synth`, killed mid-commit) recovers with a one-line message;
 * - a rename that cannot work (`dist` a file, `dist` on another file system) and a corrupt
 *   `cdktf.out/manifest.json` are one-line user errors before anything is swapped, and the record
 *   (`.jhm/state`) never says "unchanged" for a hub whose output is old.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { sha256 } from '../../base/files';
import { recoverOutputs, Staging } from '../../synth/output';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, engineEnv, makeProject, removeProjects, REPO, setHubLine, TestProject } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/output-child.ts');
const THREE_HUBS = { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB_NGINX, gamma: EXAMPLE_HUB };
const USER_FILES: Record<string, string> = {
  '.terraform.lock.hcl': '# provider lock of the tests\n',
  '.terraform/providers/registry.terraform.io/fake/provider/terraform-provider-fake': 'not really a provider binary\n',
  'terraform.tfstate': '{"version": 4, "fake": "state of the tests"}\n',
};

afterAll(removeProjects);

/** Everything in the project but the lock, as path → text (a symbolic link as `-> target`). */
function snapshot(root: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, e.name);
      if (e.isSymbolicLink()) tree.set(r, `-> ${fs.readlinkSync(full)}`);
      else if (e.isDirectory()) walk(full, r);
      else if (r !== '.jhm/lock') tree.set(r, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root, '');
  return tree;
}

function leftovers(root: string): string[] {
  const staging = path.join(root, '.jhm', 'staging');
  return [
    ...(fs.existsSync(staging) ? fs.readdirSync(staging).map((f) => `.jhm/staging/${f}`) : []),
    ...fs.readdirSync(path.join(root, '.jhm')).filter((f) => f.includes('journal')),
  ];
}

/** Which of `states` `tree` equals (index), or -1. */
function whichOf(tree: Map<string, string>, states: Map<string, string>[]): number {
  return states.findIndex((s) => s.size === tree.size && [...s].every(([k, v]) => tree.get(k) === v));
}

/** Runs `fn`, capturing stderr. */
async function quietly<T>(fn: () => Promise<T> | T): Promise<{ value?: T; error?: unknown; stderr: string }> {
  const err: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write);
  try {
    return { value: await fn(), stderr: err.join('') };
  } catch (error) {
    return { error, stderr: err.join('') };
  } finally {
    spy.mockRestore();
  }
}

function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('fault injection after every step of a commit', () => {
  let project: TestProject;
  let root: string;
  let saved: string;
  let template: string;
  let stagedName: string;
  let before: Map<string, string>;
  let after: Map<string, string>;

  /** The project as before the commit, with the staged commit in its staging folder. */
  const restore = (): string => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.cpSync(saved, root, { recursive: true });
    const staged = path.join(root, '.jhm', 'staging', stagedName);
    fs.cpSync(template, staged, { recursive: true });
    return staged;
  };

  beforeAll(async () => {
    project = await makeProject({ hubs: THREE_HUBS });
    root = project.root;
    await project.synth();
    for (const hub of Object.keys(THREE_HUBS)) for (const [f, text] of Object.entries(USER_FILES)) project.write(`cdktf.out/stacks/${hub}/${f}`, text);
    project.write('dist/.git/HEAD', 'ref: refs/heads/main\n');
    project.write('dist/argocd/app.yaml', 'kind: Application\n');
    project.write('hubs/alpha.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    project.write('hubs/beta.yaml', setHubLine(EXAMPLE_HUB_NGINX, 'storageCapacity', '30Gi'));
    fs.rmSync(project.path('hubs/gamma.yaml'));
    // One staged commit (alpha and beta new, gamma pruned), kept and reused for every fault.
    template = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-staged-'));
    fs.rmSync(template, { recursive: true });
    await expect(
      project.synth({
        prune: true,
        beforeCommit: (dir) => {
          stagedName = path.basename(dir);
          fs.cpSync(dir, template, { recursive: true });
          throw new Error('staged');
        },
      }),
    ).rejects.toThrow('staged');
    saved = `${root}-saved`;
    fs.cpSync(root, saved, { recursive: true });
    before = snapshot(root);
    Staging.open(root, restore()).commit();
    after = snapshot(root);
    expect(leftovers(root)).toEqual([]);
  }, 120_000);

  afterAll(() => {
    fs.rmSync(saved, { recursive: true, force: true });
    fs.rmSync(template, { recursive: true, force: true });
  });

  test('the commit itself: alpha and beta new, gamma removed but for what jhm did not write, user files kept', () => {
    expect(after.get('dist/alpha/05-jupyterhub.yaml')).toContain('30Gi');
    expect(before.get('dist/alpha/05-jupyterhub.yaml')).not.toContain('30Gi');
    expect([...after.keys()].filter((k) => k.includes('gamma') && !k.startsWith('secrets/')).sort()).toEqual(Object.keys(USER_FILES).map((f) => `cdktf.out/stacks/gamma/${f}`).sort());
    for (const hub of Object.keys(THREE_HUBS)) for (const [f, text] of Object.entries(USER_FILES)) expect(after.get(`cdktf.out/stacks/${hub}/${f}`)).toBe(text);
    expect(after.get('dist/.git/HEAD')).toBe('ref: refs/heads/main\n');
    expect(Object.keys((JSON.parse(after.get('cdktf.out/manifest.json')!) as { stacks: object }).stacks)).toEqual(['alpha', 'beta']);
  });

  test('killed (SIGKILL) after each step, then recovered by the next command: all old or all new, nothing lost, nothing left', async () => {
    const seen: number[] = [];
    let step = 1;
    for (; step < 100; step++) {
      const staged = restore();
      const r = spawnSync(process.execPath, [CHILD, 'commit', root, staged], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, JHM_FAULT_AFTER_STEP: String(step), JHM_FAULT_MODE: 'kill' },
        timeout: 30_000,
      });
      if (r.status === 0 && r.stdout.includes('committed')) break;
      expect(r.signal).toBe('SIGKILL');
      const { stderr } = await quietly(() => recoverOutputs(root));
      expect(stderr.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(1);
      expect(leftovers(root)).toEqual([]);
      const state = whichOf(snapshot(root), [before, after]);
      expect({ step, state }).toEqual({ step, state: expect.any(Number) });
      expect(state).not.toBe(-1);
      seen.push(state);
    }
    // Journal written, 2 renames per output of alpha and beta (stack file, dist, secrets, record),
    // 4 for gamma, 2 for the cdktf manifest, journal removed, staging removed.
    expect(step).toBeGreaterThan(20);
    // Killed before the journal is written: old; after: the swap is finished.
    expect(seen[0]).toBe(1);
    expect(new Set(seen)).toEqual(new Set([1]));
  }, 300_000);

  test('a failure after each step: the commit undoes itself with a one-line user error (or, once done, stays done)', async () => {
    let step = 1;
    for (; step < 100; step++) {
      const staged = restore();
      const { error } = await quietly(() => withEnv({ JHM_FAULT_AFTER_STEP: String(step), JHM_FAULT_MODE: 'fail' }, () => Staging.open(root, staged).commit()));
      if (error === undefined) break;
      await quietly(() => recoverOutputs(root));
      expect(leftovers(root)).toEqual([]);
      const state = whichOf(snapshot(root), [before, after]);
      if (error instanceof UserError) {
        expect(error.format()).toMatch(/^could not swap in the new output: injected fault after commit step \d+; every output was restored as it was \(/);
        expect(error.format()).not.toContain('\n');
        expect({ step, state }).toEqual({ step, state: 0 });
      } else {
        // Failing after the journal is gone: the swap is complete.
        expect({ step, state }).toEqual({ step, state: 1 });
      }
    }
    expect(step).toBeGreaterThan(20);
  }, 120_000);
});

describe('the next jhm command finishes an interrupted synth', () => {
  test('jhm synth killed mid-commit: the next command (jhm check) says so in one line, finishes the swap, and finds every hub up to date', async () => {
    const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB_NGINX } });
    expect((await project.jhm('synth')).code).toBe(0);
    project.write('cdktf.out/stacks/alpha/.terraform.lock.hcl', USER_FILES['.terraform.lock.hcl']);
    project.write('hubs/alpha.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    project.write('hubs/beta.yaml', setHubLine(EXAMPLE_HUB_NGINX, 'storageCapacity', '30Gi'));
    const r = spawnSync(process.execPath, [builtFile('cli/main.ts'), '-C', project.root, 'synth'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, ...engineEnv(project.engine), JHM_FAULT_AFTER_STEP: '6', JHM_FAULT_MODE: 'kill' },
      timeout: 120_000,
    });
    expect(r.signal).toBe('SIGKILL');
    expect(fs.existsSync(project.path('.jhm/journal.json'))).toBe(true);
    const run = await project.jhm('check');
    expect(run.stderr.split('\n').filter((l) => l.includes('interrupted'))).toEqual([
      'warning: an earlier jhm command was interrupted while swapping in its output: finished the swap (output of alpha, beta)',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('outputs of 2 hub(s) are up to date');
    // Each hub's record describes exactly the files on disk.
    for (const hub of ['alpha', 'beta']) {
      const record = JSON.parse(project.read(`.jhm/state/${hub}.json`)) as { files: Record<string, string> };
      for (const [f, digest] of Object.entries(record.files)) expect(sha256(fs.readFileSync(project.path(f)))).toBe(digest);
    }
    for (const hub of ['alpha', 'beta']) expect(project.read(`dist/${hub}/05-jupyterhub.yaml`)).toContain('30Gi');
    expect(project.read('cdktf.out/stacks/alpha/.terraform.lock.hcl')).toBe(USER_FILES['.terraform.lock.hcl']);
    expect(leftovers(project.root)).toEqual([]);
  }, 180_000);
});

describe('a rename that cannot work, a corrupt cdktf manifest', () => {
  const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('internal error:'));

  test('dist is a file: one-line user error, nothing swapped; once fixed, the hub is synthesized (never "unchanged" with old output)', async () => {
    const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB_NGINX } });
    await project.synth();
    const distBefore = project.tree('dist');
    project.write('hubs/alpha.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    fs.renameSync(project.path('dist'), project.path('dist-moved'));
    project.write('dist', 'a file where the dist folder goes\n');
    const before = snapshot(project.root);
    const run = await project.jhm('synth');
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual(['error: dist is not a folder; nothing was changed (move that file away and run again)']);
    expect(snapshot(project.root)).toEqual(before);
    fs.rmSync(project.path('dist'));
    fs.renameSync(project.path('dist-moved'), project.path('dist'));
    expect(project.tree('dist')).toEqual(distBefore);
    const report = await project.synth();
    expect(report.unchanged).toEqual(['beta']);
    expect(project.read('dist/alpha/05-jupyterhub.yaml')).toContain('30Gi');
    expect(project.read('cdktf.out/stacks/alpha/cdk.tf.json')).toBe(fs.readFileSync(project.path('cdktf.out/stacks/alpha/cdk.tf.json'), 'utf8'));
  }, 60_000);

  const otherDevice = ['/dev/shm', os.tmpdir()].find((d) => fs.existsSync(d) && fs.statSync(d).dev !== fs.statSync(REPO).dev);
  (otherDevice ? test : test.skip)('dist on another file system (EXDEV): one-line user error, nothing swapped', async () => {
    const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB } });
    const elsewhere = fs.mkdtempSync(path.join(otherDevice!, 'jhm-dist-'));
    try {
      await project.synth();
      fs.rmSync(project.path('dist'), { recursive: true });
      fs.symlinkSync(elsewhere, project.path('dist'));
      const before = snapshot(project.root);
      const run = await project.jhm('synth');
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: dist is on another file system than \.jhm\/staging, so its output cannot be swapped in by renames; nothing was changed \(/)]);
      expect(snapshot(project.root)).toEqual(before);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
      expect(leftovers(project.root)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  test('a corrupt cdktf.out/manifest.json: one-line user error naming it, nothing swapped, state untouched', async () => {
    const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB_NGINX } });
    await project.synth();
    project.write('hubs/alpha.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    project.write('cdktf.out/manifest.json', '{"stacks": {"alpha": ');
    const before = snapshot(project.root);
    const run = await project.jhm('synth');
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      'error: cdktf.out/manifest.json: is not valid JSON; nothing was changed (delete cdktf.out/manifest.json and run jhm synth --force, which writes it again for every hub)',
    ]);
    expect(snapshot(project.root)).toEqual(before);
    fs.rmSync(project.path('cdktf.out/manifest.json'));
    expect((await project.jhm('synth', '--force')).code).toBe(0);
    expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['alpha', 'beta']);
    expect(project.read('dist/alpha/05-jupyterhub.yaml')).toContain('30Gi');
  }, 60_000);
});
