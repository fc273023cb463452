/**
 * The build that tests run as child processes: `lib/` (`tsc -b`: one file per source, the
 * children of `test/support/` included) and the bundles `bin/jhm` and the apps of cdktf.json and
 * cdk8s.yaml run (`lib/bundle/`, scripts/bundle.ts; see `build.ts`).
 *
 * Built once per test run, by `npm test` (`npm run build && jest`), never by a test: a build in the
 * middle of a run would rewrite files other test processes are loading. Nor does a test run a stale
 * build: before running one, it checks that every source has a compiled file at least as new, and
 * fails with one line naming the fix otherwise ("run npm run build"). A source counts as compiled
 * when its file in `lib/` is newer, or when `lib/.tsbuildinfo` is: `tsc -b` leaves the output of a
 * source whose text did not change alone (a `touch` only), but rewrites the build info.
 *
 * Only fs and path here: the children (`jhm-child.ts`, `output-child.ts`) check with it too.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The package root, found from this file's folder in the sources and in `lib/` alike. */
function packageRoot(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${__dirname}`);
  }
}

export const REPO = packageRoot();
export const LIB = path.join(REPO, 'lib');
/** What `tsc -b` rewrites on every build that finds work or touched files (tsconfig.json: tsBuildInfoFile), relative to the root. */
const BUILD_INFO = path.join('lib', '.tsbuildinfo');

/** The folders whose compiled files a child process may load: the product, scripts and bench (tsconfig.json's include), and the test children. */
export function compiledSourceDirs(repo = REPO): string[] {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(repo, 'tsconfig.json'), 'utf8')) as { include: string[] };
  const top = tsconfig.include.map((pattern) => pattern.split('/')[0]).filter((d) => d !== 'test');
  return [...new Set(top), path.join('test', 'support')];
}

/** `lib/<source without .ts>.js`. */
export function compiledFile(source: string, repo = REPO): string {
  return path.join(repo, 'lib', source.replace(/\.ts$/, '.js'));
}

/** Every source (relative to `repo`, `/`-separated) of `dirs` that `isStale(source, its mtime)` says is stale; test files are not looked at. */
export function sourcesWhere(repo: string, dirs: readonly string[], isStale: (source: string, mtimeMs: number) => boolean): string[] {
  const stale: string[] = [];
  const walk = (rel: string): void => {
    const dir = path.join(repo, rel);
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts') && isStale(r, fs.statSync(path.join(repo, r)).mtimeMs)) {
        stale.push(r.split(path.sep).join('/'));
      }
    }
  };
  for (const d of dirs) walk(d);
  return stale;
}

/** The mtime of a file, 0 when it is missing. */
export function mtimeOf(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

/** Sources with no compiled file in `lib/`, or a newer text than it and than the last `tsc -b`, in the folders `compiledSourceDirs` names. */
export function staleSources(repo = REPO): string[] {
  const buildInfo = mtimeOf(path.join(repo, BUILD_INFO));
  return sourcesWhere(repo, compiledSourceDirs(repo), (source, mtime) => {
    const js = compiledFile(source, repo);
    return !fs.existsSync(js) || mtime > Math.max(mtimeOf(js), buildInfo);
  });
}

/** The one line a test fails with when `lib/` is not what the sources make. */
export function staleMessage(stale: readonly string[], built = 'lib/'): string {
  const named = stale.slice(0, 3).join(', ') + (stale.length > 3 ? ` and ${stale.length - 3} more` : '');
  return `${built} is older than its sources (${named}): run npm run build`;
}

let checked = false;

/** Throws the one-line error of `staleMessage` unless `lib/` is current (checked once per process). */
export function requireCurrentLib(): void {
  if (checked) return;
  const stale = staleSources();
  if (stale.length > 0) throw new Error(staleMessage(stale));
  checked = true;
}

/** The compiled file of a source (e.g. `synth/cdktf-app.ts`), after `requireCurrentLib`: what a test runs with `node`. */
export function builtFile(source: string): string {
  requireCurrentLib();
  return compiledFile(source);
}

/**
 * Loads the compiled module of a source, for a child process started from the sources or from
 * `lib/`: prints the one-line error and exits 1 when `lib/` is stale.
 */
export function loadBuilt<T>(source: string): T {
  let file: string;
  try {
    file = builtFile(source);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(1);
  }
  return require(file) as T;
}
