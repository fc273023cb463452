/**
 * Rule (issue 13): dist/ is written by a fast YAML writer (k8s/yaml-text.ts) whose text is byte for
 * byte what `yaml`'s stringify writes with the same options, and which takes every object the
 * charts render (CRDs above all), deferring to `yaml` only for data it is not sure to write the same.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { fastYamlText, referenceYamlText, YAML_OPTIONS, yamlText } from '../../k8s/yaml-text';
import { realCharts } from '../support/outside-files';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

const reference = (v: unknown): string => referenceYamlText(v);

/** Strings made of the characters and words where YAML's scalar rules differ. */
const trickyString = fc.oneof(
  fc.string({
    unit: fc.constantFrom('a', 'Z', '1', '0', ' ', '  ', '\n', '\t', ':', '#', '-', '?', "'", '"', '%', '.', '{', '}', '[', ']', ',', '|', '>', '&', '*', '!', '@', '`', '~', 'é', '\u00a0', '\u0085', '\x07', '\r', '\\', 'x', 'e', '+'),
    maxLength: 24,
  }),
  fc.constantFrom('', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'null', 'Null', '~', '1', '-1', '+1', '0x1F', '0o17', '017', '1e3', '1.5', '.5', '.inf', '-.Inf', '.nan', '---', '--- a', '...', '%x', '- a', '? a', 'a: b', 'a #b', 'a#b', ' a', 'a ', 'a:', 'line\n', 'line\n\n', '\nline', '  lead\nx', 'x\n  \ny', 'x\n \n', 'a\r\nb'),
  fc.string({ maxLength: 30 }),
);

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

test('the fast writer gives exactly the reference writer (yaml stringify, YAML 1.1 look-alikes quoted), or defers (property)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.dictionary(trickyString, jsonish, { maxKeys: 5 }), fc.array(jsonish, { maxLength: 5 })), (v) => {
      const fast = fastYamlText(v);
      if (fast !== undefined) expect(fast).toBe(reference(v));
      expect(yamlText(v)).toBe(reference(v));
    }),
    { numRuns: 3000 },
  );
});

test('the fast writer gives exactly the reference writer for printable text, multi-line included (property)', () => {
  const printable = fc.string({ unit: fc.constantFrom('a', '1', ' ', '\n', ':', '#', '-', "'", '"', '.', '|', '%', '\t'), maxLength: 20 });
  let fast = 0;
  fc.assert(
    fc.property(fc.dictionary(printable, fc.oneof(printable, fc.array(printable, { maxLength: 3 }), fc.dictionary(printable, printable, { maxKeys: 3 })), { maxKeys: 4 }), (v) => {
      const text = fastYamlText(v);
      if (text !== undefined) {
        fast++;
        expect(text).toBe(reference(v));
      }
    }),
    { numRuns: 3000 },
  );
  expect(fast).toBeGreaterThan(1000); // the fast path, not the fallback, is what was compared
});

test('rule: dist/ reads back the same as YAML 1.1 (kubectl, Argo CD) and YAML 1.2: a string YAML 1.1 takes for a boolean, number or timestamp is quoted (property)', () => {
  expect(yamlText({ a: 'on', b: 'yes', c: '1:20', d: '2001-12-14', y: 'n' })).toBe('a: "on"\nb: "yes"\nc: "1:20"\nd: "2001-12-14"\n"y": "n"\n');
  // Blank lines only: yaml's block scalar would read back as other text.
  expect(parse(yamlText({ a: { b: '  \n' } }))).toEqual({ a: { b: '  \n' } });
  fc.assert(
    fc.property(fc.dictionary(trickyString, jsonish, { maxKeys: 5 }), (v) => {
      const text = yamlText(v);
      expect(parse(text, { version: '1.1' })).toEqual(parse(text));
      expect(JSON.stringify(parse(text))).toBe(JSON.stringify(v)); // as JSON: -0 and 0 are one number there
    }),
    { numRuns: 2000 },
  );
  // Compared with what yaml alone writes: only the quoting of such strings differs.
  expect(stringify({ a: 'on' }, YAML_OPTIONS)).toBe('a: on\n');
});

test('the fast writer takes the usual shapes of Kubernetes objects', () => {
  const o = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x' }, annotations: { 'argocd.argoproj.io/sync-wave': '3' } },
    data: { 'a.yaml': 'key: value\nlist:\n  - 1\n', script: '#!/bin/sh\necho "hi"', empty: '', port: '8080', flag: 'true', note: "it's" },
    spec: { list: [{ name: 'a', args: ['--x=1', '-v'], env: [] }, {}], nested: { deep: [[1, 2], []] }, n: 1.5, z: -0, nil: null },
  };
  expect(fastYamlText(o)).toBe(reference(o));
});

/** Every object of a synthesized project's dist/ and dist-secrets/, read back from the files. */
async function synthesizedDocuments(chartsDir?: string): Promise<string[]> {
  const project = await makeProject({ hubs: { traefik: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
  await project.synth({ apps: { k8s: true, infra: false }, helm: chartsDir ? { chartsDir } : {} });
  const docs: string[] = [];
  for (const [file, text] of [...project.tree('dist'), ...project.tree('dist-secrets')]) {
    if (!file.endsWith('.yaml')) continue;
    // Each file: a header comment, then documents separated by ---.
    docs.push(...text.split(/^---\n/m).slice(1));
  }
  return docs;
}

test('every object the test charts render is written by the fast writer, as yaml writes it', async () => {
  const docs = await synthesizedDocuments();
  expect(docs.length).toBeGreaterThan(20);
  for (const doc of docs) expect(fastYamlText(parse(doc))).toBe(doc);
}, 120_000);

const real = realCharts();

real.test('every object the real charts render (CRDs included) is written by the fast writer, as yaml writes it', async () => {
  const docs = await synthesizedDocuments(real.dir);
  expect(docs.some((d) => /^kind: CustomResourceDefinition$/m.test(d))).toBe(true);
  for (const doc of docs) expect(fastYamlText(parse(doc))).toBe(doc);
}, 180_000);
