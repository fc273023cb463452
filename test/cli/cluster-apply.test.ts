/**
 * `jhm apply <hub>`: kubectl in three stages with waits, a timeout per stage, a progress line per
 * stage, and a failure that names its stage and kubectl's first error line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApplyStage, planApply, runApply } from '../../cli/tools/apply-waves';
import { Kubectl } from '../../cli/tools/kubectl';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, runCli, TestProject, writeManifests } from '../support/fake-tools/project';

let project: TestProject;

beforeEach(() => {
  project = createProject();
  writeManifests(project);
});

afterEach(() => project.dispose());

function setUpKubectl(rules: readonly FakeRule[] = []) {
  const k = project.fake('kubectl', rules);
  process.env.JHM_KUBECTL = k.path;
  return k;
}

function writeKubeconfig(): string {
  return project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
}

const APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager=jhm'];

/** argv without the kubeconfig flag and with the remaining-time timeouts normalized. */
function normalized(argv: readonly string[]): string[] {
  const rest = argv[0] === '--kubeconfig' ? argv.slice(2) : [...argv];
  return rest.map((a) => (/^--timeout=\d+s$/.test(a) ? '--timeout=…' : a));
}

const EXPECTED_CALLS = [
  [...APPLY, '-f', 'dist/example/00-namespaces.yaml', '-f', 'dist/example/01-crds.yaml'],
  ['wait', '--for=condition=Established', '--timeout=…', 'crd/certificates.cert-manager.io', 'crd/clusterissuers.cert-manager.io'],
  [...APPLY, '-f', 'dist/example/02-cert-manager.yaml'],
  [...APPLY, '-f', 'dist/example/03-ingress-controller.yaml'],
  ['rollout', 'status', 'deployment/cert-manager', '-n', 'cert-manager', '--timeout=…'],
  ['rollout', 'status', 'deployment/cert-manager-webhook', '-n', 'cert-manager', '--timeout=…'],
  ['rollout', 'status', 'deployment/traefik', '-n', 'traefik', '--timeout=…'],
  [...APPLY, '-f', 'dist/example/04-cluster-issuers.yaml'],
  [...APPLY, '-f', 'dist-secrets/example/05-jupyterhub.yaml'],
  [...APPLY, '-f', 'dist/example/05-jupyterhub.yaml'],
  ['rollout', 'status', 'deployment/hub', '-n', 'jhub', '--timeout=…'],
  ['rollout', 'status', 'deployment/proxy', '-n', 'jhub', '--timeout=…'],
];

