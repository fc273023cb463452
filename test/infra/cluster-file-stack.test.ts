/**
 * One Terraform stack per cluster (issue 11): a cluster file with two hubs gets one stack with
 * one floating IP and one A record per hub; a cluster with no hub still gets its stack; every
 * backend type is wired into the stack's `terraform` block; and the dedicated cluster of the
 * example hub (today's format) keeps every resource address of the committed corpus snapshot, so
 * a plan after the upgrade replaces nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { Cluster, defineCluster } from '../../model/cluster';
import { clusterUnits } from '../../model/cluster-unit';
import { defineHub, Hub } from '../../model/hub';
import { ClusterStack } from '../../infra/cluster-stack';
import { synthInfra } from '../../infra/synth';
import { clusterInput, hubOnInput } from '../config/cluster-fixtures';
import { cleanupTempDirs, exampleHub, ROOT, tempDir, TfJson } from './support';

afterAll(cleanupTempDirs);

const FIP = 'openstack_networking_floatingip_v2';
const RECORDSET = 'openstack_dns_recordset_v2';
const ZONE = 'openstack_dns_zone_v2';

function sharedFleet(edit: (c: Record<string, any>) => void = () => undefined): { cluster: Cluster; hubs: Hub[] } {
  const cluster = defineCluster('shared', clusterInput((c) => {
    c.nodeGroups = [{ name: 'gpu', flavor: 'g3.large', minNodes: 1, maxNodes: 2 }];
    edit(c);
  }), 'clusters/shared.yaml');
  const hubs = ['course-a', 'course-b'].map((name) => defineHub(name, hubOnInput('shared', (h) => name === 'course-b' && (h.dns = { ttl: 60 })), { clusters: [cluster] }, `hubs/${name}.yaml`));
  return { cluster, hubs };
}

function synthStack(cluster: Cluster, hubs: readonly Hub[]): TfJson {
  return JSON.parse(Testing.synth(new ClusterStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { cluster, hubs })));
}

/** Every Terraform address of a stack: `type.logicalId` of resources, `data.type.logicalId`, `output.name`. */
function addresses(tf: TfJson): string[] {
  const of = (block: TfJson | undefined, prefix: string) => Object.entries(block ?? {}).flatMap(([type, byId]) => Object.keys(byId as TfJson).map((id) => `${prefix}${type}.${id}`));
  return [...of(tf.resource, ''), ...of(tf.data, 'data.'), ...Object.keys(tf.output ?? {}).map((o) => `output.${o}`)].sort();
}

describe('rule: one stack per cluster, with one floating IP and one A record per hub', () => {
  test('a cluster file with two hubs: one stack named after the cluster, one floating IP, records record-course-a and record-course-b', () => {
    const { cluster, hubs } = sharedFleet();
    const outdir = tempDir();
    synthInfra(clusterUnits(hubs), outdir);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['shared']);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'shared', 'cdk.tf.json'), 'utf8'));
    expect(addresses(tf)).toEqual(
      [
        'openstack_containerinfra_cluster_v1.cluster',
        'openstack_containerinfra_nodegroup_v1.nodegroup-gpu',
        `${FIP}.ingress`,
        `data.${ZONE}.ingress-zone`,
        `${RECORDSET}.record-course-a`,
        `${RECORDSET}.record-course-b`,
        'data.openstack_containerinfra_clustertemplate_v1.cluster-template',
        'data.openstack_networking_network_v2.cluster-network',
        'data.openstack_networking_subnet_ids_v2.cluster-subnets',
        'output.api_address',
        'output.cluster_id',
        'output.hub_urls',
        'output.ingress_ip',
        'output.kubeconfig',
      ].sort(),
    );
    expect(tf.resource[FIP].ingress).toMatchObject({ pool: 'public', description: 'Ingress of jhm cluster shared' });
    expect(tf.data[ZONE]['ingress-zone'].name).toBe('ees220002.projects.jetstream-cloud.org.');
    const records = tf.resource[RECORDSET];
    for (const [hub, ttl] of [['course-a', 300], ['course-b', 60]] as const) {
      expect(records[`record-${hub}`]).toMatchObject({
        name: `${hub}.ees220002.projects.jetstream-cloud.org.`,
        type: 'A',
        ttl,
        zone_id: `\${data.${ZONE}.ingress-zone.id}`,
        records: [`\${${FIP}.ingress.address}`],
      });
    }
    expect(tf.output.hub_urls).toEqual({
      value: { 'course-a': 'https://course-a.ees220002.projects.jetstream-cloud.org', 'course-b': 'https://course-b.ees220002.projects.jetstream-cloud.org' },
      description: 'URL of each hub on the cluster (hub name → URL)',
      sensitive: false,
    });
    expect(tf.output.kubeconfig.sensitive).toBe(true);
    expect(tf.resource.openstack_containerinfra_cluster_v1.cluster.name).toBe(cluster.magnumName);
    expect(tf['//'].outputs).toEqual({ shared: { api_address: 'api_address', cluster_id: 'cluster_id', hub_urls: 'hub_urls', ingress_ip: 'ingress_ip', kubeconfig: 'kubeconfig' } });
  });

  test('adding a hub adds its record and changes nothing else the cluster has (no hub name in the floating IP)', () => {
    const { cluster, hubs } = sharedFleet();
    const one = synthStack(cluster, hubs.slice(0, 1));
    const two = synthStack(cluster, hubs);
    delete two.resource[RECORDSET]['record-course-b'];
    delete two.output.hub_urls.value['course-b'];
    expect(two).toEqual(one);
  });

  test('a cluster with no hub still gets its stack: cluster, nodegroups, floating IP, zone lookup, no records, hub_urls {}', () => {
    const { cluster } = sharedFleet();
    const outdir = tempDir();
    synthInfra(clusterUnits([], [cluster]), outdir);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'shared', 'cdk.tf.json'), 'utf8'));
    expect(tf.resource[RECORDSET]).toBeUndefined();
    expect(Object.keys(tf.resource).sort()).toEqual(['openstack_containerinfra_cluster_v1', 'openstack_containerinfra_nodegroup_v1', FIP]);
    expect(tf.data[ZONE]['ingress-zone']).toBeDefined();
    expect(tf.output.hub_urls.value).toEqual({});
  });

  test('a cluster file and a dedicated legacy hub: one stack each, the legacy one named after its hub', () => {
    const { hubs } = sharedFleet();
    const outdir = tempDir();
    synthInfra(clusterUnits([...hubs, exampleHub()]), outdir);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['example', 'shared']);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['example', 'shared']);
  });
});

