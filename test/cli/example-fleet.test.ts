/**
 * Rules (issue 11): the repository's example fleet (clusters/shared.yaml with hubs/course-a.yaml
 * and hubs/course-b.yaml on it, beside the dedicated hubs/example.yaml) synthesizes, in a
 * temporary copy with the test charts:
 * - one Terraform stack per cluster, with one DNS record per hub on it;
 * - one folder per cluster: the platform waves once, a JupyterHub file per hub carrying its name
 *   (`05-jupyterhub-<hub>.yaml`), Secrets per hub in `dist-secrets/<cluster>/`;
 * - no two objects in a cluster folder share an identity (apiVersion/kind/namespace/name);
 * - the unit is the cluster: one ownership record per cluster; `jhm synth <hub>` rewrites that
 *   hub's cluster and never touches another cluster's output; a cluster with no hub is warned about.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { K8sObject } from '../../k8s/helm/types';
import { isManifestFile, KUSTOMIZATION_FILE } from '../../k8s/kustomization';
import { WAVE_ORDER } from '../../k8s/waves';
import { exampleProject, removeProjects, REPO, TestProject } from '../support/project';

const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');

let project: TestProject;

beforeAll(async () => {
  project = await exampleProject();
  await project.synth();
}, 120_000);

afterAll(() => removeProjects());

/** The objects of every YAML file of `dir` (relative to the project), by file. */
function objectsIn(dir: string): Map<string, K8sObject[]> {
  const out = new Map<string, K8sObject[]>();
  for (const [file, text] of project.tree(dir)) if (isManifestFile(file)) out.set(file, parseAllDocuments(text).map((d) => d.toJS() as K8sObject).filter((o) => o !== null));
  return out;
}

