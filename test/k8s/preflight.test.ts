/**
 * Rules (issue 12, item 5): the manifest preflight (`k8s/preflight.ts`) over a cluster's folders.
 * The example hub's manifests are synthesized once (test charts); each test breaks its files in one way listed
 * in the issue and expects the one-line error naming file, kind, name and the missing piece. The
 * unbroken files have no finding.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { formatDiagnostic } from '../../model/diagnostics';
import { Finding, identityOnly, preflight, PreflightFiles, withoutCrdSchemas } from '../../k8s/preflight';
import { loadHubs } from '../../project/load';
import { HelmRenderer } from '../../k8s/helm/render';
import { synthClusterManifests } from '../../k8s/synth';
import { makeProject, removeProjects } from '../support/project';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

let clean: { dist: Map<string, string>; secrets: Map<string, string> };

beforeAll(async () => {
  const project = await makeProject();
  const [hub] = loadHubs(project.root, ['example']);
  const { files } = await synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer: new HelmRenderer({ root: project.root, ...project.helm }) });
  clean = { dist: new Map(files.dist), secrets: new Map(files.secrets) };
  // The stand-in chart's containers declare no ports (so named target ports are not checked); the
  // real chart's do (test/cli/validate-manifests.test.ts checks its output). Declare them as it does.
  const ports: Record<string, Array<{ name: string; containerPort: number }>> = {
    hub: [{ name: 'http', containerPort: 8081 }],
    proxy: [
      { name: 'http', containerPort: 8000 },
      { name: 'api', containerPort: 8001 },
    ],
  };
  const objects = objectsOf(clean.dist.get(HUB_FILE)!);
  for (const o of objects) if (o.kind === 'Deployment' && ports[o.metadata.name]) podSpec(o).containers[0].ports = ports[o.metadata.name];
  // The real hub mounts its database claim; the stand-in only renders the claim.
  const hubDeployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hub')!;
  podSpec(hubDeployment).volumes!.push({ name: 'pvc', persistentVolumeClaim: { claimName: 'hub-db-dir' } });
  clean.dist.set(HUB_FILE, fileOf(objects));
}, 120_000);
afterAll(removeProjects);

const CONTEXT = { distDir: 'dist/example', secretsDir: 'dist-secrets/example' };
const HUB_FILE = '05-jupyterhub.yaml';

/** The objects of a file, and the file written back (one document per object). */
const objectsOf = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o !== null);
const fileOf = (objects: readonly Obj[]): string => `# edited by a test\n---\n${objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n')}`;

/** A copy of the clean files where `edit` changed the objects of one file (of `dist`, or of `secrets`). */
function broken(file: string, edit: (objects: Obj[]) => Obj[], folder: 'dist' | 'secrets' = 'dist'): { dist: Map<string, string>; secrets: Map<string, string> } {
  const files = { dist: new Map(clean.dist), secrets: new Map(clean.secrets) };
  const text = files[folder].get(file);
  if (text === undefined) throw new Error(`no ${folder} file ${file}`);
  files[folder].set(file, fileOf(edit(objectsOf(text))));
  return files;
}

/** `edit` applied to the one object of `kind`/`name` in `objects` (throws when it is not there). */
function on(kind: string, name: string, edit: (o: Obj) => void): (objects: Obj[]) => Obj[] {
  return (objects) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`no ${kind} ${name}`);
    edit(o);
    return objects;
  };
}
const without = (kind: string, name: string) => (objects: Obj[]) => {
  const kept = objects.filter((x) => !(x.kind === kind && x.metadata.name === name));
  if (kept.length === objects.length) throw new Error(`no ${kind} ${name}`);
  return kept;
};

const lines = (findings: readonly Finding[]): string[] => findings.map(formatDiagnostic);
const run = (files: PreflightFiles): string[] => lines(preflight(files, CONTEXT));
/** A line's `file:line: ` prefix replaced by `file: ` (line numbers depend on the test charts). */
const noLine = (l: string): string => l.replace(/^([^:]+):\d+: /, '$1: ');
const check = (files: PreflightFiles): string[] => run(files).map(noLine);

const obj = (o: Obj, ...keys: string[]): Record<string, unknown> => keys.reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, o as Record<string, unknown>);
type PodSpec = { volumes?: Array<Record<string, unknown>>; containers: Array<Record<string, unknown>>; serviceAccountName?: string };
const podSpec = (o: Obj): PodSpec => obj(o, 'spec', 'template', 'spec') as unknown as PodSpec;

