/**
 * `jhm status <hub>`: one line per check (ok / FAIL / skip with the reason), exit 0 only when every
 * check that ran passed. The resolver and HTTP client are replaced, so nothing leaves the machine;
 * the real ones are tested against servers on 127.0.0.1 that never answer.
 */
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import { httpsGet, probes, resolve4 } from '../../cli/tools/status-checks';
import { FakeRule } from '../support/fake-tools/fake-tool';
import { createProject, FAKE_CLUSTER_ID, FAKE_INGRESS_IP, runCli, TestProject } from '../support/fake-tools/project';

let project: TestProject;
let resolveSpy: jest.SpyInstance;
let httpSpy: jest.SpyInstance;

const HOST = 'example.hub-tests.invalid';

beforeEach(() => {
  project = createProject();
  resolveSpy = jest.spyOn(probes, 'resolve4').mockResolvedValue([FAKE_INGRESS_IP]);
  httpSpy = jest.spyOn(probes, 'httpGet').mockResolvedValue(200);
});

afterEach(() => {
  resolveSpy.mockRestore();
  httpSpy.mockRestore();
  project.dispose();
});

function writeOutputs(values: Record<string, string> = { cluster_id: FAKE_CLUSTER_ID, ingress_ip: FAKE_INGRESS_IP }) {
  project.write('outputs/example.json', JSON.stringify({ example: values }, null, 2));
}

const certificates = (ready: boolean) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        metadata: { name: 'hub-tls', namespace: 'jhub' },
        status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', message: ready ? 'Certificate is up to date and has not expired' : 'Issuing certificate as Secret does not exist' }] },
      },
    ],
  });

function setUpKubectl(rules: readonly FakeRule[]) {
  const k = project.fake('kubectl', rules);
  process.env.JHM_KUBECTL = k.path;
  project.write('.jhm/kubeconfig/example.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
  return k;
}

const lines = (stdout: string) => stdout.split('\n').filter((l) => l !== '');

/** What `kubectl get services -n traefik -o json` prints: the ingress controller's LoadBalancer Service with these external IPs, and a ClusterIP one. */
const services = (ips: readonly string[], loadBalancerIP: string | undefined = FAKE_INGRESS_IP) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        metadata: { name: 'traefik', namespace: 'traefik' },
        spec: { type: 'LoadBalancer', ...(loadBalancerIP ? { loadBalancerIP } : {}) },
        status: { loadBalancer: ips.length > 0 ? { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) } : {} },
      },
      { metadata: { name: 'traefik-metrics', namespace: 'traefik' }, spec: { type: 'ClusterIP' }, status: { loadBalancer: {} } },
    ],
  });

