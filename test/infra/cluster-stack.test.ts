/**
 * The Terraform stack of a hub: every rule the stack implements, asserted on synthesized JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { OPENSTACK_PROVIDER } from '../../model/versions';
import { INFRA_OUTPUTS } from '../../project/outputs';
import { clusterUnits } from '../../model/cluster-unit';
import { synthInfra } from '../../infra/synth';
import { cleanupTempDirs, exampleHub, synthHub, synthHubJson, tempDir, TfJson, variantHub } from './support';

afterAll(cleanupTempDirs);

const CLUSTER = 'openstack_containerinfra_cluster_v1';
const NODEGROUP = 'openstack_containerinfra_nodegroup_v1';
const FIP = 'openstack_networking_floatingip_v2';
const RECORDSET = 'openstack_dns_recordset_v2';

function only(tf: TfJson, kind: 'resource' | 'data', type: string): [string, TfJson] {
  const entries = Object.entries(tf[kind]?.[type] ?? {});
  expect(entries).toHaveLength(1);
  return entries[0] as [string, TfJson];
}
const cluster = (tf: TfJson) => only(tf, 'resource', CLUSTER)[1];

/** Minutes of a Terraform duration such as `90m`, `2h` or `1h30m`. */
function minutes(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(duration);
  if (!m || (!m[1] && !m[2])) throw new Error(`not a duration: ${duration}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

describe('synthInfra', () => {
  test('the example stack synthesizes to the pinned Terraform JSON (snapshot)', () => {
    const outdir = tempDir();
    synthInfra(clusterUnits([exampleHub()]), outdir);
    const file = path.join(outdir, 'stacks', 'example', 'cdk.tf.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchSnapshot();
  });

  test('writes <outdir>/stacks/<hub>/cdk.tf.json for every hub and a cdktf manifest naming them', () => {
    const outdir = tempDir();
    const other = variantHub((h) => {
      h.cluster.name = 'other-cluster';
    }, 'other');
    synthInfra(clusterUnits([exampleHub(), other]), outdir);
    for (const name of ['example', 'other']) {
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      expect(tf['//'].metadata.stackName).toBe(name);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['example', 'other']);
    expect(manifest.stacks.other.synthesizedStackPath).toBe('stacks/other/cdk.tf.json');
  });

  test('the synthesized JSON holds no absolute path of this machine (state file is relative)', () => {
    const outdir = tempDir();
    synthInfra(clusterUnits([exampleHub()]), outdir);
    const text = fs.readFileSync(path.join(outdir, 'stacks', 'example', 'cdk.tf.json'), 'utf8');
    expect(text).not.toContain(outdir);
    expect(text).not.toContain(process.cwd());
    expect(JSON.parse(text).terraform.backend).toEqual({ local: { path: '../../../terraform.example.tfstate' } });
  });
});

describe('provider', () => {
  test('requires terraform-provider-openstack from the pinned source', () => {
    const tf = synthHub(exampleHub());
    expect(tf.terraform.required_providers.openstack.source).toBe(OPENSTACK_PROVIDER.source);
    expect(tf.terraform.required_providers.openstack.version).toMatch(/^3\.4(\.|$)/);
  });

  test('names the clouds.yaml cloud and region of the hub file and nothing else', () => {
    const tf = synthHub(variantHub((h) => (h.cloud = { name: 'js2', region: 'IU' })));
    expect(tf.provider.openstack).toEqual([{ cloud: 'js2', region: 'IU' }]);
  });

  test('without a cloud name the provider block is empty, so the provider reads the OS_* environment', () => {
    const tf = synthHub(variantHub((h) => delete h.cloud));
    expect(tf.provider.openstack).toEqual([{}]);
  });

  test('no credential attribute appears anywhere in the stack', () => {
    const text = synthHubJson(exampleHub());
    for (const key of ['password', 'application_credential_secret', 'application_credential_id', 'token', 'user_name', 'auth_url', 'key', 'cert']) {
      expect(text).not.toContain(`"${key}"`);
    }
  });
});

describe('cluster', () => {
  test('looks the template up by name and uses its id', () => {
    const text = synthHubJson(exampleHub());
    expect(Testing.toHaveDataSourceWithProperties(text, 'openstack_containerinfra_clustertemplate_v1', { name: 'kubernetes-1-33-jammy' })).toBe(true);
    const tf = JSON.parse(text);
    const [templateName] = only(tf, 'data', 'openstack_containerinfra_clustertemplate_v1');
    expect(cluster(tf).cluster_template_id).toBe(`\${data.openstack_containerinfra_clustertemplate_v1.${templateName}.id}`);
  });

  test('a templateId skips the lookup and is used verbatim', () => {
    const id = '6f1bd9b8-3c3c-4c6c-9f55-3b1c8e0a4d21';
    const tf = synthHub(variantHub((h) => (h.cluster.templateId = id)));
    expect(tf.data?.openstack_containerinfra_clustertemplate_v1).toBeUndefined();
    expect(cluster(tf).cluster_template_id).toBe(id);
  });

  test('looks the fixed network up by name and uses its first IPv4 subnet', () => {
    const tf = synthHub(variantHub((h) => (h.cluster.fixedNetwork = 'my-net')));
    const [netName, net] = only(tf, 'data', 'openstack_networking_network_v2');
    expect(net.name).toBe('my-net');
    const [subnetsName, subnets] = only(tf, 'data', 'openstack_networking_subnet_ids_v2');
    expect(subnets.network_id).toBe(`\${data.openstack_networking_network_v2.${netName}.id}`);
    expect(subnets.ip_version).toBe(4);
    expect(subnets.lifecycle.postcondition[0].condition).toBe('${length(self.ids) > 0}');
    expect(cluster(tf).fixed_network).toBe(`\${data.openstack_networking_network_v2.${netName}.id}`);
    expect(cluster(tf).fixed_subnet).toBe(`\${element(data.openstack_networking_subnet_ids_v2.${subnetsName}.ids, 0)}`);
  });

  test('carries name, flavors, counts, keypair and volume size with numbers as numbers', () => {
    const tf = synthHub(
      variantHub((h) => {
        h.cluster.name = 'big-hub';
        h.cluster.masterCount = 3;
        h.cluster.masterFlavor = 'm3.large';
        h.cluster.defaultWorker = { flavor: 'm3.xl', nodeCount: 2, minNodes: 1, maxNodes: 4 };
        h.cluster.dockerVolumeSize = 80;
        h.cluster.keypair = 'admin-key';
      }),
    );
    expect(cluster(tf)).toMatchObject({
      name: 'big-hub',
      master_flavor: 'm3.large',
      master_count: 3,
      flavor: 'm3.xl',
      node_count: 2,
      keypair: 'admin-key',
      docker_volume_size: 80,
    });
  });

  test('the cluster name defaults to the hub name', () => {
    expect(cluster(synthHub(exampleHub())).name).toBe('example');
  });

  test('labels: autoscaling, default-worker range and dashboard off, merged over the template (merge_labels)', () => {
    const tf = synthHub(variantHub((h) => (h.cluster.defaultWorker = { flavor: 'm3.quad', nodeCount: 2, minNodes: 2, maxNodes: 5 })));
    expect(cluster(tf).merge_labels).toBe(true);
    expect(cluster(tf).labels).toEqual({
      auto_scaling_enabled: 'true',
      min_node_count: '2',
      max_node_count: '5',
      kube_dashboard_enabled: 'false',
    });
  });

  test('auto_scaling_enabled is "false" when autoscaling is off', () => {
    const tf = synthHub(variantHub((h) => (h.cluster.autoscaling = false)));
    expect(cluster(tf).labels.auto_scaling_enabled).toBe('false');
  });

  test('extra labels from the hub file are added to the managed labels (which the hub schema keeps out of cluster.labels)', () => {
    const tf = synthHub(variantHub((h) => (h.cluster.labels = { boot_volume_size: '60' })));
    expect(cluster(tf).labels).toMatchObject({ boot_volume_size: '60', kube_dashboard_enabled: 'false', auto_scaling_enabled: 'true' });
    for (const v of Object.values(cluster(tf).labels)) expect(typeof v).toBe('string');
  });

  test('timeouts.create is the hub createTimeout, at least 60 minutes; timeouts.update its updateTimeout (a rolling upgrade replaces every node), 3h by default', () => {
    expect(cluster(synthHub(exampleHub())).timeouts).toEqual({ create: '90m', update: '3h' });
    expect(minutes(cluster(synthHub(exampleHub())).timeouts.create)).toBeGreaterThanOrEqual(60);
    const tf = synthHub(variantHub((h) => ((h.cluster.createTimeout = '2h'), (h.cluster.updateTimeout = '300m'))));
    expect(cluster(tf).timeouts).toEqual({ create: '2h', update: '300m' });
    expect(minutes(cluster(tf).timeouts.create)).toBe(120);
  });

  test('prevent_destroy is on by default', () => {
    expect(cluster(synthHub(exampleHub())).lifecycle.prevent_destroy).toBe(true);
  });

  test('prevent_destroy is off with deletionProtection: false', () => {
    const tf = synthHub(variantHub((h) => (h.cluster.deletionProtection = false)));
    expect(cluster(tf).lifecycle.prevent_destroy).toBe(false);
  });

  test('with autoscaling, Terraform leaves node counts to the autoscaler (ignore_changes node_count)', () => {
    const on = synthHub(exampleHub());
    expect(cluster(on).lifecycle.ignore_changes).toEqual(['node_count']);
    expect(on.resource[NODEGROUP]['nodegroup-mediums'].lifecycle.ignore_changes).toEqual(['node_count']);
    const off = synthHub(variantHub((h) => (h.cluster.autoscaling = false)));
    expect(cluster(off).lifecycle.ignore_changes).toBeUndefined();
    expect(off.resource[NODEGROUP]['nodegroup-mediums'].lifecycle).toBeUndefined();
  });

  test('resource addresses are fixed and independent of the construct path', () => {
    const tf = synthHub(exampleHub());
    expect(Object.keys(tf.resource[CLUSTER])).toEqual(['cluster']);
    expect(Object.keys(tf.resource[FIP])).toEqual(['ingress']);
    expect(Object.keys(tf.resource[RECORDSET])).toEqual(['ingress']);
  });
});

describe('nodegroups', () => {
  test('one nodegroup per hub nodeGroups entry, attached to the cluster, with merge_labels', () => {
    const tf = synthHub(
      variantHub((h) => {
        h.nodeGroups = [
          { name: 'mediums', flavor: 'm3.medium', minNodes: 1, maxNodes: 8 },
          { name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2, nodeCount: 2, role: 'gpu', dockerVolumeSize: 100, labels: { gpu: 'true' } },
        ];
      }),
    );
    const groups = tf.resource[NODEGROUP];
    expect(Object.keys(groups).sort()).toEqual(['nodegroup-gpus', 'nodegroup-mediums']);
    const { '//': _meta, lifecycle: _lc, ...mediums } = groups['nodegroup-mediums'];
    expect(mediums).toEqual({
      cluster_id: '${openstack_containerinfra_cluster_v1.cluster.id}',
      name: 'mediums',
      flavor_id: 'm3.medium',
      node_count: 1,
      min_node_count: 1,
      max_node_count: 8,
      role: 'worker',
      merge_labels: true,
    });
    expect(groups['nodegroup-gpus']).toMatchObject({
      name: 'gpus',
      flavor_id: 'g3.large',
      node_count: 2,
      min_node_count: 1,
      max_node_count: 2,
      role: 'gpu',
      docker_volume_size: 100,
      labels: { gpu: 'true' },
      merge_labels: true,
    });
  });

  test('docker_volume_size and labels are left out when the hub file does not set them', () => {
    const group = synthHub(exampleHub()).resource[NODEGROUP]['nodegroup-mediums'];
    expect(group).not.toHaveProperty('docker_volume_size');
    expect(group).not.toHaveProperty('labels');
  });

  test('a hub without nodeGroups has no nodegroup resource', () => {
    const tf = synthHub(
      variantHub((h) => {
        h.nodeGroups = [];
        h.jupyterhub.profiles = h.jupyterhub.profiles.filter((p: { nodeGroup: string }) => p.nodeGroup === 'default-worker');
      }),
    );
    expect(tf.resource[NODEGROUP]).toBeUndefined();
    expect(Object.keys(tf.resource).sort()).toEqual([CLUSTER, RECORDSET, FIP].sort());
  });
});

describe('ingress address', () => {
  test('allocates a floating IP from the hub pool, described with the hub name', () => {
    const tf = synthHub(variantHub((h) => (h.ingress = { floatingIpPool: 'ext-net' })));
    const [, fip] = only(tf, 'resource', FIP);
    expect(fip.pool).toBe('ext-net');
    expect(fip.description).toContain('example');
  });

  test('publishes <host>. A <floating IP> in the zone looked up by name, with the hub TTL', () => {
    const tf = synthHub(
      variantHub((h) => {
        h.dns = { zone: 'hubs.test.', record: 'class', ttl: 600 };
        h.letsEncrypt.email = 'admins@example.org';
      }),
    );
    const [zoneName, zone] = only(tf, 'data', 'openstack_dns_zone_v2');
    expect(zone.name).toBe('hubs.test.');
    const [fipName] = only(tf, 'resource', FIP);
    const [, record] = only(tf, 'resource', RECORDSET);
    expect(record).toMatchObject({
      name: 'class.hubs.test.',
      type: 'A',
      ttl: 600,
      zone_id: `\${data.openstack_dns_zone_v2.${zoneName}.id}`,
      records: [`\${openstack_networking_floatingip_v2.${fipName}.address}`],
    });
  });

  test('the record name is the hub host with a trailing dot', () => {
    const hub = exampleHub();
    const [, record] = only(synthHub(hub), 'resource', RECORDSET);
    expect(record.name).toBe(`${hub.host}.`);
  });
});

/**
 * The outputs of a dedicated cluster without shared storage: all but the cluster file's `hub_urls`
 * and `home_volume_ids`, which a stack has only when a hub has shared storage (test/storage/).
 */
const DEDICATED_OUTPUTS = Object.values(INFRA_OUTPUTS).filter((n) => n !== INFRA_OUTPUTS.hubUrls && n !== INFRA_OUTPUTS.homeVolumeIds);

describe('outputs', () => {
  test('cluster id, API address, ingress IP, hub URL and kubeconfig, named as in INFRA_OUTPUTS', () => {
    const hub = exampleHub();
    const out = synthHub(hub).output;
    expect(Object.keys(out).sort()).toEqual(DEDICATED_OUTPUTS.sort());
    expect(out.cluster_id.value).toBe('${openstack_containerinfra_cluster_v1.cluster.id}');
    expect(out.api_address.value).toBe('${openstack_containerinfra_cluster_v1.cluster.api_address}');
    expect(out.ingress_ip.value).toBe('${openstack_networking_floatingip_v2.ingress.address}');
    expect(out.hub_url.value).toBe(hub.url);
    expect(out.kubeconfig.value).toBe('${openstack_containerinfra_cluster_v1.cluster.kubeconfig["raw_config"]}');
  });

  test('only the kubeconfig output is sensitive', () => {
    const out = synthHub(exampleHub()).output;
    expect(out.kubeconfig.sensitive).toBe(true);
    for (const name of ['cluster_id', 'api_address', 'ingress_ip', 'hub_url']) expect(out[name].sensitive).toBe(false);
  });

  test('cdktf maps each output construct id directly under the stack name (the outputs file keys)', () => {
    const outdir = tempDir();
    synthInfra(clusterUnits([exampleHub()]), outdir);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'example', 'cdk.tf.json'), 'utf8'));
    expect(tf['//'].outputs).toEqual({ example: Object.fromEntries(DEDICATED_OUTPUTS.map((n) => [n, n])) });
  });
});
