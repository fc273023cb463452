/**
 * The login and placeholder rules from the command line (issue 18, item 8): `jhm validate` and
 * `jhm synth` warn and succeed; `jhm synth --strict` fails on the same warnings, one error line
 * each, before it writes anything (earlier output untouched).
 */
import { EXAMPLE_HUB, makeProject, readTree, removeProjects, setHubLine, TestProject } from '../support/project';

afterAll(removeProjects);

const lines = (stderr: string, prefix: string) => stderr.split('\n').filter((l) => l.startsWith(prefix));
const NOBODY = 'hubs/example.yaml: jupyterhub.auth: nobody can log in to this hub: GitHub login with no admin, no allowed user and no allowed organization (add your GitHub user to adminUsers, or an organization to allowedOrganizations)';
const PLACEHOLDER = 'hubs/example.yaml: jupyterhub.auth.clientId: "set-me-github-client-id" is a placeholder, not a real value (set the real value before deploying)';

describe('a hub nobody can log in to, with a placeholder client id', () => {
  let project: TestProject;
  beforeAll(async () => {
    // Synthesized once as it was (valid), then edited the way the old jhm init wrote hubs.
    project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    expect((await project.jhm('synth')).code).toBe(0);
    project.write('hubs/example.yaml', setHubLine(setHubLine(EXAMPLE_HUB, 'clientId', 'set-me-github-client-id'), 'adminUsers', '[]'));
  });

  test('rule: jhm validate warns about both, naming file and field, and exits 0', async () => {
    const run = await project.jhm('validate');
    expect(run.code).toBe(0);
    expect(lines(run.stderr, 'warning:')).toEqual([`warning: ${NOBODY}`, `warning: ${PLACEHOLDER}`]);
  });

  test('rule: jhm synth --strict fails on them, one error line each, and leaves the earlier output untouched', async () => {
    const before = project.outputs();
    const run = await project.jhm('synth', '--strict');
    expect(run.code).toBe(1);
    expect(lines(run.stderr, 'error:')).toEqual([`error: ${NOBODY}`, `error: ${PLACEHOLDER}`]);
    expect(project.outputs()).toEqual(before);
  });

  test('rule: without --strict, jhm synth writes the hub and prints the same warnings', async () => {
    const before = readTree(project.path('dist'));
    const run = await project.jhm('synth');
    expect(run.code).toBe(0);
    expect(lines(run.stderr, 'warning:')).toEqual(expect.arrayContaining([`warning: ${NOBODY}`, `warning: ${PLACEHOLDER}`]));
    expect(readTree(project.path('dist'))).not.toEqual(before);
  });
});

test('rule: jhm synth --strict passes on the example hub, which has an admin and no placeholder (a warning of the render, such as no recorded floating IP yet, is not a validation warning)', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  const run = await project.jhm('synth', '--strict', 'example');
  expect(lines(run.stderr, 'error:')).toEqual([]);
  expect(run.code).toBe(0);
  expect(project.outputs().size).toBeGreaterThan(0);
});

test('rule: jhm synth --strict also fails on the other validation warnings (a cluster file no hub runs on)', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB }, clusters: { idle: 'magnum: { keypair: ops-key }\ndns: { zone: hubs.example.org. }\nletsEncrypt: { email: admins@example.org }\n' } });
  const run = await project.jhm('synth', '--strict');
  expect(run.code).toBe(1);
  expect(lines(run.stderr, 'error:')).toEqual(['error: clusters/idle.yaml: no hub runs on cluster idle (add a hub with: jhm init <hub> --cluster idle, or remove clusters/idle.yaml)']);
  expect(project.outputs().size).toBe(0);
});
