/**
 * `jhm apply --prune` (cli/tools/prune.ts) with the fake kubectl: after every stage succeeded, it
 * deletes the live objects labelled as jhm's own for the cluster (and hub) that left dist/ and
 * dist-secrets/, of the kinds jhm wrote (now, or recorded by an earlier apply), never Namespaces,
 * CRDs or PVCs (listed with the command to delete them by hand), and never what it has just
 * applied; the record of the kinds applied (`.jhm/applied/<cluster>.json`), also when an apply
 * fails half-way; and what a dry run prints when it cannot list the live objects.
 */
import * as fs from 'fs';
import { OWNER_CLUSTER_LABEL, OWNER_HUB_LABEL } from '../../k8s/ownership';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, runCli, TestProject, writeManifests } from '../support/fake-tools/project';

let project: TestProject;

beforeEach(() => {
  project = createProject();
  writeManifests(project);
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
});

afterEach(() => project.dispose());

interface Live {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  controlled?: boolean;
}

const OURS = { [OWNER_CLUSTER_LABEL]: 'example' };
const OURS_HUB = { [OWNER_CLUSTER_LABEL]: 'example', [OWNER_HUB_LABEL]: 'example' };

function list(items: readonly Live[]): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: items.map((i) => ({
      apiVersion: i.apiVersion,
      kind: i.kind,
      metadata: {
        name: i.name,
        ...(i.namespace ? { namespace: i.namespace } : {}),
        ...(i.labels ? { labels: i.labels } : {}),
        ...(i.controlled ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true }] } : {}),
      },
    })),
  });
}

function kubectl(live: readonly Live[], extra: readonly FakeRule[] = []) {
  const k = project.fake('kubectl', [...extra, { when: ['get', '--all-namespaces'], stdout: list(live) }]);
  process.env.JHM_KUBECTL = k.path;
  return k;
}

/** argv without the kubeconfig flag. */
const argv = (a: readonly string[]) => (a[0] === '--kubeconfig' ? a.slice(2) : [...a]);
const calls = () => project.calls().map((c) => argv(c.argv));
const gets = () => calls().filter((a) => a[0] === 'get');
const deletes = () => calls().filter((a) => a[0] === 'delete');

const LIVE: Live[] = [
  // In dist/: kept.
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'jhub', name: 'hub', labels: OURS_HUB },
  // Left dist/: deleted.
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'jhub', name: 'old-thing', labels: OURS_HUB },
  { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'letsencrypt-old', labels: OURS },
  // Not labelled as jhm's (whatever the server's filter returned), or another cluster's: never touched.
  { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'jhub', name: 'someone-elses' },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'jhub', name: 'other-cluster', labels: { [OWNER_CLUSTER_LABEL]: 'other' } },
  // Owned by a controller: its owner deletes it.
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'jhub', name: 'controlled', labels: OURS, controlled: true },
];

