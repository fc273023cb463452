/**
 * The guide docs/encrypted-secrets.md switches the example project to encrypted secrets: its shell
 * blocks run verbatim, in order, in one bash session (as a reader types them in one terminal), in
 * a copy of the example project with its plain secrets files, a git repository with the
 * repository's `.gitignore`, and `node_modules` as in a clone. The guide makes its own age key
 * (a throwaway one, in the test's HOME); the teammate's key is a throwaway one made here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { decryptSops } from 'sops-age';
import { ageKeygen } from '../../project/sops-age';
import { engineEnv, makeProject, REPO, removeProjects, TestProject } from '../support/project';
import { builtFile } from '../support/built';

afterAll(removeProjects);

const GUIDE = 'docs/encrypted-secrets.md';

/** The guide's shell blocks, in order. */
function shellBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /^```sh\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) blocks.push(m[1]);
  return blocks;
}

describe(`${GUIDE}, followed verbatim in a copy of the example project`, () => {
  let project: TestProject;
  let home: string;
  let run: ReturnType<typeof spawnSync>;
  let before: Record<string, unknown>;
  const teammate = ageKeygen();
  const blocks = shellBlocks(fs.readFileSync(path.join(REPO, GUIDE), 'utf8'));

  beforeAll(async () => {
    const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
    project = await makeProject({
      clusters: { shared: repoFile('clusters/shared.yaml') },
      hubs: { 'course-a': repoFile('hubs/course-a.yaml'), 'course-b': repoFile('hubs/course-b.yaml'), example: repoFile('hubs/example.yaml') },
    });
    before = { 'course-a': parse(project.read('secrets/course-a.yaml')), 'course-b': parse(project.read('secrets/course-b.yaml')) };
    project.write('.gitignore', repoFile('.gitignore'));
    fs.symlinkSync(path.join(REPO, 'node_modules'), project.path('node_modules'));
    const tools = project.path('.test-tools');
    home = project.path('.test-home');
    fs.mkdirSync(tools);
    fs.mkdirSync(home);
    // The guide's `jhm` (the clone's bin/ on PATH) runs the build, as in a clone.
    fs.writeFileSync(path.join(tools, 'jhm'), `#!/bin/sh\nexec "${process.execPath}" "${builtFile('test/support/jhm-child.ts')}" "$@"\n`, { mode: 0o755 });
    fs.symlinkSync(process.execPath, path.join(tools, 'node'));
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JHM_|OS_|SOPS_|GIT_|GITHUB_)/.test(k)));
    const env = {
      ...base,
      ...engineEnv(project.engine),
      HOME: home,
      PATH: `${tools}${path.delimiter}/usr/bin${path.delimiter}/bin`,
      TEAMMATE_RECIPIENT: teammate.recipient,
    };
    spawnSync('git', ['init', '-q'], { cwd: project.root, env });
    const script = project.path('.test-tools/guide.sh');
    fs.writeFileSync(script, `set -euo pipefail\n${blocks.join('\n')}\n`);
    run = spawnSync('bash', [script], { cwd: project.root, env, input: '', encoding: 'utf8', timeout: 240_000 });
  }, 300_000);

  test('the guide has its steps: make a key, write .sops.yaml, encrypt each hub, commit, add a recipient', () => {
    expect(blocks.length).toBe(5);
  });

  test('rule: every step runs without an error', () => {
    expect({ code: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ code: 0, output: '' });
  });

  test('rule: the key file it makes is private, and its public key is the first recipient', () => {
    const keyFile = path.join(home, '.config/sops/age/keys.txt');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const recipient = /# public key: (age1[0-9a-z]+)/.exec(fs.readFileSync(keyFile, 'utf8'))![1];
    const config = parse(project.read('.sops.yaml')) as { creation_rules: { age: string[] }[] };
    expect(config.creation_rules[0].age).toEqual([recipient, teammate.recipient]);
  });

  test('rule: git holds both hubs encrypted, each for the owner and the teammate added later, with the values they had in plain', async () => {
    const files = spawnSync('git', ['ls-files'], { cwd: project.root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(files.sort()).toEqual(['.sops.yaml', 'secrets/course-a.yaml', 'secrets/course-b.yaml']);
    for (const hub of ['course-a', 'course-b']) {
      const staged = spawnSync('git', ['show', `:secrets/${hub}.yaml`], { cwd: project.root, encoding: 'utf8' }).stdout;
      expect(staged).toBe(project.read(`secrets/${hub}.yaml`));
      expect((parse(staged) as { sops: { age: unknown[] } }).sops.age).toHaveLength(2);
      expect(await decryptSops(staged, { secretKey: teammate.identity, fileType: 'yaml' })).toEqual(before[hub]);
    }
  });

  test('rule: --update-recipients also encrypts the third hub\'s plain file (the rule covers it), which stays out of git until added', () => {
    expect(project.read('secrets/example.yaml')).toMatch(/^sops:$/m);
    expect(run.stderr).toContain('secrets/example.yaml: encrypted for 2 age recipients of .sops.yaml, with a new data key');
  });

  test('rule: no secret value is printed', () => {
    const values = Object.values(before).flatMap((s) => Object.values(s as Record<string, Record<string, unknown>>).flatMap((section) => Object.values(section).flat()));
    for (const v of values) expect(`${run.stdout}${run.stderr}`).not.toContain(String(v));
  });
});
