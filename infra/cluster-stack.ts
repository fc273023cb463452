/**
 * The Terraform stack of one cluster: its Magnum cluster, extra nodegroups, one ingress floating
 * IP, one DNS record per hub on it, where its state lives, and the outputs `jhm` reads after a
 * deploy.
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { Cluster } from '../model/cluster';
import { requireDnsLabel, requireProp } from '../model/construct-props';
import type { Hub } from '../model/hub';
import { localStateFileName } from '../project/layout';
import { INFRA_OUTPUTS } from '../project/outputs';
import { HomeVolume } from './home-volume';
import { HubDnsRecord } from './hub-dns-record';
import { IngressFloatingIp } from './ingress-floating-ip';
import { MagnumCluster } from './magnum-cluster';
import { MagnumNodeGroup } from './magnum-nodegroup';
import { HubOpenstackProvider } from './openstack-provider';
import { StateBackend } from './state-backend';
import { terraformLiteral } from './terraform-text';
import { RESOURCE_IDS } from './stack-fields';

/** Props of {@link ClusterStack}. */
export interface ClusterStackProps {
  /** The resolved cluster (`model/cluster.ts`); the stack is named after `cluster.name`. */
  readonly cluster: Cluster;
  /** The hubs on it (each `hub.cluster` is `cluster`); none is allowed (no records then). */
  readonly hubs: readonly Hub[];
  /**
   * State file of a `local` backend, relative to the stack's working directory
   * `cdktf.out/stacks/<cluster>` (where Terraform runs).
   * @default `../../../terraform.<cluster>.tfstate` ({@link defaultStateFile})
   */
  readonly stateFile?: string;
}

/**
 * One cluster's infrastructure on OpenStack. Its nodegroups are created one at a time, in file
 * order (each `depends_on` the one before it). Resource addresses are fixed so that state stays
 * attached when the code is refactored: `cluster`, `nodegroup-<name>`, the floating IP `ingress`
 * and zone lookup `ingress-zone`, and the hubs' A records: `record-<hub>` where the cluster's
 * outputs carry the hub's name (`cluster.naming.hubNamed`), else the one hub's record `record`
 * with logical id `ingress` (its address before clusters existed).
 *
 * Outputs are direct children named as in `INFRA_OUTPUTS`, so the outputs file reads
 * `{ "<cluster>": { "<output>": value } }` (see `project/outputs.ts`): `cluster_id`,
 * `api_address`, `ingress_ip`, `kubeconfig` (sensitive), and the hub URLs: `hub_urls` (hub name
 * → URL) where they carry the hub's name, else the one hub's `hub_url`; with a hub of shared
 * storage, `home_volume_ids` (hub name → Cinder volume id) and a volume `home-<hub>` per such hub.
 */
export class ClusterStack extends TerraformStack {
  public readonly clusterModel: Cluster;
  public readonly hubs: readonly Hub[];
  public readonly cluster: MagnumCluster;
  public readonly nodeGroups: readonly MagnumNodeGroup[];
  public readonly ingress: IngressFloatingIp;
  /** The hubs' A records, in hub order. */
  public readonly records: readonly HubDnsRecord[];
  /** The home volumes of the hubs with shared storage (`jupyterhub.storage.type: shared`), in hub order. */
  public readonly homeVolumes: readonly HomeVolume[];