test('the synthesized folder has no finding (with and without its Secrets)', () => {
  expect(run(clean)).toEqual([]);
  expect(run({ dist: clean.dist })).toEqual([]);
});

test('rule service-selector: a Service whose selector matches no pod template in its namespace', () => {
  const files = broken(HUB_FILE, on('Service', 'hub', (o) => (obj(o, 'spec').selector = { component: 'nohub' })));
  expect(check(files)).toEqual([
    `dist/example/05-jupyterhub.yaml: Service jhub/hub: spec.selector component=nohub matches no pod template in namespace jhub (make the selector match the labels of a workload in its namespace, or add the workload)`,
  ]);
});

test('rule service-selector: pods that declare no container port at all are not checked for named ports (the stand-in charts)', () => {
  const files = broken(HUB_FILE, on('Deployment', 'hub', (o) => delete podSpec(o).containers[0].ports));
  expect(check(files)).toEqual([]);
});

test('rule service-selector: a named target port that no selected container defines', () => {
  const files = broken(
    HUB_FILE,
    on('Service', 'hub', (o) => ((obj(o, 'spec').ports as Array<Record<string, unknown>>)[0].targetPort = 'nope')),
  );
  expect(check(files)).toEqual([
    `dist/example/05-jupyterhub.yaml: Service jhub/hub: targetPort nope (port hub) is no named container port of the pods it selects (Deployment jhub/hub) (name a container port nope in a container (or sidecar: init container with restartPolicy Always) of those pods, or use a port they define)`,
  ]);
});

test('rule ingress: an Ingress naming a missing IngressClass', () => {
  const files = broken(HUB_FILE, on('Ingress', 'jupyterhub', (o) => (obj(o, 'spec').ingressClassName = 'nginx')));
  expect(check(files)).toEqual([
    `dist/example/05-jupyterhub.yaml: Ingress jhub/jupyterhub: spec.ingressClassName nginx: no IngressClass nginx in the output (name the IngressClass the ingress controller of the output defines)`,
  ]);
});

test('rule ingress: an Ingress backend naming a missing Service, or a port its Service lacks', () => {
  const backend = (o: Obj) => obj(o, 'spec', 'rules', '0', 'http', 'paths', '0', 'backend', 'service');
  expect(check(broken(HUB_FILE, on('Ingress', 'jupyterhub', (o) => (backend(o).name = 'proxy-private'))))).toEqual([
    `dist/example/05-jupyterhub.yaml: Ingress jhub/jupyterhub: spec.rules[0].http.paths[0].backend: Service proxy-private is not in namespace jhub (name a Service of the output in the Ingress namespace)`,
  ]);
  expect(check(broken(HUB_FILE, on('Ingress', 'jupyterhub', (o) => (backend(o).port = { number: 8080 }))))).toEqual([
    `dist/example/05-jupyterhub.yaml: Ingress jhub/jupyterhub: spec.rules[0].http.paths[0].backend: Service proxy-public has no port number 8080 (ports: http) (use a port of Service proxy-public)`,
  ]);
});

test('rule ingress: a TLS Secret nobody makes (cert-manager makes it only with an issuer annotation), and a missing issuer', () => {
  const noAnnotation = broken(HUB_FILE, on('Ingress', 'jupyterhub', (o) => delete (o.metadata.annotations as Record<string, string>)['cert-manager.io/cluster-issuer']));
  expect(check(noAnnotation)).toEqual([
    `dist/example/05-jupyterhub.yaml: Ingress jhub/jupyterhub: spec.tls[0].secretName: Secret jhub-tls is neither in the output nor made by cert-manager (no issuer annotation) (add the Secret, or the annotation cert-manager.io/cluster-issuer naming a ClusterIssuer)`,
  ]);
  const otherIssuer = broken(HUB_FILE, on('Ingress', 'jupyterhub', (o) => ((o.metadata.annotations as Record<string, string>)['cert-manager.io/cluster-issuer'] = 'letsencrypt-prod')));
  expect(check(otherIssuer)).toEqual([
    `dist/example/05-jupyterhub.yaml: Ingress jhub/jupyterhub: annotation cert-manager.io/cluster-issuer: no ClusterIssuer letsencrypt-prod in the output (name a ClusterIssuer of the output (04-cluster-issuers.yaml))`,
  ]);
});

