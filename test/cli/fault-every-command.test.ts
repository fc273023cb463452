/**
 * Rule (issue 17, items 1, 5 and 6): every command that reads or writes outputs finds them all old
 * or all new after a synth was killed (SIGKILL) at any step of its commit: it takes the project
 * lock, which first finishes (or undoes) the interrupted swap, and only then reads. Each command
 * runs against the project as the kill left it, at every step: `synth`, `check`, `diff`,
 * `validate --manifests` (which before read a half-swapped tree and skipped the cluster moved
 * aside), `apply --dry-run`, `deploy`, `kubeconfig` and `status`; the project afterwards is one of
 * the two states, and what the command reported matches that state.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects, REPO, setHubLine, TestProject } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/output-child.ts');
const made: string[] = [];

afterAll(async () => {
  await removeProjects();
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** The outputs and records, path → text (the lock and the staging area aside). */
function snapshot(root: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else tree.set(r, fs.readFileSync(path.join(dir, e.name), 'utf8'));
    }
  };
  for (const dir of ['dist', 'dist-secrets', 'cdktf.out', '.jhm/state']) walk(path.join(root, dir), dir);
  return tree;
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

let project: TestProject;
let root: string;
let before: Map<string, string>;
let after: Map<string, string>;
/** Copies of the project as a kill after each commit step left it (index: step - 1). */
const interrupted: string[] = [];

/** Puts the project back as the kill after `step` left it. */
function restore(step: number): void {
  fs.rmSync(root, { recursive: true, force: true });
  fs.cpSync(interrupted[step - 1], root, { recursive: true });
}

beforeAll(async () => {
  // Two clusters: alpha is synthesized again (storage 30Gi), beta stays as it is.
  project = await makeProject({ hubs: { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB_NGINX } });
  root = project.root;
  // Deployed: the ingress IPs are recorded (jhm apply refuses an ingress Service without one).
  project.write('outputs/alpha.json', JSON.stringify({ alpha: { ingress_ip: '203.0.113.10' } }));
  project.write('outputs/beta.json', JSON.stringify({ beta: { ingress_ip: '203.0.113.11' } }));
  expect((await project.jhm('synth')).code).toBe(0);
  project.write('hubs/alpha.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
  before = snapshot(root);
  const saved = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-fault-cmd-'));
  made.push(saved);
  fs.cpSync(root, path.join(saved, 'project'), { recursive: true });
  // The staged commit of that synth, kept to replay it under each fault.
  const template = path.join(saved, 'staged');
  let stagedName = '';
  await expect(
    project.synth({
      beforeCommit: (dir) => {
        stagedName = path.basename(dir);
        fs.cpSync(dir, template, { recursive: true });
        throw new Error('staged');
      },
    }),
  ).rejects.toThrow('staged');
  for (let step = 1; step < 60; step++) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.cpSync(path.join(saved, 'project'), root, { recursive: true });
    const staged = path.join(root, '.jhm', 'staging', stagedName);
    fs.cpSync(template, staged, { recursive: true });
    const r = spawnSync(process.execPath, [CHILD, 'commit', root, staged], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, JHM_FAULT_AFTER_STEP: String(step), JHM_FAULT_MODE: 'kill' },
      timeout: 30_000,
    });
    if (r.status === 0 && r.stdout.includes('committed')) {
      after = snapshot(root);
      break;
    }
    expect(r.signal).toBe('SIGKILL');
    const copy = path.join(saved, `step-${step}`);
    fs.cpSync(root, copy, { recursive: true });
    interrupted.push(copy);
  }
  expect(interrupted.length).toBeGreaterThan(8);
  // The states differ where the edit is, and only there.
  expect(after.get('dist/alpha/05-jupyterhub.yaml')).toContain('30Gi');
  expect(before.get('dist/alpha/05-jupyterhub.yaml')).not.toContain('30Gi');
  expect(after.get('dist/beta/05-jupyterhub.yaml')).toBe(before.get('dist/beta/05-jupyterhub.yaml'));
}, 240_000);