  constructor(scope: Construct, props: ClusterStackProps) {
    const { cluster, hubs } = props;
    super(scope, cluster.name);
    const what = `ClusterStack ${cluster.name}`;
    requireDnsLabel(cluster.name, what, 'cluster.name');
    hubs.forEach((hub, i) => {
      requireProp(hub.cluster.name === cluster.name, what, `hubs[${i}]`, `is hub ${hub.name} of cluster ${hub.cluster.name}, not of ${cluster.name}`);
      requireDnsLabel(hub.name, what, `hubs[${i}].name`);
    });
    const { ownerHub, hubNamed } = cluster.naming;
    if (ownerHub !== undefined) {
      requireProp(hubs.length === 1 && hubs[0].name === ownerHub, what, 'props.hubs', `must be exactly hub ${ownerHub}: the cluster is that hub's dedicated cluster`);
    }
    const dup = hubs.find((h, i) => hubs.findIndex((o) => o.name === h.name) !== i);
    requireProp(dup === undefined, what, 'props.hubs', `names hub ${dup?.name} twice`);
    this.clusterModel = cluster;
    this.hubs = hubs;
    const c = cluster.magnum;

    new StateBackend(this, 'state', { backend: cluster.backend, stateFile: props.stateFile ?? defaultStateFile(cluster.name) });
    new HubOpenstackProvider(this, 'openstack', { cloud: cluster.cloud.name, region: cluster.cloud.region });

    this.cluster = new MagnumCluster(this, RESOURCE_IDS.cluster, { ...c, name: cluster.magnumName, defaultWorker: cluster.defaultWorker });

    // Magnum's Cluster API driver fails nodegroups created concurrently (Launchpad bug 2097946),
    // and Terraform creates independent resources in parallel: each nodegroup waits for the one
    // before it in the file, so a plain `terraform apply` creates them one at a time.
    const nodeGroups: MagnumNodeGroup[] = [];
    for (const nodeGroup of cluster.nodeGroups) {
      nodeGroups.push(
        new MagnumNodeGroup(this, RESOURCE_IDS.nodeGroup(nodeGroup.name), {
          clusterId: this.cluster.clusterId,
          nodeGroup,
          autoscaling: c.autoscaling,
          after: nodeGroups.at(-1),
        }),
      );
    }
    this.nodeGroups = nodeGroups;

    this.ingress = new IngressFloatingIp(this, RESOURCE_IDS.ingress, {
      floatingIpPool: cluster.ingress.floatingIpPool,
      zone: cluster.zone,
      // An owner hub's cluster keeps the description naming that hub (a change would update the
      // floating IP); any other's names no hub, so adding a hub changes nothing here.
      description: ownerHub !== undefined ? `Ingress of JupyterHub ${hubs[0].name} (${hubs[0].host})` : `Ingress of jhm cluster ${cluster.name}`,
    });
    this.records = hubs.map((hub) => {
      const record = RESOURCE_IDS.record(hubNamed ? hub.name : undefined);
      return new HubDnsRecord(this.ingress, record.id, { logicalId: record.logicalId, host: hub.host, ttl: hub.recordTtl });
    });

    // One Cinder volume per hub with shared storage (`infra/home-volume.ts`), guarded like the cluster.
    const shared = hubs.flatMap((hub) => (hub.jupyterhub.storage.type === 'shared' ? [{ hub, sizeGiB: hub.jupyterhub.storage.sizeGiB }] : []));
    this.homeVolumes = shared.map(
      ({ hub, sizeGiB }) =>
        new HomeVolume(this, RESOURCE_IDS.homeVolume(hub.name), { hub: hub.name, host: hub.host, name: `${cluster.magnumName}-${hub.name}-home`, sizeGiB, preventDestroy: c.deletionProtection }),
    );

    output(this, INFRA_OUTPUTS.clusterId, this.cluster.clusterId, 'Magnum cluster UUID');
    output(this, INFRA_OUTPUTS.apiAddress, this.cluster.apiAddress, 'Kubernetes API server URL');
    output(this, INFRA_OUTPUTS.ingressIp, this.ingress.ip, `Floating IP of the ingress controller (the A record${hubNamed ? 's' : ''} point${hubNamed ? '' : 's'} at it)`);
    if (hubNamed) {
      const urls: Record<string, string> = {};
      for (const hub of hubs) urls[hub.name] = terraformLiteral(hub.url, `${what}: hub ${hub.name}: url`);
      output(this, INFRA_OUTPUTS.hubUrls, urls, 'URL of each hub on the cluster (hub name → URL)');
    } else {
      output(this, INFRA_OUTPUTS.hubUrl, terraformLiteral(hubs[0].url, `${what}: hub.url`), 'URL of the hub');
    }
    if (this.homeVolumes.length > 0) {
      const ids = Object.fromEntries(shared.map(({ hub }, i) => [hub.name, this.homeVolumes[i].volumeId]));
      output(this, INFRA_OUTPUTS.homeVolumeIds, ids, 'Home volume of each hub with shared storage (hub name → Cinder volume id)');
    }
    output(this, INFRA_OUTPUTS.kubeconfig, this.cluster.kubeconfig, 'Admin kubeconfig of the cluster', true);
  }
}

/** `../../../terraform.<cluster>.tfstate`: the project root seen from `cdktf.out/stacks/<cluster>`. */
export function defaultStateFile(clusterName: string): string {
  return `../../../${localStateFileName(clusterName)}`;
}

/** A Terraform output whose name, and key in the outputs file, is exactly `name`. */
function output(stack: TerraformStack, name: string, value: unknown, description: string, sensitive = false): TerraformOutput {
  return new TerraformOutput(stack, name, { value, description, sensitive, staticId: true });
}
