/**
 * `jhm synth`, run in process on temporary projects (test charts, offline): what it writes,
 * how it reports errors (one line each, naming the file, line and field, no stack trace), and
 * that output is never lost: a failed synth leaves earlier output byte-identical, one hub's synth
 * leaves other hubs alone, deleted hubs keep their output unless --prune, and concurrent synths
 * are serialized by a lock.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { builtFile } from '../support/built';
import {
  EXAMPLE_HUB,
  EXAMPLE_HUB_NGINX,
  engineEnv,
  FAKE_GITHUB_CLIENT_SECRET,
  makeProject,
  removeProjects,
  REPO,
  runJhm,
  runJhmConcurrently,
  setHubLine,
  TestProject,
} from '../support/project';

afterAll(removeProjects);

const TWO_HUBS = { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX };

/** Error lines of a run's stderr. */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
/** A stack trace line, as node prints them. */
const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

describe('jhm synth', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject({ hubs: TWO_HUBS });
  });

  test('writes cdktf.out/stacks/<hub>, dist/<hub> and dist-secrets/<hub> for every hub, reports each, prints nothing on stdout', async () => {
    const run = await project.jhm('synth');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    for (const hub of ['example', 'nginx']) {
      expect(JSON.parse(project.read(`cdktf.out/stacks/${hub}/cdk.tf.json`))).toHaveProperty('resource');
      expect([...project.tree(`dist/${hub}`).keys()]).toEqual(['00-namespaces.yaml', '01-crds.yaml', '02-cert-manager.yaml', '03-ingress-controller.yaml', '04-cluster-issuers.yaml', '05-jupyterhub.yaml', 'kustomization.yaml']);
      expect([...project.tree(`dist-secrets/${hub}`).keys()]).toEqual(['00-namespaces.yaml', '05-jupyterhub.yaml']);
      expect(run.stderr).toContain(`✓ ${hub}: cdktf.out/stacks/${hub}, dist/${hub} (6 files), dist-secrets/${hub} (2 files)`);
    }
    expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['example', 'nginx']);
    expect(run.stderr).toMatch(/^synthesized 2 hub\(s\) in \d+\.\d s$/m);
    expect(run.stderr).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    // Nothing is left in the staging area.
    expect(fs.readdirSync(project.path('.jhm/staging'))).toEqual([]);
  });

  test('a bad hub file: exit 1, one line per error naming file:line and field, no stack trace, all earlier output byte-identical', async () => {
    const before = project.outputs();
    let bad = setHubLine(EXAMPLE_HUB_NGINX, 'maxNodes', '0');
    bad = bad.replace('dockerVolumeSize: 50', 'dockerVolumeSize: 50\n  colour: blue');
    project.write('hubs/nginx.yaml', bad);
    try {
      const run = await project.jhm('synth');
      expect(run.code).toBe(1);
      const lines = errorLines(run.stderr);
      expect(lines).toEqual(
        expect.arrayContaining([
          'error: hubs/nginx.yaml:23: cluster.defaultWorker.maxNodes: must be at least 1',
          expect.stringMatching(/^error: hubs\/nginx\.yaml:13: cluster: unknown field "colour"/),
        ]),
      );
      for (const l of lines) expect(l).toMatch(/^error: hubs\/nginx\.yaml:\d+: [a-zA-Z.[\]0-9]+: /);
      expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('error:'))).toEqual([]);
      expect(run.stderr).not.toMatch(STACK_LINE);
      // Neither the bad hub's output nor the good hub's was touched.
      expect(project.outputs()).toEqual(before);
    } finally {
      project.write('hubs/nginx.yaml', EXAMPLE_HUB_NGINX);
    }
  });

  test('invalid YAML: one line naming file:line', async () => {
    const before = project.outputs();
    project.write('hubs/nginx.yaml', `${EXAMPLE_HUB_NGINX}\n  : [\n`);
    try {
      const run = await project.jhm('synth');
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: hubs\/nginx\.yaml:\d+: invalid YAML: /)]);
      expect(project.outputs()).toEqual(before);
    } finally {
      project.write('hubs/nginx.yaml', EXAMPLE_HUB_NGINX);
    }
  });

  test('a missing secrets file: exit 1, an error naming `jhm secrets <hub>`, output unchanged', async () => {
    const before = project.outputs();
    const file = project.path('secrets/nginx.yaml');
    const saved = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    try {
      const run = await project.jhm('synth');
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual(['error: secrets/nginx.yaml: no secrets file for this hub (create it with: jhm secrets nginx)']);
      expect(project.outputs()).toEqual(before);
    } finally {
      fs.writeFileSync(file, saved, { mode: 0o600 });
    }
  });

  test('a secret value that YAML would not read as written unquoted ({…}) is quoted in the Secret: it reaches JupyterHub as that string, dist/ unchanged', async () => {
    const dist = () => new Map([...project.outputs()].filter(([k]) => k.startsWith('dist/')));
    const before = dist();
    const file = project.path('secrets/nginx.yaml');
    const saved = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, saved.replace(FAKE_GITHUB_CLIENT_SECRET, "'{fake-brace-secret'"));
    try {
      const run = await project.jhm('synth', 'nginx');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain('fake-brace-secret');
      const docs = parseAllDocuments(project.read('dist-secrets/nginx/05-jupyterhub.yaml')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> });
      const hubSecret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'hub')!;
      const values = parse(Buffer.from(hubSecret.data!['values.yaml'], 'base64').toString('utf8')) as { hub: { config: { GitHubOAuthenticator: { client_secret: unknown } } } };
      expect(values.hub.config.GitHubOAuthenticator.client_secret).toBe('{fake-brace-secret');
      expect(dist()).toEqual(before);
    } finally {
      fs.writeFileSync(file, saved);
    }
  });

  test('a missing chart (empty charts folder, offline): exit 1, errors naming the archive and JHM_CHARTS_DIR, output unchanged', async () => {
    const before = project.outputs();
    const empty = fs.mkdtempSync(path.join(project.root, 'empty-charts-'));
    const run = await runJhm(['-C', project.root, 'synth', 'example'], { ...engineEnv(project.engine), JHM_CHARTS_DIR: empty, JHM_CACHE_DIR: empty });
    expect(run.code).toBe(1);
    const lines = errorLines(run.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('jupyterhub-4.4.0.tgz');
    for (const l of lines) expect(l).toMatch(/^error: chart \S+ \S+ is missing: .*put \S+\.tgz from \S+ into JHM_CHARTS_DIR \(/);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(project.outputs()).toEqual(before);
  });

  test('synthesizing hub A does not touch hub B (same bytes, same files, not rewritten)', async () => {
    project.write('hubs/nginx.yaml', setHubLine(EXAMPLE_HUB_NGINX, 'storageCapacity', '20Gi'));
    try {
      const b = () => new Map([...project.outputs()].filter(([k]) => k.includes('/nginx/')));
      const before = b();
      const inode = fs.statSync(project.path('dist/nginx/05-jupyterhub.yaml')).ino;
      project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
      const run = await project.jhm('synth', 'example');
      expect(run.code).toBe(0);
      expect(project.read('dist/example/05-jupyterhub.yaml')).toContain('30Gi');
      expect(b()).toEqual(before);
      expect(fs.statSync(project.path('dist/nginx/05-jupyterhub.yaml')).ino).toBe(inode);
      expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['example', 'nginx']);
    } finally {
      project.write('hubs/nginx.yaml', EXAMPLE_HUB_NGINX);
      project.write('hubs/example.yaml', EXAMPLE_HUB);
      expect((await project.jhm('synth')).code).toBe(0);
    }
  });

  test('a file terraform keeps in the stack folder (.terraform.lock.hcl) survives a synth', async () => {
    project.write('cdktf.out/stacks/example/.terraform.lock.hcl', '# provider lock of the tests\n');
    expect((await project.jhm('synth', 'example')).code).toBe(0);
    expect(project.read('cdktf.out/stacks/example/.terraform.lock.hcl')).toBe('# provider lock of the tests\n');
  });
});

