/**
 * Day two through the CLI: `jhm diff` / `jhm check` list what a change does to the Terraform
 * stack (in Terraform's words) and to the manifests (per wave file), `jhm synth` says it in one
 * summary line, and a synth that would replace the cluster or a nodegroup while the cluster's
 * deletion protection is on is refused, writing nothing, unless `--allow-replace`.
 * The classifications themselves are pinned in test/synth/terraform-plan.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_HUB, makeProject, readTree, removeProjects, setHubLine, TestProject } from '../support/project';

afterAll(removeProjects);

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
/** The example hub with an extra Magnum label (labels force a new cluster). */
const WITH_LABEL = EXAMPLE_HUB.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  labels:\n    monitoring_enabled: "true"\n');
const outputs = (project: TestProject) => new Map([...readTree(project.path('cdktf.out')), ...readTree(project.path('dist')), ...readTree(project.path('dist-secrets'))]);

describe('change plans of jhm diff, jhm check and jhm synth', () => {
  let project: TestProject;
  beforeEach(async () => {
    project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    expect((await project.jhm('synth')).code).toBe(0);
  });

  test('an in-place change: diff names the resource and the attribute, synth prints the summary line', async () => {
    expect(WITH_LABEL).not.toBe(EXAMPLE_HUB);
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('    maxNodes: 8\n', '    maxNodes: 12\n'));
    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('Terraform: cluster example (cdktf.out/stacks/example/cdk.tf.json)');
    expect(diff.stdout).toContain('  # openstack_containerinfra_nodegroup_v1.nodegroup-mediums will be updated in-place\n    ~ max_node_count: 8 -> 12 (set by nodeGroups[0].maxNodes)\n  Plan: 0 to add, 1 to change, 0 to destroy.');
    expect(diff.stdout).not.toContain('@@');
    const check = await project.jhm('check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain('example: Terraform plan: 0 to add, 1 to change, 0 to destroy (update in-place openstack_containerinfra_nodegroup_v1.nodegroup-mediums); jhm deploy example applies it');
  });

  test('replacing the cluster under deletion protection: synth refuses in one line and writes nothing; diff shows what is lost', async () => {
    const before = outputs(project);
    project.write('hubs/example.yaml', WITH_LABEL);
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(1);
    expect(errorLines(synth.stderr)).toEqual([
      expect.stringMatching(
        /^error: hubs\/example\.yaml: cluster\.labels\.monitoring_enabled: this change replaces openstack_containerinfra_cluster_v1\.cluster \(forced by labels\.monitoring_enabled, set by cluster\.labels\.monitoring_enabled\) and replaces openstack_containerinfra_nodegroup_v1\.nodegroup-mediums \(forced by cluster_id\), losing every node and volume of cluster example.*\(undo it, or review it with jhm diff example and run jhm synth example --allow-replace; .*cluster\.deletionProtection is true\)$/,
      ),
    ]);
    expect(outputs(project)).toEqual(before);

    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('  # openstack_containerinfra_cluster_v1.cluster must be replaced\n  -/+ labels.monitoring_enabled: null -> "true" (forces replacement; set by cluster.labels.monitoring_enabled)\n      LOSES: every node and volume of cluster example');
    expect(diff.stdout).toContain('Plan: 2 to add, 0 to change, 2 to destroy.');

    const allowed = await project.jhm('synth', '--allow-replace');
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('example: Terraform plan: 2 to add, 0 to change, 2 to destroy (REPLACE openstack_containerinfra_cluster_v1.cluster, REPLACE openstack_containerinfra_nodegroup_v1.nodegroup-mediums)');
    expect(allowed.stderr).toMatch(/^warning: example: the new stack replaces or destroys openstack_containerinfra_cluster_v1\.cluster/m);
    // Once the stack holds the change, a synth without the option (jhm deploy's) has nothing to refuse.
    expect((await project.jhm('synth', '--force')).code).toBe(0);
  });

  test('replacing only a nodegroup is refused too, and the fix says deletion protection does not guard it at apply time', async () => {
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('flavor: m3.medium', 'flavor: m3.large'));
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(1);
    expect(errorLines(synth.stderr)).toEqual([
      expect.stringMatching(
        /^error: hubs\/example\.yaml: nodeGroups\[0\]\.flavor: this change replaces openstack_containerinfra_nodegroup_v1\.nodegroup-mediums \(forced by flavor_id, set by nodeGroups\[0\]\.flavor\).* \(undo it, or review it with jhm diff example and run jhm synth example --allow-replace; cluster\.deletionProtection guards only the cluster: terraform apply then replaces the nodegroup without asking again\)$/,
      ),
    ]);
  });

  test('with deletion protection off a replacement is written, with the warning', async () => {
    project.write('hubs/example.yaml', setHubLine(WITH_LABEL, 'autoscaling', 'true\n  deletionProtection: false'));
    const synth = await project.jhm('synth');
    expect(errorLines(synth.stderr)).toEqual([]);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toMatch(/^warning: example: the new stack replaces or destroys openstack_containerinfra_cluster_v1\.cluster/m);
  });

  test('a template change is a rolling upgrade in place, not a replacement', async () => {
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-34-jammy').replace('kubernetesVersion: "1.33.0"', 'kubernetesVersion: "1.34.0"'));
    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      '  # openstack_containerinfra_cluster_v1.cluster will be updated in-place (rolling upgrade to another cluster template: Kubernetes 1.33 -> 1.34)\n    ~ cluster_template_id: (known after apply; template "kubernetes-1-33-jammy" -> "kubernetes-1-34-jammy"; set by cluster.template)\n  Plan: 0 to add, 1 to change, 0 to destroy.',
    );
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain('(update in-place openstack_containerinfra_cluster_v1.cluster (rolling upgrade to Kubernetes 1.34))');
  });

  test('rule: an upgrade that skips a minor version (or goes down) is refused by synth in one line, writing nothing, even with --allow-replace; diff shows why', async () => {
    const before = outputs(project);
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-35-jammy').replace('kubernetesVersion: "1.33.0"', 'kubernetesVersion: "1.35.0"'));
    for (const args of [['synth'], ['synth', '--allow-replace']]) {
      const synth = await project.jhm(...args);
      expect(synth.code).toBe(1);
      expect(errorLines(synth.stderr)).toEqual([
        'error: hubs/example.yaml: cluster.kubernetesVersion: the rolling upgrade of cluster example to another template skips Kubernetes 1.34 (1.33 -> 1.35): Kubernetes upgrades one minor version at a time, and Magnum does not check it: the upgrade would fail half-way (upgrade one minor version at a time: first the template of Kubernetes 1.34 (kubernetes-1-34-jammy), jhm synth and jhm deploy example, then the next)',
      ]);
      expect(outputs(project)).toEqual(before);
    }
    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('(rolling upgrade to another cluster template: Kubernetes 1.33 -> 1.35)');
    expect(diff.stdout).toContain('      NOT POSSIBLE: this upgrade skips Kubernetes 1.34 (1.33 -> 1.35): Kubernetes upgrades one minor version at a time; jhm synth refuses it');
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-32-jammy').replace('kubernetesVersion: "1.33.0"', 'kubernetesVersion: "1.32.0"'));
    const down = await project.jhm('synth');
    expect(errorLines(down.stderr)).toEqual([expect.stringMatching(/ is a downgrade \(1\.33 -> 1\.32\): Kubernetes clusters are never downgraded, .*\(keep a template of Kubernetes 1\.33 or later; an older Kubernetes needs a new cluster\)$/)]);
  });

  test('the Kubernetes plan lists created and removed objects per wave file and says how removed ones go', async () => {
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'controller', 'ingress-nginx'));
    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('Kubernetes: cluster example (dist/example), per wave file:');
    expect(diff.stdout).toMatch(/^ {4}\+ Deployment ingress-nginx\/\S+$/m);
    expect(diff.stdout).toMatch(/^ {4}- Deployment traefik\/\S+$/m);
    expect(diff.stdout).toContain('kubectl apply keeps removed objects on the cluster; jhm apply --prune deletes them');
    // The Terraform side is untouched by the controller: no Terraform section.
    expect(diff.stdout).not.toContain('Terraform: cluster example');
  });
});

