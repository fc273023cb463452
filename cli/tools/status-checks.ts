/**
 * The checks of `jhm status`: each says what it looked at and what it found, and either passed,
 * failed or was skipped (with the reason). Network checks have short timeouts and go through
 * `probes`, which tests replace so that nothing leaves the machine.
 */
import * as dns from 'dns';
import * as https from 'https';
import * as path from 'path';
import { Hub } from '../../model/hub';
import { ProjectLayout } from '../../project/layout';
import { INFRA_OUTPUTS, outputsFilePath, readInfraOutputs } from '../../project/outputs';
import { ingressReservation, ingressServices, serviceName } from './ingress-guard';
import { Kubectl } from './kubectl';
import { describeFailure, formatSeconds, shellQuote, succeeded } from '../../base/process';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  /** What was checked, e.g. `DNS`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found, or why the check was skipped. */
  readonly detail: string;
}

/** Network access of the checks; replaceable for tests. */
export interface Probes {
  /** IPv4 addresses of `host`; rejects after `timeoutMs`. */
  resolve4(host: string, timeoutMs: number): Promise<string[]>;
  /** HTTP status of a GET of `url`; rejects after `timeoutMs` (connect, TLS and response). */
  httpGet(url: string, timeoutMs: number): Promise<number>;
}

/**
 * Looks up A records with c-ares (one try), at most `timeoutMs`. `servers` (e.g.
 * `['127.0.0.1:5353']`) replaces the system's name servers.
 */
export function resolve4(host: string, timeoutMs: number, servers?: readonly string[]): Promise<string[]> {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, timeoutMs), tries: 1 });
  if (servers) resolver.setServers([...servers]);
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  signal.addEventListener('abort', () => resolver.cancel(), { once: true });
  return resolver.resolve4(host).catch((e: unknown) => {
    throw signal.aborted ? new Error(`no answer within ${formatSeconds(timeoutMs)}`) : e;
  });
}

