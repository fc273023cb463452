/**
 * Rule (issue 12): every object jhm writes, in dist/<cluster>/ and dist-secrets/<cluster>/, carries
 * `jupyterhub-magnum/cluster: <cluster>` in its top-level metadata.labels, and an object of a
 * per-hub wave also `jupyterhub-magnum/hub: <hub>`; the labels never reach a pod template, a
 * selector or any other nested metadata (test/k8s/helm-equivalence.test.ts compares everything
 * else with helm's own output). `jhm apply --prune` relies on them (test/cli/apply-prune.test.ts).
 */
import { parseAllDocuments } from 'yaml';
import { OWNER_CLUSTER_LABEL, OWNER_HUB_LABEL, ownerLabels, ownerSelector } from '../../k8s/ownership';
import { isManifestFile } from '../../k8s/kustomization';
import { waveOfFile } from '../../k8s/waves';
import { exampleProject, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

let project: TestProject;

beforeAll(async () => {
  project = await exampleProject();
  await project.synth();
});

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> } };

function objects(rel: string): Array<{ file: string; o: Obj }> {
  return [...project.tree(rel)].filter(([file]) => isManifestFile(file)).flatMap(([file, text]) => parseAllDocuments(text).map((d) => ({ file, o: d.toJS() as Obj })).filter(({ o }) => o && o.kind));
}

/** Paths (a.b.c) of every ownership label key anywhere but the top-level metadata.labels (pod templates, selectors, ...). */
function nestedOwnerLabels(v: unknown, at: string[] = []): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => nestedOwnerLabels(x, [...at, String(i)]));
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const here = [...at, k];
    const owner = (k === OWNER_CLUSTER_LABEL || k === OWNER_HUB_LABEL) && at.join('.') !== 'metadata.labels';
    return [...(owner ? [here.join('.')] : []), ...nestedOwnerLabels(x, here)];
  });
}

test('the nested-label finder finds a label in a pod template and a selector', () => {
  const o = { metadata: { labels: { [OWNER_CLUSTER_LABEL]: 'c' } }, spec: { selector: { matchLabels: { [OWNER_HUB_LABEL]: 'h' } }, template: { metadata: { labels: { [OWNER_CLUSTER_LABEL]: 'c' } } } } };
  expect(nestedOwnerLabels(o)).toEqual([`spec.selector.matchLabels.${OWNER_HUB_LABEL}`, `spec.template.metadata.labels.${OWNER_CLUSTER_LABEL}`]);
});

test.each([
  ['shared', ['course-a', 'course-b']],
  ['example', ['example']],
])('rule: every object of dist/%s and dist-secrets/ carries the cluster label, a per-hub wave also the hub label, only in top-level metadata.labels', (cluster, hubs) => {
  const all = [...objects(`dist/${cluster}`), ...objects(`dist-secrets/${cluster}`)];
  expect(all.filter(({ o }) => o.kind === 'Secret').length).toBeGreaterThan(0);
  const seenHubs = new Set<string>();
  for (const { file, o } of all) {
    const where = waveOfFile(file.split('/').pop()!);
    const hub = where?.wave.perHub ? (where.hub ?? cluster) : undefined;
    if (hub) seenHubs.add(hub);
    const labels = o.metadata.labels ?? {};
    const own = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('jupyterhub-magnum/')));
    expect({ file, name: o.metadata.name, own }).toEqual({ file, name: o.metadata.name, own: ownerLabels(cluster, hub) });
    expect({ file, name: o.metadata.name, nested: nestedOwnerLabels(o) }).toEqual({ file, name: o.metadata.name, nested: [] });
  }
  expect([...seenHubs].sort()).toEqual(hubs);
});

test('rule: the prune selector is the labels joined as kubectl -l reads them', () => {
  expect(ownerSelector('shared')).toBe('jupyterhub-magnum/cluster=shared');
  expect(ownerSelector('shared', 'course-a')).toBe('jupyterhub-magnum/cluster=shared,jupyterhub-magnum/hub=course-a');
});
