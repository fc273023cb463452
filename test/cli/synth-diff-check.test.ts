/**
 * `jhm validate`, `jhm diff` and `jhm check`: they read the project and write nothing to it;
 * diff shows what a synth would change, check fails (exit 1) when the committed outputs are out
 * of date, and both work without secrets files (the CI case).
 */
import * as fs from 'fs';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, FAKE_GITHUB_CLIENT_SECRET, makeProject, readTree, removeProjects, setHubLine, TestProject } from '../support/project';

afterAll(removeProjects);

/** Every file of the project (whatever a command could write). */
const snapshot = (project: TestProject) => readTree(project.root);
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

describe('jhm validate', () => {
  test('accepts valid hubs with their secrets files, reports each hub, and writes nothing', async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
    const before = snapshot(project);
    const run = await project.jhm('validate');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('✓ hubs/example.yaml: https://example.ees220002.projects.jetstream-cloud.org on cluster example (2 nodegroups, 2 profiles)');
    expect(run.stderr).toContain('✓ hubs/nginx.yaml: https://nginx.ees220002.projects.jetstream-cloud.org on cluster nginx');
    expect(snapshot(project)).toEqual(before);
    expect(fs.existsSync(project.path('.jhm'))).toBe(false);
  });

  test('reports a bad hub file and a missing secrets file, one line each, exit 1, and writes nothing', async () => {
    const project = await makeProject({ hubs: { example: setHubLine(EXAMPLE_HUB, 'maxNodes', '0') }, secrets: false });
    const before = snapshot(project);
    const bad = await project.jhm('validate');
    expect(bad.code).toBe(1);
    expect(errorLines(bad.stderr)).toContain('error: hubs/example.yaml:23: cluster.defaultWorker.maxNodes: must be at least 1');
    project.write('hubs/example.yaml', EXAMPLE_HUB);
    const noSecrets = await project.jhm('validate');
    expect(noSecrets.code).toBe(1);
    expect(errorLines(noSecrets.stderr)).toEqual(['error: secrets/example.yaml: no secrets file for this hub (create it with: jhm secrets example)']);
    expect(snapshot(project)).toEqual(new Map([...before, ['hubs/example.yaml', EXAMPLE_HUB]]));
  });

  test('reports two hubs that claim the same host', async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB, other: EXAMPLE_HUB.replace(/^dns:\n/m, 'dns:\n  record: example\n') } });
    const run = await project.jhm('validate');
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: hubs\/other\.yaml: dns\.record: host "example\.ees220002\.projects\.jetstream-cloud\.org" is also used by hubs\/example\.yaml/)]);
  });
});

