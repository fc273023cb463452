/**
 * Synthesizes both apps for a set of clusters, in process: Terraform JSON (CDKTF, one stack per
 * cluster) and Kubernetes manifests (Helm + cdk8s, one folder per cluster), staged and swapped in
 * only when every cluster succeeded. The unit of synthesis, commit, ownership record
 * (`.jhm/state/<cluster>.json`), incremental key and prune is the cluster; a hub file in today's
 * format is its own cluster, named like the hub, so its outputs stay where they were.
 */
import * as os from 'os';
import * as path from 'path';
import pLimit from 'p-limit';
import { Diagnostic, Diagnostics } from '../model/diagnostics';
import { UserError } from '../model/errors';
import { ENCRYPTED_SECRETS_DIR, PROJECT_PATHS, ProjectLayout } from '../project/layout';
import { kubernetesMinor, kubernetesVersionField, minorOf, templateNameFor } from '../model/cluster-templates';
import { Hub } from '../model/hub';
import { DESTROY_GUARD_FIELD } from '../model/magnum-fields';
import { ClusterUnit, clusterUnits } from '../model/cluster-unit';
import { hubFileCluster, listClusterNames, listHubNames } from '../project/load';
import { HelmRenderer, HelmRendererOptions } from '../k8s/helm/render';
// cdktf, cdk8s and the helm output parser are loaded only when a hub is synthesized (not for a no-op synth).
import type { ClusterManifestResult, SecretsMode } from '../k8s/synth';
import type { ClusterOutput } from './encrypted-secrets';
import { validateProject } from '../project/validate';
import { clusterInputKey, SynthState } from './state';
import type { ResourceChange, TerraformPlan } from './terraform-plan';
import { foreignOutputs, OutputKind, recordedHubs, recoverOutputs, Staging, withSynthLock } from './output';

export interface SynthOptions {
  /** Project root: hubs/, clusters/, secrets/, outputs/ are read from here. */
  readonly root: string;
  /**
   * Hubs or clusters to synthesize (default: every file). The unit is the cluster: a named hub's
   * whole cluster (its platform and every hub on it) is synthesized; other clusters' output is
   * never touched.
   */
  readonly hubs?: readonly string[];
  /** Where the outputs go (default: `root`). `diff` points this at a temporary folder. */
  readonly outRoot?: string;
  /** Also remove the output of clusters that are no longer defined (no cluster file, no hub file that defines it). */
  readonly prune?: boolean;
  /** Options of the Helm renderer (chart folder, cache, offline). */
  readonly helm?: Partial<HelmRendererOptions>;
  /** Whether a missing secrets file is an error (`required`, default), leaves the hub's dist-secrets out (`optional`), or the files are never read (`none`, for diff and check). */
  readonly secrets?: SecretsMode;
  /** Which apps to run (default both): `infra` writes cdktf.out, `k8s` writes dist and dist-secrets. */
  readonly apps?: { readonly infra?: boolean; readonly k8s?: boolean };
  /** Clusters rendered at once (default: the number of cores). */
  readonly concurrency?: number;
  /** Called once per cluster when its manifests are ready (progress display). */
  readonly onCluster?: (result: ClusterManifestResult) => void;
  /** Synthesize every cluster even when its inputs and outputs are unchanged (see `state.ts`). */
  readonly force?: boolean;
  /** A hook for tests: runs after staging (given the staging folder), before the swap. */
  readonly beforeCommit?: (stagingDir: string) => void;
  /**
   * Write a stack that replaces a cluster or nodegroup (or destroys a cluster) although the
   * cluster's deletion protection is on (`jhm synth --allow-replace`, `JHM_ALLOW_REPLACE=1` for
   * `cdktf synth`). Without it such a synth into the project is refused before anything is written.
   * @default false
   */
  readonly allowReplace?: boolean;
}