describe('rule: the cluster file\'s backend is the stack\'s terraform block (snapshots)', () => {
  test.each<[string, Record<string, unknown> | undefined]>([
    ['local (the default)', undefined],
    ['s3 on AWS', { type: 's3', bucket: 'jhm-state', region: 'eu-west-1' }],
    ['s3 on Jetstream2\'s object store (an endpoint)', { type: 's3', bucket: 'jhm-state', endpoint: 'https://js2.jetstream-cloud.org:8001' }],
    ['http (GitLab-managed state)', { type: 'http', address: 'https://gitlab.example.org/api/v4/projects/1/terraform/state/shared', lockAddress: 'https://gitlab.example.org/api/v4/projects/1/terraform/state/shared/lock', lockMethod: 'POST', unlockMethod: 'DELETE' }],
  ])('%s', (_what, backend) => {
    const { cluster, hubs } = sharedFleet((c) => backend && (c.terraform = { backend }));
    expect(synthStack(cluster, hubs).terraform).toMatchSnapshot();
  });
});

describe('rule: a dedicated hub in today\'s format keeps every Terraform address (a plan after the upgrade replaces nothing)', () => {
  /** The example stack as the committed corpus snapshot pins it. */
  function committedExampleStack(): TfJson {
    const snap = fs.readFileSync(path.join(ROOT, 'test', 'corpus', '__snapshots__', 'output-corpus.test.ts.snap'), 'utf8');
    const entries: Record<string, string> = {};
    // A jest snapshot file is CommonJS: `exports[`name`] = `text`;`.
    new Function('exports', snap)(entries);
    const key = Object.keys(entries).find((k) => k.endsWith(': cdktf.out/stacks/example/cdk.tf.json 1'));
    if (key === undefined) throw new Error('the corpus snapshot has no cdktf.out/stacks/example/cdk.tf.json');
    // A string is pinned as `\n"<text>"\n` (jest 29 prints strings quoted, not escaped).
    const pinned = entries[key].trim();
    expect(pinned.startsWith('"') && pinned.endsWith('"')).toBe(true);
    return JSON.parse(pinned.slice(1, -1));
  }

  test('every resource, data source and output address of the example stack equals the committed snapshot\'s', () => {
    const outdir = tempDir();
    synthInfra(clusterUnits([exampleHub()]), outdir);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'example', 'cdk.tf.json'), 'utf8'));
    const committed = committedExampleStack();
    expect(addresses(committed)).toContain(`${RECORDSET}.ingress`);
    expect(addresses(tf)).toEqual(addresses(committed));
    // And the construct paths cdktf records (what `cdktf diff` shows) are the same.
    const paths = (t: TfJson) => Object.values(t.resource).flatMap((byId) => Object.values(byId as TfJson).map((r) => (r as TfJson)['//']?.metadata?.path)).sort();
    expect(paths(tf)).toEqual(paths(committed));
    expect(tf.terraform.backend).toEqual(committed.terraform.backend);
  });
});
