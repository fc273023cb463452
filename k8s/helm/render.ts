/**
 * Rendering a pinned chart with `helm template`, into plain Kubernetes objects:
 *
 * - the chart archive comes from `ChartSource` (checked against `charts.lock.json`);
 * - values go to helm as a JSON file (canonical: sorted keys) in a private temporary folder;
 * - `helm template <release> <archive> --namespace <ns> --kube-version <v> --include-crds --skip-tests`;
 * - the output is parsed (`manifest.ts`); hooks are dropped or kept (`hooks.ts`); namespaced
 *   objects get the release namespace when they name none, cluster-scoped ones lose theirs (`scope.ts`);
 * - helm's order is kept, and keys are not reordered.
 *
 * Render cache: helm's parsed output is stored in `<cacheDir>/render/<key>.json`, where the key is
 * the sha256 of everything the output depends on (chart digest, values, helm version, kubeVersion,
 * apiVersions, release, namespace, and `RENDER_FORMAT`). A hit spawns no process. Results are always
 * built from the stored JSON text (also on a miss and with the cache off), so output is
 * byte-identical either way. Cache files hold rendered Secrets: they are written mode 0600 inside
 * the git-ignored cache.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import pLimit from 'p-limit';
import { isDnsLabel } from '../../model/dns';
import { UserError } from '../../model/errors';
import { CACHE_PATHS } from '../../project/layout';
import { HELM_RELEASE_NAME_MAX } from '../../project/validate';
import type { ChartPin } from '../../model/versions';
import { ChartSource, ObtainedChart } from './chart-source';
import { canonicalJson } from '../../base/canonical-json';
import { sha256, writeFileAtomic } from '../../base/files';
import { tempDir } from '../../base/temp-dir';
import { firstLines, HelmBinary, HelmRunError } from './helm-binary';
// The output parser and post-processing are loaded on the first render, not by a no-op synth.
import type { RenderedDocument } from './manifest';
import { HelmEngineOptions, HelmEngineSettings, resolveSettings } from './settings';
import type { RenderRequest, RenderResult } from './types';

/** Options of a `HelmRenderer`: where charts, the lock and the cache are, offline, which helm, render cache on/off. */
export type HelmRendererOptions = HelmEngineOptions;

/** Bump when the stored form or the helm arguments change: old cache entries are then ignored. */
export const RENDER_FORMAT = 'jhm-helm-render/1';

/** What one cache file holds. */
interface CacheEntry {
  readonly format: string;
  readonly key: string;
  readonly chart: { readonly name: string; readonly version: string; readonly digest: string };
  readonly documents: RenderedDocument[];
}

/** Everything one render needs before helm runs. */
interface RenderJob {
  readonly valuesJson: string;
  readonly apiVersions: readonly string[];
  readonly chart: ObtainedChart;
  readonly helm: HelmBinary;
  readonly helmVersion: string;
  readonly key: string;
}

/**
 * A render refused because of its release name, namespace or kubeVersion (by `checkRequest` or by
 * helm). `input` says which, so a caller that knows where the value came from (the hub file
 * field, `k8s/synth.ts`) can say so.
 */
export class RenderInputError extends UserError {
  constructor(
    public readonly input: 'release' | 'namespace' | 'kubeVersion',
    message: string,
    options: { file?: string; fix?: string } = {},
  ) {
    super(message, options);
    this.name = 'RenderInputError';
  }
}

/** How helm says a chart's `kubeVersion` constraint excludes `--kube-version`. */
const HELM_KUBE_VERSION_REFUSAL = /chart requires kubeVersion: .* which is incompatible with Kubernetes/;

/** Renders pinned charts. One renderer can render many charts, concurrently. */
export class HelmRenderer {
  public readonly settings: HelmEngineSettings;
  /** Where chart archives come from. */
  public readonly charts: ChartSource;
  private helmPromise?: Promise<HelmBinary>;
  /** Cache entry texts being rendered now, by key. */
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Renders asked for that have not yet started helm (nor finished); see `rendersStarted`. */
  private starting = 0;
  private signalStarted?: () => void;
  private readonly started = new Promise<void>((resolve) => (this.signalStarted = resolve));

