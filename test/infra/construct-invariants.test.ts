/**
 * Rule: constructs assert their own invariants, so the TypeScript API is safe without the hub
 * schema. Each construct, built directly with a bad prop, throws one clear error naming the
 * construct, its id, the prop, the value and the rule; good props build as before.
 */
import { Testing, TerraformStack } from 'cdktf';
import { ClusterStack } from '../../infra/cluster-stack';
import { HubDnsRecord, HubDnsRecordProps } from '../../infra/hub-dns-record';
import { IngressFloatingIp, IngressFloatingIpProps } from '../../infra/ingress-floating-ip';
import { MagnumCluster, MagnumClusterProps } from '../../infra/magnum-cluster';
import { MagnumNodeGroup, MagnumNodeGroupProps } from '../../infra/magnum-nodegroup';
import { cleanupTempDirs, exampleHub, tempDir } from './support';

afterAll(cleanupTempDirs);

const stack = () => new TerraformStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), 's');

const CLUSTER: MagnumClusterProps = {
  name: 'physics',
  template: { name: 'kubernetes-1-33-jammy' },
  keypair: 'ops',
  fixedNetwork: 'auto_allocated_network',
  masterFlavor: 'm3.quad',
  masterCount: 1,
  defaultWorker: { flavor: 'm3.quad', nodeCount: 1, minNodes: 1, maxNodes: 2 },
  dockerVolumeSize: 50,
  autoscaling: true,
  createTimeout: '90m',
};

const NODEGROUP: MagnumNodeGroupProps['nodeGroup'] = { name: 'gpu', flavor: 'g3.large', nodeCount: 1, minNodes: 1, maxNodes: 3, role: 'worker', labels: {} };

const ADDRESS: IngressFloatingIpProps = { floatingIpPool: 'public', zone: 'hubs.example.org.', description: 'ingress' };
const RECORD: HubDnsRecordProps = { logicalId: 'record-physics', host: 'physics.hubs.example.org', ttl: 300 };

