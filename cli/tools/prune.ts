/**
 * `jhm apply --prune`: after every stage of the apply succeeded, delete the live objects jhm wrote
 * to the cluster earlier that are no longer in `dist/<cluster>/` or `dist-secrets/<cluster>/`.
 * `kubectl apply` never deletes; this does, within strict bounds:
 *
 * - only objects carrying jhm's ownership labels (`k8s/ownership.ts`): `jupyterhub-magnum/cluster=<cluster>`,
 *   and with `--hub` also `jupyterhub-magnum/hub=<hub>` (so only that hub's objects), checked again
 *   on each object kubectl returns;
 * - only of the kinds jhm wrote: those in the output folders now, plus those recorded by earlier
 *   applies (`.jhm/applied/<cluster>.json`, written before an apply contacts the cluster, so a
 *   failed or killed apply is recorded too, and a kind that left dist/ entirely is still looked
 *   for; the record forgets a kind only after a full prune);
 * - never an object still in the output folders (one without `metadata.namespace` matches its
 *   kind and name in any namespace: kubectl put it in the context's namespace);
 * - never a Namespace, CustomResourceDefinition or PersistentVolumeClaim (deleting one takes data,
 *   or every object of the kind or namespace, with it): those are listed with the command to
 *   delete them by hand;
 * - never an object a controller owns (`ownerReferences` with `controller: true`): its owner
 *   deletes it;
 * - never a Secret when `dist-secrets/<cluster>/` lacks the Secrets file of a wave that has one in
 *   `dist/<cluster>/` (they were left out, not removed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { ProjectLayout } from '../../project/layout';
import { OWNER_CLUSTER_LABEL, OWNER_HUB_LABEL, ownerSelector } from '../../k8s/ownership';
import { waveOfFile } from '../../k8s/waves';
import { writeJsonAtomicSync } from '../../base/files';
import { describeFailure, succeeded } from '../../base/process';
import { OUTPUT_DIRS, ownership, readRecord as readOutputRecord } from '../../synth/output';
import { info, success } from '../../synth/report';
import { apiGroup, objectIdentity } from '../../k8s/object-identity';
import { describeObject, ManifestObject, NEVER_PRUNED_KINDS, readManifestFile } from '../../synth/manifest-plan';
import { Kubectl } from './kubectl';

/** A live object found by the prune's listing. */
export interface LiveObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** What `jhm apply --prune` does on a cluster. */
export interface PrunePlan {
  /** Objects to delete. */
  readonly remove: readonly LiveObject[];
  /** Objects no longer written that are never pruned (Namespaces, CRDs, PVCs, Secrets left out): delete by hand. */
  readonly kept: readonly { readonly object: LiveObject; readonly why: string }[];
  /** Resource types the server does not know (their CRD is gone, and the objects with it). */
  readonly unknownTypes: readonly string[];
}

/** The record of `.jhm/applied/<cluster>.json`. */
interface AppliedRecord {
  readonly format: 1;
  /** Resource types (`Kind` or `Kind.group`) jhm applied to the cluster. */
  readonly types: readonly string[];
}

/** `Kind.group` (kubectl's TYPE.GROUP), or `Kind` for the core group. */
export function resourceType(o: { readonly apiVersion: string; readonly kind: string }): string {
  const group = apiGroup(o.apiVersion);
  return group === '' ? o.kind : `${o.kind}.${group}`;
}

function readRecord(root: string, cluster: string): AppliedRecord | undefined {
  const file = new ProjectLayout(root).appliedRecord(cluster);
  if (!fs.existsSync(file)) return undefined;
  const shown = path.relative(root, file);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`is not JSON (${(e as Error).message.split('\n')[0]})`, { file: shown, fix: `delete it; jhm apply ${cluster} writes it again (kinds that left dist/ before are then not pruned)` });
  }
  const types = (data as { types?: unknown } | null)?.types;
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) {
    throw new UserError('has no "types" list of strings', { file: shown, fix: `delete it; jhm apply ${cluster} writes it again` });
  }
  return { format: 1, types };
}

/**
 * What one `jhm apply` applies, read once (under the project lock, before kubectl runs): the
 * objects of `dist/<cluster>/` and `dist-secrets/<cluster>/`, and whether Secrets files are left
 * out. The prune compares the live objects with this, never with the folders read again later.
 */
export interface AppliedOutput {
  readonly objects: readonly ManifestObject[];
  /** A Secrets file of `dist-secrets/<cluster>/` is missing for a wave file that has Secrets (they were left out, not removed). */
  readonly secretsLeftOut: boolean;
}

