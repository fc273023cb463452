/**
 * Whether each profile's servers fit the nodes of its nodegroup, by the flavor table
 * (`model/flavors.ts`). A flavor the table does not know is not judged.
 *
 * - An error: a profile asking for GPUs (`gpus`) on a nodegroup whose flavor has fewer (no
 *   `nvidia.com/gpu` to give: the server would wait for ever, then time out). The GPU nodes of a
 *   Jetstream2 Magnum cluster get the device plugin by default (`GPU_DEVICE_PLUGIN_BY_DEFAULT`), so
 *   the flavor is what decides it.
 * - A warning: a profile whose guaranteed CPU or memory (its own, else `singleuser`'s, which
 *   KubeSpawner uses then) is more than a node of its nodegroup can give one server. A node keeps
 *   back part of what its flavor has ({@link nodeReserve}): jhm assumes 0.5 vCPU and a tenth of
 *   the memory, at least 1 GiB: the guest kernel's own share of the VM's memory, the kubelet's
 *   eviction threshold (100 MiB by default; the Cluster API chart sets no kube-reserved) and the
 *   DaemonSets every node runs (CNI, the Cinder CSI node plugin, node feature discovery), which
 *   request about 0.3 to 0.5 vCPU and a few hundred MiB together.
 *
 * Memory quantities are read as KubeSpawner reads them (JupyterHub's `ByteSpecification`: K, M, G
 * and T are powers of 1024), Ki/Mi/Gi/Ti likewise; CPU in vCPUs.
 */
import { Diagnostic, warning } from './diagnostics';
import { UserError } from './errors';
import { FlavorFacts, gpuFlavors, jetstream2Flavor, JETSTREAM2_FLAVORS } from './flavors';
import type { Hub, Profile, Resources } from './hub';

const GiB = 1024 ** 3;

/** What a node of `flavor` keeps back from its servers (see the module comment). */
export function nodeReserve(flavor: FlavorFacts): { vcpus: number; memoryBytes: number } {
  return { vcpus: 0.5, memoryBytes: Math.max(GiB, (flavor.memoryGB * GiB) / 10) };
}

/** What a node of `flavor` can give its servers. */
export function nodeAllocatable(flavor: FlavorFacts): { vcpus: number; memoryBytes: number } {
  const reserve = nodeReserve(flavor);
  return { vcpus: Math.max(0, flavor.vcpus - reserve.vcpus), memoryBytes: Math.max(0, flavor.memoryGB * GiB - reserve.memoryBytes) };
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, m: 1e-3, k: 1024, K: 1024, Ki: 1024, M: 1024 ** 2, Mi: 1024 ** 2, G: GiB, Gi: GiB, T: 1024 ** 4, Ti: 1024 ** 4 };

/** Bytes of a memory quantity such as `2G`, `512Mi` (the hub schema's form), or `undefined` when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|K|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(quantity);
  return m ? parseFloat(m[1]) * BYTE_UNITS[m[2] ?? ''] : undefined;
}

/** Bytes as GiB for messages: `27 GiB`, `13.5 GiB`. */
function gib(bytes: number): string {
  return `${Math.floor((bytes / GiB) * 10) / 10} GiB`;
}

/** The profiles of `hub` with their index in the hub file (`jupyterhub.profiles[i]`). */
function indexed(hub: Hub): Array<{ profile: Profile; field: string }> {
  return hub.jupyterhub.profiles.map((profile, i) => ({ profile, field: `jupyterhub.profiles[${i}]` }));
}

/** The smallest flavor of the same family as `flavor` that gives one server `need`, if any. */
function largerFlavor(flavor: string, need: { vcpus: number; memoryBytes: number }): string | undefined {
  const family = flavor.slice(0, flavor.indexOf('.') + 1);
  return Object.entries(JETSTREAM2_FLAVORS)
    .filter(([name]) => name.startsWith(family))
    .sort(([, a], [, b]) => a.vcpus - b.vcpus)
    .find(([, f]) => {
      const a = nodeAllocatable(f);
      return a.vcpus >= need.vcpus && a.memoryBytes >= need.memoryBytes;
    })?.[0];
}

/**
 * Rule: a profile asking for GPUs runs on a nodegroup whose flavor has at least that many. One
 * error per such profile, naming the hub file, the profile's `gpus` field and the fix.
 */
