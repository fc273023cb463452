/**
 * `jhm terraform <cluster> [args…]` (Terraform in the stack folder with jhm deploy's environment,
 * arguments and exit status passed through) and `jhm destroy <cluster>` (refused under deletion
 * protection, losses listed, confirmation, destroy, leftover volumes), with the fake terraform and
 * a fake openstack client.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { which } from '../../base/tools';
import { shellCommand } from '../../base/process';
import { createProject, runCli, TestProject, writeCloudsYaml, writeStack } from '../support/fake-tools/project';
import { builtFile } from '../support/built';

/** util-linux `script`, which gives a command a terminal; looked up before the tests isolate PATH. */
const SCRIPT = which('script');
if (SCRIPT === undefined) process.stderr.write('test/cli/cluster-terraform.test.ts: skipped: the terminal tests need script (util-linux) on PATH\n');
const REPO = path.resolve(__dirname, '..', '..');

let project: TestProject;

beforeEach(() => {
  project = createProject();
});

afterEach(() => project.dispose());

const stackDir = () => path.join(project.root, 'cdktf.out', 'stacks', 'example');
const dataDir = () => path.join(project.root, '.jhm', 'terraform', 'example');

function setUpTerraform(rules: Parameters<TestProject['fake']>[1] = [], name = 'terraform') {
  const tf = project.fake(name, rules);
  process.env.JHM_TERRAFORM = tf.path;
  return tf;
}

/** hubs/example.yaml with `cluster.deletionProtection: false`, and the credentials of its cloud in clouds.yaml. */
function unprotect(): void {
  writeCloudsYaml(project);
  const file = path.join(project.root, 'hubs', 'example.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  deletionProtection: false\n'));
}

/** A stack of the example's resources, as jhm synth writes them (names and lifecycle only). */
function writeClusterStack(options: { prevent: boolean }): void {
  const lifecycle = options.prevent ? { lifecycle: { prevent_destroy: true } } : {};
  const stack = {
    terraform: { backend: { local: { path: '../../../terraform.example.tfstate' } } },
    resource: {
      openstack_containerinfra_cluster_v1: { cluster: { name: 'example', timeouts: { create: '90m', update: '3h' }, ...lifecycle } },
      openstack_containerinfra_nodegroup_v1: { 'nodegroup-mediums': { name: 'mediums', cluster_id: '${openstack_containerinfra_cluster_v1.cluster.id}' } },
      openstack_networking_floatingip_v2: { ingress: { pool: 'public' } },
      openstack_dns_recordset_v2: { 'record-example': { name: 'example.hub-tests.invalid.', type: 'A' } },
    },
  };
  project.write('cdktf.out/stacks/example/cdk.tf.json', JSON.stringify(stack, null, 2));
}

describe('jhm terraform', () => {
  test('rule: runs terraform in the stack folder with jhm deploy\'s data folder, passing every argument (Terraform\'s own flags too) through', async () => {
    writeStack(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'plan', '-out', 'x', '-var', 'a=b']);
    expect(r.code).toBe(0);
    const calls = project.calls();
    expect(calls.map((c) => c.argv)).toEqual([['plan', '-out', 'x', '-var', 'a=b']]);
    expect(calls[0].cwd).toBe(stackDir());
    expect(calls[0].env.TF_DATA_DIR).toBe(dataDir());
    expect(calls[0].env.TF_IN_AUTOMATION).toBe('1');
  });

  test('rule: the README\'s state move reaches Terraform as written (init -migrate-state, state list)', async () => {
    writeStack(project);
    setUpTerraform();
    expect((await runCli(['-C', project.root, 'terraform', 'example', 'init', '-migrate-state'])).code).toBe(0);
    expect((await runCli(['-C', project.root, 'terraform', 'example', 'state', 'list'])).code).toBe(0);
    expect(project.calls().map((c) => c.argv)).toEqual([['init', '-migrate-state'], ['state', 'list']]);
  });

  test('rule: Terraform\'s exit status is jhm\'s (plan -detailed-exitcode gives 2 for changes)', async () => {
    writeStack(project);
    setUpTerraform([{ when: ['plan'], exitCode: 2 }]);
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'plan', '-detailed-exitcode']);
    expect(r.code).toBe(2);
  });

  test('rule: terraform gets jhm\'s own stdin (interactive), not /dev/null', async () => {
    writeStack(project);
    setUpTerraform();
    await runCli(['-C', project.root, 'terraform', 'example', 'state', 'list']);
    // What fd 0 of the jest worker is; the point is that it is the same, not the /dev/null other steps get.
    let own = 'unknown';
    try {
      own = fs.readlinkSync('/proc/self/fd/0');
    } catch {
      own = 'unknown';
    }
    expect(project.calls()[0].stdin).toBe(own);
  });

  test('rule: jhm terraform says which program runs: OpenTofu where there is no terraform on the PATH', async () => {
    writeStack(project);
    const tofu = project.fake('tofu', []);
    process.env.PATH = `${process.env.PATH}${path.delimiter}${project.bin}`;
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'state', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`example: OpenTofu (${tofu.path}) in cdktf.out/stacks/example, working data in .jhm/terraform/example`);
    expect(project.calls().map((c) => c.tool)).toEqual(['tofu']);
  });

  test('without a synthesized stack: one line naming jhm synth, terraform not run', async () => {
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'state', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cdktf\.out\/stacks\/example\/cdk\.tf\.json not found.*\(run jhm synth example first\)/);
    expect(project.calls()).toEqual([]);
  });

  test('without terraform or tofu: one line saying so', async () => {
    writeStack(project);
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'state', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('terraform not found on PATH (nor tofu)');
  });
});

