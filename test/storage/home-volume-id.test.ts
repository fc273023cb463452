/**
 * The id of a hub's home volume reaches the Kubernetes side the way the ingress IP does: `jhm
 * deploy <cluster>` records the stack's `home_volume_ids` output in `outputs/<cluster>.json`, and
 * synth reads it there. Before the first deploy there is none, and synth stops in one line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic } from '../../model/diagnostics';
import { isUserError } from '../../model/errors';
import { readHomeVolumeId } from '../../project/outputs';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function project(outputs?: unknown): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-volume-id-'));
  roots.push(root);
  if (outputs !== undefined) {
    fs.mkdirSync(path.join(root, 'outputs'));
    fs.writeFileSync(path.join(root, 'outputs', 'fleet.json'), JSON.stringify(outputs));
  }
  return root;
}

const HUB = { name: 'course-a', source: 'hubs/course-a.yaml' };
const FAKE_ID = '00000000-0000-4000-8000-0000000000aa';
/** The id read from `root`, or the one line the error prints. */
const read = (root: string, cluster = 'fleet'): string => {
  try {
    return readHomeVolumeId(root, cluster, HUB, 'jupyterhub.storage');
  } catch (e) {
    if (!isUserError(e)) throw e;
    return `error: ${formatDiagnostic(e)}`;
  }
};

test('rule: before the first deploy (no outputs file) the error is one line: deploy the cluster first', () => {
  expect(read(project())).toBe(
    "error: hubs/course-a.yaml: jupyterhub.storage: the home volume is made by the cluster's Terraform stack, and outputs/fleet.json records no id for it yet (deploy the cluster first: jhm deploy fleet)",
  );
});

test('rule: an outputs file from before the hub had shared storage gives the same error', () => {
  expect(read(project({ fleet: { ingress_ip: '192.0.2.10' } }))).toMatch(/records no id for it yet \(deploy the cluster first: jhm deploy fleet\)$/);
  expect(read(project({ fleet: { home_volume_ids: { 'course-b': FAKE_ID } } }))).toMatch(/deploy the cluster first/);
});

test('rule: the recorded id is read from home_volume_ids; one that is not a volume id is refused at its key', () => {
  expect(read(project({ fleet: { home_volume_ids: { 'course-a': FAKE_ID } } }))).toBe(FAKE_ID);
  expect(read(project({ fleet: { home_volume_ids: { 'course-a': 'not-an-id' } } }))).toMatch(/^error: outputs\/fleet\.json: fleet\.home_volume_ids\.course-a: is "not-an-id", not a Cinder volume id/);
  expect(read(project({ fleet: { home_volume_ids: ['x'] } }))).toMatch(/fleet\.home_volume_ids: must be an object of hub names to volume ids/);
});

test('rule: docs/shared-storage.md quotes the error as jhm prints it', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'shared-storage.md'), 'utf8');
  const quoted = /```text\n(error: [^\n]*)\n```/.exec(guide)?.[1];
  expect(quoted).toBe(read(project(), 'shared'));
});
