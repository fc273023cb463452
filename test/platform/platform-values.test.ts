/**
 * `ingress.values` and `certManager.values` (issue 21, item 1): the raw values of the platform
 * charts, in a cluster file or a hub file with its own cluster, with the rules of
 * `jupyterhub.values`: deep-merged over jhm's, checked against the chart's own values schema,
 * refused where a typed field of the file sets the value.
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { loadClusterFile, loadProject } from '../../project/load';
import { UserErrors } from '../../model/errors';
import { clusterInput, errorLines, hubOnInput, projectWith } from '../config/cluster-fixtures';
import { EXAMPLE_HUB, makeProject, removeProjects } from '../support/project';
import { realCharts } from '../support/outside-files';
import { ingressNginxValues } from '../../k8s/platform/ingress-nginx-values';
import { traefikValues } from '../../k8s/platform/traefik-values';
import { INGRESS_VALUE_OWNERS } from '../../model/chart-values';

afterAll(removeProjects);

/** The line number of the first line of `text` matching `re`. */
const lineOf = (text: string, re: RegExp) => text.split('\n').findIndex((l) => re.test(l)) + 1;

describe('platform chart values in a cluster file', () => {
  test('rule: a value a typed field of the cluster file sets is refused, naming the field, at its line', () => {
    const root = projectWith({
      clusters: {
        shared: clusterInput((c) => {
          c.ingress = { loadBalancerIP: '149.165.150.20', values: { service: { spec: { loadBalancerIP: '149.165.150.21' } }, deployment: { replicas: 2 } } };
        }),
      },
    });
    const text = require('fs').readFileSync(path.join(root, 'clusters/shared.yaml'), 'utf8') as string;
    expect(errorLines(() => loadClusterFile(path.join(root, 'clusters/shared.yaml'), 'clusters/shared.yaml'))).toEqual([
      `clusters/shared.yaml:${lineOf(text, /loadBalancerIP: 149.165.150.21/)}: ingress.values.service.spec.loadBalancerIP: service.spec.loadBalancerIP is set by ingress.loadBalancerIP: use that field (remove it from values, or change ingress.loadBalancerIP)`,
    ]);
  });

  test('rule: without the typed field, the value is jhm\'s default and may be set; certManager.values is a section of its own, and belongs in the cluster file', () => {
    const root = projectWith({
      clusters: { shared: clusterInput((c) => (c.ingress = { values: { service: { spec: { loadBalancerIP: '149.165.150.21' } } } })) },
      hubs: { course: hubOnInput('shared', (h) => (h.certManager = { values: { podLabels: { team: 'course' } } })) },
    });
    const project = loadProject(root);
    expect(project.clusters.map((c) => c.ingress.values.values)).toEqual([{ service: { spec: { loadBalancerIP: '149.165.150.21' } } }]);
    expect(project.problems.errors.map((e) => e.format())).toEqual([expect.stringMatching(/^hubs\/course\.yaml(:\d+)?: certManager: belongs in clusters\/shared\.yaml/)]);
  });
});

/** Every path where `a` and `b` differ. */
function changedPaths(a: unknown, b: unknown, at: string[] = []): string[][] {
  const map = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (map(a) && map(b)) return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], [...at, k]));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

describe('the platform ownership tables', () => {
  test('rule: ingress.loadBalancerIP changes the Traefik and ingress-nginx values only at the paths INGRESS_VALUE_OWNERS gives it', () => {
    const owned = INGRESS_VALUE_OWNERS.find((o) => o.field.join('.') === 'ingress.loadBalancerIP')!.values.map((p) => p.join('.'));
    const props = { ingressClassName: 'traefik', nodeSelector: { a: 'b' } };
    for (const build of [traefikValues, ingressNginxValues]) {
      const changed = changedPaths(build(props), build({ ...props, loadBalancerIP: '149.165.150.20' })).map((p) => p.join('.'));
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((p) => !owned.includes(p))).toEqual([]);
    }
  });
});

const real = realCharts();

describe('platform chart values with the real charts (a hub file with its own cluster)', () => {
  const synthWith = async (top: string) => {
    const text = `${EXAMPLE_HUB.trimEnd()}\n${top}\n`;
    const project = await makeProject({ hubs: { example: text } });
    return { project, text, run: () => project.synth({ force: true, helm: { chartsDir: real.dir, cacheDir: path.join(project.root, '.cache') } }) };
  };

  real.test('rule: ingress.values and certManager.values reach the rendered objects', async () => {
    const { project, run } = await synthWith(['certManager:', '  values:', '    podLabels:', '      course: ml-101'].join('\n'));
    project.write('hubs/example.yaml', project.read('hubs/example.yaml').replace('  controller: traefik', '  controller: traefik\n  values:\n    deployment:\n      replicas: 2'));
    await run();
    const objects = [...project.tree('dist/example')].flatMap(([, t]) => parseAllDocuments(t).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: any } | null));
    const deployment = (name: string) => objects.find((o) => o?.kind === 'Deployment' && o.metadata?.name === name);
    expect(deployment('traefik')!.spec.replicas).toBe(2);
    expect(deployment('cert-manager')!.spec.template.metadata.labels).toMatchObject({ course: 'ml-101' });
  }, 180_000);

  real.test('rule: a platform value the chart\'s schema refuses is an error at the file, its line and the values path', async () => {
    const { project, run } = await synthWith(['certManager:', '  values:', '    replicaCount: many'].join('\n'));
    const text = project.read('hubs/example.yaml');
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserErrors);
    expect((error as UserErrors).errors.map((e) => e.format())).toEqual([
      expect.stringMatching(new RegExp(`^hubs/example\\.yaml:${lineOf(text, /replicaCount: many/)}: certManager\\.values\\.replicaCount: refused by the cert-manager v1\\.21\\.1 values schema: must be`)),
    ]);
  }, 180_000);
});
