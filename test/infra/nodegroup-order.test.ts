/**
 * Nodegroups created one at a time (issue 18 item 5): Magnum's Cluster API driver fails
 * nodegroups created concurrently (Launchpad bug 2097946), so each nodegroup of a cluster
 * `depends_on` the one before it, in file order, and a plain `terraform apply` works at
 * Terraform's default parallelism. The ordering adds no argument: a stack synthesized before it
 * existed plans no change against one with it.
 */
import { formatTerraformPlan, planChanges, planStack } from '../../synth/terraform-plan';
import { EXAMPLE_HUB, makeProject, removeProjects } from '../support/project';
import { cleanupTempDirs, sharedClusterStack, synthHub, TfJson, variantHub } from './support';

afterAll(() => {
  cleanupTempDirs();
  removeProjects();
});

const NODEGROUP = 'openstack_containerinfra_nodegroup_v1';
const THREE = [
  { name: 'ng1', flavor: 'm3.medium', minNodes: 1, maxNodes: 4 },
  { name: 'ng2', flavor: 'm3.large', minNodes: 1, maxNodes: 2 },
  { name: 'ng3', flavor: 'g3.large', minNodes: 1, maxNodes: 2, role: 'gpu' },
];

/** The example cluster file's nodegroup (the hubs' profiles name it) and two more after it. */
const withTwoMore = (c: Record<string, any>) => (c.nodeGroups = [...c.nodeGroups, THREE[1], THREE[2]]);

/** Each nodegroup's `depends_on` (undefined when it has none), by resource name. */
function dependsOn(tf: TfJson): Record<string, string[] | undefined> {
  return Object.fromEntries(Object.entries(tf.resource[NODEGROUP] as Record<string, TfJson>).map(([name, r]) => [name, r.depends_on]));
}

/** `stack` as a jhm without the ordering synthesized it: no nodegroup has `depends_on`. */
function withoutOrdering(stack: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(stack)) as TfJson;
  for (const r of Object.values(copy.resource[NODEGROUP] as Record<string, TfJson>)) delete r.depends_on;
  return copy;
}

test('rule: nodegroups are created one at a time in file order: of three, ng2 depends on ng1, ng3 on ng2, ng1 on none', () => {
  const tf = synthHub(
    variantHub((h) => {
      h.nodeGroups = THREE;
      h.jupyterhub.profiles = h.jupyterhub.profiles.filter((p: { nodeGroup: string }) => p.nodeGroup === 'default-worker');
    }),
  );
  expect(dependsOn(tf)).toEqual({
    'nodegroup-ng1': undefined,
    'nodegroup-ng2': [`${NODEGROUP}.nodegroup-ng1`],
    'nodegroup-ng3': [`${NODEGROUP}.nodegroup-ng2`],
  });
});

test('rule: the order is the file order, not the names: reversing the file reverses the chain', () => {
  const { stack } = sharedClusterStack((c) => (c.nodeGroups = [THREE[2], THREE[1], ...c.nodeGroups]));
  expect(dependsOn(stack as TfJson)).toEqual({
    'nodegroup-ng3': undefined,
    'nodegroup-ng2': [`${NODEGROUP}.nodegroup-ng3`],
    'nodegroup-mediums': [`${NODEGROUP}.nodegroup-ng2`],
  });
});

test('rule: a single nodegroup depends on nothing (the example cluster file)', () => {
  const { stack } = sharedClusterStack();
  expect(dependsOn(stack as TfJson)).toEqual({ 'nodegroup-mediums': undefined });
});

test('rule: adding the ordering to an existing stack plans no change (the example cluster file with two more nodegroups, without and with it)', () => {
  const { stack } = sharedClusterStack(withTwoMore);
  const before = withoutOrdering(stack);
  expect(dependsOn(before as TfJson)).toEqual({ 'nodegroup-mediums': undefined, 'nodegroup-ng2': undefined, 'nodegroup-ng3': undefined });
  expect(dependsOn(stack as TfJson)).not.toEqual(dependsOn(before as TfJson));
  const plan = planStack(before, stack, { hubs: ['course-a', 'course-b'] });
  expect(plan.changes).toEqual([]);
  expect(planChanges(plan)).toBe(false);
  expect(formatTerraformPlan('Terraform: cluster shared', plan)).toBe('Terraform: cluster shared\n  No changes. Your infrastructure matches the configuration.');
});

test('rule: jhm diff and jhm synth of a stack written before the ordering show the file change and no Terraform plan, and need no --allow-replace', async () => {
  const twoGroups = EXAMPLE_HUB.replace('    maxNodes: 8\n', '    maxNodes: 8\n  - name: bigs\n    flavor: m3.large\n    minNodes: 1\n    maxNodes: 2\n');
  expect(twoGroups).not.toBe(EXAMPLE_HUB);
  const project = await makeProject({ hubs: { example: twoGroups } });
  expect((await project.jhm('synth')).code).toBe(0);
  const stackFile = 'cdktf.out/stacks/example/cdk.tf.json';
  const text = project.read(stackFile);
  const stack = JSON.parse(text) as TfJson;
  expect(dependsOn(stack)).toEqual({ 'nodegroup-mediums': undefined, 'nodegroup-bigs': [`${NODEGROUP}.nodegroup-mediums`] });
  // The stack as a jhm without the ordering wrote it (the same text but for depends_on).
  expect(JSON.stringify(stack, null, 2)).toBe(text);
  project.write(stackFile, JSON.stringify(withoutOrdering(stack), null, 2));

  const diff = await project.jhm('diff', 'example');
  expect(diff.code).toBe(0);
  expect(diff.stdout).toContain(`+        "depends_on": [\n+          "${NODEGROUP}.nodegroup-mediums"\n+        ],`);
  expect(diff.stdout).not.toContain('Terraform: cluster example');
  expect(diff.stderr).toContain(`1 file(s) would change: ${stackFile} (changed)`);

  const synth = await project.jhm('synth', 'example');
  expect(synth.code).toBe(0);
  expect(synth.stderr).not.toContain('Terraform plan:');
  expect(JSON.parse(project.read(stackFile))).toEqual(stack);
});
