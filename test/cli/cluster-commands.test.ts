/**
 * The infrastructure commands per cluster (issue 11): `jhm deploy <cluster>` and
 * `jhm kubeconfig <cluster>` act on a cluster file's stack (`cdktf.out/stacks/<cluster>`,
 * `outputs/<cluster>.json`, `.jhm/terraform/<cluster>`, `.jhm/kubeconfig/<cluster>.yaml`); a hub
 * on a cluster file is refused with one line naming its cluster; `jhm status <hub>` reads its
 * cluster's outputs and compares the hub's DNS record with the cluster's ingress IP. (Legacy hubs,
 * whose cluster has their name: test/cli/cluster-deploy, cluster-kubeconfig, cluster-status.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { probes } from '../../cli/tools/status-checks';
import * as synthHubsModule from '../../synth/pipeline';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, FAKE_CLUSTER_ID, FAKE_INGRESS_IP, FAKE_KUBECONFIG, FAKE_KUBECONFIG_MARKER, runCli, TestProject, writeCloudsYaml } from '../support/fake-tools/project';

const ZONE = 'hub-tests.invalid';
const URLS = { 'course-a': `https://course-a.${ZONE}`, 'course-b': `https://course-b.${ZONE}` };

/** What terraform output -json prints for the shared cluster's stack. */
const SHARED_OUTPUTS = {
  cluster_id: { sensitive: false, type: 'string', value: FAKE_CLUSTER_ID },
  api_address: { sensitive: false, type: 'string', value: 'https://203.0.113.5:6443' },
  ingress_ip: { sensitive: false, type: 'string', value: FAKE_INGRESS_IP },
  hub_urls: { sensitive: false, type: ['map', 'string'], value: URLS },
  kubeconfig: { sensitive: true, type: 'string', value: FAKE_KUBECONFIG },
};
const TERRAFORM_SHARED: FakeRule[] = [
  { when: ['init'], stdout: 'Terraform has been successfully initialized!\n' },
  { when: ['apply'], stdout: 'Apply complete! Resources: 6 added, 0 changed, 0 destroyed.\n' },
  { when: ['output', '-json'], stdout: JSON.stringify(SHARED_OUTPUTS) },
  { when: ['output', '-raw', 'kubeconfig'], stdout: FAKE_KUBECONFIG },
];

let project: TestProject;
let synth: jest.SpyInstance;

function writeSharedStack(): void {
  const names = Object.keys(SHARED_OUTPUTS);
  const stack = {
    '//': { metadata: { stackName: 'shared', backend: 'local' }, outputs: { shared: Object.fromEntries(names.map((n) => [n, n])) } },
    terraform: { backend: { local: { path: '../../../terraform.shared.tfstate' } } },
    output: Object.fromEntries(names.map((n) => [n, { value: 'fake', sensitive: n === 'kubeconfig' }])),
  };
  project.write('cdktf.out/stacks/shared/cdk.tf.json', JSON.stringify(stack, null, 2));
}

beforeEach(() => {
  project = createProject();
  project.write('clusters/shared.yaml', stringify({ cloud: { name: 'openstack' }, magnum: { keypair: 'ops' }, dns: { zone: `${ZONE}.` }, letsEncrypt: { email: 'admins@example.org' } }));
  for (const hub of ['course-a', 'course-b']) {
    project.write(`hubs/${hub}.yaml`, stringify({ cluster: 'shared', jupyterhub: { auth: { type: 'github', clientId: 'Iv1.0123456789abcdef' }, singleuser: { image: 'quay.io/jupyter/scipy-notebook:2025-10-20' } } }));
  }
  // The real synth is tested elsewhere; here it records that it ran and writes the stack.
  synth = jest.spyOn(synthHubsModule, 'synthHubs').mockImplementation(async (options) => {
    fs.appendFileSync(project.log, `${JSON.stringify({ tool: 'synth', argv: [...(options.hubs ?? [])], cwd: options.root, env: {}, stdin: '', at: Date.now() })}\n`);
    writeSharedStack();
    return { plans: new Map() } as unknown as Awaited<ReturnType<typeof synthHubsModule.synthHubs>>;
  });
});

afterEach(() => {
  synth.mockRestore();
  project.dispose();
});

