/**
 * State identity through the commands (issue 18, item 2): two cluster files whose S3 backends
 * name one bucket and key (the README's old snippet, copied into a second cluster file) are
 * refused by `jhm validate` and `jhm synth` with one line naming both files and the field, and
 * synth writes nothing. The rule itself: test/config/state-identity.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { runJhm } from '../support/project';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A project with clusters team-a and team-b (same S3 bucket and key), a hub on each. */
function project(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-state-identity-')));
  dirs.push(root);
  const backend = { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', endpoint: 'https://objects.example.test:8001' };
  for (const c of ['team-a', 'team-b']) {
    const file = { magnum: { name: `${c}-k8s`, keypair: 'fake-keypair' }, dns: { zone: 'hub-tests.invalid.' }, letsEncrypt: { email: 'admins@example.org' }, terraform: { backend } };
    fs.mkdirSync(path.join(root, 'clusters'), { recursive: true });
    fs.writeFileSync(path.join(root, 'clusters', `${c}.yaml`), stringify(file));
    const hub = { cluster: c, dns: { record: `hub-${c}` }, jupyterhub: { auth: { type: 'github', clientId: 'Iv1.0123456789abcdef', adminUsers: ['instructor'] }, singleuser: { image: 'quay.io/jupyter/scipy-notebook:2025-10-20' } } };
    fs.mkdirSync(path.join(root, 'hubs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'hubs', `hub-${c}.yaml`), stringify(hub));
  }
  return root;
}

const COLLISION = /^error: clusters\/team-b\.yaml: terraform\.backend\.key: the Terraform state s3:\/\/jhm-state\/jhm\/shared\.tfstate at https:\/\/objects\.example\.test:8001 is also the state of cluster team-a \(clusters\/team-a\.yaml\); .* \(remove terraform\.backend\.key to use jhm\/team-b\.tfstate/;

test.each(['validate', 'synth', 'synth team-b', 'diff hub-team-b'])('rule: jhm %s refuses two clusters sharing one Terraform state, naming both files and the field, writing nothing', async (command) => {
  const root = project();
  const r = await runJhm(['-C', root, ...command.split(' ')]);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(COLLISION)]);
  // No output (jhm's own .jhm folder, its lock, may be made).
  expect(fs.readdirSync(root).filter((f) => ['cdktf.out', 'dist', 'dist-secrets', 'outputs'].includes(f))).toEqual([]);
});
