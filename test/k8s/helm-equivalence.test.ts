/**
 * Rule: what synth writes for a release behaves exactly as `helm template` with the same values,
 * apart from the documented fixes: namespaces (set on namespaced objects, removed from
 * cluster-scoped ones), hooks (left out), CRDs the release does not use (left out:
 * `HelmRelease.unusedCrdGroups`, Traefik Hub's), the sync-wave annotation, jhm's ownership labels on the
 * top-level metadata only (so pod templates and selectors stay helm's, byte for byte), null fields
 * (absent, as the API server treats them), Secret values (real ones in dist-secrets instead of
 * placeholders; the hub Secret's `values.yaml` holds the secret values only) and the hub's readable
 * values (the ConfigMap `hub-values` and its checksum on the hub's pod template,
 * `k8s/jupyterhub/readable-values.ts`, tested in `test/synth/readable-hub-values.test.ts`).
 *
 * Runs with the test charts always, and again with the real charts (`realCharts`: skipped, saying
 * so, where they are not).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { loadHubs } from '../../project/load';
import { archiveName } from '../../k8s/helm/chart-lock';
import { HelmRenderer } from '../../k8s/helm/render';
import { BUILTIN_CLUSTER_SCOPED } from '../../k8s/helm/scope';
import { HelmRelease, isUnusedCrd } from '../../k8s/platform/release';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { certManagerRelease, ingressControllerRelease } from '../../k8s/platform/ingress-controller';
import { OWNER_CLUSTER_LABEL, OWNER_HUB_LABEL } from '../../k8s/ownership';
import { placeholderSecrets } from '../../k8s/secret-placeholders';
import { SYNC_WAVE_ANNOTATION } from '../../k8s/waves';
import { HUB_VALUES_CHECKSUM, HUB_VALUES_CONFIGMAP } from '../../k8s/jupyterhub/readable-values';
import { isManifestFile } from '../../k8s/kustomization';
import { realCharts } from '../support/outside-files';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> }; [k: string]: unknown };

const real = realCharts();

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, dropNulls(x)]),
    );
  }
  return v;
}

function key(o: Obj): string {
  return `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function readObjects(dir: string): Obj[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter(isManifestFile)
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Obj))
    .filter((o) => o && o.kind);
}

/** `helm template` run by hand, as a person would, with the values synth passes. */
function helmTemplate(helm: string, archive: string, release: string, namespace: string, values: object, kubeVersion: string): Obj[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-equiv-'));
  try {
    const file = path.join(dir, 'values.json');
    fs.writeFileSync(file, JSON.stringify(values));
    const out = execFileSync(helm, ['template', release, archive, '--namespace', namespace, '--kube-version', kubeVersion, '--include-crds', '--skip-tests', '-f', file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { PATH: process.env.PATH, HOME: dir, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
    });
    // Read as the API server reads it (YAML 1.1: `0400` is octal).
    return parseAllDocuments(out, { version: '1.1' })
      .map((d) => d.toJS() as Obj)
      .filter((o) => o && o.kind);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The documented fixes, applied to helm's own output. */
function expectedFromHelm(objects: Obj[], namespace: string, clusterScoped: Set<string>, release: Pick<HelmRelease, 'unusedCrdGroups'> = {}): Map<string, unknown> {
  const crdScopes = new Map(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => [(o.spec as { names: { kind: string } }).names.kind, (o.spec as { scope: string }).scope]));
  const out = new Map<string, unknown>();
  for (const o of objects) {
    if (o.metadata.annotations?.['helm.sh/hook']) continue;
    if (isUnusedCrd(release, o)) continue;
    const copy = JSON.parse(JSON.stringify(o)) as Obj;
    const cluster = clusterScoped.has(copy.kind) || crdScopes.get(copy.kind) === 'Cluster';
    if (cluster) delete copy.metadata.namespace;
    else copy.metadata.namespace = copy.metadata.namespace ?? namespace;
    out.set(key(copy), normalize(copy));
  }
  return out;
}

function normalize(o: Obj): unknown {
  const copy = JSON.parse(JSON.stringify(o)) as Obj;
  if (copy.metadata.annotations) {
    delete copy.metadata.annotations[SYNC_WAVE_ANNOTATION];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  if (copy.metadata.labels) {
    delete copy.metadata.labels[OWNER_CLUSTER_LABEL];
    delete copy.metadata.labels[OWNER_HUB_LABEL];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  const podAnnotations = (copy.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template?.metadata?.annotations;
  if (copy.kind === 'Deployment' && podAnnotations) delete podAnnotations[HUB_VALUES_CHECKSUM];
  if (copy.kind === 'Secret') {
    // Values differ by design (placeholders vs real); the keys must not.
    for (const field of ['data', 'stringData']) {
      const m = copy[field] as Record<string, string> | undefined;
      if (m) copy[field] = Object.fromEntries(Object.keys(m).map((k) => [k, '<value>']));
    }
  }
  return dropNulls(copy);
}

const cases: Array<[string, string]> = [
  ['traefik', EXAMPLE_HUB],
  ['ingress-nginx', EXAMPLE_HUB_NGINX],
];

describe.each([
  ['test charts', false],
  ['real charts', true],
] as const)('with the %s', (label, useReal) => {
  const run = useReal ? real.test : test;

  run.each(cases)(`every object synth writes for the %s hub equals helm template's, but for the documented fixes (${label})`, async (_controller, hubText) => {
    const project = await makeProject({ hubs: { example: hubText } });
    const chartsDir = useReal ? real.dir : project.engine.chartsDir;
    await project.synth({ helm: { chartsDir } });
    const hub = loadHubs(project.root)[0];
    const renderer = new HelmRenderer({ ...project.helm, chartsDir });
    const helm = (await renderer.helm()).path;

    const releases = [
      { ...certManagerRelease(hub.cluster) },
      { ...ingressControllerRelease(hub.cluster) },
      { chart: hub.jupyterhub.chart, release: hub.jupyterhub.release, namespace: hub.jupyterhub.namespace, values: jupyterhubValues(hub, placeholderSecrets(hub)), unusedCrdGroups: [] },
    ];
    const clusterScoped = new Set(Object.values(BUILTIN_CLUSTER_SCOPED).flat().concat(['ClusterIssuer']));
    const expected = new Map<string, unknown>();
    for (const r of releases) {
      const archive = path.join(chartsDir, archiveName(renderer.charts.pin(r.chart)));
      for (const [k, v] of expectedFromHelm(helmTemplate(helm, archive, r.release, r.namespace, r.values, hub.cluster.kubeVersion), r.namespace, clusterScoped, r)) expected.set(k, v);
    }

    const written = [...readObjects(project.path('dist/example')), ...readObjects(project.path('dist-secrets/example'))];
    const actual = new Map<string, unknown>();
    for (const o of written) {
      // Every object carries the ownership labels (the hub's on JupyterHub's); `normalize` removes them.
      const hubLabel = o.metadata.namespace === hub.jupyterhub.namespace ? { [OWNER_HUB_LABEL]: 'example' } : {};
      expect({ [key(o)]: o.metadata.labels }).toEqual({ [key(o)]: expect.objectContaining({ [OWNER_CLUSTER_LABEL]: 'example', ...hubLabel }) });
      if (o.metadata.namespace !== undefined && o.metadata.namespace !== hub.jupyterhub.namespace) expect(o.metadata.labels?.[OWNER_HUB_LABEL]).toBeUndefined();
      // What synth adds on its own: Namespaces, the ClusterIssuers and the hub's readable values (tested elsewhere).
      if (o.kind === 'Namespace' || o.kind === 'ClusterIssuer') continue;
      if (o.kind === 'ConfigMap' && o.metadata.name === HUB_VALUES_CONFIGMAP) continue;
      actual.set(key(o), normalize(o));
    }
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, v] of expected) expect({ [k]: actual.get(k) }).toEqual({ [k]: v });
  });
});
