/**
 * Jetstream2's instance flavors: what a node of each flavor has (vCPUs, memory, GPUs) and what it
 * costs an allocation in service units (SUs) per hour. The one home of these facts: the change
 * plan's SU figures (`synth/plan-cost.ts`) and the profile rules (`model/profile-fit.ts`) read them
 * here. A flavor not in the table (another cloud, a flavor added later) is unknown: callers say
 * "unknown SU rate for flavor X" and never guess.
 *
 * Source: Jetstream2's documentation, "Instance Flavors"
 * (https://docs.jetstream-cloud.org/general/instance-flavors/, formerly /general/vmsizes/) and
 * "ACCESS Credits and Jetstream2" (https://docs.jetstream-cloud.org/general/access/), read on
 * 2026-12-07 (stored copies of the pages). 1 SU is 1 vCPU for 1 hour of wall-clock time; a flavor
 * family costs a multiple of that per vCPU: Jetstream2 (CPU, m3) 1, Large Memory (r3) 2, GPU (g3) 2.
 * The GPU rate was 4 SUs per vCPU-hour in earlier versions of both pages (and in the docs' source
 * on GitHub, jetstream-cloud/js2docs docs/general/vmsizes.md, last changed 2022-12-01); the current
 * pages say 2, and so does this table. An active instance is charged; a shelved one is not, a
 * stopped one half, a suspended one three quarters (the access page): a Magnum node is always active.
 * g3.xl's memory is 120 GB since an operational change the docs record in
 * https://gitlab.com/jetstream-cloud/jetstream2/docs/-/issues/97 (the table there still said 125).
 *
 * GPUs: every g3 flavor gets one NVIDIA vGPU, a share of an A100 (40 GB): g3.small 20 %, g3.medium
 * 25 %, g3.large 50 %, g3.xl the whole GPU. Kubernetes sees one `nvidia.com/gpu` on each such node.
 */

/** The flavor families of Jetstream2, by the prefix of their names. */
export type FlavorFamily = 'm3' | 'r3' | 'g3';

/** SUs per vCPU-hour, by family (see the module comment for the source). */
export const SU_PER_VCPU_HOUR: Readonly<Record<FlavorFamily, number>> = { m3: 1, r3: 2, g3: 2 };

/** What a node of a flavor has. */
export interface FlavorFacts {
  readonly vcpus: number;
  /** Memory in GB as Jetstream2 lists it (taken as GiB: OpenStack flavors state memory in MiB). */
  readonly memoryGB: number;
  /** `nvidia.com/gpu` devices a node of this flavor offers. */
  readonly gpus: number;
  /** The share of one A100 that GPU is, for g3 flavors. */
  readonly gpuShare?: number;
}

/** Jetstream2's flavors (m3.3xl only on request; r3 and g3 need their own allocations). */
export const JETSTREAM2_FLAVORS: Readonly<Record<string, FlavorFacts>> = {
  'm3.tiny': { vcpus: 1, memoryGB: 3, gpus: 0 },
  'm3.small': { vcpus: 2, memoryGB: 6, gpus: 0 },
  'm3.quad': { vcpus: 4, memoryGB: 15, gpus: 0 },
  'm3.medium': { vcpus: 8, memoryGB: 30, gpus: 0 },
  'm3.large': { vcpus: 16, memoryGB: 60, gpus: 0 },
  'm3.xl': { vcpus: 32, memoryGB: 125, gpus: 0 },
  'm3.2xl': { vcpus: 64, memoryGB: 250, gpus: 0 },
  'm3.3xl': { vcpus: 128, memoryGB: 500, gpus: 0 },
  'r3.large': { vcpus: 64, memoryGB: 500, gpus: 0 },
  'r3.xl': { vcpus: 128, memoryGB: 1000, gpus: 0 },
  'g3.small': { vcpus: 4, memoryGB: 15, gpus: 1, gpuShare: 0.2 },
  'g3.medium': { vcpus: 8, memoryGB: 30, gpus: 1, gpuShare: 0.25 },
  'g3.large': { vcpus: 16, memoryGB: 60, gpus: 1, gpuShare: 0.5 },
  'g3.xl': { vcpus: 32, memoryGB: 120, gpus: 1, gpuShare: 1 },
};