/** Runs `jhm args` against each interrupted state; `judge` checks the run against the state it left (0: old, 1: new). */
async function everyStep(args: readonly string[], judge: (run: { code: number; stdout: string; stderr: string }, state: number, step: number) => void): Promise<void> {
  for (let step = 1; step <= interrupted.length; step++) {
    restore(step);
    const run = await project.jhm(...args);
    const now = snapshot(root);
    const state = same(now, before) ? 0 : same(now, after) ? 1 : -1;
    expect({ step, state }).toEqual({ step, state: expect.any(Number) });
    expect({ step, state: state === -1 ? 'a mix of old and new' : 'old or new' }).toEqual({ step, state: 'old or new' });
    expect(fs.existsSync(path.join(root, '.jhm', 'journal.json'))).toBe(false);
    judge(run, state, step);
  }
}

test('jhm validate --manifests finishes the swap first and checks every cluster, never a half-swapped folder', async () => {
  await everyStep(['validate', '--manifests'], (run, _state, step) => {
    expect({ step, code: run.code }).toEqual({ step, code: 0 });
    const checked = run.stderr.split('\n').filter((l) => /^✓ dist\/(alpha|beta): /.test(l)).map((l) => l.slice(2, l.indexOf(':')));
    expect({ step, checked }).toEqual({ step, checked: ['dist/alpha', 'dist/beta'] });
  });
}, 240_000);

test('jhm check and jhm diff report what the state they read holds: up to date when the swap was finished, the change when it was undone', async () => {
  await everyStep(['check'], (run, state, step) => expect({ step, code: run.code }).toEqual({ step, code: state === 1 ? 0 : 1 }));
  await everyStep(['diff', '--no-patch'], (run, state, step) => {
    expect({ step, code: run.code }).toEqual({ step, code: 0 });
    expect({ step, upToDate: run.stderr.includes('are up to date') }).toEqual({ step, upToDate: state === 1 });
  });
}, 240_000);

test('jhm apply --dry-run lists every wave file of the cluster whose swap was interrupted', async () => {
  await everyStep(['apply', 'alpha', '--dry-run'], (run, _state, step) => {
    expect({ step, code: run.code, stderr: run.code ? run.stderr : '' }).toEqual({ step, code: 0, stderr: '' });
    const files = [...new Set(run.stdout.match(/dist\/alpha\/[0-9][^ \n]*\.yaml/g) ?? [])].sort();
    expect({ step, files }).toEqual({ step, files: ['00-namespaces.yaml', '01-crds.yaml', '02-cert-manager.yaml', '03-ingress-controller.yaml', '04-cluster-issuers.yaml', '05-jupyterhub.yaml'].map((f) => `dist/alpha/${f}`) });
  });
}, 240_000);

test('jhm synth after a kill at any step ends with the new output', async () => {
  await everyStep(['synth'], (run, state, step) => {
    expect({ step, code: run.code }).toEqual({ step, code: 0 });
    expect({ step, state }).toEqual({ step, state: 1 });
  });
}, 240_000);


test('jhm deploy, jhm kubeconfig and jhm status (no Terraform, no cluster here) still find the outputs all old or all new', async () => {
  const saved = { JHM_TERRAFORM: process.env.JHM_TERRAFORM, JHM_KUBECTL: process.env.JHM_KUBECTL };
  // No tool runs for real: they fail further on (no terraform, no kubectl, no network); what matters is what they found.
  Object.assign(process.env, { JHM_TERRAFORM: '/nonexistent/terraform', JHM_KUBECTL: '/nonexistent/kubectl' });
  try {
    for (const args of [['deploy', 'alpha', '--yes'], ['kubeconfig', 'alpha'], ['status', 'alpha']]) await everyStep(args, () => undefined);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}, 240_000);
