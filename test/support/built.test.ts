/**
 * Rule: tests run the build, never a stale one (`built.ts`). A source counts as compiled when its
 * file in `lib/` is at least as new, or when `tsc -b` ran after it (`lib/.tsbuildinfo` newer: a
 * touched source whose text did not change keeps its old output); otherwise the check names it.
 * The bundles (`build.ts`) count as built from every source older than the stamp scripts/bundle.ts
 * writes on each run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_DIR, BUNDLE_STAMP } from '../../scripts/bundle';
import { staleForBundle } from './build';
import { staleMessage, staleSources } from './built';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-built-'));
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ include: ['cli/**/*.ts', 'test/**/*.ts'] }));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes `rel` with its mtime `seconds` after a fixed epoch. */
function write(rel: string, seconds: number): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '// fake\n');
  const t = new Date(Date.UTC(2030, 0, 1) + seconds * 1000);
  fs.utimesSync(file, t, t);
}

test('rule: a source is stale when its compiled file is missing or older and no tsc -b ran after it; tests and other folders are not looked at', () => {
  write('cli/main.ts', 10);
  write('lib/cli/main.js', 20);
  write('cli/new.ts', 10);
  write('cli/edited.ts', 30);
  write('lib/cli/edited.js', 20);
  write('test/support/child.ts', 30);
  write('test/cli/x.test.ts', 30);
  write('docs/notes.ts', 30);
  expect(staleSources(root).sort()).toEqual(['cli/edited.ts', 'cli/new.ts', 'test/support/child.ts']);
});

test('rule: a source touched before the last tsc -b is current although tsc left its output alone (the build info is newer)', () => {
  write('cli/main.ts', 30);
  write('lib/cli/main.js', 20);
  write('lib/.tsbuildinfo', 40);
  expect(staleSources(root)).toEqual([]);
  write('cli/main.ts', 50);
  expect(staleSources(root)).toEqual(['cli/main.ts']);
});

test('rule: the failure is one line that names the stale sources (at most three) and says "run npm run build"', () => {
  expect(staleMessage(['cli/a.ts'])).toBe('lib/ is older than its sources (cli/a.ts): run npm run build');
  expect(staleMessage(['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'])).toBe('lib/ is older than its sources (a.ts, b.ts, c.ts and 2 more): run npm run build');
});

test('rule: the bundles are stale when a product source or node_modules changed after the last bundling (its stamp), or when it never ran; test/support is not in them', () => {
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ include: ['cli/**/*.ts', 'k8s/**/*.ts', 'test/**/*.ts'] }));
  write('cli/main.ts', 10);
  write('k8s/synth.ts', 10);
  write('test/support/child.ts', 30);
  expect(staleForBundle(root).sort()).toEqual(['cli/main.ts', 'k8s/synth.ts']);
  write(path.join(BUNDLE_DIR, BUNDLE_STAMP), 20);
  expect(staleForBundle(root)).toEqual([]);
  write('k8s/synth.ts', 30);
  write('node_modules/.package-lock.json', 40);
  expect(staleForBundle(root)).toEqual(['k8s/synth.ts', 'node_modules']);
  expect(staleMessage(staleForBundle(root), 'lib/bundle/')).toBe('lib/bundle/ is older than its sources (k8s/synth.ts, node_modules): run npm run build');
});