describe('atomicity of synthHubs', () => {
  test('a failure injected after staging (beforeCommit) leaves every earlier output byte-identical, and the next synth works', async () => {
    const project = await makeProject({ hubs: TWO_HUBS });
    await project.synth();
    const before = project.outputs();
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    project.write('hubs/nginx.yaml', setHubLine(EXAMPLE_HUB_NGINX, 'storageCapacity', '30Gi'));
    let called = false;
    await expect(
      project.synth({
        beforeCommit: () => {
          called = true;
          throw new Error('injected failure before the swap');
        },
      }),
    ).rejects.toThrow('injected failure before the swap');
    expect(called).toBe(true);
    expect(project.outputs()).toEqual(before);
    expect(fs.readdirSync(project.path('.jhm/staging'))).toEqual([]);
    // The lock was released and the staged output cleaned up: a synth now succeeds and changes every hub.
    await project.synth();
    expect(project.read('dist/example/05-jupyterhub.yaml')).toContain('30Gi');
    expect(project.read('dist/nginx/05-jupyterhub.yaml')).toContain('30Gi');
  });

  test('one bad hub fails the whole synth: the good hub is not written either', async () => {
    const project = await makeProject({ hubs: TWO_HUBS });
    await project.synth();
    const before = project.outputs();
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'storageCapacity', '30Gi'));
    project.write('hubs/nginx.yaml', setHubLine(EXAMPLE_HUB_NGINX, 'maxNodes', '0'));
    const run = await project.jhm('synth');
    expect(run.code).toBe(1);
    expect(project.outputs()).toEqual(before);
  });
});

