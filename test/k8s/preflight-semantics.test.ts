/**
 * Rules of the manifest preflight (`k8s/preflight.ts`) against Kubernetes semantics, on small
 * hand-written files: what the API server, kubectl or the endpoints controller accept is no
 * finding, what they refuse or ignore is one; and every way of reading a file (split at `---`,
 * one stream, CRLF, a BOM, leading comments) gives the same findings on the same lines.
 */
import { preflight } from '../../k8s/preflight';

const CONTEXT = { distDir: 'dist/c', secretsDir: 'dist-secrets/c' };
const run = (text: string): string[] => preflight({ dist: new Map([['a.yaml', text]]) }, CONTEXT).map((f) => `${f.file}:${f.line ?? '?'}: ${f.field ?? '-'}: ${f.message}`);

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n';
const configMap = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ${ns}\n`;

describe('rule parse: a finding has the line of its document\'s first content, however the file is read', () => {
  const text = `# header\n---\n${NAMESPACE}---\n# a comment\n\n${configMap('missing')}---\n${configMap('other')}`;
  const expected = ['dist/c/a.yaml:10: ConfigMap missing/cm: namespace missing', 'dist/c/a.yaml:16: ConfigMap other/cm: namespace other'];
  const short = (ls: string[]) => ls.map((l) => l.replace(/ is not created.*/, ''));
  test('split at --- lines', () => expect(short(run(text))).toEqual(expected));
  test('one stream (a ... marker: the whole file is parsed)', () => expect(short(run(`${text}...\n`))).toEqual(expected));
  test('CRLF line endings', () => expect(short(run(text.replace(/\n/g, '\r\n')))).toEqual(expected));
  test('a BOM', () => expect(short(run(`\uFEFF${text}`))).toEqual(expected));
  test('CRLF line endings in a document read for its identity only (its last kept line is no longer ended)', () => {
    const sa = `${NAMESPACE}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: n\nautomountServiceAccountToken: false\n`;
    expect(run(sa)).toEqual([]);
    expect(run(sa.replace(/\n/g, '\r\n'))).toEqual([]);
  });
  test('a syntax error: its own line in the file, without a position counted in one document', () => {
    const broken = `${NAMESPACE}---\n# c\n${configMap('n')}data:\n  a: [x\n`;
    for (const t of [broken, `${broken}...\n`]) {
      expect(run(t)).toEqual([expect.stringMatching(/^dist\/c\/a\.yaml:14: -: not YAML: [^\n]*[^:0-9]$/)]);
      expect(run(t)[0]).not.toMatch(/at line/);
    }
    expect(run(broken)).toEqual(run(`${broken}...\n`));
  });
});

