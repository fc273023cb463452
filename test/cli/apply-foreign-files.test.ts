/**
 * Rule (issue 17, item 4): `jhm apply` applies, and prunes against, only the files jhm wrote in
 * `dist/<cluster>/`: another tool's file kept there by synth (a `kustomization.yaml`) is neither
 * applied nor read, and does not stop the apply.
 */
import { createProject, runCli, TestProject, writeManifests } from '../support/fake-tools/project';

let project: TestProject;

beforeEach(() => {
  project = createProject();
  writeManifests(project);
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
});

afterEach(() => project.dispose());

test('another tool\'s file in dist/<cluster> is not applied, and the apply of jhm\'s files goes on', async () => {
  project.write('dist/example/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
  const k = project.fake('kubectl', [{ when: ['get', '--all-namespaces'], stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }) }]);
  process.env.JHM_KUBECTL = k.path;
  const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
  expect(r.code).toBe(0);
  const files = project.calls().flatMap((c) => c.argv.filter((a) => a.startsWith('dist/') || a.startsWith('dist-secrets/')));
  expect(files).toContain('dist/example/05-jupyterhub.yaml');
  expect(files.filter((f) => f.includes('kustomization'))).toEqual([]);
});

test('a dry run leaves it out too', async () => {
  project.write('dist/example/kustomization.yaml', 'kind: Kustomization\n');
  const r = await runCli(['-C', project.root, 'apply', 'example', '--dry-run']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('dist/example/00-namespaces.yaml');
  expect(r.stdout).not.toContain('kustomization');
  expect(r.stderr).toContain('not applied (not written by jhm): dist/example/kustomization.yaml');
});
