/**
 * Rule (issue 17, item 1): `jhm apply --prune` holds the project lock from its first read of
 * dist/ to the last deletion of its prune, and prunes against the manifests it applied, read once.
 * A synth that commits meanwhile (killed half-way through its swap, or running to its end) waits
 * for the apply: the prune deletes only what left dist/, never what the apply has just applied.
 * Reproduced with the fake kubectl: the apply pauses in its first stage while another process
 * commits a synth of the same project.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { OWNER_CLUSTER_LABEL, OWNER_HUB_LABEL } from '../../k8s/ownership';
import { Staging } from '../../synth/output';
import { createProject, runCli, TestProject, writeManifests } from '../support/fake-tools/project';
import { REPO } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/output-child.ts');
let project: TestProject;

/** Stages `files` (rel → text, under dist/ and dist-secrets/) as one synth of `example`; returns the staging folder. */
function stage(files: Map<string, string>): string {
  const staging = new Staging(project.root);
  for (const kind of ['dist', 'secrets'] as const) {
    const prefix = kind === 'dist' ? 'dist/example/' : 'dist-secrets/example/';
    const mine = new Map([...files].filter(([f]) => f.startsWith(prefix)).map(([f, t]) => [f.slice(prefix.length), t]));
    staging.writeFiles(kind, 'example', mine);
  }
  staging.prepare({ install: ['example'], kinds: ['dist', 'secrets'], retire: [] }, new Map([['example', null]]));
  return staging.dir;
}

function readOutputs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of ['dist/example', 'dist-secrets/example']) {
    for (const f of fs.readdirSync(path.join(project.root, dir))) out.set(`${dir}/${f}`, fs.readFileSync(path.join(project.root, dir, f), 'utf8'));
  }
  return out;
}

const OURS = { [OWNER_CLUSTER_LABEL]: 'example' };
const OURS_HUB = { [OWNER_CLUSTER_LABEL]: 'example', [OWNER_HUB_LABEL]: 'example' };
const LIVE = [
  // Applied now: never deleted.
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'jhub', name: 'hub', labels: OURS_HUB } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'jhub', name: 'proxy', labels: OURS_HUB } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'traefik', name: 'traefik', labels: OURS } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'cert-manager', name: 'cert-manager', labels: OURS } },
  { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt', labels: OURS } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'jhub', name: 'hub', labels: OURS_HUB } },
  // Left dist/ before this apply: deleted.
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'jhub', name: 'old-thing', labels: OURS_HUB } },
];

beforeEach(() => {
  project = createProject();
  // The manifests, committed as a synth commits them (so jhm records them as its own).
  writeManifests(project);
  const files = readOutputs();
  fs.rmSync(path.join(project.root, 'dist'), { recursive: true });
  fs.rmSync(path.join(project.root, 'dist-secrets'), { recursive: true });
  Staging.open(project.root, stage(files)).commit();
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
  // The first stage's apply pauses long enough for another process to try its commit.
  const k = project.fake('kubectl', [
    { when: ['dist/example/00-namespaces.yaml'], sleepMs: 4000 },
    { when: ['get', '--all-namespaces'], stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: LIVE }) },
  ]);
  process.env.JHM_KUBECTL = k.path;
});

afterEach(() => project.dispose());

/** Starts another process committing a synth of the project (the hub's manifests unchanged but for a comment). */
function otherSynth(env: Record<string, string>): { child: ChildProcess; done: Promise<{ stderr: string; signal: string | null }> } {
  const files = path.join(path.dirname(project.root), 'next');
  for (const [f, t] of readOutputs()) {
    fs.mkdirSync(path.dirname(path.join(files, f)), { recursive: true });
    fs.writeFileSync(path.join(files, f), `${t}# synthesized again\n`);
  }
  const child = spawn(process.execPath, [CHILD, 'locked-commit', project.root, files], { cwd: REPO, env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, done: new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ stderr, signal }))) };
}

const deletes = () => project.calls().filter((c) => c.tool === 'kubectl' && c.argv.includes('delete')).map((c) => c.argv.filter((a) => !a.startsWith('--')).slice(2));

for (const [what, env] of [
  ['killed half-way through its swap (JHM_FAULT_AFTER_STEP=4, kill)', { JHM_FAULT_AFTER_STEP: '4', JHM_FAULT_MODE: 'kill' }],
  ['running to its end', {}],
] as const) {
  test(`a synth committed while apply --prune runs, ${what}, waits for the apply; the prune deletes only what left dist/`, async () => {
    const applying = runCli(['-C', project.root, 'apply', 'example', '--prune']);
    // Started once the apply holds the lock (it is in its first, paused stage).
    for (let i = 0; i < 100 && !project.calls().some((c) => c.tool === 'kubectl'); i++) await new Promise((r) => setTimeout(r, 50));
    const other = otherSynth(env);
    const r = await applying;
    const { stderr, signal } = await other.done;
    expect(r.code).toBe(0);
    expect(deletes()).toEqual([['Deployment.apps/old-thing', '-n', 'jhub']]);
    expect(stderr).toMatch(/waiting for jhm apply \(pid \d+\) holding \.jhm\/lock…/);
    if (env.JHM_FAULT_MODE === 'kill') expect(signal).toBe('SIGKILL');
    // Run to its end, the synth's output is in place after the apply.
    else expect([...readOutputs().values()].every((t) => t.endsWith('# synthesized again\n'))).toBe(true);
  }, 60_000);
}