describe('rule: jhm deploy <cluster> applies the cluster\'s one stack', () => {
  test('runs terraform in cdktf.out/stacks/shared, writes outputs/shared.json with hub_urls, re-synthesizes the cluster', async () => {
    writeCloudsYaml(project);
    process.env.JHM_TERRAFORM = project.fake('terraform', TERRAFORM_SHARED).path;
    const r = await runCli(['-C', project.root, 'deploy', 'shared', '--yes']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const calls = project.calls();
    expect(calls.map((c) => `${c.tool} ${c.argv.filter((a) => !a.startsWith('-')).join(' ')}`)).toEqual(['synth shared', 'terraform init', 'terraform apply', 'terraform output', 'synth shared']);
    for (const c of calls.filter((c) => c.tool === 'terraform')) {
      expect(c.cwd).toBe(path.join(project.root, 'cdktf.out', 'stacks', 'shared'));
      expect(c.env.TF_DATA_DIR).toBe(path.join(project.root, '.jhm', 'terraform', 'shared'));
    }
    const text = fs.readFileSync(path.join(project.root, 'outputs', 'shared.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ shared: { cluster_id: FAKE_CLUSTER_ID, api_address: 'https://203.0.113.5:6443', ingress_ip: FAKE_INGRESS_IP, hub_urls: URLS } });
    expect(text).not.toContain(FAKE_KUBECONFIG_MARKER);
    expect(fs.existsSync(path.join(project.root, 'outputs', 'course-a.json'))).toBe(false);
    expect(r.stderr).toContain('next: jhm kubeconfig shared, then jhm apply shared');
  });

  test('jhm deploy <hub on a cluster file> is one line naming the cluster to deploy, and runs nothing', async () => {
    writeCloudsYaml(project);
    process.env.JHM_TERRAFORM = project.fake('terraform', TERRAFORM_SHARED).path;
    const r = await runCli(['-C', project.root, 'deploy', 'course-a', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: hubs/course-a.yaml: cluster: course-a is a hub on cluster shared (clusters/shared.yaml); jhm deploy acts on a whole cluster: run jhm deploy shared',
    ]);
    expect(project.calls()).toEqual([]);
  });

  test('without terraform, the printed commands name the cluster\'s stack and outputs file', async () => {
    writeCloudsYaml(project);
    const r = await runCli(['-C', project.root, 'deploy', 'shared', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(cd cdktf.out/stacks/shared && terraform init -input=false && terraform apply -input=false -auto-approve)');
    expect(r.stdout).toContain('> outputs/shared.json');
    expect(r.stderr).toMatch(/cannot deploy shared: terraform not found on PATH/);
  });

  test('a name that is neither a cluster file nor a hub file is an error', async () => {
    const r = await runCli(['-C', project.root, 'deploy', 'nope', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope/);
  });
});

describe('rule: jhm kubeconfig <cluster> writes .jhm/kubeconfig/<cluster>.yaml', () => {
  test('reads the kubeconfig output of the cluster\'s stack into .jhm/kubeconfig/shared.yaml (0600)', async () => {
    writeSharedStack();
    process.env.JHM_TERRAFORM = project.fake('terraform', TERRAFORM_SHARED).path;
    const r = await runCli(['-C', project.root, 'kubeconfig', 'shared']);
    expect(r.code).toBe(0);
    const file = path.join(project.root, '.jhm', 'kubeconfig', 'shared.yaml');
    expect(fs.readFileSync(file, 'utf8')).toBe(FAKE_KUBECONFIG);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stdout).toBe(`export KUBECONFIG=${file}\n`);
    expect(project.calls().every((c) => c.cwd === path.join(project.root, 'cdktf.out', 'stacks', 'shared'))).toBe(true);
  });

  test('jhm kubeconfig <hub on a cluster file> names the cluster instead', async () => {
    const r = await runCli(['-C', project.root, 'kubeconfig', 'course-b']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/course-b is a hub on cluster shared .*run jhm kubeconfig shared$/m);
  });
});

describe('rule: jhm status <hub> checks the hub against its cluster\'s outputs', () => {
  let resolveSpy: jest.SpyInstance;
  let httpSpy: jest.SpyInstance;
  beforeEach(() => {
    resolveSpy = jest.spyOn(probes, 'resolve4').mockResolvedValue([FAKE_INGRESS_IP]);
    httpSpy = jest.spyOn(probes, 'httpGet').mockResolvedValue(200);
  });
  afterEach(() => {
    resolveSpy.mockRestore();
    httpSpy.mockRestore();
  });
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');
  const certificates = JSON.stringify({ items: [{ metadata: { name: 'hub-tls' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }] });

  test('reads outputs/shared.json, resolves the hub\'s own host to the cluster\'s ingress IP, uses the cluster\'s kubeconfig and the hub\'s namespace', async () => {
    project.write('outputs/shared.json', JSON.stringify({ shared: { cluster_id: FAKE_CLUSTER_ID, ingress_ip: FAKE_INGRESS_IP, hub_urls: URLS } }));
    const ingress = JSON.stringify({ items: [{ metadata: { name: 'traefik', namespace: 'traefik' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: FAKE_INGRESS_IP }] } } }] });
    const k = project.fake('kubectl', [{ when: ['get', 'services'], stdout: ingress }, { when: ['get'], stdout: certificates }]);
    process.env.JHM_KUBECTL = k.path;
    project.write('.jhm/kubeconfig/shared.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
    const r = await runCli(['-C', project.root, 'status', 'course-b']);
    expect(lines(r.stdout)).toEqual([
      `ok    Terraform outputs (outputs/shared.json): cluster ${FAKE_CLUSTER_ID}, ingress IP ${FAKE_INGRESS_IP}`,
      `ok    DNS (course-b.${ZONE}): resolves to ${FAKE_INGRESS_IP}`,
      `ok    ingress IP (namespace traefik): traefik on ${FAKE_INGRESS_IP}`,
      'ok    TLS certificate (namespace course-b): hub-tls ready',
      `ok    hub reachability (https://course-b.${ZONE}/hub/health): HTTP 200`,
    ]);
    expect(r.code).toBe(0);
    expect(k.calls().map((c) => c.argv)).toEqual([
      ['--kubeconfig', `${project.root}/.jhm/kubeconfig/shared.yaml`, 'get', 'services', '-n', 'traefik', '-o', 'json'],
      ['--kubeconfig', `${project.root}/.jhm/kubeconfig/shared.yaml`, 'get', 'certificates.cert-manager.io', '-n', 'course-b', '-o', 'json'],
    ]);
  });

  test('a hub whose record the last deploy did not create (not in hub_urls) fails the outputs check and says to deploy the cluster', async () => {
    project.write('outputs/shared.json', JSON.stringify({ shared: { cluster_id: FAKE_CLUSTER_ID, ingress_ip: FAKE_INGRESS_IP, hub_urls: { 'course-a': URLS['course-a'] } } }));
    const r = await runCli(['-C', project.root, 'status', 'course-b']);
    expect(lines(r.stdout)[0]).toBe(
      `FAIL  Terraform outputs (outputs/shared.json): cluster ${FAKE_CLUSTER_ID}, ingress IP ${FAKE_INGRESS_IP}; missing hub_urls.course-b (the hub's DNS record) (run jhm deploy shared)`,
    );
    expect(r.code).toBe(1);
  });

  test('before the cluster is deployed: not found, run jhm deploy <cluster>', async () => {
    const r = await runCli(['-C', project.root, 'status', 'course-a']);
    expect(lines(r.stdout)[0]).toBe('FAIL  Terraform outputs (outputs/shared.json): not found: cluster shared has not been deployed from here (run jhm deploy shared)');
  });

  test('a DNS record pointing elsewhere than the cluster\'s ingress IP fails', async () => {
    project.write('outputs/shared.json', JSON.stringify({ shared: { cluster_id: FAKE_CLUSTER_ID, ingress_ip: FAKE_INGRESS_IP, hub_urls: URLS } }));
    resolveSpy.mockResolvedValue(['198.51.100.1']);
    const r = await runCli(['-C', project.root, 'status', 'course-a']);
    expect(lines(r.stdout)[1]).toBe(`FAIL  DNS (course-a.${ZONE}): resolves to 198.51.100.1, expected ${FAKE_INGRESS_IP} (the record may not have propagated yet)`);
  });

  test('jhm status <cluster> is one line: status checks one hub', async () => {
    const r = await runCli(['-C', project.root, 'status', 'shared']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['error: shared is a cluster (clusters/shared.yaml); jhm status checks one hub (run jhm status <hub> for a hub on it)']);
  });
});
