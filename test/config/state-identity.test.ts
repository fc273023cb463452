/**
 * State identity (issue 18, item 2; project/state-identity.ts): no two clusters of a project keep
 * their Terraform state in one place (local file, S3 store+bucket+key, HTTP address), refused by
 * `validateProject` (so `jhm validate`, `jhm synth`, `diff`, `check`, `deploy`) naming both files
 * and the field; the S3 key derived from the cluster's name when a file gives a bucket and no key,
 * spelled in one place (`defaultS3StateKey`) that the schema and docs/terraform-state.md follow.
 */
import * as fs from 'fs';
import * as path from 'path';
import { defineCluster } from '../../model/cluster';
import { clusterJsonSchema, defaultS3StateKey } from '../../model/cluster-schema';
import { stateLocation } from '../../project/state-identity';
import { validateProject } from '../../project/validate';
import { synthesisUnits } from '../../synth/pipeline';
import { clusterInput, errorLines, EXAMPLE_HUB_TEXT, hubOnInput, projectWith } from './cluster-fixtures';

const JS2 = 'https://js2.jetstream-cloud.org:8001';
/** A cluster file of its own Magnum name with this backend. */
const withBackend = (name: string, backend: Record<string, unknown>) =>
  clusterInput((c) => {
    c.magnum.name = `${name}-k8s`;
    c.terraform = { backend };
  });
/** Two cluster files, `team-a` and `team-b`, with a hub each (so neither is only a warning). */
const twoClusters = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  projectWith({
    clusters: { 'team-a': withBackend('team-a', a), 'team-b': withBackend('team-b', b) },
    hubs: { 'hub-a': hubOnInput('team-a', (h) => (h.dns = { record: 'hub-a' })), 'hub-b': hubOnInput('team-b', (h) => (h.dns = { record: 'hub-b' })) },
  });

