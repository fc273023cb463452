import fc from 'fast-check';
import { NODE_GROUP_LABEL_KEY } from '../../model/node-group';
import { CONTROL_PLANE_LABEL } from '../../k8s/platform/placement';
import { chartValuesValidator, exampleHub, hubWith, schemaDraft, schemaErrors, traefikFor } from './helpers';
import { valuesSchema } from '../support/outside-files';

const SCHEMA = 'traefik-41.3.0.values.schema.json';
const IP = '149.165.150.10';

describe('traefikValues', () => {
  const schema = valuesSchema(SCHEMA);
  const validate = () => chartValuesValidator(schema.path);

  schema.test('the chart schema is JSON Schema 2020-12, so it is checked with the 2020-12 validator', () => {
    expect(schemaDraft(schema.path)).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  schema.test('the values satisfy the traefik 41.3.0 values schema, with and without a load balancer IP', () => {
    expect(schemaErrors(validate(), traefikFor(exampleHub(), IP))).toEqual([]);
    expect(schemaErrors(validate(), traefikFor(exampleHub()))).toEqual([]);
  });

  schema.test('the schema check catches a misspelled key (so the check above can fail)', () => {
    const values = { ...traefikFor(exampleHub(), IP), ingressClass: { enabled: true, isDefault: false } };
    expect(schemaErrors(validate(), values).join('\n')).toContain('isDefault');
  });

  test('the values of the example hub, with and without a load balancer IP, are pinned by snapshots', () => {
    expect(traefikFor(exampleHub(), IP)).toMatchSnapshot('with load balancer IP');
    expect(traefikFor(exampleHub())).toMatchSnapshot('without load balancer IP');
  });

  test('Traefik is pinned to the default worker through hub.cluster.coreNodeSelector and tolerates no taint', () => {
    const hub = exampleHub();
    const values = traefikFor(hub, IP);
    expect(values.nodeSelector).toEqual(hub.cluster.coreNodeSelector);
    expect(values.nodeSelector).toEqual({ [NODE_GROUP_LABEL_KEY]: 'default-worker' });
    expect(values).not.toHaveProperty('tolerations');
    expect(JSON.stringify(values)).not.toContain(CONTROL_PLANE_LABEL);
  });

  test('the Service is a LoadBalancer asking for the given IP, with the traffic policy stated', () => {
    expect(traefikFor(exampleHub(), IP).service.spec).toEqual({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerIP: IP });
  });

  test('without a known IP the Service has no loadBalancerIP key at all', () => {
    expect(traefikFor(exampleHub()).service.spec).not.toHaveProperty('loadBalancerIP');
  });

  test('ingress.loadBalancerIP in the hub file is used, and wins over a recorded IP', () => {
    const hub = hubWith('pinned-ip', { ingress: { controller: 'traefik', loadBalancerIP: '149.165.150.20' } });
    expect(traefikFor(hub).service.spec.loadBalancerIP).toBe('149.165.150.20');
    expect(traefikFor(hub, IP).service.spec.loadBalancerIP).toBe('149.165.150.20');
  });

  test('the IngressClass is created with the hub\'s class name and is not the cluster default', () => {
    const hub = exampleHub();
    expect(traefikFor(hub).ingressClass).toEqual({ enabled: true, isDefaultClass: false, name: hub.cluster.ingress.className });
    expect(hub.cluster.ingress.className).toBe('traefik');
  });

  test('the Kubernetes Ingress provider is on (JupyterHub uses an Ingress) and the CRD provider is off', () => {
    expect(traefikFor(exampleHub()).providers).toEqual({ kubernetesIngress: { enabled: true }, kubernetesCRD: { enabled: false } });
  });

  test('plain HTTP is permanently redirected to the websecure entrypoint over https, using only keys the chart template reads', () => {
    const redirect = traefikFor(exampleHub()).ports.web.http.redirections.entryPoint;
    expect(redirect).toEqual({ to: 'websecure', scheme: 'https', permanent: true });
    // Facts from traefik/templates/_podtemplate.tpl (41.3.0): the entryPoint redirection reads
    // `to` (a key of .Values.ports), `scheme`, `priority` and `permanent`.
    expect(Object.keys(redirect).every((k) => ['to', 'scheme', 'priority', 'permanent'].includes(k))).toBe(true);
  });

  test('neither the dashboard nor the API is enabled, and the traefik port keeps the chart default (not exposed)', () => {
    const values = traefikFor(exampleHub(), IP);
    expect(values.api.dashboard).toBe(false);
    expect(values.ingressRoute.dashboard.enabled).toBe(false);
    expect(values.ports).not.toHaveProperty('traefik');
  });

  test('Traefik requests CPU and memory', () => {
    const r = traefikFor(exampleHub()).resources;
    expect(r.requests.cpu).toMatch(/^[0-9]+m$/);
    expect(r.requests.memory).toMatch(/^[0-9]+Mi$/);
  });

  schema.test('property: for any recorded or hub-file IP, the values satisfy the schema and carry exactly the winning IP', () => {
    fc.assert(
      fc.property(fc.option(fc.ipV4(), { nil: undefined }), fc.option(fc.ipV4(), { nil: undefined }), (fileIp, recorded) => {
        const hub = hubWith('prop', { ingress: { controller: 'traefik', ...(fileIp ? { loadBalancerIP: fileIp } : {}) } });
        const values = traefikFor(hub, recorded);
        expect(schemaErrors(validate(), values)).toEqual([]);
        expect(values.service.spec.loadBalancerIP).toBe(fileIp ?? recorded);
        expect(values.nodeSelector).toEqual(hub.cluster.coreNodeSelector);
      }),
      { numRuns: 50 },
    );
  });
});