describe('rule pod-reference: every ServiceAccount, ConfigMap, Secret and PVC a pod uses is in dist/ or dist-secrets/, or a named controller makes it', () => {
  test('a missing ServiceAccount', () => {
    expect(check(broken(HUB_FILE, without('ServiceAccount', 'hub')))).toEqual([
      `dist/example/05-jupyterhub.yaml: RoleBinding jhub/hub: subjects[0]: ServiceAccount jhub/hub is not in the output (add the ServiceAccount hub in namespace jhub, or name an existing one)`,
      `dist/example/05-jupyterhub.yaml: Deployment jhub/hub: spec.serviceAccountName: ServiceAccount hub is not in namespace jhub of the output, and no named controller makes it (add the ServiceAccount hub, or correct the reference)`,
    ]);
  });

  test('a missing ConfigMap', () => {
    expect(check(broken(HUB_FILE, without('ConfigMap', 'hub')))).toEqual([
      `dist/example/05-jupyterhub.yaml: Deployment jhub/hub: volume config: ConfigMap hub is not in namespace jhub of the output, and no named controller makes it (add the ConfigMap hub, or correct the reference)`,
    ]);
  });

  test('a missing Secret (dist-secrets/), and a missing key of a Secret; without dist-secrets/ Secrets are not checked', () => {
    const noSecret = broken('05-jupyterhub.yaml', () => [], 'secrets');
    const found = check(noSecret);
    expect(found.length).toBeGreaterThan(0);
    for (const l of found) expect(l).toMatch(/^dist\/example\/05-jupyterhub\.yaml: Deployment jhub\/(hub|proxy): .*Secret hub is not in namespace jhub of the output, and no named controller makes it \(add the Secret hub \(dist-secrets\/\), or correct the reference\)$/);
    expect(check({ dist: noSecret.dist })).toEqual([]);
    const noKey = broken('05-jupyterhub.yaml', on('Secret', 'hub', (o) => delete obj(o, 'data')['hub.config.ConfigurableHTTPProxy.auth_token']), 'secrets');
    expect(check(noKey)).toEqual([
      `dist/example/05-jupyterhub.yaml: Deployment jhub/proxy: container chp env CONFIGPROXY_AUTH_TOKEN: Secret jhub/hub has no key hub.config.ConfigurableHTTPProxy.auth_token (add the key hub.config.ConfigurableHTTPProxy.auth_token to the Secret, or mark the reference optional)`,
    ]);
  });

  test('a missing PersistentVolumeClaim', () => {
    expect(check(broken(HUB_FILE, without('PersistentVolumeClaim', 'hub-db-dir')))).toEqual([
      `dist/example/05-jupyterhub.yaml: Deployment jhub/hub: volume pvc: PersistentVolumeClaim hub-db-dir is not in namespace jhub of the output, and no named controller makes it (add the PersistentVolumeClaim hub-db-dir, or correct the reference)`,
    ]);
  });

  test("what a named controller makes is accepted: each namespace's default ServiceAccount and kube-root-ca.crt, a StatefulSet's claims, cert-manager's TLS Secret", () => {
    const files = broken(
      HUB_FILE,
      on('Deployment', 'hub', (o) => {
        const spec = podSpec(o);
        delete spec.serviceAccountName;
        spec.volumes = [...(spec.volumes ?? []), { name: 'ca', configMap: { name: 'kube-root-ca.crt' } }, { name: 'tls', secret: { secretName: 'jhub-tls' } }, { name: 'opt', secret: { secretName: 'absent', optional: true } }];
      }),
    );
    expect(check(files)).toEqual([]);
    const claims = broken(HUB_FILE, (objects) => {
      const hub = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hub')!;
      const spec = { ...obj(hub, 'spec'), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] };
      return [...objects, { ...hub, kind: 'StatefulSet', metadata: { ...hub.metadata, name: 'db' }, spec }];
    });
    const usesClaim = (name: string) => on('Deployment', 'hub', (o) => (podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'd', persistentVolumeClaim: { claimName: name } }]));
    const withClaim = (name: string) => {
      const f = { dist: new Map(claims.dist), secrets: claims.secrets };
      f.dist.set(HUB_FILE, fileOf(usesClaim(name)(objectsOf(claims.dist.get(HUB_FILE)!))));
      return check(f);
    };
    expect(withClaim('data-db-0')).toEqual([]);
    expect(withClaim('data-db-x')).toEqual([
      `dist/example/05-jupyterhub.yaml: Deployment jhub/hub: volume d: PersistentVolumeClaim data-db-x is not in namespace jhub of the output, and no named controller makes it (add the PersistentVolumeClaim data-db-x, or correct the reference)`,
    ]);
  });
});

