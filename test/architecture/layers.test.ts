/**
 * Rule (issue 10, item 1): layers with one job each, every import pointing down.
 *
 *   bench, scripts      tools around the project (benchmarks, generators)
 *   cli                 the `jhm` commands
 *   synth               the one synth pipeline, output commit, reporting; the cdktf and cdk8s app entries
 *   infra | k8s         the Terraform constructs | the Kubernetes manifests and the helm engine (siblings)
 *   project             the project on disk: paths (layout), reading hub, cluster, secrets and outputs
 *                       files, sops, chart pins, the checks that read the project (validate)
 *   model               the pure model: schemas, resolution, rules across files, diagnostics (no I/O)
 *   imports             generated bindings (CDKTF provider, cdk8s CRDs)
 *   base                files, hashing, canonical JSON, one process runner, one tool locator
 *
 * A module may import its own layer or any layer below; infra and k8s never import each other;
 * nothing outside test/ imports test/; a command never imports another command. Every import is
 * read from the syntax tree (`import`, `export … from`, `import x = require()`, `require()`,
 * `import()` and `import('…')` types), lazy ones inside functions included.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { sourceFiles } from '../support/source-files';
import { CODE_DIRS } from '../../base/package-root';

const ROOT = path.join(__dirname, '..', '..');

/** Rank of each top-level folder; an import may go to the same or a lower rank. */
const LAYERS: Readonly<Record<string, number>> = {
  base: 0,
  imports: 1,
  model: 2,
  project: 3,
  infra: 4,
  k8s: 4,
  synth: 5,
  cli: 6,
  bench: 7,
  scripts: 7,
};
/** Folders of one rank that must not import each other. */
const SIBLINGS: ReadonlyArray<readonly [string, string]> = [['infra', 'k8s']];


/** Every module specifier `file` names, with its line. */
export function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): Array<{ spec: string; line: number }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Array<{ spec: string; line: number }> = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ spec: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require';
      if (isRequire || isResolve || callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Top-level folder of a path relative to the repository root. */
const topOf = (rel: string) => rel.split('/')[0];

interface Edge {
  readonly from: string;
  readonly line: number;
  readonly spec: string;
  readonly to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const top of [...Object.keys(LAYERS), 'test']) {
    const dir = path.join(ROOT, top);
    if (!fs.existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      for (const { spec, line } of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const to = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
        out.push({ from: path.relative(ROOT, file).split(path.sep).join('/'), line, spec, to });
      }
    }
  }
  return out;
}

const ALL = edges();
const show = (e: Edge) => `${e.from}:${e.line} imports '${e.spec}' (${e.to})`;

test('the scan sees the imports it must judge (control: lazy requires and dynamic imports included)', () => {
  expect(ALL.length).toBeGreaterThan(200);
  const sample = importsOf('x.ts', "function f() { const a = require('./a'); return import('./b'); }\nlet t: import('./c').T;\nexport { x } from './d';\n");
  expect(sample.map((i) => i.spec)).toEqual(['./a', './b', './c', './d']);
  // A command's lazy load of the pipeline is one of the edges seen.
  expect(ALL.some((e) => e.from === 'cli/commands/synth.ts' && e.to === 'synth/pipeline')).toBe(true);
});

test('rule: every import points down the layers (base < imports < model < project < infra, k8s < synth < cli < bench, scripts)', () => {
  const up = ALL.filter((e) => {
    const from = LAYERS[topOf(e.from)];
    const to = LAYERS[topOf(e.to)];
    return from !== undefined && to !== undefined && to > from;
  });
  expect(up.map(show)).toEqual([]);
});

test('rule: infra and k8s are siblings: neither imports the other', () => {
  const sideways = ALL.filter((e) => SIBLINGS.some(([a, b]) => (topOf(e.from) === a && topOf(e.to) === b) || (topOf(e.from) === b && topOf(e.to) === a)));
  expect(sideways.map(show)).toEqual([]);
});

test('rule: every source folder has a layer (a new top-level folder must be placed in LAYERS)', () => {
  const unknown = ALL.filter((e) => topOf(e.from) !== 'test' && (LAYERS[topOf(e.to)] === undefined && topOf(e.to) !== 'test' && topOf(e.to) !== 'package.json'));
  expect(unknown.map(show)).toEqual([]);
});

test('rule: nothing outside test/ imports test/', () => {
  expect(ALL.filter((e) => topOf(e.from) !== 'test' && topOf(e.to) === 'test').map(show)).toEqual([]);
});

test('rule: a command never imports another command (shared CLI helpers live in cli/, not in a command)', () => {
  const between = ALL.filter((e) => e.from.startsWith('cli/commands/') && e.to.startsWith('cli/commands/'));
  expect(between.map(show)).toEqual([]);
});

test('rule: the pipeline asks the helm engine for what identifies helm (HelmBinary.identity), never stats its path itself', () => {
  const synthFiles = sourceFiles(path.join(ROOT, 'synth')).map((f) => path.relative(ROOT, f));
  const offenders = synthFiles.filter((f) => /helm\.path|stat(Sync)?\(\s*helm/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(offenders).toEqual([]);
});

/** Node built-ins that read or write the machine (files, processes, sockets, workers). `net` is left out: the model uses only its pure `isIPv4`. */
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|http|https|http2|os|worker_threads|dgram|readline|process)$/;

test('rule (issue 19, item 3): the model does no I/O: no module of model/ imports fs, child_process, os, http or worker_threads, or anything above it', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'model'))) {
    for (const { spec, line } of importsOf(file)) {
      if (IO_MODULES.test(spec)) offenders.push(`${path.relative(ROOT, file)}:${line} imports '${spec}'`);
    }
  }
  expect(offenders).toEqual([]);
  // Control: the scan sees an I/O import where there is one.
  expect(importsOf('x.ts', "import * as fs from 'fs';\nimport { spawn } from 'node:child_process';\nimport { isIPv4 } from 'net';\n").map((i) => IO_MODULES.test(i.spec))).toEqual([true, true, false]);
});

test('rule (issue 19, item 3): the model knows no Terraform construct and no chart engine: model/ imports neither cdktf, cdk8s, constructs nor the generated bindings', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'model'))) {
    for (const { spec, line } of importsOf(file)) {
      if (/^(cdktf|cdk8s|cdk8s-plus-\d+|constructs)$/.test(spec) || spec.includes('/imports/')) offenders.push(`${path.relative(ROOT, file)}:${line} imports '${spec}'`);
    }
  }
  expect(offenders).toEqual([]);
});

test('rule: the list of jhm\'s code folders (base/package-root.ts CODE_DIRS) is the layers of this test, in rank order, and tsconfig.json compiles each', () => {
  const ranked = Object.keys(LAYERS).filter((d) => d !== 'bench' && d !== 'scripts');
  expect([...CODE_DIRS]).toEqual(ranked);
  const include = (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] }).include;
  expect(CODE_DIRS.filter((d) => !include.includes(`${d}/**/*.ts`))).toEqual([]);
});