describe('rule: jhm status checks outputs, DNS, reachability and the certificate, one line each: a failed check fails the command (exit 1), a skipped one says why', () => {
  test('every check passes: one ok line each, exit 0', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get', 'certificates.cert-manager.io'], stdout: certificates(true) }, { when: ['get', 'services'], stdout: services([FAKE_INGRESS_IP]) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toEqual([
      `ok    Terraform outputs (outputs/example.json): cluster ${FAKE_CLUSTER_ID}, ingress IP ${FAKE_INGRESS_IP}`,
      `ok    DNS (${HOST}): resolves to ${FAKE_INGRESS_IP}`,
      `ok    ingress IP (namespace traefik): traefik on ${FAKE_INGRESS_IP}`,
      'ok    TLS certificate (namespace jhub): hub-tls ready',
      `ok    hub reachability (https://${HOST}/hub/health): HTTP 200`,
    ]);
    expect(r.code).toBe(0);
  });

  test('looks up the hub host and GETs <hub url>/hub/health with short timeouts', async () => {
    writeOutputs();
    await runCli(['-C', project.root, 'status', 'example']);
    expect(resolveSpy).toHaveBeenCalledWith(HOST, expect.any(Number));
    expect(resolveSpy.mock.calls[0][1]).toBeLessThanOrEqual(5000);
    expect(httpSpy).toHaveBeenCalledWith(`https://${HOST}/hub/health`, expect.any(Number));
    expect(httpSpy.mock.calls[0][1]).toBeLessThanOrEqual(10000);
  });

  test('asks kubectl for the ingress namespace\'s Services and the Certificates of the JupyterHub namespace with the hub\'s kubeconfig', async () => {
    writeOutputs();
    const k = setUpKubectl([{ when: ['get', 'services'], stdout: services([FAKE_INGRESS_IP]) }, { when: ['get'], stdout: certificates(true) }]);
    await runCli(['-C', project.root, 'status', 'example']);
    expect(k.calls().map((c) => c.argv)).toEqual([
      ['--kubeconfig', `${project.root}/.jhm/kubeconfig/example.yaml`, 'get', 'services', '-n', 'traefik', '-o', 'json'],
      ['--kubeconfig', `${project.root}/.jhm/kubeconfig/example.yaml`, 'get', 'certificates.cert-manager.io', '-n', 'jhub', '-o', 'json'],
    ]);
  });

  test('without kubectl, the certificate check is skipped with the reason and does not fail the status', async () => {
    writeOutputs();
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain('skip  TLS certificate (namespace jhub): kubectl not found on PATH: skipped certificate check');
    expect(lines(r.stdout)).toContain('skip  ingress IP (namespace traefik): kubectl not found on PATH: skipped ingress IP check');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/3 checks passed, 2 skipped/);
  });

  test('without a kubeconfig, the certificate check is skipped and says how to get one', async () => {
    writeOutputs();
    process.env.JHM_KUBECTL = project.fake('kubectl', []).path;
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain('skip  TLS certificate (namespace jhub): no kubeconfig (run jhm kubeconfig example): skipped certificate check');
    expect(project.calls()).toEqual([]);
  });

  test('a hub never deployed from here: the outputs check fails, DNS is skipped, exit 1', async () => {
    const r = await runCli(['-C', project.root, 'status', 'example']);
    const out = lines(r.stdout);
    expect(out[0]).toBe('FAIL  Terraform outputs (outputs/example.json): not found: the hub has not been deployed from here (run jhm deploy example)');
    expect(out[1]).toBe(`skip  DNS (${HOST}): no ingress IP in the outputs file: skipped DNS check`);
    expect(resolveSpy).not.toHaveBeenCalled();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: example: 1 of 2 checks failed \(Terraform outputs\)/);
  });

  test('DNS pointing elsewhere fails and shows both addresses', async () => {
    writeOutputs();
    resolveSpy.mockResolvedValue(['198.51.100.7']);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain(`FAIL  DNS (${HOST}): resolves to 198.51.100.7, expected ${FAKE_INGRESS_IP} (the record may not have propagated yet)`);
    expect(r.code).toBe(1);
  });

  test('a failed lookup (no network) fails the DNS check with the resolver\'s error', async () => {
    writeOutputs();
    resolveSpy.mockRejectedValue(Object.assign(new Error('queryA ECONNREFUSED example.hub-tests.invalid'), { code: 'ECONNREFUSED' }));
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain(`FAIL  DNS (${HOST}): lookup failed: queryA ECONNREFUSED example.hub-tests.invalid (expected ${FAKE_INGRESS_IP})`);
    expect(r.code).toBe(1);
  });

  test('a certificate that is not Ready fails with cert-manager\'s message', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get'], stdout: certificates(false) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain('FAIL  TLS certificate (namespace jhub): hub-tls not ready: Issuing certificate as Secret does not exist');
    expect(r.code).toBe(1);
  });

  test('no Certificate at all fails and points at jhm apply', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get'], stdout: '{"items": []}' }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain('FAIL  TLS certificate (namespace jhub): no Certificate in namespace jhub yet (run jhm apply example)');
  });

  test('kubectl failing (cluster unreachable) fails the certificate check with its first error line', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get'], exitCode: 1, stderr: 'E0101 00:00:00.000000   12345 memcache.go:265] couldn\'t get current server API group list\nUnable to connect to the server: dial tcp 203.0.113.5:6443: i/o timeout\n' }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain('FAIL  TLS certificate (namespace jhub): kubectl get certificate: Unable to connect to the server: dial tcp 203.0.113.5:6443: i/o timeout (exit status 1)');
    expect(r.code).toBe(1);
  });

  test('an unreachable hub fails the reachability check', async () => {
    writeOutputs();
    httpSpy.mockRejectedValue(new Error('no answer within 5 s'));
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain(`FAIL  hub reachability (https://${HOST}/hub/health): no connection: no answer within 5 s`);
    expect(r.code).toBe(1);
  });

  test('a hub answering 503 fails the reachability check with the status', async () => {
    writeOutputs();
    httpSpy.mockResolvedValue(503);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)).toContain(`FAIL  hub reachability (https://${HOST}/hub/health): HTTP 503`);
  });

  test('a malformed outputs file fails the outputs check with the file named', async () => {
    project.write('outputs/example.json', '{ not json');
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(lines(r.stdout)[0]).toMatch(/^FAIL {2}Terraform outputs \(outputs\/example\.json\): .*not valid JSON/);
    expect(r.code).toBe(1);
  });
});

