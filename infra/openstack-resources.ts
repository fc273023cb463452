/**
 * The Terraform resource types of terraform-provider-openstack a cluster's stack holds, by role,
 * in one place: the change plan, the names of the fields that set their arguments and the ingress
 * guard read stacks by them without loading the bindings (cdktf). The bindings in
 * `imports/providers/openstack/` carry the same names (`test/infra/stack-fields.test.ts` checks).
 */
export const OPENSTACK_RESOURCE_TYPES = {
  cluster: 'openstack_containerinfra_cluster_v1',
  nodeGroup: 'openstack_containerinfra_nodegroup_v1',
  floatingIp: 'openstack_networking_floatingip_v2',
  recordSet: 'openstack_dns_recordset_v2',
  homeVolume: 'openstack_blockstorage_volume_v3',
} as const;

/** The data sources a cluster's stack reads, by role (the bindings' `tfResourceType` too). */
export const OPENSTACK_DATA_TYPES = {
  clusterTemplate: 'openstack_containerinfra_clustertemplate_v1',
  network: 'openstack_networking_network_v2',
  subnetIds: 'openstack_networking_subnet_ids_v2',
  dnsZone: 'openstack_dns_zone_v2',
} as const;
