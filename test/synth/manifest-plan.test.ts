/**
 * The Kubernetes change plan (`synth/manifest-plan.ts`): per wave file, the objects a new dist/
 * creates, changes and removes against the one before; identity is group/kind/namespace/name;
 * an object moving to another wave file is a change; a missing folder is empty; the text says how
 * removed objects go (kubectl apply keeps them, jhm apply --prune deletes them).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { formatManifestPlan, ObjectChange, planManifests } from '../../synth/manifest-plan';
import { EXAMPLE_HUB, makeProject, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

let project: TestProject;
/** A copy of the example's dist/example as synthesized (the "before"). */
let before: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-manifest-plan-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
  await project.synth();
  before = path.join(tmp, 'before');
  fs.cpSync(project.path('dist/example'), before, { recursive: true });
});

/** A copy of `before` with `edit(file name → text)` applied. */
function edited(name: string, edit: (files: Map<string, string>) => void): string {
  const dir = path.join(tmp, name);
  fs.cpSync(before, dir, { recursive: true });
  const files = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  edit(files);
  for (const f of fs.readdirSync(dir)) if (!files.has(f)) fs.rmSync(path.join(dir, f));
  for (const [f, text] of files) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

/** The documents of a file (after the header), and the file put back together. */
function docs(text: string): string[] {
  return text.split('---\n');
}

const brief = (cs: readonly ObjectChange[]) => cs.map((c) => `${c.action} ${c.file} ${c.kind} ${c.namespace ?? ''}/${c.name}`);

test('rule: the same folder twice plans no change', () => {
  expect(planManifests(before, project.path('dist/example'))).toEqual([]);
  expect(formatManifestPlan('dist/example', [])).toBe('dist/example\n  No changes: the manifests are the same.');
});

test('rule: a hub edit that changes objects plans them as changed, in their wave file (real synth)', async () => {
  project.write('hubs/example.yaml', EXAMPLE_HUB.replace('quay.io/jupyter/scipy-notebook:2025-10-20', 'quay.io/jupyter/scipy-notebook:2025-11-03'));
  await project.synth();
  const changes = planManifests(before, project.path('dist/example'));
  expect(changes.length).toBeGreaterThan(0);
  expect(new Set(changes.map((c) => c.action))).toEqual(new Set(['change']));
  expect(new Set(changes.map((c) => c.file))).toEqual(new Set(['05-jupyterhub.yaml']));
  project.write('hubs/example.yaml', EXAMPLE_HUB);
  await project.synth();
});

test('rule: a missing folder is empty: everything is created (first synth) or removed', () => {
  const all = planManifests(path.join(tmp, 'absent'), before);
  expect(all.length).toBeGreaterThan(10);
  expect(new Set(all.map((c) => c.action))).toEqual(new Set(['create']));
  // Files in name order (the apply order).
  const files = all.map((c) => c.file);
  expect(files).toEqual([...files].sort());
  const gone = planManifests(before, path.join(tmp, 'absent'));
  expect(gone.map((c) => c.action)).toEqual(all.map(() => 'remove'));
});

test('rule: an object only after is created, only before is removed (identity: group/kind/namespace/name)', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: jhub\ndata:\n  a: "1"\n';
  const dir = edited('create-remove', (files) => {
    const text = files.get('03-ingress-controller.yaml')!;
    const parts = docs(text);
    // Drop the last object of the ingress controller's file; add a ConfigMap to JupyterHub's.
    files.set('03-ingress-controller.yaml', parts.slice(0, -1).join('---\n'));
    files.set('05-jupyterhub.yaml', `${files.get('05-jupyterhub.yaml')!}---\n${cm}`);
  });
  const changes = planManifests(before, dir);
  expect(brief(changes)).toEqual([expect.stringMatching(/^remove 03-ingress-controller\.yaml /), 'create 05-jupyterhub.yaml ConfigMap jhub/extra']);
});

