/**
 * Rules of the resolved hub model (`model/hub.ts`), issue 10 "one place per fact":
 * - resolution carries what the hub file says into the model's fields;
 * - defaults are the schema's: resolution derives, it sets no literal default;
 * - host and zone are made by one function (`model/dns.ts`), which the constructs use too;
 * - one DNS-label regex and one IPv4 check (`net.isIPv4`) in the source;
 * - release names, namespaces, charts and the IngressClass are decided once, the platform's from
 *   `model/namespaces.ts`;
 * - the final load-balancer IP is decided in one place (`project/ingress-ip.ts`), with its warnings.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { DNS_LABEL, DNS_ZONE, hostInZone, isDnsLabel, isInZone, topLevelDomain } from '../../model/dns';
import { isUserError } from '../../model/errors';
import { defineHub, Hub, hubCharts, hubReleases } from '../../model/hub';
import { decideLoadBalancerIP, resolveLoadBalancerIP } from '../../project/ingress-ip';
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE, INGRESS_CONTROLLERS } from '../../model/namespaces';
import { formatDiagnostic } from '../../model/diagnostics';

const ROOT = path.resolve(__dirname, '..', '..');
const example = () => parse(fs.readFileSync(path.join(ROOT, 'hubs', 'example.yaml'), 'utf8')) as Record<string, any>;
const hubWith = (name: string, edit: (h: Record<string, any>) => void = () => undefined): Hub => {
  const input = example();
  edit(input);
  return defineHub(name, input, {}, `hubs/${name}.yaml`);
};

/** Every TypeScript source file of the tool (not tests or generated bindings), with its text. */
function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push([rel.split(path.sep).join('/'), fs.readFileSync(path.join(ROOT, rel), 'utf8')]);
    }
  };
  for (const d of ['model', 'project', 'infra', 'k8s', 'cli', 'bench', 'scripts']) if (fs.existsSync(path.join(ROOT, d))) walk(d);
  return out;
}