describe('MagnumCluster', () => {
  test('good props build', () => {
    expect(() => new MagnumCluster(stack(), 'cluster', CLUSTER)).not.toThrow();
  });

  test.each<[string, Partial<MagnumClusterProps>, RegExp]>([
    // The rules of the settings' rows (model/magnum-fields.ts), worded as for a file.
    ['an even masterCount', { masterCount: 2 }, /^MagnumCluster cluster: masterCount is 2: Magnum needs an odd number of control-plane nodes/],
    ['a createTimeout below a cluster\'s creation time', { createTimeout: '30m' }, /^MagnumCluster cluster: createTimeout is 30m: Magnum takes 10-30 minutes to create a cluster; use at least "60m"/],
    ['an updateTimeout below the provider\'s', { updateTimeout: '10m' }, /^MagnumCluster cluster: updateTimeout is 10m: a rolling upgrade replaces every node one at a time/],
    ['masterCount 0', { masterCount: 0 }, /^MagnumCluster cluster: masterCount is 0;/],
    ['a name that is not a DNS label', { name: 'Physics_Hub' }, /^MagnumCluster cluster: name is "Physics_Hub"; it must be a DNS label/],
    ['minNodes above maxNodes', { defaultWorker: { flavor: 'm3.quad', nodeCount: 3, minNodes: 3, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.minNodes is 3, more than maxNodes \(2\)/],
    ['minNodes 0', { defaultWorker: { flavor: 'm3.quad', nodeCount: 1, minNodes: 0, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.minNodes is 0; it must be an integer of at least 1/],
    ['nodeCount outside the range', { defaultWorker: { flavor: 'm3.quad', nodeCount: 5, minNodes: 1, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.nodeCount is 5, outside minNodes\.\.maxNodes \(1\.\.2\)/],
    ['a fractional dockerVolumeSize', { dockerVolumeSize: 1.5 }, /^MagnumCluster cluster: dockerVolumeSize is 1\.5; it must be an integer of at least 1/],
    ['a createTimeout that is no duration', { createTimeout: 'soon' }, /^MagnumCluster cluster: createTimeout is "soon"; it must be a duration/],
    ['an updateTimeout that is no duration', { updateTimeout: '3 hours' }, /^MagnumCluster cluster: updateTimeout is "3 hours"; it must be a duration/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => new MagnumCluster(stack(), 'cluster', { ...CLUSTER, ...change })).toThrow(message);
  });
});

describe('MagnumNodeGroup', () => {
  test('good props build', () => {
    expect(() => new MagnumNodeGroup(stack(), 'nodegroup-gpu', { clusterId: 'c', nodeGroup: NODEGROUP })).not.toThrow();
  });

  test.each<[string, Partial<MagnumNodeGroupProps['nodeGroup']>, RegExp]>([
    ['a name that is not a DNS label', { name: 'GPU nodes' }, /^MagnumNodeGroup ng: nodeGroup\.name is "GPU nodes"; it must be a DNS label/],
    ['minNodes above maxNodes', { minNodes: 4, nodeCount: 4 }, /^MagnumNodeGroup ng: nodeGroup\.minNodes is 4, more than maxNodes \(3\)/],
    ['minNodes 0', { minNodes: 0 }, /^MagnumNodeGroup ng: nodeGroup\.minNodes is 0; it must be an integer of at least 1/],
    ['nodeCount below minNodes', { minNodes: 2, nodeCount: 1 }, /^MagnumNodeGroup ng: nodeGroup\.nodeCount is 1, outside minNodes\.\.maxNodes \(2\.\.3\)/],
    ['dockerVolumeSize 0', { dockerVolumeSize: 0 }, /^MagnumNodeGroup ng: nodeGroup\.dockerVolumeSize is 0; it must be an integer of at least 1/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => new MagnumNodeGroup(stack(), 'ng', { clusterId: 'c', nodeGroup: { ...NODEGROUP, ...change } })).toThrow(message);
  });
});

describe('IngressFloatingIp', () => {
  test('good props build, with or without the trailing dot of the zone', () => {
    expect(() => new IngressFloatingIp(stack(), 'ingress', ADDRESS)).not.toThrow();
    expect(() => new IngressFloatingIp(stack(), 'ingress', { ...ADDRESS, zone: 'hubs.example.org' })).not.toThrow();
  });

  test('refuses a zone that is no DNS name', () => {
    expect(() => new IngressFloatingIp(stack(), 'ingress', { ...ADDRESS, zone: 'Hubs Example.' })).toThrow(/^IngressFloatingIp ingress: zone is "Hubs Example\."; it must be a DNS zone name/);
  });
});

describe('HubDnsRecord', () => {
  test('good props build, in a zone given with or without the trailing dot', () => {
    expect(() => new HubDnsRecord(new IngressFloatingIp(stack(), 'ingress', ADDRESS), 'record-physics', RECORD)).not.toThrow();
    expect(() => new HubDnsRecord(new IngressFloatingIp(stack(), 'ingress', { ...ADDRESS, zone: 'hubs.example.org' }), 'record-physics', RECORD)).not.toThrow();
  });

  test.each<[string, Partial<HubDnsRecordProps>, RegExp]>([
    ['a host outside the zone', { host: 'physics.example.com' }, /^HubDnsRecord record-physics: host "physics\.example\.com" is not inside zone "hubs\.example\.org\."/],
    ['the zone apex as host', { host: 'hubs.example.org' }, /is not inside zone/],
    ['a TTL below 30 seconds', { ttl: 5 }, /^HubDnsRecord record-physics: ttl is 5; it must be an integer of at least 30/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => new HubDnsRecord(new IngressFloatingIp(stack(), 'ingress', ADDRESS), 'record-physics', { ...RECORD, ...change })).toThrow(message);
  });
});

describe('ClusterStack', () => {
  test('refuses a cluster whose name is not a DNS label (it names the stack and its state file)', () => {
    const hub = exampleHub();
    const cluster = { ...hub.cluster, name: 'My_Hub' };
    expect(() => new ClusterStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { cluster, hubs: [] })).toThrow(/^ClusterStack My_Hub: cluster\.name is "My_Hub"; it must be a DNS label/);
  });

  test('refuses a hub that is on another cluster', () => {
    const hub = exampleHub();
    const cluster = { ...hub.cluster, name: 'other', naming: { ...hub.cluster.naming, ownerHub: undefined, hubNamed: true } };
    expect(() => new ClusterStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { cluster, hubs: [hub] })).toThrow(/^ClusterStack other: hubs\[0\] is hub example of cluster example, not of other/);
  });

  test('refuses a dedicated cluster without exactly its own hub', () => {
    const hub = exampleHub();
    expect(() => new ClusterStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { cluster: hub.cluster, hubs: [] })).toThrow(/^ClusterStack example: props\.hubs must be exactly hub example: the cluster is that hub's dedicated cluster/);
  });
});