/** GETs `url` over HTTPS (certificate verified), at most `timeoutMs` in all; resolves to the status code. */
export function httpsGet(url: string, timeoutMs: number): Promise<number> {
  // One limit for connect, TLS and response: the request is aborted when the signal fires.
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  return new Promise<number>((resolve, reject) => {
    const req = https.get(url, { signal, headers: { 'user-agent': 'jhm-status' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (e) => reject(signal.aborted ? new Error(`no answer within ${formatSeconds(timeoutMs)}`) : e));
  });
}

/** The real network. */
export const probes: Probes = {
  resolve4: (host, timeoutMs) => resolve4(host, timeoutMs),
  httpGet: (url, timeoutMs) => httpsGet(url, timeoutMs),
};

const DNS_TIMEOUT_MS = 3000;
const HTTP_TIMEOUT_MS = 5000;
const KUBECTL_TIMEOUT_MS = 15000;

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code && !String(err.message).includes(err.code) ? `${err.code} ` : '';
  return `${code}${err?.message ?? String(e)}`.trim();
}

/** What `terraform output` said after the last deploy of the hub's cluster, from `outputs/<cluster>.json`. */
export interface OutputsCheck extends CheckResult {
  readonly ingressIp?: string;
}

/**
 * The outputs file of the hub's cluster (`outputs/<cluster>.json`) exists and has the cluster id
 * and the ingress IP; on a cluster file, `hub_urls` also names the hub (else its A record was
 * added to the cluster file's stack after the last deploy).
 */
export function checkOutputs(root: string, hub: Hub): OutputsCheck {
  const cluster = hub.cluster.name;
  const file = path.relative(root, outputsFilePath(root, cluster));
  const check = `Terraform outputs (${file})`;
  let outputs;
  try {
    outputs = readInfraOutputs(root, cluster);
  } catch (e) {
    return { check, status: 'failed', detail: errorText(e) };
  }
  // A cluster its hub's file defines is deployed as the hub.
  const what = hub.cluster.naming.ownerHub !== undefined ? 'the hub' : `cluster ${cluster}`;
  if (outputs === undefined) return { check, status: 'failed', detail: `not found: ${what} has not been deployed from here (run jhm deploy ${cluster})` };
  const missing = [
    ...(outputs.clusterId ? [] : [INFRA_OUTPUTS.clusterId]),
    ...(outputs.ingressIp ? [] : [INFRA_OUTPUTS.ingressIp]),
    ...(!hub.cluster.naming.hubNamed || outputs.hubUrls?.[hub.name] !== undefined ? [] : [`${INFRA_OUTPUTS.hubUrls}.${hub.name} (the hub's DNS record)`]),
  ];
  const found = `cluster ${outputs.clusterId ?? '?'}, ingress IP ${outputs.ingressIp ?? '?'}`;
  if (missing.length > 0) return { check, status: 'failed', detail: `${found}; missing ${missing.join(', ')} (run jhm deploy ${cluster})`, ingressIp: outputs.ingressIp };
  return { check, status: 'ok', detail: found, ingressIp: outputs.ingressIp };
}

/** The hub's host resolves to its cluster's ingress IP. */
export async function checkDns(hub: Hub, ingressIp: string | undefined, p: Probes = probes): Promise<CheckResult> {
  const check = `DNS (${hub.host})`;
  if (ingressIp === undefined) return { check, status: 'skipped', detail: 'no ingress IP in the outputs file: skipped DNS check' };
  let addresses: string[];
  try {
    addresses = await p.resolve4(hub.host, DNS_TIMEOUT_MS);
  } catch (e) {
    return { check, status: 'failed', detail: `lookup failed: ${errorText(e)} (expected ${ingressIp})` };
  }
  if (addresses.includes(ingressIp)) return { check, status: 'ok', detail: `resolves to ${ingressIp}` };
  return { check, status: 'failed', detail: `resolves to ${addresses.join(', ') || 'nothing'}, expected ${ingressIp} (the record may not have propagated yet)` };
}

/** Every cert-manager Certificate in the JupyterHub namespace is Ready. */
export async function checkCertificates(hub: Hub, kubectl: Kubectl | { skipped: string }): Promise<CheckResult> {
  const ns = hub.jupyterhub.namespace;
  const check = `TLS certificate (namespace ${ns})`;
  if (!(kubectl instanceof Kubectl)) return { check, status: 'skipped', detail: `${kubectl.skipped}: skipped certificate check` };
  const r = await kubectl.run(['get', 'certificates.cert-manager.io', '-n', ns, '-o', 'json'], KUBECTL_TIMEOUT_MS);
  if (!succeeded(r)) return { check, status: 'failed', detail: `kubectl get certificate: ${describeFailure(r, KUBECTL_TIMEOUT_MS)}` };
  let items: { metadata?: { name?: string }; status?: { conditions?: { type?: string; status?: string; message?: string }[] } }[];
  try {
    items = (JSON.parse(r.stdout) as { items?: typeof items }).items ?? [];
  } catch {
    return { check, status: 'failed', detail: 'kubectl get certificate did not print JSON' };
  }
  const apply = hub.cluster.naming.ownerHub !== undefined ? `jhm apply ${hub.name}` : `jhm apply ${hub.cluster.name} --hub ${hub.name}`;
  if (items.length === 0) return { check, status: 'failed', detail: `no Certificate in namespace ${ns} yet (run ${apply})` };
  const notReady = items.filter((c) => !c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
  if (notReady.length === 0) return { check, status: 'ok', detail: `${items.map((c) => c.metadata?.name).join(', ')} ready` };
  const why = (c: (typeof items)[number]) => c.status?.conditions?.find((x) => x.type === 'Ready')?.message ?? 'no Ready condition yet';
  return { check, status: 'failed', detail: notReady.map((c) => `${c.metadata?.name} not ready: ${why(c)}`).join('; ') };
}

/** `<hub.url>/hub/health` answers 200 over HTTPS with a valid certificate. */
export async function checkHubHealth(hub: Hub, p: Probes = probes): Promise<CheckResult> {
  const url = `${hub.url}/hub/health`;
  const check = `hub reachability (${url})`;
  try {
    const status = await p.httpGet(url, HTTP_TIMEOUT_MS);
    return status === 200 ? { check, status: 'ok', detail: 'HTTP 200' } : { check, status: 'failed', detail: `HTTP ${status}` };
  } catch (e) {
    return { check, status: 'failed', detail: `no connection: ${errorText(e)}` };
  }
}

interface LiveService {
  metadata?: { name?: string; namespace?: string };
  spec?: { type?: string; loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/**
 * Rule (issue 12, item 4): the live ingress Service's external IP is the cluster's reserved one.
 * Looks at every LoadBalancer Service of the ingress controller's namespace (`hub.cluster.ingress`)
 * and its `status.loadBalancer.ingress[].ip`. On a mismatch the fix is to delete the Service and
 * apply again: OpenStack's cloud controller adopts the floating IP only when the Service is
 * created (cloud-provider-openstack #2443); `jhm synth` first when the manifests on disk do not
 * ask for the IP either.
 */
export async function checkIngressAddress(root: string, hub: Hub, kubectl: Kubectl | { skipped: string }): Promise<CheckResult> {
  const cluster = hub.cluster.name;
  const ns = hub.cluster.ingress.namespace;
  const check = `ingress IP (namespace ${ns})`;
  let expected: string | undefined;
  let from: string | undefined;
  try {
    ({ ip: expected, from } = ingressReservation(root, cluster, hub.cluster));
  } catch (e) {
    return { check, status: 'failed', detail: errorText(e) };
  }
  if (expected === undefined) return { check, status: 'skipped', detail: 'no ingress IP in the outputs file: skipped ingress IP check' };
  if (!(kubectl instanceof Kubectl)) return { check, status: 'skipped', detail: `${kubectl.skipped}: skipped ingress IP check` };
  const r = await kubectl.run(['get', 'services', '-n', ns, '-o', 'json'], KUBECTL_TIMEOUT_MS);
  if (!succeeded(r)) return { check, status: 'failed', detail: `kubectl get services: ${describeFailure(r, KUBECTL_TIMEOUT_MS)}` };
  let items: LiveService[];
  try {
    items = (JSON.parse(r.stdout) as { items?: LiveService[] }).items ?? [];
  } catch {
    return { check, status: 'failed', detail: 'kubectl get services did not print JSON' };
  }
  const balancers = items.filter((s) => s.spec?.type === 'LoadBalancer' && typeof s.metadata?.name === 'string');
  if (balancers.length === 0) return { check, status: 'failed', detail: `no LoadBalancer Service in namespace ${ns} yet (run jhm apply ${cluster})` };

  const wrong: string[] = [];
  for (const s of balancers) {
    const name = serviceName({ namespace: s.metadata?.namespace ?? ns, name: s.metadata!.name! });
    const ips = (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
    if (ips.includes(expected)) continue;
    // A load balancer may report a hostname instead of an IP (Kubernetes' LoadBalancerIngress).
    const hostnames = (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.hostname ? [i.hostname] : []));
    if (ips.length === 0 && hostnames.length > 0) {
      wrong.push(`Service ${name} has no external IP, only the hostname ${hostnames.join(', ')} (expected ${expected}; kubectl describe service -n ${ns} ${s.metadata!.name!} shows its load balancer)`);
      continue;
    }
    wrong.push(ips.length === 0 ? `Service ${name} has no external IP yet (expected ${expected}; kubectl describe service -n ${ns} ${s.metadata!.name!} shows why)` : fixOfMismatch(root, hub, kubectl, s, name, ips, expected, from));
  }
  if (wrong.length === 0) return { check, status: 'ok', detail: `${balancers.map((s) => s.metadata!.name!).join(', ')} on ${expected}` };
  return { check, status: 'failed', detail: wrong.join('; ') };
}

/** The FAIL detail of an ingress Service on another address than `expected`, with the exact commands that fix it. */
function fixOfMismatch(root: string, hub: Hub, kubectl: Kubectl, s: LiveService, name: string, ips: readonly string[], expected: string, from: string | undefined): string {
  const cluster = hub.cluster.name;
  const ns = s.metadata?.namespace ?? hub.cluster.ingress.namespace;
  // jhm apply finds .jhm/kubeconfig/<cluster>.yaml itself; another kubeconfig is passed on.
  const given = kubectl.options.kubeconfig;
  const own = given !== undefined && path.resolve(given) !== new ProjectLayout(root).kubeconfig(cluster) ? given : undefined;
  // The manifests on disk must ask for the IP, or the new Service would miss it again.
  let stale = false;
  try {
    stale = ingressServices(root, cluster).some((d) => d.name === s.metadata?.name && d.loadBalancerIP !== expected);
  } catch {
    stale = true;
  }
  const steps = [
    ...(stale ? [`jhm synth ${cluster}`] : []),
    kubectl.commandLine(['delete', 'service', '-n', ns, s.metadata!.name!], 'kubectl'),
    `jhm apply ${cluster}${own !== undefined ? ` --kubeconfig ${shellQuote(own)}` : ''}`,
  ];
  const hubs = hub.cluster.naming.ownerHub !== undefined ? `hub ${hub.name} is` : `every hub on cluster ${cluster} is`;
  return (
    `Service ${name} has ${ips.join(', ')}, not the reserved ${expected}${from ? ` (${from})` : ''}: the cloud controller adopts the floating IP only when the Service is created (cloud-provider-openstack #2443); ` +
    `fix: ${steps.join(' && ')} (${hubs} unreachable until the new load balancer is up)`
  );
}