test('rule binding: bindings name existing roles and ServiceAccounts (the API server’s own roles count)', () => {
  expect(check(broken(HUB_FILE, on('RoleBinding', 'hub', (o) => (obj(o, 'roleRef').name = 'hubs'))))).toEqual([
    `dist/example/05-jupyterhub.yaml: RoleBinding jhub/hub: roleRef: no Role hubs in namespace jhub (add the Role in the binding namespace or name an existing one)`,
  ]);
  expect(check(broken(HUB_FILE, on('RoleBinding', 'hub', (o) => Object.assign(obj(o, 'roleRef'), { kind: 'ClusterRole', name: 'jhub-hub' }))))).toEqual([
    `dist/example/05-jupyterhub.yaml: RoleBinding jhub/hub: roleRef: no ClusterRole jhub-hub in the output (nor one the API server creates) (add the ClusterRole or name an existing one)`,
  ]);
  expect(check(broken(HUB_FILE, on('RoleBinding', 'hub', (o) => Object.assign(obj(o, 'roleRef'), { kind: 'ClusterRole', name: 'view' }))))).toEqual([]);
  expect(check(broken(HUB_FILE, on('RoleBinding', 'hub', (o) => ((o.subjects as Array<Record<string, string>>)[0].name = 'hubs'))))).toEqual([
    `dist/example/05-jupyterhub.yaml: RoleBinding jhub/hub: subjects[0]: ServiceAccount jhub/hubs is not in the output (add the ServiceAccount hubs in namespace jhub, or name an existing one)`,
  ]);
});

test('rule namespace: every namespace used is created (dist/ on its own; a Secret may use the Namespaces of dist-secrets/)', () => {
  const files = broken('00-namespaces.yaml', without('Namespace', 'jhub'));
  const found = check(files);
  expect(found.length).toBeGreaterThan(5);
  for (const l of found) expect(l).toMatch(/^dist\/example\/05-jupyterhub\.yaml: \S+ (jhub\/)?\S+: namespace jhub is not created by any Namespace in dist\/ \(which must apply without dist-secrets\/\) \(add a Namespace jhub \(00-namespaces\.yaml\) or use an existing namespace\)$/);
  expect(found).toContain(`dist/example/05-jupyterhub.yaml: Service jhub/hub: namespace jhub is not created by any Namespace in dist/ (which must apply without dist-secrets/) (add a Namespace jhub (00-namespaces.yaml) or use an existing namespace)`);
  // The Secret in dist-secrets/ still finds its Namespace there.
  expect(found.filter((l) => l.startsWith('dist-secrets/'))).toEqual([]);
  expect(check(broken('00-namespaces.yaml', without('Namespace', 'jhub'), 'secrets'))).toEqual([]);
  // kube-system and friends exist on every cluster.
  expect(check(broken(HUB_FILE, on('ConfigMap', 'hub', (o) => (o.metadata.namespace = 'kube-system'))))).not.toContainEqual(expect.stringContaining('namespace kube-system'));
});

test('rule crd: every custom resource has its CRD, serving its version, in the output', () => {
  const files = broken('01-crds.yaml', without('CustomResourceDefinition', 'clusterissuers.cert-manager.io'));
  expect(check(files)).toEqual([
    `dist/example/04-cluster-issuers.yaml: ClusterIssuer letsencrypt: no CustomResourceDefinition for kind ClusterIssuer of group cert-manager.io in the output (add the CRD (01-crds.yaml) or remove the custom resource)`,
    `dist/example/04-cluster-issuers.yaml: ClusterIssuer letsencrypt-staging: no CustomResourceDefinition for kind ClusterIssuer of group cert-manager.io in the output (add the CRD (01-crds.yaml) or remove the custom resource)`,
  ]);
  const v2 = broken('04-cluster-issuers.yaml', on('ClusterIssuer', 'letsencrypt', (o) => (o.apiVersion = 'cert-manager.io/v2')));
  expect(check(v2)).toEqual([
    `dist/example/04-cluster-issuers.yaml: ClusterIssuer letsencrypt: CustomResourceDefinition clusterissuers.cert-manager.io (dist/example/01-crds.yaml) serves no version v2 (served: v1) (use apiVersion cert-manager.io/v1)`,
  ]);
});

