/**
 * `charts.lock.json`: the sha256 of every chart archive the project has rendered. The first time an
 * archive is obtained its digest is recorded; every later use checks the archive against it, so a
 * chart can only change through a reviewed change of this file.
 *
 * Format (sorted keys, two-space indent, trailing newline):
 *
 * ```json
 * {
 *   "charts": {
 *     "cert-manager-v1.21.1.tgz": { "name": "cert-manager", "repository": "https://charts.jetstack.io", "sha256": "…", "version": "v1.21.1" }
 *   },
 *   "lockfileVersion": 1
 * }
 * ```
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { UserError } from '../../model/errors';
import type { ChartPin } from '../../model/versions';
import { canonicalJson } from '../../base/canonical-json';
import { writeFileAtomic } from '../../base/files';

export const LOCKFILE_VERSION = 1;

/** What the lock records for one archive. */
export interface ChartLockEntry {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
  /** sha256 of the archive, lower-case hex. */
  readonly sha256: string;
}

/** The archive file name of a chart: `<name>-<version>.tgz` (what `helm pull` and `helm package` write). */
export function archiveName(chart: ChartPin): string {
  return `${chart.name}-${chart.version}.tgz`;
}

/** What `ChartLock.check` did. */
export type LockOutcome = 'recorded' | 'verified';

/** Updates of one lock file within this process run one at a time (charts may be rendered concurrently). */
const queues = new Map<string, Promise<unknown>>();

/** The chart lock file at `file`. */
export class ChartLock {
  constructor(
    /** Absolute path of the lock file. */
    public readonly file: string,
  ) {}

  /** Every recorded archive, by archive name. A missing file has none. */
  public async entries(): Promise<Record<string, ChartLockEntry>> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    return this.parse(text);
  }

  /** The entry for `chart`, if recorded. */
  public async entry(chart: ChartPin): Promise<ChartLockEntry | undefined> {
    return (await this.entries())[archiveName(chart)];
  }

  /**
   * Checks `digest` (the sha256 of `archive`, the file just obtained for `chart`) against the lock:
   * records it when the chart has no entry yet; throws a `UserError` naming the archive and both
   * digests when it differs from the recorded one.
   */
  public check(chart: ChartPin, archive: string, digest: string): Promise<LockOutcome> {
    const run = async (): Promise<LockOutcome> => {
      const entries = await this.entries();
      const key = archiveName(chart);
      const recorded = entries[key];
      if (recorded) {
        if (recorded.sha256 !== digest) {
          throw new UserError(
            `chart archive ${archive} has sha256 ${digest}, but the lock records sha256 ${recorded.sha256} for ${key}`,
            {
              file: this.display(),
              field: `charts["${key}"].sha256`,
              fix: `if ${chart.name} ${chart.version} was republished on purpose, delete its entry from the lock and run again to record the new digest; otherwise delete ${archive} and fetch it again`,
            },
          );
        }
        return 'verified';
      }
      entries[key] = { name: chart.name, repository: chart.repository, sha256: digest, version: chart.version };
      await writeFileAtomic(this.file, `${canonicalJson({ charts: entries, lockfileVersion: LOCKFILE_VERSION }, 2)}\n`);
      return 'recorded';
    };
    const previous = queues.get(this.file) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(this.file, settled);
    void settled.then(() => {
      if (queues.get(this.file) === settled) queues.delete(this.file);
    });
    return next;
  }

  private display(): string {
    const rel = path.relative(process.cwd(), this.file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : this.file;
  }

  private parse(text: string): Record<string, ChartLockEntry> {
    const invalid = (field: string | undefined, message: string): UserError =>
      new UserError(message, {
        file: this.display(),
        field,
        fix: 'restore the file from git; a lock with `{"charts": {}, "lockfileVersion": 1}` starts empty and records digests again',
      });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw invalid(undefined, `invalid JSON: ${(e as Error).message}`);
    }
    if (!isRecord(data) || !isRecord(data.charts)) throw invalid('charts', 'must be an object of archive name to entry');
    if (data.lockfileVersion !== LOCKFILE_VERSION) {
      throw invalid('lockfileVersion', `must be ${LOCKFILE_VERSION} (this jhm reads lock files of version ${LOCKFILE_VERSION})`);
    }
    const out: Record<string, ChartLockEntry> = {};
    for (const [key, entry] of Object.entries(data.charts)) {
      const field = `charts["${key}"]`;
      if (!isRecord(entry)) throw invalid(field, 'must be an object');
      for (const k of ['name', 'version', 'repository', 'sha256'] as const) {
        if (typeof entry[k] !== 'string' || entry[k] === '') throw invalid(`${field}.${k}`, 'must be a non-empty string');
      }
      if (!/^[0-9a-f]{64}$/.test(entry.sha256 as string)) throw invalid(`${field}.sha256`, 'must be 64 lower-case hex digits');
      if (key !== `${entry.name}-${entry.version}.tgz`) throw invalid(field, `name and version must match the key (${entry.name}-${entry.version}.tgz)`);
      out[key] = {
        name: entry.name as string,
        repository: entry.repository as string,
        sha256: entry.sha256 as string,
        version: entry.version as string,
      };
    }
    return out;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
