import fc from 'fast-check';
import { CertManagerValues } from '../../k8s/platform/cert-manager-values';
import { CONTROL_PLANE_LABEL } from '../../k8s/platform/placement';
import { certManagerFor, chartValuesValidator, exampleHub, exampleInput, hubWith, schemaDraft, schemaErrors } from './helpers';
import { valuesSchema } from '../support/outside-files';

const SCHEMA = 'cert-manager-v1.21.1.values.schema.json';

/** The three Deployments of the chart, by where their values live. */
function components(values: CertManagerValues) {
  return { controller: values, webhook: values.webhook, cainjector: values.cainjector };
}

describe('certManagerValues', () => {
  const schema = valuesSchema(SCHEMA);
  const validate = () => chartValuesValidator(schema.path);

  schema.test('the chart schema is draft-07, so it is checked with the draft-07 validator', () => {
    expect(schemaDraft(schema.path)).toBe('http://json-schema.org/draft-07/schema#');
  });

  schema.test('the values of the example hub satisfy the cert-manager v1.21.1 values schema', () => {
    expect(schemaErrors(validate(), certManagerFor(exampleHub()))).toEqual([]);
  });

  schema.test('the schema check catches a misspelled key (so the check above can fail)', () => {
    const values = { ...certManagerFor(exampleHub()), startupApiCheck: { enabled: false } };
    expect(schemaErrors(validate(), values).join('\n')).toContain('startupApiCheck');
  });

  test('the values of the example hub are pinned by a snapshot', () => {
    expect(certManagerFor(exampleHub())).toMatchSnapshot();
  });

  test('the chart installs the CRDs and keeps them when the release is removed', () => {
    expect(certManagerFor(exampleHub()).crds).toEqual({ enabled: true, keep: true });
  });

  test('the startupapicheck post-install hook Job is disabled', () => {
    expect(certManagerFor(exampleHub()).startupapicheck).toEqual({ enabled: false });
  });

  test('leader election happens in the hub\'s cert-manager namespace', () => {
    const hub = exampleHub();
    expect(certManagerFor(hub).global.leaderElection.namespace).toBe(hub.cluster.certManager.namespace);
  });

  test.each(['controller', 'webhook', 'cainjector'] as const)('the %s is pinned to control-plane nodes and tolerates their NoSchedule taint', (name) => {
    const c = components(certManagerFor(exampleHub()))[name];
    expect(c.nodeSelector).toEqual({ [CONTROL_PLANE_LABEL]: '' });
    expect(c.tolerations).toContainEqual({ key: CONTROL_PLANE_LABEL, operator: 'Exists', effect: 'NoSchedule' });
    expect(c.tolerations.every((t) => t.effect === 'NoSchedule')).toBe(true);
  });

  test.each(['controller', 'webhook', 'cainjector'] as const)('the %s requests CPU and memory and is bounded in memory', (name) => {
    const r = components(certManagerFor(exampleHub()))[name].resources;
    expect(r.requests.cpu).toMatch(/^[0-9]+m$/);
    expect(r.requests.memory).toMatch(/^[0-9]+Mi$/);
    expect(r.limits?.memory).toMatch(/^[0-9]+Mi$/);
  });

  schema.test('property: for any hub, the values satisfy the schema and never select a worker nodegroup', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('traefik', 'ingress-nginx'),
        fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), { maxLength: 3 }),
        (controller, groupNames) => {
          const example = exampleInput().nodeGroups as Array<{ name: string }>;
          const names = [...new Set(groupNames)].filter((n) => !example.some((g) => g.name === n));
          const hub = hubWith('prop', {
            ingress: { controller },
            nodeGroups: [...example, ...names.map((name) => ({ name, flavor: 'm3.medium', minNodes: 1, maxNodes: 2 }))],
          });
          const values = certManagerFor(hub);
          expect(schemaErrors(validate(), values)).toEqual([]);
          for (const c of Object.values(components(values))) {
            expect(Object.keys(c.nodeSelector)).toEqual([CONTROL_PLANE_LABEL]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

