/**
 * What `jhm synth` writes to `dist/<hub>/` and `dist-secrets/<hub>/`, for the example hub (Traefik)
 * and a variant with ingress-nginx, rendered through the test stand-in charts: a snapshot of the
 * example's `dist/`, and the rules every hub's output follows (scope, namespaces, apply order,
 * no Helm hooks, no Secrets in `dist/`, valid against the Kubernetes API schemas).
 */
import * as fs from 'fs';
import { parse } from 'yaml';
import { CLUSTER_SCOPED, NAMESPACED } from './scopes';
import { ObjectInFile, objectsOf, typeOf, validateWithModels } from './support';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, FAKE_GITHUB_CLIENT_SECRET, makeProject, removeProjects, TestProject } from '../support/project';
import { isManifestFile, KUSTOMIZATION_FILE } from '../../k8s/kustomization';
import { SYNC_WAVE_ANNOTATION, WAVES } from '../../k8s/waves';
import { loadHubs } from '../../project/load';
import { HelmRenderer } from '../../k8s/helm/render';
import { RenderRequest, RenderResult } from '../../k8s/helm/types';
import { synthClusterManifests } from '../../k8s/synth';

const HUBS = ['example', 'nginx'] as const;
let project: TestProject;
const dist = new Map<string, Map<string, string>>();
const secrets = new Map<string, Map<string, string>>();

beforeAll(async () => {
  project = await makeProject({ hubs: { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX } });
  await project.synth({ apps: { k8s: true, infra: false } });
  for (const hub of HUBS) {
    dist.set(hub, project.tree(`dist/${hub}`));
    secrets.set(hub, project.tree(`dist-secrets/${hub}`));
  }
});
afterAll(removeProjects);

const distObjects = (hub: string): ObjectInFile[] => objectsOf(dist.get(hub)!);
const secretObjects = (hub: string): ObjectInFile[] => objectsOf(secrets.get(hub)!);
const fileNumber = (file: string): number => Number(/^(\d\d)-/.exec(file)![1]);

test('dist/example (file names and contents) matches the snapshot', () => {
  expect(Object.fromEntries(dist.get('example')!)).toMatchSnapshot();
});

