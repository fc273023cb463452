/**
 * `jhm init <hub>` (a commented hub file that validates, plus its private secrets file; never
 * overwrites) and `jhm secrets <hub>` (creates or completes the secrets file; never overwrites a
 * value), run in process on empty temporary projects.
 */
import * as fs from 'fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { clusterTemplate, hubTemplate } from '../../cli/hub-template';
import { defineCluster } from '../../model/cluster';
import { defineHub } from '../../model/hub';
import { terraformTextProblem } from '../../model/terraform-text';
import { loadHubFile } from '../../project/load';
import { loadSecrets } from '../../project/secrets';
import { FAKE_GITHUB_CLIENT_SECRET, makeProject, readTree, removeProjects, runJhm, TestProject } from '../support/project';

afterAll(removeProjects);

/** What a new hub needs besides its zone and email: keypair, GitHub client id, an admin (obviously fake values). */
const LOGIN = ['--keypair', 'fake-keypair', '--github-client-id', 'fake-github-client-id'];
const INIT = ['init', 'physics-101', '--zone', 'hubs.example.org.', '--email', 'hub-admins@example.org', ...LOGIN, '--admin', 'alice', 'bob'];
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** An empty project (no hubs) to run `jhm init` in. */
const emptyProject = () => makeProject({ hubs: {} });

describe('jhm init', () => {
  let project: TestProject;
  let run: Awaited<ReturnType<TestProject['jhm']>>;
  beforeAll(async () => {
    project = await emptyProject();
    run = await project.jhm(...INIT);
  });

  test('writes hubs/<hub>.yaml, which loads and validates with the options given', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('✓ hubs/physics-101.yaml: written');
    const hub = loadHubFile(project.path('hubs/physics-101.yaml'), 'hubs/physics-101.yaml');
    expect(hub.host).toBe('physics-101.hubs.example.org');
    expect(hub.cluster.magnumName).toBe('physics-101');
    expect(hub.cluster.letsEncryptEmail).toBe('hub-admins@example.org');
    expect(hub.jupyterhub.auth).toMatchObject({ type: 'github', clientId: 'fake-github-client-id', adminUsers: ['alice', 'bob'], allowedOrganizations: [] });
    expect(hub.cluster.magnum.keypair).toBe('fake-keypair');
    expect(project.read('hubs/physics-101.yaml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/hub\.schema\.json/);
  });

  test('creates secrets/<hub>.yaml with mode 0600 (folder 0700), generated tokens, and a placeholder for the client secret', () => {
    const file = project.path('secrets/physics-101.yaml');
    expect(mode(file)).toBe(0o600);
    expect(mode(project.path('secrets'))).toBe(0o700);
    const data = parse(fs.readFileSync(file, 'utf8')) as { github: unknown; jupyterhub: { proxySecretToken: string; cookieSecret: string; cryptKeeperKeys: string[] } };
    expect(data.jupyterhub.proxySecretToken).toMatch(/^[0-9a-f]{64}$/);
    expect(data.jupyterhub.cookieSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(data.jupyterhub.cryptKeeperKeys).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(data.github).toBeNull();
    expect(fs.readFileSync(file, 'utf8')).toContain('TODO: set clientSecret');
    // Until the client secret is filled in, validate says exactly that.
    return project.jhm('validate').then((v) => {
      expect(v.code).toBe(1);
      expect(errorLines(v.stderr)).toEqual([expect.stringMatching(/^error: secrets\/physics-101\.yaml: github\.clientSecret: is not set/)]);
    });
  });

  test('never prints a secret', () => {
    const data = parse(project.read('secrets/physics-101.yaml')) as { jupyterhub: { cookieSecret: string } };
    expect(run.stderr + run.stdout).not.toContain(data.jupyterhub.cookieSecret);
  });

  test('refuses to overwrite an existing hub file (exit 1) and leaves both files as they were', async () => {
    const before = readTree(project.root);
    const again = await project.jhm(...INIT.slice(0, 2), '--zone', 'other.example.org.', '--email', 'x@example.org');
    expect(again.code).toBe(1);
    expect(errorLines(again.stderr)).toEqual(['error: hubs/physics-101.yaml: already exists; jhm init never overwrites a hub file (edit it, or pick another name)']);
    expect(readTree(project.root)).toEqual(before);
  });
});

describe('jhm init with the client secret in JHM_GITHUB_CLIENT_SECRET', () => {
  test('stores it, and the new hub passes jhm validate', async () => {
    const project = await emptyProject();
    const run = await runJhm(['-C', project.root, ...INIT], { JHM_GITHUB_CLIENT_SECRET: FAKE_GITHUB_CLIENT_SECRET });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    const hub = loadHubFile(project.path('hubs/physics-101.yaml'));
    expect(loadSecrets(project.root, hub).github.clientSecret).toBe(FAKE_GITHUB_CLIENT_SECRET);
    const validate = await project.jhm('validate');
    expect(validate.code).toBe(0);
    // Somebody can log in, and nothing in it is a placeholder.
    expect(validate.stderr).not.toMatch(/^warning:/m);
  });
});

describe('jhm init with bad options', () => {
  test.each([
    [['init', 'Physics', '--zone', 'hubs.example.org.', '--email', 'a@example.org', ...LOGIN, '--admin', 'alice'], /hub name "Physics" is not a DNS label/],
    [['init', 'physics', '--zone', 'hubs.example.org', '--email', 'a@example.org', ...LOGIN, '--admin', 'alice'], /dns\.zone: must be a DNS zone name ending with a dot/],
    [['init', 'physics', '--zone', 'hubs.example.org.', '--email', 'not-an-email', ...LOGIN, '--admin', 'alice'], /letsEncrypt\.email: must be an email address/],
    [['init', 'physics', '--zone', 'hubs.example.org.', '--email', 'a@example.org', ...LOGIN, '--admin', 'your-github-user'], /^error: --admin: "your-github-user" is a placeholder, not a real value \(give the real value with --admin\)$/],
    [['init', 'physics', '--zone', 'hubs.example.org.', '--email', 'a@example.org', '--keypair', 'k', '--github-client-id', 'set-me-github-client-id', '--admin', 'alice'], /^error: --github-client-id: "set-me-github-client-id" is a placeholder/],
    [['init-cluster', 'shared', '--zone', 'hubs.example.org.', '--email', 'a@example.org', '--keypair', 'changeme'], /^error: --keypair: "changeme" is a placeholder/],
  ])('%j fails with a one-line error and writes nothing', async (args, message) => {
    const project = await emptyProject();
    const before = readTree(project.root);
    const run = await project.jhm(...args);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(message)]);
    expect(readTree(project.root)).toEqual(before);
    expect(fs.existsSync(project.path('secrets'))).toBe(false);
  });
});

