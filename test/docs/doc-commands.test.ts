/**
 * Every shell block (```sh) of the README and the guides in docs/ is run, so no doc shows a
 * command that does not work. The blocks of one file run in order, as a reader would type them,
 * each with bash on a terminal (util-linux `script`), in one temporary project: the repository's
 * example fleet, the test charts (offline), fake terraform and kubectl (test/support/fake-tools)
 * and a fake clouds.yaml. A block that cannot run here carries an HTML comment right before it:
 * `<!-- not run: <why> -->`, or `<!-- run by <test file> … -->` when another test runs it.
 *
 * How the docs invoke jhm (`jhm` on PATH, or `./bin/jhm`) is rewritten to the `jhm` on the test's PATH, which runs the build (lib/); that
 * rewrite is `INVOCATIONS`, the one place to change when the docs' invocation changes.
 *
 * Needs `script` (util-linux) on PATH to give the blocks a terminal; the blocks are skipped
 * without it, with one line saying so.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { which } from '../../base/tools';
import { createFakeTool, readCalls } from '../support/fake-tools/fake-tool';
import { TERRAFORM_OK } from '../support/fake-tools/project';
import { engineEnv, makeProject, REPO, removeProjects, TestProject } from '../support/project';
import { builtFile } from '../support/built';

/** How the docs call jhm, rewritten to the `jhm` on the test's PATH. */
const INVOCATIONS = [/(?<![\w/.-])\.\/bin\/jhm\b/g];

/** Commands a block may hold that this test does not run, each with why (they are what .ci/run runs). */
const NOT_HERE: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /^npm ci && /gm, why: 'the test runs in the installed checkout' },
  { pattern: /^npm test$/gm, why: 'the test suite this test is part of' },
];

/** Fake values the docs' commands read from the environment. */
const DOC_VARIABLES = {
  GITHUB_CLIENT_ID: 'fake-github-client-id-for-docs',
  GITHUB_CLIENT_SECRET: 'fake-github-client-secret-for-docs',
  GITHUB_USER: 'fake-docs-admin',
  SECRET: 'fake-github-client-secret-for-docs',
  // The cloud of the fake clouds.yaml, as a reader sets theirs.
  OS_CLOUD: 'openstack',
};

/** Docs that start from a fresh clone (no secrets files yet); the others from a project set up with them. */
const FRESH_CLONE = new Set(['README.md']);

const SCRIPT = which('script');
if (SCRIPT === undefined) process.stderr.write('test/docs/doc-commands.test.ts: blocks skipped: needs script (util-linux) on PATH to give them a terminal\n');

interface Block {
  /** The file, relative to the repository. */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
  readonly marker: { readonly kind: 'not run'; readonly why: string } | { readonly kind: 'run by'; readonly test: string } | undefined;
}

/** The README and every guide in docs/ (the generated references hold no shell). */
function docFiles(): string[] {
  const guides = fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...guides];
}

/** The ```sh blocks of `doc`, with the comment before each. */
export function shellBlocks(doc: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^${open[1]}\`\`\`\\s*$`).test(lines[end])) end++;
    if (['sh', 'bash', 'shell', 'console'].includes(open[2])) {
      let before = i - 1;
      while (before >= 0 && lines[before].trim() === '') before--;
      const comment = before >= 0 ? lines[before].trim() : '';
      const notRun = /^<!-- not run: (.+?) -->$/.exec(comment);
      const runBy = /^<!-- run by (\S+)[^>]*-->$/.exec(comment);
      blocks.push({
        doc,
        line: i + 1,
        text: lines
          .slice(i + 1, end)
          .map((l) => l.slice(open[1].length))
          .join('\n'),
        marker: notRun ? { kind: 'not run', why: notRun[1] } : runBy ? { kind: 'run by', test: runBy[1] } : undefined,
      });
    }
    i = end;
  }
  return blocks;
}

const BLOCKS = new Map(docFiles().map((doc) => [doc, shellBlocks(doc, fs.readFileSync(path.join(REPO, doc), 'utf8'))]));