test('rule: an object moved to another wave file is a change, not a removal and a creation', () => {
  const dir = edited('moved', (files) => {
    const parts = docs(files.get('04-cluster-issuers.yaml')!);
    const moved = parts.pop()!;
    files.set('04-cluster-issuers.yaml', parts.join('---\n'));
    files.set('05-jupyterhub.yaml', `${files.get('05-jupyterhub.yaml')!}---\n${moved}`);
  });
  const changes = planManifests(before, dir);
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({ action: 'change', file: '05-jupyterhub.yaml', kind: 'ClusterIssuer' });
});

test('rule: a changed apiVersion of the same group is a change of the same object; another group is another object', () => {
  const mk = (apiVersion: string) => `# h\n---\napiVersion: ${apiVersion}\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n  namespace: n\n`;
  const a = path.join(tmp, 'v-a');
  const b = path.join(tmp, 'v-b');
  const c = path.join(tmp, 'v-c');
  for (const [d, v] of [[a, 'autoscaling/v1'], [b, 'autoscaling/v2'], [c, 'example.org/v2']]) {
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, '05-jupyterhub.yaml'), mk(v));
  }
  expect(brief(planManifests(a, b))).toEqual(['change 05-jupyterhub.yaml HorizontalPodAutoscaler n/x']);
  expect(brief(planManifests(a, c))).toEqual(['create 05-jupyterhub.yaml HorizontalPodAutoscaler n/x', 'remove 05-jupyterhub.yaml HorizontalPodAutoscaler n/x']);
});

test('rule: key order is not a change', () => {
  const a = path.join(tmp, 'o-a');
  const b = path.join(tmp, 'o-b');
  fs.mkdirSync(a, { recursive: true });
  fs.mkdirSync(b, { recursive: true });
  fs.writeFileSync(path.join(a, '00-namespaces.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels:\n    a: "1"\n    b: "2"\n');
  fs.writeFileSync(path.join(b, '00-namespaces.yaml'), 'kind: Namespace\napiVersion: v1\nmetadata:\n  labels:\n    b: "2"\n    a: "1"\n  name: n\n');
  expect(planManifests(a, b)).toEqual([]);
});

test('rule: a file that is not YAML is an error naming it', () => {
  const dir = edited('broken', (files) => files.set('02-cert-manager.yaml', 'a: [unclosed\n'));
  let error: UserError | undefined;
  try {
    planManifests(before, dir);
  } catch (e) {
    error = e as UserError;
  }
  expect(error?.format()).toMatch(/02-cert-manager\.yaml.*is not valid YAML: .*\(fix or remove the file, or run jhm synth/);
  expect(error?.format().split('\n')).toHaveLength(1);
});

test('rule: the text groups per wave file with +, ~, -, counts, and says kubectl apply keeps removals and jhm apply --prune deletes them (never Namespaces, CRDs, PVCs)', () => {
  const changes: ObjectChange[] = [
    { file: '00-namespaces.yaml', action: 'remove', apiVersion: 'v1', kind: 'Namespace', name: 'old' },
    { file: '05-jupyterhub-course-a.yaml', action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'course-a', name: 'extra' },
    { file: '05-jupyterhub-course-a.yaml', action: 'change', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'course-a', name: 'hub' },
    { file: '05-jupyterhub-course-a.yaml', action: 'remove', apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'course-a', name: 'hub-db-dir' },
  ];
  expect(formatManifestPlan('Kubernetes objects of dist/shared:', changes)).toBe(
    [
      'Kubernetes objects of dist/shared:',
      '  00-namespaces.yaml',
      '    - Namespace old',
      '  05-jupyterhub-course-a.yaml',
      '    + ConfigMap course-a/extra',
      '    ~ Deployment course-a/hub',
      '    - PersistentVolumeClaim course-a/hub-db-dir',
      '  Objects: 1 to create, 1 to change, 2 to remove.',
      '  kubectl apply keeps removed objects on the cluster; jhm apply --prune deletes them (only objects labelled jupyterhub-magnum/cluster).',
      '  Never pruned (they take data with them; delete by hand): Namespace old, PersistentVolumeClaim course-a/hub-db-dir.',
    ].join('\n'),
  );
});
