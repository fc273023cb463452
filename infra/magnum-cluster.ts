/**
 * A Magnum Kubernetes cluster: its template and network lookups and the cluster itself.
 */
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { managedClusterLabels } from '../model/cluster-labels';
import { requireDnsLabel, requireFieldRules, requireInteger, requireNodeRange, requireProp } from '../model/construct-props';
import type { ClusterTemplateRef } from '../model/cluster';
import { CLUSTER_FIELDS, DefaultWorkerSettings, magnumSettingsWithDefaults, SettingsInputOf } from '../model/magnum-fields';
import { ContainerinfraClusterV1 } from '../imports/providers/openstack/containerinfra-cluster-v1';
import { DataOpenstackContainerinfraClustertemplateV1 } from '../imports/providers/openstack/data-openstack-containerinfra-clustertemplate-v1';
import { DataOpenstackNetworkingNetworkV2 } from '../imports/providers/openstack/data-openstack-networking-network-v2';
import { DataOpenstackNetworkingSubnetIdsV2 } from '../imports/providers/openstack/data-openstack-networking-subnet-ids-v2';
import { terraformLiteral, terraformLiteralMap } from './terraform-text';

export type { ClusterTemplateRef };

/**
 * Props of {@link MagnumCluster}: its name in Magnum, the template, the default worker, and the
 * Magnum settings of `CLUSTER_FIELDS` (`model/magnum-fields.ts`), where each is documented and
 * defaulted (a setting left out gets the row's default, as in a file).
 */
export type MagnumClusterProps = {
  /** Magnum cluster name (a DNS label). */
  readonly name: string;
  /** The cluster template. */
  readonly template: ClusterTemplateRef;
  /**
   * The `default-worker` nodegroup Magnum creates with the cluster: its flavor, initial size
   * (`node_count`) and autoscaling range (labels `min_node_count` / `max_node_count`).
   */
  readonly defaultWorker: DefaultWorkerSettings;
} & SettingsInputOf<typeof CLUSTER_FIELDS>;

/**
 * A Magnum cluster (`openstack_containerinfra_cluster_v1`) with its template looked up by name
 * (or given by UUID) and its fixed network and subnet looked up by the network's name.
 *
 * Terraform addresses derive from the construct id (`openstack_containerinfra_cluster_v1.<id>`,
 * `data.openstack_networking_network_v2.<id>-network`, ...), not from the construct path, so that
 * refactoring the code never plans to replace a running cluster.
 *
 * The fixed network is looked up by name, and its first IPv4 subnet (in Neutron's order) becomes
 * the cluster's fixed subnet. Labels are merged over the template's (`merge_labels = true`); the
 * labels jhm manages (`MANAGED_CLUSTER_LABELS` in `model/cluster-labels.ts`) take precedence over
 * entries with the same key. While the autoscaler runs it owns the node counts: Terraform sets
 * `node_count` at creation and ignores later differences, instead of shrinking nodegroups the
 * autoscaler grew. Deletion protection is Terraform's `lifecycle.prevent_destroy`: a plan that
 * would delete or replace the cluster fails instead (every label change replaces a Magnum cluster).
 *
 * Text props (names, labels, the timeouts) reach Terraform literally (`terraformLiteral`): a `${`
 * in them is never evaluated.
 *
 * The constructor checks its props (the schema checks the same for files): `name` is a DNS label,
 * `masterCount` and `dockerVolumeSize` integers of at least 1, the default worker's size range
 * sound, the timeouts durations such as `90m` or `2h`, and every rule of the settings' rows in
 * `model/magnum-fields.ts` (an odd `masterCount`, the timeouts' minimums).
 */
export class MagnumCluster extends Construct {
  /** The cluster resource. */
  public readonly resource: ContainerinfraClusterV1;
  /** The template lookup, when the template is given by name. */
  public readonly templateLookup?: DataOpenstackContainerinfraClustertemplateV1;
  /** The fixed network lookup. */
  public readonly network: DataOpenstackNetworkingNetworkV2;
  /** The lookup of the fixed network's IPv4 subnets. */
  public readonly subnets: DataOpenstackNetworkingSubnetIdsV2;

