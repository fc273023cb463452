/**
 * A broken hub file stops its cluster (issue 18, item 1), through the commands: with a typo in
 * hubs/course-a.yaml (an unknown field under jupyterhub), every command that names its cluster
 * or a hub on it (`validate`, `synth`, `diff`, `check`, `deploy`, `apply`) exits 1 with the
 * file:line error and no stack trace, before anything is written, planned or run: the outputs
 * are byte for byte what they were, and no hub leaves the cluster's output. A hub file that is
 * not YAML (its cluster unknown) stops every command that names any cluster.
 *
 * synth, validate, diff and check run on the repository's example fleet with the test charts;
 * deploy and apply on a project with the fake terraform and kubectl (test/support/fake-tools).
 */
import * as fs from 'fs';
import { stringify } from 'yaml';
import * as synthHubsModule from '../../synth/pipeline';
import { createProject, FAKE_KUBECONFIG, runCli, TERRAFORM_OK, TestProject as FakeProject, writeCloudsYaml, writeManifests } from '../support/fake-tools/project';
import { exampleProject, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

/** Error lines of a run's stderr. */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

/** `text` (a hub file) with the unknown field `foo: 1` under `jupyterhub:`, the typo. */
const withTypo = (text: string) => {
  if (!/^jupyterhub:\n/m.test(text)) throw new Error('no "jupyterhub:" line in the hub file');
  return text.replace(/^jupyterhub:\n/m, 'jupyterhub:\n  foo: 1\n');
};

/** The line of the error: the typo's file, its line and field, and the fix. */
const TYPO_LINE = /^error: hubs\/course-a\.yaml:\d+: jupyterhub: unknown field "foo": remove it or check the spelling against hub\.schema\.json$/;

/** Not YAML: an unclosed flow sequence. */
const NOT_YAML = 'cluster: shared\njupyterhub: [\n';
const NOT_YAML_LINE = /^error: hubs\/course-a\.yaml:\d+: invalid YAML/;

describe('synth, validate, diff, check: the example fleet with a typo in hubs/course-a.yaml', () => {
  let project: TestProject;
  let good: string;
  let before: Map<string, string>;
  beforeAll(async () => {
    project = await exampleProject();
    const first = await project.jhm('synth');
    expect(first.code).toBe(0);
    good = project.read('hubs/course-a.yaml');
    before = project.outputs();
    expect([...before.keys()]).toContain('dist/shared/05-jupyterhub-course-a.yaml');
  });
  afterEach(() => project.write('hubs/course-a.yaml', good));

  test.each([
    ['validate', 'shared'],
    ['validate', 'course-b'],
    ['synth', 'shared'],
    ['synth', 'course-b'],
    ['diff', 'shared'],
    ['check', 'course-b'],
  ])('rule: jhm %s %s stops on the typo (file:line, field), writing nothing and dropping no hub', async (command, name) => {
    project.write('hubs/course-a.yaml', withTypo(good));
    const r = await project.jhm(command, name);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(TYPO_LINE)]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/DESTROY|course-b\]|1 hub\(s\)/);
    expect(project.outputs()).toEqual(before);
  });

  test('rule: synth --prune of the cluster stops too, and the hub\'s output stays', async () => {
    project.write('hubs/course-a.yaml', withTypo(good));
    const r = await project.jhm('synth', 'shared', '--prune');
    expect(r.code).toBe(1);
    expect(project.outputs()).toEqual(before);
  });

  test.each([
    ['synth', 'example'],
    ['validate', 'shared'],
    ['check', 'example'],
  ])('rule: a hub file that is not YAML could be any cluster\'s: jhm %s %s stops on it, writing nothing', async (command, name) => {
    project.write('hubs/course-a.yaml', NOT_YAML);
    const r = await project.jhm(command, name);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(NOT_YAML_LINE)]);
    expect(project.outputs()).toEqual(before);
  });

  test('rule: once the hub file is fixed, synth of the cluster writes both hubs again (the refusal was the broken file\'s)', async () => {
    const r = await project.jhm('synth', 'shared', '--force');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/shared \[2 hub\(s\): course-a, course-b\]/);
  });
});

describe('deploy and apply: a cluster file with two hubs, fake terraform and kubectl', () => {
  let project: FakeProject;
  let synth: jest.SpyInstance;
  const hub = (record: string) => stringify({ cluster: 'shared', dns: { record }, jupyterhub: { auth: { type: 'github', clientId: 'Iv1.0123456789abcdef', adminUsers: ['instructor'] }, singleuser: { image: 'quay.io/jupyter/scipy-notebook:2025-10-20' } } });

  beforeEach(() => {
    project = createProject();
    fs.rmSync(`${project.root}/hubs/example.yaml`);
    project.write('clusters/shared.yaml', stringify({ cloud: { name: 'openstack' }, magnum: { keypair: 'ops' }, dns: { zone: 'hub-tests.invalid.' }, letsEncrypt: { email: 'admins@example.org' } }));
    project.write('hubs/course-a.yaml', withTypo(hub('course-a')));
    project.write('hubs/course-b.yaml', hub('course-b'));
    // The real synth is tested above; were it reached, it would be recorded here.
    synth = jest.spyOn(synthHubsModule, 'synthHubs').mockImplementation(async (options) => {
      fs.appendFileSync(project.log, `${JSON.stringify({ tool: 'synth', argv: [...(options.hubs ?? [])], cwd: options.root, env: {}, stdin: '', at: Date.now() })}\n`);
      return { plans: new Map() } as unknown as Awaited<ReturnType<typeof synthHubsModule.synthHubs>>;
    });
  });
  afterEach(() => {
    synth.mockRestore();
    project.dispose();
  });

  test('rule: jhm deploy <cluster> stops on a broken hub file of the cluster before synth or terraform runs', async () => {
    writeCloudsYaml(project);
    process.env.JHM_TERRAFORM = project.fake('terraform', TERRAFORM_OK).path;
    const r = await runCli(['-C', project.root, 'deploy', 'shared', '--yes']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(TYPO_LINE)]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(project.calls()).toEqual([]);
  });

  test('rule: jhm apply <cluster> --prune stops on a broken hub file of the cluster before kubectl runs', async () => {
    writeManifests(project, 'shared');
    project.write('.jhm/kubeconfig/shared.yaml', FAKE_KUBECONFIG);
    process.env.JHM_KUBECTL = project.fake('kubectl', []).path;
    const dist = fs.readdirSync(`${project.root}/dist/shared`);
    for (const args of [['apply', 'shared', '--prune'], ['apply', 'shared', '--hub', 'course-b']]) {
      const r = await runCli(['-C', project.root, ...args]);
      expect(r.code).toBe(1);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(TYPO_LINE)]);
    }
    expect(project.calls()).toEqual([]);
    expect(fs.readdirSync(`${project.root}/dist/shared`)).toEqual(dist);
    expect(fs.existsSync(`${project.root}/.jhm/applied`)).toBe(false);
  });

  test('rule: once the hub file is fixed, jhm apply <cluster> runs kubectl (the refusal was the broken file\'s)', async () => {
    project.write('hubs/course-a.yaml', hub('course-a'));
    writeManifests(project, 'shared');
    project.write('.jhm/kubeconfig/shared.yaml', FAKE_KUBECONFIG);
    process.env.JHM_KUBECTL = project.fake('kubectl', []).path;
    const r = await runCli(['-C', project.root, 'apply', 'shared']);
    expect(r.code).toBe(0);
    expect(project.calls().filter((c) => c.tool === 'kubectl').length).toBeGreaterThan(0);
  });
});
