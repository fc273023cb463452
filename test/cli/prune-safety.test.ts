/**
 * `jhm apply --prune` (cli/tools/prune.ts) with the fake kubectl: what it must never delete, and
 * the record of the kinds applied (`.jhm/applied/<cluster>.json`) when an apply fails half-way.
 */
import * as fs from 'fs';
import { OWNER_CLUSTER_LABEL } from '../../k8s/ownership';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, runCli, TestProject, writeManifests } from '../support/fake-tools/project';

let project: TestProject;

beforeEach(() => {
  project = createProject();
  writeManifests(project);
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
});

afterEach(() => project.dispose());

const OURS = { [OWNER_CLUSTER_LABEL]: 'example' };

function kubectl(items: readonly object[], extra: readonly FakeRule[] = []) {
  const k = project.fake('kubectl', [...extra, { when: ['get', '--all-namespaces'], stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) }]);
  process.env.JHM_KUBECTL = k.path;
  return k;
}

const argv = (a: readonly string[]) => (a[0] === '--kubeconfig' ? a.slice(2) : [...a]);
const calls = () => project.calls().map((c) => argv(c.argv));
const deletes = () => calls().filter((a) => a[0] === 'delete');

describe('jhm apply --prune: never deletes what it has just applied', () => {
  test('rule: an object of dist/ without metadata.namespace (kubectl put it in the context\'s namespace) is not pruned from that namespace', async () => {
    // A hand edit: the ServiceAccount lost its namespace, so kubectl apply created it in "default".
    const file = project.root + '/dist/example/02-cert-manager.yaml';
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('kind: ServiceAccount\nmetadata:\n  name: cert-manager\n  namespace: cert-manager\n', 'kind: ServiceAccount\nmetadata:\n  name: cert-manager\n'));
    expect(fs.readFileSync(file, 'utf8')).not.toBe(text);
    kubectl([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cert-manager', namespace: 'default', labels: OURS } }]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(deletes()).toEqual([]);
    expect(r.stderr).toContain('prune: nothing to delete on example');
  });
});

describe('the record of the kinds applied (.jhm/applied/<cluster>.json)', () => {
  const record = () => project.root + '/.jhm/applied/example.json';

  test('rule: it is written before kubectl applies anything, so an apply that fails half-way still records the kinds it may have created', async () => {
    kubectl([], [{ when: ['apply', 'dist/example/03-ingress-controller.yaml'], stderr: 'error: boom\n', exitCode: 1 }]);
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).not.toBe(0);
    // Stage 2 (cert-manager's ServiceAccount and Deployments) was applied before stage 3 failed.
    expect(calls().some((a) => a[0] === 'apply' && a.includes('dist/example/02-cert-manager.yaml'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(record(), 'utf8')).types).toEqual(expect.arrayContaining(['ServiceAccount', 'Deployment.apps', 'ClusterIssuer.cert-manager.io']));
  });

  test('rule: a corrupt record is a one-line error naming it, before kubectl touches the cluster', async () => {
    project.write('.jhm/applied/example.json', '{"types": [');
    kubectl([]);
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\.jhm\/applied\/example\.json.*is not JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(calls()).toEqual([]);
  });

  test('rule: a dry run writes no record', async () => {
    kubectl([]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--dry-run']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(record())).toBe(false);
  });
});

describe('jhm apply --dry-run --prune', () => {
  test('rule: when kubectl cannot list the live objects (cluster unreachable), the dry run prints the listing command with the reason, and never says an apply succeeded', async () => {
    const k = project.fake('kubectl', [{ when: ['get', '--all-namespaces'], stderr: 'Unable to connect to the server: dial tcp 203.0.113.5:6443: i/o timeout\n', exitCode: 1 }]);
    process.env.JHM_KUBECTL = k.path;
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune', '--dry-run']);
    expect(r.stderr).not.toMatch(/apply itself succeeded/);
    expect(r.code).toBe(0);
    expect(calls().filter((a) => a[0] !== 'get')).toEqual([]);
    expect(r.stdout).toMatch(
      /# prune: cannot list the live objects \(kubectl get: Unable to connect to the server: dial tcp 203\.0\.113\.5:6443: i\/o timeout \(exit status 1\)\); these list them:\n.*kubectl --kubeconfig \S+ get \S+ --all-namespaces -l jupyterhub-magnum\/cluster=example -o json\n$/,
    );
  });
});