describe('rule: every cluster keeps its Terraform state in a place of its own', () => {
  test('s3: two clusters with the same bucket and key in one store are refused, naming both files and terraform.backend.key', () => {
    const root = twoClusters({ type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', endpoint: JS2 }, { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', endpoint: JS2 });
    const expected = `clusters/team-b.yaml: terraform.backend.key: the Terraform state s3://jhm-state/jhm/shared.tfstate at https://js2.jetstream-cloud.org:8001 is also the state of cluster team-a (clusters/team-a.yaml); the second terraform apply would destroy the other cluster's resources (remove terraform.backend.key to use jhm/team-b.tfstate (derived from the cluster's name), or choose a key no other cluster uses)`;
    expect(errorLines(() => validateProject(root))).toEqual([expected]);
    // Named, the named cluster is the one blamed; synth refuses it before anything is rendered.
    expect(errorLines(() => validateProject(root, ['team-a']))).toEqual([expect.stringMatching(/^clusters\/team-a\.yaml: terraform\.backend\.key: .* is also the state of cluster team-b \(clusters\/team-b\.yaml\)/)]);
    expect(errorLines(() => synthesisUnits(root, ['team-b']))).toEqual([expected]);
    expect(errorLines(() => synthesisUnits(root, ['hub-b']))).toEqual([expected]);
  });

  test('s3: one endpoint spelled two ways (case, trailing slash, scheme, default port) is one store', () => {
    const root = twoClusters(
      { type: 's3', bucket: 'jhm-state', key: 'x.tfstate', endpoint: 'https://OBJECTS.example.test:443/' },
      { type: 's3', bucket: 'jhm-state', key: 'x.tfstate', endpoint: 'http://objects.example.test', region: 'other-region', usePathStyle: false },
    );
    expect(errorLines(() => validateProject(root))).toEqual([expect.stringMatching(/^clusters\/team-b\.yaml: terraform\.backend\.key: the Terraform state s3:\/\/jhm-state\/x\.tfstate at http:\/\/objects\.example\.test is also the state of cluster team-a/)]);
  });

  test('s3: a bucket and no key gives each cluster its own derived key, so copying a backend into a second cluster file is safe', () => {
    const root = twoClusters({ type: 's3', bucket: 'jhm-state', endpoint: JS2 }, { type: 's3', bucket: 'jhm-state', endpoint: JS2 });
    const project = validateProject(root);
    expect(project.clusters.map((c) => c.backend.type === 's3' && c.backend.key)).toEqual(['jhm/team-a.tfstate', 'jhm/team-b.tfstate']);
  });

  test('s3: an explicit key equal to another cluster\'s derived key is refused, saying whose default it is', () => {
    const root = twoClusters({ type: 's3', bucket: 'jhm-state', key: 'jhm/team-b.tfstate' }, { type: 's3', bucket: 'jhm-state' });
    expect(errorLines(() => validateProject(root, ['team-b']))).toEqual([
      `clusters/team-b.yaml: terraform.backend.key: the Terraform state s3://jhm-state/jhm/team-b.tfstate on Amazon S3 is also the state of cluster team-a (clusters/team-a.yaml); the second terraform apply would destroy the other cluster's resources (jhm/team-b.tfstate is this cluster's default key (derived from its name): give clusters/team-a.yaml another terraform.backend.key, or set one of its own here)`,
    ]);
  });

  test('s3: the same bucket and key in two different stores (Amazon S3 and an endpoint, or two endpoints) are two states', () => {
    const same = { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate' };
    expect(errorLines(() => validateProject(twoClusters(same, { ...same, endpoint: JS2 })))).toEqual([]);
    expect(errorLines(() => validateProject(twoClusters({ ...same, endpoint: 'https://objects-1.example.test' }, { ...same, endpoint: 'https://objects-2.example.test' })))).toEqual([]);
  });

  test('http: two clusters with one state address are refused on terraform.backend.address', () => {
    const address = 'https://gitlab.example.test/api/v4/projects/42/terraform/state/shared';
    const root = twoClusters({ type: 'http', address }, { type: 'http', address: `${address}/`, lockAddress: `${address}/lock` });
    expect(errorLines(() => validateProject(root))).toEqual([expect.stringMatching(/^clusters\/team-b\.yaml: terraform\.backend\.address: the Terraform state https:\/\/gitlab\.example\.test\/api\/v4\/projects\/42\/terraform\/state\/shared is also the state of cluster team-a \(clusters\/team-a\.yaml\);.*\(give each cluster its own state address/)]);
  });

  test('local: the state file is named after the cluster, so a legacy hub named like a cluster file collides (reported on the hub file)', () => {
    const root = projectWith({ clusters: { example: clusterInput((c) => (c.magnum.name = 'example-shared')) }, hubs: { 'course-a': hubOnInput('example'), example: EXAMPLE_HUB_TEXT } });
    expect(errorLines(() => validateProject(root, ['example']))).toContain(
      "hubs/example.yaml: cluster: the Terraform state terraform.example.tfstate (local backend, at the project root) is also the state of cluster example (clusters/example.yaml); the second terraform apply would destroy the other cluster's resources (rename hubs/example.yaml or clusters/example.yaml: the local state file is named after the cluster)",
    );
    // Two local clusters of different names have two state files.
    expect(stateLocation({ name: 'a', backend: { type: 'local' } }).id).not.toBe(stateLocation({ name: 'b', backend: { type: 'local' } }).id);
  });

  test('a collision between two clusters not named is theirs to report, not a third cluster\'s', () => {
    const same = { type: 's3', bucket: 'jhm-state', key: 'k.tfstate' };
    const root = projectWith({
      clusters: { 'team-a': withBackend('team-a', same), 'team-b': withBackend('team-b', same), 'team-c': withBackend('team-c', { type: 'local' }) },
      hubs: { 'hub-c': hubOnInput('team-c') },
    });
    expect(errorLines(() => validateProject(root, ['team-c']))).toEqual([]);
  });

  test('the place shown never holds a credential from a URL', () => {
    const shown = stateLocation({ name: 'a', backend: { type: 'http', address: 'https://user:fake-token-for-tests@gitlab.example.test/state?private_token=fake-token-for-tests' } }).shown;
    expect(shown).toBe('https://gitlab.example.test/state');
  });
});

describe('rule: the S3 key defaults to one derived from the cluster name, spelled in one place', () => {
  test('a cluster file with a bucket and no key gets defaultS3StateKey(<cluster>) = jhm/<cluster>.tfstate', () => {
    expect(defaultS3StateKey('team-a')).toBe('jhm/team-a.tfstate');
    const cluster = defineCluster('team-a', withBackend('team-a', { type: 's3', bucket: 'jhm-state' }));
    expect(cluster.backend).toMatchObject({ type: 's3', key: defaultS3StateKey('team-a') });
  });

  test('the schema and the snippet of docs/terraform-state.md show the derived default, and the snippet sets no key (a copy of it is safe)', () => {
    const derived = defaultS3StateKey('<cluster>');
    expect(JSON.stringify(clusterJsonSchema())).toContain(`(default: ${derived})`);
    const section = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'terraform-state.md'), 'utf8');
    const snippet = /```yaml\n([^`]*type: s3[^`]*)```/.exec(section)?.[1] ?? '';
    expect(snippet).toContain(`# key: ${defaultS3StateKey('shared')}`);
    expect(snippet).toContain(derived);
    expect(snippet).not.toMatch(/^\s*key:/m);
  });
});