export interface SynthReport {
  /** Every hub on the synthesized clusters (unchanged ones included). */
  readonly hubs: readonly Hub[];
  /** The clusters selected, each with its hubs (unchanged ones included). */
  readonly units: readonly ClusterUnit[];
  /** The Kubernetes side of each cluster synthesized (not of the unchanged ones). */
  readonly results: readonly ClusterOutput[];
  /** Clusters whose output was removed by `prune`. */
  readonly pruned: readonly string[];
  /** Clusters skipped because nothing they depend on changed since their last synth. */
  readonly unchanged: readonly string[];
  /**
   * What is under the output folders that jhm did not write (left alone), relative to the root:
   * inside the folders of the clusters synthesized, and with `prune` everywhere under them.
   */
  readonly foreign: readonly string[];
  /** Warnings of the selected files (a cluster with no hub). */
  readonly warnings: readonly Diagnostic[];
  /**
   * Per synthesized cluster (Terraform side run): what its new stack changes against the project's
   * committed `cdktf.out/stacks/<cluster>/cdk.tf.json` (`terraform-plan.ts`).
   */
  readonly plans: ReadonlyMap<string, TerraformPlan>;
}

/** What a synth of `names` (hubs or clusters; default all) covers: every hub of each selected cluster. */
export interface SynthesisUnits {
  readonly units: ClusterUnit[];
  readonly hubs: Hub[];
  readonly warnings: readonly Diagnostic[];
}

/**
 * The validated clusters to synthesize, each with every hub on it: for named hubs, their whole
 * clusters (a hub on a cluster file never comes alone, the cluster's folder holds every hub on
 * it); for named clusters, every hub on them. Throws `UserErrors` listing every problem.
 */
export function synthesisUnits(root: string, names?: readonly string[]): SynthesisUnits {
  const named = validateProject(root, names);
  const selected = !names || names.length === 0 ? named : validateProject(root, [...new Set([...named.clusters.map((c) => c.name), ...named.hubs.map((h) => h.cluster.name)])]);
  if (selected.hubs.length === 0 && selected.clusters.length === 0) {
    throw new UserError(`no hub files in ${PROJECT_PATHS.hubs}/`, { fix: 'create one with: jhm init <hub>' });
  }
  return { units: clusterUnits(selected.hubs, selected.clusters), hubs: selected.hubs, warnings: selected.warnings };
}

/** Every cluster name the project defines (cluster files, and the hub name of each hub file that defines its own cluster). */
export function definedClusterNames(root: string): Set<string> {
  const names = new Set(listClusterNames(root));
  for (const hub of listHubNames(root)) {
    // A hub file that names no cluster file defines its own cluster, named like it; one that
    // cannot be read or parsed (its cluster unknown) keeps the output named like it too: never pruned.
    const cluster = hubFileCluster(root, hub);
    if (cluster === undefined || !cluster.onClusterFile) names.add(hub);
  }
  return names;
}

/**
 * Synthesizes the selected clusters; throws `UserErrors` listing every problem, leaving earlier
 * output as it was. Holds the project's lock from before the first read of an input to the end of
 * the commit (the command's own when it holds it already): a synth never renders inputs that
 * another synth is about to replace, nor commits over a newer synth's output.
 */
export async function synthHubs(options: SynthOptions): Promise<SynthReport> {
  const root = path.resolve(options.root);
  return withSynthLock(root, () => synthLocked(options, root));
}

