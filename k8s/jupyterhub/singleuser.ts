/**
 * User servers: `singleuser` values (image, resources, home volume, start timeout, environment,
 * profile list) from the hub file's `jupyterhub.singleuser` and `jupyterhub.profiles`.
 */
import type { Hub, Profile } from '../../model/hub';
import { ImageNameTag, splitImage } from './image';
import { profileListValues, ProfileValues } from './profiles';
import { HOMES_CLAIM, StaticStorageValues, staticStorageValues } from './home-nfs';

/** `singleuser` values of the chart. */
export type SingleuserValues = {
  readonly image: ImageNameTag;
  readonly defaultUrl: string;
  readonly cpu?: { readonly guarantee?: number; readonly limit?: number };
  readonly memory?: { readonly guarantee?: string; readonly limit?: string };
  readonly storage: { readonly capacity: string; readonly dynamic?: { readonly storageClass: string } } | StaticStorageValues;
  readonly startTimeout: number;
  readonly extraEnv: Record<string, string>;
  readonly profileList?: ProfileValues[];
};

/** What the `singleuser` values are made from. */
export interface SingleuserProps {
  /** The hub file's `jupyterhub.singleuser` (`hub.jupyterhub.singleuser`). */
  readonly singleuser: Hub['jupyterhub']['singleuser'];
  /** The resolved profiles (`hub.jupyterhub.profiles`). */
  readonly profiles: readonly Profile[];
  /** Where the home folders live (`hub.jupyterhub.storage`); per user when left out. */
  readonly storage?: Hub['jupyterhub']['storage'];
}

/**
 * `singleuser`. Resources appear only when the hub file sets them (the chart's defaults
 * stand otherwise); `storage.dynamic.storageClass` only when set (else the cluster default class);
 * `profileList` only when the hub has profiles.
 */
export function singleuserValues(props: SingleuserProps): SingleuserValues {
  const su = props.singleuser;
  const cpu = dropUndefined({ guarantee: su.cpuGuarantee, limit: su.cpuLimit });
  const memory = dropUndefined({ guarantee: su.memoryGuarantee, limit: su.memoryLimit });
  const profiles = profileListValues(props.profiles);
  return {
    image: splitImage(su.image),
    defaultUrl: su.defaultUrl,
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    // Shared storage: the hub's NFS claim, a folder per user (`home-nfs.ts`).
    storage:
      props.storage?.type === 'shared'
        ? staticStorageValues({ homesClaim: HOMES_CLAIM }, props.storage)
        : {
            capacity: su.storageCapacity,
            ...(su.storageClass !== undefined ? { dynamic: { storageClass: su.storageClass } } : {}),
          },
    startTimeout: su.startTimeout,
    extraEnv: { ...su.extraEnv },
    ...(profiles.length > 0 ? { profileList: profiles } : {}),
  };
}

/** `o` without its undefined entries, or undefined when none is left. */
function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as Partial<T>) : undefined;
}
