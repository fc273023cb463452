/**
 * Rule: constructs assert their own invariants, so the TypeScript API is safe without the hub
 * schema. Each construct, built directly with a bad prop, throws one clear error naming the
 * construct, its id, the prop, the value and the rule; good props build as before.
 */
import { Testing, TerraformStack } from 'cdktf';
import { HubStack } from '../../infra/hub-stack';
import { IngressAddress, IngressAddressProps } from '../../infra/ingress-address';
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

const ADDRESS: IngressAddressProps = { floatingIpPool: 'public', zone: 'hubs.example.org.', host: 'physics.hubs.example.org', ttl: 300, description: 'ingress' };

describe('MagnumCluster', () => {
  test('good props build', () => {
    expect(() => new MagnumCluster(stack(), 'cluster', CLUSTER)).not.toThrow();
  });

  test.each<[string, Partial<MagnumClusterProps>, RegExp]>([
    ['an even masterCount', { masterCount: 2 }, /^MagnumCluster cluster: masterCount is 2; Magnum needs an odd number of control-plane nodes/],
    ['masterCount 0', { masterCount: 0 }, /^MagnumCluster cluster: masterCount is 0;/],
    ['a name that is not a DNS label', { name: 'Physics_Hub' }, /^MagnumCluster cluster: name is "Physics_Hub"; it must be a DNS label/],
    ['minNodes above maxNodes', { defaultWorker: { flavor: 'm3.quad', nodeCount: 3, minNodes: 3, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.minNodes is 3, more than maxNodes \(2\)/],
    ['minNodes 0', { defaultWorker: { flavor: 'm3.quad', nodeCount: 1, minNodes: 0, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.minNodes is 0; it must be an integer of at least 1/],
    ['nodeCount outside the range', { defaultWorker: { flavor: 'm3.quad', nodeCount: 5, minNodes: 1, maxNodes: 2 } }, /^MagnumCluster cluster: defaultWorker\.nodeCount is 5, outside minNodes\.\.maxNodes \(1\.\.2\)/],
    ['a fractional dockerVolumeSize', { dockerVolumeSize: 1.5 }, /^MagnumCluster cluster: dockerVolumeSize is 1\.5; it must be an integer of at least 1/],
    ['a createTimeout that is no duration', { createTimeout: 'soon' }, /^MagnumCluster cluster: createTimeout is "soon"; it must be a duration/],
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

describe('IngressAddress', () => {
  test('good props build, with or without the trailing dot of the zone', () => {
    expect(() => new IngressAddress(stack(), 'ingress', ADDRESS)).not.toThrow();
    expect(() => new IngressAddress(stack(), 'ingress', { ...ADDRESS, zone: 'hubs.example.org' })).not.toThrow();
  });

  test.each<[string, Partial<IngressAddressProps>, RegExp]>([
    ['a host outside the zone', { host: 'physics.example.com' }, /^IngressAddress ingress: host "physics\.example\.com" is not inside zone "hubs\.example\.org\."/],
    ['the zone apex as host', { host: 'hubs.example.org' }, /is not inside zone/],
    ['a zone that is no DNS name', { zone: 'Hubs Example.', host: 'a.Hubs Example' }, /^IngressAddress ingress: zone is "Hubs Example\."; it must be a DNS zone name/],
    ['a TTL below 30 seconds', { ttl: 5 }, /^IngressAddress ingress: ttl is 5; it must be an integer of at least 30/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => new IngressAddress(stack(), 'ingress', { ...ADDRESS, ...change })).toThrow(message);
  });
});

describe('HubStack', () => {
  test('refuses a hub whose name is not a DNS label (it names the stack and its state file)', () => {
    const hub = { ...exampleHub(), name: 'My_Hub' };
    expect(() => new HubStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { hub })).toThrow(/^HubStack My_Hub: hub\.name is "My_Hub"; it must be a DNS label/);
  });
});
