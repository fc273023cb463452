/**
 * `jhm apply`: a hub's manifests applied to its cluster in three stages, each waiting for what
 * the next one needs:
 *
 * 1. namespaces and CRDs, then `kubectl wait --for=condition=Established` on the CRDs just applied;
 * 2. cert-manager and the ingress controller, then `kubectl rollout status` on their Deployments
 *    (the cert-manager webhook must answer before a ClusterIssuer can be created, and the ingress
 *    controller must run before JupyterHub's Ingress gets an address);
 * 3. the ClusterIssuers, the Secrets (`dist-secrets/<hub>`), JupyterHub, then `rollout status` on
 *    JupyterHub's Deployments.
 *
 * Each apply is `kubectl apply --server-side --force-conflicts --field-manager=jhm`: server-side
 * apply keeps no `last-applied-configuration` annotation, whose 256 KiB limit the large
 * cert-manager and Traefik CRDs exceed with client-side apply; `--force-conflicts` makes the
 * files the source of truth for every field they set, even if someone changed it by hand.
 *
 * A Secret of a wave (`dist-secrets/<hub>/NN-<wave>.yaml`) is applied just before that wave's
 * file in `dist/<hub>`; today only JupyterHub has Secrets, so they land between the ClusterIssuers
 * and JupyterHub.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Yaml from 'yaml';
import { UserError } from '../../config/errors';
import { OUTPUT_DIRS } from '../output';
import { Wave, WAVE_ORDER, waveFileName, WAVES } from '../../k8s/waves';
import { Kubectl } from './kubectl';
import { describeFailure, firstErrorLine, formatSeconds, RunResult, succeeded } from './process';

/** Field manager of every server-side apply. */
export const FIELD_MANAGER = 'jhm';

/** Arguments of every apply (before the `-f` files). */
export const APPLY_ARGS: readonly string[] = ['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`];

/** One kubectl invocation of a stage. */
export type ApplyStep =
  /** `kubectl apply … -f <files>` (paths relative to the project root). */
  | { readonly kind: 'apply'; readonly what: string; readonly files: readonly string[] }
  /** `kubectl wait --for=condition=Established crd/<name>…` */
  | { readonly kind: 'crds-established'; readonly what: string; readonly names: readonly string[] }
  /** `kubectl rollout status <kind>/<name> -n <namespace>` */
  | { readonly kind: 'rollout'; readonly what: string; readonly resource: string; readonly namespace?: string };

/** One numbered stage of `jhm apply`. */
export interface ApplyStage {
  /** 1-based. */
  readonly number: number;
  /** For the progress line, e.g. `cert-manager, ingress controller`. */
  readonly title: string;
  readonly steps: readonly ApplyStep[];
}

/** How the waves are grouped into stages, and what each stage waits for. */
const STAGES: readonly {
  readonly title: string;
  readonly waves: readonly Wave[];
  /** `crds`: wait for the CRDs to be Established; otherwise the workload kinds whose rollout is waited for. */
  readonly wait: 'crds' | ReadonlySet<string>;
}[] = [
  { title: 'namespaces, CRDs', waves: [WAVES.namespaces, WAVES.crds], wait: 'crds' },
  // An ingress controller may run as a DaemonSet.
  { title: 'cert-manager, ingress controller', waves: [WAVES.certManager, WAVES.ingress], wait: new Set(['Deployment', 'DaemonSet']) },
  // Not JupyterHub's image-puller DaemonSets: they pull the (large) user images on every node.
  { title: 'ClusterIssuers, secrets, JupyterHub', waves: [WAVES.issuers, WAVES.jupyterhub], wait: new Set(['Deployment']) },
];

interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** kind/name/namespace of every object in a multi-document YAML file. */
function objectRefs(file: string): ObjectRef[] {
  const refs: ObjectRef[] = [];
  // yaml is loaded here, not when the CLI starts (jhm --help).
  const { parseAllDocuments } = require('yaml') as typeof Yaml;
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) throw new UserError(`invalid YAML: ${doc.errors[0].message.split('\n')[0]}`, { file, fix: 'run jhm synth again' });
    const o = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (!o || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    refs.push({ kind: o.kind, name: o.metadata.name, namespace: typeof o.metadata.namespace === 'string' ? o.metadata.namespace : undefined });
  }
  return refs;
}

/**
 * The stages for hub `hub` from the files in `dist/<hub>` and `dist-secrets/<hub>` under `root`.
 * Throws a `UserError` when the manifests have not been synthesized.
 */
