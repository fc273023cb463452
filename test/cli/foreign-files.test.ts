/**
 * Rule (issue 17, item 4): jhm replaces or removes only what it wrote. Files of other tools (or of
 * people) inside jhm's folders are kept and reported in one line; a file jhm would write under
 * another tool's name is refused; a folder jhm has no record of that holds files jhm did not write
 * (a new cluster named like another tool's folder, `dist/argocd`) is refused, naming the folder;
 * `synth --prune` keeps what it did not write and says so. A clone without `.jhm/` (not committed)
 * still takes over the files jhm wrote, known by their contents.
 */
import * as fs from 'fs';
import { EXAMPLE_HUB, makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const leftAlone = (stderr: string) => stderr.split('\n').filter((l) => l.includes('left alone (not written by jhm)'));

test('a new cluster whose output folder holds another tool\'s file (dist/argocd/app.yaml) is refused, naming the folder; nothing is written', async () => {
  const project = await makeProject({ hubs: { argocd: EXAMPLE_HUB } });
  project.write('dist/argocd/app.yaml', 'kind: Application # Argo CD\n');
  const r = await project.jhm('synth');
  expect(r.code).toBe(1);
  expect(errorLines(r.stderr)).toEqual([
    "error: dist/argocd holds dist/argocd/app.yaml, which jhm did not write, and jhm has no record of the folder; nothing was changed (move it out of dist/argocd (jhm writes cluster argocd's output there), or name the cluster otherwise)",
  ]);
  expect(project.outputs()).toEqual(new Map([['dist/argocd/app.yaml', 'kind: Application # Argo CD\n']]));
});

test('files jhm did not write inside its folders are kept across synths and reported once per synth, in one line', async () => {
  const project = await makeProject();
  expect((await project.jhm('synth')).code).toBe(0);
  project.write('dist/example/notes.yaml', 'resources: [00-namespaces.yaml]\n');
  project.write('dist-secrets/example/README.txt', 'kept by hand\n');
  for (const args of [['synth', '--force'], ['synth', '--force', '--prune']]) {
    const r = await project.jhm(...args);
    expect(r.code).toBe(0);
    expect(leftAlone(r.stderr)).toEqual(['left alone (not written by jhm): dist/example/notes.yaml, dist-secrets/example/README.txt']);
    expect(project.read('dist/example/notes.yaml')).toBe('resources: [00-namespaces.yaml]\n');
    expect(project.read('dist-secrets/example/README.txt')).toBe('kept by hand\n');
    expect(project.tree('dist/example').size).toBe(8);
  }
});

test('a file jhm would write that another tool wrote (not in jhm\'s record) is refused, and kept', async () => {
  const project = await makeProject();
  expect((await project.jhm('synth')).code).toBe(0);
  // Another tool's file under a name jhm writes (not in jhm's record, no jhm header).
  const record = JSON.parse(project.read('.jhm/state/example.json')) as { files: Record<string, string> };
  delete record.files['dist/example/05-jupyterhub.yaml'];
  project.write('.jhm/state/example.json', JSON.stringify(record));
  project.write('dist/example/05-jupyterhub.yaml', 'kind: ConfigMap # mine\n');
  const before = project.outputs();
  const r = await project.jhm('synth', '--force');
  expect(r.code).toBe(1);
  expect(errorLines(r.stderr)).toEqual(['error: dist/example/05-jupyterhub.yaml was not written by jhm, and jhm would write it now; nothing was changed (move it out of dist/example and run again)']);
  expect(project.outputs()).toEqual(before);
});

test('synth --prune of a deleted hub removes what jhm wrote, keeps the folder with what it did not, and reports it', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB, gone: EXAMPLE_HUB } });
  expect((await project.jhm('synth')).code).toBe(0);
  project.write('dist/gone/notes.md', 'my notes\n');
  fs.rmSync(project.path('hubs/gone.yaml'));
  fs.rmSync(project.path('secrets/gone.yaml'));
  const r = await project.jhm('synth', '--prune');
  expect(r.code).toBe(0);
  expect(project.tree('dist/gone')).toEqual(new Map([['notes.md', 'my notes\n']]));
  expect(project.tree('dist-secrets/gone').size).toBe(0);
  expect(leftAlone(r.stderr)).toEqual(['left alone (not written by jhm): dist/gone/notes.md']);
});

test('a clone without .jhm/ (records are not committed) takes over the files jhm wrote, known by their first line', async () => {
  const project = await makeProject();
  expect((await project.jhm('synth')).code).toBe(0);
  const written = project.outputs();
  fs.rmSync(project.path('.jhm'), { recursive: true });
  const r = await project.jhm('synth');
  expect(errorLines(r.stderr)).toEqual([]);
  expect(r.code).toBe(0);
  expect(project.outputs()).toEqual(written);
});