test('rule: the fix a broken committed stack names works (jhm synth reads the committed stack for its plan, so --force cannot write over it)', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  expect((await project.jhm('synth')).code).toBe(0);
  const good = project.read('cdktf.out/stacks/example/cdk.tf.json');
  project.write('cdktf.out/stacks/example/cdk.tf.json', '{"resource": ');
  const broken = await project.jhm('synth', '--force');
  expect(broken.code).toBe(1);
  expect(errorLines(broken.stderr)).toEqual(['error: cdktf.out/stacks/example/cdk.tf.json: is not valid JSON (restore it from git, or delete it and run jhm synth to write it again)']);
  fs.rmSync(project.path('cdktf.out/stacks/example/cdk.tf.json'));
  expect((await project.jhm('synth')).code).toBe(0);
  expect(project.read('cdktf.out/stacks/example/cdk.tf.json')).toBe(good);
});

test('a changed state backend: diff lists it apart with the move, synth warns once and writes the new stack', async () => {
  const repo = (rel: string) => fs.readFileSync(path.join(__dirname, '..', '..', rel), 'utf8');
  const project = await makeProject({ clusters: { shared: repo('clusters/shared.yaml') }, hubs: { 'course-a': repo('hubs/course-a.yaml') } });
  expect((await project.jhm('synth', 'shared')).code).toBe(0);
  project.write('clusters/shared.yaml', `${repo('clusters/shared.yaml')}\nterraform:\n  backend:\n    type: s3\n    bucket: jhm-state\n    endpoint: https://objects.example.test:8001\n`);
  const diff = await project.jhm('diff', '--no-patch', 'shared');
  expect(diff.code).toBe(0);
  expect(diff.stdout).toContain('Terraform: cluster shared (cdktf.out/stacks/shared/cdk.tf.json), in Terraform\'s words:\n  # the state backend changes: local -> s3\n');
  expect(diff.stdout).toContain('    ~ bucket: null -> "jhm-state"\n');
  expect(diff.stdout).toContain('run jhm terraform shared init -migrate-state before jhm deploy');
  const synth = await project.jhm('synth', 'shared');
  expect(synth.code).toBe(0);
  expect(synth.stderr.split('\n').filter((l) => l.includes('state backend'))).toEqual([
    'warning: shared: the state backend changes (local -> s3): move the state before jhm deploy, with jhm terraform shared init -migrate-state (docs/terraform-state.md: Moving an existing local state into a backend)',
  ]);
  expect(JSON.parse(project.read('cdktf.out/stacks/shared/cdk.tf.json')).terraform.backend.s3.bucket).toBe('jhm-state');
});

