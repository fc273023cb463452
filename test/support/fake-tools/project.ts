/**
 * A throw-away project for the cluster command tests: `hubs/example.yaml` copied from the
 * repository (with a zone under `.invalid`, which never resolves), a fake HOME, fake terraform
 * and kubectl, hand-written minimal outputs, and a way to run `jhm` in process and capture what
 * it prints. Every value that looks like a secret is an obvious fake.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../cli/main';
import { createFakeTool, FakeRule, FakeTool, readCalls, FakeCall } from './fake-tool';

/** Marker inside the fake kubeconfig: it must never appear in anything jhm prints. */
export const FAKE_KUBECONFIG_MARKER = 'FAKE-KUBECONFIG-CLIENT-KEY-FOR-TESTS';

export const FAKE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: https://127.0.0.1:6443
users:
  - name: admin
    user:
      client-key-data: ${FAKE_KUBECONFIG_MARKER}
contexts:
  - name: admin@fake
    context:
      cluster: fake
      user: admin
current-context: admin@fake
`;

export const FAKE_CLUSTER_ID = 'fake-cluster-id-0000';
export const FAKE_INGRESS_IP = '203.0.113.10';

/** What the fake `terraform output -json` prints (shape of Terraform 1.x). */
export const FAKE_TERRAFORM_OUTPUTS = {
  cluster_id: { sensitive: false, type: 'string', value: FAKE_CLUSTER_ID },
  api_address: { sensitive: false, type: 'string', value: 'https://203.0.113.5:6443' },
  ingress_ip: { sensitive: false, type: 'string', value: FAKE_INGRESS_IP },
  hub_url: { sensitive: false, type: 'string', value: 'https://example.hub-tests.invalid' },
  kubeconfig: { sensitive: true, type: 'string', value: FAKE_KUBECONFIG },
};

/** Canned answers of a terraform that works. */
export const TERRAFORM_OK: FakeRule[] = [
  { when: ['init'], stdout: 'Terraform has been successfully initialized!\n' },
  { when: ['apply'], stdout: 'Apply complete! Resources: 5 added, 0 changed, 0 destroyed.\n' },
  { when: ['output', '-json'], stdout: JSON.stringify(FAKE_TERRAFORM_OUTPUTS) },
  { when: ['output', '-raw', 'kubeconfig'], stdout: FAKE_KUBECONFIG },
];

export interface TestProject {
  /** The project folder (`-C`). */
  readonly root: string;
  /** Fake HOME (no clouds.yaml, no ~/.kube/config unless a test writes one). */
  readonly home: string;
  /** Folder for fake tools. */
  readonly bin: string;
  /** Call log shared by the fakes. */
  readonly log: string;
  /** Writes a fake tool into `bin`. */
  fake(name: string, rules: readonly FakeRule[]): FakeTool;
  /** Every recorded call, in order. */
  calls(): FakeCall[];
  /** Writes `text` to `rel` under the project root. */
  write(rel: string, text: string): string;
  /** Removes everything and restores the environment. */
  dispose(): void;
}

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Variables that would let the real machine leak into a test. */
const ISOLATED_ENV = ['HOME', 'PATH', 'JHM_TERRAFORM', 'JHM_KUBECTL', 'JHM_OPENSTACK', 'KUBECONFIG', 'OS_CLOUD', 'OS_AUTH_URL', 'OS_CLIENT_CONFIG_FILE', 'TF_DATA_DIR'];

/**
 * Creates the project and isolates the environment: HOME is a fresh folder, PATH holds only the
 * node binary's folder (the fakes need `node`) and no terraform or kubectl, OS_* are unset.
 */
export function createProject(): TestProject {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-cluster-')));
  const root = path.join(tmp, 'project');
  const home = path.join(tmp, 'home');
  const bin = path.join(tmp, 'bin');
  const log = path.join(tmp, 'calls.jsonl');
  fs.mkdirSync(path.join(root, 'hubs'), { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(bin, { recursive: true });
  const example = fs.readFileSync(path.join(REPO, 'hubs', 'example.yaml'), 'utf8').replace(/zone: .*/, 'zone: hub-tests.invalid.');
  fs.writeFileSync(path.join(root, 'hubs', 'example.yaml'), example);

  const saved = new Map(ISOLATED_ENV.map((k) => [k, process.env[k]]));
  for (const k of ISOLATED_ENV) delete process.env[k];
  process.env.HOME = home;
  // Only node's own folder: the fakes' `#!/usr/bin/env node` must work, a real terraform must not be found.
  const nodeDir = path.join(tmp, 'node-bin');
  fs.mkdirSync(nodeDir);
  fs.symlinkSync(process.execPath, path.join(nodeDir, 'node'));
  process.env.PATH = nodeDir;

  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  return {
    root,
    home,
    bin,
    log,
    fake: (name, rules) => createFakeTool(bin, name, rules, log),
    calls: () => readCalls(log),
    write,
    dispose: () => {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A clouds.yaml with cloud `openstack` (fake values) in the fake HOME, where the OpenStack client looks. */
export function writeCloudsYaml(project: TestProject, cloud = 'openstack'): string {
  const file = path.join(project.home, '.config', 'openstack', 'clouds.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `clouds:\n  ${cloud}:\n    auth:\n      auth_url: https://keystone.hub-tests.invalid:5000/v3\n      application_credential_id: fake-app-cred-id\n      application_credential_secret: fake-app-cred-secret-for-tests\n    auth_type: v3applicationcredential\n`,
  );
  return file;
}

/** A minimal `cdk.tf.json` of stack `hub`, with cdktf's output map (construct id -> output name). */
export function writeStack(project: TestProject, hub = 'example'): string {
  const names = Object.keys(FAKE_TERRAFORM_OUTPUTS);
  const stack = {
    '//': {
      metadata: { stackName: hub, backend: 'local' },
      outputs: { [hub]: Object.fromEntries(names.map((n) => [n, n])) },
    },
    terraform: { backend: { local: { path: `../../../terraform.${hub}.tfstate` } } },
    output: Object.fromEntries(names.map((n) => [n, { value: 'fake', sensitive: n === 'kubeconfig' }])),
  };
  return project.write(`cdktf.out/stacks/${hub}/cdk.tf.json`, JSON.stringify(stack, null, 2));
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `jhm <args>` in process and captures stdout and stderr. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const text = (chunk: unknown) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout += text(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    stderr += text(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'jhm', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** Minimal manifests of hub `hub` for `jhm apply`: every wave file, and a Secret in dist-secrets. */
export function writeManifests(project: TestProject, hub = 'example'): void {
  // Headed as jhm heads its files: `jhm apply` applies only what jhm wrote.
  const doc = (...objects: string[]) => `# Test manifests. Generated by jhm from hubs/${hub}.yaml: do not edit.\n---\n${objects.join('---\n')}`;
  const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
  const deployment = (namespace: string, name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: c\n          image: registry.invalid/${name}:0\n`;
  const crd = (name: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec: {}\n`;
  project.write(`dist/${hub}/00-namespaces.yaml`, doc(ns('cert-manager'), ns('traefik'), ns('jhub')));
  project.write(`dist/${hub}/01-crds.yaml`, doc(crd('certificates.cert-manager.io'), crd('clusterissuers.cert-manager.io')));
  project.write(`dist/${hub}/02-cert-manager.yaml`, doc(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cert-manager\n  namespace: cert-manager\n`, deployment('cert-manager', 'cert-manager'), deployment('cert-manager', 'cert-manager-webhook')));
  project.write(`dist/${hub}/03-ingress-controller.yaml`, doc(deployment('traefik', 'traefik')));
  project.write(`dist/${hub}/04-cluster-issuers.yaml`, doc(`apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\nspec: {}\n`));
  project.write(`dist/${hub}/05-jupyterhub.yaml`, doc(deployment('jhub', 'hub'), deployment('jhub', 'proxy')));
  project.write(`dist-secrets/${hub}/00-namespaces.yaml`, doc(ns('jhub')));
  project.write(`dist-secrets/${hub}/05-jupyterhub.yaml`, doc(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: hub\n  namespace: jhub\nstringData:\n  token: fake-proxy-token-for-tests\n`));
}