  /** At most `settings.helmProcesses` helm processes at once. */
  private readonly slots: pLimit.Limit;

  constructor(options: HelmRendererOptions = {}) {
    this.settings = resolveSettings(options);
    this.slots = pLimit(this.settings.helmProcesses);
    this.charts = new ChartSource(this.settings, () => this.helm());
  }

  /** The helm binary (resolved once per renderer). */
  public helm(): Promise<HelmBinary> {
    if (!this.helmPromise) {
      this.helmPromise = HelmBinary.fromSettings(this.settings);
      this.helmPromise.catch(() => (this.helmPromise = undefined));
    }
    return this.helmPromise;
  }

  /**
   * Resolves the first time every render asked for has started its helm process or finished
   * (from the cache, or failed): a caller can then do other work while helm runs, without holding
   * up the start of a render (the event loop is needed until each one's helm is spawned).
   */
  public rendersStarted(): Promise<void> {
    return this.started;
  }

  /** Counts a render as started (once), see `rendersStarted`. */
  private startedOnce(): () => void {
    this.starting++;
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      if (--this.starting === 0) this.signalStarted?.();
    };
  }

  /** Renders `req.chart` (see the module comment). Throws a `UserError` on any problem a user can fix. */
  public async render(req: RenderRequest): Promise<RenderResult> {
    const started = this.startedOnce();
    try {
      return await this.renderStarting(req, started);
    } finally {
      started();
    }
  }

  private async renderStarting(req: RenderRequest, started: () => void): Promise<RenderResult> {
    const job = await this.prepare(req);
    const cacheFile = path.join(this.settings.cacheDir, CACHE_PATHS.render, `${job.key}.json`);
    // A hit is parsed once: the entry read from the file is the stored text's own objects.
    let documents = this.settings.renderCache ? await readCacheEntry(cacheFile, job.key) : undefined;
    if (documents === undefined) {
      // With the cache on, renders of one key at the same time (hubs sharing a release) run helm once.
      let text = this.settings.renderCache ? this.inFlight.get(job.key) : undefined;
      if (text === undefined) {
        text = this.renderToText(job, req, cacheFile, started);
        if (this.settings.renderCache) {
          const key = job.key;
          this.inFlight.set(key, text);
          const done = () => void this.inFlight.delete(key);
          text.then(done, done);
        }
      }
      else started(); // helm already runs for it
      // Built from the stored text on every path, so a hit and a miss give the same objects.
      documents = (JSON.parse(await text) as CacheEntry).documents;
    }
    const { finishObjects } = await import('./post-process');
    return { ...finishObjects(documents, req), chartDigest: job.chart.digest };
  }

  /** Runs helm for `job` and gives the cache entry's text, stored in the cache when it is on. */
  private async renderToText(job: RenderJob, req: RenderRequest, cacheFile: string, started: () => void): Promise<string> {
    const entry: CacheEntry = {
      format: RENDER_FORMAT,
      key: job.key,
      chart: { name: req.chart.name, version: req.chart.version, digest: job.chart.digest },
      documents: await this.runHelm(job, req, started),
    };
    const text = JSON.stringify(entry);
    if (this.settings.renderCache) await writeFileAtomic(cacheFile, text, 0o600);
    return text;
  }

  /** The render cache key of `req` (for tests and diagnostics; obtains the chart and helm's version). */
  public async cacheKey(req: RenderRequest): Promise<string> {
    return (await this.prepare(req)).key;
  }

  /** Checks the request, obtains the chart and helm, and computes the cache key. Spawns nothing on a warm cache. */
  private async prepare(req: RenderRequest): Promise<RenderJob> {
    const valuesJson = checkRequest(req);
    const apiVersions = [...new Set(req.apiVersions ?? [])].sort();
    const chart = await this.charts.obtain(req.chart);
    const helm = await this.helm();
    const helmVersion = await helm.version();
    const key = sha256(
      canonicalJson({
        apiVersions,
        chartDigest: chart.digest,
        format: RENDER_FORMAT,
        helmVersion,
        kubeVersion: req.kubeVersion,
        namespace: req.namespace,
        release: req.release,
        values: valuesJson,
      }),
    );
    return { valuesJson, apiVersions, chart, helm, helmVersion, key };
  }

  private async runHelm({ helm, helmVersion, chart, valuesJson, apiVersions }: RenderJob, req: RenderRequest, started: () => void): Promise<RenderedDocument[]> {
    // Removed on every way out, signals included (base/temp-dir.ts).
    const work = tempDir('jhm-helm-');
    const tmp = work.dir;
    try {
      const valuesFile = path.join(tmp, 'values.json');
      await fsp.writeFile(valuesFile, valuesJson, { mode: 0o600 });
      const args = [
        'template',
        req.release,
        chart.archive,
        '--namespace',
        req.namespace,
        '--kube-version',
        req.kubeVersion,
        '--include-crds',
        '--skip-tests',
        '-f',
        valuesFile,
        ...apiVersions.flatMap((v) => ['--api-versions', v]),
      ];
      let stdout: string;
      try {
        // A render waiting for a slot counts as started: it waits for helm processes, not for this thread.
        const running = this.slots(() => helm.run(args, { cwd: tmp }));
        started();
        ({ stdout } = await running);
      } catch (e) {
        if (e instanceof HelmRunError) {
          const message = `helm template failed for chart ${label(req.chart)}: ${firstLines(e.stderr.split(valuesFile).join('values'), 3)}`;
          const fix = `check the values and kubeVersion given to ${req.chart.name}; helm ${helmVersion} rendered ${chart.archive}`;
          if (HELM_KUBE_VERSION_REFUSAL.test(e.stderr)) throw new RenderInputError('kubeVersion', message, { fix });
          throw new UserError(message, { fix });
        }
        throw e;
      }
      const { parseHelmOutput } = await import('./manifest');
      return parseHelmOutput(stdout, label(req.chart));
    } finally {
      work.remove();
    }
  }
}