describe('rules namespace and identity: the metadata.namespace of a cluster-scoped object is ignored, as the API server does', () => {
  const clusterRole = (ns?: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n${ns ? `  namespace: ${ns}\n` : ''}rules: []\n`;
  test('a namespace no Namespace creates, on a ClusterRole, is no finding', () => expect(run(`${NAMESPACE}---\n${clusterRole('gone')}`)).toEqual([]));
  test('a ClusterRole with a namespace and one without are one object: an identity clash', () => {
    expect(run(`${NAMESPACE}---\n${clusterRole('n')}---\n${clusterRole()}`)).toEqual([expect.stringMatching(/^dist\/c\/a\.yaml:13: ClusterRole r: has the identity .* of the object at dist\/c\/a\.yaml:6$/)]);
  });
});

test('rule namespace: the namespace of a User or Group subject is ignored by RBAC and no namespace used; a ServiceAccount\'s is', () => {
  const binding = (kind: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ${kind}\n    name: default\n    namespace: gone\n${kind === 'ServiceAccount' ? '' : '    apiGroup: rbac.authorization.k8s.io\n'}`;
  expect(run(binding('User'))).toEqual([]);
  expect(run(binding('Group'))).toEqual([]);
  expect(run(binding('ServiceAccount'))).toEqual([expect.stringMatching(/ClusterRoleBinding b: namespace gone is not created/)]);
});

describe('rule service-selector: a named targetPort is a port (name and protocol) of a container or sidecar, as the endpoints controller looks it up', () => {
  const files = (pod: string, servicePort: string) => `${NAMESPACE}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: n
spec:
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
${pod}---
apiVersion: v1
kind: Service
metadata:
  name: s
  namespace: n
spec:
  selector: {app: d}
  ports:
${servicePort}`;
  const tcp = '    - {name: web, port: 80, targetPort: web}\n';
  const container = (ports: string) => `      containers:\n        - name: c\n          image: x\n          ports: ${ports}\n`;
  test('a port of a container', () => expect(run(files(container('[{name: web, containerPort: 8080}]'), tcp))).toEqual([]));
  test('a port of a sidecar (init container with restartPolicy Always)', () => {
    expect(run(files(`${container('[{name: other, containerPort: 1}]')}      initContainers:\n        - name: s\n          image: x\n          restartPolicy: Always\n          ports: [{name: web, containerPort: 8080}]\n`, tcp))).toEqual([]);
  });
  test('a port of a plain init container is a finding: it has exited when the pod serves', () => {
    expect(run(files(`${container('[{name: other, containerPort: 1}]')}      initContainers:\n        - name: i\n          image: x\n          ports: [{name: web, containerPort: 8080}]\n`, tcp))).toEqual([
      expect.stringMatching(/^dist\/c\/a\.yaml:27: Service n\/s: targetPort web \(port web\) is no named container port of the pods it selects \(Deployment n\/d\)$/),
    ]);
  });
  test('a port of another protocol is a finding; of the same protocol none', () => {
    const udp = '    - {name: dns, port: 53, protocol: UDP, targetPort: web}\n';
    expect(run(files(container('[{name: web, containerPort: 8080}]'), udp))).toEqual([expect.stringMatching(/targetPort web \(port dns\) is no named UDP container port of the pods it selects/)]);
    expect(run(files(container('[{name: web, containerPort: 8080, protocol: UDP}]'), udp))).toEqual([]);
    expect(run(files(container('[{name: web, containerPort: 8080, protocol: UDP}]'), tcp))).toEqual([expect.stringMatching(/targetPort web \(port web\) is no named container port/)]);
  });
});

describe('rule ingress: the issuer is found as cert-manager\'s ingress-shim reads the annotations (issuer-kind, issuer-group override)', () => {
  const crd = (group: string, kind: string, scope: string) =>
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${kind.toLowerCase()}s.${group}\nspec:\n  group: ${group}\n  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}\n  scope: ${scope}\n  versions: [{name: v1, served: true, storage: true}]\n`;
  const issuer = (group: string, kind: string, ns?: string) => `apiVersion: ${group}/v1\nkind: ${kind}\nmetadata:\n  name: ca\n${ns ? `  namespace: ${ns}\n` : ''}spec: {}\n`;
  const ingress = (annotations: string) => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  namespace: n\n  annotations: {${annotations}}\nspec: {}\n`;
  const file = (...docs: string[]) => [NAMESPACE, crd('cert-manager.io', 'ClusterIssuer', 'Cluster'), crd('cert-manager.io', 'Issuer', 'Namespaced'), ...docs].join('---\n');
  test('cert-manager.io/issuer with issuer-kind ClusterIssuer names a ClusterIssuer', () => {
    expect(run(file(issuer('cert-manager.io', 'ClusterIssuer'), ingress('cert-manager.io/issuer: ca, cert-manager.io/issuer-kind: ClusterIssuer')))).toEqual([]);
    expect(run(file(issuer('cert-manager.io', 'Issuer', 'n'), ingress('cert-manager.io/issuer: ca, cert-manager.io/issuer-kind: ClusterIssuer')))).toEqual([
      expect.stringMatching(/Ingress n\/i: annotation cert-manager.io\/issuer: no ClusterIssuer ca in the output$/),
    ]);
  });
  test('cert-manager.io/issuer names an Issuer of the Ingress namespace', () => {
    expect(run(file(issuer('cert-manager.io', 'Issuer', 'n'), ingress('cert-manager.io/issuer: ca')))).toEqual([]);
    expect(run(file(issuer('cert-manager.io', 'ClusterIssuer'), ingress('cert-manager.io/issuer: ca')))).toEqual([expect.stringMatching(/annotation cert-manager.io\/issuer: no Issuer ca in namespace n of the output$/)]);
  });
  test('an external issuer (issuer-group): its kind in its group, scoped as its CRD says', () => {
    expect(run(file(crd('example.org', 'CAIssuer', 'Cluster'), issuer('example.org', 'CAIssuer'), ingress('cert-manager.io/issuer: ca, cert-manager.io/issuer-kind: CAIssuer, cert-manager.io/issuer-group: example.org')))).toEqual([]);
    expect(run(file(crd('example.org', 'CAIssuer', 'Namespaced'), issuer('example.org', 'CAIssuer', 'n'), ingress('cert-manager.io/issuer: ca, cert-manager.io/issuer-kind: CAIssuer, cert-manager.io/issuer-group: example.org')))).toEqual([]);
  });
});

describe('rule pod-reference: each key a ConfigMap or Secret volume names in its items is in the object (the kubelet fails the mount otherwise), unless optional', () => {
  const files = (volume: string) => `${NAMESPACE}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: n
data:
  a: "1"
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: n
spec:
  containers: [{name: c, image: x}]
  volumes:
${volume}`;
  test('a key of the ConfigMap; a missing one; an optional source', () => {
    expect(run(files('    - {name: v, configMap: {name: cm, items: [{key: a, path: a}]}}\n'))).toEqual([]);
    expect(run(files('    - {name: v, configMap: {name: cm, items: [{key: a, path: a}, {key: b, path: b}]}}\n'))).toEqual([
      expect.stringMatching(/^dist\/c\/a\.yaml:14: Pod n\/p: volume v items\[1\]: ConfigMap n\/cm has no key b$/),
    ]);
    expect(run(files('    - {name: v, configMap: {name: cm, optional: true, items: [{key: b, path: b}]}}\n'))).toEqual([]);
  });
  test('in a projected volume; a missing ConfigMap is one finding, not one per item', () => {
    expect(run(files('    - name: v\n      projected: {sources: [{configMap: {name: cm, items: [{key: b, path: b}]}}]}\n'))).toEqual([expect.stringMatching(/volume v items\[0\]: ConfigMap n\/cm has no key b$/)]);
    expect(run(files('    - {name: v, configMap: {name: gone, items: [{key: a, path: a}, {key: b, path: b}]}}\n'))).toEqual([expect.stringMatching(/volume v: ConfigMap gone is not in namespace n of the output/)]);
  });
});

test("rule service-selector: a selector naming KubeSpawner's user pods (component singleuser-server) with more of their labels matches them", () => {
  const service = (selector: string) => `${NAMESPACE}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: n\nspec:\n  selector: {${selector}}\n  ports: [{port: 80}]\n`;
  // As the chart's NetworkPolicy singleuser selects them.
  expect(run(service('app: jupyterhub, component: singleuser-server, release: r'))).toEqual([]);
  expect(run(service('component: singleuser-server'))).toEqual([]);
  expect(run(service('component: hub, release: r'))).toEqual([expect.stringMatching(/Service n\/s: spec.selector component=hub,release=r matches no pod template in namespace n$/)]);
});
