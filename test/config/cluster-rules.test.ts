/**
 * Rules across files (issue 11; model/hub-set.ts, project/validate.ts, project/load.ts), each a
 * one-line error naming file and field, checked on projects on disk through `validateProject`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic } from '../../model/diagnostics';
import { listClusterNames, loadProject } from '../../project/load';
import { validateProject } from '../../project/validate';
import { synthesisUnits } from '../../synth/pipeline';
import { clusterInput, errorLines, EXAMPLE_HUB_TEXT, hubOnInput, projectWith } from './cluster-fixtures';

const shared = clusterInput();

test('a valid project: a cluster file with two hubs beside a dedicated legacy hub', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': hubOnInput('shared'), 'course-b': hubOnInput('shared'), example: EXAMPLE_HUB_TEXT } });
  const project = validateProject(root);
  expect(project.hubs.map((h) => `${h.name}@${h.cluster.name}`)).toEqual(['course-a@shared', 'course-b@shared', 'example@example']);
  expect(project.hubs[0].cluster).toBe(project.hubs[1].cluster);
  expect(project.warnings).toEqual([]);
  // Named by cluster: the hubs on it.
  expect(validateProject(root, ['shared']).hubs.map((h) => h.name)).toEqual(['course-a', 'course-b']);
});

test('rule: a hub names an existing cluster (file, line, field)', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': 'cluster: nope\njupyterhub:\n  auth: { type: github, clientId: x }\n  singleuser: { image: "a/b:1" }\n' } });
  expect(errorLines(() => validateProject(root))).toEqual(['hubs/course-a.yaml:1: cluster: no clusters/nope.yaml (name one of: shared, or create it with: jhm init-cluster nope)']);
});

test('a hub on a broken cluster file reports the cluster file\'s errors, not "no clusters/<c>.yaml"', () => {
  const root = projectWith({ clusters: { shared: { ...shared, dns: {} } }, hubs: { 'course-a': hubOnInput('shared') } });
  expect(errorLines(() => validateProject(root))).toEqual([expect.stringMatching(/^clusters\/shared\.yaml(:\d+)?: dns\.zone: /)]);
  expect(errorLines(() => validateProject(root, ['course-a']).hubs)).toEqual([expect.stringMatching(/^clusters\/shared\.yaml(:\d+)?: dns\.zone: /)]);
});

test('rule: hosts are unique across all hubs (cluster files and legacy alike)', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.dns = { record: 'example' })), example: EXAMPLE_HUB_TEXT } });
  expect(errorLines(() => validateProject(root))).toEqual([
    'hubs/example.yaml: dns.record: host "example.ees220002.projects.jetstream-cloud.org" is also used by hubs/course-a.yaml (give each hub its own dns.record)',
  ]);
});

test('rule: namespaces are unique per cluster', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.jupyterhub.namespace = 'courses')), 'course-b': hubOnInput('shared', (h) => (h.jupyterhub.namespace = 'courses')) } });
  expect(errorLines(() => validateProject(root))).toEqual([
    'hubs/course-b.yaml: jupyterhub.namespace: namespace "courses" is also used by hubs/course-a.yaml (give each hub on cluster shared its own jupyterhub.namespace)',
  ]);
});

test('rule: release names are unique per cluster (z2jh derives cluster-scoped names from them)', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.jupyterhub.release = 'jhub')), 'course-b': hubOnInput('shared', (h) => (h.jupyterhub.release = 'jhub')) } });
  expect(errorLines(() => validateProject(root))).toEqual([
    'hubs/course-b.yaml: jupyterhub.release: release "jhub" is also used by hubs/course-a.yaml (give each hub on cluster shared its own jupyterhub.release: z2jh derives cluster-wide names from it)',
  ]);
});

test('the same namespace and release on two different clusters is allowed (two legacy hubs both use jhub)', () => {
  const root = projectWith({ hubs: { example: EXAMPLE_HUB_TEXT, other: EXAMPLE_HUB_TEXT.replace(/^dns:\n/m, 'dns:\n  record: other\n') } });
  expect(errorLines(() => validateProject(root))).toEqual([]);
});

test('rule: profiles name nodegroups of their hub\'s cluster', () => {
  const root = projectWith({ clusters: { shared }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.jupyterhub.profiles = [{ displayName: 'GPU', nodeGroup: 'gpu' }])) } });
  expect(errorLines(() => validateProject(root))).toEqual([
    expect.stringMatching(/^hubs\/course-a\.yaml:\d+: jupyterhub\.profiles\[0\]\.nodeGroup: "gpu" is not a nodegroup of cluster shared \(clusters\/shared\.yaml\); use one of: default-worker$/),
  ]);
});

test('rule: a cluster with no hub is allowed, with a warning naming the file', () => {
  const root = projectWith({ clusters: { shared, spare: shared }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.dns = { record: 'a' })) } });
  const project = validateProject(root);
  expect(project.warnings.map(formatDiagnostic)).toEqual(['clusters/spare.yaml: no hub runs on cluster spare (add a hub with: jhm init <hub> --cluster spare, or remove clusters/spare.yaml)']);
});

test('rule: two clusters never share a Magnum name in one cloud (cluster files and dedicated legacy hubs alike)', () => {
  const files = projectWith({ clusters: { shared, other: clusterInput((c) => (c.magnum.name = 'shared')) }, hubs: { 'course-a': hubOnInput('shared'), 'course-b': hubOnInput('other', (h) => (h.dns = { record: 'b' })) } });
  expect(errorLines(() => validateProject(files))).toEqual([
    'clusters/shared.yaml: magnum.name: cluster "shared (cloud from OS_* environment)" is also used by clusters/other.yaml (give each cluster its own magnum.name)',
  ]);
  // The example hub's cloud is "openstack"; its dedicated cluster is named "example" in Magnum.
  const mixed = projectWith({ clusters: { shared: clusterInput((c) => Object.assign(c, { cloud: { name: 'openstack' }, magnum: { ...c.magnum, name: 'example' } })) }, hubs: { 'course-a': hubOnInput('shared'), example: EXAMPLE_HUB_TEXT } });
  expect(errorLines(() => validateProject(mixed))).toEqual([
    'hubs/example.yaml: cluster.name: cluster "example (cloud openstack)" is also used by clusters/shared.yaml (give each hub its own cluster.name)',
  ]);
  // In another cloud the same Magnum name is fine.
  const apart = projectWith({ clusters: { shared, other: clusterInput((c) => Object.assign(c, { cloud: { name: 'elsewhere' }, magnum: { ...c.magnum, name: 'shared' } })) }, hubs: { 'course-a': hubOnInput('shared'), 'course-b': hubOnInput('other', (h) => (h.dns = { record: 'b' })) } });
  expect(errorLines(() => validateProject(apart))).toEqual([]);
});

test('rule: a cluster file and a legacy hub must not share a jhm cluster name (same output folders, same local state file)', () => {
  const root = projectWith({ clusters: { example: clusterInput((c) => (c.magnum.name = 'example-shared')) }, hubs: { 'course-a': hubOnInput('example'), example: EXAMPLE_HUB_TEXT } });
  expect(errorLines(() => validateProject(root))).toEqual([
    'hubs/example.yaml: cluster: this hub\'s dedicated cluster is named "example" like clusters/example.yaml; both would write the same output folders (rename the hub file or clusters/example.yaml)',
    'hubs/example.yaml: cluster: the Terraform state terraform.example.tfstate (local backend, at the project root) is also the state of cluster example (clusters/example.yaml); the second terraform apply would destroy the other cluster\'s resources (rename hubs/example.yaml or clusters/example.yaml: the local state file is named after the cluster)',
  ]);
});

test('clusters/*.yml is refused like hubs/*.yml, naming the name to rename it to', () => {
  const root = projectWith({ clusters: {}, hubs: {} });
  fs.writeFileSync(path.join(root, 'clusters', 'shared.yml'), 'magnum: {}\n');
  expect(errorLines(() => listClusterNames(root))).toEqual(['clusters/shared.yml: is not read: cluster files end in ".yaml" (rename it to clusters/shared.yaml)']);
  expect(errorLines(() => loadProject(root))).toHaveLength(1);
});

test('errors of every file are collected in one run', () => {
  const root = projectWith({ clusters: { shared: { ...shared, bogus: 1 } }, hubs: { example: EXAMPLE_HUB_TEXT.replace('keypair: jupyter-ctrl-k8s', 'keypair: ""') } });
  const lines = errorLines(() => validateProject(root));
  expect(lines).toEqual([expect.stringMatching(/^clusters\/shared\.yaml/), expect.stringMatching(/^hubs\/example\.yaml:\d+: cluster\.keypair/)]);
});

test('rule: the unit of synthesis is the cluster: a named hub brings every hub of its cluster, and no other cluster', () => {
  const root = projectWith({ clusters: { shared, empty: shared }, hubs: { 'course-a': hubOnInput('shared'), 'course-b': hubOnInput('shared', (h) => (h.dns = { record: 'b' })), example: EXAMPLE_HUB_TEXT } });
  const units = (names?: string[]) => synthesisUnits(root, names).units.map((u) => `${u.cluster.name}: ${u.hubs.map((h) => h.name).join(' ')}`);
  expect(units(['course-a'])).toEqual(['shared: course-a course-b']);
  expect(units(['shared'])).toEqual(['shared: course-a course-b']);
  expect(units(['example'])).toEqual(['example: example']);
  expect(units()).toEqual(['shared: course-a course-b', 'example: example', 'empty: ']);
  // A cluster with no hub: a warning, and still its own unit (its stack and platform).
  expect(synthesisUnits(root).warnings.map(formatDiagnostic)).toEqual([expect.stringMatching(/^clusters\/empty\.yaml.*no hub/)]);
});