/** Reads what `jhm apply` applies for `cluster` (see `AppliedOutput`). */
export function readAppliedOutput(root: string, cluster: string): AppliedOutput {
  const record = readOutputRecord(root, cluster);
  // jhm's wave files only, as `planApply` applies them (another tool's file in the folder is not applied).
  const read = (kind: 'dist' | 'secrets') =>
    ownership(root, record, kind, cluster)
      .owned.filter((f) => waveOfFile(f) !== undefined)
      .flatMap((f) => readManifestFile(path.join(root, OUTPUT_DIRS[kind], cluster, f), path.join(OUTPUT_DIRS[kind], cluster, f)));
  // Encrypted Secrets (`dist/<cluster>/secrets/`): kind, name and namespace are readable without a key.
  const encryptedDir = new ProjectLayout(root).encryptedSecretsFile(cluster, '');
  const encrypted = (fs.existsSync(encryptedDir) ? fs.readdirSync(encryptedDir).sort() : [])
    .filter((f) => waveOfFile(f) !== undefined)
    .flatMap((f) => readManifestFile(path.join(encryptedDir, f), path.relative(root, path.join(encryptedDir, f))));
  return { objects: [...read('dist'), ...read('secrets'), ...encrypted], secretsLeftOut: secretsLeftOut(root, cluster) };
}

/** Resource types to look for: those applied now and those recorded by earlier applies, sorted. */
export function prunableTypes(root: string, cluster: string, output: AppliedOutput): string[] {
  const types = new Set(output.objects.map(resourceType));
  for (const t of readRecord(root, cluster)?.types ?? []) types.add(t);
  return [...types].sort();
}

/**
 * Records the kinds of this apply in `.jhm/applied/<cluster>.json`: added to the earlier ones
 * (before the apply contacts the cluster, and again after it), or, after a prune of the whole
 * cluster, instead of them with the kinds of the objects the prune kept (`prunedAll.kept`: nothing
 * else of a kind that left dist/ is then left on it).
 */
export function recordApplied(root: string, cluster: string, output: AppliedOutput, options: { readonly prunedAll: false } | { readonly prunedAll: true; readonly kept: readonly LiveObject[] }): void {
  const now = output.objects.map(resourceType);
  const types = new Set(options.prunedAll ? [...now, ...options.kept.map(resourceType)] : [...(readRecord(root, cluster)?.types ?? []), ...now]);
  const record: AppliedRecord = { format: 1, types: [...types].sort() };
  writeJsonAtomicSync(new ProjectLayout(root).appliedRecord(cluster), record);
}

/** Whether a Secrets file of `dist-secrets/<cluster>/` is missing for a wave file that has Secrets (they were left out, not removed). */
function secretsLeftOut(root: string, cluster: string): boolean {
  const dist = path.join(root, OUTPUT_DIRS.dist, cluster);
  const encrypted = new ProjectLayout(root).encryptedSecretsFile(cluster, '');
  const secrets = fs.existsSync(encrypted) ? encrypted : path.join(root, OUTPUT_DIRS.secrets, cluster);
  if (!fs.existsSync(secrets)) return true;
  const files = fs.existsSync(dist) ? fs.readdirSync(dist) : [];
  return files.some((f) => waveOfFile(f)?.wave.secrets === true && !fs.existsSync(path.join(secrets, f)));
}

/** `kubectl get <types> --all-namespaces -l <selector> -o json`. */
export function listArgs(types: readonly string[], cluster: string, hub?: string): string[] {
  return ['get', types.join(','), '--all-namespaces', '-l', ownerSelector(cluster, hub), '-o', 'json'];
}

/** Listing the live objects failed: `reason` says why, in a few words (a dry run prints it with the listing command). */
class ListingFailed extends UserError {
  constructor(cluster: string, readonly reason: string, fix: string) {
    super(`cannot prune ${cluster}: ${reason}`, { fix });
  }
}

interface LiveItem {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, unknown>; ownerReferences?: Array<{ controller?: unknown }> };
}

/**
 * Lists the live objects of `cluster` (and `hub`) jhm labelled, of the kinds it wrote, and sorts
 * them into those to delete (not in the output folders) and those kept. Types the server does not
 * know are left out (one `kubectl get` per try).
 */
