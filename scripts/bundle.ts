/**
 * Ships the CLI as a few files (`npm run build` runs it after `tsc -b`, which stays the type-check
 * and the build the tests and the benchmark use). Node spends much of a command's start reading,
 * resolving and compiling modules one by one: a cold synth loaded about 700 files (cdktf alone
 * about 380). esbuild bundles each entry point from the TypeScript sources into one file in
 * `lib/bundle/`:
 *
 * - `jhm.js` (cli/main.ts, run by `bin/jhm`), `cdktf-app.js` and `cdk8s-app.js` (the apps of
 *   cdktf.json and cdk8s.yaml);
 * - `vendor/<package>.js`: each heavy package (`VENDORED`) as one file of its own, which an entry
 *   point requires where the sources import the package. A command loads them only when it uses
 *   them, as before (the sources' lazy `import()` and `require()` stay lazy in a bundle: esbuild
 *   runs a module's top-level code when the import is reached), so `jhm --help` reads one file of
 *   about 1 MB and not the 4 MB of everything. Each vendored package exists once in the bundle
 *   (`checkOneCopy`): cdktf and cdk8s share one `constructs`, as installed.
 *
 * Files read at run time by path (provider-schema/, charts, package.json) are found by walking up
 * from the module's folder, which works from `lib/bundle/` as from the sources and `lib/`.
 * Source maps (without the sources) let `jhm --debug` print stack traces of the TypeScript
 * sources, and `bench/profile.ts` attribute time to them.
 *
 * Run: node lib/scripts/bundle.js (from `npm run build`).
 */
import { build, Metafile, Plugin } from 'esbuild';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { writeFileAtomic } from '../base/files';

/** Where the bundles go, relative to the package root. */
export const BUNDLE_DIR = path.join('lib', 'bundle');

/** Entry points: output name (in BUNDLE_DIR, with `.js`) to TypeScript source. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  jhm: 'cli/main.ts',
  'cdktf-app': 'synth/cdktf-app.ts',
  'cdk8s-app': 'synth/cdk8s-app.ts',
};

/**
 * Packages bundled into a file of their own (`vendor/<name>.js`), loaded when first used: the
 * synthesis engines (cdktf, cdk8s and the constructs both build on) and the hub model's parsers
 * (zod, yaml), which `--help` never needs. Smaller packages live in the entry points' files.
 */
export const VENDORED = ['constructs', 'cdktf', 'cdk8s', 'zod', 'yaml'] as const;

/**
 * Packages a vendored package requires at its top level but uses only inside functions a synth does
 * not call: bundled as usual, but run on first use instead of when the vendored file loads. cdktf's
 * file assets (`TerraformAsset`, which jhm does not use) zip with archiver: archiver and its
 * dependencies (glob, readable-stream, lodash, async, …) are about half of cdktf's file.
 */
export const RUN_ON_FIRST_USE: Readonly<Partial<Record<(typeof VENDORED)[number], readonly string[]>>> = { cdktf: ['archiver'] };

/** Folder of the vendored packages' files, relative to BUNDLE_DIR. */
export const VENDOR_DIR = 'vendor';

/** The package root from lib/scripts/ (compiled) or scripts/ (sources). */
function packageRootOf(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}

const realNodeModulesOf = new Map<string, string>();

/** The real path of `<root>/node_modules`. */
function realNodeModules(root: string): string {
  let real = realNodeModulesOf.get(root);
  if (real === undefined) {
    real = fs.realpathSync(path.join(root, 'node_modules'));
    realNodeModulesOf.set(root, real);
  }
  return real;
}

/**
 * The vendored package a file belongs to, when it is that package's copy at the root of node_modules
 * (not a copy nested in another package). esbuild gives real paths, so node_modules is compared by
 * its real path too: a node_modules that is a symbolic link (a second checkout sharing the first's)
 * would otherwise vendor nothing and put every package in every entry point.
 */
function vendoredPackageOf(root: string, file: string): string | undefined {
  const rel = path.relative(realNodeModules(root), file).split(path.sep);
  if (rel[0] === '..' || rel.includes('node_modules')) return undefined;
  return (VENDORED as readonly string[]).find((p) => p === rel[0]);
}

/**
 * Makes an import of a vendored package (its root copy, as node would resolve it from the importer)
 * a `require` of its vendor file, relative to the output file's folder (`prefix`). `self` is the
 * package a vendor file itself holds.
 */
function vendorPlugin(root: string, prefix: string, self?: string): Plugin {
  const filter = new RegExp(`^(${VENDORED.join('|')})$`);
  return {
    name: 'jhm-vendor',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.path === self || args.pluginData === 'probe') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'probe' });
        if (r.errors.length > 0 || vendoredPackageOf(root, r.path) !== args.path) return undefined;
        return { path: `${prefix}${args.path}.js`, external: true };
      });
    },
  };
}

/**
 * Makes a `require` of each of `packages` give a stand-in that requires the package (bundled as
 * usual) on first use: a call, `new`, or reading a property of it. esbuild runs a bundled CommonJS
 * module only when its `require` is reached, so until then the package's code is only parsed.
 */
export function firstUsePlugin(packages: readonly string[]): Plugin {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
  return {
    name: 'jhm-first-use',
    setup(b) {
      if (packages.length === 0) return;
      b.onResolve({ filter }, (args) => (args.namespace === 'jhm-first-use' ? undefined : { path: args.path, namespace: 'jhm-first-use', pluginData: args.resolveDir }));
      b.onLoad({ filter: /.*/, namespace: 'jhm-first-use' }, (args) => ({
        loader: 'js',
        resolveDir: args.pluginData as string,
        contents: [
          'let real;',
          `const load = () => (real ??= require(${JSON.stringify(args.path)}));`,
          'module.exports = new Proxy(function () {}, {',
          '  apply: (_, self, a) => Reflect.apply(load(), self, a),',
          '  construct: (_, a) => Reflect.construct(load(), a),',
          '  get: (_, k) => load()[k],',
          '  has: (_, k) => k in load(),',
          '});',
          '',
        ].join('\n'),
      }));
    },
  };
}

