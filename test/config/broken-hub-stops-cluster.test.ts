/**
 * A broken hub file stops its cluster (issue 18, item 1; project/validate.ts, project/load.ts,
 * synth/pipeline.ts): when a cluster, or a hub on it, is named, every hub file that names that
 * cluster counts, loaded or not, so no hub leaves its cluster's output because of a typo. A hub
 * file whose cluster is unknown (not YAML, or naming no cluster file) stops every command that
 * names anything. The commands themselves are tested in test/cli/broken-hub-stops-cluster.test.ts.
 */
import { hubFileCluster, loadProject } from '../../project/load';
import { validateProject } from '../../project/validate';
import { definedClusterNames, synthesisUnits } from '../../synth/pipeline';
import { clusterInput, errorLines, EXAMPLE_HUB_TEXT, hubOnInput, projectWith } from './cluster-fixtures';
import { stringify } from 'yaml';

/** course-a's file with an unknown field under jupyterhub (issue 18's example). */
const TYPO = stringify(hubOnInput('shared', (h) => (h.dns = { record: 'course-a' }))).replace('jupyterhub:\n', 'jupyterhub:\n  foo: 1\n');
const TYPO_ERROR = 'hubs/course-a.yaml:3: jupyterhub: unknown field "foo": remove it or check the spelling against hub.schema.json';

/** clusters/shared.yaml with course-a (`courseA`) and course-b on it, and the dedicated hub example. */
const fleet = (courseA: unknown) =>
  projectWith({
    clusters: { shared: clusterInput() },
    hubs: { 'course-a': courseA, 'course-b': hubOnInput('shared', (h) => (h.dns = { record: 'course-b' })), example: EXAMPLE_HUB_TEXT },
  });

describe('rule: a hub file with an error stops every command that names its cluster or a hub on it', () => {
  test('named by cluster, by the broken hub, or by another hub on the cluster: the error, with its file and line', () => {
    const root = fleet(TYPO);
    for (const names of [['shared'], ['course-a'], ['course-b']]) {
      expect(errorLines(() => validateProject(root, names))).toEqual([TYPO_ERROR]);
      expect(errorLines(() => synthesisUnits(root, names))).toEqual([TYPO_ERROR]);
    }
  });

  test('another cluster is not stopped by it (the dedicated hub example)', () => {
    const root = fleet(TYPO);
    expect(errorLines(() => synthesisUnits(root, ['example']))).toEqual([]);
    expect(synthesisUnits(root, ['example']).units.map((u) => u.cluster.name)).toEqual(['example']);
  });

  test('fixed, the cluster is synthesized with both hubs', () => {
    const root = fleet(hubOnInput('shared', (h) => (h.dns = { record: 'course-a' })));
    expect(synthesisUnits(root, ['course-b']).units.map((u) => `${u.cluster.name}: ${u.hubs.map((h) => h.name).join(' ')}`)).toEqual(['shared: course-a course-b']);
  });
});

describe('rule: a hub file whose cluster is unknown could be any cluster\'s: it stops every command that names a hub or cluster', () => {
  test('a YAML syntax error', () => {
    const root = fleet('cluster: shared\njupyterhub: [\n');
    expect(hubFileCluster(root, 'course-a')).toBeUndefined();
    for (const names of [['shared'], ['course-b'], ['example']]) {
      expect(errorLines(() => synthesisUnits(root, names))).toEqual([expect.stringMatching(/^hubs\/course-a\.yaml:\d+: invalid YAML/)]);
    }
    // It is never taken for a cluster to prune, either.
    expect(definedClusterNames(root)).toContain('course-a');
  });

  test('a hub naming a cluster that has no cluster file (a typo in cluster:)', () => {
    const root = fleet(hubOnInput('shraed'));
    expect(hubFileCluster(root, 'course-a')).toEqual({ name: 'shraed', onClusterFile: true });
    for (const names of [['shared'], ['example']]) {
      expect(errorLines(() => validateProject(root, names))).toEqual(['hubs/course-a.yaml:1: cluster: no clusters/shraed.yaml (name one of: shared, or create it with: jhm init-cluster shraed)']);
    }
  });
});

test('the loader says which cluster each hub file belongs to, loaded or not (legacy: its own)', () => {
  const root = fleet(TYPO);
  const project = loadProject(root);
  expect(project.hubs.map((h) => h.name)).toEqual(['course-b', 'example']);
  expect(Object.fromEntries(project.hubClusters)).toEqual({
    'course-a': { name: 'shared', onClusterFile: true },
    'course-b': { name: 'shared', onClusterFile: true },
    example: { name: 'example', onClusterFile: false },
  });
  expect([...definedClusterNames(root)].sort()).toEqual(['example', 'shared']);
});