export async function planPrune(kubectl: Kubectl, root: string, cluster: string, output: AppliedOutput, options: { readonly hub?: string; readonly timeoutMs: number }): Promise<PrunePlan> {
  // Never prune against an empty output (a folder read half-way through a change would empty a cluster).
  if (output.objects.length === 0) throw new ListingFailed(cluster, `${OUTPUT_DIRS.dist}/${cluster} held no objects when it was applied`, `run jhm synth ${cluster}, then jhm apply ${cluster} --prune`);
  let types = prunableTypes(root, cluster, output);
  const unknownTypes: string[] = [];
  let items: LiveItem[] = [];
  while (types.length > 0) {
    const r = await kubectl.run(listArgs(types, cluster, options.hub), options.timeoutMs);
    if (succeeded(r) && r.truncated) {
      throw new ListingFailed(cluster, 'kubectl get printed more than jhm reads', 'delete the objects that left dist/ by hand (kubectl get with the same labels lists them)');
    }
    if (succeeded(r)) {
      try {
        const parsed = JSON.parse(r.stdout) as { items?: LiveItem[] };
        items = Array.isArray(parsed.items) ? parsed.items : [];
      } catch {
        throw new ListingFailed(cluster, 'kubectl get printed no JSON list', 'check kubectl and the cluster, then run jhm apply --prune again');
      }
      break;
    }
    // A type whose CRD is gone: the server says so; its objects went with the CRD.
    const unknown = /doesn't have a resource type "([^"]+)"/.exec(r.stderr)?.[1];
    const drop = unknown === undefined ? [] : types.filter((t) => t.toLowerCase() === unknown.toLowerCase() || t.toLowerCase().split('.')[0] === unknown.toLowerCase().split('.')[0]);
    if (drop.length === 0) {
      throw new ListingFailed(cluster, `kubectl get: ${describeFailure(r, options.timeoutMs)}`, 'check kubectl and the cluster, then run jhm apply --prune again (the apply itself succeeded)');
    }
    unknownTypes.push(...drop);
    types = types.filter((t) => !drop.includes(t));
  }

  const current = output.objects;
  const wanted = new Set(current.map(objectIdentity));
  // An object of the output without metadata.namespace went to kubectl's context namespace
  // (whichever that was): it is still wanted there, so its kind and name match in any namespace.
  const anyNamespace = new Set(current.filter((o) => o.namespace === undefined).map((o) => objectIdentity({ ...o, namespace: undefined })));
  const keepSecrets = output.secretsLeftOut;
  const remove: LiveObject[] = [];
  const kept: { object: LiveObject; why: string }[] = [];
  for (const item of items) {
    const m = item.metadata;
    if (typeof item.apiVersion !== 'string' || typeof item.kind !== 'string' || typeof m?.name !== 'string') continue;
    // Only what carries jhm's labels for this cluster (and hub), whatever the server's filter did.
    if (m.labels?.[OWNER_CLUSTER_LABEL] !== cluster) continue;
    if (options.hub !== undefined && m.labels?.[OWNER_HUB_LABEL] !== options.hub) continue;
    if (Array.isArray(m.ownerReferences) && m.ownerReferences.some((o) => o?.controller === true)) continue;
    const object: LiveObject = { apiVersion: item.apiVersion, kind: item.kind, ...(typeof m.namespace === 'string' && m.namespace !== '' ? { namespace: m.namespace } : {}), name: m.name };
    if (wanted.has(objectIdentity(object)) || anyNamespace.has(objectIdentity({ ...object, namespace: undefined }))) continue;
    if (NEVER_PRUNED_KINDS.includes(object.kind)) kept.push({ object, why: 'never pruned: it takes data with it' });
    else if (object.kind === 'Secret' && object.apiVersion === 'v1' && keepSecrets) kept.push({ object, why: `not pruned: ${OUTPUT_DIRS.secrets}/${cluster}/ lacks Secrets files (run jhm synth ${cluster} with every secrets file)` });
    else remove.push(object);
  }
  const order = (o: LiveObject) => `${o.namespace ?? ''}\u0000${resourceType(o)}\u0000${o.name}`;
  remove.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  kept.sort((a, b) => (order(a.object) < order(b.object) ? -1 : 1));
  return { remove, kept, unknownTypes };
}

/** The `kubectl delete` argument lists of a plan: one per namespace (cluster-scoped objects first). */
export function deleteArgs(plan: PrunePlan, timeoutSeconds: number): string[][] {
  const byNamespace = new Map<string, LiveObject[]>();
  for (const o of plan.remove) {
    const ns = o.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), o]);
  }
  return [...byNamespace.keys()].sort().map((ns) => [
    'delete',
    ...byNamespace.get(ns)!.map((o) => `${resourceType(o)}/${o.name}`),
    ...(ns === '' ? [] : ['-n', ns]),
    '--ignore-not-found',
    `--timeout=${timeoutSeconds}s`,
  ]);
}

