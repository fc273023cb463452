/**
 * The built CLI a test runs as a user does: `lib/` (`tsc -b`) and the bundles `bin/jhm` and the
 * apps of cdktf.json and cdk8s.yaml run (`lib/bundle/`, scripts/bundle.ts), as `npm run build`
 * makes them. `npm test` builds once before jest; a test only checks that the build is not older
 * than the sources and fails with one line saying "run npm run build" otherwise (`built.ts`).
 */
import * as path from 'path';
import { BUNDLE_DIR, BUNDLE_STAMP } from '../../scripts/bundle';
import { compiledFile, compiledSourceDirs, mtimeOf, REPO, requireCurrentLib, sourcesWhere, staleMessage } from './built';

/** The compiled CLI (tsc's output: one file per source). */
export const MAIN_JS = compiledFile('cli/main.ts');
/** The command as installed: runs the bundled CLI. */
export const BIN = path.join(REPO, 'bin', 'jhm');
/** The bundled CLI `bin/jhm` runs. */
export const BUNDLED_JS = path.join(REPO, BUNDLE_DIR, 'jhm.js');
/** The bundled apps cdktf.json and cdk8s.yaml name (`node lib/bundle/<app>.js`). */
export const BUNDLED_APP = { cdktf: path.join(REPO, BUNDLE_DIR, 'cdktf-app.js'), cdk8s: path.join(REPO, BUNDLE_DIR, 'cdk8s-app.js') } as const;
/** The test children, compiled: run them with `node <file> …` (no tsx, nothing compiled per test). */
export const JHM_CHILD = compiledFile('test/support/jhm-child.ts');
export const OUTPUT_CHILD = compiledFile('test/support/output-child.ts');
export const SHIELD_CHILD = compiledFile('test/support/fake-tools/shield-child.ts');

/**
 * Sources newer than the last bundling (`BUNDLE_STAMP`, written by every run of scripts/bundle.ts),
 * all of them when it never ran; an `npm install` since (node_modules/.package-lock.json newer)
 * makes the bundles stale too, as they hold the packages.
 */
export function staleForBundle(repo = REPO): string[] {
  const stamp = mtimeOf(path.join(repo, BUNDLE_DIR, BUNDLE_STAMP));
  const dirs = compiledSourceDirs(repo).filter((d) => d !== path.join('test', 'support'));
  const stale = sourcesWhere(repo, dirs, (_, mtime) => mtime > stamp);
  if (mtimeOf(path.join(repo, 'node_modules', '.package-lock.json')) > stamp) stale.push('node_modules');
  return stale;
}

let bundleChecked = false;

/** Fails with one line unless `lib/` and `lib/bundle/` are not older than the sources (checked once per test file). */
export function requireCurrentCli(): void {
  requireCurrentLib();
  if (bundleChecked) return;
  const stale = staleForBundle();
  if (stale.length > 0) throw new Error(staleMessage(stale, `${BUNDLE_DIR}/`));
  bundleChecked = true;
}

/** The name the tests of the CLI used when they built it themselves: now the check `requireCurrentCli`. */
export const buildCli = requireCurrentCli;
