/**
 * Which field of a cluster's file sets each argument of its Terraform resources, so that a change
 * plan (`synth/terraform-plan.ts`) can say which edit forces a replacement: Terraform says
 * `labels.max_node_count`, the user edited `magnum.defaultWorker.maxNodes`. The construct ids of
 * the resources (their Terraform names) live here too; `ClusterStack` names them from here.
 * `test/infra/stack-fields.test.ts` edits each field and checks that the plan's changed
 * arguments map back to it.
 */
import { Cluster, settingsKey } from '../config/cluster';
import { MANAGED_CLUSTER_LABELS } from '../config/cluster-labels';
import { OPENSTACK_RESOURCE_TYPES } from '../config/openstack-resources';

/** The Terraform names (construct ids, kept as logical ids) of a cluster's resources. */
export const RESOURCE_IDS = {
  cluster: 'cluster',
  ingress: 'ingress',
  nodeGroup: (name: string): string => `nodegroup-${name}`,
} as const;

/** Cluster argument → field under `magnum:` (`cluster:` of a hub file in the original format). */
const CLUSTER_ARGUMENTS: Readonly<Record<string, string>> = {
  name: 'name',
  cluster_template_id: 'template',
  keypair: 'keypair',
  master_flavor: 'masterFlavor',
  master_count: 'masterCount',
  flavor: 'defaultWorker.flavor',
  node_count: 'defaultWorker.nodeCount',
  docker_volume_size: 'dockerVolumeSize',
  fixed_network: 'fixedNetwork',
  fixed_subnet: 'fixedNetwork',
  'timeouts.create': 'createTimeout',
  'timeouts.update': 'updateTimeout',
};

/** Nodegroup argument → field of its entry in `nodeGroups`. */
const NODEGROUP_ARGUMENTS: Readonly<Record<string, string>> = {
  name: 'name',
  flavor_id: 'flavor',
  node_count: 'nodeCount',
  min_node_count: 'minNodes',
  max_node_count: 'maxNodes',
  docker_volume_size: 'dockerVolumeSize',
  role: 'role',
};

/**
 * The field of `cluster`'s file that sets argument `path` (a plan's dotted path, e.g.
 * `labels.max_node_count`) of resource `type.name`, e.g. `magnum.defaultWorker.maxNodes`; undefined
 * when no field does (what jhm fixes, references to other resources, the hubs' records).
 */
export function fileField(cluster: Pick<Cluster, 'dedicated' | 'nodeGroups'> & { readonly magnum: Pick<Cluster['magnum'], 'template'> }, type: string, name: string, path: string): string | undefined {
  const key = settingsKey(cluster);
  const label = path.startsWith('labels.') ? path.slice('labels.'.length) : undefined;
  if (type === OPENSTACK_RESOURCE_TYPES.cluster && name === RESOURCE_IDS.cluster) {
    if (label !== undefined) {
      if (!Object.hasOwn(MANAGED_CLUSTER_LABELS, label)) return `${key}.labels.${label}`;
      const field = MANAGED_CLUSTER_LABELS[label].field;
      return field === undefined ? undefined : `${key}.${field}`;
    }
    // A template given by UUID is set by templateId (the name is then not used).
    if (path === 'cluster_template_id' && 'id' in cluster.magnum.template) return `${key}.templateId`;
    return Object.hasOwn(CLUSTER_ARGUMENTS, path) ? `${key}.${CLUSTER_ARGUMENTS[path]}` : undefined;
  }
  if (type === OPENSTACK_RESOURCE_TYPES.nodeGroup) {
    const i = cluster.nodeGroups.findIndex((ng) => RESOURCE_IDS.nodeGroup(ng.name) === name);
    if (i < 0) return undefined;
    if (label !== undefined) return `nodeGroups[${i}].labels.${label}`;
    return Object.hasOwn(NODEGROUP_ARGUMENTS, path) ? `nodeGroups[${i}].${NODEGROUP_ARGUMENTS[path]}` : undefined;
  }
  if (type === OPENSTACK_RESOURCE_TYPES.floatingIp && name === RESOURCE_IDS.ingress && path === 'pool') return 'ingress.floatingIpPool';
  return undefined;
}
