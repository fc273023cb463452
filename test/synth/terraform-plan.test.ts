/**
 * The Terraform change plan (synth/terraform-plan.ts, issue 12 item 1): what a change to a cluster
 * file does to its stack, in Terraform's words, from real stacks synthesized from the example
 * fleet (clusters/shared.yaml with hubs course-a and course-b) edited through the cluster file;
 * and the provider facts it relies on (provider-schema/force-new.json).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { which } from '../../base/tools';
import { isUserError } from '../../model/errors';
import { terraformTextProblem } from '../../model/terraform-text';
import { fileField } from '../../infra/stack-fields';
import { formatTerraformPlan, needsAllowReplace, planChanges, planStack, providerFacts, readStack, ResourceChange, TerraformPlan, unsupportedUpgrades } from '../../synth/terraform-plan';
import { cleanupTempDirs, ROOT, sharedClusterStack, tempDir } from '../infra/support';

afterAll(cleanupTempDirs);

const CLUSTER = 'openstack_containerinfra_cluster_v1.cluster';
const MEDIUMS = 'openstack_containerinfra_nodegroup_v1.nodegroup-mediums';
const HUBS = ['course-a', 'course-b'];


/**
 * The stack of the example cluster file after `edit`, synthesized like `jhm synth` does
 * (`synthInfra`) and read back from its `cdk.tf.json` with `readStack`.
 */
function stackOf(edit: (cluster: Record<string, any>) => void = () => undefined): unknown {
  return sharedClusterStack(edit).stack;
}

let base: unknown;
beforeAll(() => {
  base = stackOf();
});

/** The plan from the example cluster file to the file after `edit`. */
const planOf = (edit: (cluster: Record<string, any>) => void, before: () => unknown = () => base): TerraformPlan => planStack(before(), stackOf(edit), { hubs: HUBS });
const changeOf = (plan: TerraformPlan, address: string): ResourceChange | undefined => plan.changes.find((c) => c.address === address);
const actions = (plan: TerraformPlan) => Object.fromEntries(plan.changes.map((c) => [c.address, c.action]));
const counts = (plan: TerraformPlan) => [plan.add, plan.change, plan.destroy];

describe('provider facts: provider-schema/force-new.json', () => {
  const schemaDir = path.join(ROOT, 'provider-schema');
  const forceNew = JSON.parse(fs.readFileSync(path.join(schemaDir, 'force-new.json'), 'utf8'));
  const openstack = JSON.parse(fs.readFileSync(path.join(schemaDir, 'openstack.json'), 'utf8'));
  const resources: Record<string, { block: { attributes?: Record<string, { optional?: boolean; required?: boolean; computed?: boolean }>; block_types?: Record<string, unknown> } }> =
    (Object.values(openstack.provider_schemas)[0] as any).resource_schemas;

  test('rule: every argument (attribute that is not computed-only, and block) of each resource in openstack.json is classified exactly once: ForceNew, in place, or not an argument', () => {
    expect(Object.keys(forceNew.resources).sort()).toEqual(Object.keys(resources).sort());
    for (const [type, { block }] of Object.entries(resources)) {
      const args = [...Object.entries(block.attributes ?? {}).filter(([, a]) => a.optional || a.required).map(([name]) => name), ...Object.keys(block.block_types ?? {})].sort();
      const facts = forceNew.resources[type];
      const classified = [...facts.forceNew, ...Object.keys(facts.inPlace), ...Object.keys(facts.notArguments ?? {})].sort();
      expect({ type, classified }).toEqual({ type, classified: args });
      expect(new Set(classified).size).toBe(classified.length);
    }
  });

  test('rule: the facts name the provider source, tag and file they were read from, and its version is the one the stacks require', () => {
    expect(forceNew).toMatchObject({ source: 'https://github.com/terraform-provider-openstack/terraform-provider-openstack', tag: `v${forceNew.version}` });
    expect(forceNew.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const type of Object.keys(resources)) expect(forceNew.resources[type].file).toBe(`openstack/resource_${type}.go`);
    expect((base as any).terraform.required_providers.openstack.version).toBe(forceNew.version);
  });

  test("the issue's facts: a cluster's labels, flavors, keypair, sizes, network and merge_labels force a new cluster; node_count and cluster_template_id change in place", () => {
    const cluster = providerFacts().get('openstack_containerinfra_cluster_v1')!;
    for (const arg of ['labels', 'flavor', 'master_flavor', 'keypair', 'docker_volume_size', 'master_count', 'fixed_network', 'fixed_subnet', 'merge_labels', 'create_timeout']) expect(cluster.forceNew.has(arg)).toBe(true);
    expect([...cluster.inPlace].sort()).toEqual(['cluster_template_id', 'node_count', 'timeouts']);
    const nodegroup = providerFacts().get('openstack_containerinfra_nodegroup_v1')!;
    for (const arg of ['labels', 'flavor_id', 'role', 'docker_volume_size', 'name', 'cluster_id']) expect(nodegroup.forceNew.has(arg)).toBe(true);
    expect([...nodegroup.inPlace].sort()).toEqual(['max_node_count', 'min_node_count', 'node_count', 'timeouts']);
  });
});

