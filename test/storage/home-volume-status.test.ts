/**
 * `jhm status <hub>` of a shared hub (issue 22, item 5): one more line, the home volume's use
 * against its size, read with `kubectl exec` into the NFS server's quota-enforcer container
 * (`df -P -B1 /export`), through the fake kubectl of the status tests. A hub with a volume per
 * user has no such line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { probes } from '../../cli/tools/status-checks';
import { parseDf } from '../../cli/tools/storage-status';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, FAKE_CLUSTER_ID, FAKE_INGRESS_IP, runCli, TestProject } from '../support/fake-tools/project';

let project: TestProject;
let spies: jest.SpyInstance[];

beforeEach(() => {
  project = createProject();
  spies = [jest.spyOn(probes, 'resolve4').mockResolvedValue([FAKE_INGRESS_IP]), jest.spyOn(probes, 'httpGet').mockResolvedValue(200)];
  project.write('outputs/example.json', JSON.stringify({ example: { cluster_id: FAKE_CLUSTER_ID, ingress_ip: FAKE_INGRESS_IP } }));
});

afterEach(() => {
  spies.forEach((s) => s.mockRestore());
  project.dispose();
});

/** The example hub with `jupyterhub.storage` shared, 500Gi (with `backup`, backed up). */
function makeShared(backup?: Record<string, unknown>): void {
  const file = path.join(project.root, 'hubs', 'example.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  doc.setIn(['jupyterhub', 'storage'], doc.createNode({ type: 'shared', size: '500Gi', quota: '10Gi', ...(backup ? { backup } : {}) }));
  fs.writeFileSync(file, doc.toString());
}

const GIB = 1024 ** 3;
/** What GNU `df -P -B1 /export` prints for an XFS volume of `size` bytes with `used` used. */
const df = (size: number, used: number) =>
  `Filesystem       1-blocks         Used    Available Capacity Mounted on\n/dev/sdb  ${size} ${used} ${size - used} ${Math.ceil((used / size) * 100)}% /export\n`;

function setUpKubectl(rules: readonly FakeRule[]) {
  const k = project.fake('kubectl', [...rules, { when: ['get', 'certificates.cert-manager.io'], stdout: '{"items":[{"metadata":{"name":"hub-tls"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}]}' }, { when: ['get', 'services'], stdout: '{"items":[]}' }]);
  process.env.JHM_KUBECTL = k.path;
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
  return k;
}

const homeLine = (stdout: string) => stdout.split('\n').find((l) => l.includes('home volume'));
const backupLine = (stdout: string) => stdout.split('\n').find((l) => l.includes('home backup'));
const BACKUP = { repository: 's3:https://objects.example.invalid/bucket/homes' };
const HOUR = 3600_000;
/** What `kubectl get cronjob home-backup -o json` prints with this status. */
const cronJob = (status: Record<string, string>) => JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'home-backup', namespace: 'jhub' }, status });
const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
const volumeRule: FakeRule = { when: ['exec', 'df'], stdout: '' };