async function synthLocked(options: SynthOptions, root: string): Promise<SynthReport> {
  const outRoot = path.resolve(options.outRoot ?? root);
  // First finish (or undo) a commit an earlier command left unfinished (the lock of the project did so for it).
  await recoverOutputs(outRoot);
  const { units, hubs, warnings } = synthesisUnits(root, options.hubs);
  const infra = options.apps?.infra ?? true;
  const k8s = options.apps?.k8s ?? true;
  const renderer = new HelmRenderer({ root, ...options.helm });
  // helm's version is part of every render's key: ask for it now, while the clusters' input keys
  // are computed (with an empty cache this runs helm). A failure is reported by the render that needs it.
  if (k8s) renderer.helm().then((h) => h.version()).catch(() => undefined);

  // Incremental: only a full synth (both apps) is recorded, and only into the project itself.
  const incremental = infra && k8s && outRoot === root;
  const state = new SynthState(outRoot);
  const keys = new Map<string, string>();
  if (incremental) {
    // Also checks every chart archive against the lock, for clusters that turn out unchanged too.
    const problems = new Diagnostics();
    for (const unit of units) {
      await problems.collectAsync(async () => keys.set(unit.cluster.name, await clusterInputKey(root, unit, renderer, options.secrets ?? 'required')));
    }
    problems.throwIfAny();
  }
  const unchanged = incremental && !options.force ? units.filter((u) => state.upToDate(u.cluster.name, keys.get(u.cluster.name)!)).map((u) => u.cluster.name) : [];
  const todo = units.filter((u) => !unchanged.includes(u.cluster.name));

  // `jhm synth <hub>` on a shared cluster: the other hubs there keep their committed output and
  // their secrets files are not read (a named cluster, or no name, synthesizes every hub).
  const named = new Set(options.hubs ?? []);
  const carriedHubs = (unit: ClusterUnit): ReadonlySet<string> =>
    named.size === 0 || named.has(unit.cluster.name) ? new Set() : new Set(unit.hubs.filter((h) => !named.has(h.name)).map((h) => h.name));
  const limit = pLimit(Math.max(1, options.concurrency ?? os.cpus().length));
  const rendering = Promise.allSettled(
    (k8s ? todo : []).map((unit) =>
      limit(async () => {
        const { synthClusterManifests } = await import('../k8s/synth');
        const { finishClusterOutput } = await import('./encrypted-secrets');
        const unreadHubs = carriedHubs(unit);
        const result = finishClusterOutput(root, await synthClusterManifests(unit, { root, renderer, secrets: options.secrets, unreadHubs }), unreadHubs, options.secrets ?? 'required');
        options.onCluster?.(result);
        return result;
      }),
    ),
  );
  // Load cdk8s and cdktf while helm runs (processes of its own), not after it: once every render
  // asked for has started, so loading them holds up no helm process.
  if (todo.length > 0) {
    await Promise.race([renderer.rendersStarted(), rendering]);
    if (k8s) await import('../k8s/hub-manifests');
    if (infra) await import('../infra/synth');
  }
  const settled = await rendering;
  const problems = new Diagnostics();
  const results: ClusterOutput[] = problems.settled(settled);
  problems.throwIfAny();

  return withSynthLock(outRoot, async () => {
    // Prune: only clusters jhm recorded output for; everything else is reported and left alone.
    const defined = options.prune ? definedClusterNames(root) : new Set<string>();
    const pruned = options.prune ? recordedHubs(outRoot).filter((c) => !defined.has(c)) : [];
    const foreign = options.prune ? foreignOutputs(outRoot, defined, pruned) : [];
    const staging = new Staging(outRoot);
    const plans = new Map<string, TerraformPlan>();
    try {
      if (infra && todo.length > 0) {
        (await import('../infra/synth')).synthInfra(todo, path.join(staging.dir, PROJECT_PATHS.cdktfOut));
        for (const [c, plan] of planStacks(root, staging.dir, todo)) plans.set(c, plan);
        // Refused before anything is written: a real synth only (diff and check show the plan).
        if (outRoot === root) {
          refuseUnsupportedUpgrade(todo, plans);
          refuseReplacement(todo, plans, options.allowReplace ?? false);
          refuseHomeVolumeChanges(todo, plans, options.allowReplace ?? false);
        }
      }
      for (const r of results) {
        staging.writeFiles('dist', r.cluster.name, r.files.dist);
        staging.writeFiles('secrets', r.cluster.name, r.files.secrets);
        // The Secrets encrypted with sops, committed with the manifests (`encrypted-secrets.ts`).
        if (r.encrypted.size > 0) staging.writeFiles('dist', path.join(r.cluster.name, ENCRYPTED_SECRETS_DIR), r.encrypted, 0o644);
      }
      // Each cluster's kustomization, last: it lists the files staged in its dist/ folder.
      for (const r of results) staging.writeKustomization(r.cluster.name, r.cluster.source);
      const kinds: OutputKind[] = [...(infra ? (['stacks'] as const) : []), ...(k8s ? (['dist', 'secrets'] as const) : [])];
      const names = todo.map((u) => u.cluster.name);
      // A cluster with other hubs' output carried over is not one full synth: no input key (the next synth redoes it).
      const partial = new Set(results.filter((r) => r.carried.length > 0).map((r) => r.cluster.name));
      staging.prepare({ install: names, kinds, retire: pruned }, new Map(names.map((c) => [c, incremental && !partial.has(c) ? keys.get(c)! : null])));
      options.beforeCommit?.(staging.dir);
      staging.commit();
    } finally {
      staging.dispose();
    }
    // What the commit kept in the synthesized (or pruned) clusters' folders, because jhm did not write it.
    const left = [...new Set([...foreign, ...staging.kept])];
    return { hubs, units, results, pruned, unchanged, foreign: left, warnings, plans };
  });
}

