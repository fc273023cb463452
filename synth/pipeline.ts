/**
 * Synthesizes both apps for a set of hubs, in process: Terraform JSON (CDKTF) and Kubernetes
 * manifests (Helm + cdk8s), staged and swapped in only when every hub succeeded.
 */
import * as os from 'os';
import * as path from 'path';
import pLimit from 'p-limit';
import { Diagnostics } from '../config/diagnostics';
import { UserError, UserErrors } from '../config/errors';
import { PROJECT_PATHS } from '../config/layout';
import { Hub } from '../config/hub';
import { clusterUnits } from '../config/cluster-unit';
import { listHubNames } from '../config/load';
import { HelmRenderer, HelmRendererOptions } from '../k8s/helm/render';
// cdktf, cdk8s and the helm output parser are loaded only when a hub is synthesized (not for a no-op synth).
import type { HubManifestResult, SecretsMode } from '../k8s/synth';
import { validateHubs } from '../config/validate';
import { hubInputKey, SynthState } from './state';
import { foreignOutputs, OutputKind, recordedHubs, recoverOutputs, Staging, withSynthLock } from './output';

export interface SynthOptions {
  /** Project root: hubs/, secrets/, outputs/ are read from here. */
  readonly root: string;
  /** Hubs to synthesize (default: every hub file). */
  readonly hubs?: readonly string[];
  /** Where the outputs go (default: `root`). `diff` points this at a temporary folder. */
  readonly outRoot?: string;
  /** Also remove the output of hubs whose hub file is gone. */
  readonly prune?: boolean;
  /** Options of the Helm renderer (chart folder, cache, offline). */
  readonly helm?: Partial<HelmRendererOptions>;
  /** Whether a missing secrets file is an error (`required`, default), leaves dist-secrets out (`optional`), or the file is never read (`none`, for diff and check). */
  readonly secrets?: SecretsMode;
  /** Which apps to run (default both): `infra` writes cdktf.out, `k8s` writes dist and dist-secrets. */
  readonly apps?: { readonly infra?: boolean; readonly k8s?: boolean };
  /** Hubs rendered at once (default: the number of cores). */
  readonly concurrency?: number;
  /** Called once per hub when its manifests are ready (progress display). */
  readonly onHub?: (result: HubManifestResult) => void;
  /** Synthesize every hub even when its inputs and outputs are unchanged (see `state.ts`). */
  readonly force?: boolean;
  /** A hook for tests: runs after staging (given the staging folder), before the swap. */
  readonly beforeCommit?: (stagingDir: string) => void;
}

export interface SynthReport {
  readonly hubs: readonly Hub[];
  readonly results: readonly HubManifestResult[];
  /** Hubs whose output was removed by `prune`. */
  readonly pruned: readonly string[];
  /** Hubs skipped because nothing they depend on changed since their last synth. */
  readonly unchanged: readonly string[];
  /** With `prune`: what is under the output folders that jhm did not write (left alone), relative to the root. */
  readonly foreign: readonly string[];
}

/**
 * The validated hubs to synthesize. Hubs on a cluster file (issue 11) validate but are not
 * synthesized yet: refused with one line each.
 */
export function synthesizableHubs(root: string, names?: readonly string[]): Hub[] {
  const hubs = validateHubs(root, names);
  const shared = hubs.filter((h) => !h.cluster.dedicated);
  if (shared.length > 0) {
    throw new UserErrors(shared.map((h) => new UserError('synthesizing hubs on a cluster file is not built yet', { file: h.source, field: 'cluster' })));
  }
  return hubs;
}

/** Synthesizes the hubs; throws `UserErrors` listing every problem, leaving earlier output as it was. */
export async function synthHubs(options: SynthOptions): Promise<SynthReport> {
  const root = path.resolve(options.root);
  const outRoot = path.resolve(options.outRoot ?? root);
  // First finish (or undo) a commit an earlier command left unfinished.
  await recoverOutputs(outRoot);
  const hubs = synthesizableHubs(root, options.hubs);
  const infra = options.apps?.infra ?? true;
  const k8s = options.apps?.k8s ?? true;
  const renderer = new HelmRenderer({ root, ...options.helm });
  // helm's version is part of every render's key: ask for it now, while the hubs' input keys are
  // computed (with an empty cache this runs helm). A failure is reported by the render that needs it.
  if (k8s) renderer.helm().then((h) => h.version()).catch(() => undefined);

  // Incremental: only a full synth (both apps) is recorded, and only into the project itself.
  const incremental = infra && k8s && outRoot === root;
  const state = new SynthState(outRoot);
  const keys = new Map<string, string>();
  if (incremental) {
    // Also checks every chart archive against the lock, for hubs that turn out unchanged too.
    const problems = new Diagnostics();
    for (const hub of hubs) {
      await problems.collectAsync(async () => keys.set(hub.name, await hubInputKey(root, hub, renderer, options.secrets ?? 'required')));
    }
    problems.throwIfAny();
  }
  const unchanged = incremental && !options.force ? hubs.filter((h) => state.upToDate(h.name, keys.get(h.name)!)).map((h) => h.name) : [];
  const todo = hubs.filter((h) => !unchanged.includes(h.name));

  const limit = pLimit(Math.max(1, options.concurrency ?? os.cpus().length));
  const rendering = Promise.allSettled(
    (k8s ? todo : []).map((hub) =>
      limit(async () => {
        const { synthHubManifests } = await import('../k8s/synth');
        const result = await synthHubManifests(hub, { root, renderer, secrets: options.secrets });
        options.onHub?.(result);
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
  const results: HubManifestResult[] = problems.settled(settled);
  problems.throwIfAny();

  return withSynthLock(outRoot, async () => {
    // Prune: only hubs jhm recorded output for; everything else is reported and left alone.
    const defined = new Set(options.prune ? listHubNames(root) : []);
    const pruned = options.prune ? recordedHubs(outRoot).filter((h) => !defined.has(h)) : [];
    const foreign = options.prune ? foreignOutputs(outRoot, defined, pruned) : [];
    const staging = new Staging(outRoot);
    try {
      if (infra && todo.length > 0) (await import('../infra/synth')).synthInfra(clusterUnits(todo), path.join(staging.dir, PROJECT_PATHS.cdktfOut));
      for (const r of results) {
        staging.writeFiles('dist', r.hub.name, r.files.dist);
        staging.writeFiles('secrets', r.hub.name, r.files.secrets);
      }
      const kinds: OutputKind[] = [...(infra ? (['stacks'] as const) : []), ...(k8s ? (['dist', 'secrets'] as const) : [])];
      staging.prepare({ install: todo.map((h) => h.name), kinds, retire: pruned }, new Map(todo.map((h) => [h.name, incremental ? keys.get(h.name)! : null])));
      options.beforeCommit?.(staging.dir);
      staging.commit();
    } finally {
      staging.dispose();
    }
    return { hubs, results, pruned, unchanged, foreign };
  });
}