describe('rule: every shell block of the docs is run by a test, or says why not', () => {
  test.each([...BLOCKS.keys()])('%s', (doc) => {
    for (const b of BLOCKS.get(doc)!) {
      if (b.marker?.kind === 'not run') expect({ at: `${doc}:${b.line}`, why: b.marker.why.trim().length > 0 }).toEqual({ at: `${doc}:${b.line}`, why: true });
      if (b.marker?.kind === 'run by') {
        // The test named reads this doc.
        const test = path.join(REPO, b.marker.test);
        expect({ at: `${doc}:${b.line}`, exists: fs.existsSync(test) }).toEqual({ at: `${doc}:${b.line}`, exists: true });
        expect({ at: `${doc}:${b.line}`, reads: fs.readFileSync(test, 'utf8').includes(path.basename(doc)) }).toEqual({ at: `${doc}:${b.line}`, reads: true });
      }
    }
  });

  test('the README opens with the install-and-synth command and the test command, which .ci/run runs', () => {
    const first = BLOCKS.get('README.md')![0];
    expect(first.marker).toBeUndefined();
    expect(first.text.split('\n')).toEqual([expect.stringMatching(/^npm ci && .*jhm synth/), 'npm test']);
    expect(fs.readFileSync(path.join(REPO, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});

/** The text bash runs for a block: the docs' invocation rewritten, the commands of NOT_HERE left out. */
function runnable(text: string): string {
  let out = text;
  for (const re of INVOCATIONS) out = out.replace(re, 'jhm');
  for (const n of NOT_HERE) out = out.replace(n.pattern, '');
  return out;
}

const toRun = [...BLOCKS.entries()].filter(([, blocks]) => blocks.some((b) => b.marker === undefined));

(SCRIPT === undefined ? describe.skip : describe).each(toRun.map(([doc]) => doc))('the shell blocks of %s run, in order, in one project', (doc) => {
  let project: TestProject;
  let env: NodeJS.ProcessEnv;
  let log: string;

  beforeAll(async () => {
    const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
    project = await makeProject({
      clusters: { shared: repoFile('clusters/shared.yaml') },
      hubs: { 'course-a': repoFile('hubs/course-a.yaml'), 'course-b': repoFile('hubs/course-b.yaml'), example: repoFile('hubs/example.yaml') },
      secrets: !FRESH_CLONE.has(doc),
    });
    const tools = project.path('.test-tools');
    const home = project.path('.test-home');
    log = path.join(tools, 'calls.jsonl');
    const terraform = createFakeTool(tools, 'terraform', TERRAFORM_OK, log);
    const kubectl = createFakeTool(tools, 'kubectl', [], log);
    fs.writeFileSync(path.join(tools, 'jhm'), `#!/bin/sh\nexec "${process.execPath}" "${builtFile('test/support/jhm-child.ts')}" "$@"\n`, { mode: 0o755 });
    fs.symlinkSync(process.execPath, path.join(tools, 'node'));
    const clouds = path.join(home, '.config', 'openstack', 'clouds.yaml');
    fs.mkdirSync(path.dirname(clouds), { recursive: true });
    fs.writeFileSync(clouds, 'clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone.docs-tests.invalid:5000/v3\n      application_credential_id: fake-app-cred-id\n      application_credential_secret: fake-app-cred-secret-for-tests\n    auth_type: v3applicationcredential\n');
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JHM_|OS_|TF_|KUBECONFIG$|AWS_|GITHUB_)/.test(k)));
    env = {
      ...base,
      ...engineEnv(project.engine),
      ...DOC_VARIABLES,
      HOME: home,
      // The fakes and jhm first, so a real terraform or kubectl on the machine is never reached.
      PATH: `${tools}${path.delimiter}/usr/bin${path.delimiter}/bin`,
      JHM_TERRAFORM: terraform.path,
      JHM_KUBECTL: kubectl.path,
      SHELL: '/bin/sh',
      CHECKPOINT_DISABLE: '1',
    };
    spawnSync('git', ['init', '-q'], { cwd: project.root, env });
  });

  afterAll(removeProjects);

  const blocks = BLOCKS.get(doc)!.filter((b) => b.marker === undefined);
  test.each(blocks.map((b) => [b.line, b] as const))(`${doc}:%i`, (_line, block) => {
    const file = project.path('.test-tools/block.sh');
    fs.writeFileSync(file, `set -euo pipefail\n${runnable(block.text)}\n`);
    const r = spawnSync(SCRIPT!, ['-qec', `bash ${file}`, '/dev/null'], { cwd: project.root, env, input: '', encoding: 'utf8', timeout: 240_000 });
    const calls = readCalls(log).map((c) => `${c.tool} ${c.argv.join(' ')}`);
    expect({ block: `${doc}:${block.line}`, code: r.status, output: r.status === 0 ? '' : `${r.stdout}${r.stderr}\ncalls: ${calls.join('; ')}` }).toEqual({ block: `${doc}:${block.line}`, code: 0, output: '' });
  }, 300_000);
});
