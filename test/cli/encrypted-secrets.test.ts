/**
 * Secrets files encrypted with sops for age recipients: `jhm secrets <hub>` writes them when
 * `.sops.yaml` names recipients for them, `jhm validate` and `jhm synth` read them with the user's
 * key, `jhm secrets --update-recipients` writes every file again for a changed recipient list,
 * and a missing or wrong key stops a command with one line and writes nothing. Throwaway age keys,
 * made per run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { decryptSops } from 'sops-age';
import { loadHubs } from '../../project/load';
import { loadSecrets } from '../../project/secrets';
import { ageKeygen } from '../../project/sops-age';
import { FAKE_GITHUB_CLIENT_SECRET, makeProject, readTree, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

const KEY_VARIABLES = ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE'];
const saved = KEY_VARIABLES.map((k) => [k, process.env[k]] as const);
// The developer's own key never takes part.
beforeAll(() => KEY_VARIABLES.forEach((k) => delete process.env[k]));
afterAll(() => saved.forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v))));

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const alice = ageKeygen();
const bob = ageKeygen();
const carol = ageKeygen();

/** `.sops.yaml` with one creation rule for secrets/ naming `recipients`. */
const sopsConfig = (...recipients: string[]) => `creation_rules:\n  - path_regex: ^secrets/[^/]+\\.yaml$\n    age: ${recipients.join(',')}\n`;

/** Runs jhm with `identity` (or no key) as SOPS_AGE_KEY. */
const jhmAs = (project: TestProject, identity: string | undefined, ...args: string[]) => {
  if (identity === undefined) delete process.env.SOPS_AGE_KEY;
  else process.env.SOPS_AGE_KEY = identity;
  return project.jhm(...args).finally(() => delete process.env.SOPS_AGE_KEY);
};

describe('jhm secrets with age recipients in .sops.yaml', () => {
  let project: TestProject;
  let plain: { jupyterhub: { cookieSecret: string } };
  beforeAll(async () => {
    project = await makeProject();
    plain = parse(project.read('secrets/example.yaml')) as typeof plain;
    project.write('.sops.yaml', sopsConfig(alice.recipient, bob.recipient));
  });

  test('rule: jhm secrets encrypts the existing plain file for the recipients, keeping every value; sops-age decrypts it', async () => {
    const run = await jhmAs(project, undefined, 'secrets', 'example');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('secrets/example.yaml: encrypted for 2 age recipients of .sops.yaml; commit it with: git add -f secrets/example.yaml');
    const text = project.read('secrets/example.yaml');
    expect(text).not.toContain(plain.jupyterhub.cookieSecret);
    expect(text).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    const data = (await decryptSops(text, { secretKey: bob.identity, fileType: 'yaml' })) as { github: { clientSecret: string }; jupyterhub: { cookieSecret: string } };
    expect(data.github.clientSecret).toBe(FAKE_GITHUB_CLIENT_SECRET);
    expect(data.jupyterhub.cookieSecret).toBe(plain.jupyterhub.cookieSecret);
  });

  test('rule: a complete encrypted file is left byte-identical by jhm secrets', async () => {
    const before = project.read('secrets/example.yaml');
    const run = await jhmAs(project, alice.identity, 'secrets', 'example');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('secrets/example.yaml: complete, nothing changed');
    expect(project.read('secrets/example.yaml')).toBe(before);
  });

  test('rule: jhm validate and jhm synth read the encrypted file with SOPS_AGE_KEY, and the Secrets hold its values', async () => {
    expect((await jhmAs(project, alice.identity, 'validate')).code).toBe(0);
    const synth = await jhmAs(project, bob.identity, 'synth');
    expect(synth.code).toBe(0);
    expect(project.tree('dist-secrets').size).toBeGreaterThan(0);
    process.env.SOPS_AGE_KEY = alice.identity;
    try {
      const secrets = loadSecrets(project.root, loadHubs(project.root, ['example'])[0]);
      expect(secrets.github.clientSecret).toBe(FAKE_GITHUB_CLIENT_SECRET);
      expect(secrets.jupyterhub.cookieSecret).toBe(plain.jupyterhub.cookieSecret);
    } finally {
      delete process.env.SOPS_AGE_KEY;
    }
  });

  test('rule: jhm reads the key from SOPS_AGE_KEY_FILE too', async () => {
    const keyFile = project.path('.throwaway-age-key.txt');
    fs.writeFileSync(keyFile, `# throwaway test key\n${alice.identity}\n`);
    expect(errorLines((await project.jhm('validate')).stderr)).toHaveLength(1);
    process.env.SOPS_AGE_KEY_FILE = keyFile;
    try {
      expect((await project.jhm('validate')).code).toBe(0);
    } finally {
      delete process.env.SOPS_AGE_KEY_FILE;
      fs.rmSync(keyFile);
    }
  });

  test('rule: without a key, jhm validate and jhm synth stop with one line naming both variables, and write nothing', async () => {
    const before = readTree(project.root);
    // (--force: an unchanged hub's output is kept without reading its secrets.)
    for (const command of [['validate'], ['synth', '--force']]) {
      const run = await jhmAs(project, undefined, ...command);
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([
        'error: secrets/example.yaml: is encrypted with sops, and no age key is set to decrypt it (set SOPS_AGE_KEY_FILE to your age key file (or SOPS_AGE_KEY to the key))',
      ]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readTree(project.root)).toEqual(before);
  });

  test('rule: with a key that is not a recipient, one line names the file, and nothing is written', async () => {
    const before = readTree(project.root);
    for (const args of [['synth', '--force'], ['secrets', 'example'], ['secrets', '--update-recipients']]) {
      const run = await jhmAs(project, carol.identity, ...args);
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: secrets\/example\.yaml: none of your age keys \(SOPS_AGE_KEY_FILE, SOPS_AGE_KEY\) can decrypt this file \(/)]);
    }
    expect(readTree(project.root)).toEqual(before);
  });

  test('rule: jhm secrets --update-recipients writes every file again for the recipients .sops.yaml names now, with a new data key', async () => {
    project.write('.sops.yaml', sopsConfig(alice.recipient, carol.recipient));
    const notice = await jhmAs(project, alice.identity, 'secrets', 'example');
    expect(notice.stderr).toContain('encrypted for other recipients than .sops.yaml names; to encrypt it for them, run: jhm secrets --update-recipients');
    const before = parse(project.read('secrets/example.yaml')) as { sops: { age: { enc: string }[] } };
    const run = await jhmAs(project, alice.identity, 'secrets', '--update-recipients');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('secrets/example.yaml: encrypted again for 2 age recipients of .sops.yaml, with a new data key');
    const text = project.read('secrets/example.yaml');
    const after = parse(text) as { sops: { age: { recipient: string; enc: string }[] } };
    expect(after.sops.age.map((a) => a.recipient)).toEqual([alice.recipient, carol.recipient]);
    expect(after.sops.age[0].enc).not.toBe(before.sops.age[0].enc);
    expect(((await decryptSops(text, { secretKey: carol.identity, fileType: 'yaml' })) as { jupyterhub: { cookieSecret: string } }).jupyterhub.cookieSecret).toBe(plain.jupyterhub.cookieSecret);
    // Bob is no recipient any more.
    const bobRun = await jhmAs(project, bob.identity, 'validate');
    expect(errorLines(bobRun.stderr)).toEqual([expect.stringMatching(/^error: secrets\/example\.yaml: none of your age keys/)]);
  });

  test('rule: --update-recipients takes no hub (usage error, exit 2)', async () => {
    const run = await jhmAs(project, alice.identity, 'secrets', 'example', '--update-recipients');
    expect(run.code).toBe(2);
  });

  test('rule: an encrypted file that .sops.yaml no longer covers is refused by --update-recipients, naming the fix', async () => {
    const before = readTree(project.root);
    project.write('.sops.yaml', 'creation_rules:\n  - path_regex: ^other/\n    age: ' + alice.recipient + '\n');
    const run = await jhmAs(project, alice.identity, 'secrets', '--update-recipients');
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      'error: secrets/example.yaml: is encrypted with sops, and .sops.yaml names no age recipient for it (add a creation rule for it with your age recipients to .sops.yaml, or decrypt it for good with: sops decrypt -i secrets/example.yaml)',
    ]);
    project.write('.sops.yaml', before.get('.sops.yaml')!);
    expect(readTree(project.root)).toEqual(before);
  });
});

