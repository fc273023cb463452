/**
 * Rules (issue 11) of the commands that take clusters: `jhm init-cluster` writes a commented cluster
 * file that validates; `jhm init <hub> --cluster <c>` writes a hub file on it (and its secrets
 * file) and refuses the dedicated options; `jhm apply <cluster> [--hub <hub>]` applies the
 * platform waves and every hub's files, or only that hub's; a hub on a cluster file is refused
 * with the command to run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { planApply } from '../../cli/tools/apply-waves';
import { validateProject } from '../../project/validate';
import { WAVE_ORDER } from '../../k8s/waves';
import { makeProject, removeProjects, TestProject } from '../support/project';

let project: TestProject;

beforeAll(async () => {
  project = await makeProject({ hubs: {} });
});
afterAll(() => removeProjects());

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

test('jhm init-cluster writes clusters/<c>.yaml starting with the schema line; jhm init --cluster puts two hubs on it', async () => {
  const made = await project.jhm('init-cluster', 'shared', '--zone', 'hubs.example.org.', '--email', 'admins@example.org', '--keypair', 'k1', '--cloud', 'js2');
  expect(made.code).toBe(0);
  const text = project.read('clusters/shared.yaml');
  expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../cluster.schema.json');
  expect(text).toContain('keypair: k1');
  const again = await project.jhm('init-cluster', 'shared', '--zone', 'hubs.example.org.', '--email', 'admins@example.org');
  expect(errorLines(again.stderr)).toEqual(['error: clusters/shared.yaml: already exists; jhm init-cluster never overwrites a cluster file (edit it, or pick another name)']);

  for (const hub of ['course-a', 'course-b']) {
    const r = await project.jhm('init', hub, '--cluster', 'shared', '--github-client-id', 'fake-github-client-id', '--admin', 'alice');
    expect(r.code).toBe(0);
    expect(project.read(`hubs/${hub}.yaml`)).toMatch(/^cluster: shared$/m);
    expect(fs.existsSync(project.path(`secrets/${hub}.yaml`))).toBe(true);
  }
  const valid = validateProject(project.root);
  expect(valid.hubs.map((h) => `${h.name}@${h.cluster.name} ${h.host} ${h.jupyterhub.namespace}`)).toEqual([
    'course-a@shared course-a.hubs.example.org course-a',
    'course-b@shared course-b.hubs.example.org course-b',
  ]);
  expect(valid.warnings).toEqual([]);
});

test('jhm init --cluster refuses the options of a dedicated cluster, and a cluster file that is not there', async () => {
  const r = await project.jhm('init', 'other', '--cluster', 'shared', '--zone', 'x.org.');
  expect(errorLines(r.stderr)).toEqual(['error: --zone belongs to the cluster file, not to a hub on --cluster shared (leave it out, or set it in clusters/shared.yaml)']);
  const missing = await project.jhm('init', 'other', '--cluster', 'nope');
  expect(errorLines(missing.stderr)).toEqual(['error: --cluster nope: no clusters/nope.yaml (create it first with: jhm init-cluster nope --zone <zone> --email <email> --keypair <name>)']);
  expect(fs.existsSync(project.path('hubs/other.yaml'))).toBe(false);
});

describe('jhm apply <cluster> [--hub <hub>]', () => {
  beforeAll(async () => {
    for (const hub of ['course-a', 'course-b']) project.addSecrets(hub);
    await project.synth();
  });

  const distFiles = (stages: ReturnType<typeof planApply>) => stages.flatMap((s) => s.steps.flatMap((st) => (st.kind === 'apply' ? st.files : []))).filter((f) => f.startsWith('dist/'));
  const platform = WAVE_ORDER.filter((w) => !w.perHub).map((w) => path.join('dist', 'shared', w.fileName));
  const hubFile = (hub: string) => path.join('dist', 'shared', `${WAVE_ORDER.find((w) => w.perHub)!.id}-${hub}.yaml`);

  test('rule: without --hub, the platform waves and every hub; with --hub, the platform waves and that hub only', () => {
    expect(distFiles(planApply(project.root, 'shared'))).toEqual([...platform, hubFile('course-a'), hubFile('course-b')]);
    expect(distFiles(planApply(project.root, 'shared', { hub: 'course-b' }))).toEqual([...platform, hubFile('course-b')]);
    const secrets = planApply(project.root, 'shared', { hub: 'course-b' }).flatMap((s) => s.steps.flatMap((st) => (st.kind === 'apply' ? st.files : []))).filter((f) => f.startsWith('dist-secrets/'));
    expect(secrets).toEqual([path.join('dist-secrets', 'shared', path.basename(hubFile('course-b')))]);
  });

  test('rule (issue 12, item 4): jhm apply refuses manifests synthesized before jhm deploy recorded the floating IP, and applies them once re-synthesized with it', async () => {
    const before = await project.jhm('apply', 'shared', '--dry-run');
    expect(before.code).toBe(1);
    expect(before.stdout).toBe('');
    expect(errorLines(before.stderr)).toEqual([
      expect.stringMatching(
        /^error: dist\/shared\/03-ingress-controller\.yaml:\d+: spec\.loadBalancerIP: LoadBalancer Service \S+ has none, but cluster shared reserves a floating IP \(cdktf\.out\/stacks\/shared\/cdk\.tf\.json\) .*\(run jhm deploy shared first/,
      ),
    ]);
    // What jhm deploy does: record the outputs, re-synthesize.
    project.write('outputs/shared.json', JSON.stringify({ shared: { cluster_id: 'fake-cluster-id-0000', ingress_ip: '203.0.113.10' } }));
    await project.synth();
    expect(project.read('dist/shared/03-ingress-controller.yaml')).toContain('loadBalancerIP: 203.0.113.10');
    const after = await project.jhm('apply', 'shared', '--dry-run');
    expect(after.stderr).not.toMatch(/error/);
    expect(after.code).toBe(0);
  });

  test('jhm apply --dry-run prints the kubectl commands; a hub name or a hub of another cluster is refused with the command to run', async () => {
    const dry = await project.jhm('apply', 'shared', '--hub', 'course-a', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(hubFile('course-a'));
    expect(dry.stdout).not.toContain(hubFile('course-b'));
    const byHub = await project.jhm('apply', 'course-a', '--dry-run');
    expect(errorLines(byHub.stderr)).toEqual(['error: course-a is a hub on cluster shared; jhm apply takes a cluster (run jhm apply shared --hub course-a)']);
    const unknown = await project.jhm('apply', 'shared', '--hub', 'nope', '--dry-run');
    expect(errorLines(unknown.stderr)).toEqual([expect.stringContaining('error: --hub nope: no files of that hub in dist/shared/ (hubs there: course-a, course-b)')]);
  });
});