/** Node's own modules stay requires (esbuild's list misses some, such as `readline/promises`). */
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: NODE_BUILTINS,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  write: false,
  logLevel: 'warning',
  // An `import()` of a vendored package or of node's own modules becomes a lazy `require`: node's
  // `import()` of a CommonJS file sees only the exports it can find by reading the file, none in a
  // bundle (`module.exports = require_x()`).
  supported: { 'dynamic-import': false },
  // `require.resolve('<package>')` stays a run-time lookup, which finds node_modules from the bundle's
  // folder as from the sources' (the bundle lies inside the package): nothing to mark external.
  logOverride: { 'require-resolve-not-external': 'silent' },
} as const;

/**
 * Refuses a bundle holding a vendored package in a file other than its own: two copies of
 * `constructs` break cdktf and cdk8s (a construct of one copy is not a `Construct` of the other),
 * and two of zod double the start-up.
 */
function checkOneCopy(root: string, metafiles: readonly Metafile[]): void {
  for (const meta of metafiles) {
    for (const [out, info] of Object.entries(meta.outputs)) {
      const own = path.basename(path.dirname(out)) === VENDOR_DIR ? path.basename(out, '.js') : undefined;
      for (const input of Object.keys(info.inputs)) {
        const pkg = vendoredPackageOf(root, path.resolve(root, input));
        if (pkg !== undefined && pkg !== own) {
          throw new Error(`${out} holds ${input}, a file of ${pkg}, which belongs in ${path.join(BUNDLE_DIR, VENDOR_DIR, `${pkg}.js`)}: import ${pkg} by its package name (not a path into it), or add the package it comes from to VENDORED in scripts/bundle.ts`);
        }
      }
    }
  }
}

/** The bundles as esbuild makes them (nothing written): absolute path to contents. */
export async function bundleFiles(root: string): Promise<Map<string, Uint8Array>> {
  const outRoot = path.join(root, BUNDLE_DIR);
  const vendor = VENDORED.map((pkg) =>
    build({
      ...COMMON,
      absWorkingDir: root,
      stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});\n`, resolveDir: root, sourcefile: `${pkg}.vendor.js`, loader: 'js' },
      outfile: path.join(outRoot, VENDOR_DIR, `${pkg}.js`),
      plugins: [vendorPlugin(root, './', pkg), firstUsePlugin(RUN_ON_FIRST_USE[pkg] ?? [])],
    }),
  );
  const entries = build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: Object.entries(ENTRY_POINTS).map(([out, src]) => ({ in: src, out })),
    outdir: outRoot,
    tsconfig: path.join(root, 'tsconfig.json'),
    plugins: [vendorPlugin(root, `./${VENDOR_DIR}/`)],
  });
  const results = await Promise.all([...vendor, entries]);
  checkOneCopy(
    root,
    results.map((r) => r.metafile),
  );
  return new Map(results.flatMap((r) => r.outputFiles.map((f) => [f.path, f.contents] as const)));
}

/**
 * Written into BUNDLE_DIR at the end of every `bundle` run, files changed or not: a source older
 * than it is in the bundles (the tests' check of the build, test/support/build.ts, which cannot use
 * the bundles' own mtimes: an unchanged file keeps its old one). Not code: the code stamp of a synth
 * (`synth/state.ts`) reads only .js, .ts and .json files.
 */
export const BUNDLE_STAMP = '.built';

/** Files below `dir`, absolute (the stamp left out). */
function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== BUNDLE_STAMP)
    .flatMap((e) => (e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Builds every bundle into `<root>/lib/bundle/`. A file whose contents are unchanged is left alone
 * (its mtime too: the record of a synth holds a stamp of the code, `synth/state.ts`, so a rebuild
 * of the same sources does not make the next synth render again); files no longer made are removed.
 * Returns the files written or removed.
 */
export async function bundle(root: string): Promise<string[]> {
  const files = await bundleFiles(root);
  const changed: string[] = [];
  for (const [file, contents] of files) {
    if (fs.existsSync(file) && Buffer.from(contents).equals(fs.readFileSync(file))) continue;
    // Atomically: a jhm started meanwhile (a test while another test builds) reads the old file or the new one.
    await writeFileAtomic(file, contents);
    changed.push(file);
  }
  for (const file of filesBelow(path.join(root, BUNDLE_DIR))) {
    if (!files.has(file)) {
      fs.rmSync(file);
      changed.push(file);
    }
  }
  fs.writeFileSync(path.join(root, BUNDLE_DIR, BUNDLE_STAMP), `${new Date().toISOString()}\n`);
  return changed;
}

/** Whether `<root>/lib/bundle/` holds exactly what the sources make now (`npm run build` makes it so). */
export async function bundleIsCurrent(root: string): Promise<boolean> {
  const files = await bundleFiles(root);
  const present = filesBelow(path.join(root, BUNDLE_DIR));
  return present.length === files.size && [...files].every(([file, contents]) => fs.existsSync(file) && Buffer.from(contents).equals(fs.readFileSync(file)));
}

if (require.main === module) {
  bundle(packageRootOf(__dirname)).catch((e: Error) => {
    process.stderr.write(`error: scripts/bundle.ts: ${e.message}\n`);
    process.exitCode = 1;
  });
}