describe('jhm destroy', () => {
  test('rule: refused while deletion protection is on, naming the file and the field to flip; nothing run', async () => {
    writeClusterStack({ prevent: true });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: hubs/example.yaml: cluster.deletionProtection: cluster example has deletion protection on, so jhm destroy refuses to tear it down; nothing destroyed (set cluster.deletionProtection: false, run jhm synth example, then jhm destroy example)',
    ]);
    expect(project.calls()).toEqual([]);
  });

  test('rule: a shared cluster is refused naming magnum.deletionProtection in its cluster file; once off, the losses name every hub on it and their PVCs', async () => {
    const repo = path.resolve(__dirname, '..', '..');
    const shared = fs.readFileSync(path.join(repo, 'clusters', 'shared.yaml'), 'utf8');
    project.write('clusters/shared.yaml', shared);
    for (const hub of ['course-a', 'course-b']) project.write(`hubs/${hub}.yaml`, fs.readFileSync(path.join(repo, 'hubs', `${hub}.yaml`), 'utf8'));
    project.write('cdktf.out/stacks/shared/cdk.tf.json', JSON.stringify({ resource: { openstack_containerinfra_cluster_v1: { cluster: { name: 'shared' } } } }));
    setUpTerraform();
    const refused = await runCli(['-C', project.root, 'destroy', 'shared', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: clusters\/shared\.yaml: magnum\.deletionProtection: cluster shared has deletion protection on.*\(set magnum\.deletionProtection: false, run jhm synth shared, then jhm destroy shared\)$/m);

    project.write('clusters/shared.yaml', shared.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  deletionProtection: false\n'));
    writeCloudsYaml(project);
    const r = await runCli(['-C', project.root, 'destroy', 'shared', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("LOSES: every node and volume of cluster shared: the users' home folders of hubs course-a, course-b");
    expect(r.stderr).toContain('the PersistentVolumeClaims of every hub on it: course-a (namespace course-a), course-b (namespace course-b)');
    expect(project.calls().map((c) => c.cwd)).toEqual([path.join(project.root, 'cdktf.out', 'stacks', 'shared'), path.join(project.root, 'cdktf.out', 'stacks', 'shared')]);
  });

  test('rule: refused while the committed stack still has prevent_destroy (the file was changed, not synthesized)', async () => {
    unprotect();
    writeClusterStack({ prevent: true });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cdktf\.out\/stacks\/example\/cdk\.tf\.json still protects openstack_containerinfra_cluster_v1\.cluster \(prevent_destroy\).*\(run jhm synth example to write cluster\.deletionProtection: false into the stack/);
    expect(project.calls()).toEqual([]);
  });

  test('rule: lists what is lost (nodes, home folders, PVCs, the DNS record) in the change planner\'s words before anything runs', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(0);
    const losses = r.stderr.slice(0, r.stderr.indexOf('terraform init'));
    expect(losses).toContain('# openstack_containerinfra_cluster_v1.cluster will be destroyed');
    expect(losses).toContain("LOSES: every node and volume of cluster example: the users' home folders of hub example");
    expect(losses).toContain('LOSES: every node of nodegroup mediums');
    expect(losses).toContain('LOSES: the DNS record example.hub-tests.invalid.: the hub can no longer be reached by name');
    expect(losses).toContain('the PersistentVolumeClaims of every hub on it: example (namespace jhub)');
    expect(losses).toContain('Plan: 0 to add, 0 to change, 4 to destroy.');
  });

  test('rule: without --yes and without a terminal, one line and nothing destroyed', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      "error: jhm destroy asks for the cluster's name on a terminal, and there is none (stdin is not a TTY); nothing destroyed (run jhm destroy example --yes to destroy without asking)",
    ]);
    expect(project.calls()).toEqual([]);
  });

  /** Runs `jhm destroy example` on a terminal (util-linux script), typing `answer`. */
  function destroyOnTerminal(answer: string): { code: number | null; output: string } {
    const jhm = shellCommand(process.execPath, [builtFile('cli/main.ts'), '-C', project.root, 'destroy', 'example']);
    const r = spawnSync(SCRIPT!, ['-qec', jhm, '/dev/null'], { cwd: REPO, input: `${answer}\n`, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SHELL: '/bin/sh' } });
    return { code: r.status, output: r.stdout };
  }

  (SCRIPT === undefined ? test.skip : test)("rule: on a terminal jhm destroy asks for the cluster's name, and any other answer destroys nothing", () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const wrong = destroyOnTerminal('exampel');
    expect(wrong.output).toContain("Type the cluster's name (example) to destroy all of the above:");
    expect(wrong.output).toContain('the answer "exampel" is not example; nothing destroyed');
    expect(wrong.code).toBe(1);
    expect(project.calls()).toEqual([]);

    const right = destroyOnTerminal('example');
    expect(right.code).toBe(0);
    expect(project.calls().map((c) => c.argv[0])).toEqual(['init', 'destroy']);
  }, 120_000);

  test('rule: without OpenStack credentials, refused in one line before the question and before terraform runs', async () => {
    unprotect();
    fs.rmSync(path.join(project.home, '.config'), { recursive: true, force: true });
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: cannot destroy example: no OpenStack credentials: cloud.name of the cluster names cloud "openstack" but no clouds.yaml was found (looked at ' +
        `${path.join(project.root, 'cdktf.out', 'stacks', 'example', 'clouds.yaml')}, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml); nothing destroyed`,
    ]);
    expect(project.calls()).toEqual([]);
  });

  test('with --yes: terraform init, then destroy -auto-approve, in the stack folder with jhm deploy\'s data folder and no stdin', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(0);
    const calls = project.calls();
    expect(calls.map((c) => c.argv.filter((a) => a !== '-no-color'))).toEqual([
      ['init', '-input=false'],
      ['destroy', '-input=false', '-auto-approve'],
    ]);
    for (const c of calls) {
      expect(c.cwd).toBe(stackDir());
      expect(c.env.TF_DATA_DIR).toBe(dataDir());
      expect(c.stdin).toBe('/dev/null');
    }
  });

  test('a failing terraform destroy is one error line with Terraform\'s reason, and no volume report', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform([{ when: ['destroy'], exitCode: 1, stderr: '│ Error: Error deleting openstack_containerinfra_cluster_v1: timeout\n' }]);
    const openstack = project.fake('openstack', [{ when: ['volume', 'list'], stdout: '[]' }]);
    process.env.JHM_OPENSTACK = openstack.path;
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: terraform destroy -input=false -auto-approve failed in cdktf\.out\/stacks\/example: Error: Error deleting openstack_containerinfra_cluster_v1: timeout \(exit status 1\)/);
    expect(openstack.calls()).toEqual([]);
  });

  test('rule: after the destroy, Cinder volumes named after the cluster and available pvc-… volumes are listed (openstack volume list)', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const volumes = [
      { ID: 'fake-vol-0001', Name: 'example-abc123-node-0-docker', Status: 'available', Size: 50 },
      { ID: 'fake-vol-0002', Name: 'pvc-00000000-0000-0000-0000-000000000001', Status: 'available', Size: 10 },
      { ID: 'fake-vol-0003', Name: 'pvc-00000000-0000-0000-0000-000000000002', Status: 'in-use', Size: 10 },
      { ID: 'fake-vol-0004', Name: 'other-cluster-node-0', Status: 'available', Size: 50 },
    ];
    const openstack = project.fake('openstack', [{ when: ['volume', 'list'], stdout: JSON.stringify(volumes) }]);
    process.env.JHM_OPENSTACK = openstack.path;
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(openstack.calls().map((c) => c.argv)).toEqual([['--os-cloud', 'openstack', 'volume', 'list', '-f', 'json']]);
    expect(r.stdout).toBe('fake-vol-0001  example-abc123-node-0-docker  available  50 GB\nfake-vol-0002  pvc-00000000-0000-0000-0000-000000000001  available  10 GB\n');
    expect(r.stderr).toContain('example: 2 Cinder volume(s) left behind');
  });

  test('rule: without the openstack client, prints the command that lists the volumes left behind', async () => {
    unprotect();
    writeClusterStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("look for Cinder volumes left behind (named example-…, or pvc-… and available) with: openstack --os-cloud openstack volume list -f value -c ID -c Name -c Status | grep -E ' (example-|pvc-)' (openstack not found on PATH)");
  });
});

