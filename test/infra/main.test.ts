/**
 * `synth/cdktf-app.ts`, the app the cdktf CLI runs: synthesizes every hub of the working directory,
 * and reports bad hub files as one line per problem with exit code 1.
 *
 * The app runs as the cdktf CLI runs it (cdktf.json: `node lib/bundle/cdktf-app.js`), from the
 * build `npm test` makes first; a build older than the sources fails the file with one line
 * ("run npm run build", test/support/build.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLED_APP, requireCurrentCli } from '../support/build';
import { cleanupTempDirs, EXAMPLE_FILE, tempDir } from './support';

beforeAll(requireCurrentCli, 60_000);
afterAll(cleanupTempDirs);

const APP = BUNDLED_APP.cdktf;

/** Runs the cdktf app in a project whose hubs/ holds `hubs`, as the cdktf CLI does (CDKTF_OUTDIR). */
function runApp(hubs: Record<string, string>, root = tempDir(), env: Record<string, string> = {}) {
  fs.mkdirSync(path.join(root, 'hubs'), { recursive: true });
  for (const [name, text] of Object.entries(hubs)) fs.writeFileSync(path.join(root, 'hubs', `${name}.yaml`), text);
  const outdir = path.join(root, 'cdktf.out');
  const result = spawnSync(process.execPath, [APP], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { root, outdir, status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const example = fs.readFileSync(EXAMPLE_FILE, 'utf8');

test('rule: the cdktf app writes one stack per hub file into CDKTF_OUTDIR, with each hub\'s own provider settings', () => {
  const run = runApp({ example, second: example.replace('name: openstack', 'name: other-cloud') });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  for (const hub of ['example', 'second']) {
    expect(fs.existsSync(path.join(run.outdir, 'stacks', hub, 'cdk.tf.json'))).toBe(true);
  }
  const second = JSON.parse(fs.readFileSync(path.join(run.outdir, 'stacks', 'second', 'cdk.tf.json'), 'utf8'));
  expect(second.provider.openstack).toEqual([{ cloud: 'other-cloud' }]);
});

test('rule: a bad hub file exits 1 with one line per problem naming file, line and field, printed as jhm prints errors (synth/report.ts), no stack trace and no stack written', () => {
  const bad = example.replace('masterCount: 1', 'masterCount: 2').replace('maxNodes: 8', 'maxNodes: 0');
  const run = runApp({ example, bad });
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  const lineOf = (text: string) => bad.split('\n').findIndex((l) => l.includes(text)) + 1;
  expect(lines).toHaveLength(3);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^error: hubs/bad\\.yaml:${lineOf('masterCount: 2')}: cluster\\.masterCount: is 2: .*odd number`)),
      expect.stringMatching(new RegExp(`^error: hubs/bad\\.yaml:${lineOf('maxNodes: 0')}: nodeGroups\\[0\\]\\.maxNodes: must be at least 1`)),
      expect.stringMatching(/^error: hubs\/bad\.yaml:\d+: nodeGroups\[0\]\.minNodes: is 1, more than maxNodes \(0\)/),
    ]),
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(path.join(run.outdir, 'stacks'))).toBe(false);
});

test('rule: the cdktf app makes the checks jhm validate makes (project/validate.ts): rules across hubs and the charts\' kubeVersion, one line each, writing nothing', () => {
  const other = example.replace(/^dns:\n/m, 'dns:\n  record: example\n').replace('kubernetesVersion: "1.33.0"', 'kubernetesVersion: "1.27.0"').replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-27-jammy');
  const run = runApp({ example, other });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'error: hubs/other.yaml: dns.record: host "example.ees220002.projects.jetstream-cloud.org" is also used by hubs/example.yaml (give each hub its own dns.record)',
    expect.stringMatching(/^error: hubs\/other\.yaml: cluster\.kubernetesVersion: is 1\.27\.0, which the pinned chart does not support: jupyterhub 4\.4\.0 needs >=1\.28\.0 /),
  ]);
  expect(fs.existsSync(path.join(run.outdir, 'stacks'))).toBe(false);
});

test('rule: the cdktf app writes through the one synth pipeline: the ownership record is kept and files jhm did not write (.terraform/, the provider lock) stay', () => {
  const first = runApp({ example });
  expect(first.status).toBe(0);
  expect(fs.existsSync(path.join(first.root, '.jhm', 'state', 'example.json'))).toBe(true);
  // A second run in the same project (as `cdktf deploy` after `terraform init`) keeps what terraform wrote.
  const stack = path.join(first.outdir, 'stacks', 'example');
  fs.mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
  fs.writeFileSync(path.join(stack, '.terraform.lock.hcl'), '# provider lock written by terraform init\n');
  const result = spawnSync(process.execPath, [APP], { cwd: first.root, env: { ...process.env, CDKTF_OUTDIR: first.outdir }, encoding: 'utf8', timeout: 60000 });
  expect(result.status).toBe(0);
  expect(fs.existsSync(path.join(stack, '.terraform', 'providers'))).toBe(true);
  expect(fs.readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe('# provider lock written by terraform init\n');
  expect(fs.existsSync(path.join(stack, 'cdk.tf.json'))).toBe(true);
});

test('rule: like jhm synth, it refuses a stack that replaces the cluster under deletion protection, writing nothing; JHM_ALLOW_REPLACE=1 writes it, with the warning', () => {
  const first = runApp({ example });
  expect(first.status).toBe(0);
  const stack = path.join(first.outdir, 'stacks', 'example', 'cdk.tf.json');
  const before = fs.readFileSync(stack, 'utf8');
  const labelled = example.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  labels:\n    monitoring_enabled: "true"\n');
  expect(labelled).not.toBe(example);
  const refused = runApp({ example: labelled }, first.root);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/^error: hubs\/example\.yaml: cluster\.labels\.monitoring_enabled: this change replaces openstack_containerinfra_cluster_v1\.cluster/m);
  expect(fs.readFileSync(stack, 'utf8')).toBe(before);
  const allowed = runApp({ example: labelled }, first.root, { JHM_ALLOW_REPLACE: '1' });
  expect(allowed.status).toBe(0);
  expect(fs.readFileSync(stack, 'utf8')).toContain('monitoring_enabled');
  // With the summary line and the warning jhm synth --allow-replace prints.
  expect(allowed.stderr).toContain('example: Terraform plan: 2 to add, 0 to change, 2 to destroy (REPLACE openstack_containerinfra_cluster_v1.cluster');
  expect(allowed.stderr).toMatch(/^warning: example: the new stack replaces or destroys openstack_containerinfra_cluster_v1\.cluster/m);
});
