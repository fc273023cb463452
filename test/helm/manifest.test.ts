/** Reading helm's output and finishing the objects, on hand-written helm output (no helm needed). */
import { UserError } from '../../config/errors';
import { CHARTS } from '../../config/versions';
import { parseHelmOutput } from '../../k8s/helm/manifest';
import { finishObjects } from '../../k8s/helm/post-process';

const chart = CHARTS.jupyterhub;
const out = (...docs: string[]): string => docs.map((d) => `---\n${d}`).join('\n');

describe('reading helm template output', () => {
  test('each document keeps its # Source template; empty documents are dropped; order is kept', () => {
    const docs = parseHelmOutput(
      out(
        '# Source: jupyterhub/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a',
        '# Source: jupyterhub/templates/empty.yaml',
        '',
        '# Source: jupyterhub/templates/b.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b',
      ),
      'jupyterhub 4.4.0',
    );
    expect(docs.map((d) => [d.source, d.object.kind, d.object.metadata.name])).toEqual([
      ['jupyterhub/templates/a.yaml', 'ConfigMap', 'a'],
      ['jupyterhub/templates/b.yaml', 'Secret', 'b'],
    ]);
  });

  test('scalars are read as the API server reads them (go-yaml, YAML 1.1): octal, yes/on booleans; timestamps and 1:20 stay strings', () => {
    const [doc] = parseHelmOutput(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nmode: 0644\nflag: on\nwhen: 2024-01-01\nratio: 1:20\nquoted: "0644"\nhex: 0x1F\n',
      'c',
    );
    expect(doc.object).toMatchObject({ mode: 420, flag: true, when: '2024-01-01', ratio: '1:20', quoted: '0644', hex: 31 });
  });

  test('a v1 List is unpacked into its items', () => {
    const docs = parseHelmOutput(
      'apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n',
      'c',
    );
    expect(docs.map((d) => d.object.metadata.name)).toEqual(['a', 'b']);
  });

  test.each([
    ['a duplicate key', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}', /invalid YAML/],
    ['a document that is a list', '- a\n- b', /not a Kubernetes object \(a list\)/],
    ['an object without kind', 'apiVersion: v1\nmetadata: {name: a}', /without kind/],
    ['an object without metadata', 'apiVersion: v1\nkind: ConfigMap', /ConfigMap without metadata/],
    ['a number JSON cannot hold', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx: .inf', /Infinity at ConfigMap\.x/],
  ])('%s is a UserError naming the chart and template', (_what, doc, message) => {
    const attempt = (): unknown => parseHelmOutput(`---\n# Source: jupyterhub/templates/bad.yaml\n${doc}\n`, 'jupyterhub 4.4.0');
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (e) {
      expect((e as UserError).file).toBe('jupyterhub 4.4.0: jupyterhub/templates/bad.yaml');
    }
  });
});

describe('finishing objects', () => {
  const hookDocs = (): ReturnType<typeof parseHelmOutput> =>
    parseHelmOutput(
      out(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-connection\n  annotations: {helm.sh/hook: test}',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: old-test\n  annotations: {helm.sh/hook: test-success}',
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations: {"helm.sh/hook": "pre-upgrade", "helm.sh/hook-weight": "5"}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain',
      ),
      'c',
    );

  test('test hooks are dropped even when keepHooks says to keep them', () => {
    const result = finishObjects(hookDocs(), { chart, namespace: 'ns', keepHooks: (h) => h.kind === 'Pod' });
    expect(result.objects.map((o) => o.metadata.name)).toEqual(['plain']);
    expect(result.droppedHooks).toEqual([
      { kind: 'Pod', name: 'test-connection', hooks: ['test'] },
      { kind: 'Pod', name: 'old-test', hooks: ['test-success'] },
      { kind: 'Job', name: 'migrate-', hooks: ['pre-upgrade'] },
    ]);
  });

  test('keepHooks sees a frozen copy: it cannot change the rendered objects', () => {
    const docs = parseHelmOutput('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: h\n  annotations: {helm.sh/hook: post-install}\ndata: {a: "1"}\n', 'c');
    const result = finishObjects(docs, {
      chart,
      namespace: 'ns',
      keepHooks: (h) => {
        expect(() => ((h.object.data as Record<string, string>).a = '2')).toThrow(TypeError);
        return true;
      },
    });
    expect(result.objects[0].data).toEqual({ a: '1' });
    expect(result.objects[0].metadata).toEqual({ name: 'h', namespace: 'ns' });
  });

  test('a kept hook without metadata.name (generateName) is a UserError', () => {
    expect(() => finishObjects(hookDocs(), { chart, namespace: 'ns', keepHooks: (h) => h.kind === 'Job' })).toThrow(/Job without metadata.name/);
  });

  test('built-in cluster-scoped kinds are matched by API group, not kind alone', () => {
    const docs = parseHelmOutput(
      out(
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: wrong}',
        'apiVersion: example.com/v1\nkind: Namespace\nmetadata: {name: b}',
        'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: c, namespace: wrong}',
      ),
      'c',
    );
    const { objects } = finishObjects(docs, { chart, namespace: 'ns' });
    expect(objects.map((o) => o.metadata.namespace)).toEqual([undefined, 'ns', undefined]);
  });
});
