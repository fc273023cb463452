/**
 * `jhm deploy <hub>`: Terraform run directly in the stack folder, outputs file without secrets,
 * re-synth, and clear refusals when Terraform, credentials or a terminal are missing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { which } from '../../base/tools';
import * as synthHubsModule from '../../synth/pipeline';
import type { TerraformPlan } from '../../synth/terraform-plan';
import { readIngressIp } from '../../project/outputs';
import {
  createProject,
  FAKE_CLUSTER_ID,
  FAKE_INGRESS_IP,
  FAKE_KUBECONFIG_MARKER,
  FAKE_TERRAFORM_OUTPUTS,
  runCli,
  TERRAFORM_OK,
  TestProject,
  writeCloudsYaml,
  writeStack,
} from '../support/fake-tools/project';

/** jq of this machine, looked up before the tests isolate PATH. */
const JQ = which('jq');

let project: TestProject;
let synth: jest.SpyInstance;

beforeEach(() => {
  project = createProject();
  // The real synth (charts, cdktf) is tested elsewhere; here it records that it ran.
  synth = jest.spyOn(synthHubsModule, 'synthHubs').mockImplementation(async (options) => {
    fs.appendFileSync(project.log, `${JSON.stringify({ tool: 'synth', argv: [...(options.hubs ?? [])], cwd: options.root, env: {}, stdin: '', at: Date.now() })}\n`);
    writeStack(project);
    return { hubs: [], units: [], results: [], pruned: [], unchanged: [], foreign: [], warnings: [], plans: new Map() };
  });
});

afterEach(() => {
  synth.mockRestore();
  project.dispose();
});

function setUpTerraform(rules = TERRAFORM_OK) {
  const tf = project.fake('terraform', rules);
  process.env.JHM_TERRAFORM = tf.path;
  return tf;
}

