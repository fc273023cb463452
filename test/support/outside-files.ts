/**
 * Files from outside the repository that some tests need, and the one rule deciding what happens
 * without them. CI keeps them in `../shared` beside the clone: the real pinned chart archives
 * (`charts/`, or wherever `JHM_CHARTS_DIR` points), the charts' values schemas (`schemas/`) and
 * cert-manager's ClusterIssuer CRD (`crds/`). A plain clone has none of them, so a test needing
 * them is skipped, and its test file says so in one line on stderr naming what it needs and how
 * to provide it. Under CI (`CI=true`) a missing file is an error instead: CI runs every test.
 *
 * `JHM_SHARED_DIR` moves the folder (default `<repo>/../shared`), e.g. to `/nonexistent` to see
 * what a plain clone runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { packagedChartPins } from '../../project/chart-pins';
import { archiveName } from '../../k8s/helm/chart-lock';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

/** The repository root. */
const REPO = path.resolve(__dirname, '..', '..');

/** The folder of outside files: `JHM_SHARED_DIR`, else `../shared` beside the repository. */
export function sharedDir(): string {
  return path.resolve(REPO, process.env.JHM_SHARED_DIR || path.join('..', 'shared'));
}

/** What a test needs from outside the repository. */
export interface OutsideNeed {
  /** Absolute paths of the files. */
  readonly files: readonly string[];
  /** What they are, for the skip line ("the upstream charts' values schemas"). */
  readonly what: string;
  /** How to provide them, for the skip line ("put them in ../shared/schemas"). */
  readonly provide: string;
}

/** The outcome for one need: the paths, and `test`/`describe` that run only when they are there. */
export interface OutsideFiles {
  /** Whether every file is there. */
  readonly present: boolean;
  /** The files' absolute paths, in the order asked (they exist when `present`). */
  readonly paths: readonly string[];
  /** jest's `test` when the files are there, else `test.skip`. */
  readonly test: jest.It;
  /** jest's `describe` when the files are there, else `describe.skip`. */
  readonly describe: jest.Describe;
}

/** Skip lines already written by this test file (each module registry is one test file). */
const said = new Set<string>();

/** `file` as the skip line shows it: relative to the repository when near it, else absolute. */
function display(file: string): string {
  const rel = path.relative(REPO, file);
  return rel.startsWith(path.join('..', '..')) || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** `a, b in dir` for files of one folder; the full paths otherwise. */
function listed(files: readonly string[]): string {
  const dirs = new Set(files.map((f) => path.dirname(f)));
  if (files.length > 1 && dirs.size === 1) return `${files.map((f) => path.basename(f)).join(', ')} in ${display([...dirs][0])}`;
  return files.map(display).join(', ');
}

/**
 * Decides a test's need for outside files: when they are all there, returns their paths with
 * jest's `test` and `describe`. Otherwise returns `test.skip` and `describe.skip` that, when a test
 * file first uses them, write its one skip line (once per need), or under `CI=true` throw.
 */
export function outsideFiles(need: OutsideNeed): OutsideFiles {
  const missing = need.files.filter((f) => !fs.existsSync(f));
  if (missing.length === 0) return { present: true, paths: need.files, test, describe };
  const announce = () => {
    const testFile = display(expect.getState().testPath ?? 'this test file');
    const line = `${testFile}: skipped: needs ${listed(missing)} (${need.what}; ${need.provide}; CI provides ../shared)`;
    if (process.env.CI === 'true') throw new Error(line.replace(': skipped: needs', ': CI=true runs every test, and it needs'));
    if (said.has(line)) return;
    said.add(line);
    // One plain line on stderr: console.info would add jest's stack lines around it.
    process.stderr.write(`${line}\n`);
  };
  return { present: false, paths: need.files, test: announcing(test.skip, announce), describe: announcing(describe.skip, announce) };
}

/** `skip` (jest's `test.skip` or `describe.skip`, and its `.each`) calling `announce` first. */
function announcing<T extends jest.It | jest.Describe>(skip: T, announce: () => void): T {
  const each = (...table: unknown[]) => {
    announce();
    return (skip.each as (...t: unknown[]) => unknown)(...table);
  };
  const wrapped = (...args: unknown[]) => {
    announce();
    return (skip as unknown as (...a: unknown[]) => unknown)(...args);
  };
  return Object.assign(wrapped, skip, { each }) as unknown as T;
}

/**
 * The real pinned chart archives (`<name>-<version>.tgz` of every chart in jhm's own `charts.yaml`),
 * from `JHM_CHARTS_DIR` when it is set, else from `<shared>/charts`; `dir` is that folder.
 */
export function realCharts(): OutsideFiles & { readonly dir: string } {
  const fromEnv = process.env.JHM_CHARTS_DIR;
  const dir = path.resolve(fromEnv || path.join(sharedDir(), 'charts'));
  const provide = fromEnv ? `JHM_CHARTS_DIR is ${fromEnv}: put them there, or unset it to use ${display(path.join(sharedDir(), 'charts'))}` : `put them there, or set JHM_CHARTS_DIR to a folder holding them`;
  const files = Object.values(CHARTS).map((c) => path.join(dir, archiveName(c)));
  return { ...outsideFiles({ files, what: 'the real upstream chart archives', provide }), dir };
}

/** One chart's values schema, `<shared>/schemas/<file>` (e.g. `traefik-41.3.0.values.schema.json`). */
export function valuesSchema(file: string): OutsideFiles & { readonly path: string } {
  const schemas = path.join(sharedDir(), 'schemas');
  const need = outsideFiles({ files: [path.join(schemas, file)], what: "the upstream charts' values schemas", provide: `put them in ${display(schemas)}` });
  return { ...need, path: need.paths[0] };
}

/**
 * A CRD the committed bindings in `imports/` are generated from, `<shared>/crds/<file>` (e.g.
 * `cert-manager-v1.21.1.clusterissuers.yaml`).
 */
export function crd(file: string): OutsideFiles & { readonly path: string } {
  const crds = path.join(sharedDir(), 'crds');
  const need = outsideFiles({ files: [path.join(crds, file)], what: 'the upstream CRD the bindings in imports/ are generated from', provide: `put it in ${display(crds)}` });
  return { ...need, path: need.paths[0] };
}
