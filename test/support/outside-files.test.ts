/**
 * Rules of test/support/outside-files.ts, the one helper deciding what a test needing files from
 * outside the repository does without them (issue 18 item 6): skip with one line saying what it
 * needs and how to provide it, or, under CI, fail.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packagedChartPins } from '../../project/chart-pins';
import { archiveName } from '../../k8s/helm/chart-lock';
import { crd, outsideFiles, realCharts, sharedDir, valuesSchema } from './outside-files';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

const REPO = path.resolve(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-outside-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const there = path.join(dir, 'there.json');
fs.writeFileSync(there, '{}');
const missing = path.join(dir, 'missing.json');
const missingToo = path.join(dir, 'missing-too.json');
const need = (files: string[]) => outsideFiles({ files, what: 'fake outside files for this test', provide: 'put them in the temp folder' });

/** Runs `f` with the environment variables `env` set (undefined: unset), then restores them. */
function withEnv<T>(env: Record<string, string | undefined>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  try {
    return f();
  } finally {
    set(saved);
  }
}

// What the helper writes while this file's tests are registered (a skip line is written then).
const written: string[] = [];
const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write);
let skipped: ReturnType<typeof need>;
try {
  skipped = withEnv({ CI: undefined }, () => {
    const absent = need([there, missing]);
    absent.test('a test needing a missing file is skipped (1)', () => undefined);
    absent.test('a test needing a missing file is skipped (2)', () => undefined);
    need([missingToo]).describe('a describe needing a missing file is skipped', () => {
      test('inside it', () => undefined);
    });
    return absent;
  });
} finally {
  spy.mockRestore();
}

test('rule: when every file is there, the helper returns their paths with jest\'s own test and describe', () => {
  const found = need([there]);
  expect(found).toMatchObject({ present: true, paths: [there] });
  expect(found.test).toBe(test);
  expect(found.describe).toBe(describe);
});

test('rule: a missing file skips the tests needing it, with one line per need on stderr naming the missing files (only), what they are and how to provide them', () => {
  expect(skipped.present).toBe(false);
  const line = (file: string) => `test/support/outside-files.test.ts: skipped: needs ${file} (fake outside files for this test; put them in the temp folder; CI provides ../shared)\n`;
  expect(written).toEqual([line(missing), line(missingToo)]);
});

test('rule: under CI=true a missing file fails the test file instead of skipping, naming the file', () => {
  withEnv({ CI: 'true' }, () => {
    expect(() => need([missing]).test('never registered', () => undefined)).toThrow(`test/support/outside-files.test.ts: CI=true runs every test, and it needs ${missing}`);
  });
});

test('rule: JHM_SHARED_DIR moves the folder of outside files (default ../shared beside the repository)', () => {
  expect(withEnv({ JHM_SHARED_DIR: undefined }, sharedDir)).toBe(path.resolve(REPO, '..', 'shared'));
  withEnv({ JHM_SHARED_DIR: dir }, () => {
    expect(sharedDir()).toBe(dir);
    expect(valuesSchema('x.values.schema.json').path).toBe(path.join(dir, 'schemas', 'x.values.schema.json'));
    expect(crd('x.yaml').path).toBe(path.join(dir, 'crds', 'x.yaml'));
    expect(withEnv({ JHM_CHARTS_DIR: undefined }, realCharts).dir).toBe(path.join(dir, 'charts'));
  });
});

test('rule: the real charts are every pinned archive, in JHM_CHARTS_DIR when it is set', () => {
  const real = withEnv({ JHM_CHARTS_DIR: dir }, realCharts);
  expect(real.dir).toBe(dir);
  expect(real.paths).toEqual(Object.values(CHARTS).map((c) => path.join(dir, archiveName(c))));
  expect(real.present).toBe(false);
});

test('rule: one helper decides: no other test file reads JHM_CHARTS_DIR or builds a path into ../shared', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(path.join(REPO, 'test'));
  // crd-imports names the CRD as cdk8s.yaml lists it, to compare with that file (it reads it through the helper).
  const allowed = new Set(['test/support/outside-files.ts', 'test/support/outside-files.test.ts', 'test/platform/crd-imports.test.ts']);
  const outside = /process\.env\.JHM_(CHARTS|SHARED)_DIR|['"]\.\.['"],\s*['"]shared['"]|\.\.\/shared\/(charts|schemas|crds)/;
  const offenders = files.map((f) => path.relative(REPO, f).split(path.sep).join('/')).filter((f) => !allowed.has(f) && outside.test(fs.readFileSync(path.join(REPO, f), 'utf8')));
  expect(offenders).toEqual([]);
});