describe('jhm secrets for a new hub with age recipients', () => {
  test('rule: creates the file encrypted (no comments, no placeholder), and validate names the missing client secret', async () => {
    const project = await makeProject({ secrets: false });
    project.write('.sops.yaml', sopsConfig(alice.recipient));
    const run = await jhmAs(project, undefined, 'secrets', 'example');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('secrets/example.yaml: github.clientSecret not set yet; pipe the GitHub client secret in with: jhm secrets example --github-client-secret-stdin < file');
    const text = project.read('secrets/example.yaml');
    expect(text).not.toMatch(/^\s*#/m);
    const raw = parse(text) as { github?: unknown; jupyterhub: Record<string, unknown> };
    expect(raw.github).toBeUndefined();
    expect(Object.keys(raw.jupyterhub)).toEqual(['proxySecretToken', 'cookieSecret', 'cryptKeeperKeys']);
    const validate = await jhmAs(project, alice.identity, 'validate');
    expect(errorLines(validate.stderr)).toEqual([expect.stringMatching(/^error: secrets\/example\.yaml: github\.clientSecret: is not set/)]);
    // Adding the client secret rewrites the file, still encrypted.
    const add = await runWith(project, alice.identity, { JHM_GITHUB_CLIENT_SECRET: FAKE_GITHUB_CLIENT_SECRET }, 'secrets', 'example');
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('added github.clientSecret (encrypted for 1 age recipient of .sops.yaml');
    expect(project.read('secrets/example.yaml')).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    expect((await jhmAs(project, alice.identity, 'validate')).code).toBe(0);
  });

  test('rule: without .sops.yaml the plain 0600 file stays the default', async () => {
    const project = await makeProject({ secrets: false });
    const run = await jhmAs(project, undefined, 'secrets', 'example');
    expect(run.stderr).toContain('(mode 0600, git-ignored)');
    expect(project.read('secrets/example.yaml')).toMatch(/^# Secrets of hub "example"/);
    expect(fs.statSync(path.join(project.root, 'secrets/example.yaml')).mode & 0o777).toBe(0o600);
  });
});

/** jhm with `identity` as SOPS_AGE_KEY and `env` added. */
function runWith(project: TestProject, identity: string, env: Record<string, string>, ...args: string[]) {
  Object.assign(process.env, env);
  return jhmAs(project, identity, ...args).finally(() => Object.keys(env).forEach((k) => delete process.env[k]));
}
