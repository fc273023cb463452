/**
 * Rule: the field a change plan names for an argument (`fileField`, infra/stack-fields.ts) is the
 * field that was edited. Each field of a cluster file that reaches the stack is edited alone; every
 * argument of the cluster, nodegroup and floating IP the plan then finds changed (apart from those
 * that change because another resource does, `knownAfterApply` through a reference) must map back
 * to that field. The same for a hub file in the original format (`cluster.` instead of `magnum.`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { defineHub } from '../../model/hub';
import { OPENSTACK_DATA_TYPES, OPENSTACK_RESOURCE_TYPES } from '../../infra/openstack-resources';
import { BlockstorageVolumeV3 } from '../../imports/providers/openstack/blockstorage-volume-v3';
import { ContainerinfraClusterV1 } from '../../imports/providers/openstack/containerinfra-cluster-v1';
import { ContainerinfraNodegroupV1 } from '../../imports/providers/openstack/containerinfra-nodegroup-v1';
import { DataOpenstackContainerinfraClustertemplateV1 } from '../../imports/providers/openstack/data-openstack-containerinfra-clustertemplate-v1';
import { DataOpenstackDnsZoneV2 } from '../../imports/providers/openstack/data-openstack-dns-zone-v2';
import { DataOpenstackNetworkingNetworkV2 } from '../../imports/providers/openstack/data-openstack-networking-network-v2';
import { DataOpenstackNetworkingSubnetIdsV2 } from '../../imports/providers/openstack/data-openstack-networking-subnet-ids-v2';
import { DnsRecordsetV2 } from '../../imports/providers/openstack/dns-recordset-v2';
import { NetworkingFloatingipV2 } from '../../imports/providers/openstack/networking-floatingip-v2';
import { fileField } from '../../infra/stack-fields';
import { planStack } from '../../synth/terraform-plan';
import { cleanupTempDirs, ROOT, sharedClusterStack } from './support';

afterAll(cleanupTempDirs);

const synthesized = sharedClusterStack;

/** Field edited → the edit (on the cluster file's data). */
const EDITS: Record<string, (f: Record<string, any>) => void> = {
  'magnum.name': (f) => (f.magnum.name = 'renamed'),
  'magnum.template': (f) => {
    f.magnum.template = 'kubernetes-1-34-jammy';
    delete f.magnum.kubernetesVersion;
  },
  'magnum.keypair': (f) => (f.magnum.keypair = 'other-key'),
  'magnum.masterFlavor': (f) => (f.magnum.masterFlavor = 'm3.large'),
  'magnum.masterCount': (f) => (f.magnum.masterCount = 3),
  'magnum.defaultWorker.flavor': (f) => (f.magnum.defaultWorker.flavor = 'm3.large'),
  // minNodes may not exceed maxNodes (1 in the example): both change, nodeCount too (ignored while autoscaling).
  'magnum.defaultWorker.minNodes magnum.defaultWorker.maxNodes': (f) => Object.assign(f.magnum.defaultWorker, { minNodes: 2, nodeCount: 2, maxNodes: 3 }),
  'magnum.defaultWorker.maxNodes': (f) => (f.magnum.defaultWorker.maxNodes = 3),
  'magnum.dockerVolumeSize': (f) => (f.magnum.dockerVolumeSize = 80),
  'magnum.autoscaling': (f) => (f.magnum.autoscaling = false),
  'magnum.labels.monitoring_enabled': (f) => (f.magnum.labels = { monitoring_enabled: 'true' }),
  // A key that is a comment in a block body is a label in the labels map (Terraform's JSON syntax).
  'magnum.labels.//': (f) => (f.magnum.labels = { '//': 'boom' }),
  // createTimeout alone plans nothing (timeouts are not in the provider's diff): with a keypair change.
  'magnum.createTimeout magnum.keypair': (f) => ((f.magnum.createTimeout = '2h'), (f.magnum.keypair = 'other-key')),
  'magnum.updateTimeout magnum.keypair': (f) => ((f.magnum.updateTimeout = '6h'), (f.magnum.keypair = 'other-key')),
  'magnum.templateId': (f) => (f.magnum.templateId = '0b5f4b46-4b07-4b64-9f2a-7c3b2f1d9e10'),
  'magnum.fixedNetwork': (f) => (f.magnum.fixedNetwork = 'other-network'),
  'nodeGroups[0].flavor': (f) => (f.nodeGroups[0].flavor = 'm3.large'),
  'nodeGroups[0].maxNodes': (f) => (f.nodeGroups[0].maxNodes = 20),
  'nodeGroups[0].dockerVolumeSize': (f) => (f.nodeGroups[0].dockerVolumeSize = 80),
  'nodeGroups[0].labels.gpu': (f) => (f.nodeGroups[0].labels = { gpu: 'true' }),
  'nodeGroups[0].labels.//': (f) => (f.nodeGroups[0].labels = { '//': 'boom' }),
  'nodeGroups[0].role': (f) => (f.nodeGroups[0].role = 'gpu'),
  'ingress.floatingIpPool': (f) => (f.ingress = { ...f.ingress, floatingIpPool: 'other-pool' }),
};

const base = synthesized(() => undefined);

test.each(Object.entries(EDITS))('rule: editing %s alone, every argument the plan finds changed maps back to it', (edited, edit) => {
  const after = synthesized(edit);
  const plan = planStack(base.stack, after.stack);
  const direct = plan.changes.flatMap((r) => r.attributes.filter((a) => !(a.knownAfterApply && a.why?.endsWith('is replaced'))).map((a) => ({ r, a })));
  expect(direct.length).toBeGreaterThan(0);
  const fields = [...new Set(direct.map(({ r, a }) => fileField(after.cluster, r.type, r.name, a.path)))];
  expect(fields.sort()).toEqual(edited.split(' ').sort());
});

test('rule: a hub file in the original format names its fields under cluster.', () => {
  const hub = defineHub('example', parse(fs.readFileSync(path.join(ROOT, 'hubs/example.yaml'), 'utf8')), { clusters: [] }, 'hubs/example.yaml');
  expect(fileField(hub.cluster, 'openstack_containerinfra_cluster_v1', 'cluster', 'labels.max_node_count')).toBe('cluster.defaultWorker.maxNodes');
  expect(fileField(hub.cluster, 'openstack_containerinfra_cluster_v1', 'cluster', 'labels.kube_dashboard_enabled')).toBeUndefined();
  expect(fileField(hub.cluster, 'openstack_containerinfra_nodegroup_v1', 'nodegroup-mediums', 'max_node_count')).toBe('nodeGroups[0].maxNodes');
});

test('rule: the resource and data source types jhm reads stacks by are the bindings\' own', () => {
  expect(OPENSTACK_RESOURCE_TYPES).toEqual({
    cluster: ContainerinfraClusterV1.tfResourceType,
    nodeGroup: ContainerinfraNodegroupV1.tfResourceType,
    floatingIp: NetworkingFloatingipV2.tfResourceType,
    recordSet: DnsRecordsetV2.tfResourceType,
    homeVolume: BlockstorageVolumeV3.tfResourceType,
  });
  expect(OPENSTACK_DATA_TYPES).toEqual({
    clusterTemplate: DataOpenstackContainerinfraClustertemplateV1.tfResourceType,
    network: DataOpenstackNetworkingNetworkV2.tfResourceType,
    subnetIds: DataOpenstackNetworkingSubnetIdsV2.tfResourceType,
    dnsZone: DataOpenstackDnsZoneV2.tfResourceType,
  });
});