/** A known flavor: its facts, its family and its SU rate per hour (vCPUs times the family's rate). */
export interface Flavor extends FlavorFacts {
  readonly name: string;
  readonly family: FlavorFamily;
  readonly suPerHour: number;
}

/** The flavor named `name`, or `undefined` when Jetstream2's table does not list it. */
export function jetstream2Flavor(name: string): Flavor | undefined {
  if (!Object.hasOwn(JETSTREAM2_FLAVORS, name)) return undefined;
  const facts = JETSTREAM2_FLAVORS[name];
  const family = name.slice(0, name.indexOf('.')) as FlavorFamily;
  return { name, ...facts, family, suPerHour: facts.vcpus * SU_PER_VCPU_HOUR[family] };
}

/** The flavors with at least `gpus` GPUs, smallest first (for fixes that name one). */
export function gpuFlavors(gpus = 1): string[] {
  return Object.entries(JETSTREAM2_FLAVORS)
    .filter(([, f]) => f.gpus >= gpus)
    .sort(([, a], [, b]) => a.vcpus - b.vcpus)
    .map(([name]) => name);
}

/**
 * Whether GPU nodes of a Jetstream2 Magnum cluster get the NVIDIA device plugin by default: yes,
 * through the NVIDIA GPU operator the cluster's addons install. So jhm installs no device plugin
 * of its own (a second one would fight the operator's over the same devices); it checks instead
 * that a profile asking for GPUs runs on a nodegroup whose flavor has them (`model/profile-fit.ts`).
 *
 * - The Magnum Cluster API driver (openstack/magnum-capi-helm 1.0.0 to 1.4.0,
 *   `magnum_capi_helm/driver.py`, `_update_helm_release`) installs azimuth's `openstack-cluster`
 *   chart (`conf.py`: repo https://azimuth-cloud.github.io/capi-helm-charts, default version 0.4.0
 *   in 1.0.0-1.1.0 and 0.10.1 since 1.2.0, or the template label `capi_helm_chart_version`). Of
 *   the addons it sets only `openstack`, `monitoring`, `kubernetesDashboard`, `ingress` (off) and
 *   `cni`; no Magnum label turns the GPU operator on or off.
 * - The chart's addons (azimuth-cloud/capi-helm-charts, `charts/cluster-addons/values.yaml`, the
 *   `addons` dependency of `openstack-cluster`) have `nvidiaGPUOperator.enabled: true` in every
 *   release from 0.4.0 to 0.27.0: NVIDIA's `gpu-operator` chart in namespace `gpu-operator`, with
 *   node feature discovery (also on by default, `nodeFeatureDiscovery.enabled`) labelling the
 *   nodes that have an NVIDIA PCI device, so the operator's device plugin runs only on those nodes.
 * - The chart sets no taint on the nodes of a nodegroup: the GPU nodes carry none, and the
 *   `nvidia.com/gpu` toleration jhm gives GPU profiles (`k8s/jupyterhub/profiles.ts`) is harmless.
 *
 * What the sources cannot tell: whether a cloud points the driver's `helm_chart_repo` at a chart of
 * its own, and whether its node images carry the NVIDIA vGPU guest driver Jetstream2's vGPUs need
 * (the operator's driver container installs the data-center driver, not a licensed vGPU one). On a
 * new cluster, `kubectl describe node` of a GPU node listing `nvidia.com/gpu` under Allocatable
 * settles it.
 */
export const GPU_DEVICE_PLUGIN_BY_DEFAULT = {
  installed: true,
  by: 'the NVIDIA GPU operator of the cluster addons (azimuth capi-helm-charts cluster-addons nvidiaGPUOperator.enabled: true, which the Magnum Cluster API driver leaves on)',
} as const;
