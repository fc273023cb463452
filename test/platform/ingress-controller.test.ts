import fc from 'fast-check';
import { isUserError } from '../../config/errors';
import { CHARTS } from '../../config/versions';
import { ingressNginxValues } from '../../k8s/platform/ingress-nginx-values';
import { certManagerRelease, ingressControllerRelease } from '../../k8s/platform/ingress-controller';
import { certManagerValues } from '../../k8s/platform/cert-manager-values';
import { traefikValues } from '../../k8s/platform/traefik-values';
import { exampleHub, hubWith } from './helpers';

const IP = '149.165.150.10';
const nginxHub = () => hubWith('nginx', { ingress: { controller: 'ingress-nginx' } });

describe('ingressControllerRelease', () => {
  test('a traefik hub gets the pinned Traefik chart, release "traefik", in hub.ingress.namespace', () => {
    const hub = exampleHub();
    const r = ingressControllerRelease(hub, IP);
    expect(r.chart).toBe(hub.charts.traefik);
    expect(r.chart).toEqual(CHARTS.traefik);
    expect(r.release).toBe('traefik');
    expect(r.namespace).toBe(hub.ingress.namespace);
    expect(r.values).toEqual(traefikValues(hub, IP));
  });

  test('an ingress-nginx hub gets the pinned ingress-nginx chart, release "ingress-nginx", in hub.ingress.namespace', () => {
    const hub = nginxHub();
    const r = ingressControllerRelease(hub, IP);
    expect(r.chart).toEqual(CHARTS.ingressNginx);
    expect(r.release).toBe('ingress-nginx');
    expect(r.namespace).toBe('ingress-nginx');
    expect(r.values).toEqual(ingressNginxValues(hub, IP));
  });

  test('a traefik hub with a known IP gets no warnings', () => {
    expect(ingressControllerRelease(exampleHub(), IP).warnings).toEqual([]);
  });

  test('an ingress-nginx hub is warned, naming its hub file, that ingress-nginx is retired', () => {
    const warnings = ingressControllerRelease(nginxHub(), IP).warnings;
    expect(warnings).toEqual([
      'hubs/nginx.yaml: ingress.controller: ingress-nginx was retired upstream on 2026-03-24 (no more security fixes) (use ingress.controller: traefik)',
    ]);
  });

  test('without a known IP the release warns that OpenStack picks the IP, and how to fix it', () => {
    const [warning, ...rest] = ingressControllerRelease(exampleHub()).warnings;
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^hubs\/example\.yaml: ingress\.loadBalancerIP: /);
    expect(warning).toContain('whatever IP OpenStack assigns');
    expect(warning).toContain('jhm deploy');
    expect(warning).toContain('set ingress.loadBalancerIP in the hub file');
  });

  test('the hub file IP counts as known: no IP warning', () => {
    const hub = hubWith('pinned', { ingress: { controller: 'traefik', loadBalancerIP: IP } });
    expect(ingressControllerRelease(hub).warnings).toEqual([]);
  });

  test('a hub file IP that differs from the recorded one is used, with a warning', () => {
    const hub = hubWith('pinned', { ingress: { controller: 'traefik', loadBalancerIP: '149.165.150.20' } });
    const r = ingressControllerRelease(hub, IP);
    expect(r.warnings).toEqual([
      'hubs/pinned.yaml: ingress.loadBalancerIP: is 149.165.150.20 but jhm deploy recorded 149.165.150.10; using 149.165.150.20 (remove ingress.loadBalancerIP from the hub file to use the recorded floating IP)',
    ]);
    expect((r.values as ReturnType<typeof traefikValues>).service.spec.loadBalancerIP).toBe('149.165.150.20');
  });

  test('a recorded IP that is not IPv4 is a user error', () => {
    let error: unknown;
    try {
      ingressControllerRelease(exampleHub(), '149.165.150');
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
        const { warnings } = ingressControllerRelease(hub, recorded);
        expect(warnings.some((w) => w.includes('retired upstream'))).toBe(controller === 'ingress-nginx');
        expect(warnings.some((w) => w.includes('OpenStack assigns'))).toBe(recorded === undefined);
        expect(warnings.every((w) => w.startsWith('hubs/prop.yaml: ingress.'))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('certManagerRelease', () => {
  test('cert-manager is the pinned chart, release "cert-manager", in hub.certManagerNamespace, without warnings', () => {
    const hub = exampleHub();
    const r = certManagerRelease(hub);
    expect(r.chart).toEqual(CHARTS.certManager);
    expect(r.release).toBe('cert-manager');
    expect(r.namespace).toBe(hub.certManagerNamespace);
    expect(r.values).toEqual(certManagerValues(hub));
    expect(r.warnings).toEqual([]);
  });
});