describe('deleted hubs', () => {
  test('a deleted hub keeps its output (with a warning) unless --prune, which removes all of it', async () => {
    const project = await makeProject({ hubs: TWO_HUBS });
    expect((await project.jhm('synth')).code).toBe(0);
    const nginx = new Map([...project.outputs()].filter(([k]) => k.includes('/nginx/')));
    expect(nginx.size).toBeGreaterThan(5);
    fs.rmSync(project.path('hubs/nginx.yaml'));

    const kept = await project.jhm('synth');
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain('output of deleted hub(s) nginx kept; run jhm synth --prune to remove it');
    expect(new Map([...project.outputs()].filter(([k]) => k.includes('/nginx/')))).toEqual(nginx);
    expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['example', 'nginx']);

    const pruned = await project.jhm('synth', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toContain('removed the output of nginx (no hubs/nginx.yaml)');
    expect([...project.outputs().keys()].filter((k) => k.includes('nginx'))).toEqual([]);
    for (const dir of ['cdktf.out/stacks', 'dist', 'dist-secrets']) expect(fs.readdirSync(project.path(dir))).toEqual(['example']);
    expect(Object.keys((JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: object }).stacks)).toEqual(['example']);
  });
});

describe('usage and internal errors', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject();
  });

  test.each([
    [['frobnicate'], /^error: unknown command 'frobnicate'$/m],
    [['synth', '--frob'], /^error: unknown option '--frob'$/m],
    [['secrets'], /^error: missing required argument 'hub' \(or give --update-recipients\)$/m],
    [['init', 'x', '--admin'], /^error: option '--admin <user\.\.\.>' argument missing$/m],
  ])('usage error %j exits 2 with a hint to --help', async (args, message) => {
    const run = await project.jhm(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('jhm --help');
    expect(project.outputs().size).toBe(0);
  });

  test('an internal error (a file where the .jhm folder goes) is one line plus a hint; --debug adds the stack trace', async () => {
    project.write('.jhm', 'not a folder\n');
    try {
      const plain = await project.jhm('synth');
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/^internal error: .*\.jhm/m);
      expect(plain.stderr).toContain('Run again with --debug for the stack trace');
      expect(plain.stderr).not.toMatch(STACK_LINE);
      const debug = await project.jhm('--debug', 'synth');
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/^internal error: /m);
      expect(debug.stderr).toMatch(STACK_LINE);
      expect(project.outputs().size).toBe(0);
    } finally {
      fs.rmSync(project.path('.jhm'));
    }
  });

  test('--debug also shows the stack of a user error; without it there is none', async () => {
    project.write('hubs/example.yaml', setHubLine(EXAMPLE_HUB, 'maxNodes', '0'));
    try {
      const plain = await project.jhm('synth');
      expect(plain.stderr).not.toMatch(STACK_LINE);
      const debug = await project.jhm('--debug', 'synth');
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(STACK_LINE);
    } finally {
      project.write('hubs/example.yaml', EXAMPLE_HUB);
    }
  });
});

describe('concurrent synths', () => {
  test('two synths started at once both succeed, and the outputs are complete and the same as one synth gives', async () => {
    const project = await makeProject({ hubs: TWO_HUBS });
    const args = ['-C', project.root, 'synth'];
    const both = await runJhmConcurrently([args, args], engineEnv(project.engine));
    expect(both.codes).toEqual([0, 0]);
    const after = project.outputs();
    expect((await project.jhm('synth')).code).toBe(0);
    expect(project.outputs()).toEqual(after);
    expect(after.size).toBe(2 * (1 + 6 + 1 + 2) + 1);
  });

  test('a synth waits while another process holds the lock, reading and rendering nothing meanwhile (issue 17, item 7), then completes', async () => {
    const project = await makeProject();
    const holder = spawn(process.execPath, [builtFile('test/support/output-child.ts'), 'lock', project.root], { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', () => reject(new Error('the lock holder ended before taking the lock')));
      });
      let rendered = false;
      let finished = false;
      const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const second = project.synth({ onCluster: () => (rendered = true) }).then(() => (finished = true));
      try {
        await new Promise((r) => setTimeout(r, 1500));
        // Inputs are read under the lock: nothing is rendered before the holder is gone.
        expect({ rendered, finished }).toEqual({ rendered: false, finished: false });
        expect(project.outputs().size).toBe(0);
        holder.kill('SIGKILL');
        await second;
      } finally {
        quiet.mockRestore();
      }
      expect({ rendered, finished }).toEqual({ rendered: true, finished: true });
      expect(project.tree('dist/example').size).toBe(7);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