describe('rule: a changed ForceNew argument replaces the resource, and the plan names it', () => {
  test('replace by a label change: the cluster is replaced (labels.kube_tag), its nodegroup with it (cluster_id known after apply); both need --allow-replace', () => {
    const plan = planOf((c) => (c.magnum.labels = { kube_tag: 'v1.33.1' }));
    expect(actions(plan)).toEqual({ [CLUSTER]: 'replace', [MEDIUMS]: 'replace' });
    expect(counts(plan)).toEqual([2, 0, 2]);
    const cluster = changeOf(plan, CLUSTER)!;
    expect(cluster.forcedBy).toEqual(['labels.kube_tag']);
    expect(cluster.attributes).toEqual([{ path: 'labels.kube_tag', before: undefined, after: 'v1.33.1', forcesReplacement: true }]);
    expect(cluster.protected).toBe(true);
    expect(cluster.loss).toBe("every node and volume of cluster shared: the users' home folders of hubs course-a, course-b");
    const mediums = changeOf(plan, MEDIUMS)!;
    expect(mediums.forcedBy).toEqual(['cluster_id']);
    expect(mediums.attributes[0]).toMatchObject({ path: 'cluster_id', knownAfterApply: true, why: `${CLUSTER} is replaced`, forcesReplacement: true });
    expect(mediums.loss).toBe('every node of nodegroup mediums: the user servers running on them stop');
    expect(needsAllowReplace(plan).map((c) => c.address)).toEqual([CLUSTER, MEDIUMS]);
  });

  test('replace by a flavor change: defaultWorker.flavor is the cluster argument flavor', () => {
    const plan = planOf((c) => (c.magnum.defaultWorker.flavor = 'm3.large'));
    expect(changeOf(plan, CLUSTER)).toMatchObject({ action: 'replace', forcedBy: ['flavor'], attributes: [{ path: 'flavor', before: 'm3.quad', after: 'm3.large', forcesReplacement: true }] });
    expect(changeOf(plan, MEDIUMS)?.action).toBe('replace');
  });

  test("replace by a changed defaultWorker.maxNodes: the default worker's range lives in the cluster labels", () => {
    const plan = planOf((c) => (c.magnum.defaultWorker.maxNodes = 3));
    expect(changeOf(plan, CLUSTER)).toMatchObject({ action: 'replace', forcedBy: ['labels.max_node_count'], attributes: [{ path: 'labels.max_node_count', before: '1', after: '3' }] });
    expect(formatTerraformPlan('Terraform (cdktf.out/stacks/shared):', plan).split('\n').slice(0, 4)).toEqual([
      'Terraform (cdktf.out/stacks/shared):',
      `  # ${CLUSTER} must be replaced`,
      '  -/+ labels.max_node_count: "1" -> "3" (forces replacement)',
      "      LOSES: every node and volume of cluster shared: the users' home folders of hubs course-a, course-b",
    ]);
  });

  test('a renamed fixed network replaces the cluster: fixed_network and fixed_subnet come from changed lookups (known after apply)', () => {
    const plan = planOf((c) => (c.magnum.fixedNetwork = 'hub-network'));
    const cluster = changeOf(plan, CLUSTER)!;
    expect(cluster.forcedBy).toEqual(['fixed_network', 'fixed_subnet']);
    expect(cluster.attributes.map((a) => [a.path, a.knownAfterApply, a.why])).toEqual([
      ['fixed_network', true, 'network "auto_allocated_network" -> "hub-network"'],
      ['fixed_subnet', true, 'network "auto_allocated_network" -> "hub-network"'],
    ]);
  });

  test('a new floating IP pool replaces the floating IP and updates the A records in place (records known after apply); no --allow-replace needed', () => {
    const plan = planOf((c) => (c.ingress = { controller: 'traefik', floatingIpPool: 'campus' }));
    expect(actions(plan)).toEqual({
      'openstack_dns_recordset_v2.record-course-a': 'update',
      'openstack_dns_recordset_v2.record-course-b': 'update',
      'openstack_networking_floatingip_v2.ingress': 'replace',
    });
    expect(changeOf(plan, 'openstack_dns_recordset_v2.record-course-a')?.attributes).toEqual([
      expect.objectContaining({ path: 'records', knownAfterApply: true, why: 'openstack_networking_floatingip_v2.ingress is replaced', forcesReplacement: false }),
    ]);
    expect(changeOf(plan, 'openstack_networking_floatingip_v2.ingress')?.loss).toMatch(/^the ingress floating IP address/);
    expect(needsAllowReplace(plan)).toEqual([]);
  });

  test('without deletion protection a replaced cluster is not protected (and changing the protection alone plans nothing)', () => {
    const unprotected = stackOf((c) => (c.magnum.deletionProtection = false));
    expect(planStack(base, unprotected).changes).toEqual([]);
    const plan = planOf((c) => ((c.magnum.deletionProtection = false), (c.magnum.keypair = 'other-key')), () => unprotected);
    expect(changeOf(plan, CLUSTER)).toMatchObject({ action: 'replace', forcedBy: ['keypair'], protected: false });
  });
});

