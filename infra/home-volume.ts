/**
 * The home volume of a hub with shared storage (`jupyterhub.storage.type: shared`): one Cinder
 * volume (`openstack_blockstorage_volume_v3`), which 2i2c's jupyterhub-home-nfs chart binds
 * through the Cinder CSI driver and serves over NFS, a folder per user (`k8s/jupyterhub/home-nfs.ts`).
 */
import { Construct } from 'constructs';
import { requireDnsLabel, requireProp } from '../model/construct-props';
import { BlockstorageVolumeV3 } from '../imports/providers/openstack/blockstorage-volume-v3';
import { terraformLiteral } from './terraform-text';

/** Props of {@link HomeVolume}. */
export interface HomeVolumeProps {
  /** The hub whose home folders it holds (named in the volume's description and metadata). */
  readonly hub: string;
  /** The hub's host name, for the description. */
  readonly host: string;
  /** The volume's name in Cinder. */
  readonly name: string;
  /** Size in GiB (Cinder's unit); grows in place, online (`enable_online_resize`). */
  readonly sizeGiB: number;
  /** Terraform `prevent_destroy`: the cluster's deletion protection. */
  readonly preventDestroy: boolean;
}

/**
 * A Cinder volume with `enable_online_resize` (the NFS server keeps it attached: growing it must
 * not need a detach) and `prevent_destroy` while the cluster's deletion protection is on.
 * Terraform address: `openstack_blockstorage_volume_v3.<id>`. Text props reach Terraform literally.
 */
export class HomeVolume extends Construct {
  public readonly resource: BlockstorageVolumeV3;

  constructor(scope: Construct, id: string, props: HomeVolumeProps) {
    super(scope, id);
    const what = `HomeVolume ${id}`;
    requireDnsLabel(props.hub, what, 'hub');
    requireProp(Number.isInteger(props.sizeGiB) && props.sizeGiB > 0, what, 'sizeGiB', `is ${props.sizeGiB}; it must be a whole number of GiB, at least 1`);
    const text = (value: string, prop: string) => terraformLiteral(value, `${what}: ${prop}`);
    this.resource = new BlockstorageVolumeV3(this, 'resource', {
      name: text(props.name, 'name'),
      description: text(`Home folders of JupyterHub ${props.hub} (${props.host}), served over NFS`, 'host'),
      size: props.sizeGiB,
      enableOnlineResize: true,
      metadata: { 'jhm-hub': text(props.hub, 'hub') },
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    this.resource.overrideLogicalId(id);
  }

  /** The volume's UUID (the chart's `openstack.volumeId`). */
  public get volumeId(): string {
    return this.resource.id;
  }
}
