/**
 * scripts/bundle.ts, `RUN_ON_FIRST_USE`: packages a vendored package requires at its top level but
 * a synth never uses run on first use. Rules: loading the vendored cdktf does not run archiver
 * (cdktf's zip of file assets: half of cdktf's file; seen from outside as the only code of the file
 * that needs node's zlib and stream); and the stand-in behaves as the package once used (a call,
 * `new`, a property, `in`), running the package's code then and not before. The bundles are made in
 * memory from the current sources and run from a temporary folder: nothing in lib/ is read or written.
 */
import { spawnSync } from 'child_process';
import { build } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_DIR, bundleFiles, firstUsePlugin, VENDOR_DIR } from '../../scripts/bundle';
import { REPO } from '../support/built';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-first-use-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(file: string): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr };
}

test('rule: the vendored cdktf loads without running archiver (node\'s zlib and stream are not required), and still makes a stack', async () => {
  const files = await bundleFiles(REPO);
  for (const pkg of ['cdktf', 'constructs']) {
    fs.writeFileSync(path.join(dir, `${pkg}.js`), files.get(path.join(REPO, BUNDLE_DIR, VENDOR_DIR, `${pkg}.js`)) as Uint8Array);
  }
  fs.writeFileSync(
    path.join(dir, 'probe.js'),
    `const Module = require('module');
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) { seen.add(request.replace(/^node:/, '')); return load.call(this, request, ...rest); };
const cdktf = require('./cdktf.js');
const app = new cdktf.App({ outdir: require('path').join(__dirname, 'out') });
new cdktf.TerraformOutput(new cdktf.TerraformStack(app, 'stack'), 'greeting', { value: 'hello' });
app.synth();
const stack = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'out', 'stacks', 'stack', 'cdk.tf.json'), 'utf8'));
process.stdout.write(JSON.stringify({ required: ['zlib', 'stream'].filter((m) => seen.has(m)), output: stack.output }));
`,
  );
  const r = run(path.join(dir, 'probe.js'));
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ required: [], output: { greeting: { value: 'hello' } } });
}, 120_000);

test('rule: a package run on first use behaves as itself once used (call, new, property, in) and runs only then', async () => {
  const pkg = path.join(dir, 'node_modules', 'fake-pkg');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'fake-pkg', main: 'index.js' }));
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    "globalThis.fakePkgRan = true;\nmodule.exports = function double(a) { return a * 2; };\nmodule.exports.Box = class Box { constructor(v) { this.v = v; } };\nmodule.exports.answer = 42;\n",
  );
  fs.writeFileSync(
    path.join(dir, 'entry.js'),
    "const p = require('fake-pkg');\nconst before = globalThis.fakePkgRan === true;\nprocess.stdout.write(JSON.stringify({ before, call: p(21), box: new p.Box(7).v, answer: p.answer, has: 'Box' in p, after: globalThis.fakePkgRan === true }));\n",
  );
  await build({ absWorkingDir: dir, entryPoints: ['entry.js'], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'out.js'), logLevel: 'silent', plugins: [firstUsePlugin(['fake-pkg'])] });
  const r = run(path.join(dir, 'out.js'));
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ before: false, call: 42, box: 7, answer: 42, has: true, after: true });
}, 60_000);
