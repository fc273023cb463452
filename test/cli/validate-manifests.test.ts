/**
 * Rules (issue 12, item 5): `jhm validate --manifests [names...]` checks the output folders as they
 * are on disk (hand edits and GitOps repositories too), one line per finding, exit 1; without
 * `dist-secrets/<cluster>` it says once that Secret references are not checked. The real-chart
 * output of the example hubs (`realCharts`: skipped, saying so, where they are not) has no finding.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { identityOnly, withoutCrdSchemas } from '../../k8s/preflight';
import { checkManifestFolders } from '../../synth/manifest-check';
import { assertPreflight } from '../../k8s/preflight';
import { EXAMPLE_HUB_NGINX, makeProject, removeProjects, REPO, TestProject } from '../support/project';
import { problems } from '../support/problems';
import { realCharts } from '../support/outside-files';

const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
/** The example hubs: the fleet (a shared cluster with two hubs), the dedicated example, and its ingress-nginx variant. */
const EXAMPLES = {
  clusters: { shared: repoFile('clusters/shared.yaml') },
  hubs: { 'course-a': repoFile('hubs/course-a.yaml'), 'course-b': repoFile('hubs/course-b.yaml'), example: repoFile('hubs/example.yaml'), nginx: EXAMPLE_HUB_NGINX },
};

let project: TestProject;
beforeAll(async () => {
  project = await makeProject(EXAMPLES);
  await project.synth();
}, 120_000);
afterAll(removeProjects);

test('clean output: every folder of dist/ passes, exit 0', async () => {
  const run = await project.jhm('validate', '--manifests');
  expect(run.stderr).toContain('✓ dist/shared: ');
  expect(run.stderr).toContain('✓ dist/example: ');
  expect(run.stderr).toContain('✓ dist/nginx: ');
  expect(run.code).toBe(0);
});

test('a hand edit on disk is found: one line naming file:line, kind, name and the missing piece; exit 1', async () => {
  const file = 'dist/shared/05-jupyterhub-course-a.yaml';
  const text = project.read(file);
  try {
    // The Ingress's own field (the hub's readable values, ConfigMap hub-values, name it too, deeper).
    project.write(file, text.replace(/^  ingressClassName: traefik$/m, '  ingressClassName: nginx'));
    const run = await project.jhm('validate', '--manifests', 'course-a');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: dist\/shared\/05-jupyterhub-course-a\.yaml:\d+: Ingress course-a\/jupyterhub: spec\.ingressClassName nginx: no IngressClass nginx in the output \(name the IngressClass the ingress controller of the output defines\)$/,
      ),
    ]);
    // Another cluster is not affected: a name selects its cluster's folder only.
    expect((await project.jhm('validate', '--manifests', 'example')).code).toBe(0);
  } finally {
    project.write(file, text);
  }
});

test('without dist-secrets/<cluster> (CI, GitOps), Secret references are not checked, and that is said once', async () => {
  fs.renameSync(project.path('dist-secrets'), project.path('dist-secrets.away'));
  try {
    const run = await project.jhm('validate', '--manifests', 'example');
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.includes('not checked'))).toEqual(['dist-secrets/example is absent: references to Secrets in dist/example are not checked']);
  } finally {
    fs.renameSync(project.path('dist-secrets.away'), project.path('dist-secrets'));
  }
});

test('a name with no folder, or no name at all, is a one-line error', async () => {
  const run = await project.jhm('validate', '--manifests', 'nope', '../etc');
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'error: nope: no folder dist/nope (run jhm synth nope first, or name a folder of dist/)',
    'error: "../etc" is not a hub or cluster name (name a hub, a cluster, or a folder of dist/)',
  ]);
});

test('synth\'s check (assertPreflight) on the files of a synth: none for clean files, one line per finding else', async () => {
  const report = await project.synth({ outRoot: project.path('.again'), apps: { k8s: true, infra: false }, force: true });
  for (const r of report.results) expect(problems(() => assertPreflight(r.cluster.name, r.files))).toEqual([]);
  const r = report.results.find((x) => x.cluster.name === 'example')!;
  const dist = new Map(r.files.dist);
  dist.set('00-namespaces.yaml', dist.get('00-namespaces.yaml')!.replace(/name: jhub/, 'name: jhub-renamed'));
  const found = problems(() => assertPreflight('example', { dist, secrets: r.files.secrets }));
  expect(found.length).toBeGreaterThan(0);
  for (const l of found) expect(l).toMatch(/^dist\/example\/05-jupyterhub\.yaml:\d+: \S+ (jhub\/)?\S+: namespace jhub is not created by any Namespace in dist\//);
});

const realChartFiles = realCharts();

realChartFiles.test(
  'the real charts: the output of the example hubs has no finding, on disk and in synth',
  async () => {
    const real = await makeProject(EXAMPLES);
    const report = await real.synth({ force: true, helm: { chartsDir: realChartFiles.dir, cacheDir: path.join(real.root, '.cache') } });
    expect(report.results.map((r) => r.cluster.name).sort()).toEqual(['example', 'nginx', 'shared']);
    for (const r of report.results) expect(problems(() => assertPreflight(r.cluster.name, r.files))).toEqual([]);
    const checks = await checkManifestFolders(real.root);
    expect(checks.map((c) => [c.cluster, c.secretsChecked, c.findings])).toEqual([
      ['example', true, []],
      ['nginx', true, []],
      ['shared', true, []],
    ]);
    // The preflight reads CRDs without their schemas: exactly the same objects otherwise.
    const dropSchemas = (o: { spec: { versions: Array<{ schema?: { openAPIV3Schema?: unknown } }> } }) => {
      for (const v of o.spec.versions) if (v.schema) v.schema.openAPIV3Schema = null;
      return o;
    };
    // ... and the documents of other kinds for their identity only: the same apiVersion, kind and metadata.
    for (const [file, text] of [...real.tree('dist'), ...real.tree('dist-secrets')]) {
      for (const d of text.split(/^---$/m).filter((x) => /^kind:/m.test(x))) {
        const full = parse(d) as Record<string, unknown>;
        expect([file, parse(identityOnly(d))]).toEqual([file, { apiVersion: full.apiVersion, kind: full.kind, metadata: full.metadata }]);
      }
    }
    for (const cluster of ['example', 'nginx']) {
      const crds = real.read(`dist/${cluster}/01-crds.yaml`).split(/^---$/m).filter((d) => d.includes('kind: CustomResourceDefinition'));
      expect(crds.length).toBeGreaterThan(5);
      for (const d of crds) expect(parse(withoutCrdSchemas(d))).toEqual(dropSchemas(parse(d)));
    }
  },
  300_000,
);
