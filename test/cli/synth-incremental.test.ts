/**
 * Rules of incremental synth (synth/state.ts): a hub whose inputs and output files are
 * unchanged since its last synth is skipped; any change to an input, or to its output on disk,
 * synthesizes it again; --force synthesizes everything; skipping never changes a byte of output.
 */
import { EXAMPLE_HUB, makeProject, removeProjects, setHubLine, TestProject } from '../support/project';

afterAll(removeProjects);

const TWO_HUBS = { alpha: EXAMPLE_HUB, beta: EXAMPLE_HUB };

async function synthesized(project: TestProject, opts: { force?: boolean } = {}): Promise<{ synthesized: string[]; unchanged: string[] }> {
  const report = await project.synth(opts);
  return { synthesized: report.results.map((r) => r.cluster.name).sort(), unchanged: [...report.unchanged].sort() };
}

test('a synth with nothing changed skips every hub and leaves every output byte-identical', async () => {
  const project = await makeProject({ hubs: TWO_HUBS });
  await project.synth();
  // The first synth records chart digests in the lock, an input: one more synth settles it.
  await project.synth();
  const before = project.outputs();
  expect(await synthesized(project)).toEqual({ synthesized: [], unchanged: ['alpha', 'beta'] });
  expect(project.outputs()).toEqual(before);
});

test('editing one hub file synthesizes that hub only', async () => {
  const project = await makeProject({ hubs: TWO_HUBS });
  await project.synth();
  await project.synth();
  project.write('hubs/beta.yaml', setHubLine(EXAMPLE_HUB, 'userPlaceholders', '2'));
  expect(await synthesized(project)).toEqual({ synthesized: ['beta'], unchanged: ['alpha'] });
  expect(project.read('dist/beta/05-jupyterhub.yaml')).not.toEqual(project.read('dist/alpha/05-jupyterhub.yaml'));
});

test('a changed secrets file synthesizes the hub again (dist-secrets follows the secret)', async () => {
  const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB } });
  await project.synth();
  await project.synth();
  const secretsBefore = project.read('dist-secrets/alpha/05-jupyterhub.yaml');
  project.write('secrets/alpha.yaml', project.read('secrets/alpha.yaml').replace(/clientSecret: .*/, 'clientSecret: another-fake-client-secret'));
  expect(await synthesized(project)).toEqual({ synthesized: ['alpha'], unchanged: [] });
  expect(project.read('dist-secrets/alpha/05-jupyterhub.yaml')).not.toEqual(secretsBefore);
});

test('an output file edited or deleted by hand is written again', async () => {
  const project = await makeProject({ hubs: { alpha: EXAMPLE_HUB } });
  await project.synth();
  await project.synth();
  const original = project.read('dist/alpha/03-ingress-controller.yaml');
  project.write('dist/alpha/03-ingress-controller.yaml', `${original}# edited\n`);
  expect(await synthesized(project)).toEqual({ synthesized: ['alpha'], unchanged: [] });
  expect(project.read('dist/alpha/03-ingress-controller.yaml')).toEqual(original);

  // A stale file of jhm's (its first line says so) is removed; another tool's file is kept, and changes nothing (issue 17, item 4).
  project.write('dist/alpha/99-extra.yaml', `${original.split('\n')[0]}\nkind: ConfigMap\n`);
  expect(await synthesized(project)).toEqual({ synthesized: ['alpha'], unchanged: [] });
  expect(Object.keys(Object.fromEntries(project.tree('dist/alpha')))).not.toContain('99-extra.yaml');
  project.write('dist/alpha/notes.yaml', 'resources: []\n');
  expect(await synthesized(project)).toEqual({ synthesized: [], unchanged: ['alpha'] });
  expect(project.read('dist/alpha/notes.yaml')).toBe('resources: []\n');
});

test('--force synthesizes hubs whose inputs are unchanged', async () => {
  const project = await makeProject({ hubs: TWO_HUBS });
  await project.synth();
  await project.synth();
  expect(await synthesized(project, { force: true })).toEqual({ synthesized: ['alpha', 'beta'], unchanged: [] });
});