describe('jhm apply --prune', () => {
  test('rule: after every stage succeeded, deletes only the objects labelled jupyterhub-magnum/cluster=<cluster> that left dist/ and dist-secrets/', async () => {
    kubectl(LIVE);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const all = calls();
    const lastApply = all.map((a) => a[0]).lastIndexOf('apply');
    const firstGet = all.findIndex((a) => a[0] === 'get');
    expect(firstGet).toBeGreaterThan(lastApply);
    // The listing: jhm's label, every namespace, the kinds in dist/ and dist-secrets/.
    expect(gets()).toHaveLength(1);
    const [get] = gets();
    expect(get.slice(2)).toEqual(['--all-namespaces', '-l', `${OWNER_CLUSTER_LABEL}=example`, '-o', 'json']);
    expect(get[1].split(',')).toEqual(['ClusterIssuer.cert-manager.io', 'CustomResourceDefinition.apiextensions.k8s.io', 'Deployment.apps', 'Namespace', 'Secret', 'ServiceAccount']);
    expect(deletes()).toEqual([
      ['delete', 'ClusterIssuer.cert-manager.io/letsencrypt-old', '--ignore-not-found', '--timeout=300s'],
      ['delete', 'Deployment.apps/old-thing', '-n', 'jhub', '--ignore-not-found', '--timeout=300s'],
    ]);
    expect(r.stderr).toMatch(/prune: 2 objects on example no longer in dist\/: ClusterIssuer letsencrypt-old, Deployment jhub\/old-thing/);
  });

  test('rule: never deletes a Namespace, CRD or PersistentVolumeClaim; lists each with the kubectl command to delete it by hand', async () => {
    kubectl([
      { apiVersion: 'v1', kind: 'Namespace', name: 'old-ns', labels: OURS },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'olds.example.org', labels: OURS },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'jhub', name: 'hub-db-dir', labels: OURS_HUB },
    ]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(deletes()).toEqual([]);
    const kubeconfig = project.root + '/.jhm/kubeconfig/example.yaml';
    expect(r.stderr).toContain('prune: nothing to delete on example');
    expect(r.stderr).toContain(`prune: kept Namespace old-ns (never pruned: it takes data with it); to delete it: kubectl --kubeconfig ${kubeconfig} delete Namespace/old-ns`);
    expect(r.stderr).toContain(`kubectl --kubeconfig ${kubeconfig} delete CustomResourceDefinition.apiextensions.k8s.io/olds.example.org`);
    expect(r.stderr).toContain(`kubectl --kubeconfig ${kubeconfig} delete PersistentVolumeClaim/hub-db-dir -n jhub`);
    // The kinds of what was kept stay recorded after the prune of the whole cluster, so the next prune still lists them.
    expect(JSON.parse(fs.readFileSync(project.root + '/.jhm/applied/example.json', 'utf8')).types).toContain('PersistentVolumeClaim');
  });

  test('rule: with --hub, only objects labelled jupyterhub-magnum/hub=<hub> are listed and deleted', async () => {
    kubectl(LIVE);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--hub', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(gets()[0]).toContain(`${OWNER_CLUSTER_LABEL}=example,${OWNER_HUB_LABEL}=example`);
    // The ClusterIssuer is the platform's (no hub label): left alone.
    expect(deletes()).toEqual([['delete', 'Deployment.apps/old-thing', '-n', 'jhub', '--ignore-not-found', '--timeout=300s']]);
  });

  test('rule: without --prune nothing is listed or deleted; the kinds applied are recorded, and a kind that left dist/ is still looked for and pruned', async () => {
    kubectl([{ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'cert-manager', name: 'cert-manager', labels: OURS }]);
    expect((await runCli(['-C', project.root, 'apply', 'example'])).code).toBe(0);
    expect(gets()).toEqual([]);
    expect(deletes()).toEqual([]);
    const record = project.root + '/.jhm/applied/example.json';
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).types).toContain('ServiceAccount');

    // The only ServiceAccount leaves dist/: the record still names its kind.
    const file = project.root + '/dist/example/02-cert-manager.yaml';
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/apiVersion: v1\nkind: ServiceAccount\n[\s\S]*?---\n/, ''));
    expect(fs.readFileSync(file, 'utf8')).not.toContain('ServiceAccount');
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(gets()[0][1].split(',')).toContain('ServiceAccount');
    expect(deletes()).toEqual([['delete', 'ServiceAccount/cert-manager', '-n', 'cert-manager', '--ignore-not-found', '--timeout=300s']]);
    // After a prune of the whole cluster the record forgets it.
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).types).not.toContain('ServiceAccount');
  });

  test('rule: a failed stage prunes nothing', async () => {
    kubectl(LIVE, [{ when: ['apply', 'dist/example/03-ingress-controller.yaml'], stderr: 'error: boom\n', exitCode: 1 }]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).not.toBe(0);
    expect(gets()).toEqual([]);
    expect(deletes()).toEqual([]);
  });

  test('rule: --dry-run --prune prints the delete commands after the apply commands and deletes nothing', async () => {
    kubectl(LIVE);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune', '--dry-run']);
    expect(r.code).toBe(0);
    expect(calls().filter((a) => a[0] !== 'get')).toEqual([]);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(-3)).toEqual([
      '# prune: 2 objects on example no longer in dist/: ClusterIssuer letsencrypt-old, Deployment jhub/old-thing',
      expect.stringMatching(/ delete ClusterIssuer\.cert-manager\.io\/letsencrypt-old --ignore-not-found --timeout=300s$/),
      expect.stringMatching(/ delete Deployment\.apps\/old-thing -n jhub --ignore-not-found --timeout=300s$/),
    ]);
  });

  test('rule: --dry-run --prune without a kubeconfig prints the listing command instead', async () => {
    fs.rmSync(project.root + '/.jhm/kubeconfig/example.yaml');
    kubectl(LIVE);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune', '--dry-run']);
    expect(r.code).toBe(0);
    expect(calls()).toEqual([]);
    expect(r.stdout).toMatch(/# prune: cannot list the live objects \(no kubeconfig: run jhm kubeconfig example\); these list them:\n.*kubectl get \S+ --all-namespaces -l jupyterhub-magnum\/cluster=example -o json\n$/);
  });

  test('rule: a kind the cluster no longer has (its CRD is gone) is left out of the listing', async () => {
    kubectl(LIVE, [
      {
        when: ['get', '--all-namespaces'],
        stdout: list(LIVE.filter((l) => l.kind !== 'ClusterIssuer')),
        failFirst: 1,
        failWith: { stderr: 'error: the server doesn\'t have a resource type "ClusterIssuer"\n', exitCode: 1 },
      },
    ]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(gets()).toHaveLength(2);
    expect(gets()[1][1].split(',')).not.toContain('ClusterIssuer.cert-manager.io');
    expect(r.stderr).toContain('prune: the cluster has no resource type ClusterIssuer.cert-manager.io');
    expect(deletes()).toEqual([['delete', 'Deployment.apps/old-thing', '-n', 'jhub', '--ignore-not-found', '--timeout=300s']]);
  });

  test('rule: Secrets are not pruned when dist-secrets/ lacks the Secrets file of a wave (left out, not removed)', async () => {
    fs.rmSync(project.root + '/dist-secrets/example/05-jupyterhub.yaml');
    kubectl([{ apiVersion: 'v1', kind: 'Secret', namespace: 'jhub', name: 'hub', labels: OURS_HUB }]);
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    expect(deletes()).toEqual([]);
    expect(r.stderr).toMatch(/prune: kept Secret jhub\/hub \(not pruned: dist-secrets\/example\/ lacks Secrets files/);
  });
});

describe('jhm apply --prune: never deletes what it has just applied', () => {
  test('rule: an object of dist/ without metadata.namespace (kubectl put it in the context\'s namespace) is not pruned from that namespace', async () => {
    // A hand edit: the ServiceAccount lost its namespace, so kubectl apply created it in "default".
    const file = project.root + '/dist/example/02-cert-manager.yaml';
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('kind: ServiceAccount\nmetadata:\n  name: cert-manager\n  namespace: cert-manager\n', 'kind: ServiceAccount\nmetadata:\n  name: cert-manager\n'));
    expect(fs.readFileSync(file, 'utf8')).not.toBe(text);
    kubectl([{ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'cert-manager', labels: OURS }]);
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

describe('jhm apply and files jhm did not write in dist/<cluster>', () => {
  test('rule (issue 17, item 4): another tool\'s file in dist/<cluster> is not applied, and the apply of jhm\'s files goes on', async () => {
    project.write('dist/example/argocd-app.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: example\n');
    const k = project.fake('kubectl', [{ when: ['get', '--all-namespaces'], stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }) }]);
    process.env.JHM_KUBECTL = k.path;
    const r = await runCli(['-C', project.root, 'apply', 'example', '--prune']);
    expect(r.code).toBe(0);
    const files = project.calls().flatMap((c) => c.argv.filter((a) => a.startsWith('dist/') || a.startsWith('dist-secrets/')));
    expect(files).toContain('dist/example/05-jupyterhub.yaml');
    expect(files.filter((f) => f.includes('argocd-app'))).toEqual([]);
  });

  test('rule (issue 17, item 4): a dry run leaves another tool\'s file out too, and says so', async () => {
    project.write('dist/example/argocd-app.yaml', 'kind: Application\n');
    const r = await runCli(['-C', project.root, 'apply', 'example', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dist/example/00-namespaces.yaml');
    expect(r.stdout).not.toContain('argocd-app');
    expect(r.stderr).toContain('not applied (not written by jhm): dist/example/argocd-app.yaml');
  });
});
