/**
 * Rule (issue 20, item 5): no CRD that nothing uses. Traefik's chart ships Traefik Hub's CRDs
 * (group hub.traefik.io) beside its own; Traefik without Hub never reads them, and jhm never
 * enables Hub, so `dist/<cluster>/01-crds.yaml` leaves them out and keeps Traefik's own.
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { isUnusedCrd } from '../../k8s/platform/release';
import { ingressControllerRelease, TRAEFIK_HUB_API_GROUP } from '../../k8s/platform/ingress-controller';
import { loadHubs } from '../../project/load';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects } from '../support/project';
import { realCharts } from '../support/outside-files';

afterAll(removeProjects);

const crd = (group: string) => ({ kind: 'CustomResourceDefinition', spec: { group } });

test('the Traefik release leaves out Traefik Hub\'s CRDs and only them; ingress-nginx leaves out nothing', async () => {
  const project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
  const [example, nginx] = loadHubs(project.root, ['example', 'nginx']);
  const traefik = ingressControllerRelease(example.cluster);
  expect(isUnusedCrd(traefik, crd(TRAEFIK_HUB_API_GROUP))).toBe(true);
  expect(isUnusedCrd(traefik, crd('traefik.io'))).toBe(false);
  expect(isUnusedCrd(traefik, { kind: 'ConfigMap', spec: { group: TRAEFIK_HUB_API_GROUP } })).toBe(false);
  expect(isUnusedCrd(ingressControllerRelease(nginx.cluster), crd(TRAEFIK_HUB_API_GROUP))).toBe(false);
});

const real = realCharts();

real.test('with the real Traefik chart, 01-crds.yaml has Traefik\'s own CRDs and none of Traefik Hub\'s', async () => {
  const project = await makeProject();
  await project.synth({ force: true, helm: { chartsDir: real.dir, cacheDir: path.join(project.root, '.cache') } });
  const groups = parseAllDocuments(project.read('dist/example/01-crds.yaml'))
    .map((d) => d.toJS() as { kind?: string; spec?: { group?: string } } | null)
    .filter((o) => o?.kind === 'CustomResourceDefinition')
    .map((o) => o!.spec!.group!);
  expect(groups).toContain('traefik.io');
  expect(groups).toContain('cert-manager.io');
  expect(groups.filter((g) => g === TRAEFIK_HUB_API_GROUP)).toEqual([]);
}, 120_000);
