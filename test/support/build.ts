/**
 * Builds what a test that runs the CLI as a user does needs: lib/ (`tsc -b`, incremental) and the
 * bundles `bin/jhm` runs (lib/bundle/, scripts/bundle.ts), as `npm run build` does. Other engineers'
 * files may be mid-edit: a type error elsewhere does not stop the test as long as the entry points
 * were made.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { bundle, BUNDLE_DIR } from '../../scripts/bundle';
import { REPO } from './project';

/** The compiled CLI (tsc's output: one file per source). */
export const MAIN_JS = path.join(REPO, 'lib', 'cli', 'main.js');
/** The command as installed: runs the bundled CLI. */
export const BIN = path.join(REPO, 'bin', 'jhm');
/** The bundled CLI `bin/jhm` runs. */
export const BUNDLED_JS = path.join(REPO, BUNDLE_DIR, 'jhm.js');

/** Runs `tsc -b`, then bundles; throws when an entry point is missing afterwards. */
export async function buildCli(): Promise<void> {
  const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: REPO, encoding: 'utf8' });
  if (!fs.existsSync(MAIN_JS)) throw new Error(`tsc -b did not produce ${MAIN_JS}:\n${tsc.stdout}${tsc.stderr}`);
  await bundle(REPO);
  if (!fs.existsSync(BUNDLED_JS)) throw new Error(`scripts/bundle.ts did not produce ${BUNDLED_JS}`);
}