describe('rule: changes of in-place arguments only update the resource in place', () => {
  test("update in place for a nodegroup's maxNodes", () => {
    const plan = planOf((c) => (c.nodeGroups[0].maxNodes = 16));
    expect(plan.changes).toEqual([
      { address: MEDIUMS, type: 'openstack_containerinfra_nodegroup_v1', name: 'nodegroup-mediums', action: 'update', attributes: [{ path: 'max_node_count', before: 12, after: 16, forcesReplacement: false }], forcedBy: [], protected: false },
    ]);
    expect(counts(plan)).toEqual([0, 1, 0]);
    expect(needsAllowReplace(plan)).toEqual([]);
  });

  test('an in-place upgrade for a template change: the lookup changes, cluster_template_id is known after apply, the nodegroup stays', () => {
    const plan = planOf((c) => ((c.magnum.template = 'kubernetes-1-34-jammy'), (c.magnum.kubernetesVersion = '1.34.0')));
    expect(plan.changes).toEqual([
      {
        address: CLUSTER,
        type: 'openstack_containerinfra_cluster_v1',
        name: 'cluster',
        action: 'update',
        upgrade: true,
        kubernetes: { from: '1.33', to: '1.34' },
        attributes: [expect.objectContaining({ path: 'cluster_template_id', knownAfterApply: true, why: 'template "kubernetes-1-33-jammy" -> "kubernetes-1-34-jammy"', forcesReplacement: false })],
        forcedBy: [],
        protected: true,
      },
    ]);
    expect(needsAllowReplace(plan)).toEqual([]);
    expect(formatTerraformPlan('Terraform:', plan)).toBe(
      [
        'Terraform:',
        `  # ${CLUSTER} will be updated in-place (rolling upgrade to another cluster template: Kubernetes 1.33 -> 1.34)`,
        '    ~ cluster_template_id: (known after apply; template "kubernetes-1-33-jammy" -> "kubernetes-1-34-jammy")',
        '  Plan: 0 to add, 1 to change, 0 to destroy.',
      ].join('\n'),
    );
    expect(unsupportedUpgrades(plan)).toEqual([]);
  });

  test('rule: an upgrade that skips a minor version, or goes down, is marked not possible (kubeadm upgrades one minor at a time, Magnum does not check)', () => {
    const to = (template: string, kubernetesVersion?: string, kubernetesMinor?: string) =>
      planStack(base, stackOf((c) => ((c.magnum.template = template), kubernetesVersion === undefined ? delete c.magnum.kubernetesVersion : (c.magnum.kubernetesVersion = kubernetesVersion))), { hubs: HUBS, kubernetesMinor });
    const skip = to('kubernetes-1-35-jammy');
    expect(changeOf(skip, CLUSTER)).toMatchObject({ action: 'update', upgrade: true, kubernetes: { from: '1.33', to: '1.35', problem: 'skips Kubernetes 1.34 (1.33 -> 1.35): Kubernetes upgrades one minor version at a time' } });
    expect(unsupportedUpgrades(skip).map((c) => c.address)).toEqual([CLUSTER]);
    expect(formatTerraformPlan('Terraform:', skip).split('\n').slice(1, 4)).toEqual([
      `  # ${CLUSTER} will be updated in-place (rolling upgrade to another cluster template: Kubernetes 1.33 -> 1.35)`,
      '    ~ cluster_template_id: (known after apply; template "kubernetes-1-33-jammy" -> "kubernetes-1-35-jammy")',
      '      NOT POSSIBLE: this upgrade skips Kubernetes 1.34 (1.33 -> 1.35): Kubernetes upgrades one minor version at a time; jhm synth refuses it',
    ]);
    expect(changeOf(to('kubernetes-1-32-jammy'), CLUSTER)!.kubernetes).toEqual({ from: '1.33', to: '1.32', problem: 'is a downgrade (1.33 -> 1.32): Kubernetes clusters are never downgraded' });
    // Another template of the same minor (a new base image) is fine; the version the file asks for wins over the name.
    expect(changeOf(to('kubernetes-1-33-noble'), CLUSTER)!.kubernetes).toEqual({ from: '1.33', to: '1.33' });
    expect(formatTerraformPlan('Terraform:', to('kubernetes-1-33-noble'))).toContain('(rolling upgrade to another cluster template: Kubernetes 1.33 still)');
    expect(changeOf(to('my-template', '1.34.0', '1.34'), CLUSTER)!.kubernetes).toEqual({ from: '1.33', to: '1.34' });
    // A template whose name states no version, with no version from the file, leaves the versions unknown.
    expect(changeOf(to('my-template', '1.34.0'), CLUSTER)!.kubernetes).toBeUndefined();
  });
});

