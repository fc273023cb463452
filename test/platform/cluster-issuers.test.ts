import { Chart, Testing } from 'cdk8s';
import { Hub } from '../../model/hub';
import { LETSENCRYPT_SERVERS, LetsEncryptIssuers } from '../../k8s/platform/cluster-issuers';
import { exampleHub, hubWith, validateClusterIssuers } from './helpers';

interface IssuerManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    acme: {
      server: string;
      email: string;
      privateKeySecretRef: { name: string };
      solvers: Array<{ http01: { ingress: { ingressClassName: string } } }>;
    };
  };
}

/** The issuers' props as the hub's manifests pass them. */
const issuerProps = (hub: Hub) => ({ email: hub.cluster.letsEncryptEmail, ingressClassName: hub.cluster.ingress.className });

/** The manifests of the issuers of `hub`, synthesized in a chart (with `namespace` when given). */
function synth(hub: Hub, namespace?: string): IssuerManifest[] {
  const chart = new Chart(Testing.app(), 'test', namespace ? { namespace } : {});
  new LetsEncryptIssuers(chart, 'issuers', issuerProps(hub));
  return Testing.synth(chart) as IssuerManifest[];
}

describe('LetsEncryptIssuers', () => {
  const nginxHub = () => hubWith('nginx', { ingress: { controller: 'ingress-nginx' }, letsEncrypt: { email: 'ops@example.org' } });

  test('the manifests of the example hub are pinned by a snapshot', () => {
    expect(synth(exampleHub())).toMatchSnapshot();
  });

  test('both ClusterIssuers are valid cert-manager.io/v1 objects (@kubernetes-models/cert-manager)', () => {
    const manifests = [...synth(exampleHub()), ...synth(nginxHub())];
    expect(manifests).toHaveLength(4);
    expect(validateClusterIssuers(manifests)).toEqual([null, null, null, null]);
  });

  test('the validation catches an invalid issuer (so the check above can fail)', () => {
    const [issuer] = synth(exampleHub());
    const broken = { ...issuer, spec: { acme: { ...issuer.spec.acme, privateKeySecretRef: undefined } } };
    const [result] = validateClusterIssuers([broken]);
    expect(result).toContain('privateKeySecretRef');
  });

  test('there is one production and one staging issuer, on the Let\'s Encrypt ACME servers', () => {
    const manifests = synth(exampleHub());
    expect(manifests.map((m) => [m.kind, m.metadata.name, m.spec.acme.server])).toEqual([
      ['ClusterIssuer', 'letsencrypt', 'https://acme-v02.api.letsencrypt.org/directory'],
      ['ClusterIssuer', 'letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'],
    ]);
    expect(manifests.map((m) => m.spec.acme.server)).toEqual([LETSENCRYPT_SERVERS.letsencrypt, LETSENCRYPT_SERVERS['letsencrypt-staging']]);
  });

  test('the issuer the hub file selects exists', () => {
    for (const issuer of ['letsencrypt', 'letsencrypt-staging'] as const) {
      const hub = hubWith('sel', { letsEncrypt: { email: 'ops@example.org', issuer } });
      expect(synth(hub).map((m) => m.metadata.name)).toContain(hub.issuer);
    }
  });

  test('the issuers carry no namespace, even inside a chart that has one', () => {
    for (const m of [...synth(exampleHub()), ...synth(exampleHub(), 'jhub')]) {
      expect(m.metadata).not.toHaveProperty('namespace');
    }
  });

  test('the ACME account email is the hub\'s letsEncrypt.email', () => {
    expect(synth(exampleHub()).map((m) => m.spec.acme.email)).toEqual(['hub-admins@example.org', 'hub-admins@example.org']);
    expect(synth(nginxHub()).map((m) => m.spec.acme.email)).toEqual(['ops@example.org', 'ops@example.org']);
  });

  test('each issuer keeps its ACME account key in its own Secret', () => {
    const names = synth(exampleHub()).map((m) => m.spec.acme.privateKeySecretRef.name);
    expect(new Set(names).size).toBe(2);
    expect(names).toEqual(['letsencrypt-account-key', 'letsencrypt-staging-account-key']);
  });

  test.each([
    ['traefik', 'traefik'],
    ['ingress-nginx', 'nginx'],
  ] as const)('with %s, the one HTTP-01 solver uses the controller\'s IngressClass (%s)', (controller, className) => {
    const hub = hubWith('ctl', { ingress: { controller } });
    expect(hub.cluster.ingress.className).toBe(className);
    for (const m of synth(hub)) {
      expect(m.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: hub.cluster.ingress.className } } }]);
    }
  });

  test('byName returns the issuer named by the hub file', () => {
    const chart = new Chart(Testing.app(), 'test');
    const issuers = new LetsEncryptIssuers(chart, 'issuers', issuerProps(exampleHub()));
    expect(issuers.byName('letsencrypt')).toBe(issuers.production);
    expect(issuers.byName('letsencrypt-staging')).toBe(issuers.staging);
    expect(issuers.production.name).toBe('letsencrypt');
  });

  test.each([
    ['an empty email', { email: '', ingressClassName: 'traefik' }, /^LetsEncryptIssuers issuers: email is ""; it must be an email address/],
    ['an email without a domain', { email: 'ops@', ingressClassName: 'traefik' }, /email is "ops@"/],
    ['an IngressClass name with upper case', { email: 'ops@example.org', ingressClassName: 'Traefik' }, /^LetsEncryptIssuers issuers: ingressClassName is "Traefik"; it must be an IngressClass name/],
  ])('rule: the construct refuses %s itself (the TypeScript API is safe without the hub schema)', (_what, props, message) => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => new LetsEncryptIssuers(chart, 'issuers', props)).toThrow(message);
  });
});
