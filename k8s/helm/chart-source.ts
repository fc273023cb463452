/**
 * Where a pinned chart's archive (`<name>-<version>.tgz`) comes from, in this order:
 *
 * 1. `$JHM_CHARTS_DIR` (the `chartsDir` option): air-gapped sites and tests;
 * 2. the cache, `<cacheDir>/charts/`;
 * 3. unless offline, `helm pull <name> --repo <repository> --version <version>`, once, moved into the cache.
 *
 * Every archive is checked against `charts.lock.json` (recorded the first time, verified after).
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { UserError } from '../../config/errors';
import type { ChartPin } from '../../config/versions';
import { archiveName, ChartLock, LockOutcome } from './chart-lock';
import { exists, sha256File } from './files';
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
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    private readonly settings: HelmEngineSettings,
    /** Gives the helm binary, called only when an archive must be downloaded. */
    private readonly helm: () => Promise<HelmBinary>,
  ) {
    this.lock = new ChartLock(settings.lockFile);
  }

  /** The cache folder of downloaded archives. */
  public get cacheFolder(): string {
    return path.join(this.settings.cacheDir, 'charts');
  }

  /** The archive of `chart`, checked against the lock. Throws a `UserError` when it cannot be had or does not match. */
  public async obtain(chart: ChartPin): Promise<ObtainedChart> {
    const name = archiveName(chart);
    let archive: string | undefined;
    let origin: ObtainedChart['origin'] | undefined;
    if (this.settings.chartsDir !== undefined && (await exists(path.join(this.settings.chartsDir, name)))) {
      archive = path.join(this.settings.chartsDir, name);
      origin = 'charts-dir';
    } else if (await exists(path.join(this.cacheFolder, name))) {
      archive = path.join(this.cacheFolder, name);
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
      archive = await pending;
      origin = 'download';
      // The download already checked (and perhaps recorded) the digest; check again is a cheap no-op.
    }
    const digest = await sha256File(archive);
    const lock = await this.lock.check(chart, archive, digest);
    return { chart, archive, digest, origin, lock };
  }

  /** `helm pull` into a temporary folder beside the cache, lock check, then a rename into the cache. */
  private async download(chart: ChartPin): Promise<string> {
    const name = archiveName(chart);
    const tmpRoot = path.join(this.settings.cacheDir, 'tmp');
    await fsp.mkdir(tmpRoot, { recursive: true });
    const tmp = await fsp.mkdtemp(path.join(tmpRoot, 'pull-'));
    try {
      const helm = await this.helm();
      try {
        await helm.run(['pull', chart.name, '--repo', chart.repository, '--version', chart.version, '-d', tmp]);
      } catch (e) {
        if (e instanceof HelmRunError) throw this.missing(chart, `helm pull failed: ${firstLines(e.stderr, 3)}`);
        throw e;
      }
      let pulled = path.join(tmp, name);
      if (!(await exists(pulled))) {
        const tgz = (await fsp.readdir(tmp)).filter((f) => f.endsWith('.tgz'));
        if (tgz.length !== 1) throw this.missing(chart, `helm pull wrote ${tgz.length === 0 ? 'no archive' : tgz.join(', ')}`);
        pulled = path.join(tmp, tgz[0]);
      }
      // Check before the archive reaches the cache, so a wrong download is never kept.
      await this.lock.check(chart, `${pulled} (downloaded from ${chart.repository})`, await sha256File(pulled));
      const target = path.join(this.cacheFolder, name);
      await fsp.mkdir(this.cacheFolder, { recursive: true });
      await fsp.rename(pulled, target);
      return target;
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }

  private missing(chart: ChartPin, why: string): UserError {
    const name = archiveName(chart);
    const dirNote = this.settings.chartsDir === undefined ? 'JHM_CHARTS_DIR is not set' : `JHM_CHARTS_DIR is ${this.settings.chartsDir}`;
    return new UserError(`chart archive ${name} cannot be had: ${why}`, {
      fix:
        `put it at $JHM_CHARTS_DIR/${name} (${dirNote}) or at ${path.join(this.cacheFolder, name)} (the cache folder); ` +
        `it comes from the Helm repository ${chart.repository} (helm pull ${chart.name} --repo ${chart.repository} --version ${chart.version})`,
    });
  }
}