describe('jhm status: the ingress Service\'s external IP (issue 12, item 4)', () => {
  const OTHER = '198.51.100.7';
  const ingressFile = (ip?: string) =>
    project.write(
      'dist/example/03-ingress-controller.yaml',
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: traefik\n  namespace: traefik\nspec:\n  type: LoadBalancer\n${ip ? `  loadBalancerIP: ${ip}\n` : ''}`,
    );
  const ingressLine = (stdout: string) => lines(stdout).find((l) => l.includes('ingress IP (namespace traefik)'));

  test('rule: the live Service on the reserved IP passes', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get', 'services'], stdout: services([FAKE_INGRESS_IP]) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe(`ok    ingress IP (namespace traefik): traefik on ${FAKE_INGRESS_IP}`);
    expect(r.code).toBe(0);
  });

  test('rule: a Service on another address fails with why (cloud-provider-openstack #2443) and the exact commands: delete the Service, apply again', async () => {
    writeOutputs();
    ingressFile(FAKE_INGRESS_IP);
    setUpKubectl([{ when: ['get', 'services'], stdout: services([OTHER]) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe(
      `FAIL  ingress IP (namespace traefik): Service traefik/traefik has ${OTHER}, not the reserved ${FAKE_INGRESS_IP} (outputs/example.json): ` +
        'the cloud controller adopts the floating IP only when the Service is created (cloud-provider-openstack #2443); ' +
        `fix: kubectl --kubeconfig ${project.root}/.jhm/kubeconfig/example.yaml delete service -n traefik traefik && jhm apply example (hub example is unreachable until the new load balancer is up)`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: example: 1 of 5 checks failed \(ingress IP\)/);
    // status only looks: nothing is deleted.
    expect(project.calls().some((c) => c.argv.includes('delete'))).toBe(false);
  });

  test('rule: when the manifests on disk do not ask for the reserved IP either, the fix starts with jhm synth', async () => {
    writeOutputs();
    ingressFile();
    setUpKubectl([{ when: ['get', 'services'], stdout: services([OTHER], undefined) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toMatch(/fix: jhm synth example && kubectl .* delete service -n traefik traefik && jhm apply example \(/);
  });

  test('rule: with --kubeconfig, the fix passes the same kubeconfig to jhm apply', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get', 'services'], stdout: services([OTHER]) }, { when: ['get'], stdout: certificates(true) }]);
    const other = project.write('other kubeconfig.yaml', 'apiVersion: v1\nkind: Config\n');
    const r = await runCli(['-C', project.root, 'status', 'example', '--kubeconfig', other]);
    expect(ingressLine(r.stdout)).toContain(`&& jhm apply example --kubeconfig '${other}' (`);
  });

  test('rule: a Service with no external IP yet fails and says where to look', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get', 'services'], stdout: services([]) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe(
      `FAIL  ingress IP (namespace traefik): Service traefik/traefik has no external IP yet (expected ${FAKE_INGRESS_IP}; kubectl describe service -n traefik traefik shows why)`,
    );
  });

  test('rule: a Service whose load balancer reports a hostname and no IP is not said to have no external address', async () => {
    writeOutputs();
    const withHostname = JSON.parse(services([])) as { items: { status: { loadBalancer: unknown } }[] };
    withHostname.items[0].status.loadBalancer = { ingress: [{ hostname: 'lb.example.invalid' }] };
    setUpKubectl([{ when: ['get', 'services'], stdout: JSON.stringify(withHostname) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe(
      `FAIL  ingress IP (namespace traefik): Service traefik/traefik has no external IP, only the hostname lb.example.invalid (expected ${FAKE_INGRESS_IP}; kubectl describe service -n traefik traefik shows its load balancer)`,
    );
  });

  test('rule: no LoadBalancer Service at all fails and points at jhm apply', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get', 'services'], stdout: '{"items": []}' }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe('FAIL  ingress IP (namespace traefik): no LoadBalancer Service in namespace traefik yet (run jhm apply example)');
  });

  test('rule: without a recorded ingress IP the check is skipped (nothing to compare with)', async () => {
    setUpKubectl([{ when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe('skip  ingress IP (namespace traefik): no ingress IP in the outputs file: skipped ingress IP check');
    expect(project.calls().some((c) => c.argv.includes('services'))).toBe(false);
  });

  test('rule: the hub file\'s ingress.loadBalancerIP is the one compared, as in synth', async () => {
    writeOutputs();
    const hubFile = `${project.root}/hubs/example.yaml`;
    project.write('hubs/example.yaml', fs.readFileSync(hubFile, 'utf8').replace('  controller: traefik\n', `  controller: traefik\n  loadBalancerIP: ${OTHER}\n`));
    setUpKubectl([{ when: ['get', 'services'], stdout: services([OTHER], OTHER) }, { when: ['get'], stdout: certificates(true) }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe(`ok    ingress IP (namespace traefik): traefik on ${OTHER}`);
  });

  test('kubectl failing fails the check with its first error line', async () => {
    writeOutputs();
    setUpKubectl([{ when: ['get'], exitCode: 1, stderr: 'Unable to connect to the server: dial tcp 203.0.113.5:6443: i/o timeout\n' }]);
    const r = await runCli(['-C', project.root, 'status', 'example']);
    expect(ingressLine(r.stdout)).toBe('FAIL  ingress IP (namespace traefik): kubectl get services: Unable to connect to the server: dial tcp 203.0.113.5:6443: i/o timeout (exit status 1)');
  });
});

describe('rule: the real probes fail fast instead of hanging', () => {
  test('resolve4 gives up after its timeout when the name server never answers', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
    const port = (silent.address() as net.AddressInfo).port;
    const started = Date.now();
    try {
      await expect(resolve4('example.hub-tests.invalid', 300, [`127.0.0.1:${port}`])).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  test('httpsGet gives up after its timeout when the server accepts but never answers', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as net.AddressInfo).port;
    const started = Date.now();
    try {
      await expect(httpsGet(`https://127.0.0.1:${port}/hub/health`, 300)).rejects.toThrow(/no answer within 0.3 s/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  test('httpsGet fails at once when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((res) => server.close(() => res()));
    await expect(httpsGet(`https://127.0.0.1:${port}/hub/health`, 5000)).rejects.toThrow(/ECONNREFUSED/);
  });
});