const identity = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''} ${o.metadata.name}`;

function duplicates(objects: readonly K8sObject[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const o of objects) {
    const id = identity(o);
    if (seen.has(id)) dup.push(id);
    seen.add(id);
  }
  return dup;
}

test('the example files are what the README shows: a shared cluster with two hubs, and a dedicated hub (files of a team\'s own fleet may sit beside them)', () => {
  const cluster = (rel: string) => (parse(repoFile(rel)) as { cluster?: unknown }).cluster;
  expect(repoFile('clusters/shared.yaml').split('\n')[0]).toBe('# yaml-language-server: $schema=../cluster.schema.json');
  expect([cluster('hubs/course-a.yaml'), cluster('hubs/course-b.yaml')]).toEqual(['shared', 'shared']);
  // The dedicated hub describes its own cluster instead of naming one.
  expect(cluster('hubs/example.yaml')).toMatchObject({ template: expect.any(String) });
});

test('rule: one Terraform stack per cluster, with one DNS record per hub on it', () => {
  expect(fs.readdirSync(project.path('cdktf.out/stacks')).sort()).toEqual(['example', 'shared']);
  const records = (cluster: string) =>
    Object.keys((JSON.parse(project.read(`cdktf.out/stacks/${cluster}/cdk.tf.json`)) as { resource: Record<string, Record<string, unknown>> }).resource.openstack_dns_recordset_v2 ?? {}).sort();
  expect(records('shared')).toEqual(['record-course-a', 'record-course-b']);
  expect(records('example')).toEqual(['ingress']);
  const manifest = JSON.parse(project.read('cdktf.out/manifest.json')) as { stacks: Record<string, unknown> };
  expect(Object.keys(manifest.stacks).sort()).toEqual(['example', 'shared']);
});

test('rule: one folder per cluster: the platform waves once, a JupyterHub file per hub named after it', () => {
  const platform = WAVE_ORDER.filter((w) => !w.perHub).map((w) => w.fileName);
  const perHub = WAVE_ORDER.filter((w) => w.perHub);
  expect(fs.readdirSync(project.path('dist')).sort()).toEqual(['example', 'shared']);
  expect(fs.readdirSync(project.path('dist/shared')).sort()).toEqual([...platform, ...perHub.flatMap((w) => ['course-a', 'course-b'].map((h) => `${w.id}-${h}.yaml`)), KUSTOMIZATION_FILE].sort());
  expect(fs.readdirSync(project.path('dist/example')).sort()).toEqual([...WAVE_ORDER.map((w) => w.fileName), KUSTOMIZATION_FILE]);
  expect(fs.readdirSync(project.path('dist-secrets/shared')).sort()).toEqual([WAVE_ORDER[0].fileName, ...perHub.flatMap((w) => ['course-a', 'course-b'].map((h) => `${w.id}-${h}.yaml`))].sort());

  const dist = objectsIn('dist/shared');
  const all = [...dist.values()].flat();
  // The platform once: one cert-manager, one ingress controller Service with the one floating IP.
  const services = all.filter((o) => o.kind === 'Service' && o.metadata.namespace === 'traefik');
  expect(services.length).toBeGreaterThan(0);
  expect(all.filter((o) => o.kind === 'ClusterIssuer').map((o) => o.metadata.name).sort()).toEqual(['letsencrypt', 'letsencrypt-staging']);
  // Every hub's namespace (and the platform's) in the one namespaces file.
  const namespaces = dist.get(WAVE_ORDER[0].fileName)!.map((o) => o.metadata.name);
  expect(namespaces).toEqual(expect.arrayContaining(['cert-manager', 'traefik', 'course-a', 'course-b']));
  // Each hub's file holds its own release in its own namespace, with its host.
  for (const hub of ['course-a', 'course-b']) {
    const file = `${perHub[0].id}-${hub}.yaml`;
    const objects = dist.get(file)!;
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === hub)).toBe(true);
    expect(project.read(`dist/shared/${file}`)).toContain(`${hub}.ees220002.projects.jetstream-cloud.org`);
    expect(project.read(`dist/shared/${file}`).split('\n')[0]).toContain(`Generated by jhm from hubs/${hub}.yaml`);
  }
  expect(project.read(`dist/shared/${WAVE_ORDER[1].fileName}`).split('\n')[0]).toContain('Generated by jhm from clusters/shared.yaml: do not edit, change the cluster file');
});

test('rule: no two objects in a cluster folder share an identity (apiVersion/kind/namespace/name), on a cluster with two hubs', () => {
  const dist = [...objectsIn('dist/shared').values()].flat();
  expect(dist.length).toBeGreaterThan(20);
  expect(duplicates(dist)).toEqual([]);
  // dist-secrets/ holds its own copy of the Secrets' namespaces (so it applies on its own); its Secrets are unique too.
  const secrets = [...objectsIn('dist-secrets/shared').entries()].filter(([f]) => f !== WAVE_ORDER[0].fileName).flatMap(([, o]) => o);
  expect(secrets.length).toBeGreaterThan(1);
  expect(duplicates([...dist, ...secrets])).toEqual([]);
});

test('rule: the unit of synthesis is the cluster: one record per cluster; jhm synth <hub> never touches another cluster', async () => {
  expect(fs.readdirSync(project.path('.jhm/state')).sort()).toEqual(['example.json', 'shared.json']);
  const example = project.outputs();
  const stamp = (rel: string) => fs.statSync(project.path(rel)).mtimeMs;
  const before = stamp('dist/example/05-jupyterhub.yaml');
  const sharedBefore = stamp('dist/shared/01-crds.yaml');
  const report = await project.synth({ hubs: ['course-a'], force: true });
  expect(report.units.map((u) => `${u.cluster.name}: ${u.hubs.map((h) => h.name).join(' ')}`)).toEqual(['shared: course-a course-b']);
  expect(stamp('dist/example/05-jupyterhub.yaml')).toBe(before);
  expect(stamp('dist/shared/01-crds.yaml')).not.toBe(sharedBefore);
  expect(project.outputs()).toEqual(example);
});

test('a cluster with no hub: jhm synth prints the warning naming the file', async () => {
  project.write('clusters/spare.yaml', repoFile('clusters/shared.yaml'));
  const run = await project.jhm('synth', 'spare');
  expect(run.stderr).toMatch(/clusters\/spare\.yaml.*no hub/);
  expect(run.code).toBe(0);
  fs.rmSync(project.path('clusters/spare.yaml'));
}, 60_000);