describe('a leftover stack (docs/upgrading.md: Moving hubs onto a shared cluster)', () => {
  /** hubs/example.yaml moved onto cluster shared: its dedicated cluster's stack is left in cdktf.out. */
  function moveHubToShared(): void {
    project.write('clusters/shared.yaml', fs.readFileSync(path.join(REPO, 'clusters', 'shared.yaml'), 'utf8'));
    project.write('hubs/example.yaml', fs.readFileSync(path.join(REPO, 'hubs', 'course-a.yaml'), 'utf8'));
  }

  function writeLeftoverStack(options: { prevent: boolean }): void {
    const lifecycle = options.prevent ? { lifecycle: { prevent_destroy: true } } : {};
    const stack = {
      provider: { openstack: [{ cloud: 'openstack' }] },
      resource: {
        openstack_containerinfra_cluster_v1: { cluster: { name: 'example-old', ...lifecycle } },
        openstack_dns_recordset_v2: { ingress: { name: 'example.hub-tests.invalid.', type: 'A' } },
      },
    };
    project.write('cdktf.out/stacks/example/cdk.tf.json', JSON.stringify(stack));
  }

  test('rule: jhm terraform runs on the stack a hub moved onto a shared cluster left behind, and says so', async () => {
    moveHubToShared();
    writeLeftoverStack({ prevent: false });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'terraform', 'example', 'destroy', '-target=openstack_dns_recordset_v2.ingress']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe('example: no file defines cluster example any more; jhm terraform works on the stack it left, cdktf.out/stacks/example/cdk.tf.json');
    expect(project.calls().map((c) => [c.cwd, c.env.TF_DATA_DIR, ...c.argv])).toEqual([[stackDir(), dataDir(), 'destroy', '-target=openstack_dns_recordset_v2.ingress']]);
  });

  test('rule: jhm destroy of a leftover stack still carrying prevent_destroy is refused, saying how to lift it', async () => {
    moveHubToShared();
    writeLeftoverStack({ prevent: true });
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: cdktf.out/stacks/example/cdk.tf.json still protects openstack_containerinfra_cluster_v1.cluster (prevent_destroy), so Terraform would refuse the destroy; nothing destroyed (it was synthesized with deletion protection on: put hubs/example.yaml back as it was (its own cluster) with cluster.deletionProtection: false, run jhm synth example, then move the hub again (docs/upgrading.md: Moving hubs onto a shared cluster, step 2))',
    ]);
    expect(project.calls()).toEqual([]);
  });

  test('rule: jhm destroy of a leftover stack reads the cloud and the Magnum name from the stack', async () => {
    moveHubToShared();
    writeLeftoverStack({ prevent: false });
    writeCloudsYaml(project);
    setUpTerraform();
    const openstack = project.fake('openstack', [{ when: ['volume', 'list'], stdout: JSON.stringify([{ ID: 'fake-vol-0001', Name: 'example-old-node-0', Status: 'available', Size: 50 }]) }]);
    process.env.JHM_OPENSTACK = openstack.path;
    const r = await runCli(['-C', project.root, 'destroy', 'example', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("LOSES: every node and volume of cluster example-old: the users' home folders of every hub on it");
    expect(r.stderr).toContain('OpenStack credentials from cloud "openstack" in ~/.config/openstack/clouds.yaml');
    expect(openstack.calls().map((c) => c.argv)).toEqual([['--os-cloud', 'openstack', 'volume', 'list', '-f', 'json']]);
    expect(r.stdout).toBe('fake-vol-0001  example-old-node-0  available  50 GB\n');
  });
});