describe('jhm apply', () => {
  test('applies the waves in order (namespaces+CRDs, cert-manager+ingress, issuers+secrets+JupyterHub) with the waits between them', async () => {
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(project.calls().map((c) => normalized(c.argv))).toEqual(EXPECTED_CALLS);
  });

  test('passes the kubeconfig jhm kubeconfig wrote, runs in the project folder, never with stdin', async () => {
    const kubeconfig = writeKubeconfig();
    setUpKubectl();
    await runCli(['-C', project.root, 'apply', 'example']);
    const calls = project.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.argv.slice(0, 2)).toEqual(['--kubeconfig', kubeconfig]);
      expect(c.cwd).toBe(project.root);
      expect(c.stdin).toBe('/dev/null');
    }
  });

  test('--kubeconfig <file> wins over .jhm/kubeconfig/<hub>.yaml', async () => {
    writeKubeconfig();
    const other = project.write('other-kubeconfig.yaml', 'apiVersion: v1\nkind: Config\n');
    setUpKubectl();
    await runCli(['-C', project.root, 'apply', 'example', '--kubeconfig', other]);
    expect(new Set(project.calls().map((c) => c.argv[1]))).toEqual(new Set([other]));
  });

  test('without any kubeconfig: one line naming jhm kubeconfig, nothing run', async () => {
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no kubeconfig.*run jhm kubeconfig example/);
    expect(project.calls()).toEqual([]);
  });

  test('uses KUBECONFIG from the environment without passing --kubeconfig', async () => {
    process.env.KUBECONFIG = project.write('env-kubeconfig.yaml', 'apiVersion: v1\nkind: Config\n');
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(0);
    expect(project.calls().every((c) => c.argv[0] !== '--kubeconfig')).toBe(true);
  });

  test('prints one progress line per stage on stderr, with its duration', async () => {
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('['));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[1\/3\] namespaces, CRDs … ok \(\d+(\.\d)? s\)$/);
    expect(lines[1]).toMatch(/^\[2\/3\] cert-manager, ingress controller … ok \(\d+(\.\d)? s\)$/);
    expect(lines[2]).toMatch(/^\[3\/3\] ClusterIssuers, secrets, JupyterHub … ok \(\d+(\.\d)? s\)$/);
  });

  test('stops at the failing stage, naming it and quoting kubectl\'s first error line; later stages never run', async () => {
    writeKubeconfig();
    setUpKubectl([
      {
        when: ['rollout', 'deployment/cert-manager-webhook'],
        exitCode: 1,
        stderr: 'Waiting for deployment "cert-manager-webhook" rollout to finish: 0 of 1 updated replicas are available...\nerror: timed out waiting for the condition\n',
      },
    ]);
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[2\/3\] cert-manager, ingress controller … failed/);
    expect(r.stderr).toMatch(
      /error: stage 2\/3 \(cert-manager, ingress controller\) failed at Deployment cert-manager\/cert-manager-webhook available: error: timed out waiting for the condition \(exit status 1\)/,
    );
    const calls = project.calls().map((c) => normalized(c.argv));
    expect(calls).toEqual(EXPECTED_CALLS.slice(0, 6));
  });

  test('a kubectl that hangs is stopped when the stage\'s --timeout is up', async () => {
    writeKubeconfig();
    setUpKubectl([{ when: ['wait'], sleepMs: 60_000 }]);
    const started = Date.now();
    const r = await runCli(['-C', project.root, 'apply', 'example', '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stage 1\/3 \(namespaces, CRDs\) failed at 2 CRDs established: .*timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(project.calls()).toHaveLength(2);
  });

  test('the waits get the stage timeout as kubectl --timeout', async () => {
    writeKubeconfig();
    setUpKubectl();
    await runCli(['-C', project.root, 'apply', 'example', '--timeout', '120']);
    const waits = project.calls().filter((c) => c.argv.includes('wait') || c.argv.includes('rollout'));
    for (const w of waits) {
      const t = Number(/^--timeout=(\d+)s$/.exec(w.argv.find((a) => a.startsWith('--timeout='))!)![1]);
      expect(t).toBeGreaterThan(100);
      expect(t).toBeLessThanOrEqual(120);
    }
  });

  test('--dry-run prints every kubectl command and runs none', async () => {
    const kubeconfig = writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example', '--dry-run']);
    expect(r.code).toBe(0);
    expect(project.calls()).toEqual([]);
    const commands = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('cd '));
    expect(commands).toHaveLength(EXPECTED_CALLS.length);
    expect(commands[0]).toBe(`${process.env.JHM_KUBECTL} --kubeconfig ${kubeconfig} ${APPLY.join(' ')} -f dist/example/00-namespaces.yaml -f dist/example/01-crds.yaml`);
    expect(r.stdout).toContain('# [2/3] cert-manager, ingress controller (at most 300 s)');
    expect(r.stdout).toContain('rollout status deployment/cert-manager-webhook -n cert-manager --timeout=300s');
  });

  test('--dry-run works without kubectl installed', async () => {
    const r = await runCli(['-C', project.root, 'apply', 'example', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kubectl apply --server-side/m);
  });

  test('without kubectl: one line, exit 1', async () => {
    writeKubeconfig();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('kubectl not found on PATH');
  });

  test('a JHM_KUBECTL naming a missing file: one line, exit 1', async () => {
    writeKubeconfig();
    process.env.JHM_KUBECTL = path.join(project.bin, 'missing-kubectl');
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('JHM_KUBECTL=');
  });

  test('a hub without synthesized manifests says to run jhm synth', async () => {
    fs.rmSync(path.join(project.root, 'dist'), { recursive: true });
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no manifests in dist\/example\/ \(run jhm synth example\)/);
    expect(project.calls()).toEqual([]);
  });

  test('missing dist-secrets/<hub> is an error, not a hub without its Secrets', async () => {
    fs.rmSync(path.join(project.root, 'dist-secrets'), { recursive: true });
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no dist-secrets/example/');
  });

  test('a file of jhm\'s in dist/<hub> that is no known wave is refused rather than silently skipped (another tool\'s file is left out, and said so)', async () => {
    project.write('dist/example/06-extra.yaml', '# Extra. Generated by jhm from hubs/example.yaml: do not edit.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('06-extra.yaml');
  });

  test('--timeout must be a whole number of seconds (usage error, exit 2)', async () => {
    const r = await runCli(['-C', project.root, 'apply', 'example', '--timeout', 'soon']);
    expect(r.code).toBe(2);
  });
});