describe('jhm deploy', () => {
  test('runs init, apply -auto-approve and output -json in the stack folder, in that order, without stdin', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const calls = project.calls().filter((c) => c.tool === 'terraform');
    expect(calls.map((c) => c.argv.filter((a) => a !== '-no-color'))).toEqual([
      ['init', '-input=false'],
      ['apply', '-input=false', '-auto-approve'],
      ['output', '-json'],
    ]);
    const stackDir = path.join(project.root, 'cdktf.out', 'stacks', 'example');
    for (const c of calls) {
      expect(c.cwd).toBe(stackDir);
      expect(c.stdin).toBe('/dev/null');
      expect(c.env.TF_DATA_DIR).toBe(path.join(project.root, '.jhm', 'terraform', 'example'));
    }
  });

  test('rule: deploy says what the stack it synthesized changes (the change plan line) before terraform runs', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const plan: TerraformPlan = {
      changes: [{ address: 'openstack_containerinfra_nodegroup_v1.nodegroup-mediums', type: 'openstack_containerinfra_nodegroup_v1', name: 'nodegroup-mediums', action: 'update', attributes: [], forcedBy: [], protected: false }],
      add: 0,
      change: 1,
      destroy: 0,
    };
    synth.mockImplementationOnce(async () => ({ hubs: [], units: [], results: [], pruned: [], unchanged: [], foreign: [], warnings: [], plans: new Map([['example', plan]]) }));
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const planLine = lines.indexOf('example: Terraform plan: 0 to add, 1 to change, 0 to destroy (update in-place openstack_containerinfra_nodegroup_v1.nodegroup-mediums); terraform apply follows, with its own plan');
    expect(planLine).toBeGreaterThan(-1);
    expect(planLine).toBeLessThan(lines.findIndex((l) => l.startsWith('terraform init')));
  });

  test('writes outputs/<hub>.json in the cdktf outputs-file format, without the sensitive kubeconfig', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(project.root, 'outputs', 'example.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      example: {
        cluster_id: FAKE_CLUSTER_ID,
        api_address: 'https://203.0.113.5:6443',
        ingress_ip: FAKE_INGRESS_IP,
        hub_url: 'https://example.hub-tests.invalid',
      },
    });
    expect(text).not.toContain(FAKE_KUBECONFIG_MARKER);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KUBECONFIG_MARKER);
    // The file synth reads the ingress IP from.
    expect(readIngressIp(project.root, 'example')).toBe(FAKE_INGRESS_IP);
  });

  test('re-synthesizes the hub after terraform output, so synth reads the new ingress IP', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(synth).toHaveBeenCalledTimes(2);
    expect(synth.mock.calls[1][0]).toMatchObject({ root: project.root, hubs: ['example'] });
    expect(synth.mock.calls[1][0].apps).toBeUndefined();
    const order = project.calls().map((c) => `${c.tool} ${c.argv.filter((a) => a.startsWith('-') === false).join(' ')}`);
    expect(order).toEqual(['synth example', 'terraform init', 'terraform apply', 'terraform output', 'synth example']);
  });

  test('synthesizes first when cdk.tf.json is missing', async () => {
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(project.calls().map((c) => c.tool)).toEqual(['synth', 'terraform', 'terraform', 'terraform', 'synth']);
  });

  test('deploys the hub file as it is now: its Terraform stack (only) is synthesized before terraform runs', async () => {
    const stack = writeStack(project);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(stack, past, past);
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(synth.mock.calls[0][0]).toMatchObject({ root: project.root, hubs: ['example'], apps: { infra: true, k8s: false } });
    expect(project.calls()[0].tool).toBe('synth');
  });

  test('without terraform, prints the commands to run instead and exits 1 with one error line', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(cd cdktf.out/stacks/example && terraform init -input=false && terraform apply -input=false -auto-approve)');
    expect(r.stdout).toContain('terraform output -json');
    expect(r.stdout).toContain('> outputs/example.json');
    expect(r.stdout).toMatch(/^jhm synth example$/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/terraform not found on PATH \(nor tofu\)/);
    expect(project.calls()).toEqual([]);
    expect(fs.existsSync(path.join(project.root, 'outputs'))).toBe(false);
  });

  test('a JHM_TERRAFORM naming a missing file counts as no terraform', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    process.env.JHM_TERRAFORM = path.join(project.bin, 'no-such-terraform');
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`JHM_TERRAFORM=${path.join(project.bin, 'no-such-terraform')}: no such file`);
    expect(r.stdout).toContain('terraform init -input=false');
  });

  test('the printed jq filter turns terraform output -json into the same outputs file jhm writes', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const written = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(written.code).toBe(0);
    const expected = JSON.parse(fs.readFileSync(path.join(project.root, 'outputs', 'example.json'), 'utf8'));

    delete process.env.JHM_TERRAFORM;
    const r = await runCli(['-C', project.root, 'deploy', 'example']);
    const line = r.stdout.split('\n').find((l) => l.includes('| jq '))!;
    expect(line).not.toContain('-auto-approve');
    const filter = /\| jq '([^']*)'/.exec(line)![1];
    const jq = JQ ? execFileSync(JQ, [filter], { input: JSON.stringify(FAKE_TERRAFORM_OUTPUTS) }).toString() : undefined;
    // Without jq on this machine, the filter is checked by its text.
    if (jq !== undefined) expect(JSON.parse(jq)).toEqual(expected);
    else expect(filter).toBe('{"example": (with_entries(select(.value.sensitive | not)) | map_values(.value))}');
  });

  test('without credentials (no OS_CLOUD, OS_AUTH_URL or clouds.yaml entry), prints the commands and exits 1', async () => {
    writeStack(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no OpenStack credentials: cloud.name of the cluster names cloud "openstack" but no clouds.yaml was found/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('terraform init -input=false');
    expect(project.calls()).toEqual([]);
  });

  test('a clouds.yaml without the hub\'s cloud is reported by name, not used', async () => {
    writeStack(project);
    writeCloudsYaml(project, 'some-other-cloud');
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no cloud "openstack"');
    expect(r.stderr).toContain('"some-other-cloud"');
    expect(r.stderr).not.toContain('fake-app-cred-secret-for-tests');
  });

  test('an openrc environment (OS_AUTH_URL) is enough when the hub names no cloud', async () => {
    const hubFile = path.join(project.root, 'hubs', 'example.yaml');
    fs.writeFileSync(hubFile, fs.readFileSync(hubFile, 'utf8').replace(/^cloud:\n(  .*\n|\s*#.*\n)*/m, ''));
    writeStack(project);
    setUpTerraform();
    process.env.OS_AUTH_URL = 'https://keystone.hub-tests.invalid:5000/v3';
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.stderr).toContain('OpenStack credentials from the OS_* environment (OS_AUTH_URL)');
    expect(r.code).toBe(0);
  });

  test('without --yes and without a terminal, refuses before running anything', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'deploy', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/asks for approval on a terminal.*--yes/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(project.calls()).toEqual([]);
  });

  test('a failing terraform apply stops the deploy with terraform\'s error line; no outputs file, no re-synth', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform([
      { when: ['init'] },
      { when: ['apply'], exitCode: 1, stderr: '\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0mError creating openstack_containerinfra_cluster_v1: quota exceeded\n│\n╵\n' },
    ]);
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: terraform apply -input=false -auto-approve failed in cdktf\.out\/stacks\/example: Error: Error creating openstack_containerinfra_cluster_v1: quota exceeded \(exit status 1\)/);
    expect(fs.existsSync(path.join(project.root, 'outputs', 'example.json'))).toBe(false);
    expect(synth).toHaveBeenCalledTimes(1);
    expect(synth.mock.calls[0][0].apps).toEqual({ infra: true, k8s: false });
  });

  test('a terraform that hangs is stopped at --timeout', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform([{ when: ['init'] }, { when: ['apply'], sleepMs: 60_000 }]);
    const started = Date.now();
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes', '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/terraform apply .* failed .*timed out after 1 s/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  /** The synth of the next deploy writes a stack whose cluster has these timeouts (as jhm synth writes them). */
  function synthWritesTimeouts(timeouts: Record<string, string>) {
    synth.mockImplementationOnce(async () => {
      writeStack(project);
      const file = path.join(project.root, 'cdktf.out', 'stacks', 'example', 'cdk.tf.json');
      const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
      stack.resource = { openstack_containerinfra_cluster_v1: { cluster: { name: 'example', timeouts } } };
      fs.writeFileSync(file, JSON.stringify(stack));
      return { hubs: [], units: [], results: [], pruned: [], unchanged: [], foreign: [], warnings: [], plans: new Map() };
    });
  }

  test('rule: the default limit of terraform apply is the stack\'s longest create/update timeout plus 15 minutes', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    synthWritesTimeouts({ create: '90m', update: '3h' });
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    // 3 h + 15 min
    expect(r.stderr).toContain('terraform apply -auto-approve (cdktf.out/stacks/example; at most 11700 s)');
  });

  test('rule: a --timeout shorter than a timeout of the stack is refused with the reason, before terraform runs', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    synthWritesTimeouts({ create: '90m', update: '3h' });
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes', '--timeout', '3600']);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      'error: --timeout 3600 (1h) is shorter than the 3h Terraform itself waits on openstack_containerinfra_cluster_v1.cluster (timeouts.update): jhm would stop terraform apply while the cloud is still working, and the state would miss what it finished (cdktf.out/stacks/example/cdk.tf.json) (leave --timeout out (the default is 11700 s: 3h plus 15 minutes) or give at least 10800; to wait less, lower cluster.updateTimeout in hubs/example.yaml)',
    ]);
    expect(project.calls().filter((c) => c.tool === 'terraform')).toEqual([]);
  });

  test('rule: a --timeout at least as long as every timeout of the stack is used as given', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    setUpTerraform();
    synthWritesTimeouts({ create: '90m', update: '3h' });
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes', '--timeout', '10800']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('at most 10800 s)');
  });

  test('rule: deploy says in its first line which program runs: OpenTofu (tofu) where terraform is not on the PATH', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    const tofu = project.fake('tofu', TERRAFORM_OK);
    process.env.PATH = `${process.env.PATH}${path.delimiter}${project.bin}`;
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`example: deploying with OpenTofu (${tofu.path})`);
    expect(r.stderr).toMatch(/^tofu init \(cdktf\.out\/stacks\/example\)$/m);
    expect(project.calls().filter((c) => c.tool !== 'synth').map((c) => `${c.tool} ${c.argv[0]}`)).toEqual(['tofu init', 'tofu apply', 'tofu output']);
  });

  test('rule: terraform on the PATH is preferred to tofu; JHM_TERRAFORM names either', async () => {
    writeStack(project);
    writeCloudsYaml(project);
    project.fake('tofu', TERRAFORM_OK);
    const terraform = project.fake('terraform', TERRAFORM_OK);
    process.env.PATH = `${process.env.PATH}${path.delimiter}${project.bin}`;
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.stderr.split('\n')[0]).toBe(`example: deploying with Terraform (${terraform.path})`);
    process.env.JHM_TERRAFORM = 'tofu';
    const again = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(again.stderr.split('\n')[0]).toBe(`example: deploying with OpenTofu (${path.join(project.bin, 'tofu')})`);
  });

  test('without credentials but with tofu, the commands printed instead are tofu\'s', async () => {
    writeStack(project);
    project.fake('tofu', TERRAFORM_OK);
    process.env.PATH = `${process.env.PATH}${path.delimiter}${project.bin}`;
    const r = await runCli(['-C', project.root, 'deploy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(cd cdktf.out/stacks/example && tofu init -input=false && tofu apply -input=false -auto-approve)');
  });

  test('an unknown hub is a one-line user error', async () => {
    const r = await runCli(['-C', project.root, 'deploy', 'nosuch', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hubs\/nosuch\.yaml: no such hub file/);
  });

  test('--help describes the steps and exits 0', async () => {
    const r = await runCli(['deploy', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('terraform init -input=false');
    expect(r.stdout).toContain('--yes');
  });
});
