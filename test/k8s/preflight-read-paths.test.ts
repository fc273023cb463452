/**
 * Rule parse: however a file is read, the preflight gives the same findings on the same lines:
 * split at `---` lines with the fast paths (identityOnly, withoutCrdSchemas), parsed whole as one
 * stream (a `...` marker), with CRLF line endings and a BOM. Checked on the output of the example
 * hubs, with the test charts and again with the real charts (`realCharts`: skipped, saying so,
 * where they are not), clean (no finding) and with its Namespaces and CRDs removed (findings in
 * every file).
 */
import * as path from 'path';
import { preflight } from '../../k8s/preflight';
import { realCharts } from '../support/outside-files';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

const realChartFiles = realCharts();

type Files = Map<string, string>;
const each = (m: Files, f: (text: string) => string): Files => new Map([...m].map(([k, v]) => [k, f(v)]));
const READS: Record<string, (text: string) => string> = {
  whole: (t) => `${t}...\n`,
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  'bom and crlf': (t) => `\uFEFF${t.replace(/\n/g, '\r\n')}`,
};

describe.each([
  ['test', test, false],
  ['real', realChartFiles.test, true],
] as const)('with the %s charts', (label, testWith, real) => {
  testWith(`the findings and their lines do not depend on how a file is read (${label} charts)`, async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
    await project.synth({ force: true, ...(real ? { helm: { chartsDir: realChartFiles.dir, cacheDir: path.join(project.root, '.cache') } } : {}) });
    for (const cluster of ['example', 'nginx']) {
      const context = { distDir: `dist/${cluster}`, secretsDir: `dist-secrets/${cluster}` };
      const dist = project.tree(`dist/${cluster}`);
      const secrets = project.tree(`dist-secrets/${cluster}`);
      const run = (d: Files, s: Files) => preflight({ dist: d, secrets: s }, context).map((f) => `${f.file}:${f.line}: ${f.field}: ${f.message}`);
      const bare = new Map([...dist].filter(([f]) => !/^0[01]-/.test(f)));
      const bareSecrets = new Map([...secrets].filter(([f]) => !f.startsWith('00-')));
      const found = run(bare, bareSecrets);
      expect(run(dist, secrets)).toEqual([]);
      expect(new Set(found.map((l) => l.split(':')[0])).size).toBeGreaterThan(2);
      for (const [how, f] of Object.entries(READS)) {
        expect({ how, findings: run(each(dist, f), each(secrets, f)) }).toEqual({ how, findings: [] });
        expect({ how, findings: run(each(bare, f), each(bareSecrets, f)) }).toEqual({ how, findings: found });
      }
    }
  }, 300_000);
});