describe('rule: resolution carries the hub file into the model', () => {
  // (That consumers read resolved fields only, never the parsed file, the compiler guarantees:
  // the Hub type has no field holding it.)
  test('the resolved fields carry what the hub file says', () => {
    const hub = hubWith('example', (h) => {
      h.cloud = { name: 'js2', region: 'IU' };
      h.cluster.templateId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
      h.dns.ttl = 600;
    });
    expect(hub.cluster.cloud).toEqual({ name: 'js2', region: 'IU' });
    expect(hub.cluster.magnum.template).toEqual({ id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(hub.recordTtl).toBe(600);
    expect(hub.cluster.letsEncryptEmail).toBe(example().letsEncrypt.email);
    expect(hubWith('example').cluster.magnum.template).toEqual({ name: example().cluster.template ?? 'kubernetes-1-33-jammy' });
  });
});

describe('rule: defaults are set once, in the hub schema', () => {
  test('model/hub.ts sets no literal default (no `?? <literal>`): resolution only derives', () => {
    const text = fs.readFileSync(path.join(ROOT, 'model', 'hub.ts'), 'utf8');
    expect(text.match(/\?\?\s*(['"`{[]|\d|true\b|false\b)/g) ?? []).toEqual([]);
  });

  test('a nodegroup without role, labels or nodeCount gets the schema\'s role and labels and nodeCount = minNodes', () => {
    const hub = hubWith('example', (h) => {
      h.nodeGroups = [{ name: 'big', flavor: 'm3.large', minNodes: 2, maxNodes: 4 }];
      h.jupyterhub.profiles = [];
    });
    expect(hub.cluster.nodeGroups[0]).toMatchObject({ role: 'worker', labels: {}, nodeCount: 2 });
  });
});

describe('rule: host and zone are made by one function', () => {
  test('the hub\'s host is hostInZone(record, zone), with or without the record given', () => {
    expect(hubWith('example').host).toBe(hostInZone('example', example().dns.zone));
    expect(hubWith('example', (h) => (h.dns.record = 'lab')).host).toBe(hostInZone('lab', example().dns.zone));
  });

  test('property: a host made from a record and a zone lies in the zone, and the zone\'s TLD is its last label', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, fc.array(label, { minLength: 1, maxLength: 4 }), (record, labels) => {
        const zone = `${labels.join('.')}.`;
        expect(DNS_ZONE.test(zone)).toBe(true);
        expect(isInZone(hostInZone(record, zone), zone)).toBe(true);
        expect(isInZone(labels.join('.'), zone)).toBe(false);
        expect(topLevelDomain(zone)).toBe(labels[labels.length - 1]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('rule: one DNS-label regex and one IPv4 check', () => {
  test('isDnsLabel: lowercase letters, digits and "-", 1-63 characters (or a tighter limit), not starting or ending with "-"', () => {
    for (const good of ['a', 'jhub', 'physics-101', 'a'.repeat(63)]) expect(isDnsLabel(good)).toBe(true);
    for (const bad of ['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a'.repeat(64)]) expect(isDnsLabel(bad)).toBe(false);
    expect(isDnsLabel('a'.repeat(53), 53)).toBe(true);
    expect(isDnsLabel('a'.repeat(54), 53)).toBe(false);
  });

  test('no other source file spells the DNS-label regex, and none spells an IPv4 regex', () => {
    const label = DNS_LABEL.source.slice(1, -1);
    const spelled = sources()
      .filter(([file]) => file !== 'model/dns.ts')
      .filter(([, text]) => text.includes(label) || text.includes('[-a-z0-9]*[a-z0-9]') || text.includes('25[0-5]'))
      .map(([file]) => file);
    expect(spelled).toEqual([]);
  });

  test('the hub schema checks ingress.loadBalancerIP with net.isIPv4, naming the field', () => {
    for (const bad of ['149.165.150', '256.1.1.1', '01.2.3.4', '::1']) {
      let error: unknown;
      try {
        hubWith('example', (h) => (h.ingress = { ...h.ingress, loadBalancerIP: bad }));
      } catch (e) {
        error = e;
      }
      expect(isUserError(error) && error.format()).toMatch(/ingress\.loadBalancerIP: must be an IPv4 address/);
    }
  });
});

describe('rule: release names, namespaces, charts and the IngressClass are decided once', () => {
  test.each(['traefik', 'ingress-nginx'] as const)('a %s hub: the platform releases come from model/namespaces.ts, JupyterHub\'s from the hub file', (controller) => {
    const hub = hubWith('example', (h) => {
      h.ingress = { ...h.ingress, controller };
      h.jupyterhub.namespace = 'physics';
      h.jupyterhub.release = 'phys';
    });
    const c = INGRESS_CONTROLLERS[controller];
    expect(hubReleases(hub)).toEqual([
      expect.objectContaining({ chart: 'certManager', release: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE }),
      expect.objectContaining({ chart: c.chart, release: c.release, namespace: c.namespace, className: c.className }),
      expect.objectContaining({ chart: 'jupyterhub', release: 'phys', namespace: 'physics' }),
    ]);
    expect(hubCharts(hub)).toEqual(['certManager', c.chart, 'jupyterhub']);
  });
});

describe('rule: the load-balancer IP is decided in one place, with its warnings', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const withFileIp = (ip?: string) => hubWith('example', (h) => (h.ingress = { ...h.ingress, ...(ip ? { loadBalancerIP: ip } : {}) })).cluster;

  test('the hub file wins; the recorded IP is used otherwise; with neither, a warning', () => {
    expect(decideLoadBalancerIP(withFileIp('203.0.113.20'), '203.0.113.20')).toEqual({ ip: '203.0.113.20', from: 'hub file', warnings: [] });
    expect(decideLoadBalancerIP(withFileIp(), '203.0.113.10')).toEqual({ ip: '203.0.113.10', from: 'outputs', warnings: [] });
    const none = decideLoadBalancerIP(withFileIp());
    expect(none.ip).toBeUndefined();
    expect(none.warnings.map(formatDiagnostic)).toEqual([expect.stringMatching(/^hubs\/example\.yaml: ingress\.loadBalancerIP: no load balancer IP is known: the traefik Service gets whatever IP OpenStack assigns/)]);
  });

  test('a hub-file IP that differs from the recorded one wins, with a warning naming both', () => {
    expect(decideLoadBalancerIP(withFileIp('203.0.113.20'), '203.0.113.10').warnings.map(formatDiagnostic)).toEqual([
      'hubs/example.yaml: ingress.loadBalancerIP: is 203.0.113.20 but jhm deploy recorded 203.0.113.10; using 203.0.113.20 (remove ingress.loadBalancerIP from hubs/example.yaml to use the recorded floating IP)',
    ]);
  });

  test('the fix names the file that defines the cluster (a cluster file for a shared cluster)', () => {
    const shared = { name: 'shared', source: 'clusters/shared.yaml', ingress: withFileIp().ingress };
    expect(decideLoadBalancerIP(shared).warnings.map(formatDiagnostic)).toEqual([expect.stringMatching(/^clusters\/shared\.yaml: ingress\.loadBalancerIP: .*\(run jhm deploy, which records the floating IP, or set ingress\.loadBalancerIP in clusters\/shared\.yaml\)$/)]);
  });

  test('a recorded IP that is not IPv4 is a user error', () => {
    expect(() => decideLoadBalancerIP(withFileIp(), '203.0.113')).toThrow(/the ingress IP recorded for cluster example, "203\.0\.113", is not an IPv4 address/);
  });

  test('resolveLoadBalancerIP reads the recorded IP from outputs/<hub>.json', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-ingress-ip-'));
    roots.push(root);
    expect(resolveLoadBalancerIP(root, withFileIp()).ip).toBeUndefined();
    fs.mkdirSync(path.join(root, 'outputs'));
    fs.writeFileSync(path.join(root, 'outputs', 'example.json'), JSON.stringify({ example: { ingress_ip: '203.0.113.10' } }));
    expect(resolveLoadBalancerIP(root, withFileIp())).toEqual({ ip: '203.0.113.10', from: 'outputs', warnings: [] });
  });

  test('no other source file decides it: only project/ingress-ip.ts reads the hub file\'s IP (model/cluster.ts copies it into the model) or the recorded one', () => {
    const code = (text: string) => text.replace(/^\s*(\*|\/\/|\/\*\*).*$/gm, '');
    const deciders = sources()
      .filter(([, text]) => /\.ingress\.loadBalancerIP\b/.test(code(text)) || /(?<!function )\breadIngressIp\(/.test(code(text)))
      .map(([file]) => file);
    expect(deciders.sort()).toEqual(['model/cluster.ts', 'project/ingress-ip.ts']);
  });
});