describe('rule: lifecycle.ignore_changes is honoured', () => {
  test('nodeCount is ignored under autoscaling: no change', () => {
    expect(planOf((c) => (c.nodeGroups[0].nodeCount = 3)).changes).toEqual([]);
  });

  test('without autoscaling a nodeCount change updates node_count in place', () => {
    const fixed = (c: Record<string, any>) => (c.magnum.autoscaling = false);
    const before = stackOf(fixed);
    const plan = planOf((c) => (fixed(c), (c.nodeGroups[0].nodeCount = 3)), () => before);
    expect(actions(plan)).toEqual({ [MEDIUMS]: 'update' });
    expect(changeOf(plan, MEDIUMS)?.attributes).toEqual([{ path: 'node_count', before: 1, after: 3, forcesReplacement: false }]);
  });
});

describe("rule: a change of timeouts alone plans nothing (terraform-plugin-sdk v2 leaves timeouts out of the provider's diff and plans the prior state; hashicorp/terraform#31023)", () => {
  test('a new createTimeout alone: no change', () => {
    const plan = planOf((c) => (c.magnum.createTimeout = '2h'));
    expect(plan).toEqual({ changes: [], add: 0, change: 0, destroy: 0 });
    expect(planChanges(plan)).toBe(false);
  });

  test('with another change the new timeouts come along and are listed', () => {
    const plan = planOf((c) => ((c.magnum.createTimeout = '2h'), (c.magnum.keypair = 'other-key')));
    expect(changeOf(plan, CLUSTER)).toMatchObject({ action: 'replace', forcedBy: ['keypair'] });
    expect(changeOf(plan, CLUSTER)!.attributes.map((a) => a.path)).toEqual(['keypair', 'timeouts.create']);
  });
});

describe('rule: an optional and computed argument left out of the configuration keeps the value Terraform read', () => {
  test("removing a nodegroup's labels changes nothing; changing them replaces the nodegroup", () => {
    const labelled = stackOf((c) => (c.nodeGroups[0].labels = { kube_tag: 'v1.33.1' }));
    expect(planStack(labelled, base).changes).toEqual([]);
    const plan = planStack(labelled, stackOf((c) => (c.nodeGroups[0].labels = { kube_tag: 'v1.33.2' })));
    expect(changeOf(plan, MEDIUMS)).toMatchObject({ action: 'replace', forcedBy: ['labels.kube_tag'] });
    expect(changeOf(plan, CLUSTER)).toBeUndefined();
  });
});