/** The command that deletes one kept object by hand. */
export function manualDeleteCommand(kubectl: Kubectl, o: LiveObject, bin: string = 'kubectl'): string {
  return kubectl.commandLine(['delete', `${resourceType(o)}/${o.name}`, ...(o.namespace !== undefined ? ['-n', o.namespace] : [])], bin);
}

/** What the plan means, one line per object, for people (stderr in a run, comments in a dry run). */
export function describePrunePlan(plan: PrunePlan, kubectl: Kubectl, cluster: string, bin?: string): string[] {
  const lines: string[] = [];
  if (plan.remove.length === 0) lines.push(`prune: nothing to delete on ${cluster}`);
  else lines.push(`prune: ${plan.remove.length} object${plan.remove.length === 1 ? '' : 's'} on ${cluster} no longer in dist/: ${plan.remove.map(describeObject).join(', ')}`);
  for (const { object, why } of plan.kept) lines.push(`prune: kept ${describeObject(object)} (${why}); to delete it: ${manualDeleteCommand(kubectl, object, bin)}`);
  if (plan.unknownTypes.length > 0) lines.push(`prune: the cluster has no resource type ${plan.unknownTypes.join(', ')} (its CRD is gone, with its objects)`);
  return lines;
}

/** Deletes the plan's objects; throws a `UserError` naming the objects when kubectl fails. */
export async function runPrune(kubectl: Kubectl, plan: PrunePlan, cluster: string, timeoutMs: number): Promise<void> {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  for (const args of deleteArgs(plan, seconds)) {
    const r = await kubectl.run(args, timeoutMs);
    if (!succeeded(r)) {
      throw new UserError(`cannot prune ${cluster}: ${kubectl.commandLine(args, 'kubectl')} failed: ${describeFailure(r, timeoutMs)}`, { fix: 'check the cluster, then run jhm apply --prune again (the apply itself succeeded)' });
    }
  }
}

/**
 * What `jhm apply` does after every stage succeeded: records the kinds it applied
 * (`recordApplied`), and with `--prune` deletes what left the output folders, saying on stderr
 * what it deletes and what it keeps.
 */
export async function pruneAfterApply(kubectl: Kubectl, root: string, cluster: string, output: AppliedOutput, options: { readonly hub?: string; readonly prune: boolean; readonly timeoutMs: number }): Promise<void> {
  // First the union: a failed prune must not forget a kind still on the cluster.
  recordApplied(root, cluster, output, { prunedAll: false });
  if (!options.prune) return;
  const plan = await planPrune(kubectl, root, cluster, output, options);
  for (const line of describePrunePlan(plan, kubectl, cluster)) info(line);
  await runPrune(kubectl, plan, cluster, options.timeoutMs);
  if (plan.remove.length > 0) success(`${cluster}: pruned ${plan.remove.length} object${plan.remove.length === 1 ? '' : 's'}`);
  // Kinds of what was kept (left to delete by hand, or Secrets left out) stay recorded: a later prune still lists them.
  if (options.hub === undefined) recordApplied(root, cluster, output, { prunedAll: true, kept: plan.kept.map((k) => k.object) });
}

/**
 * `jhm apply --dry-run --prune`: the deletions as commands after the apply's (stdout), listed
 * with `kubectl` when it can reach the cluster (a read-only `kubectl get`); otherwise the
 * listing command to run by hand.
 */
export async function printPruneDryRun(
  root: string,
  cluster: string,
  output: AppliedOutput,
  options: { readonly hub?: string; readonly kubectl?: Kubectl; readonly shown: Kubectl; readonly bin: string; readonly timeoutSeconds: number; readonly unreachable?: string },
): Promise<void> {
  const lines: string[] = [];
  // Without kubectl or a kubeconfig, or when the listing fails: the listing command, with the reason.
  let plan: PrunePlan | undefined;
  let unreachable = options.unreachable;
  if (options.kubectl !== undefined) {
    try {
      plan = await planPrune(options.kubectl, root, cluster, output, { hub: options.hub, timeoutMs: options.timeoutSeconds * 1000 });
    } catch (e) {
      if (!(e instanceof ListingFailed)) throw e;
      unreachable = e.reason;
    }
  }
  if (plan === undefined) {
    lines.push(`# prune: cannot list the live objects (${unreachable ?? 'no cluster'}); these list them:`);
    lines.push(options.shown.commandLine(listArgs(prunableTypes(root, cluster, output), cluster, options.hub), options.bin));
  } else {
    lines.push(...describePrunePlan(plan, options.shown, cluster, options.bin).map((l) => `# ${l}`));
    for (const args of deleteArgs(plan, options.timeoutSeconds)) lines.push(options.shown.commandLine(args, options.bin));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
