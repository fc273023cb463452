/**
 * `jhm apply`: a cluster's manifests (its platform and every hub on it, or one hub's) applied in
 * stages, each waiting for what the next one needs. Which waves a stage applies and what it waits for (CRDs Established, Deployments or
 * DaemonSets available) is the wave table's (`k8s/waves.ts`, `WAVE_STAGES`); this module turns it
 * into kubectl calls.
 *
 * Each apply is `kubectl apply --server-side --force-conflicts --field-manager=jhm`: server-side
 * apply keeps no `last-applied-configuration` annotation, whose 256 KiB limit the large
 * cert-manager and Traefik CRDs exceed with client-side apply; `--force-conflicts` makes the
 * files the source of truth for every field they set, even if someone changed it by hand.
 *
 * A wave's Secrets (its file in `dist-secrets/<cluster>/`, per hub for a per-hub wave) are applied
 * just before that wave's file in `dist/<cluster>/`; the namespaces file of
 * `dist-secrets/<cluster>/` is not applied (the namespaces of `dist/<cluster>/` are, in the first
 * stage). When the cluster's Secrets are committed encrypted with sops (`dist/<cluster>/secrets/`),
 * they are applied from there instead: decrypted in memory with the user's age key (sops's
 * variables) before anything is applied, and given to `kubectl apply -f -` on its stdin, never
 * written to a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifestFile } from '../../synth/manifest-plan';
import { UserError } from '../../model/errors';
import { OUTPUT_DIRS, ownership, readRecord } from '../../synth/output';
import { isManifestFile } from '../../k8s/kustomization';
import { WAVE_STAGES, waveOfFile, WAVES } from '../../k8s/waves';
import { ENCRYPTED_SECRETS_DIR } from '../../project/layout';
import type * as Sops from '../../project/sops';
import { Kubectl } from './kubectl';
import { describeFailure, firstErrorLine, formatSeconds, RunResult, succeeded } from '../../base/process';

/** Field manager of every server-side apply. */
export const FIELD_MANAGER = 'jhm';

