/**
 * Which field of a cluster's file sets each argument of its Terraform resources, so that a change
 * plan (`synth/terraform-plan.ts`) can say which edit forces a replacement: Terraform says
 * `labels.max_node_count`, the user edited the field whose row in `model/magnum-fields.ts` names
 * that argument (under the cluster's `naming.fieldPrefix`: `magnum:`, or `cluster:` of a hub file). The
 * construct ids of the resources (their Terraform names) live here too; `ClusterStack` names them
 * from here.
 * `test/infra/stack-fields.test.ts` edits each field and checks that the plan's changed
 * arguments map back to it.
 */
import type { Cluster } from '../model/cluster';
import { MANAGED_CLUSTER_LABELS } from '../model/cluster-labels';
import { ArgumentField, CLUSTER_ARGUMENTS, NODE_GROUP_ARGUMENTS } from '../model/magnum-fields';
import { OPENSTACK_RESOURCE_TYPES } from './openstack-resources';
import { STORAGE_FIELD } from '../model/storage';

/** What decides which of several fields sets an argument (the template by name or by UUID). */
type ArgumentSettings = Parameters<NonNullable<ArgumentField['row']['setsArgument']>>[0];

/** The Terraform names (construct ids, kept as logical ids) of a cluster's resources. */
export const RESOURCE_IDS = {
  cluster: 'cluster',
  ingress: 'ingress',
  nodeGroup: (name: string): string => `nodegroup-${name}`,
  /**
   * A hub's A record (a child of the ingress floating IP): its construct id and Terraform name,
   * `record-<hub>`; with no hub (a cluster whose outputs do not carry the hub's name, of one
   * hub), `record` named `ingress`: its address from before clusters existed.
   */
  /** The home volume of a hub with shared storage: `home-<hub>`. */
  homeVolume: (hub: string): string => `home-${hub}`,
  record: (hub?: string): { readonly id: string; readonly logicalId: string } => (hub === undefined ? { id: 'record', logicalId: 'ingress' } : { id: `record-${hub}`, logicalId: `record-${hub}` }),
} as const;

/**
 * The field of `cluster`'s file that sets argument `path` (a plan's dotted path, e.g.
 * `labels.max_node_count`) of resource `type.name`, e.g. `magnum.labels.<key>`; undefined
 * when no field does (what jhm fixes, references to other resources, the hubs' records).
 */
export function fileField(
  cluster: Pick<Cluster, 'nodeGroups'> & { readonly naming: Pick<Cluster['naming'], 'fieldPrefix'>; readonly magnum: Pick<Cluster['magnum'], 'template'> },
  type: string,
  name: string,
  path: string,
): string | undefined {
  const key = cluster.naming.fieldPrefix;
  if (type === OPENSTACK_RESOURCE_TYPES.cluster && name === RESOURCE_IDS.cluster) {
    // A label jhm fixes is set by no field.
    const fixed = path.startsWith('labels.') && Object.hasOwn(MANAGED_CLUSTER_LABELS, path.slice('labels.'.length)) && MANAGED_CLUSTER_LABELS[path.slice('labels.'.length)].field === undefined;
    return fixed ? undefined : settingField(CLUSTER_ARGUMENTS, path, cluster.magnum, key);
  }
  if (type === OPENSTACK_RESOURCE_TYPES.nodeGroup) {
    const i = cluster.nodeGroups.findIndex((ng) => RESOURCE_IDS.nodeGroup(ng.name) === name);
    if (i < 0) return undefined;
    return settingField(NODE_GROUP_ARGUMENTS, path, cluster.magnum, `nodeGroups[${i}]`);
  }
  if (type === OPENSTACK_RESOURCE_TYPES.floatingIp && name === RESOURCE_IDS.ingress && path === 'pool') return 'ingress.floatingIpPool';
  // A home volume's size is set in its hub's file (`model/storage.ts`).
  if (type === OPENSTACK_RESOURCE_TYPES.homeVolume && path === 'size') return `${STORAGE_FIELD}.size`;
  return undefined;
}

/**
 * `<under>.<field>` of the field (`model/magnum-fields.ts`) that sets argument `path`; a label no
 * field sets by itself (`labels.<key>`) is the labels field's entry, `<under>.labels.<key>`.
 * Undefined when no field sets it.
 */
function settingField(args: ReadonlyMap<string, readonly ArgumentField[]>, path: string, settings: ArgumentSettings, under: string): string | undefined {
  const label = path.startsWith('labels.') && !args.has(path) ? path.slice('labels.'.length) : undefined;
  const f = args.get(label !== undefined ? 'labels.*' : path)?.find((a) => a.row.setsArgument?.(settings) ?? true);
  if (f === undefined) return undefined;
  return `${under}.${f.field}${label !== undefined ? `.${label}` : ''}`;
}