export function planApply(root: string, hub: string): ApplyStage[] {
  const distDir = path.join(OUTPUT_DIRS.dist, hub);
  const secretsDir = path.join(OUTPUT_DIRS.secrets, hub);
  const known = new Set(WAVE_ORDER.map(waveFileName));
  const present = (dir: string) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.yaml')) : []);
  const distFiles = present(distDir);
  if (!distFiles.some((f) => known.has(f))) {
    throw new UserError(`no manifests in ${distDir}/`, { fix: `run jhm synth ${hub}` });
  }
  if (!fs.existsSync(path.join(root, secretsDir))) {
    throw new UserError(`no ${secretsDir}/ (the hub's Secrets)`, { fix: `run jhm synth ${hub}; it writes them from secrets/${hub}.yaml` });
  }
  const unknown = distFiles.filter((f) => !known.has(f));
  if (unknown.length > 0) {
    throw new UserError(`${distDir}/ holds files jhm apply does not know: ${unknown.join(', ')}`, { fix: `remove them and run jhm synth ${hub}` });
  }

  return STAGES.map((stage, i) => {
    const steps: ApplyStep[] = [];
    const applied: string[] = [];
    for (const wave of stage.waves) {
      const name = waveFileName(wave);
      const secret = path.join(secretsDir, name);
      if (wave !== WAVES.namespaces && fs.existsSync(path.join(root, secret))) {
        steps.push({ kind: 'apply', what: `secrets of ${wave.title}`, files: [secret] });
      }
      const file = path.join(distDir, name);
      if (fs.existsSync(path.join(root, file))) {
        steps.push({ kind: 'apply', what: wave.title, files: [file] });
        applied.push(file);
      }
    }
    // One apply for namespaces and CRDs: both are cluster-scoped and independent.
    const merged = stage.wait === 'crds' ? mergeApplies(steps) : steps;
    const refs = applied.flatMap((f) => objectRefs(path.join(root, f)));
    const wait = stage.wait;
    if (wait === 'crds') {
      const names = refs.filter((r) => r.kind === 'CustomResourceDefinition').map((r) => r.name);
      if (names.length > 0) merged.push({ kind: 'crds-established', what: `${names.length} CRDs established`, names });
    } else {
      for (const r of refs.filter((x) => wait.has(x.kind))) {
        merged.push({ kind: 'rollout', what: `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} available`, resource: `${r.kind.toLowerCase()}/${r.name}`, namespace: r.namespace });
      }
    }
    return { number: i + 1, title: stage.title, steps: merged };
  });
}

function mergeApplies(steps: ApplyStep[]): ApplyStep[] {
  const applies = steps.filter((s): s is Extract<ApplyStep, { kind: 'apply' }> => s.kind === 'apply');
  if (applies.length <= 1) return steps;
  return [{ kind: 'apply', what: applies.map((s) => s.what).join(', '), files: applies.flatMap((s) => s.files) }];
}

/** kubectl arguments of `step`, with `timeoutSeconds` for the waits. */
export function stepArgs(step: ApplyStep, timeoutSeconds: number): string[] {
  const t = `--timeout=${Math.max(1, Math.ceil(timeoutSeconds))}s`;
  switch (step.kind) {
    case 'apply':
      return [...APPLY_ARGS, ...step.files.flatMap((f) => ['-f', f])];
    case 'crds-established':
      return ['wait', '--for=condition=Established', t, ...step.names.map((n) => `crd/${n}`)];
    case 'rollout':
      return ['rollout', 'status', step.resource, ...(step.namespace ? ['-n', step.namespace] : []), t];
  }
}

/**
 * Errors of an apply that go away by themselves shortly after the previous stage: a webhook whose
 * serving certificate or endpoints are not ready yet, an API group kubectl has not discovered yet.
 */
const TRANSIENT = /failed calling webhook|no endpoints available for service|x509: certificate signed by unknown authority|ensure CRDs are installed first|no matches for kind|the server is currently unable to handle the request/i;

export interface RunApplyOptions {
  /** Limit of each stage, in milliseconds. */
  readonly stageTimeoutMs: number;
  /** Called when a stage starts (progress display). */
  readonly onStageStart?: (stage: ApplyStage) => void;
  /** Called when a stage ends (progress display). */
  readonly onStage?: (stage: ApplyStage, result: { ok: boolean; durationMs: number }) => void;
  /**
   * Pause before retrying an apply that failed with a transient error.
   * @default 5000
   */
  readonly retryDelayMs?: number;
}

/**
 * Runs the stages in order; stops at the first failing one with a `UserError` naming the stage
 * and kubectl's first error line.
 */
export async function runApply(stages: readonly ApplyStage[], kubectl: Kubectl, options: RunApplyOptions): Promise<void> {
  const retryDelay = options.retryDelayMs ?? 5000;
  for (const stage of stages) {
    options.onStageStart?.(stage);
    const started = Date.now();
    const deadline = started + options.stageTimeoutMs;
    const fail = (step: ApplyStep, why: string): never => {
      options.onStage?.(stage, { ok: false, durationMs: Date.now() - started });
      throw new UserError(`stage ${stage.number}/${stages.length} (${stage.title}) failed at ${step.what}: ${why}`);
    };
    for (const step of stage.steps) {
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) fail(step, `stage timed out after ${formatSeconds(options.stageTimeoutMs)} (--timeout)`);
        // Waits get kubectl's own --timeout and a little more time for the process itself.
        const r: RunResult = await kubectl.run(stepArgs(step, left / 1000), step.kind === 'apply' ? left : left + 5000);
        if (succeeded(r)) break;
        const line = firstErrorLine(r.stderr) ?? '';
        if (step.kind === 'apply' && !r.timedOut && TRANSIENT.test(line) && deadline - Date.now() > retryDelay) {
          await new Promise((res) => setTimeout(res, retryDelay));
          continue;
        }
        fail(step, r.timedOut ? `stage timed out after ${formatSeconds(options.stageTimeoutMs)} (--timeout)` : describeFailure(r, left));
      }
    }
    options.onStage?.(stage, { ok: true, durationMs: Date.now() - started });
  }
}
