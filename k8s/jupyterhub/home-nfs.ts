/**
 * Shared home directories (`jupyterhub.storage.type: shared`, `model/storage.ts`), the Kubernetes
 * side: in the hub's namespace, 2i2c's jupyterhub-home-nfs chart (pinned as `homeNfs` in
 * `charts.yaml`) binds the hub's Cinder volume (made by the cluster's stack, its id recorded by
 * `jhm deploy`) through the Cinder CSI driver and serves it over NFS with a hard quota per user
 * folder; jhm adds the NFS PersistentVolume and claim the user servers mount (as the chart's
 * README shows them), and z2jh's static storage gives each user the folder `{escaped_username}`.
 *
 * Names, all derived here: the chart's release `<hub release>-home-nfs` with `fullnameOverride: ""`,
 * so its Service, Deployment and claim of the Cinder volume are `home-nfs` in the hub's namespace
 * and its PersistentVolume `<hub release>-home-nfs-home-nfs` (cluster-scoped, so the release name
 * keeps it apart from other hubs'); the users' NFS PersistentVolume `<hub release>-homes`
 * (cluster-scoped) and claim `homes`.
 */
import type { Cluster } from '../../model/cluster';
import type { Hub } from '../../model/hub';
import type { HubStorage } from '../../model/storage';
import type { K8sObject } from '../helm/types';
import { coreNodeSelector } from './scheduling';

type SharedStorage = Extract<HubStorage, { type: 'shared' }>;

/** The chart's resource names with `fullnameOverride: ""` (its `home-nfs.fullname` helper). */
export const HOME_NFS_FULLNAME = 'home-nfs';
/** The claim user servers mount, in the hub's namespace. */
export const HOMES_CLAIM = 'homes';
/** Each user's folder on the shared volume: z2jh fills in the escaped user name. */
export const USER_SUBPATH = '{escaped_username}';
/** NFS port of the chart's Service. */
export const NFS_PORT = 2049;

/** The names of a shared hub's storage objects. */
export interface HomeNfsNames {
  /** The chart's release. */
  readonly release: string;
  readonly namespace: string;
  /** The chart's Service (the NFS server's address) and its claim of the Cinder volume. */
  readonly service: string;
  readonly serverClaim: string;
  /** The chart's PersistentVolume of the Cinder volume. */
  readonly serverVolume: string;
  /** The users' NFS PersistentVolume and claim. */
  readonly homesVolume: string;
  readonly homesClaim: string;
  /** The NFS server's name inside the cluster. */
  readonly server: string;
}

/** The names of hub `jupyterhub`'s storage objects. */
export function homeNfsNames(jupyterhub: Pick<Hub['jupyterhub'], 'release' | 'namespace'>): HomeNfsNames {
  const release = `${jupyterhub.release}-home-nfs`;
  return {
    release,
    namespace: jupyterhub.namespace,
    service: HOME_NFS_FULLNAME,
    serverClaim: HOME_NFS_FULLNAME,
    serverVolume: `${release}-${HOME_NFS_FULLNAME}`,
    homesVolume: `${jupyterhub.release}-homes`,
    homesClaim: HOMES_CLAIM,
    server: `${HOME_NFS_FULLNAME}.${jupyterhub.namespace}.svc.cluster.local`,
  };
}

/** The `shared` storage of `hub`, or undefined for per-user storage. */
export function sharedStorage(hub: Pick<Hub, 'jupyterhub'>): SharedStorage | undefined {
  const s = hub.jupyterhub.storage;
  return s.type === 'shared' ? s : undefined;
}

/**
 * The chart's values: the OpenStack volume by id (Cinder CSI), its size on the PersistentVolume's
 * labels, the quota enforcer's hard quota in GiB, the server on the core node (with the hub).
 */
export function homeNfsValues(storage: SharedStorage, volumeId: string, cluster: Pick<Cluster, 'coreNodeSelector'>): Record<string, unknown> {
  return {
    fullnameOverride: '',
    openstack: { enabled: true, volumeId },
    persistentVolume: { size: `${storage.sizeGiB}Gi` },
    quotaEnforcer: { config: { QuotaManager: { hard_quota: storage.quotaGiB } } },
    nodeSelector: coreNodeSelector(cluster),
  };
}

/**
 * The users' side, as the chart's README shows it: an NFS PersistentVolume on the chart's
 * Service (NFSv4 pseudo root `/`; soft mounts, so a lost server does not hang user processes) and
 * a claim bound to it by name in the hub's namespace.
 */
export function homesObjects(names: HomeNfsNames, storage: SharedStorage): K8sObject[] {
  const size = `${storage.sizeGiB}Gi`;
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: names.homesVolume },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        nfs: { server: names.server, path: '/' },
        mountOptions: ['rsize=1048576', 'wsize=1048576', 'timeo=600', 'soft', 'retrans=2', 'noresvport'],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: names.homesClaim, namespace: names.namespace },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: names.homesVolume,
        resources: { requests: { storage: size } },
      },
    },
  ];
}

/** z2jh's `singleuser.storage` of a shared hub: the users' claim, a folder per user. */
export function staticStorageValues(names: Pick<HomeNfsNames, 'homesClaim'>): { readonly type: 'static'; readonly static: { readonly pvcName: string; readonly subPath: string } } {
  return { type: 'static', static: { pvcName: names.homesClaim, subPath: USER_SUBPATH } };
}