function label(chart: ChartPin): string {
  return `${chart.name} ${chart.version}`;
}

/** Validates what helm would reject less clearly; returns the canonical values JSON. */
function checkRequest(req: RenderRequest): string {
  const where = `render of chart ${label(req.chart)}`;
  if (!isDnsLabel(req.release, HELM_RELEASE_NAME_MAX)) {
    throw new RenderInputError('release', `release name "${req.release}" is not valid`, { file: where, fix: `use at most ${HELM_RELEASE_NAME_MAX} lower-case letters, digits and dashes` });
  }
  if (!isDnsLabel(req.namespace)) {
    throw new RenderInputError('namespace', `namespace "${req.namespace}" is not valid`, { file: where, fix: 'use at most 63 lower-case letters, digits and dashes' });
  }
  if (!/^v?\d+\.\d+(\.\d+)?$/.test(req.kubeVersion)) {
    throw new RenderInputError('kubeVersion', `kubeVersion "${req.kubeVersion}" is not a Kubernetes version`, { file: where, fix: 'write it as vMAJOR.MINOR.PATCH, e.g. v1.33.0' });
  }
  if (req.values === null || typeof req.values !== 'object' || Array.isArray(req.values)) {
    throw new UserError('values must be an object', { file: where });
  }
  try {
    return canonicalJson(req.values);
  } catch (e) {
    throw new UserError(`values cannot be given to helm: ${(e as Error).message.replace(/^\$/, 'values')}`, { file: where });
  }
}

/** The documents of a valid cache entry (fresh objects, parsed from the file), or undefined. */
async function readCacheEntry(file: string, key: string): Promise<RenderedDocument[] | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Partial<CacheEntry>;
    if (entry.format === RENDER_FORMAT && entry.key === key && Array.isArray(entry.documents)) return entry.documents;
  } catch {
    // A damaged entry is a miss; it is rewritten.
  }
  return undefined;
}
