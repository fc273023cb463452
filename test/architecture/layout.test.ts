/**
 * Rule (issue 10, item 1): one project-layout object owns every path (project/layout.ts). No other
 * module spells a project folder or file as a path literal, and the cache folder honours
 * `JHM_CACHE_DIR` for every user of it (the helm engine's settings take it from the layout).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { CACHE_PATHS, OUTPUT_DIRS, PROJECT_PATHS, ProjectLayout } from '../../project/layout';
import { resolveSettings } from '../../k8s/helm/settings';
import { CODE_DIRS } from '../../base/package-root';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE_DIRS = CODE_DIRS.filter((d) => d !== 'imports');
/** Path segments only the layout may spell, wherever they appear as a string. */
const OWNED = new Set(['.jhm', 'cdktf.out', 'dist-secrets', 'hubs', 'charts.lock.json', 'charts.yaml', 'terraform.tfstate', 'JHM_CACHE_DIR', 'helm-home', 'staging', 'journal.json', 'render', 'tools']);

/**
 * Project folders whose names are also other words (`secrets` is an output kind and a command,
 * `outputs` where an IP was read from, `clusters` a kubeconfig key, `dist` an output kind): only
 * the layout may build a path of them (`path.join(root, 'secrets')`, `path.resolve`).
 */
const OWNED_AS_PATH = new Set(['clusters', 'outputs', 'secrets', 'dist', 'kubeconfig']);

/** Whether `node` is an argument of a call that builds a path (`path.join(...)`, `path.resolve(...)`). */
function inPathCall(node: ts.Node): boolean {
  const call = node.parent;
  return ts.isCallExpression(call) && call.arguments.includes(node as ts.Expression) && /^path\.(posix\.)?(join|resolve)$/.test(call.expression.getText());
}

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** String literals used as values (not import specifiers, not property names in type positions). */
function literals(file: string): Array<{ text: string; line: number; pathPart: boolean }> {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: Array<{ text: string; line: number; pathPart: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      out.push({ text: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, pathPart: inPathCall(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('rule: only project/layout.ts spells the project\'s folders and files (hubs, clusters, secrets, outputs, dist, charts.yaml, cdktf.out, .jhm, the cache)', () => {
  const offenders: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of files(path.join(ROOT, dir))) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      if (rel === 'project/layout.ts') continue;
      for (const { text, line, pathPart } of literals(file)) {
        if (OWNED.has(text) || (pathPart && OWNED_AS_PATH.has(text))) offenders.push(`${rel}:${line}: '${text}'`);
      }
    }
  }
  expect(offenders).toEqual([]);
});

test('rule: the layout gives every path under the project root (hubs, clusters, secrets, outputs, outputs of each kind, .jhm), and the cache under JHM_CACHE_DIR when set', () => {
  const root = path.join(os.tmpdir(), 'jhm-layout-probe');
  const layout = new ProjectLayout(root, {});
  expect(layout.hubFile('a')).toBe(path.join(root, 'hubs', 'a.yaml'));
  expect(layout.clusterFile('a')).toBe(path.join(root, 'clusters', 'a.yaml'));
  expect(layout.secretsFile('a')).toBe(path.join(root, 'secrets', 'a.yaml'));
  expect(layout.outputsFile('a')).toBe(path.join(root, 'outputs', 'a.json'));
  expect(layout.output('stacks', 'a')).toBe(path.join(root, 'cdktf.out', 'stacks', 'a'));
  expect(layout.output('dist', 'a')).toBe(path.join(root, 'dist', 'a'));
  expect(layout.output('secrets', 'a')).toBe(path.join(root, 'dist-secrets', 'a'));
  expect(layout.cdktfManifest).toBe(path.join(root, 'cdktf.out', 'manifest.json'));
  expect(layout.stateFile('a')).toBe(path.join(root, '.jhm', 'state', 'a.json'));
  expect(layout.kubeconfig('a')).toBe(path.join(root, '.jhm', 'kubeconfig', 'a.yaml'));
  expect(layout.terraformData('a')).toBe(path.join(root, '.jhm', 'terraform', 'a'));
  expect(layout.cacheDir).toBe(path.join(root, '.jhm'));
  expect(new ProjectLayout(root, { JHM_CACHE_DIR: '/var/cache/jhm' }).cacheDir).toBe('/var/cache/jhm');
  expect(new ProjectLayout(root, { JHM_CACHE_DIR: ' ' }).cacheDir).toBe(path.join(root, '.jhm'));
  expect(Object.values(OUTPUT_DIRS)).toContain('dist');
  expect(PROJECT_PATHS.lock).toBe(path.join('.jhm', 'lock'));
  expect(CACHE_PATHS.render).toBe('render');
});

test('rule: the helm engine takes its cache folder from the layout (JHM_CACHE_DIR honoured, project state stays in the project)', () => {
  const root = path.join(os.tmpdir(), 'jhm-layout-probe');
  expect(resolveSettings({ root, env: { JHM_CACHE_DIR: '/var/cache/jhm' } }).cacheDir).toBe('/var/cache/jhm');
  expect(resolveSettings({ root, env: {} }).cacheDir).toBe(path.join(root, '.jhm'));
  expect(resolveSettings({ root, env: {} }).lockFile).toBe(path.join(root, 'charts.lock.json'));
});

test('rule: the check finds a project folder built into a path outside the layout, and leaves the same word alone elsewhere', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-layout-literals-'));
  try {
    const file = path.join(dir, 'probe.ts');
    fs.writeFileSync(file, "const a = path.join(root, 'secrets', hub);\nconst b = kind === 'secrets';\nconst c = '.jhm';\nconst d = path.resolve(root, 'clusters');\nconst e = path.posix.join('outputs', f);\nconst g = { clusters: 'outputs' };\n");
    expect(literals(file)).toEqual([
      { text: 'secrets', line: 1, pathPart: true },
      { text: 'secrets', line: 2, pathPart: false },
      { text: '.jhm', line: 3, pathPart: false },
      { text: 'clusters', line: 4, pathPart: true },
      { text: 'outputs', line: 5, pathPart: true },
      { text: 'outputs', line: 6, pathPart: false },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
