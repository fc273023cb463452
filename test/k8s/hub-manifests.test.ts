/**
 * Assembling rendered releases into apply waves (`ClusterManifests`) and files (`ClusterApp.synthFiles`),
 * with hand-made release objects, so each rule is pinned without Helm: CRDs go to the CRD wave,
 * a Namespace exists for every namespace used, every object carries its wave's sync-wave
 * annotation, Secrets go to dist-secrets with the namespaces they need, and the result does not
 * depend on the order the releases are given in.
 */
import { ApiObject } from 'cdk8s';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { defineHub } from '../../model/hub';
import { K8sObject } from '../../k8s/helm/types';
import { ClusterApp, RenderedRelease } from '../../k8s/hub-manifests';
import { Namespace } from '../../k8s/platform/namespace';
import { ClusterIssuer } from '../../imports/cert-manager.io';
import { SYNC_WAVE_ANNOTATION } from '../../k8s/waves';
import { EXAMPLE_HUB } from '../support/project';

const hub = defineHub('example', parse(EXAMPLE_HUB), {}, 'hubs/example.yaml');

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...extra,
});
const crd = (group: string, plural: string, kind: string): K8sObject =>
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${plural}.${group}`, undefined, { spec: { group, names: { kind, plural }, scope: 'Namespaced' } });

const RELEASES: RenderedRelease[] = [
  {
    wave: 'certManager',
    release: 'cert-manager',
    namespace: 'cert-manager',
    objects: [
      crd('cert-manager.io', 'certificates', 'Certificate'),
      obj('apps/v1', 'Deployment', 'cert-manager', 'cert-manager'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cert-manager-view'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'cert-manager:leaderelection', 'kube-system'),
    ],
  },
  {
    wave: 'ingress',
    release: 'traefik',
    namespace: 'traefik',
    objects: [
      obj('v1', 'Namespace', 'traefik', undefined, { metadata: { name: 'traefik', labels: { from: 'chart' } } }),
      crd('traefik.io', 'ingressroutes', 'IngressRoute'),
      obj('apps/v1', 'Deployment', 'traefik', 'traefik', { metadata: { name: 'traefik', namespace: 'traefik', annotations: { keep: 'me' } } }),
    ],
  },
  {
    wave: 'jupyterhub',
    release: 'jhub',
    namespace: 'jhub',
    objects: [
      obj('v1', 'ConfigMap', 'hub', 'jhub', { data: { a: 'b' } }),
      obj('v1', 'Secret', 'hub', 'jhub', { data: { token: Buffer.from('fake').toString('base64') } }),
      obj('v1', 'Secret', 'extra', 'users', { stringData: { x: 'fake' } }),
    ],
  },
];

const appOf = (releases: readonly RenderedRelease[]) => new ClusterApp({ cluster: hub.cluster, hubs: [hub], releases });
const filesOf = (releases: readonly RenderedRelease[]) => appOf(releases).synthFiles();
const objectsIn = (text: string | undefined): K8sObject[] => (text === undefined ? [] : parseAllDocuments(text).map((d) => d.toJS() as K8sObject));

const files = filesOf(RELEASES);
const dist = (name: string) => objectsIn(files.dist.get(name));
const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);

test("CRDs of every release go to 01-crds.yaml, whatever the release's own wave", () => {
  expect(names(dist('01-crds.yaml'))).toEqual(['CustomResourceDefinition certificates.cert-manager.io', 'CustomResourceDefinition ingressroutes.traefik.io']);
  for (const [file, text] of files.dist) if (file !== '01-crds.yaml') expect(text).not.toContain('kind: CustomResourceDefinition');
});

test('00-namespaces.yaml creates every namespace used, once, sorted; a chart-rendered Namespace is not duplicated', () => {
  expect(names(dist('00-namespaces.yaml'))).toEqual(['cert-manager', 'jhub', 'kube-system', 'traefik', 'users'].map((n) => `Namespace ${n}`));
  for (const [file, text] of files.dist) if (file !== '00-namespaces.yaml') expect(text).not.toContain('kind: Namespace');
});

test("a Namespace jhm writes is apiVersion, kind and metadata only, the metadata's fields in the generated binding's (alphabetical) order", () => {
  const [, first] = files.dist.get('00-namespaces.yaml')!.split('\n---\n');
  expect(first).toBe(
    ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  annotations:', '    argocd.argoproj.io/sync-wave: "0"', '  labels:', `    jupyterhub-magnum/cluster: ${hub.cluster.name}`, '  name: cert-manager'].join('\n'),
  );
});

test('the hub wave objects go to the files of their release, and the ClusterIssuers come from the hub', () => {
  expect(names(dist('02-cert-manager.yaml'))).toEqual(['Deployment cert-manager/cert-manager', 'ClusterRole cert-manager-view', 'RoleBinding kube-system/cert-manager:leaderelection']);
  expect(names(dist('03-ingress-controller.yaml'))).toEqual(['Deployment traefik/traefik']);
  expect(names(dist('04-cluster-issuers.yaml'))).toEqual(['ClusterIssuer letsencrypt', 'ClusterIssuer letsencrypt-staging']);
  expect(names(dist('05-jupyterhub.yaml'))).toEqual(['ConfigMap jhub/hub']);
});

test("every object carries its wave's sync-wave annotation; its other annotations are kept", () => {
  for (const [file, text] of [...files.dist, ...files.secrets]) {
    for (const o of objectsIn(text)) expect(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe(String(Number(file.slice(0, 2))));
  }
  expect(dist('03-ingress-controller.yaml')[0].metadata.annotations).toEqual({ keep: 'me', [SYNC_WAVE_ANNOTATION]: '3' });
});

test('cluster-scoped objects get no namespace (no chart-level namespace is stamped on them)', () => {
  expect(dist('02-cert-manager.yaml').find((o) => o.kind === 'ClusterRole')!.metadata).not.toHaveProperty('namespace');
  for (const o of [...dist('00-namespaces.yaml'), ...dist('01-crds.yaml'), ...dist('04-cluster-issuers.yaml')]) expect(o.metadata).not.toHaveProperty('namespace');
});

test('Secrets go only to dist-secrets, with a namespaces file holding exactly the namespaces of those Secrets', () => {
  for (const text of files.dist.values()) expect(text).not.toMatch(/^kind: Secret$/m);
  expect([...files.secrets.keys()]).toEqual(['05-jupyterhub.yaml', '00-namespaces.yaml']);
  expect(names(objectsIn(files.secrets.get('05-jupyterhub.yaml')))).toEqual(['Secret jhub/hub', 'Secret users/extra']);
  expect(names(objectsIn(files.secrets.get('00-namespaces.yaml')))).toEqual(['Namespace jhub', 'Namespace users']);
});

test('a wave with nothing to apply gets no file; without Secrets there is no dist-secrets file', () => {
  const only = filesOf([{ wave: 'jupyterhub', release: 'jhub', namespace: 'jhub', objects: [obj('v1', 'ConfigMap', 'c', 'jhub')] }]);
  expect([...only.dist.keys()]).toEqual(['00-namespaces.yaml', '04-cluster-issuers.yaml', '05-jupyterhub.yaml']);
  expect(only.secrets.size).toBe(0);
});

test('every file starts with a header naming the hub file and saying it is generated', () => {
  for (const text of [...files.dist.values(), ...files.secrets.values()]) expect(text.split('\n')[0]).toMatch(/^# .*Generated by jhm from hubs\/example\.yaml: do not edit/);
});

test('property: the files do not depend on the order the releases are given in, and building twice gives the same bytes', () => {
  const expected = filesOf(RELEASES);
  fc.assert(
    fc.property(fc.shuffledSubarray(RELEASES, { minLength: RELEASES.length, maxLength: RELEASES.length }), (releases) => {
      const got = filesOf(releases);
      expect(got.dist).toEqual(expected.dist);
      expect(got.secrets).toEqual(expected.secrets);
    }),
    { numRuns: 12 },
  );
});

test('the input objects are not modified (the render cache hands out the same data again)', () => {
  const releases = structuredClone(RELEASES);
  filesOf(releases);
  expect(releases).toEqual(RELEASES);
});

test("the objects jhm writes itself are typed constructs: the Namespaces jhm's Namespace (written as cdk8s's generated KubeNamespace writes them), the ClusterIssuers the cert-manager binding", () => {
  const { manifests } = appOf(RELEASES);
  const kinds = (wave: string) => manifests.charts.find((c) => c.wave.name === wave)!.node.findAll().filter((c) => c instanceof ApiObject);
  expect(kinds('namespaces').every((o) => o instanceof Namespace)).toBe(true);
  expect(kinds('namespaces')).toHaveLength(5);
  expect(kinds('issuers').map((o) => o.constructor)).toEqual([ClusterIssuer, ClusterIssuer]);
});

test("the app's synthesis is synthFiles(); cdk8s's own writer is refused (it would put the Secrets into its outdir, in YAML 1.1)", () => {
  const app = appOf(RELEASES);
  expect(() => app.synth()).toThrow(/use synthFiles\(\)/);
  expect(app.synthFiles().dist).toEqual(files.dist);
});
