/**
 * dist/ is written object by object from each object's top-level entries, each serialized once
 * per process (`objectYaml` in k8s/manifest-files.ts), so that what every cluster shares (CRDs,
 * cert-manager) is serialized once although each cluster's objects carry its own labels. Rule: an
 * object's text is exactly the text of the whole object (`yamlText`), for any JSON object and for
 * every object of a real synth.
 */
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { objectYaml } from '../../k8s/manifest-files';
import { yamlText } from '../../k8s/yaml-text';
import { exampleProject, removeProjects } from '../support/project';

afterAll(removeProjects);

test('rule: objectYaml(o) is yamlText(o) for any JSON object (entries with undefined left out, as yamlText does)', () => {
  const object = fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined)));
  fc.assert(
    fc.property(object, (o) => {
      expect(objectYaml(o)).toBe(yamlText(o));
    }),
    { numRuns: 500 },
  );
});

test('rule: objectYaml(o) is yamlText(o) for every object of the example project\'s output', async () => {
  const project = await exampleProject();
  const report = await project.synth();
  let n = 0;
  for (const r of report.results) {
    for (const text of [...r.files.dist.values(), ...r.files.secrets.values()]) {
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS() as unknown;
        if (o === null) continue;
        expect(objectYaml(o)).toBe(yamlText(o));
        n++;
      }
    }
  }
  expect(n).toBeGreaterThan(50);
});
