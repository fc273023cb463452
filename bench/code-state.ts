/**
 * Which code a benchmark measured: the git commit, the product files changed since it, any
 * compiled file in lib/ older than its source, and whether the bundles `bin/jhm` runs
 * (lib/bundle/) are what the sources make now (run `npm run bench`, which builds first, to avoid
 * both).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CODE_DIRS } from '../base/package-root';
import { bundleIsCurrent } from '../scripts/bundle';

/** Source folders of the product (what `jhm synth` runs). */
const PRODUCT_DIRS = ['bin', ...CODE_DIRS];

export interface CodeState {
  readonly commit: string | null;
  /** Product files with uncommitted changes (`git status --porcelain`). */
  readonly uncommitted: string[];
  /** Sources newer than their compiled lib/*.js and the last tsc -b (the measured code is then older than the tree). */
  readonly staleInLib: string[];
  /** Whether lib/bundle/ holds exactly what the sources make (`scripts/bundle.ts`). */
  readonly bundleCurrent: boolean;
}

export async function codeState(repo: string): Promise<CodeState> {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain', '--', ...PRODUCT_DIRS]);
  const staleInLib: string[] = [];
  // tsc -b leaves the output of a source whose text did not change (a touch) alone, but rewrites its build info.
  const buildInfo = fs.existsSync(path.join(repo, 'lib', '.tsbuildinfo')) ? fs.statSync(path.join(repo, 'lib', '.tsbuildinfo')).mtimeMs : 0;
  const walk = (rel: string): void => {
    const dir = path.join(repo, rel);
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = path.join(repo, 'lib', r.replace(/\.ts$/, '.js'));
        if (!fs.existsSync(js) || Math.max(fs.statSync(js).mtimeMs, buildInfo) < fs.statSync(path.join(repo, r)).mtimeMs) staleInLib.push(r);
      }
    }
  };
  for (const d of PRODUCT_DIRS) if (d !== 'bin') walk(d);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    uncommitted: status.status === 0 ? status.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim()) : [],
    staleInLib,
    bundleCurrent: await bundleIsCurrent(repo),
  };
}