describe('planApply', () => {
  const daemonSet = (namespace: string, name: string) => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec: {}\n`;
  const rollouts = (stage: ApplyStage) => stage.steps.flatMap((s) => (s.kind === 'rollout' ? [s.resource] : []));

  test('waits for an ingress controller running as a DaemonSet, not for JupyterHub\'s image pullers', () => {
    project.write('dist/example/03-ingress-controller.yaml', `---\n${daemonSet('ingress-nginx', 'ingress-nginx-controller')}`);
    const hub = fs.readFileSync(path.join(project.root, 'dist/example/05-jupyterhub.yaml'), 'utf8');
    project.write('dist/example/05-jupyterhub.yaml', `${hub}---\n${daemonSet('jhub', 'continuous-image-puller')}`);
    const stages = planApply(project.root, 'example');
    expect(rollouts(stages[1])).toEqual(['deployment/cert-manager', 'deployment/cert-manager-webhook', 'daemonset/ingress-nginx-controller']);
    expect(rollouts(stages[2])).toEqual(['deployment/hub', 'deployment/proxy']);
  });

  test('a wave file that is absent is left out, not an error', () => {
    fs.rmSync(path.join(project.root, 'dist/example/04-cluster-issuers.yaml'));
    const stages = planApply(project.root, 'example');
    expect(stages[2].steps.flatMap((s) => (s.kind === 'apply' ? [s.files] : []))).toEqual([
      ['dist-secrets/example/05-jupyterhub.yaml'],
      ['dist/example/05-jupyterhub.yaml'],
    ]);
  });
});

describe('runApply', () => {
  test('retries an apply that failed because the cert-manager webhook was not ready yet', async () => {
    setUpKubectl([
      {
        when: ['dist/example/04-cluster-issuers.yaml'],
        failFirst: 2,
        failWith: {
          exitCode: 1,
          stderr: 'Error from server (InternalError): error when creating "dist/example/04-cluster-issuers.yaml": Internal error occurred: failed calling webhook "webhook.cert-manager.io": connect: connection refused\n',
        },
      },
    ]);
    const kubectl = new Kubectl({ bin: process.env.JHM_KUBECTL!, cwd: project.root });
    await runApply(planApply(project.root, 'example'), kubectl, { stageTimeoutMs: 30_000, retryDelayMs: 10 });
    const issuerApplies = project.calls().filter((c) => c.argv.includes('dist/example/04-cluster-issuers.yaml'));
    expect(issuerApplies).toHaveLength(3);
  });

  test('does not retry an error that will not go away by itself', async () => {
    setUpKubectl([{ when: ['dist/example/04-cluster-issuers.yaml'], exitCode: 1, stderr: 'error: error validating "dist/example/04-cluster-issuers.yaml": unknown field "spec.acme.emial"\n' }]);
    const kubectl = new Kubectl({ bin: process.env.JHM_KUBECTL!, cwd: project.root });
    await expect(runApply(planApply(project.root, 'example'), kubectl, { stageTimeoutMs: 30_000, retryDelayMs: 10 })).rejects.toThrow(
      /stage 3\/3 \(ClusterIssuers, secrets, JupyterHub\) failed at Let's Encrypt ClusterIssuers: error: error validating/,
    );
    expect(project.calls().filter((c) => c.argv.includes('dist/example/04-cluster-issuers.yaml'))).toHaveLength(1);
  });
});

describe('jhm apply: the ingress IP guard (issue 12, item 4)', () => {
  const RESERVED = '203.0.113.10';
  const OTHER = '198.51.100.7';
  const INGRESS_FILE = 'dist/example/03-ingress-controller.yaml';

  /** The ingress wave file with a Deployment and a LoadBalancer Service (`ip` as its spec.loadBalancerIP, if given). */
  function writeIngressService(ip?: string): void {
    const service = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: traefik',
      '  namespace: traefik',
      'spec:',
      '  type: LoadBalancer',
      ...(ip !== undefined ? [`  loadBalancerIP: ${ip}`] : []),
      '  ports:',
      '    - name: websecure',
      '      port: 443',
      '',
    ].join('\n');
    const deployment = fs.readFileSync(path.join(project.root, INGRESS_FILE), 'utf8');
    project.write(INGRESS_FILE, `${deployment}---\n${service}`);
  }

  /** A stack that allocates the ingress floating IP, as infra/ingress-floating-ip.ts writes it. */
  function writeStackWithFloatingIp(): void {
    project.write('cdktf.out/stacks/example/cdk.tf.json', JSON.stringify({ resource: { openstack_networking_floatingip_v2: { ingress: { pool: 'public' } } } }));
  }

  const writeRecordedIp = (ip = RESERVED) => project.write('outputs/example.json', JSON.stringify({ example: { cluster_id: 'fake-cluster-id-0000', ingress_ip: ip } }));

  async function refused(args: readonly string[] = []) {
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example', ...args]);
    expect(r.code).toBe(1);
    expect(project.calls()).toEqual([]);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr;
  }

  test('rule: a LoadBalancer Service without loadBalancerIP is refused while the stack reserves a floating IP not yet recorded: run jhm deploy first', async () => {
    writeIngressService();
    writeStackWithFloatingIp();
    const err = await refused();
    expect(err).toMatch(/^error: dist\/example\/03-ingress-controller\.yaml:\d+: spec\.loadBalancerIP: LoadBalancer Service traefik\/traefik has none, but cluster example reserves a floating IP \(cdktf\.out\/stacks\/example\/cdk\.tf\.json\)/);
    expect(err).toMatch(/\(run jhm deploy example first: it records the IP and re-synthesizes; then jhm apply example\)$/m);
  });

  test('rule: the guard names the line of the Service in the wave file', async () => {
    writeIngressService();
    writeStackWithFloatingIp();
    const err = await refused();
    const line = Number(/03-ingress-controller\.yaml:(\d+):/.exec(err)![1]);
    expect(fs.readFileSync(path.join(project.root, INGRESS_FILE), 'utf8').split('\n')[line - 1]).toBe('apiVersion: v1');
  });

  test('rule: --dry-run is refused the same way and prints no command', async () => {
    writeIngressService();
    writeStackWithFloatingIp();
    expect(await refused(['--dry-run'])).toMatch(/run jhm deploy example first/);
  });

  test('rule: with the IP recorded in outputs/<cluster>.json but manifests without it: run jhm synth', async () => {
    writeIngressService();
    writeRecordedIp();
    const err = await refused();
    expect(err).toContain(`LoadBalancer Service traefik/traefik has none, but the cluster's ingress IP is ${RESERVED} (outputs/example.json): the manifests are older than it`);
    expect(err).toMatch(/\(run jhm synth example, then jhm apply example\)$/m);
  });

  test('rule: a loadBalancerIP other than the recorded one is refused: run jhm synth', async () => {
    writeIngressService(OTHER);
    writeStackWithFloatingIp();
    writeRecordedIp();
    const err = await refused(['--hub', 'example']);
    expect(err).toContain(`LoadBalancer Service traefik/traefik asks for ${OTHER}, but the cluster's ingress IP is ${RESERVED} (outputs/example.json): the manifests are stale`);
    expect(err).toMatch(/run jhm synth example/);
  });

  test('rule: the Service asking for the recorded IP is applied', async () => {
    writeIngressService(RESERVED);
    writeStackWithFloatingIp();
    writeRecordedIp();
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(0);
    expect(project.calls().map((c) => normalized(c.argv))).toEqual(EXPECTED_CALLS);
  });

  test('rule: the hub file\'s ingress.loadBalancerIP wins over the recorded IP, as in synth', async () => {
    const hubFile = path.join(project.root, 'hubs/example.yaml');
    fs.writeFileSync(hubFile, fs.readFileSync(hubFile, 'utf8').replace('  controller: traefik\n', `  controller: traefik\n  loadBalancerIP: ${OTHER}\n`));
    writeIngressService(OTHER);
    writeRecordedIp();
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  test('rule: a stack that is not JSON is never taken for "no floating IP": the apply is refused, naming the stack', async () => {
    writeIngressService();
    project.write('cdktf.out/stacks/example/cdk.tf.json', '{"resource": {"openstack_networking_floatingip_v2": ');
    const err = await refused();
    expect(err).toMatch(/^error: cdktf\.out\/stacks\/example\/cdk\.tf\.json: is not valid JSON \(restore it from git, or delete it and run jhm synth to write it again\)$/m);
  });

  test('rule: a cluster that reserves no floating IP (no stack, nothing recorded) is applied as before', async () => {
    writeIngressService();
    writeKubeconfig();
    setUpKubectl();
    const r = await runCli(['-C', project.root, 'apply', 'example']);
    expect(r.code).toBe(0);
  });
});