test('rule identity: no two objects share an identity (group, kind, namespace, name)', () => {
  const files = broken('02-cert-manager.yaml', (objects) => [...objects, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hub', namespace: 'jhub' }, data: {} }]);
  const found = run(files);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(
    /^dist\/example\/05-jupyterhub\.yaml:\d+: ConfigMap jhub\/hub: has the identity \(group, kind, namespace, name\) of the object at dist\/example\/02-cert-manager\.yaml:\d+ \(remove the copy or rename one of them: the second apply overwrites the first\)$/,
  );
  // A version change keeps the identity (it is the same object to the API server).
  const twoVersions = broken(HUB_FILE, (objects) => [...objects, { ...objects.find((o) => o.kind === 'Deployment')!, apiVersion: 'apps/v1beta2' }]);
  expect(check(twoVersions)).toContainEqual(expect.stringMatching(/Deployment jhub\/\S+: has the identity/));
});

test('rule webhook: every Service the API server calls (admission webhooks, APIServices, conversion webhooks) is in the output with the port called', () => {
  const CM = '02-cert-manager.yaml';
  const service = (o: Obj) => obj(o, 'webhooks', '0', 'clientConfig', 'service');
  expect(check(broken(CM, on('ValidatingWebhookConfiguration', 'cert-manager-webhook', (o) => (service(o).name = 'cert-manager-hook'))))).toEqual([
    `dist/example/02-cert-manager.yaml: ValidatingWebhookConfiguration cert-manager-webhook: webhooks[0] (webhook.cert-manager.io).clientConfig.service: Service cert-manager/cert-manager-hook is not in the output, so the API server's calls fail (name a Service of the output, or add the Service)`,
  ]);
  expect(check(broken(CM, on('MutatingWebhookConfiguration', 'cert-manager-webhook', (o) => (service(o).port = 8443))))).toEqual([
    `dist/example/02-cert-manager.yaml: MutatingWebhookConfiguration cert-manager-webhook: webhooks[0] (webhook.cert-manager.io).clientConfig.service: Service cert-manager/cert-manager-webhook has no port 8443 (ports: 443) (set the port to one of Service cert-manager-webhook)`,
  ]);
  // No port given means 443, which the Service has; naming it is the same.
  expect(check(broken(CM, on('MutatingWebhookConfiguration', 'cert-manager-webhook', (o) => (service(o).port = 443))))).toEqual([]);
  const calls = (o: Obj) => [
    { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.metrics.test' }, spec: { group: 'metrics.test', version: 'v1', service: { namespace: 'cert-manager', name: 'metrics' } } },
    { ...o, spec: { ...obj(o, 'spec'), conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: 'cert-manager', name: 'cert-manager-webhook', port: 9443 } } } } } },
  ];
  expect(check(broken('01-crds.yaml', (objects) => [...objects.slice(1), ...calls(objects[0])]))).toEqual([
    `dist/example/01-crds.yaml: APIService v1.metrics.test: spec.service: Service cert-manager/metrics is not in the output, so the API server's calls fail (name a Service of the output, or add the Service)`,
    `dist/example/01-crds.yaml: CustomResourceDefinition ${objectsOf(clean.dist.get('01-crds.yaml')!)[0].metadata.name}: spec.conversion.webhook.clientConfig.service: Service cert-manager/cert-manager-webhook has no port 9443 (ports: 443) (set the port to one of Service cert-manager-webhook)`,
  ]);
});