/** The Terraform plan of each cluster: the project's committed stack against the one staged in `stagingDir`. */
function planStacks(root: string, stagingDir: string, units: readonly ClusterUnit[]): Map<string, TerraformPlan> {
  // Loaded with the Terraform side (the provider facts are read once, here).
  const { planStack, readStack } = require('./terraform-plan') as typeof import('./terraform-plan');
  const project = new ProjectLayout(root);
  const staged = new ProjectLayout(stagingDir);
  const plans = new Map<string, TerraformPlan>();
  for (const unit of units) {
    const c = unit.cluster.name;
    const before = readStack(project.stackFile(c), path.relative(root, project.stackFile(c)));
    const after = readStack(staged.stackFile(c));
    plans.set(c, planStack(before, after, { hubs: unit.hubs.map((h) => h.name), kubernetesMinor: minorOf(unit.cluster.kubeVersion) }));
  }
  return plans;
}

/**
 * Throws `UserErrors` when a plan upgrades a cluster in place to a Kubernetes version no rolling
 * upgrade reaches (a downgrade, or more than one minor version at once), naming the cluster file,
 * the field that sets the version and the template to go through. Not overridable: the cluster
 * would fail half-way through the upgrade.
 */
function refuseUnsupportedUpgrade(units: readonly ClusterUnit[], plans: ReadonlyMap<string, TerraformPlan>): void {
  const { unsupportedUpgrades } = require('./terraform-plan') as typeof import('./terraform-plan');
  const problems = new Diagnostics();
  for (const { cluster } of units) {
    for (const change of unsupportedUpgrades(plans.get(cluster.name)!)) {
      const { from, to, problem } = change.kubernetes!;
      const version = kubernetesVersionField(cluster.naming.fieldPrefix, cluster.magnum.template, cluster.magnum.kubernetes);
      const [f, t] = [kubernetesMinor(from), kubernetesMinor(to)];
      const next = `${f.major}.${f.minor + 1}`;
      const nextTemplate = 'name' in cluster.magnum.template ? templateNameFor(cluster.magnum.template.name, next) : undefined;
      const upward = t.major === f.major && t.minor > f.minor;
      const fix = upward
        ? `upgrade one minor version at a time: first the template of Kubernetes ${next}${nextTemplate ? ` (${nextTemplate})` : ''}, jhm synth and jhm deploy ${cluster.name}, then the next`
        : `keep a template of Kubernetes ${from} or later; an older Kubernetes needs a new cluster`;
      problems.add(new UserError(`the rolling upgrade of cluster ${cluster.magnumName} to another template ${problem}, and Magnum does not check it: the upgrade would fail half-way`, { file: cluster.source, field: version.field, fix }));
    }
  }
  problems.throwIfAny();
}

/**
 * Throws `UserErrors` for the changes of a hub's home volume (`jupyterhub.storage`) Terraform
 * cannot or should not make, at the hub file's field: a smaller size (Cinder only grows a volume;
 * no override), and a switch between per-user and shared storage unless `allowReplace` (the
 * users' files stay behind: docs/shared-storage.md says how to move them).
 */
