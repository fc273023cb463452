/**
 * StateBackend (infra/state-backend.ts): the `terraform.backend` block of a stack for each kind of
 * cluster backend, pinned by snapshots; its refusals of bad props; and, where terraform is on
 * PATH, terraform's own reading of each block, offline.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Lazy, TerraformStack, Testing } from 'cdktf';
import { which } from '../../base/tools';
import type { ClusterBackend } from '../../model/cluster';
import { defaultLocalStateFile, StateBackend, StateBackendProps } from '../../infra/state-backend';
import { cleanupTempDirs, tempDir, TfJson } from './support';

afterAll(cleanupTempDirs);

/** The synthesized JSON of a provider-free stack `name` holding only a StateBackend. */
function synthStack(props: StateBackendProps, name = 'shared'): TfJson {
  const stack = new TerraformStack(Testing.app(), name);
  new StateBackend(stack, 'state', props);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

const backendBlock = (props: StateBackendProps, name?: string): TfJson => synthStack(props, name).terraform.backend;

const JETSTREAM2: ClusterBackend = { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', region: 'us-east-1', endpoint: 'https://js2.jetstream-cloud.org:8001', usePathStyle: true };
const AWS: ClusterBackend = { type: 's3', bucket: 'jhm-state', key: 'jhm/shared.tfstate', region: 'eu-central-1', usePathStyle: false };
const GITLAB_STATE = 'https://gitlab.example.org/api/v4/projects/42/terraform/state/shared';
const GITLAB: ClusterBackend = { type: 'http', address: GITLAB_STATE, lockAddress: `${GITLAB_STATE}/lock`, unlockAddress: `${GITLAB_STATE}/lock`, lockMethod: 'POST', unlockMethod: 'DELETE' };

/** Each kind of backend, as the tests below and terraform check it. */
const CASES: ReadonlyArray<[string, StateBackendProps]> = [
  ['local (default state file)', { backend: { type: 'local' } }],
  ['s3, AWS style (no endpoint)', { backend: AWS }],
  ['s3, Jetstream2 object store (endpoint, path style)', { backend: JETSTREAM2 }],
  ['http, GitLab-managed state (lock and unlock addresses)', { backend: GITLAB }],
];

describe('rule: StateBackend writes the backend block of the cluster backend with cdktf backend constructs (snapshots)', () => {
  test.each(CASES)('%s', (_, props) => {
    expect(backendBlock(props)).toMatchSnapshot();
  });

  test('local: the default state file is terraform.<stack>.tfstate in the project root, seen from cdktf.out/stacks/<stack>', () => {
    expect(backendBlock({ backend: { type: 'local' } }, 'course')).toEqual({ local: { path: '../../../terraform.course.tfstate' } });
    expect(defaultLocalStateFile('course')).toBe('../../../terraform.course.tfstate');
    expect(backendBlock({ backend: { type: 'local' }, stateFile: 'state/x.tfstate' })).toEqual({ local: { path: 'state/x.tfstate' } });
  });

  test('s3: always use_lockfile (S3-native locking); the skip_* settings and endpoints only with an endpoint', () => {
    const aws = synthStack({ backend: AWS });
    expect(aws.terraform.backend.s3.use_lockfile).toBe(true);
    expect(Object.keys(aws.terraform.backend.s3).filter((k) => k.startsWith('skip_') || k.startsWith('endpoint'))).toEqual([]);
    const js2 = backendBlock({ backend: JETSTREAM2 }).s3;
    expect(js2).toMatchObject({ use_lockfile: true, endpoints: { s3: 'https://js2.jetstream-cloud.org:8001' }, use_path_style: true });
    expect(backendBlock({ backend: { ...JETSTREAM2, usePathStyle: false } }).s3.use_path_style).toBe(false);
    expect(backendBlock({ backend: { ...AWS, usePathStyle: true } }).s3.use_path_style).toBe(true);
  });

  test('http: only the addresses and methods given are written (Terraform defaults the rest)', () => {
    expect(backendBlock({ backend: { type: 'http', address: GITLAB_STATE } })).toEqual({ http: { address: GITLAB_STATE } });
  });

  test('rule: no credentials in the backend block (they come from the environment)', () => {
    for (const [, props] of CASES) {
      const text = JSON.stringify(backendBlock(props));
      expect(text).not.toMatch(/access_key|secret_key|password|username|token/);
    }
  });
});

describe('rule: StateBackend refuses bad props, naming the prop', () => {
  const refusal = (backend: unknown, stateFile?: string) => () => synthStack({ backend: backend as ClusterBackend, stateFile });
  test.each<[string, unknown, RegExp]>([
    ['empty bucket', { ...AWS, bucket: '' }, /^StateBackend state: backend\.bucket must not be empty$/],
    ['blank key', { ...AWS, key: '  ' }, /^StateBackend state: backend\.key must not be empty$/],
    ['empty region', { ...AWS, region: '' }, /backend\.region must not be empty/],
    ['key starting with /', { ...AWS, key: '/jhm/x.tfstate' }, /backend\.key is "\/jhm\/x\.tfstate"; Terraform refuses a key that starts or ends with "\/" or holds "\/\/"/],
    ['key with //', { ...AWS, key: 'jhm//x.tfstate' }, /backend\.key .*holds "\/\/"/],
    ['interpolation in the bucket', { ...AWS, bucket: '${var.bucket}' }, /backend\.bucket is "\$\{var\.bucket\}"; it contains "\$\{", and a backend block cannot hold interpolation/],
    ['a directive in the key', { ...AWS, key: 'jhm/%{if x}y%{endif}' }, /backend\.key .*contains "%\{"/],
    ['an endpoint that is no URL', { ...JETSTREAM2, endpoint: 'js2.jetstream-cloud.org:8001' }, /backend\.endpoint is "js2\.jetstream-cloud\.org:8001"; it must be an http:\/\/ or https:\/\/ URL/],
    ['an endpoint with a password', { ...JETSTREAM2, endpoint: 'https://AKIA:s3cr3t@js2.jetstream-cloud.org:8001' }, /backend\.endpoint holds a user name or password; credentials come from the environment \(AWS_ACCESS_KEY_ID/],
    ['usePathStyle not a boolean', { ...JETSTREAM2, usePathStyle: 'yes' }, /backend\.usePathStyle must be true or false/],
    ['empty http address', { type: 'http', address: '' }, /backend\.address must not be empty/],
    ['http address that does not parse', { type: 'http', address: 'https://' }, /backend\.address is "https:\/\/"; it must be an http:\/\/ or https:\/\/ URL/],
    ['ftp address', { type: 'http', address: 'ftp://gitlab.example.org/state' }, /backend\.address .*must be an http:\/\/ or https:\/\/ URL/],
    ['http address with a user and token', { ...GITLAB, address: 'https://ci:glpat-xyz@gitlab.example.org/state' }, /backend\.address holds a user name or password; .*TF_HTTP_USERNAME\/TF_HTTP_PASSWORD/],
    ['interpolation in the lock address', { ...GITLAB, lockAddress: `${GITLAB_STATE}/\${terraform.workspace}` }, /backend\.lockAddress .*cannot hold interpolation/],
    ['bad unlock address', { ...GITLAB, unlockAddress: 'lock' }, /backend\.unlockAddress is "lock"; it must be an http/],
    ['a lock method with a space', { ...GITLAB, lockMethod: 'PO ST' }, /backend\.lockMethod is "PO ST"; it must be an HTTP method such as POST or DELETE/],
    ['an empty unlock method', { ...GITLAB, unlockMethod: '' }, /backend\.unlockMethod must not be empty/],
    ['unknown type', { type: 'consul' }, /backend\.type is "consul"; it must be local, s3 or http/],
  ])('%s', (_, backend, message) => {
    expect(refusal(backend)).toThrow(message);
  });

  test('a password in a URL is never repeated in the message', () => {
    expect(refusal({ ...GITLAB, address: 'https://ci:glpat-secret@gitlab.example.org/${x}' })).toThrow(/backend\.address is "https:\/\/…@gitlab\.example\.org\/\$\{x\}"/);
    let message = '';
    for (const address of ['https://ci:glpat-secret@gitlab.example.org/${x}', 'https://ci:glpat-secret@gitlab.example.org/state', 'https://ci:glpat-secret@/x']) {
      try {
        synthStack({ backend: { type: 'http', address } });
      } catch (e) {
        message += (e as Error).message;
      }
    }
    expect(message).toContain('StateBackend');
    expect(message).not.toContain('glpat-secret');
  });

  test('local: an empty state file, or one holding interpolation, is refused', () => {
    expect(refusal({ type: 'local' }, '')).toThrow(/^StateBackend state: stateFile must not be empty$/);
    expect(refusal({ type: 'local' }, '${path.root}/x.tfstate')).toThrow(/stateFile is "\$\{path\.root\}\/x\.tfstate"; it contains "\$\{"/);
  });

  test('a cdktf token (a reference, made by code) is refused: a backend block evaluates nothing', () => {
    const bucket = Lazy.stringValue({ produce: () => 'jhm-state' });
    expect(refusal({ ...AWS, bucket })).toThrow(/^StateBackend state: backend\.bucket is a cdktf token \(a reference\); a backend block holds only literal text$/);
    expect(refusal({ ...AWS, key: '#{TfToken[TOKEN.1]}' })).toThrow(/backend\.key is a cdktf token/);
  });

  test('outside a TerraformStack the local backend cannot name its state file', () => {
    expect(() => new StateBackend(Testing.app(), 'state', { backend: { type: 'local' } })).toThrow(/StateBackend state: must be created inside a TerraformStack/);
  });
});

/**
 * Terraform's own reading of each backend block, offline: where `unshare -rn` gives a process a
 * network namespace of its own (no interface but a downed loopback), a full `terraform init`,
 * which decodes the backend block against the backend's schema and then fails at the first
 * attempt to reach anything; elsewhere `terraform init -backend=false` and `terraform validate`,
 * which check the JSON but not the backend's arguments.
 */
describe('rule: terraform reads each backend block (offline)', () => {
  const terraform = which('terraform');
  const isolated = terraform !== undefined && spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
  const title = (what: string) => `${what}${terraform ? (isolated ? '' : ' (syntax only: unshare -rn is unavailable)') : ' (skipped: terraform is not on PATH)'}`;

  function run(dir: string, args: string[]): { code: number | null; out: string } {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc'),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      // No credentials anywhere: the s3 backend stops at finding none, before any request.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      TF_HTTP_RETRY_MAX: '0',
    };
    const [cmd, argv] = isolated ? ['unshare', ['-rn', terraform!, ...args]] : [terraform!, args];
    const r = spawnSync(cmd, argv, { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** Writes the stack's JSON where cdktf would (`<root>/cdktf.out/stacks/<stack>/cdk.tf.json`). */
  function stackDir(props: StateBackendProps): string {
    const root = tempDir('jhm-state-backend-');
    const dir = path.join(root, 'cdktf.out', 'stacks', 'shared');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(synthStack(props), null, 2));
    return dir;
  }

  const CONFIG_ERRORS = /Extraneous JSON object property|Unsupported argument|Invalid Value|Invalid value|Missing required argument|Incorrect attribute value type|Invalid backend configuration/;

  (terraform ? test.each(CASES) : test.skip.each(CASES))(title('%s'), (what, props) => {
    const dir = stackDir(props);
    if (!isolated) {
      const init = run(dir, ['init', '-backend=false', '-input=false', '-no-color']);
      expect([what, init.code, init.out]).toEqual([what, 0, expect.any(String)]);
      const validate = run(dir, ['validate', '-no-color']);
      expect([what, validate.code, validate.out]).toEqual([what, 0, expect.stringContaining('The configuration is valid')]);
      return;
    }
    const init = run(dir, ['init', '-input=false', '-no-color']);
    expect(init.out).not.toMatch(CONFIG_ERRORS);
    switch (props.backend.type) {
      case 'local':
        expect([init.code, init.out]).toEqual([0, expect.stringContaining('Terraform has been successfully initialized')]);
        break;
      case 's3':
        // The block decoded; the backend then looked for credentials and found none.
        expect([init.code, init.out]).toEqual([1, expect.stringContaining('No valid credential sources found')]);
        break;
      case 'http':
        // The block decoded and the backend was configured; reading the state then needed the network.
        expect(init.out).toContain('Successfully configured the backend "http"');
        expect([init.code, init.out]).toEqual([1, expect.stringMatching(/Failed to get state|network is unreachable|no such host/)]);
        break;
    }
  });

  (isolated ? test : test.skip)(title('the check itself: terraform init refuses an argument the backend does not have'), () => {
    const dir = stackDir({ backend: AWS });
    const file = path.join(dir, 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TfJson;
    json.terraform.backend.s3.use_lockfiles = true;
    fs.writeFileSync(file, JSON.stringify(json));
    const init = run(dir, ['init', '-input=false', '-no-color']);
    expect([init.code, init.out]).toEqual([1, expect.stringMatching(CONFIG_ERRORS)]);
  });
});