test("rule: a label keyed `//` (a comment in Terraform's JSON only directly in a block body, a real key in the labels map) is planned as the replacement it is: synth refuses it under deletion protection, under cluster and under a nodegroup", async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  expect((await project.jhm('synth')).code).toBe(0);
  const before = outputs(project);
  project.write('hubs/example.yaml', EXAMPLE_HUB.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  labels:\n    "//": boom\n'));
  const cluster = await project.jhm('synth');
  expect(cluster.code).toBe(1);
  expect(errorLines(cluster.stderr)).toEqual([expect.stringMatching(/^error: hubs\/example\.yaml: cluster\.labels\.\/\/: this change replaces openstack_containerinfra_cluster_v1\.cluster \(forced by labels\.\/\/, set by cluster\.labels\.\/\/\)/)]);
  project.write('hubs/example.yaml', EXAMPLE_HUB.replace('    flavor: m3.medium\n', '    flavor: m3.medium\n    labels:\n      "//": boom\n'));
  const nodegroup = await project.jhm('synth');
  expect(nodegroup.code).toBe(1);
  expect(errorLines(nodegroup.stderr)).toEqual([expect.stringMatching(/^error: hubs\/example\.yaml: nodeGroups\[0\]\.labels\.\/\/: this change replaces openstack_containerinfra_nodegroup_v1\.nodegroup-mediums \(forced by labels\.\/\/, set by nodeGroups\[0\]\.labels\.\/\/\)/)]);
  const diff = await project.jhm('diff', '--no-patch');
  expect(diff.stdout).toContain('  # openstack_containerinfra_nodegroup_v1.nodegroup-mediums must be replaced\n  -/+ labels.//: null -> "boom" (forces replacement; set by nodeGroups[0].labels.//)');
  expect(outputs(project)).toEqual(before);
});

test('rule: an empty label key is refused at validation, in one line naming the field', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  project.write('hubs/example.yaml', EXAMPLE_HUB.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  labels:\n    "": boom\n'));
  const synth = await project.jhm('synth');
  expect(synth.code).toBe(1);
  expect(errorLines(synth.stderr)).toEqual([expect.stringMatching(/^error: hubs\/example\.yaml:\d+: cluster\.labels\[""\]: is an empty label key: a Magnum label needs a name; remove it or name it$/)]);
});
