/**
 * An extra Magnum nodegroup of a cluster (besides `default-master` and `default-worker`).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { requireDnsLabel, requireInteger, requireNodeRange } from '../model/construct-props';
import { CLUSTER_FIELDS, fieldDefault, NODE_GROUP_FIELDS, settingsWithDefaults, SettingsInputOf } from '../model/magnum-fields';
import { ContainerinfraNodegroupV1 } from '../imports/providers/openstack/containerinfra-nodegroup-v1';
import { terraformLiteral, terraformLiteralMap } from './terraform-text';

/** Props of {@link MagnumNodeGroup}. */
export interface MagnumNodeGroupProps {
  /** UUID of the cluster the nodegroup belongs to. */
  readonly clusterId: string;
  /**
   * The nodegroup (`cluster.nodeGroups[i]` of the resolved model): its settings
   * (`NODE_GROUP_FIELDS` in `model/magnum-fields.ts`, where each is documented and defaulted; one
   * left out gets the row's default) and its initial size.
   */
  readonly nodeGroup: SettingsInputOf<typeof NODE_GROUP_FIELDS> & { readonly nodeCount: number };
  /**
   * Whether the cluster autoscaler runs (the cluster's setting, `CLUSTER_FIELDS.autoscaling`, whose
   * default applies when left out). While it does it owns `node_count`: Terraform sets it at
   * creation and ignores later differences instead of undoing the autoscaler's work.
   */
  readonly autoscaling?: boolean;
  /**
   * The nodegroup created before this one: Terraform waits for it (`depends_on`) before creating
   * this one. Ordering adds no argument, so an existing nodegroup gaining it plans no change.
   * @default none (created as soon as the cluster exists)
   */
  readonly after?: MagnumNodeGroup;
}

/**
 * A Magnum nodegroup (`openstack_containerinfra_nodegroup_v1`) whose labels are merged over the
 * cluster's (`merge_labels = true`). Its nodes carry `capi.stackhpc.com/node-group=<labelValue>`
 * (see `model/node-group.ts`), which is how the Kubernetes side places pods on them.
 *
 * The Terraform address is `openstack_containerinfra_nodegroup_v1.<construct id>`. Its name, flavor,
 * role and labels reach Terraform literally (`terraformLiteral`).
 *
 * `after` chains it to another nodegroup (`depends_on`), which is how a cluster's nodegroups are
 * created one at a time (see `ClusterStack`).
 *
 * The constructor checks its props: the name is a DNS label, `minNodes` at least 1 and at most
 * `maxNodes`, `nodeCount` between them, `dockerVolumeSize` (when set) at least 1.
 */
export class MagnumNodeGroup extends Construct {
  /** The nodegroup resource. */
  public readonly resource: ContainerinfraNodegroupV1;

  constructor(scope: Construct, id: string, props: MagnumNodeGroupProps) {
    super(scope, id);
    const ng = { ...settingsWithDefaults(NODE_GROUP_FIELDS, props.nodeGroup), nodeCount: props.nodeGroup.nodeCount };
    // Values known now are checked; cdktf tokens (references made by code) resolve later.
    const what = `MagnumNodeGroup ${id}`;
    if (!Token.isUnresolved(ng.name)) requireDnsLabel(ng.name, what, 'nodeGroup.name');
    if (![ng.minNodes, ng.maxNodes, ng.nodeCount].some((n) => Token.isUnresolved(n))) requireNodeRange(ng, what, 'nodeGroup.');
    if (ng.dockerVolumeSize !== undefined && !Token.isUnresolved(ng.dockerVolumeSize)) requireInteger(ng.dockerVolumeSize, what, 'nodeGroup.dockerVolumeSize', 1);
    const autoscaling = props.autoscaling ?? (fieldDefault(CLUSTER_FIELDS.autoscaling) as boolean);
    const text = (value: string, prop: string) => terraformLiteral(value, `MagnumNodeGroup ${id}: ${prop}`);
    this.resource = new ContainerinfraNodegroupV1(this, 'resource', {
      clusterId: props.clusterId,
      name: text(ng.name, 'name'),
      flavorId: text(ng.flavor, 'flavor'),
      role: text(ng.role, 'role'),
      nodeCount: ng.nodeCount,
      minNodeCount: ng.minNodes,
      maxNodeCount: ng.maxNodes,
      dockerVolumeSize: ng.dockerVolumeSize,
      mergeLabels: true,
      // An empty map would read back as the merged labels and plan a replacement: leave it unset.
      labels: Object.keys(ng.labels).length > 0 ? terraformLiteralMap(ng.labels, `MagnumNodeGroup ${id}: labels`) : undefined,
      lifecycle: autoscaling ? { ignoreChanges: ['node_count'] } : undefined,
      dependsOn: props.after ? [props.after.resource] : undefined,
    });
    this.resource.overrideLogicalId(id);
  }
}