  constructor(scope: Construct, id: string, props: MagnumClusterProps) {
    super(scope, id);
    // Values known now are checked; cdktf tokens (references made by code) resolve later.
    const what = `MagnumCluster ${id}`;
    const w = props.defaultWorker;
    const settings = magnumSettingsWithDefaults(props);
    if (!Token.isUnresolved(props.name)) requireDnsLabel(props.name, what, 'name');
    if (!Token.isUnresolved(settings.masterCount)) requireInteger(settings.masterCount, what, 'masterCount', 1);
    if (![w.minNodes, w.maxNodes, w.nodeCount].some((n) => Token.isUnresolved(n))) requireNodeRange(w, what, 'defaultWorker.');
    if (!Token.isUnresolved(settings.dockerVolumeSize)) requireInteger(settings.dockerVolumeSize, what, 'dockerVolumeSize', 1);
    for (const [prop, value] of [['createTimeout', settings.createTimeout], ['updateTimeout', settings.updateTimeout]] as const) {
      if (!Token.isUnresolved(value)) {
        requireProp(/^[0-9]+[mh]$/.test(value), what, prop, `is "${value}"; it must be a duration in minutes or hours, e.g. "90m" or "2h"`);
      }
    }
    // The rules a file's settings obey (an odd masterCount, the timeouts' minimums), from their rows.
    requireFieldRules(CLUSTER_FIELDS, settings, what, (v) => Token.isUnresolved(v));

    const text = (value: string, prop: string) => terraformLiteral(value, `MagnumCluster ${id}: ${prop}`);
    let templateId: string;
    if ('id' in props.template) {
      templateId = text(props.template.id, 'template.id');
    } else {
      this.templateLookup = new DataOpenstackContainerinfraClustertemplateV1(this, 'template', { name: text(props.template.name, 'template.name') });
      this.templateLookup.overrideLogicalId(`${id}-template`);
      templateId = this.templateLookup.id;
    }

    this.network = new DataOpenstackNetworkingNetworkV2(this, 'network', { name: text(settings.fixedNetwork, 'fixedNetwork') });
    this.network.overrideLogicalId(`${id}-network`);

    this.subnets = new DataOpenstackNetworkingSubnetIdsV2(this, 'subnets', {
      networkId: this.network.id,
      ipVersion: 4,
      lifecycle: {
        postcondition: [{ condition: '${length(self.ids) > 0}', errorMessage: text(`Network "${settings.fixedNetwork}" has no IPv4 subnet for the cluster nodes.`, 'fixedNetwork') }],
      },
    });
    this.subnets.overrideLogicalId(`${id}-subnets`);

    const worker = props.defaultWorker;
    const labels: Record<string, string> = {
      ...terraformLiteralMap(settings.labels, `MagnumCluster ${id}: labels`),
      ...managedClusterLabels({ ...settings, defaultWorker: worker }),
    };

    this.resource = new ContainerinfraClusterV1(this, 'resource', {
      name: text(props.name, 'name'),
      clusterTemplateId: templateId,
      keypair: text(settings.keypair, 'keypair'),
      masterFlavor: text(settings.masterFlavor, 'masterFlavor'),
      masterCount: settings.masterCount,
      flavor: text(worker.flavor, 'defaultWorker.flavor'),
      nodeCount: worker.nodeCount,
      dockerVolumeSize: settings.dockerVolumeSize,
      fixedNetwork: this.network.id,
      fixedSubnet: Fn.element(this.subnets.ids, 0),
      mergeLabels: true,
      labels,
      timeouts: { create: text(settings.createTimeout, 'createTimeout'), update: text(settings.updateTimeout, 'updateTimeout') },
      lifecycle: {
        preventDestroy: settings.deletionProtection,
        ...(settings.autoscaling ? { ignoreChanges: ['node_count'] } : {}),
      },
    });
    this.resource.overrideLogicalId(id);
  }

  /** Cluster UUID. */
  public get clusterId(): string {
    return this.resource.id;
  }

  /** URL of the Kubernetes API server. */
  public get apiAddress(): string {
    return this.resource.apiAddress;
  }

  /** An admin kubeconfig file for the cluster (sensitive: it holds a client key). */
  public get kubeconfig(): string {
    return this.resource.kubeconfig.lookup('raw_config');
  }
}