describe("rule: the planner reads Terraform's JSON as Terraform does: `//` is a comment only directly in a block body, a key like any other inside an argument's value", () => {
  const clusterLabels = (stack: unknown): Record<string, string> => (stack as any).resource.openstack_containerinfra_cluster_v1.cluster.labels;

  test('a `//` label under magnum replaces the cluster (and its nodegroups, cluster_id known after apply); both need --allow-replace', () => {
    const after = stackOf((c) => (c.magnum.labels = { '//': 'boom' }));
    expect(clusterLabels(after)['//']).toBe('boom');
    const plan = planStack(base, after, { hubs: HUBS });
    expect(changeOf(plan, CLUSTER)).toMatchObject({ action: 'replace', forcedBy: ['labels.//'], attributes: [{ path: 'labels.//', before: undefined, after: 'boom', forcesReplacement: true }] });
    expect(changeOf(plan, MEDIUMS)).toMatchObject({ action: 'replace', forcedBy: ['cluster_id'] });
    expect(needsAllowReplace(plan).map((c) => c.address)).toEqual([CLUSTER, MEDIUMS]);
    expect(formatTerraformPlan('Terraform:', plan).split('\n')).toContain('  -/+ labels.//: null -> "boom" (forces replacement)');
  });

  test('a `//` label under a nodegroup replaces the nodegroup, and only it', () => {
    const plan = planStack(base, stackOf((c) => (c.nodeGroups[0].labels = { '//': 'boom' })), { hubs: HUBS });
    expect(actions(plan)).toEqual({ [MEDIUMS]: 'replace' });
    expect(changeOf(plan, MEDIUMS)).toMatchObject({ forcedBy: ['labels.//'] });
    expect(needsAllowReplace(plan).map((c) => c.address)).toEqual([MEDIUMS]);
  });

  test('`//` comments in block bodies change nothing: a resource, a data source, the backend', () => {
    const edited = JSON.parse(JSON.stringify(base));
    edited.resource.openstack_containerinfra_cluster_v1.cluster['//'] = { note: 'another comment' };
    for (const d of Object.values(edited.data) as Record<string, any>[]) for (const config of Object.values(d)) config['//'] = 'a comment';
    expect(Object.keys(edited.data).length).toBeGreaterThan(0);
    edited.terraform.backend = { '//': 'a comment', local: { ...edited.terraform.backend.local, '//': 'a comment' } };
    const plan = planStack(base, edited);
    expect(plan.changes).toEqual([]);
    expect(planChanges(plan)).toBe(false);
    // The same stacks with the label's `//` set: a real change.
    clusterLabels(edited)['//'] = 'x';
    expect(actions(planStack(base, edited))).toMatchObject({ [CLUSTER]: 'replace' });
  });

  test('`//` in a nested block (timeouts, written as an object or as a list of one, which Terraform reads alike) is a comment: beside a real change it is not listed', () => {
    const before = stackOf((c) => (c.magnum.createTimeout = '2h'));
    const after = stackOf((c) => ((c.magnum.createTimeout = '2h'), (c.magnum.keypair = 'other-key')));
    const timeouts = (s: unknown) => (s as any).resource.openstack_containerinfra_cluster_v1.cluster.timeouts;
    for (const wrap of [(t: object) => t, (t: object) => [t]]) {
      const edited = JSON.parse(JSON.stringify(after));
      (edited as any).resource.openstack_containerinfra_cluster_v1.cluster.timeouts = wrap({ ...timeouts(after), '//': 'a comment in a nested block' });
      const attributes = changeOf(planStack(before, edited), CLUSTER)?.attributes.map((a) => a.path);
      expect(attributes).toEqual(['keypair']);
    }
  });

  test('a `${…}` in an object key is an expression as in a value: a label keyed by a replaced resource is known after apply', () => {
    const before = JSON.parse(JSON.stringify(base));
    const after = stackOf((c) => (c.magnum.keypair = 'other-key'));
    for (const stack of [before, after]) (stack as any).resource.openstack_containerinfra_nodegroup_v1['nodegroup-mediums'].labels = { '${openstack_containerinfra_cluster_v1.cluster.id}': 'x' };
    const mediums = changeOf(planStack(before, after), MEDIUMS);
    expect(mediums?.attributes).toContainEqual(expect.objectContaining({ path: 'labels.${openstack_containerinfra_cluster_v1.cluster.id}', knownAfterApply: true }));
  });

  /** Label keys special in Terraform's JSON (comments, templates and their escapes, empty), and any mix of their characters. */
  const specialKey = fc.oneof(fc.constantFrom('//', '', '${x}', '%{x}', '$${x}', '//x', 'a//b', '/'), fc.stringMatching(/^[/${}%a. ]{0,6}$/));
  /** The field errors of loading the cluster file after `edit`, or the plan from the base stack. */
  const outcome = (edit: (c: Record<string, any>) => void): { refused: string[] } | { plan: TerraformPlan; cluster: ReturnType<typeof sharedClusterStack>['cluster'] } => {
    try {
      const { cluster, stack } = sharedClusterStack(edit);
      return { plan: planStack(base, stack), cluster };
    } catch (e) {
      if (!isUserError(e)) throw e;
      return { refused: e.diagnostics.map((d) => d.field ?? '') };
    }
  };

  test.each([
    ['magnum.labels', CLUSTER, (c: Record<string, any>, key: string) => (c.magnum.labels = { [key]: 'v' })],
    ['nodeGroups[0].labels', MEDIUMS, (c: Record<string, any>, key: string) => (c.nodeGroups[0].labels = { [key]: 'v' })],
  ] as const)(
    'property: a %s key special in Terraform JSON is refused at validation, naming the field, exactly when empty or evaluated by Terraform; any other replaces, naming the label and the field that set it',
    (field, address, edit) => {
      fc.assert(
        fc.property(specialKey, (key) => {
          const result = outcome((c) => edit(c, key));
          if (key === '' || terraformTextProblem(key) !== undefined) {
            expect('refused' in result && result.refused.length === 1 && result.refused[0].startsWith(`${field}[`)).toBe(true);
            return;
          }
          if (!('plan' in result)) throw new Error(`refused ${JSON.stringify(key)}: ${result.refused.join(', ')}`);
          const change = changeOf(result.plan, address);
          expect(change).toMatchObject({ action: 'replace', forcedBy: [`labels.${key}`] });
          expect(fileField(result.cluster, change!.type, change!.name, `labels.${key}`)).toBe(`${field}.${key}`);
        }),
        { numRuns: 20 },
      );
    },
  );

  const terraform = which('terraform');
  (terraform ? test : test.skip)(`terraform itself: \`//\` and "" are keys inside a map, \`//\` a comment in a block body and a nested block's${terraform ? '' : ' (skipped: terraform is not on PATH)'}`, () => {
    const dir = tempDir('jhm-tf-comment-');
    const config = {
      '//': 'a comment at the top',
      locals: { '//': 'a comment in the locals block', labels: { '//': 'boom', '': 'empty', a: 'b' } },
      // A nested block (validation) takes no argument named "//": only as a comment is it accepted.
      variable: { v: { default: 'x', validation: { '//': 'a comment in a nested block', condition: '${var.v == "x"}', error_message: 'Must be x.' } } },
    };
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const out = execFileSync(terraform!, ['console'], {
      cwd: dir,
      input: 'jsonencode([local.labels, var.v])\n',
      env: { PATH: process.env.PATH, HOME: dir, TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    }).toString();
    expect(JSON.parse(JSON.parse(out.trim()))).toEqual([{ '//': 'boom', '': 'empty', a: 'b' }, 'x']);
  });
});

describe('rule: a resource only in the new stack is created, only in the old one destroyed', () => {
  const gpus = 'openstack_containerinfra_nodegroup_v1.nodegroup-gpus';

  test('create for an added nodegroup', () => {
    const plan = planOf((c) => c.nodeGroups.push({ name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2 }));
    expect(plan.changes).toEqual([{ address: gpus, type: 'openstack_containerinfra_nodegroup_v1', name: 'nodegroup-gpus', action: 'create', attributes: [], forcedBy: [], protected: false }]);
    expect(counts(plan)).toEqual([1, 0, 0]);
  });

  test('destroy for a removed nodegroup, saying what is lost; a removed nodegroup needs no --allow-replace', () => {
    const before = stackOf((c) => c.nodeGroups.push({ name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2 }));
    const plan = planStack(before, base, { hubs: HUBS });
    expect(plan.changes).toEqual([
      { address: gpus, type: 'openstack_containerinfra_nodegroup_v1', name: 'nodegroup-gpus', action: 'destroy', attributes: [], forcedBy: [], protected: false, loss: 'every node of nodegroup gpus: the user servers running on them stop' },
    ]);
    expect(counts(plan)).toEqual([0, 0, 1]);
    expect(needsAllowReplace(plan)).toEqual([]);
  });

  test("a hub's removed record is destroyed, and what is lost says so (there is no new record to wait for); a replaced one waits for its new record", () => {
    const after = structuredClone(base) as { resource: Record<string, Record<string, unknown>> };
    delete after.resource.openstack_dns_recordset_v2['record-course-b'];
    const plan = planStack(base, after, { hubs: ['course-a'] });
    expect(plan.changes.map((c) => [c.address, c.action, c.loss])).toEqual([
      ['openstack_dns_recordset_v2.record-course-b', 'destroy', 'the DNS record course-b.ees220002.projects.jetstream-cloud.org.: the hub can no longer be reached by name'],
    ]);
    const moved = planOf((c) => (c.dns.zone = 'other.example.org.'));
    expect(changeOf(moved, 'openstack_dns_recordset_v2.record-course-a')).toMatchObject({
      action: 'replace',
      forcedBy: ['name', 'zone_id'],
      loss: 'the DNS record course-a.ees220002.projects.jetstream-cloud.org.: the hub cannot be reached by name until the new record is served',
    });
  });

  test('no stack before: every resource is created (data sources and outputs are not listed)', () => {
    const plan = planStack(undefined, base);
    expect(plan.changes.map((c) => c.action)).toEqual(['create', 'create', 'create', 'create', 'create']);
    expect(plan.changes.some((c) => c.address.startsWith('data.'))).toBe(false);
    expect(counts(plan)).toEqual([5, 0, 0]);
  });

  test('no stack after: every resource is destroyed; the destroyed cluster keeps its deletion protection and needs --allow-replace', () => {
    const plan = planStack(base, undefined, { hubs: HUBS });
    expect(counts(plan)).toEqual([0, 0, 5]);
    expect(needsAllowReplace(plan).map((c) => [c.address, c.action, c.protected])).toEqual([[CLUSTER, 'destroy', true]]);
    expect(formatTerraformPlan('Terraform:', plan)).toContain(`  # ${CLUSTER} will be destroyed\n      LOSES: every node and volume of cluster shared`);
  });
});

describe('rule: a changed state backend is listed apart, with how the state is moved (terraform init stops on it)', () => {
  const s3 = { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', endpoint: 'https://objects.example.test:8001' };

  test('local -> s3: the backend change, no resource change, and the move in the printed plan', () => {
    const plan = planOf((c) => (c.terraform = { backend: s3 }));
    expect(plan.changes).toEqual([]);
    expect(planChanges(plan)).toBe(true);
    expect(plan.backend).toMatchObject({ before: 'local', after: 's3' });
    expect(plan.backend!.attributes.map((a) => a.path)).toEqual(expect.arrayContaining(['type', 'path', 'bucket', 'key', 'endpoints.s3']));
    expect(plan.backend!.attributes.find((a) => a.path === 'type')).toMatchObject({ before: 'local', after: 's3' });
    const text = formatTerraformPlan('Terraform:', plan, undefined, 'shared');
    expect(text.split('\n').slice(0, 2)).toEqual(['Terraform:', '  # the state backend changes: local -> s3']);
    expect(text).toContain('    ~ bucket: null -> "jhm-state"');
    // Terraform's data folder is jhm's: the move goes through jhm terraform (issue 18, item 3).
    expect(text).toContain('run jhm terraform shared init -migrate-state before jhm deploy');
    expect(text.endsWith('  No changes. Your infrastructure matches the configuration.')).toBe(true);
  });

  test('another bucket of the same type: only the setting that differs', () => {
    const before = stackOf((c) => (c.terraform = { backend: s3 }));
    const plan = planOf((c) => (c.terraform = { backend: { ...s3, bucket: 'jhm-state-2' } }), () => before);
    expect(plan.backend).toEqual({ before: 's3', after: 's3', attributes: [{ path: 'bucket', before: 'jhm-state', after: 'jhm-state-2', forcesReplacement: false }] });
    expect(formatTerraformPlan('Terraform:', plan).split('\n').slice(1, 3)).toEqual(['  # the state backend changes (s3)', '    ~ bucket: "jhm-state" -> "jhm-state-2"']);
  });

  test('a first stack has no state to move, a removed stack none to keep, and an unchanged backend is no change', () => {
    expect(planStack(undefined, stackOf((c) => (c.terraform = { backend: s3 }))).backend).toBeUndefined();
    expect(planStack(stackOf((c) => (c.terraform = { backend: s3 })), undefined).backend).toBeUndefined();
    const withS3 = stackOf((c) => (c.terraform = { backend: s3 }));
    expect(planChanges(planStack(withS3, withS3))).toBe(false);
  });

  test('a user name or password in a URL of the old stack is not shown', () => {
    const before = structuredClone(base) as { terraform: { backend: unknown } };
    before.terraform.backend = { http: { address: 'https://user:s3cret-fake@state.example.test/x' } };
    const text = formatTerraformPlan('Terraform:', planStack(before, base));
    expect(text).toContain('"https://…@state.example.test/x"');
    expect(text).not.toContain('s3cret-fake');
  });
});

describe('rule: the plan reads like Terraform', () => {
  test('no change: an empty plan', () => {
    const plan = planStack(base, stackOf());
    expect(plan).toEqual({ changes: [], add: 0, change: 0, destroy: 0 });
    expect(formatTerraformPlan('Terraform:', plan)).toBe('Terraform:\n  No changes. Your infrastructure matches the configuration.');
  });

  test('an upgrade, a resized, an added and a removed nodegroup in one plan, in address order, with the counts', () => {
    const withLarges = (c: Record<string, any>) => c.nodeGroups.push({ name: 'larges', flavor: 'm3.large', minNodes: 1, maxNodes: 4 });
    const before = stackOf(withLarges);
    const plan = planStack(
      before,
      stackOf((c) => {
        c.magnum.template = 'kubernetes-1-34-jammy';
        c.magnum.kubernetesVersion = '1.34.0';
        c.nodeGroups[0].maxNodes = 8;
        c.nodeGroups.push({ name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2 });
      }),
      { hubs: HUBS },
    );
    expect(formatTerraformPlan('Terraform (cdktf.out/stacks/shared):', plan)).toBe(
      [
        'Terraform (cdktf.out/stacks/shared):',
        `  # ${CLUSTER} will be updated in-place (rolling upgrade to another cluster template: Kubernetes 1.33 -> 1.34)`,
        '    ~ cluster_template_id: (known after apply; template "kubernetes-1-33-jammy" -> "kubernetes-1-34-jammy")',
        '  # openstack_containerinfra_nodegroup_v1.nodegroup-gpus will be created',
        '  # openstack_containerinfra_nodegroup_v1.nodegroup-larges will be destroyed',
        '      LOSES: every node of nodegroup larges: the user servers running on them stop',
        `  # ${MEDIUMS} will be updated in-place`,
        '    ~ max_node_count: 12 -> 8',
        '  Plan: 1 to add, 2 to change, 1 to destroy.',
        // The nodes changed: their cost before and after (synth/plan-cost.ts, test/synth/plan-cost.test.ts).
        '  Cost in Jetstream2 SUs: gpus added (1-2 x g3.large), mediums maxNodes 12 -> 8, larges removed (1-4 x m3.large): worst case 168 -> 136 SU/h at maximum scale, 32 -> 48 SU/h at minimum scale',
      ].join('\n'),
    );
  });
});

describe('readStack', () => {
  test('an absent stack is undefined; a synthesized one is its JSON', () => {
    const dir = tempDir('jhm-plan-read-');
    expect(readStack(path.join(dir, 'stacks', 'shared', 'cdk.tf.json'))).toBeUndefined();
    expect(base).toMatchObject({ resource: { openstack_containerinfra_cluster_v1: { cluster: { name: 'shared' } } } });
  });

  test('rule: a stack that is not JSON, not an object, or not a file is a one-line error naming the file and the fix, quoting none of it', () => {
    const dir = tempDir('jhm-plan-read-');
    const bad = path.join(dir, 'cdk.tf.json');
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (isUserError(e)) return e.format();
        throw e;
      }
      throw new Error('no error');
    };
    fs.writeFileSync(bad, '{"resource": {"x": secret-text');
    const notJson = message(() => readStack(bad, 'cdktf.out/stacks/shared/cdk.tf.json'));
    expect(notJson).toMatch(/^cdktf\.out\/stacks\/shared\/cdk\.tf\.json: is not valid JSON( \(at character \d+\))? \(restore it from git, or delete it and run jhm synth to write it again\)$/);
    expect(notJson).not.toContain('secret');
    fs.writeFileSync(bad, '[]');
    expect(message(() => readStack(bad, 'stack.json'))).toBe('stack.json: is not a Terraform JSON stack (its top level is not an object) (restore it from git, or delete it and run jhm synth to write it again)');
    expect(message(() => readStack(dir, 'stacks/shared'))).toBe('stacks/shared: is a folder, not a regular file (restore it from git, or delete it and run jhm synth to write it again)');
  });
});
