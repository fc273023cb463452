/**
 * The preflight of a synth uses the objects it serialized (`manifestFiles(...).objects`) instead of
 * parsing the YAML it wrote: the same findings, on the same lines, as the preflight of the text;
 * the text only gives the lines. A file whose documents do not match its objects is parsed. And
 * synth runs it on every cluster before anything is written.
 */
import { K8sObject } from '../../k8s/helm/types';
import { manifestFiles } from '../../k8s/manifest-files';
import * as preflightModule from '../../k8s/preflight';
import { clusterFolders, preflight } from '../../k8s/preflight';
import { UserError } from '../../model/errors';
import { makeProject, removeProjects } from '../support/project';
import { WAVES } from '../../k8s/waves';

const namespace = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const deployment: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hub', namespace: 'jhub' },
  spec: {
    selector: { matchLabels: { app: 'hub' } },
    template: { metadata: { labels: { app: 'hub' } }, spec: { containers: [{ name: 'hub', image: 'hub:1' }], volumes: [{ name: 'config', configMap: { name: 'hub-config' } }] } },
  },
};
const configMap: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hub-config', namespace: 'jhub' }, data: { a: '1' } };

const files = (objects: { namespaces: K8sObject[]; hub: K8sObject[] }) =>
  manifestFiles(
    [
      { wave: WAVES.namespaces, objects: objects.namespaces },
      { wave: WAVES.jupyterhub, objects: objects.hub },
    ],
    'hubs/example.yaml',
  );
const context = clusterFolders('example');
const lines = (fs: ReturnType<typeof preflight>) => fs.map((f) => `${f.file}:${f.line}: ${f.field}: ${f.message}`);

test('rule: the findings on the objects are those on the text, on the same lines', () => {
  const broken = files({ namespaces: [namespace('other')], hub: [deployment] });
  const onText = preflight({ dist: broken.dist }, context);
  expect(onText.length).toBeGreaterThanOrEqual(2);
  expect(lines(preflight({ dist: broken.dist, objects: broken.objects }, context))).toEqual(lines(onText));
  const clean = files({ namespaces: [namespace('jhub')], hub: [configMap, deployment] });
  expect(preflight({ dist: clean.dist, objects: clean.objects }, context)).toEqual([]);
});

test('rule: with the objects no YAML is read: what the rules see is the objects', () => {
  const clean = files({ namespaces: [namespace('jhub')], hub: [configMap, deployment] });
  // The same text, other objects: the ConfigMap the pod mounts is gone from the objects only.
  const objects = { dist: new Map([...clean.objects.dist].map(([f, os]) => [f, os.map((o) => (o.kind === 'ConfigMap' ? { ...o, metadata: { ...o.metadata, name: 'renamed' } } : o))])) };
  expect(preflight({ dist: clean.dist }, context)).toEqual([]);
  expect(lines(preflight({ dist: clean.dist, objects }, context))).toEqual([expect.stringMatching(/^dist\/example\/05-jupyterhub\.yaml:\d+: Deployment jhub\/hub: .*ConfigMap hub-config/)]);
});

test('rule: a file whose documents do not match its objects in number is parsed', () => {
  const clean = files({ namespaces: [namespace('jhub')], hub: [configMap, deployment] });
  const fewer = { dist: new Map([...clean.objects.dist].map(([f, os]) => [f, os.slice(1)])) };
  expect(preflight({ dist: clean.dist, objects: fewer }, context)).toEqual([]);
});

describe('synth runs the preflight before it writes', () => {
  afterEach(() => jest.restoreAllMocks());
  afterAll(removeProjects);

  test('rule: every synthesized cluster is checked, with the objects it serialized', async () => {
    const project = await makeProject();
    const spy = jest.spyOn(preflightModule, 'assertPreflight');
    await project.synth();
    expect(spy.mock.calls.map(([cluster]) => cluster)).toEqual(['example']);
    const [, files] = spy.mock.calls[0];
    expect([...(files.objects?.dist?.keys() ?? [])]).toEqual([...files.dist.keys()]);
  });

  test('rule: a finding stops the synth with its line, and earlier output is left as it was', async () => {
    const project = await makeProject();
    await project.synth();
    const before = project.outputs();
    jest.spyOn(preflightModule, 'assertPreflight').mockImplementation(() => {
      throw new UserError('Service jhub/x: selects no pod', { file: 'dist/example/05-jupyterhub.yaml', line: 3 });
    });
    await expect(project.synth({ force: true })).rejects.toThrow('Service jhub/x: selects no pod');
    expect(project.outputs()).toEqual(before);
  });
});