describe('the hub template', () => {
  test('rule: the Magnum settings the new hub and cluster files show commented out are valid as shown (the Kubernetes version follows the template)', () => {
    const uncomment = (text: string) => text.replace(/^ {2}# ((?:name|template|kubernetesVersion|masterFlavor|defaultWorker|deletionProtection): )/gm, '  $1');
    const hubText = uncomment(hubTemplate('physics-101', { zone: 'hubs.example.org.', email: 'admins@example.org', keypair: 'k', githubClientId: 'fake-client-id', admins: ['alice'] }));
    expect(hubText).toMatch(/^ {2}kubernetesVersion: "1\.33\.4"/m);
    expect(defineHub('physics-101', parse(hubText), {}, 'hubs/physics-101.yaml').cluster.magnum.kubernetes.shown).toBe('1.33.4');
    const clusterText = uncomment(clusterTemplate('shared', { zone: 'hubs.example.org.', email: 'admins@example.org', keypair: 'k' }));
    expect(clusterText).toMatch(/^ {2}name: shared/m);
    expect(defineCluster('shared', parse(clusterText), 'clusters/shared.yaml').magnum.template).toEqual({ name: 'kubernetes-1-33-jammy' });
  });

  test('property: whatever hub name, zone, email, keypair, client id and admins are given, the template is a valid hub file holding exactly them', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    // Any printable text, including what YAML would read as a number, boolean, null, comment or flow collection.
    const text = fc.oneof(fc.stringMatching(/^[ -~]{1,24}$/), fc.constantFrom('0', '123', 'true', 'null', 'yes', '1e3', '0x1f', '#x', '[a]', '{a}', '*a', '&a', 'a: b', '- a', '"q"', "'q'"));
    // Keypair and cloud reach Terraform: text it would evaluate (`${`, `%{`) is refused by the schema (tested in test/config/terraform-text.test.ts).
    const terraformText = text.filter((t) => terraformTextProblem(t) === undefined);
    fc.assert(
      fc.property(
        label.filter((l) => /^[a-z]/.test(l)),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.array(text, { maxLength: 3 }),
        terraformText,
        text,
        fc.option(terraformText, { nil: undefined }),
        (name, zoneLabels, admins, keypair, clientId, cloud) => {
          const zone = `${zoneLabels.join('.')}.`;
          const hub = defineHub(name, parse(hubTemplate(name, { zone, email: 'admins@example.org', keypair, githubClientId: clientId, cloud, admins })), {}, `hubs/${name}.yaml`);
          expect(hub.jupyterhub.auth).toMatchObject({ type: 'github', clientId, adminUsers: admins });
          expect(hub.cluster.magnum.keypair).toBe(keypair);
          expect(hub.cluster.zone).toBe(zone);
          expect(hub.cluster.cloud.name).toBe(cloud);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('jhm secrets', () => {
  test('creates the file for an existing hub, then leaves a complete file byte-identical', async () => {
    const project = await emptyProject();
    expect((await project.jhm(...INIT)).code).toBe(0);
    fs.rmSync(project.path('secrets/physics-101.yaml'));
    const first = await runJhm(['-C', project.root, 'secrets', 'physics-101'], { JHM_GITHUB_CLIENT_SECRET: FAKE_GITHUB_CLIENT_SECRET });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('secrets/physics-101.yaml: added github.clientSecret, jupyterhub.proxySecretToken, jupyterhub.cookieSecret, jupyterhub.cryptKeeperKeys');
    const text = project.read('secrets/physics-101.yaml');
    const again = await project.jhm('secrets', 'physics-101');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('secrets/physics-101.yaml: complete, nothing changed');
    expect(project.read('secrets/physics-101.yaml')).toBe(text);
  });

  test('never overwrites an existing value: only a deleted token is generated again; comments stay', async () => {
    const project = await makeProject();
    const file = project.path('secrets/example.yaml');
    const original = parse(fs.readFileSync(file, 'utf8')) as { github: object; jupyterhub: Record<string, unknown> };
    const edited = fs
      .readFileSync(file, 'utf8')
      .replace(/^ {2}cookieSecret: .*\n/m, '')
      .replace('jupyterhub:', '# my own note\njupyterhub:');
    fs.writeFileSync(file, edited);
    const run = await project.jhm('secrets', 'example');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('added jupyterhub.cookieSecret');
    const text = fs.readFileSync(file, 'utf8');
    const now = parse(text) as typeof original;
    expect(now.github).toEqual(original.github);
    expect(now.jupyterhub.proxySecretToken).toBe(original.jupyterhub.proxySecretToken);
    expect(now.jupyterhub.cryptKeeperKeys).toEqual(original.jupyterhub.cryptKeeperKeys);
    expect(now.jupyterhub.cookieSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(now.jupyterhub.cookieSecret).not.toBe(original.jupyterhub.cookieSecret);
    expect(text).toContain('# my own note');
    expect(mode(file)).toBe(0o600);
  });

  test('refuses to replace the client secret with another one (exit 1, file unchanged, no value printed)', async () => {
    const project = await makeProject();
    const before = project.read('secrets/example.yaml');
    const run = await runJhm(['-C', project.root, 'secrets', 'example'], { JHM_GITHUB_CLIENT_SECRET: 'another-fake-client-secret' });
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      'error: secrets/example.yaml: github.clientSecret: already set to another value; jhm secrets never overwrites a secret (edit the file by hand to change it)',
    ]);
    expect(run.stderr).not.toContain('another-fake-client-secret');
    expect(run.stderr).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    expect(project.read('secrets/example.yaml')).toBe(before);
  });

  test('for a hub without a hub file: exit 1 naming jhm init, nothing written', async () => {
    const project = await emptyProject();
    const run = await project.jhm('secrets', 'nope');
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual(['error: hubs/nope.yaml: no such hub file (create it with: jhm init nope)']);
    expect(fs.existsSync(project.path('secrets'))).toBe(false);
  });
});
