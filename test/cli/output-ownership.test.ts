/**
 * Rules of output ownership (issue 9, items 1 and 8; synth/output.ts, synth/compare.ts, synth/state.ts):
 *
 * - `jhm synth --prune` removes only the recorded output of hubs whose hub file is gone, and
 *   reports anything else under dist/, dist-secrets/ and cdktf.out/stacks/ once, untouched;
 * - a synth keeps what jhm did not write in a stack folder (`.terraform/`, `.terraform.lock.hcl`,
 *   `terraform.tfstate`), an incremental synth is not disturbed by it, and check/diff ignore it;
 * - chart archives are checked against the chart lock on every synth, incremental ones too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

const USER_FILES: Record<string, string> = {
  '.terraform.lock.hcl': '# provider lock of the tests\n',
  '.terraform/providers/registry.terraform.io/fake/provider/terraform-provider-fake': 'not really a provider binary\n',
  'terraform.tfstate': '{"version": 4, "fake": "state of the tests"}\n',
  'terraform.tfstate.backup': '{"version": 4}\n',
};

test('--prune removes only the recorded output of a deleted hub; other folders and files are reported once and left alone', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
  expect((await project.jhm('synth')).code).toBe(0);
  const others: Record<string, string> = {
    'dist/.git/HEAD': 'ref: refs/heads/main\n',
    'dist/argocd/app.yaml': 'kind: Application\n',
    'dist-secrets/sealed/secret.yaml': 'kind: SealedSecret\n',
    'cdktf.out/stacks/README.md': 'notes\n',
  };
  for (const [f, text] of Object.entries(others)) project.write(f, text);
  for (const [f, text] of Object.entries(USER_FILES)) project.write(`cdktf.out/stacks/nginx/${f}`, text);
  fs.rmSync(project.path('hubs/nginx.yaml'));

  const run = await project.jhm('synth', '--prune');
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('removed the output of nginx (no hubs/nginx.yaml)');
  expect(run.stderr.split('\n').filter((l) => l.includes('not written by jhm'))).toEqual([
    'left alone (not written by jhm): cdktf.out/stacks/README.md, cdktf.out/stacks/nginx/.terraform, cdktf.out/stacks/nginx/.terraform.lock.hcl, cdktf.out/stacks/nginx/terraform.tfstate, cdktf.out/stacks/nginx/terraform.tfstate.backup, dist/.git, dist/argocd, dist-secrets/sealed',
  ]);
  for (const [f, text] of Object.entries(others)) expect(project.read(f)).toBe(text);
  for (const [f, text] of Object.entries(USER_FILES)) expect(project.read(`cdktf.out/stacks/nginx/${f}`)).toBe(text);
  expect(fs.existsSync(project.path('cdktf.out/stacks/nginx/cdk.tf.json'))).toBe(false);
  expect(fs.existsSync(project.path('dist/nginx'))).toBe(false);
  expect(fs.existsSync(project.path('dist-secrets/nginx'))).toBe(false);
  expect(fs.existsSync(project.path('.jhm/state/nginx.json'))).toBe(false);
  expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['example']);
  expect(project.tree('dist/example').size).toBe(7);
});

test('a synth keeps .terraform/, .terraform.lock.hcl and terraform.tfstate* in the stack folder; incremental synth and check ignore them', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  await project.synth();
  for (const [f, text] of Object.entries(USER_FILES)) project.write(`cdktf.out/stacks/example/${f}`, text);
  // Nothing changed: the hub is unchanged though the stack folder holds terraform's files.
  expect((await project.synth()).unchanged).toEqual(['example']);
  const forced = await project.synth({ force: true });
  expect(forced.unchanged).toEqual([]);
  for (const [f, text] of Object.entries(USER_FILES)) expect(project.read(`cdktf.out/stacks/example/${f}`)).toBe(text);
  expect(JSON.parse(project.read('cdktf.out/stacks/example/cdk.tf.json'))).toHaveProperty('resource');

  const check = await project.jhm('check');
  expect(check.stdout).toBe('');
  expect(check.stderr).toContain('outputs of 1 hub(s) are up to date');
  expect(check.code).toBe(0);
});

test('chart archives are checked against the lock on every synth: an archive changed after its first use fails an incremental synth too', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  const charts = project.path('charts');
  fs.cpSync(project.engine.chartsDir, charts, { recursive: true });
  const helm = { chartsDir: charts };
  await project.synth({ helm });
  expect((await project.synth({ helm })).unchanged).toEqual(['example']);
  const archive = path.join(charts, 'jupyterhub-4.4.0.tgz');
  fs.appendFileSync(archive, Buffer.from('changed after its first use'));
  const before = project.outputs();
  await expect(project.synth({ helm })).rejects.toThrow(/chart archive .*jupyterhub-4\.4\.0\.tgz has sha256 [0-9a-f]{64}, but the lock records sha256 [0-9a-f]{64} for jupyterhub-4\.4\.0\.tgz/);
  expect(project.outputs()).toEqual(before);
});