export function gpuProfileErrors(hub: Hub): UserError[] {
  const errors: UserError[] = [];
  for (const { profile, field } of indexed(hub)) {
    if (profile.gpus === 0) continue;
    const group = profile.nodeGroup;
    const flavor = jetstream2Flavor(group.flavor);
    if (flavor === undefined || flavor.gpus >= profile.gpus) continue;
    const has = flavor.gpus === 0 ? 'has no GPU' : `has ${flavor.gpus} GPU${flavor.gpus === 1 ? '' : 's'}`;
    const fitting = gpuFlavors(profile.gpus);
    errors.push(
      new UserError(`asks for ${profile.gpus} GPU${profile.gpus === 1 ? '' : 's'} per server, but nodegroup ${group.name} runs on ${group.flavor}, which ${has}: the server could never start`, {
        file: hub.source,
        field: `${field}.gpus`,
        fix:
          fitting.length > 0
            ? `set ${field}.nodeGroup to a nodegroup of a GPU flavor (${fitting.join(', ')}), or lower gpus`
            : `no Jetstream2 flavor has ${profile.gpus} GPUs: ask for at most ${Math.max(0, ...Object.values(JETSTREAM2_FLAVORS).map((f) => f.gpus))}`,
      }),
    );
  }
  return errors;
}

/**
 * Warnings: a profile whose guaranteed CPU or memory is more than a node of its nodegroup can give
 * one server (the reserve of {@link nodeReserve} taken off), for every hub given.
 */
export function profileFitWarnings(hubs: readonly Hub[]): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const hub of hubs) {
    const singleuser = hub.jupyterhub.singleuser;
    for (const { profile, field } of indexed(hub)) {
      const group = profile.nodeGroup;
      const flavor = jetstream2Flavor(group.flavor);
      if (flavor === undefined) continue;
      const room = nodeAllocatable(flavor);
      const warned = new Set<string>();
      for (const { what, cpu, cpuField, memory, memoryField } of serverShapes(profile, field, singleuser)) {
        const bytes = memory === undefined ? undefined : memoryBytes(memory);
        const need = { vcpus: cpu ?? 0, memoryBytes: bytes ?? 0 };
        const larger = largerFlavor(group.flavor, need);
        const move = larger !== undefined ? `, or put the profile on a nodegroup of a larger flavor such as ${larger}` : '';
        const node = `a node of nodegroup ${group.name} (${group.flavor}: ${flavor.vcpus} vCPUs, ${flavor.memoryGB} GB)`;
        if (cpu !== undefined && cpu > room.vcpus && !warned.has(cpuField)) {
          warned.add(cpuField);
          warnings.push(
            warning(`profile "${profile.displayName}"${what} guarantees ${cpu} vCPUs to each server, more than ${node} can give one: ${room.vcpus} after the 0.5 vCPU jhm assumes the node keeps`, {
              file: hub.source,
              field: cpuField,
              fix: `lower it to at most ${room.vcpus}${move}`,
            }),
          );
        }
        if (memory !== undefined && bytes !== undefined && bytes > room.memoryBytes && !warned.has(memoryField)) {
          warned.add(memoryField);
          const kept = gib(nodeReserve(flavor).memoryBytes);
          warnings.push(
            warning(`profile "${profile.displayName}"${what} guarantees ${memory} of memory to each server, more than ${node} can give one: ${gib(room.memoryBytes)} after the ${kept} jhm assumes the node keeps`, {
              file: hub.source,
              field: memoryField,
              fix: `lower it to at most ${gib(room.memoryBytes).replace(' GiB', 'G')}${move}`,
            }),
          );
        }
      }
    }
  }
  return warnings;
}

/** A guarantee a server of a profile may get, with the field that sets it. */
type ServerShape = { what: string; cpu?: number; cpuField: string; memory?: string; memoryField: string };

/**
 * Every guarantee a server of `profile` may get: each size of its menu (a choice's own value, else
 * the profile's, else `singleuser`'s, as KubeSpawner applies them), or without a menu the
 * profile's and each group's of `groupResources`; so the largest choice is judged too.
 */
function serverShapes(profile: Profile, field: string, singleuser: Hub['jupyterhub']['singleuser']): ServerShape[] {
  const pick = (own: Resources, ownField: string, key: 'cpuGuarantee' | 'memoryGuarantee') =>
    own[key] !== undefined ? { value: own[key], field: `${ownField}.${key}` } : profile[key] !== undefined ? { value: profile[key], field: `${field}.${key}` } : { value: singleuser[key], field: `jupyterhub.singleuser.${key}` };
  const shape = (what: string, own: Resources, ownField: string): ServerShape => {
    const cpu = pick(own, ownField, 'cpuGuarantee');
    const memory = pick(own, ownField, 'memoryGuarantee');
    return { what, cpu: cpu.value as number | undefined, cpuField: cpu.field, memory: memory.value as string | undefined, memoryField: memory.field };
  };
  const sizes = profile.options.resources?.choices;
  if (sizes !== undefined) return sizes.map((c, j) => shape(` (size "${c.displayName}")`, c, `${field}.options.resources.choices[${j}]`));
  return [shape('', {}, field), ...profile.groupResources.map((g, j) => shape(` (for group${g.groups.length === 1 ? '' : 's'} ${g.groups.join(', ')})`, g, `${field}.groupResources[${j}]`))];
}