function refuseHomeVolumeChanges(units: readonly ClusterUnit[], plans: ReadonlyMap<string, TerraformPlan>, allowReplace: boolean): void {
  const { shrinkingVolumes, storageSwitches } = require('./terraform-plan') as typeof import('./terraform-plan');
  const { STORAGE_FIELD } = require('../model/storage') as typeof import('../model/storage');
  const problems = new Diagnostics();
  for (const { cluster, hubs } of units) {
    const plan = plans.get(cluster.name)!;
    const source = (hub: string) => hubs.find((h) => h.name === hub)?.source ?? cluster.source;
    for (const c of shrinkingVolumes(plan)) {
      const hub = c.name.replace(/^home-/, '');
      problems.add(
        new UserError(`shrinks the home volume of hub ${hub} from ${c.shrink!.from} GiB to ${c.shrink!.to} GiB: Cinder only grows a volume`, {
          file: source(hub),
          field: `${STORAGE_FIELD}.size`,
          fix: `keep size at ${c.shrink!.from}Gi or more`,
        }),
      );
    }
    if (allowReplace) continue;
    for (const c of storageSwitches(plan)) {
      const { hub, to } = c.storageSwitch!;
      const what =
        to === 'shared'
          ? `switches hub ${hub} from per-user to shared storage: its users' files stay on their own volumes, which the hub no longer mounts`
          : `switches hub ${hub} from shared to per-user storage: it destroys the home volume, losing ${c.loss ?? `every home folder of hub ${hub}`}`;
      problems.add(new UserError(what, { file: source(hub), field: `${STORAGE_FIELD}.type`, fix: `move the files first (docs/shared-storage.md: Switching a hub's storage), then run jhm synth ${cluster.name} --allow-replace` }));
    }
  }
  problems.throwIfAny();
}

/**
 * Throws `UserErrors` when a plan replaces a cluster or nodegroup, or destroys a cluster, of a
 * cluster whose deletion protection is on, unless `allowReplace`: naming the cluster file, the
 * resources, what forces each and what is lost.
 */
function refuseReplacement(units: readonly ClusterUnit[], plans: ReadonlyMap<string, TerraformPlan>, allowReplace: boolean): void {
  if (allowReplace) return;
  const { needsAllowReplace, CLUSTER_TYPE } = require('./terraform-plan') as typeof import('./terraform-plan');
  // The Terraform app's layer (infra/) is loaded only when the Terraform side runs.
  const { fileField } = require('../infra/stack-fields') as typeof import('../infra/stack-fields');
  const problems = new Diagnostics();
  for (const unit of units) {
    const { cluster } = unit;
    if (!cluster.magnum[DESTROY_GUARD_FIELD]) continue;
    const refused = needsAllowReplace(plans.get(cluster.name)!);
    if (refused.length === 0) continue;
    const fieldOf = (r: ResourceChange, p: string) => fileField(cluster, r.type, r.name, p);
    const forced = (r: ResourceChange) => r.forcedBy.map((p) => `${p}${fieldOf(r, p) ? `, set by ${fieldOf(r, p)}` : ''}`).join('; ');
    const what = refused.map((r) => `${r.action === 'replace' ? 'replaces' : 'destroys'} ${r.address}${r.action === 'replace' ? ` (forced by ${forced(r)})` : ''}`);
    // The field the user edited: the first that forces a replacement.
    const field = refused.flatMap((r) => r.forcedBy.map((p) => fieldOf(r, p))).find((f) => f !== undefined);
    // Replacing the cluster loses everything; say that alone.
    const whole = refused.find((r) => r.type === CLUSTER_TYPE);
    const losses = (whole ? [whole] : refused).map((r) => r.loss).filter((l): l is string => l !== undefined);
    const protection = `${cluster.naming.fieldPrefix}.${DESTROY_GUARD_FIELD}`;
    problems.add(
      new UserError(`this change ${what.join(' and ')}${losses.length ? `, losing ${losses.join('; ')}` : ''}`, {
        file: cluster.source,
        field,
        fix: `undo it, or review it with jhm diff ${cluster.name} and run jhm synth ${cluster.name} --allow-replace; ${
          whole
            ? `terraform apply still stops before destroying the cluster while ${protection} is true`
            : refused.some((r) => r.protected)
              ? `terraform apply still stops before destroying a home volume while ${protection} is true`
              : `${protection} guards only the cluster: terraform apply then replaces the nodegroup without asking again`
        }`,
      }),
    );
  }
  problems.throwIfAny();
}