describe('jhm diff and jhm check on a synthesized project', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
    expect((await project.jhm('synth')).code).toBe(0);
  });
  afterEach(() => {
    project.write('hubs/example.yaml', EXAMPLE_HUB);
  });

  test('up to date: diff prints nothing on stdout, check exits 0; neither writes anything', async () => {
    const before = snapshot(project);
    const diff = await project.jhm('diff');
    expect(diff).toMatchObject({ code: 0, stdout: '' });
    expect(diff.stderr).toContain('✓ outputs of 2 hub(s) are up to date');
    const check = await project.jhm('check');
    expect(check).toMatchObject({ code: 0, stdout: '' });
    expect(snapshot(project)).toEqual(before);
  });

  test('after a hub edit, diff shows the change as a unified diff (exit 0) and check exits 1; neither writes anything', async () => {
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '20Gi'));
    const before = snapshot(project);
    const diff = await project.jhm('diff');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('--- a/dist/example/05-jupyterhub.yaml');
    expect(diff.stdout).toContain('+++ b/dist/example/05-jupyterhub.yaml');
    expect(diff.stdout).toMatch(/^\+.*20Gi/m);
    expect(diff.stdout).toMatch(/^-.*10Gi/m);
    expect(diff.stdout).not.toContain('dist/nginx');
    expect(diff.stderr).toMatch(/file\(s\) would change: dist\/example\/05-jupyterhub\.yaml \(changed\)/);

    const check = await project.jhm('check');
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(diff.stdout);
    expect(errorLines(check.stderr)).toEqual(['error: committed outputs are out of date with the hub files (run jhm synth and commit the result)']);
    expect(snapshot(project)).toEqual(before);
  });

  test('check with hub names checks only those hubs', async () => {
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '20Gi'));
    expect((await project.jhm('check', 'nginx')).code).toBe(0);
    expect((await project.jhm('check', 'example')).code).toBe(1);
  });

  test('check catches a hand-edited, a deleted and an extra file of jhm\'s in dist/ and cdktf.out/; another tool\'s file there is reported as left alone (issue 17, item 4)', async () => {
    const file = project.path('dist/nginx/03-ingress-controller.yaml');
    const saved = fs.readFileSync(file, 'utf8');
    const extra = project.path('dist/nginx/99-extra.yaml');
    try {
      fs.appendFileSync(file, '# hand edit\n');
      fs.rmSync(project.path('dist/nginx/04-cluster-issuers.yaml'));
      // A stale file jhm wrote (its first line says so), and another tool's file.
      project.write('dist/nginx/99-extra.yaml', `${saved.split('\n')[0]}\nkind: ConfigMap\n`);
      project.write('dist/nginx/notes.yaml', 'resources: []\n');
      project.write('cdktf.out/stacks/nginx/cdk.tf.json', '{}\n');
      const run = await project.jhm('check');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('dist/nginx/03-ingress-controller.yaml (changed)');
      expect(run.stderr).toContain('dist/nginx/04-cluster-issuers.yaml (added)');
      expect(run.stderr).toContain('dist/nginx/99-extra.yaml (removed)');
      expect(run.stderr).toContain('cdktf.out/stacks/nginx/cdk.tf.json (changed)');
      expect(run.stderr).not.toContain('notes.yaml (');
      expect(run.stderr).toContain('left alone (not written by jhm): dist/nginx/notes.yaml');
    } finally {
      // synth removes the stale file of jhm's and keeps the other tool's.
      expect((await project.jhm('synth', 'nginx')).code).toBe(0);
      expect(fs.existsSync(extra)).toBe(false);
      fs.rmSync(project.path('dist/nginx/notes.yaml'));
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);
    expect((await project.jhm('check')).code).toBe(0);
  });

  test('changing a secret never shows in diff or check (dist/ does not depend on it), and its value is never printed', async () => {
    const file = project.path('secrets/example.yaml');
    const saved = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, saved.replace(FAKE_GITHUB_CLIENT_SECRET, 'another-fake-github-client-secret'));
    try {
      const diff = await project.jhm('diff');
      expect(diff).toMatchObject({ code: 0, stdout: '' });
      expect((await project.jhm('check')).code).toBe(0);
      expect(diff.stderr).not.toContain('another-fake-github-client-secret');
    } finally {
      fs.writeFileSync(file, saved);
    }
  });

  test('the output of a deleted hub makes check fail (stale) until synth --prune', async () => {
    fs.renameSync(project.path('hubs/nginx.yaml'), project.path('nginx.yaml.away'));
    try {
      const run = await project.jhm('check');
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('stale: output of nginx has no hubs/nginx.yaml (jhm synth --prune removes it)');
    } finally {
      fs.renameSync(project.path('nginx.yaml.away'), project.path('hubs/nginx.yaml'));
    }
    expect((await project.jhm('check')).code).toBe(0);
  });
});

describe('jhm check in CI: a checkout with the committed outputs and no secrets', () => {
  test('exits 0 when up to date and 1 after a hub edit, without secrets files or dist-secrets/', async () => {
    const project = await makeProject();
    expect((await project.jhm('synth')).code).toBe(0);
    fs.rmSync(project.path('secrets'), { recursive: true });
    fs.rmSync(project.path('dist-secrets'), { recursive: true });
    const before = snapshot(project);
    const ok = await project.jhm('check');
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '20Gi'));
    const stale = await project.jhm('check');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('+++ b/dist/example/05-jupyterhub.yaml');
    expect(snapshot(project)).toEqual(new Map([...before, ['hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '20Gi')]]));
  });
});
