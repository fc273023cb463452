/**
 * The spawn page's choices: `singleuser.profileList`, one entry per resolved hub profile, each
 * pinned to its nodegroup's nodes through the node selector the shared model computed
 * (`profile.nodeGroup.nodeSelector`, i.e. `capi.stackhpc.com/node-group: <nodegroup>`).
 */
import type { Profile } from '../../model/hub';

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** A Kubernetes toleration. */
export type Toleration = {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
};

/** Tolerates the taint GPU nodes conventionally carry (`nvidia.com/gpu:NoSchedule`). */
export function gpuToleration(): Toleration {
  return { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };
}

/** KubeSpawner traits a profile overrides (a pass-through of KubeSpawner 7 trait names). */
export type KubespawnerOverride = {
  readonly node_selector: Record<string, string>;
  readonly image?: string;
  readonly cpu_guarantee?: number;
  readonly cpu_limit?: number;
  readonly mem_guarantee?: string;
  readonly mem_limit?: string;
  readonly extra_resource_limits?: Record<string, string>;
  readonly tolerations?: Toleration[];
};

/** One entry of `singleuser.profileList`. */
export type ProfileValues = {
  readonly display_name: string;
  readonly slug: string;
  readonly description?: string;
  readonly default?: true;
  readonly kubespawner_override: KubespawnerOverride;
};

/**
 * The profile list entry of `profile`:
 * - `node_selector`: the nodegroup's selector. KubeSpawner merges dict overrides into the
 *   current value, so it adds to (never drops) a `singleuser.nodeSelector`.
 * - resources and image only when the profile sets them (else the `singleuser` defaults apply);
 * - `gpus: N` adds the limit `nvidia.com/gpu: "N"` and the `nvidia.com/gpu` toleration. A list
 *   override replaces KubeSpawner's tolerations; the chart's defaults it replaces only matter on
 *   nodes tainted `hub.jupyter.org/dedicated=user`, which Magnum never sets.
 * - `default: true` on the profile the model marks default (exactly one when there are several).
 */
export function profileValues(profile: Profile): ProfileValues {
  const override: Record<string, unknown> = { node_selector: { ...profile.nodeGroup.nodeSelector } };
  if (profile.image !== undefined) override.image = profile.image;
  if (profile.cpuGuarantee !== undefined) override.cpu_guarantee = profile.cpuGuarantee;
  if (profile.cpuLimit !== undefined) override.cpu_limit = profile.cpuLimit;
  if (profile.memoryGuarantee !== undefined) override.mem_guarantee = profile.memoryGuarantee;
  if (profile.memoryLimit !== undefined) override.mem_limit = profile.memoryLimit;
  if (profile.gpus > 0) {
    override.extra_resource_limits = { [GPU_RESOURCE]: String(profile.gpus) };
    override.tolerations = [gpuToleration()];
  }
  return {
    display_name: profile.displayName,
    slug: profile.slug,
    ...(profile.description ? { description: profile.description } : {}),
    ...(profile.default ? { default: true as const } : {}),
    kubespawner_override: override as KubespawnerOverride,
  };
}

/** `singleuser.profileList` of the hub's `profiles` (`hub.jupyterhub.profiles`), in hub-file order (empty: no profile page). */
export function profileListValues(profiles: readonly Profile[]): ProfileValues[] {
  return profiles.map(profileValues);
}

/** True when some profile asks for GPUs. */
export function hasGpuProfile(profiles: readonly Profile[]): boolean {
  return profiles.some((p) => p.gpus > 0);
}
