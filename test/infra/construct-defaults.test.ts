/**
 * Rule: every default of a Magnum setting has one home, its row in model/magnum-fields.ts. The
 * Magnum constructs, built through the TypeScript API with a setting left out, use the row's
 * default: the same value a file that leaves it out gets (no default of their own).
 */
import { Testing, TerraformStack } from 'cdktf';
import { CLUSTER_FIELDS, fieldDefault, NODE_GROUP_FIELDS } from '../../model/magnum-fields';
import { MagnumCluster } from '../../infra/magnum-cluster';
import { MagnumNodeGroup } from '../../infra/magnum-nodegroup';
import { cleanupTempDirs, tempDir, TfJson } from './support';

afterAll(cleanupTempDirs);

function synth(build: (stack: TerraformStack) => void): TfJson {
  const stack = new TerraformStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), 's');
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

const WORKER = { flavor: 'm3.quad', nodeCount: 1, minNodes: 1, maxNodes: 1 };

test('rule: a MagnumCluster given only its name, template, keypair and default worker gets the table\'s defaults (update timeout 3h, not the provider\'s 30 minutes)', () => {
  const json = synth((s) => new MagnumCluster(s, 'cluster', { name: 'fake', template: { name: 'kubernetes-1-33-jammy' }, keypair: 'fake-keypair', defaultWorker: WORKER }));
  const r = json.resource.openstack_containerinfra_cluster_v1.cluster;
  expect(r.timeouts).toEqual({ create: fieldDefault(CLUSTER_FIELDS.createTimeout), update: fieldDefault(CLUSTER_FIELDS.updateTimeout) });
  expect(r.timeouts.update).toBe('3h');
  expect(r.master_flavor).toBe(fieldDefault(CLUSTER_FIELDS.masterFlavor));
  expect(r.master_count).toBe(fieldDefault(CLUSTER_FIELDS.masterCount));
  expect(r.docker_volume_size).toBe(fieldDefault(CLUSTER_FIELDS.dockerVolumeSize));
  expect(r.labels.auto_scaling_enabled).toBe(String(fieldDefault(CLUSTER_FIELDS.autoscaling)));
  expect(r.lifecycle.prevent_destroy).toBe(fieldDefault(CLUSTER_FIELDS.deletionProtection));
  expect(json.data.openstack_networking_network_v2['cluster-network'].name).toBe(fieldDefault(CLUSTER_FIELDS.fixedNetwork));
});

test('rule: a MagnumNodeGroup given no role, labels or autoscaling gets the table\'s defaults (role worker, no labels, the autoscaler owning node_count)', () => {
  const json = synth((s) => new MagnumNodeGroup(s, 'nodegroup-fakes', { clusterId: 'fake-cluster-id', nodeGroup: { name: 'fakes', flavor: 'm3.medium', minNodes: 1, maxNodes: 2, nodeCount: 1 } }));
  const r = json.resource.openstack_containerinfra_nodegroup_v1['nodegroup-fakes'];
  expect(r.role).toBe(fieldDefault(NODE_GROUP_FIELDS.role));
  expect(r.labels).toBeUndefined();
  expect(r.lifecycle.ignore_changes).toEqual(fieldDefault(CLUSTER_FIELDS.autoscaling) ? ['node_count'] : undefined);
});
