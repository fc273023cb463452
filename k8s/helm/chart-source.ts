/**
 * Where a pinned chart's archive (`<name>-<version>.tgz`) comes from, in this order:
 *
 * 1. `$JHM_CHARTS_DIR` (the `chartsDir` option): air-gapped sites and tests;
 * 2. the cache, `<cacheDir>/charts/`;
 * 3. unless offline, `helm pull <name> --repo <repository> --version <version>` (for an OCI
 *    registry, `helm pull oci://<registry path>/<name> --version <version>`), once, moved into the cache.
 *
 * Every archive is checked against `charts.lock.json` (recorded the first time, verified after).
 * Which version of each chart the project renders is read at run time from its `charts.yaml`
 * over jhm's own (`project/chart-pins.ts`), once per chart source: one synth, one set of pins.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { CACHE_PATHS } from '../../project/layout';
import { loadChartPins } from '../../project/chart-pins';
import type { ChartKey, ChartPin, ChartPins } from '../../model/versions';
import { archiveName, ChartLock, LockOutcome } from './chart-lock';
import { exists, sha256File } from '../../base/files';
import { firstLines, HelmBinary, HelmRunError } from './helm-binary';
import { HelmEngineOptions, HelmEngineSettings, resolveSettings } from './settings';

/** A chart archive ready to render. */
export interface ObtainedChart {
  readonly chart: ChartPin;
  /** Absolute path of `<name>-<version>.tgz`. */
  readonly archive: string;
  /** sha256 of the archive (hex), checked against the lock. */
  readonly digest: string;
  /** Where the archive was found. */
  readonly origin: 'charts-dir' | 'cache' | 'download';
  /** Whether the lock entry was just recorded or was verified. */
  readonly lock: LockOutcome;
}

/** Finds (and if need be downloads) chart archives and checks them against the lock. */
export class ChartSource {
  /** A chart source for `options` (defaults from the environment, see `settings.ts`). */
  public static create(options: HelmEngineOptions = {}): ChartSource {
    const settings = resolveSettings(options);
    return new ChartSource(settings, () => HelmBinary.fromSettings(settings));
  }

  public readonly lock: ChartLock;
  private pinned?: ChartPins;
  private readonly downloads = new Map<string, Promise<{ archive: string; digest: string; lock: LockOutcome }>>();

  constructor(
    private readonly settings: HelmEngineSettings,
    /** Gives the helm binary, called only when an archive must be downloaded. */
    private readonly helm: () => Promise<HelmBinary>,
  ) {
    this.lock = new ChartLock(settings.lockFile);
  }

  /** The cache folder of downloaded archives. */
  public get cacheFolder(): string {
    return path.join(this.settings.cacheDir, CACHE_PATHS.charts);
  }

  /** The project's pins (its `charts.yaml` over jhm's own), read on first use. Throws `UserErrors` for a bad file. */
  public pins(): ChartPins {
    this.pinned ??= loadChartPins(this.settings.root);
    return this.pinned;
  }

  /** The pin of chart `key` in the project. */
  public pin(key: ChartKey): ChartPin {
    return this.pins()[key];
  }

  /** The archive of `chart`, checked against the lock. Throws a `UserError` when it cannot be had or does not match. */
  public async obtain(chart: ChartPin): Promise<ObtainedChart> {
    const name = archiveName(chart);
    const inChartsDir = this.settings.chartsDir === undefined ? undefined : path.join(this.settings.chartsDir, name);
    const inCache = path.join(this.cacheFolder, name);
    let archive: string;
    let origin: ObtainedChart['origin'];
    if (inChartsDir !== undefined && (await exists(inChartsDir))) {
      archive = inChartsDir;
      origin = 'charts-dir';
    } else if (await exists(inCache)) {
      archive = inCache;
      origin = 'cache';
    } else if (this.settings.offline) {
      throw this.missing(chart, 'it is not there and downloads are off (offline)');
    } else {
      let pending = this.downloads.get(name);
      if (!pending) {
        pending = this.download(chart);
        this.downloads.set(name, pending);
        pending.catch(() => this.downloads.delete(name));
      }
      // The download checked the digest against the lock before moving the archive into the cache.
      return { chart, origin: 'download', ...(await pending) };
    }
    const digest = await sha256File(archive);
    const lock = await this.lock.check(chart, archive, digest);
    return { chart, archive, digest, origin, lock };
  }

  /** `helm pull` into a temporary folder beside the cache, lock check, then a rename into the cache. */
  private async download(chart: ChartPin): Promise<{ archive: string; digest: string; lock: LockOutcome }> {
    const name = archiveName(chart);
    const tmpRoot = path.join(this.settings.cacheDir, CACHE_PATHS.tmp);
    await fsp.mkdir(tmpRoot, { recursive: true });
    const tmp = await fsp.mkdtemp(path.join(tmpRoot, 'pull-'));
    try {
      const helm = await this.helm();
      try {
        await helm.run(['pull', ...pullSource(chart), '--version', chart.version, '-d', tmp]);
      } catch (e) {
        if (e instanceof HelmRunError) throw this.missing(chart, describePullFailure(e.stderr));
        throw e;
      }
      let pulled = path.join(tmp, name);
      if (!(await exists(pulled))) {
        const tgz = (await fsp.readdir(tmp)).filter((f) => f.endsWith('.tgz'));
        if (tgz.length !== 1) throw this.missing(chart, `helm pull wrote ${tgz.length === 0 ? 'no archive' : tgz.join(', ')}`);
        pulled = path.join(tmp, tgz[0]);
      }
      // Check before the archive reaches the cache, so a wrong download is never kept.
      const digest = await sha256File(pulled);
      const lock = await this.lock.check(chart, `${pulled} (downloaded from ${chart.repository})`, digest);
      const archive = path.join(this.cacheFolder, name);
      await fsp.mkdir(this.cacheFolder, { recursive: true });
      await fsp.rename(pulled, archive);
      return { archive, digest, lock };
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }

  private missing(chart: ChartPin, why: string): UserError {
    const name = archiveName(chart);
    const dir = this.settings.chartsDir === undefined ? 'a folder named by JHM_CHARTS_DIR' : `JHM_CHARTS_DIR (${this.settings.chartsDir})`;
    const rel = path.relative(process.cwd(), this.cacheFolder);
    const cache = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : this.cacheFolder;
    return new UserError(`chart ${chart.name} ${chart.version} is missing: ${why}`, {
      fix: `put ${name} from ${chart.repository} into ${dir} or into ${cache}/`,
    });
  }
}

/** What `helm pull` is given to find `chart`: a chart reference in an OCI registry, or the name and its repository. */
export function pullSource(chart: ChartPin): string[] {
  return chart.repository.startsWith('oci://') ? [`${chart.repository.replace(/\/+$/, '')}/${chart.name}`] : [chart.name, '--repo', chart.repository];
}

/** helm pull's error in a few words: a network failure is the common case on closed sites. */
function describePullFailure(stderr: string): string {
  if (/no such host|cannot be reached|dial tcp|connection refused|i\/o timeout|network is unreachable/i.test(stderr)) {
    return 'not in the chart folder or the cache, and the Helm repository cannot be reached (no network?)';
  }
  const line = firstLines(stderr, 1);
  return `helm pull failed: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`;
}
