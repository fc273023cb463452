/**
 * Where the Helm engine keeps things and how it behaves: one place that reads the `JHM_*`
 * environment variables, so every part of the engine agrees.
 *
 * | Setting    | Option         | Environment                     | Default                       |
 * |------------|----------------|---------------------------------|-------------------------------|
 * | root       | `root`         |                                 | the project (package.json)    |
 * | cache      | `cacheDir`     | `JHM_CACHE_DIR`                 | `<root>/.jhm`                 |
 * | lock file  | `lockFile`     |                                 | `<root>/charts.lock.json`     |
 * | charts     | `chartsDir`    | `JHM_CHARTS_DIR`                | none                          |
 * | offline    | `offline`      | `JHM_OFFLINE=1`                 | false                         |
 * | helm       | `helm`         | `JHM_HELM`                      | PATH, then the npm package    |
 * | render cache | `renderCache`| `JHM_RENDER_CACHE=0` disables   | true                          |
 * | helm processes | `helmProcesses` | `JHM_HELM_PROCESSES`        | 2 per core                    |
 */
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../../base/package-root';
import { ProjectLayout } from '../../project/layout';

/** Options shared by every part of the Helm engine. Each defaults from the environment, then a fixed default. */
export interface HelmEngineOptions {
  /** Project root: holds `charts.lock.json` and (by default) the `.jhm` cache. Default: this package's root. */
  readonly root?: string;
  /** Cache folder for chart archives, extracted tools and rendered charts. Default: `$JHM_CACHE_DIR`, else `<root>/.jhm`. */
  readonly cacheDir?: string;
  /** The chart lock file. Default: `<root>/charts.lock.json`. */
  readonly lockFile?: string;
  /** A folder of `<name>-<version>.tgz` archives looked at before the cache. Default: `$JHM_CHARTS_DIR`. */
  readonly chartsDir?: string;
  /** Never download a chart. Default: `JHM_OFFLINE=1` (or `true`). */
  readonly offline?: boolean;
  /** Path of the helm binary to use. Default: `$JHM_HELM`, else `helm` on PATH, else the one in the npm package. */
  readonly helm?: string;
  /** Reuse rendered charts from `<cacheDir>/render`. Default: true unless `JHM_RENDER_CACHE=0`. */
  readonly renderCache?: boolean;
  /**
   * Most helm processes running at once (each renders one release, using one core and about
   * 100 MB): more only queue for the cores and add memory. Default: `JHM_HELM_PROCESSES`, else 2 per core.
   */
  readonly helmProcesses?: number;
  /** Environment to read the `JHM_*` variables and PATH from. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The options with every default applied. */
export interface HelmEngineSettings {
  readonly root: string;
  readonly cacheDir: string;
  readonly lockFile: string;
  readonly chartsDir?: string;
  readonly offline: boolean;
  /** Explicit helm binary (option or `JHM_HELM`), and where it was named. */
  readonly helm?: { readonly path: string; readonly from: 'option' | 'JHM_HELM' };
  readonly renderCache: boolean;
  readonly helmProcesses: number;
  readonly env: NodeJS.ProcessEnv;
}

/** The nearest folder at or above this file that holds a package.json (works from sources and from lib/). */
export function defaultProjectRoot(): string {
  return packageRoot();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

function flag(value: string | undefined): boolean | undefined {
  const v = nonEmpty(value)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  return !['0', 'false', 'no', 'off'].includes(v);
}

function positiveInteger(value: string | undefined): number | undefined {
  const v = nonEmpty(value)?.trim();
  return v !== undefined && /^[1-9][0-9]*$/.test(v) ? Number(v) : undefined;
}

/** Applies environment and defaults to `options`. Relative paths are taken from the current directory. */
export function resolveSettings(options: HelmEngineOptions = {}): HelmEngineSettings {
  const env = options.env ?? process.env;
  const root = path.resolve(options.root ?? defaultProjectRoot());
  const layout = new ProjectLayout(root, env);
  const cacheDir = path.resolve(options.cacheDir ?? layout.cacheDir);
  const chartsDir = options.chartsDir ?? nonEmpty(env.JHM_CHARTS_DIR);
  const helmPath = options.helm ?? nonEmpty(env.JHM_HELM);
  return {
    root,
    cacheDir,
    lockFile: path.resolve(options.lockFile ?? layout.chartLock),
    chartsDir: chartsDir === undefined ? undefined : path.resolve(chartsDir),
    offline: options.offline ?? flag(env.JHM_OFFLINE) ?? false,
    helm: helmPath === undefined ? undefined : { path: path.resolve(helmPath), from: options.helm !== undefined ? 'option' : 'JHM_HELM' },
    renderCache: options.renderCache ?? flag(env.JHM_RENDER_CACHE) ?? true,
    helmProcesses: Math.max(1, Math.floor(options.helmProcesses ?? positiveInteger(env.JHM_HELM_PROCESSES) ?? 2 * os.availableParallelism())),
    env,
  };
}