describe.each(HUBS)('hub %s', (hub) => {
  test('every kind in dist/ and dist-secrets/ has a known scope (so the scope rules below cover it)', () => {
    const unknown = [...distObjects(hub), ...secretObjects(hub)].map((o) => o.kind).filter((k) => !CLUSTER_SCOPED.has(k) && !NAMESPACED.has(k));
    expect([...new Set(unknown)]).toEqual([]);
  });

  test('namespaced objects carry metadata.namespace; cluster-scoped ones carry none', () => {
    const wrong = [...distObjects(hub), ...secretObjects(hub)]
      .filter((o) => (CLUSTER_SCOPED.has(o.kind) ? 'namespace' in o.metadata : NAMESPACED.has(o.kind) && !o.metadata.namespace))
      .map((o) => `${o.file}: ${o.kind} ${o.metadata.name} namespace=${String(o.metadata.namespace)}`);
    expect(wrong).toEqual([]);
  });

  test('every namespace used (by an object or an RBAC subject) is created in 00-namespaces.yaml', () => {
    const created = new Set(distObjects(hub).filter((o) => o.file === '00-namespaces.yaml').map((o) => o.metadata.name));
    const used = new Set<string>();
    for (const o of [...distObjects(hub), ...secretObjects(hub)]) {
      if (o.metadata.namespace) used.add(o.metadata.namespace);
      for (const s of (o.subjects as Array<{ namespace?: string }> | undefined) ?? []) if (s.namespace) used.add(s.namespace);
    }
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((ns) => !created.has(ns))).toEqual([]);
    expect(distObjects(hub).filter((o) => o.file === '00-namespaces.yaml' && o.kind !== 'Namespace')).toEqual([]);
  });

  test('files are named NN-<wave>.yaml in apply order: namespaces, CRDs, cert-manager, ingress controller, ClusterIssuers, JupyterHub last', () => {
    expect([...dist.get(hub)!.keys()]).toEqual([
      '00-namespaces.yaml',
      '01-crds.yaml',
      '02-cert-manager.yaml',
      '03-ingress-controller.yaml',
      '04-cluster-issuers.yaml',
      '05-jupyterhub.yaml',
      KUSTOMIZATION_FILE,
    ]);
    const objects = distObjects(hub);
    const filesOf = (pred: (o: ObjectInFile) => boolean) => [...new Set(objects.filter(pred).map((o) => o.file))];
    expect(filesOf((o) => o.kind === 'Namespace')).toEqual(['00-namespaces.yaml']);
    expect(filesOf((o) => o.kind === 'CustomResourceDefinition')).toEqual(['01-crds.yaml']);
    expect(filesOf((o) => o.kind === 'ClusterIssuer')).toEqual(['04-cluster-issuers.yaml']);
    expect(filesOf((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === 'cert-manager' && o.kind === 'Deployment')).toEqual(['02-cert-manager.yaml']);
    expect(filesOf((o) => o.kind === 'IngressClass')).toEqual(['03-ingress-controller.yaml']);
    expect(filesOf((o) => o.kind === 'Ingress')).toEqual(['05-jupyterhub.yaml']);
  });

  test("every object's sync-wave annotation equals its file's number", () => {
    const wrong = [...distObjects(hub), ...secretObjects(hub)]
      .filter((o) => o.metadata.annotations?.[SYNC_WAVE_ANNOTATION] !== String(fileNumber(o.file)))
      .map((o) => `${o.file}: ${o.kind} ${o.metadata.name}: ${String(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION])}`);
    expect(wrong).toEqual([]);
  });

  test('the CRD of every custom kind used is applied in an earlier wave than any object of that kind', () => {
    const objects = distObjects(hub);
    const crds = new Map<string, number>();
    for (const c of objects.filter((o) => o.kind === 'CustomResourceDefinition')) {
      const spec = c.spec as { group: string; names: { kind: string } };
      crds.set(`${spec.group}/${spec.names.kind}`, fileNumber(c.file));
    }
    const custom = objects.filter((o) => crds.has(`${o.apiVersion.split('/')[0]}/${o.kind}`));
    expect(custom.map((o) => o.kind)).toContain('ClusterIssuer');
    const wrong = custom.filter((o) => crds.get(`${o.apiVersion.split('/')[0]}/${o.kind}`)! >= fileNumber(o.file));
    expect(wrong.map((o) => `${o.file}: ${o.kind} ${o.metadata.name}`)).toEqual([]);
  });

  test('no Helm hook objects and no helm.sh/hook annotations remain', () => {
    const objects = [...distObjects(hub), ...secretObjects(hub)];
    const annotated = objects.filter((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('helm.sh/hook')));
    expect(annotated.map((o) => `${o.file}: ${o.kind} ${o.metadata.name}`)).toEqual([]);
    // The stand-in charts render hook Jobs (cert-manager's startupapicheck, ingress-nginx's admission jobs): all dropped.
    expect(objects.filter((o) => o.kind === 'Job' || o.kind === 'Pod').map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([]);
  });

  test('dist/ holds no Secret; dist-secrets/ holds the hub Secret and a namespaces file with exactly the namespaces of its Secrets', () => {
    expect(distObjects(hub).filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const text of dist.get(hub)!.values()) expect(text).not.toMatch(/^kind: Secret$/m);
    const objects = secretObjects(hub);
    const kept = objects.filter((o) => o.kind === 'Secret');
    expect(kept.map((o) => `${o.file} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['05-jupyterhub.yaml jhub/hub']);
    expect(objects.filter((o) => o.kind !== 'Secret').map((o) => `${o.file} ${o.kind} ${o.metadata.name}`)).toEqual([
      '00-namespaces.yaml Namespace jhub',
    ]);
    // The namespace object in dist-secrets is the one in dist (same bytes), so applying either folder first works.
    const ns = (files: Map<string, string>) => objectsOf(files).find((o) => o.kind === 'Namespace' && o.metadata.name === 'jhub');
    expect(ns(secrets.get(hub)!)).toEqual(ns(dist.get(hub)!));
  });

  test('the hub Secret holds the real values from the secrets file', () => {
    const secret = secretObjects(hub).find((o) => o.kind === 'Secret')!;
    const data = secret.data as Record<string, string>;
    const values = parse(Buffer.from(data['values.yaml'], 'base64').toString('utf8')) as { hub: { config: Record<string, Record<string, unknown>> } };
    const file = parse(project.read(`secrets/${hub}.yaml`)) as { jupyterhub: { proxySecretToken: string; cookieSecret: string; cryptKeeperKeys: string[] } };
    expect(values.hub.config.GitHubOAuthenticator.client_secret).toBe(FAKE_GITHUB_CLIENT_SECRET);
    expect(values.hub.config.JupyterHub.cookie_secret).toBe(file.jupyterhub.cookieSecret);
    expect(values.hub.config.ConfigurableHTTPProxy.auth_token).toBe(file.jupyterhub.proxySecretToken);
    expect(values.hub.config.CryptKeeper.keys).toEqual(file.jupyterhub.cryptKeeperKeys);
    expect(Buffer.from(data['hub.config.JupyterHub.cookie_secret'], 'base64').toString()).toBe(file.jupyterhub.cookieSecret);
  });

  test('dist-secrets/ is private: folder 0700, files 0600', () => {
    const dir = project.path(`dist-secrets/${hub}`);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(`${dir}/${f}`).mode & 0o777).toBe(0o600);
  });

  test('every object of dist/ and dist-secrets/ is valid against the Kubernetes API schemas (kubernetes-models, cert-manager models)', () => {
    const objects = [...distObjects(hub), ...secretObjects(hub)];
    const results = validateWithModels(objects);
    const invalid = objects.map((o, i) => [`${o.file}: ${typeOf(o)} ${o.metadata.name}`, results[i]] as const).filter(([, r]) => r !== null);
    expect(invalid).toEqual([]);
  });
});

test('the validation catches an invalid object (so a pass above means something)', () => {
  const [bad, good, unknown] = validateWithModels([
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'eighty' }] } } as never,
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } as never,
    { apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } } as never,
  ]);
  expect(bad).toMatch(/port/);
  expect(good).toBeNull();
  expect(unknown).toMatch(/no model/);
});

test('the waves of k8s/waves.ts are the files, in the same order', () => {
  expect(Object.values(WAVES).map((w) => `${String(w.index).padStart(2, '0')}-${w.stem}.yaml`)).toEqual([...dist.get('example')!.keys()].filter(isManifestFile));
});

test('charts that do render Helm hooks (values turned on) still give no hook object and no hook annotation', async () => {
  // The hub's values switch the charts' hooks off; turn them on to see that the engine drops them.
  const renderer = new HelmRenderer({ root: project.root, ...project.helm });
  const dropped: string[] = [];
  const withHooks = {
    charts: renderer.charts,
    render: async (req: RenderRequest): Promise<RenderResult> => {
      const values = JSON.parse(JSON.stringify(req.values)) as Record<string, Record<string, unknown>>;
      if (req.chart.name === 'cert-manager') values.startupapicheck = { ...values.startupapicheck, enabled: true };
      if (req.chart.name === 'jupyterhub') values.prePuller = { ...values.prePuller, hook: { enabled: true } };
      const result = await renderer.render({ ...req, values });
      dropped.push(...result.droppedHooks.map((h) => `${h.kind} ${h.name}`));
      return result;
    },
  } as unknown as HelmRenderer;
  const [hub] = loadHubs(project.root, ['example']);
  const result = await synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer: withHooks });
  expect(dropped.length).toBeGreaterThanOrEqual(2);
  const objects = [...objectsOf(result.files.dist), ...objectsOf(result.files.secrets)];
  expect(objects.filter((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('helm.sh/hook')))).toEqual([]);
  const names = new Set(objects.map((o) => `${o.kind} ${o.metadata.name}`));
  expect(dropped.filter((d) => names.has(d))).toEqual([]);
});
