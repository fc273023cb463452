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
import { COURSE_FOLDER_CUSTOM_KEY, COURSE_FOLDER_EXTRA_CONFIG_KEY } from '../../model/chart-values';
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
/**
 * The course folder and the exchange on the volume: beside the users' folders, with a `_` no
 * escaped user name has (KubeSpawner escapes names to lower-case letters, digits and `-`), so no
 * user's home is ever one of them. The quota enforcer leaves them without a quota.
 */
export const COURSE_FOLDER_SUBPATH = '_shared';
export const EXCHANGE_SUBPATH = '_exchange';
/** Where user servers see them: `shared/` and `exchange/` in the home folder (z2jh's `homeMountPath`, `/home/jovyan`). */
export const COURSE_FOLDER_MOUNT_PATH = '/home/jovyan/shared';
export const EXCHANGE_MOUNT_PATH = '/home/jovyan/exchange';
/** The keys of their mounts in KubeSpawner's `volume_mounts` (z2jh's `singleuser.storage.extraVolumeMounts` as a mapping). */
export const COURSE_FOLDER_MOUNT = 'jhm-course-folder';
export const EXCHANGE_MOUNT = 'jhm-exchange';
/** z2jh's name of the static storage's volume (the `homes` claim) in user pods. */
const HOME_VOLUME = 'home';

/** Where the chart's containers mount the volume (its Deployment's `home-directories` mounts). */
export const HOME_NFS_EXPORT_PATH = '/export';
/** The chart's container whose image has GNU df (its quota enforcer calls `df --output`), for `jhm status`. */
export const HOME_NFS_DF_CONTAINER = 'enforce-xfs-quota';

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
    quotaEnforcer: { config: { QuotaManager: { hard_quota: storage.quotaGiB, ...(unquotaed(storage).length > 0 ? { exclude: unquotaed(storage) } : {}) } } },
    nodeSelector: coreNodeSelector(cluster),
  };
}

/** The folders of the volume that are no user's and get no quota (the enforcer's `exclude`, by folder name). */
function unquotaed(storage: SharedStorage): string[] {
  return [...(storage.courseFolder ? [COURSE_FOLDER_SUBPATH] : []), ...(storage.exchange ? [EXCHANGE_SUBPATH] : [])];
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

/** A volume mount as z2jh and KubeSpawner take it (Kubernetes' spelling). */
export type VolumeMountValues = { readonly name: string; readonly mountPath: string; readonly subPath: string; readonly readOnly?: boolean };

/** z2jh's `singleuser.storage` of a shared hub. */
export type StaticStorageValues = {
  readonly type: 'static';
  readonly static: { readonly pvcName: string; readonly subPath: string };
  readonly extraVolumeMounts?: Record<string, VolumeMountValues>;
};

/**
 * z2jh's `singleuser.storage` of a shared hub: the users' claim, a folder per user; with the
 * course folder, `shared/` read-only (the hub-side Python of {@link courseFolderValues} makes it
 * read-write for admins and the writer groups), with the exchange, `exchange/` read-write. Both
 * are folders of the same claim (z2jh's volume `home`), mounted by `subPath`.
 */
export function staticStorageValues(names: Pick<HomeNfsNames, 'homesClaim'>, storage: Pick<SharedStorage, 'courseFolder' | 'exchange'>): StaticStorageValues {
  const mounts: Record<string, VolumeMountValues> = {
    ...(storage.courseFolder ? { [COURSE_FOLDER_MOUNT]: { name: HOME_VOLUME, mountPath: COURSE_FOLDER_MOUNT_PATH, subPath: COURSE_FOLDER_SUBPATH, readOnly: true } } : {}),
    ...(storage.exchange ? { [EXCHANGE_MOUNT]: { name: HOME_VOLUME, mountPath: EXCHANGE_MOUNT_PATH, subPath: EXCHANGE_SUBPATH } } : {}),
  };
  return { type: 'static', static: { pvcName: names.homesClaim, subPath: USER_SUBPATH }, ...(Object.keys(mounts).length > 0 ? { extraVolumeMounts: mounts } : {}) };
}

/** The course folder's rules as `custom.jhmCourseFolder` holds them. */
export type CourseFolderRuleValues = { readonly mount: string; readonly writers: readonly string[] };

/**
 * The hub-side Python (a `hub.extraConfig` entry) that makes the course folder read-write for
 * the hub's admins and the members of the writer groups. z2jh 4.4.0 sets
 * `c.KubeSpawner.volume_mounts` to a mapping (its own mounts and `extraVolumeMounts`) before the
 * entries run; KubeSpawner 7 turns the mapping's values into the pod's volume mounts at each
 * start. JupyterHub calls `pre_spawn_hook` with the spawner before each start, so the mount's
 * mode follows the user's admin flag and groups of that moment, both ways. A hook set before
 * this entry still runs first.
 */
export const COURSE_FOLDER_PYTHON = `# jhm: the course folder (shared/) read-write for admins and the writer groups, read-only for others.
# The rules are the chart values' custom.${COURSE_FOLDER_CUSTOM_KEY} (from the hub file's
# jupyterhub.storage.courseFolder and courseFolderWriters).
jhm_course_folder = get_config("custom.${COURSE_FOLDER_CUSTOM_KEY}", {})
jhm_course_folder_earlier_hook = c.KubeSpawner.get("pre_spawn_hook")


def jhm_course_folder_mode(spawner):
    """Mount the course folder read-write when the user is an admin or in a writer group."""
    if jhm_course_folder_earlier_hook is not None:
        jhm_course_folder_earlier_hook(spawner)
    user = spawner.user
    groups = {group.name for group in user.groups}
    writes = bool(user.admin) or bool(groups & set(jhm_course_folder["writers"]))
    mounts = dict(spawner.volume_mounts)
    key = jhm_course_folder["mount"]
    mounts[key] = dict(mounts[key], readOnly=not writes)
    spawner.volume_mounts = mounts


c.KubeSpawner.pre_spawn_hook = jhm_course_folder_mode
`;

/**
 * What the course folder adds to the chart values beside its mount: its rules (`custom`) and the
 * Python ({@link COURSE_FOLDER_PYTHON}); undefined without a course folder, so other hubs render
 * as before.
 */
export function courseFolderValues(storage: HubStorage): { custom: Record<string, CourseFolderRuleValues>; extraConfig: Record<string, string> } | undefined {
  if (storage.type !== 'shared' || !storage.courseFolder) return undefined;
  return {
    custom: { [COURSE_FOLDER_CUSTOM_KEY]: { mount: COURSE_FOLDER_MOUNT, writers: [...storage.courseFolderWriters] } },
    extraConfig: { [COURSE_FOLDER_EXTRA_CONFIG_KEY]: COURSE_FOLDER_PYTHON },
  };
}
