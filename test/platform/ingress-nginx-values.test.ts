import { NODE_GROUP_LABEL_KEY } from '../../model/node-group';
import { hubWith, ingressNginxFor, leafPaths } from './helpers';

const IP = '149.165.150.10';

/**
 * Facts read from charts/ingress-nginx/values.yaml of chart 4.15.1 (it ships no values schema):
 * the keys this tool may set, each with the type of its default there. Free-form maps
 * (`nodeSelector`, `resources`) count as one key.
 */
const CHART_KEYS: Readonly<Record<string, 'boolean' | 'string' | 'map'>> = {
  'controller.nodeSelector': 'map', // default { kubernetes.io/os: linux }
  'controller.resources': 'map', // default requests { cpu: 100m, memory: 90Mi }
  'controller.ingressClass': 'string', // default nginx
  'controller.ingressClassResource.enabled': 'boolean', // default true
  'controller.ingressClassResource.name': 'string', // default nginx
  'controller.ingressClassResource.default': 'boolean', // default false
  'controller.allowSnippetAnnotations': 'boolean', // default false
  'controller.admissionWebhooks.enabled': 'boolean', // default true
  'controller.metrics.enabled': 'boolean', // default false
  'controller.service.type': 'string', // default LoadBalancer
  'controller.service.externalTrafficPolicy': 'string', // default ""
  'controller.service.loadBalancerIP': 'string', // default "" (rendered only when non-empty)
  'defaultBackend.enabled': 'boolean', // default false
};
const OPAQUE = new Set(Object.keys(CHART_KEYS).filter((k) => CHART_KEYS[k] === 'map'));

function valueAt(obj: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe('ingressNginxValues', () => {
  const hub = hubWith('nginx', { ingress: { controller: 'ingress-nginx' } });

  test('every key set exists in the ingress-nginx 4.15.1 values.yaml, with the type of its default there', () => {
    for (const values of [ingressNginxFor(hub, IP), ingressNginxFor(hub)]) {
      for (const key of leafPaths(values, OPAQUE)) {
        expect({ key, known: key in CHART_KEYS }).toEqual({ key, known: true });
        const v = valueAt(values, key);
        const type = CHART_KEYS[key] === 'map' ? (typeof v === 'object' && v !== null && !Array.isArray(v) ? 'map' : typeof v) : typeof v;
        expect({ key, type }).toEqual({ key, type: CHART_KEYS[key] });
      }
    }
  });

  test('the key check catches a key the chart does not have (so the check above can fail)', () => {
    const values = { ...ingressNginxFor(hub), controller: { ...ingressNginxFor(hub).controller, admissionWebhook: { enabled: false } } };
    expect(leafPaths(values, OPAQUE).filter((k) => !(k in CHART_KEYS))).toEqual(['controller.admissionWebhook.enabled']);
  });

  test('the values, with and without a load balancer IP, are pinned by snapshots', () => {
    expect(ingressNginxFor(hub, IP)).toMatchSnapshot('with load balancer IP');
    expect(ingressNginxFor(hub)).toMatchSnapshot('without load balancer IP');
  });

  test('the controller is pinned to the default worker through hub.cluster.coreNodeSelector', () => {
    expect(ingressNginxFor(hub).controller.nodeSelector).toEqual(hub.cluster.coreNodeSelector);
    expect(ingressNginxFor(hub).controller.nodeSelector).toEqual({ [NODE_GROUP_LABEL_KEY]: 'default-worker' });
  });

  test('the Service is a LoadBalancer asking for the given IP, and has no loadBalancerIP when none is known', () => {
    expect(ingressNginxFor(hub, IP).controller.service).toEqual({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerIP: IP });
    expect(ingressNginxFor(hub).controller.service).not.toHaveProperty('loadBalancerIP');
  });

  test('ingress.loadBalancerIP in the hub file is used, and wins over a recorded IP', () => {
    const pinned = hubWith('nginx-ip', { ingress: { controller: 'ingress-nginx', loadBalancerIP: '149.165.150.20' } });
    expect(ingressNginxFor(pinned, IP).controller.service.loadBalancerIP).toBe('149.165.150.20');
  });

  test('the IngressClass is "nginx" (the hub\'s class name), created, and not the cluster default', () => {
    const c = ingressNginxFor(hub).controller;
    expect(hub.cluster.ingress.className).toBe('nginx');
    expect(c.ingressClass).toBe(hub.cluster.ingress.className);
    expect(c.ingressClassResource).toEqual({ enabled: true, name: hub.cluster.ingress.className, default: false });
  });

  test('snippet annotations are refused', () => {
    expect(ingressNginxFor(hub).controller.allowSnippetAnnotations).toBe(false);
  });

  test('the admission webhook, whose certificate only Helm hook Jobs would create, is disabled', () => {
    expect(ingressNginxFor(hub).controller.admissionWebhooks).toEqual({ enabled: false });
  });

  test('metrics and the default backend are off', () => {
    const values = ingressNginxFor(hub);
    expect(values.controller.metrics.enabled).toBe(false);
    expect(values.defaultBackend.enabled).toBe(false);
  });

  test('the controller requests CPU and memory', () => {
    const r = ingressNginxFor(hub).controller.resources;
    expect(r.requests.cpu).toMatch(/^[0-9]+m$/);
    expect(r.requests.memory).toMatch(/^[0-9]+Mi$/);
  });
});
