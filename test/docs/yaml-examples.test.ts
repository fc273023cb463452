/**
 * The YAML examples of the guides are valid: every ```yaml block that names its file in its first
 * line (`# clusters/shared.yaml`) is added to the repository's example file of that name, and
 * `jhm validate` accepts the result. A guide's example that jhm would refuse fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makeProject, REPO, removeProjects } from '../support/project';

afterAll(removeProjects);

interface Example {
  readonly doc: string;
  readonly line: number;
  /** The example file it adds to, e.g. `clusters/shared.yaml`. */
  readonly file: string;
  readonly text: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  const docs = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  for (const doc of docs.sort()) {
    const lines = fs.readFileSync(path.join(REPO, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```yaml\s*$/.exec(lines[i]);
      if (!open) continue;
      let end = i + 1;
      while (end < lines.length && lines[end].trim() !== '```') end++;
      const body = lines.slice(i + 1, end).map((l) => l.slice(open[1].length));
      const named = /^# ((?:clusters|hubs)\/[a-z0-9-]+\.yaml)$/.exec(body[0] ?? '');
      if (named) found.push({ doc, line: i + 1, file: named[1], text: body.slice(1).join('\n') });
      i = end;
    }
  }
  return found;
}

const EXAMPLES = examples();

test('the guides hold YAML examples of the example files (so this test checks something)', () => {
  expect(EXAMPLES.length).toBeGreaterThan(0);
});

test.each(EXAMPLES.map((e) => [`${e.doc}:${e.line}`, e] as const))('rule: the YAML example at %s, added to its example file, passes jhm validate', async (_at, example) => {
  const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
  const files = { 'clusters/shared.yaml': repoFile('clusters/shared.yaml'), 'hubs/course-a.yaml': repoFile('hubs/course-a.yaml'), 'hubs/course-b.yaml': repoFile('hubs/course-b.yaml') } as Record<string, string>;
  expect(Object.keys(files)).toContain(example.file);
  files[example.file] = `${files[example.file].trimEnd()}\n${example.text}\n`;
  const project = await makeProject({
    clusters: { shared: files['clusters/shared.yaml'] },
    hubs: { 'course-a': files['hubs/course-a.yaml'], 'course-b': files['hubs/course-b.yaml'] },
  });
  const run = await project.jhm('validate', 'shared');
  expect({ code: run.code, errors: run.stderr.split('\n').filter((l) => l.includes('error')) }).toEqual({ code: 0, errors: [] });
});
