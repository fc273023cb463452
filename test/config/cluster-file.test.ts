/**
 * The cluster file (clusters/<cluster>.yaml, model/cluster-schema.ts) and `defineCluster`
 * (model/cluster.ts): schema, defaults, the Terraform backend union and its resolved defaults.
 */
import { defineCluster } from '../../model/cluster';
import { clusterInput, errorLines } from './cluster-fixtures';

describe('defineCluster: defaults of a cluster file', () => {
  test('a minimal cluster file gets today\'s hub-file defaults for the Magnum cluster and the local backend', () => {
    const c = defineCluster('shared', clusterInput(), 'clusters/shared.yaml');
    expect(c).toMatchObject({
      name: 'shared',
      source: 'clusters/shared.yaml',
      naming: { fieldPrefix: 'magnum', stateField: 'terraform.backend', hubNamed: true },
      magnumName: 'shared',
      cloud: {},
      zone: 'ees220002.projects.jetstream-cloud.org.',
      letsEncryptEmail: 'admins@example.org',
      backend: { type: 'local' },
      nodeGroups: [],
      coreNodeSelector: { 'capi.stackhpc.com/node-group': 'default-worker' },
    });
    expect(c.magnum).toMatchObject({ keypair: 'jupyter-ctrl-k8s', masterFlavor: 'm3.quad', masterCount: 1, autoscaling: true, createTimeout: '90m', deletionProtection: true });
    expect(c.ingress).toMatchObject({ controller: 'traefik', floatingIpPool: 'public', className: 'traefik' });
    expect(c.kubeVersion).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  test('magnum.name names the Magnum cluster; the jhm cluster keeps the file name', () => {
    const c = defineCluster('shared', clusterInput((x) => (x.magnum.name = 'js2-shared')));
    expect([c.name, c.magnumName]).toEqual(['shared', 'js2-shared']);
  });

  test('the cluster name must be a DNS label', () => {
    expect(errorLines(() => defineCluster('Shared_1', clusterInput(), 'clusters/Shared_1.yaml'))).toEqual([expect.stringMatching(/^clusters\/Shared_1\.yaml: cluster name "Shared_1" is not a DNS label/)]);
  });

  test('the Magnum rules of a hub file hold in a cluster file, naming magnum.*', () => {
    const lines = errorLines(() => defineCluster('shared', clusterInput((x) => Object.assign(x.magnum, { masterCount: 2, labels: { auto_scaling_enabled: 'false' } })), 'clusters/shared.yaml'));
    expect(lines).toEqual([
      expect.stringMatching(/^clusters\/shared\.yaml: magnum\.masterCount: is 2: Magnum needs an odd number/),
      expect.stringMatching(/^clusters\/shared\.yaml: magnum\.labels\.auto_scaling_enabled: is managed by jhm .*remove it from magnum\.labels$/),
    ]);
  });

  test('dns.zone, letsEncrypt.email and magnum.keypair are required; unknown fields are refused', () => {
    const lines = errorLines(() => defineCluster('shared', { magnum: {}, hubs: [] }, 'clusters/shared.yaml'));
    expect(lines.join('\n')).toMatch(/magnum\.keypair/);
    expect(lines.join('\n')).toMatch(/dns/);
    expect(lines.join('\n')).toMatch(/letsEncrypt/);
    expect(lines.join('\n')).toMatch(/hubs/);
  });
});

describe('rule: the Terraform backend is local, s3 or http, with its defaults applied on resolution', () => {
  const backend = (b: unknown) => defineCluster('shared', clusterInput((x) => (x.terraform = { backend: b }))).backend;

  test('local', () => {
    expect(backend({ type: 'local' })).toEqual({ type: 'local' });
  });

  test('s3 on AWS: key jhm/<cluster>.tfstate, region us-east-1, virtual-hosted style', () => {
    expect(backend({ type: 's3', bucket: 'team-state' })).toEqual({ type: 's3', bucket: 'team-state', key: 'jhm/shared.tfstate', region: 'us-east-1', usePathStyle: false });
  });

  test('s3 with an endpoint (Jetstream2, Ceph RGW): path style by default; every setting can be given', () => {
    expect(backend({ type: 's3', bucket: 'team-state', endpoint: 'https://js2.jetstream-cloud.org:8001' })).toEqual({
      type: 's3',
      bucket: 'team-state',
      key: 'jhm/shared.tfstate',
      region: 'us-east-1',
      endpoint: 'https://js2.jetstream-cloud.org:8001',
      usePathStyle: true,
    });
    expect(backend({ type: 's3', bucket: 'b-1', key: 'x/y.tfstate', region: 'IU', endpoint: 'https://s3.example.org', usePathStyle: false })).toEqual({
      type: 's3',
      bucket: 'b-1',
      key: 'x/y.tfstate',
      region: 'IU',
      endpoint: 'https://s3.example.org',
      usePathStyle: false,
    });
  });

  test('http (GitLab-managed state): only the given settings', () => {
    const address = 'https://gitlab.com/api/v4/projects/1/terraform/state/shared';
    expect(backend({ type: 'http', address })).toEqual({ type: 'http', address });
    expect(backend({ type: 'http', address, lockAddress: `${address}/lock`, unlockAddress: `${address}/lock`, lockMethod: 'POST', unlockMethod: 'DELETE' })).toEqual({
      type: 'http',
      address,
      lockAddress: `${address}/lock`,
      unlockAddress: `${address}/lock`,
      lockMethod: 'POST',
      unlockMethod: 'DELETE',
    });
  });

  test('bad backends are one-line errors naming the field', () => {
    const lines = (b: unknown) => errorLines(() => defineCluster('shared', clusterInput((x) => (x.terraform = { backend: b })), 'clusters/shared.yaml'));
    expect(lines({ type: 's3' })).toEqual([expect.stringMatching(/^clusters\/shared\.yaml: terraform\.backend\.bucket: /)]);
    expect(lines({ type: 's3', bucket: 'b-1', endpoint: 'not a url' })).toEqual([expect.stringMatching(/^clusters\/shared\.yaml: terraform\.backend\.endpoint: must be an http\(s\) URL/)]);
    expect(lines({ type: 's3', bucket: 'b-1', key: '${var.x}' })).toEqual([expect.stringMatching(/^clusters\/shared\.yaml: terraform\.backend\.key: contains "\$\{", which Terraform would evaluate/)]);
    expect(lines({ type: 'http', address: 'https://x.example/${a}' })).toEqual([expect.stringMatching(/terraform\.backend\.address: contains "\$\{"/)]);
    expect(lines({ type: 'consul' })).toEqual([expect.stringMatching(/^clusters\/shared\.yaml: terraform\.backend\.type: /)]);
    expect(lines({ type: 's3', bucket: 'b-1', accessKey: 'AKIA' })).toEqual([expect.stringMatching(/terraform\.backend.*accessKey/)]);
    for (const l of [...lines({ type: 's3' }), ...lines({ type: 'consul' })]) expect(l.split('\n')).toHaveLength(1);
  });
});