/** Arguments of every apply (before the `-f` files). */
export const APPLY_ARGS: readonly string[] = ['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`];

/** One kubectl invocation of a stage. */
export type ApplyStep =
  /**
   * `kubectl apply … -f <files>` (paths relative to the project root); the files of `encrypted`
   * (Secrets encrypted with sops) are given decrypted on stdin (`-f -`) instead.
   */
  | { readonly kind: 'apply'; readonly what: string; readonly files: readonly string[]; readonly encrypted?: readonly string[] }
  /** `kubectl wait --for=condition=Established crd/<name>…` */
  | { readonly kind: 'crds-established'; readonly what: string; readonly names: readonly string[] }
  /** `kubectl rollout status <kind>/<name> -n <namespace>` */
  | { readonly kind: 'rollout'; readonly what: string; readonly resource: string; readonly namespace?: string };

/** One numbered stage of `jhm apply`. */
export interface ApplyStage {
  /** 1-based. */
  readonly number: number;
  /** For the progress line: the stage's title in the wave table (`WaveStage.title`). */
  readonly title: string;
  readonly steps: readonly ApplyStep[];
}

interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** kind/name/namespace of every object in a multi-document YAML file. */
function objectRefs(file: string, display: string): ObjectRef[] {
  return readManifestFile(file, display).map((o) => ({ kind: o.kind, name: o.name, namespace: o.namespace }));
}

/** Options of {@link planApply}. */
export interface PlanApplyOptions {
  /** Only this hub's files (with the platform waves); default: every hub of the cluster. */
  readonly hub?: string;
}

/**
 * The stages for cluster `cluster` from the files in `dist/<cluster>` and `dist-secrets/<cluster>`
 * under `root`: the platform waves, and each hub's files (all hubs, or only `options.hub`'s).
 * Throws a `UserError` when the manifests have not been synthesized.
 */
export function planApply(root: string, cluster: string, options: PlanApplyOptions = {}): ApplyStage[] {
  const distDir = path.join(OUTPUT_DIRS.dist, cluster);
  // Encrypted Secrets committed with the manifests, when the synth wrote them (`synth/encrypted-secrets.ts`).
  const encryptedDir = path.join(distDir, ENCRYPTED_SECRETS_DIR);
  const encrypted = fs.existsSync(path.join(root, encryptedDir));
  const secretsDir = encrypted ? encryptedDir : path.join(OUTPUT_DIRS.secrets, cluster);
  // jhm's manifest files only: another tool's file kept in the folder (`ownership`) is not jhm's to
  // apply, and the kustomization (for kubectl apply -k and GitOps tools) is no manifest.
  const distFiles = ownership(root, readRecord(root, cluster), 'dist', cluster).owned.filter(isManifestFile);
  if (!distFiles.some((f) => waveOfFile(f) !== undefined)) {
    throw new UserError(`no manifests in ${distDir}/`, { fix: `run jhm synth ${cluster}` });
  }
  if (!fs.existsSync(path.join(root, secretsDir))) {
    throw new UserError(`no ${secretsDir}/ (the Secrets of its hubs)`, { fix: `run jhm synth ${cluster}; it writes them from secrets/<hub>.yaml` });
  }
  const unknown = distFiles.filter((f) => waveOfFile(f) === undefined);
  if (unknown.length > 0) {
    throw new UserError(`${distDir}/ holds files jhm apply does not know: ${unknown.join(', ')}`, { fix: `remove them and run jhm synth ${cluster}` });
  }
  // The hub of a per-hub file: named in it on a cluster file; the cluster's own name where files do not carry it (a hub's own cluster).
  const hubOf = (f: string) => waveOfFile(f)?.hub ?? cluster;
  const hubFiles = distFiles.filter((f) => waveOfFile(f)!.wave.perHub);
  if (options.hub !== undefined && !hubFiles.some((f) => hubOf(f) === options.hub)) {
    const hubs = [...new Set(hubFiles.map(hubOf))];
    throw new UserError(`--hub ${options.hub}: no files of that hub in ${distDir}/${hubs.length ? ` (hubs there: ${hubs.join(', ')})` : ''}`, {
      fix: `name a hub on cluster ${cluster}, or run jhm synth ${options.hub}`,
    });
  }

  return WAVE_STAGES.map((stage) => {
    const steps: ApplyStep[] = [];
    const waits: ApplyStep[] = [];
    for (const wave of stage.waves) {
      const files = wave.perHub ? hubFiles.filter((f) => waveOfFile(f)!.wave === wave && (options.hub === undefined || hubOf(f) === options.hub)) : [wave.fileName];
      for (const fileName of files) {
        const secret = path.join(secretsDir, fileName);
        const of = wave.perHub && waveOfFile(fileName)?.hub !== undefined ? ` of ${hubOf(fileName)}` : '';
        if (wave !== WAVES.namespaces && fs.existsSync(path.join(root, secret))) {
          steps.push({ kind: 'apply', what: `secrets of ${wave.title}${of}`, files: [secret], ...(encrypted ? { encrypted: [secret] } : {}) });
        }
        const file = path.join(distDir, fileName);
        if (!fs.existsSync(path.join(root, file))) continue;
        steps.push({ kind: 'apply', what: `${wave.title}${of}`, files: [file] });
        const { wait } = wave;
        if (wait.kind === 'none') continue;
        const refs = objectRefs(path.join(root, file), file);
        if (wait.kind === 'crds-established') {
          const names = refs.filter((r) => r.kind === 'CustomResourceDefinition').map((r) => r.name);
          if (names.length > 0) waits.push({ kind: 'crds-established', what: `${names.length} CRDs established`, names });
        } else {
          for (const r of refs.filter((x) => wait.kinds.includes(x.kind))) {
            waits.push({ kind: 'rollout', what: `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} available`, resource: `${r.kind.toLowerCase()}/${r.name}`, namespace: r.namespace });
          }
        }
      }
    }
    // Waits come after every apply of the stage.
    return { number: stage.number, title: stage.title, steps: [...(stage.oneApply ? mergeApplies(steps) : steps), ...waits] };
  });
}

function mergeApplies(steps: ApplyStep[]): ApplyStep[] {
  const applies = steps.filter((s): s is Extract<ApplyStep, { kind: 'apply' }> => s.kind === 'apply');
  if (applies.length <= 1) return steps;
  const encrypted = applies.flatMap((s) => s.encrypted ?? []);
  return [{ kind: 'apply', what: applies.map((s) => s.what).join(', '), files: applies.flatMap((s) => s.files), ...(encrypted.length > 0 ? { encrypted } : {}) }];
}

/**
 * The objects of every encrypted Secrets file the stages apply, decrypted in memory with the
 * user's age key (`env`: `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY`), as the YAML text `kubectl apply -f -`
 * reads (file → text). Throws the one-line `UserError` of the first file that cannot be decrypted
 * (no key: naming the variables; a key that is not a recipient: naming the file), before anything
 * is applied.
 */
export function decryptApplyInputs(root: string, stages: readonly ApplyStage[], env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const out = new Map<string, string>();
  // The sops reader (and age) is loaded only when there is something to decrypt.
  let decryptSopsManifests: typeof Sops.decryptSopsManifests | undefined;
  for (const step of stages.flatMap((s) => s.steps)) {
    if (step.kind !== 'apply') continue;
    for (const file of step.encrypted ?? []) {
      const display = file.split(path.sep).join('/');
      decryptSopsManifests ??= (require('../../project/sops') as typeof Sops).decryptSopsManifests;
      const objects = decryptSopsManifests(fs.readFileSync(path.join(root, file), 'utf8'), display, env);
      out.set(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    }
  }
  return out;
}

/** The stdin of `step`: its encrypted files decrypted (`decryptApplyInputs`), or none. */
export function stepInput(step: ApplyStep, decrypted: ReadonlyMap<string, string>): string | undefined {
  if (step.kind !== 'apply' || !step.encrypted?.length) return undefined;
  return step.encrypted.map((f) => {
    const text = decrypted.get(f);
    if (text === undefined) throw new Error(`${f} was not decrypted before the apply`);
    return text;
  }).join('\n---\n');
}

/** kubectl arguments of `step`, with `timeoutSeconds` for the waits (an encrypted file is read from stdin: `-f -`). */
export function stepArgs(step: ApplyStep, timeoutSeconds: number): string[] {
  const t = `--timeout=${Math.max(1, Math.ceil(timeoutSeconds))}s`;
  switch (step.kind) {
    case 'apply': {
      const plain = step.files.filter((f) => !step.encrypted?.includes(f));
      return [...APPLY_ARGS, ...plain.flatMap((f) => ['-f', f]), ...(plain.length < step.files.length ? ['-f', '-'] : [])];
    }
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
  /** The encrypted Secrets files, decrypted (`decryptApplyInputs`): given to kubectl on stdin. */
  readonly decrypted?: ReadonlyMap<string, string>;
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
        const r: RunResult = await kubectl.run(stepArgs(step, left / 1000), step.kind === 'apply' ? left : left + 5000, stepInput(step, options.decrypted ?? new Map()));
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