test('rule scope: an object of a namespaced kind names its namespace (built-in kinds, and custom ones by their CRD)', () => {
  expect(check(broken(HUB_FILE, on('ConfigMap', 'hub', (o) => delete o.metadata.namespace)))).toContainEqual(
    `dist/example/05-jupyterhub.yaml: ConfigMap hub: ConfigMap is namespaced but metadata.namespace is not set: kubectl apply would put it in the namespace of the current context (usually default) (set metadata.namespace)`,
  );
  // Cluster-scoped by their CRD (ClusterIssuer) or built in (ClusterRole, IngressClass): no namespace, no finding (the clean output has them).
  const kinds = new Set([...clean.dist.values()].flatMap((t) => objectsOf(t).filter((o) => o.metadata.namespace === undefined).map((o) => o.kind)));
  expect([...kinds].filter((k) => ['ClusterIssuer', 'ClusterRole', 'Namespace', 'CustomResourceDefinition'].includes(k)).sort()).toEqual(['ClusterIssuer', 'ClusterRole', 'CustomResourceDefinition', 'Namespace']);
  const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 'c' } };
  expect(check(broken('04-cluster-issuers.yaml', (objects) => [...objects, certificate]))).toEqual([
    `dist/example/04-cluster-issuers.yaml: Certificate c: Certificate is namespaced but metadata.namespace is not set: kubectl apply would put it in the namespace of the current context (usually default) (set metadata.namespace)`,
  ]);
});

test('rule parse: a document that is not YAML, or not a Kubernetes object, is a finding with its line', () => {
  const files = { dist: new Map(clean.dist), secrets: clean.secrets };
  files.dist.set('06-extra.yaml', '# hand edit\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: jhub\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [b\n---\nkind: ConfigMap\n');
  expect(run(files)).toEqual([
    expect.stringMatching(/^dist\/example\/06-extra\.yaml:1[12]: not YAML: .* \(correct the YAML syntax, or run jhm synth to write the file again\)$/),
    `dist/example/06-extra.yaml:13: document is not a Kubernetes object: it lacks apiVersion, metadata.name (give every document apiVersion, kind and metadata.name)`,
  ]);
});

test('findings point at the line of the object in its file', () => {
  const text = clean.dist.get(HUB_FILE)!;
  const files = broken(HUB_FILE, on('Service', 'hub', (o) => (obj(o, 'spec').selector = { component: 'nohub' })));
  const [line] = run(files);
  const n = Number(/^[^:]+:(\d+):/.exec(line)![1]);
  const edited = files.dist.get(HUB_FILE)!.split('\n');
  expect(edited[n - 1]).toMatch(/^apiVersion: v1$/);
  expect(edited.slice(n - 1, n + 3).join('\n')).toMatch(/kind: Service/);
  expect(text).toContain('kind: Service');
});

test('withoutCrdSchemas drops exactly the openAPIV3Schema values of a CRD, and nothing of other documents', () => {
  const crds = clean.dist.get('01-crds.yaml')!.split(/^---$/m).filter((d) => d.includes('kind: CustomResourceDefinition'));
  expect(crds.length).toBeGreaterThan(0);
  const drop = (o: unknown): unknown => {
    for (const v of ((o as { spec: { versions: Array<{ schema?: { openAPIV3Schema?: unknown } }> } }).spec.versions ?? [])) if (v.schema) v.schema.openAPIV3Schema = null;
    return o;
  };
  for (const d of crds) expect(parseAllDocuments(withoutCrdSchemas(d))[0].toJS()).toEqual(drop(parseAllDocuments(d)[0].toJS()));
  const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  openAPIV3Schema: |\n    a\n';
  expect(withoutCrdSchemas(other)).toBe(other);
  const commented = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  versions:\n  - schema:\n      openAPIV3Schema:\n        type: object\n# a comment\n        description: x\n    name: v1\n';
  expect(parseAllDocuments(withoutCrdSchemas(commented))[0].toJS()).toEqual({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: { versions: [{ schema: { openAPIV3Schema: null }, name: 'v1' }] } });
});

test('identityOnly keeps the top-level apiVersion, kind and metadata of a document, with everything indented under them', () => {
  const doc = '# c\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x\n  labels:\n    a: "1"\n\n# inside\n  annotations: {}\nrules:\n- apiGroups: [""]\n  resources:\n  - pods\n';
  expect(parseAllDocuments(identityOnly(doc))[0].toJS()).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x', labels: { a: '1' }, annotations: {} } });
  // A syntax error outside the identity of such a kind is left to kubectl; inside it, it is found.
  const files = { dist: new Map(clean.dist), secrets: clean.secrets };
  files.dist.set('06-extra.yaml', `${doc}  - {broken\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [a\n  namespace: jhub\n`);
  expect(run(files)).toEqual([expect.stringMatching(/^dist\/example\/06-extra\.yaml:2[01]: not YAML: /)]);
});
