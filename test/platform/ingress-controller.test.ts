import fc from 'fast-check';
import { isUserError } from '../../model/errors';
import type { Hub } from '../../model/hub';
import { decideLoadBalancerIP } from '../../project/ingress-ip';
import { certManagerRelease, ingressControllerRelease } from '../../k8s/platform/ingress-controller';
import { traefikValues } from '../../k8s/platform/traefik-values';
import { certManagerFor, exampleHub, hubWith, ingressNginxFor, traefikFor } from './helpers';
import { formatDiagnostic } from '../../model/diagnostics';

/** The release as the synth makes it: with the load-balancer IP decided from the hub file and `recorded`. */
const release = (hub: Hub, recorded?: string) => ingressControllerRelease(hub.cluster, decideLoadBalancerIP(hub.cluster, recorded));

const IP = '149.165.150.10';
const nginxHub = () => hubWith('nginx', { ingress: { controller: 'ingress-nginx' } });

describe('ingressControllerRelease', () => {
  test('a traefik hub gets the pinned Traefik chart, release "traefik", in hub.cluster.ingress.namespace', () => {
    const hub = exampleHub();
    const r = release(hub, IP);
    expect(r.chart).toBe(hub.cluster.ingress.chart);
    expect(r.chart).toBe('traefik');
    expect(r.release).toBe('traefik');
    expect(r.namespace).toBe(hub.cluster.ingress.namespace);
    expect(r.values).toEqual(traefikFor(hub, IP));
  });

  test('an ingress-nginx hub gets the pinned ingress-nginx chart, release "ingress-nginx", in hub.cluster.ingress.namespace', () => {
    const hub = nginxHub();
    const r = release(hub, IP);
    expect(r.chart).toBe('ingressNginx');
    expect(r.release).toBe('ingress-nginx');
    expect(r.namespace).toBe('ingress-nginx');
    expect(r.values).toEqual(ingressNginxFor(hub, IP));
  });

  test('a traefik hub with a known IP gets no warnings', () => {
    expect(release(exampleHub(), IP).warnings).toEqual([]);
  });

  test('an ingress-nginx hub is warned, naming its hub file, that ingress-nginx is retired', () => {
    const warnings = release(nginxHub(), IP).warnings;
    expect(warnings.map((w) => w.severity)).toEqual(['warning']);
    expect(warnings.map(formatDiagnostic)).toEqual([
      'hubs/nginx.yaml: ingress.controller: ingress-nginx was retired upstream on 2026-03-24 (no more security fixes) (use ingress.controller: traefik)',
    ]);
  });

  test('without a known IP the release warns that OpenStack picks the IP, and how to fix it', () => {
    const [warning, ...rest] = release(exampleHub()).warnings.map(formatDiagnostic);
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^hubs\/example\.yaml: ingress\.loadBalancerIP: /);
    expect(warning).toContain('whatever IP OpenStack assigns');
    expect(warning).toContain('jhm deploy');
    expect(warning).toContain('set ingress.loadBalancerIP in hubs/example.yaml'); // the file that defines the cluster
  });

  test('the hub file IP counts as known: no IP warning', () => {
    const hub = hubWith('pinned', { ingress: { controller: 'traefik', loadBalancerIP: IP } });
    expect(release(hub).warnings).toEqual([]);
  });

  test('a hub file IP that differs from the recorded one is used, with a warning', () => {
    const hub = hubWith('pinned', { ingress: { controller: 'traefik', loadBalancerIP: '149.165.150.20' } });
    const r = release(hub, IP);
    expect(r.warnings.map(formatDiagnostic)).toEqual([
      'hubs/pinned.yaml: ingress.loadBalancerIP: is 149.165.150.20 but jhm deploy recorded 149.165.150.10; using 149.165.150.20 (remove ingress.loadBalancerIP from hubs/pinned.yaml to use the recorded floating IP)',
    ]);
    expect((r.values as ReturnType<typeof traefikValues>).service.spec.loadBalancerIP).toBe('149.165.150.20');
  });

  test('a recorded IP that is not IPv4 is a user error', () => {
    let error: unknown;
    try {
      release(exampleHub(), '149.165.150');
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toContain('"149.165.150"');
  });

  test('property: the retired-controller warning appears exactly for ingress-nginx, the IP warning exactly when no IP is known', () => {
    fc.assert(
      fc.property(fc.constantFrom('traefik', 'ingress-nginx'), fc.option(fc.ipV4(), { nil: undefined }), (controller, recorded) => {
        const hub = hubWith('prop', { ingress: { controller } });
        const warnings = release(hub, recorded).warnings.map(formatDiagnostic);
        expect(warnings.some((w) => w.includes('retired upstream'))).toBe(controller === 'ingress-nginx');
        expect(warnings.some((w) => w.includes('OpenStack assigns'))).toBe(recorded === undefined);
        expect(warnings.every((w) => w.startsWith('hubs/prop.yaml: ingress.'))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('certManagerRelease', () => {
  test('cert-manager is the pinned chart, release "cert-manager", in hub.cluster.certManager.namespace, without warnings', () => {
    const hub = exampleHub();
    const r = certManagerRelease(hub.cluster);
    expect(r.chart).toBe('certManager');
    expect(r.release).toBe('cert-manager');
    expect(r.namespace).toBe(hub.cluster.certManager.namespace);
    expect(r.values).toEqual(certManagerFor(hub));
    expect(r.warnings).toEqual([]);
  });
});