describe('jhm status: the home volume of a shared hub', () => {
  test('rule: the use against the size is one ok line, read with df in the NFS server\'s quota-enforcer container', async () => {
    makeShared();
    const k = setUpKubectl([{ when: ['exec', 'df'], stdout: df(500 * GIB, Math.round(123.4 * GIB)) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(homeLine(r.stdout)).toBe('ok    home volume (namespace jhub): 123.4 GiB of 500.0 GiB used (25%; the hub file asks 500Gi)');
    expect(k.calls().map((c) => c.argv.slice(2)).filter((a) => a[0] === 'exec')).toEqual([['exec', '-n', 'jhub', 'deployment/home-nfs', '-c', 'enforce-xfs-quota', '--', 'df', '-P', '-B1', '/export']]);
  });

  test('rule: from 90% used the check fails and says to grow jupyterhub.storage.size and deploy', async () => {
    makeShared();
    setUpKubectl([{ when: ['exec', 'df'], stdout: df(500 * GIB, 460 * GIB) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(homeLine(r.stdout)).toBe('FAIL  home volume (namespace jhub): 460.0 GiB of 500.0 GiB used (92%; the hub file asks 500Gi): nearly full (grow jupyterhub.storage.size in hubs/example.yaml, then jhm deploy example)');
    expect(r.code).toBe(1);
  });

  test('rule: a failed exec (no NFS server yet) fails the check with kubectl\'s error', async () => {
    makeShared();
    setUpKubectl([{ when: ['exec'], stderr: 'Error from server (NotFound): deployments.apps "home-nfs" not found\n', exitCode: 1 }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(homeLine(r.stdout)).toMatch(/^FAIL {2}home volume \(namespace jhub\): kubectl exec deployment\/home-nfs df: .*deployments\.apps "home-nfs" not found/);
  });

  test('rule: without kubectl the check is skipped with the reason', async () => {
    makeShared();
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(homeLine(r.stdout)).toBe('skip  home volume (namespace jhub): kubectl not found on PATH: skipped home volume check');
  });

  test('rule: a hub with a volume per user has no home volume line', async () => {
    setUpKubectl([]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(homeLine(r.stdout)).toBeUndefined();
  });

  test('rule: df output that is not one file system\'s size and use is refused (no guessed numbers)', () => {
    expect(parseDf(df(500 * GIB, 1))).toEqual({ size: 500 * GIB, used: 1 });
    expect(parseDf('')).toBeUndefined();
    expect(parseDf('Filesystem 1-blocks Used Available Capacity Mounted on\n')).toBeUndefined();
    expect(parseDf('Filesystem 1-blocks Used Available Capacity Mounted on\n/dev/sdb x y z 1% /export\n')).toBeUndefined();
  });

  test('rule (backups): a backup that succeeded within 26 hours is one ok line with its age, read from the CronJob\'s lastSuccessfulTime', async () => {
    makeShared(BACKUP);
    const last = ago(3 * HOUR);
    const k = setUpKubectl([{ ...volumeRule, stdout: df(500 * GIB, GIB) }, { when: ['get', 'cronjob', 'home-backup'], stdout: cronJob({ lastScheduleTime: last, lastSuccessfulTime: last }) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(backupLine(r.stdout)).toBe(`ok    home backup (namespace jhub): the last backup succeeded 3.0 h ago (${last})`);
    expect(k.calls().map((c) => c.argv.slice(2)).filter((a) => a[1] === 'cronjob')).toEqual([['get', 'cronjob', 'home-backup', '-n', 'jhub', '-o', 'json']]);
  });

  test('rule (backups): a last success older than 26 hours fails and says where to look', async () => {
    makeShared(BACKUP);
    const last = ago(30 * HOUR);
    setUpKubectl([{ ...volumeRule, stdout: df(500 * GIB, GIB) }, { when: ['get', 'cronjob'], stdout: cronJob({ lastScheduleTime: ago(HOUR), lastSuccessfulTime: last }) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(backupLine(r.stdout)).toBe(`FAIL  home backup (namespace jhub): the last backup succeeded 30.0 h ago (${last}), more than 26.0 h (kubectl logs -n jhub job/<the last home-backup job> shows why)`);
    expect(r.code).toBe(1);
  });

  test('rule (backups): a CronJob that never ran fails and says how to start a backup now; one that ran but never succeeded says when it last started', async () => {
    makeShared(BACKUP);
    setUpKubectl([{ ...volumeRule, stdout: df(500 * GIB, GIB) }, { when: ['get', 'cronjob'], stdout: cronJob({}) }]);
    const never = await runCli(['-C', project.root, 'status', 'example']);
    expect(backupLine(never.stdout)).toBe('FAIL  home backup (namespace jhub): no backup has run yet (schedule 0 3 * * *; start one with: kubectl create job -n jhub --from=cronjob/home-backup home-backup-now)');
    const started = ago(HOUR);
    setUpKubectl([{ ...volumeRule, stdout: df(500 * GIB, GIB) }, { when: ['get', 'cronjob'], stdout: cronJob({ lastScheduleTime: started }) }]);
    const failing = await runCli(['-C', project.root, 'status', 'example']);
    expect(backupLine(failing.stdout)).toBe(`FAIL  home backup (namespace jhub): no backup has succeeded yet (last started ${started}; kubectl logs -n jhub job/<the last home-backup job> shows why)`);
  });

  test('rule (backups): a shared hub without backups has no backup line', async () => {
    makeShared();
    setUpKubectl([{ ...volumeRule, stdout: df(500 * GIB, GIB) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(backupLine(r.stdout)).toBeUndefined();
    expect(homeLine(r.stdout)).toMatch(/^ok/);
  });
});
