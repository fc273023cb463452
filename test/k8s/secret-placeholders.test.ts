/**
 * The pieces that keep secrets out of `dist/`: placeholder secrets (fixed per hub and field),
 * the substitution of real values into Secret objects only (plain, base64 and YAML-in-Secret,
 * refusing a value that would change a document's meaning), and the last-line leak guard.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { defineHub, Hub } from '../../config/hub';
import { HubSecrets, secretValues } from '../../config/secrets';
import { K8sObject } from '../../k8s/helm/types';
import { fillSecrets, placeholderSecrets, placeholdersIn, substitution } from '../../k8s/secret-placeholders';
import { assertNoSecretInDist, hasSecretEntropy, LEAK_MIN_BITS_PER_CHAR, LEAK_MIN_LENGTH } from '../../k8s/synth';
import { EXAMPLE_HUB } from '../support/project';

const exampleInput = () => parse(EXAMPLE_HUB) as Record<string, unknown>;
const hubNamed = (name: string): Hub => defineHub(name, exampleInput(), {}, `hubs/${name}.yaml`);
const example = hubNamed('example');
const dummyHub = defineHub(
  'dummy',
  { ...exampleInput(), dns: { zone: 'hubs.test.' }, jupyterhub: { ...(exampleInput().jupyterhub as object), auth: { type: 'dummy' } } },
  {},
  'hubs/dummy.yaml',
);

/** A fake 64-character hex token that YAML reads as a string. */
const HEX = (c: string) => `${c}`.repeat(64 / c.length);
const REAL: HubSecrets = {
  github: { clientSecret: 'fake-github-client-secret-for-tests' },
  jupyterhub: { proxySecretToken: HEX('fa1e'), cookieSecret: HEX('c00c'), cryptKeeperKeys: [HEX('bee1'), HEX('dead')] },
};

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function secret(data: Record<string, string> | undefined, stringData?: Record<string, string>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hub', namespace: 'jhub' },
    ...(data ? { data } : {}),
    ...(stringData ? { stringData } : {}),
  };
}

describe('placeholderSecrets', () => {
  test('is the same on every call for a hub (dist/ is reproducible anywhere)', () => {
    expect(placeholderSecrets(hubNamed('example'))).toEqual(placeholderSecrets(example));
  });

  test('differs per hub and per field, and is never a real secret', () => {
    const a = secretValues(placeholderSecrets(example));
    const b = secretValues(placeholderSecrets(hubNamed('other')));
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    for (const v of secretValues(REAL)) expect(a).not.toContain(v);
  });

  test('the one-shape rule: a list field (the CryptKeeper keys) has one placeholder element, whatever the real secrets hold', () => {
    expect(placeholderSecrets(example).jupyterhub.cryptKeeperKeys).toHaveLength(1);
  });

  test('passes the secrets file rules (so the values builders treat them like real secrets)', () => {
    const p = placeholderSecrets(example);
    expect(p.jupyterhub.proxySecretToken).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(p.jupyterhub.cookieSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(p.jupyterhub.cryptKeeperKeys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(p.github.clientSecret).toMatch(/^\S+$/);
  });

  test('has a GitHub client secret only for hubs that log in with GitHub', () => {
    expect(placeholderSecrets(dummyHub).github.clientSecret).toBeUndefined();
    expect(placeholderSecrets(example).github.clientSecret).toBeDefined();
  });
});

describe('substitution', () => {
  test('pairs each placeholder with the real value of the same field; the list placeholder with the whole list', () => {
    const p = placeholderSecrets(example);
    const s = substitution(p, REAL);
    expect(s.get(p.github.clientSecret!)).toBe(REAL.github.clientSecret);
    expect(s.get(p.jupyterhub.proxySecretToken)).toBe(REAL.jupyterhub.proxySecretToken);
    expect(s.get(p.jupyterhub.cookieSecret)).toBe(REAL.jupyterhub.cookieSecret);
    expect(s.get(p.jupyterhub.cryptKeeperKeys[0])).toEqual({ items: REAL.jupyterhub.cryptKeeperKeys, joined: REAL.jupyterhub.cryptKeeperKeys.join(';') });
    expect(s.size).toBe(4);
  });
});

describe('placeholdersIn', () => {
  const p = placeholderSecrets(example);
  const cookie = p.jupyterhub.cookieSecret;
  test.each([
    ['plain', { data: { x: `cookie=${cookie}` } }],
    ['base64 of the value', { data: { x: b64(cookie) } }],
    ['inside a base64-encoded document', { data: { x: b64(`a: 1\ncookie: ${cookie}\n`) } }],
  ])('finds a placeholder %s', (_what, value) => {
    expect(placeholdersIn(value, secretValues(p))).toEqual([cookie]);
  });

  test('finds none in an object without placeholders', () => {
    expect(placeholdersIn({ data: { x: b64('nothing to see'), y: 'plain text' } }, secretValues(p))).toEqual([]);
  });
});

describe('fillSecrets', () => {
  const p = placeholderSecrets(example);
  const subst = substitution(p, REAL);

  test('replaces placeholders in base64 data; entries without one keep their exact bytes', () => {
    const untouched = b64('no placeholder here');
    const [out] = fillSecrets([secret({ token: b64(p.jupyterhub.proxySecretToken), keys: b64(p.jupyterhub.cryptKeeperKeys.join(';')), other: untouched })], subst);
    const data = out.data as Record<string, string>;
    expect(unb64(data.token)).toBe(REAL.jupyterhub.proxySecretToken);
    expect(unb64(data.keys)).toBe(REAL.jupyterhub.cryptKeeperKeys.join(';'));
    expect(data.other).toBe(untouched);
  });

  test('replaces placeholders in stringData', () => {
    const [out] = fillSecrets([secret(undefined, { cookie: p.jupyterhub.cookieSecret })], subst);
    expect(out.stringData).toEqual({ cookie: REAL.jupyterhub.cookieSecret });
  });

  test('a YAML document in a Secret reads back as the original with only the secrets changed', () => {
    const doc = {
      hub: {
        config: {
          GitHubOAuthenticator: { client_id: 'example-github-client-id', client_secret: p.github.clientSecret, admin_users: ['zonca'] },
          JupyterHub: { cookie_secret: p.jupyterhub.cookieSecret, admin_access: true },
          CryptKeeper: { keys: p.jupyterhub.cryptKeeperKeys },
        },
      },
    };
    const [out] = fillSecrets([secret({ 'values.yaml': b64(stringify(doc)) })], subst);
    expect(parse(unb64((out.data as Record<string, string>)['values.yaml']))).toEqual({
      hub: {
        config: {
          GitHubOAuthenticator: { client_id: 'example-github-client-id', client_secret: REAL.github.clientSecret, admin_users: ['zonca'] },
          JupyterHub: { cookie_secret: REAL.jupyterhub.cookieSecret, admin_access: true },
          CryptKeeper: { keys: REAL.jupyterhub.cryptKeeperKeys },
        },
      },
    });
  });

  /** `value` as the client secret in a values.yaml like z2jh's, filled; the document read back as YAML `version`. */
  const fillClientSecret = (value: string, version: '1.1' | '1.2') => {
    const ph = placeholderSecrets(example);
    const s = substitution(ph, { ...REAL, github: { clientSecret: value } });
    const doc = stringify({ hub: { config: { GitHubOAuthenticator: { client_secret: ph.github.clientSecret, allow_existing_users: true, admin_users: ['on'] } } } });
    const [out] = fillSecrets([secret({ 'values.yaml': b64(doc) })], s);
    return parse(unb64((out.data as Record<string, string>)['values.yaml']), { version }) as { hub: { config: { GitHubOAuthenticator: Record<string, unknown> } } };
  };

  test.each([
    ['a YAML 1.1 boolean', ['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'OFF', 'true', 'false']],
    ['null', ['null', '~', 'Null']],
    ['a number', ['12345678', '0x1F', '0o17', '1_000', '12:30', '1.5e3', '.inf', '.NaN']],
    ['other YAML syntax', ['#fake-secret', '*fake-secret', '{fake-secret', '&anchor', '!tag', 'a: b', '- x', '"quoted"', "it's"]],
  ])('the YAML 1.1 rule: a secret value YAML reads as %s is quoted, so JupyterHub (PyYAML, YAML 1.1) gets that string', (_what, values) => {
    for (const value of values) {
      for (const version of ['1.1', '1.2'] as const) {
        const back = fillClientSecret(value, version).hub.config.GitHubOAuthenticator;
        expect([value, version, back.client_secret]).toEqual([value, version, value]);
        // The rest of the document keeps its meaning.
        expect(back.allow_existing_users).toBe(true);
        expect(back.admin_users).toEqual([version === '1.1' ? true : 'on']);
      }
    }
  });

  test('property: any secrets-file value survives a YAML round trip through a Secret, read as YAML 1.2 and as YAML 1.1', () => {
    const ph = placeholderSecrets(example).jupyterhub.cookieSecret;
    const doc = b64(stringify({ a: { cookie: ph, list: [ph, 'x'] } }));
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+/=-]{0,63}$/), fc.stringMatching(/^\S{1,40}$/)), (value) => {
        const [filled] = fillSecrets([secret({ v: doc })], new Map([[ph, value]]));
        const text = unb64((filled.data as Record<string, string>).v);
        return (['1.1', '1.2'] as const).every((version) => {
          const back = parse(text, { version }) as { a: { cookie: unknown; list: unknown[] } };
          return back.a.cookie === value && back.a.list[0] === value && back.a.list[1] === 'x';
        });
      }),
      { numRuns: 500 },
    );
  });

  test('the one-shape rule: the list placeholder expands into the real list, also where values need YAML quoting', () => {
    const keys = [`/${'A'.repeat(42)}=`, HEX('dead')];
    const s = substitution(p, { ...REAL, github: { clientSecret: 'yes' }, jupyterhub: { ...REAL.jupyterhub, cryptKeeperKeys: keys } });
    const doc = stringify({ hub: { config: { GitHubOAuthenticator: { client_secret: p.github.clientSecret }, CryptKeeper: { keys: p.jupyterhub.cryptKeeperKeys } } } });
    const [out] = fillSecrets([secret({ 'values.yaml': b64(doc), joined: b64(p.jupyterhub.cryptKeeperKeys[0]) })], s);
    const data = out.data as Record<string, string>;
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(unb64(data['values.yaml']), { version })).toEqual({ hub: { config: { GitHubOAuthenticator: { client_secret: 'yes' }, CryptKeeper: { keys } } } });
    }
    expect(unb64(data.joined)).toBe(keys.join(';'));
  });

  test('leaves objects other than Secrets alone, and never modifies its input', () => {
    const configMap: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'jhub' }, data: { x: p.jupyterhub.cookieSecret } };
    const input = secret({ x: b64(p.jupyterhub.cookieSecret) });
    const copy = structuredClone(input);
    const [cm, s] = fillSecrets([configMap, input], subst);
    expect(cm).toBe(configMap);
    expect(input).toEqual(copy);
    expect(unb64((s.data as Record<string, string>).x)).toBe(REAL.jupyterhub.cookieSecret);
  });
});

describe('assertNoSecretInDist', () => {
  const value = 'fake-planted-secret-value-for-tests';
  const files = (dist: Record<string, string>) => ({ dist: new Map(Object.entries(dist)), secrets: new Map<string, string>() });
  const clean = { '05-jupyterhub.yaml': 'kind: ConfigMap\ndata:\n  a: b\n' };

  test('passes clean files', () => {
    expect(() => assertNoSecretInDist(example, files(clean), [value])).not.toThrow();
  });

  test.each([
    ['plain', `kind: ConfigMap\ndata:\n  a: ${value}\n`],
    ['base64-encoded', `kind: ConfigMap\nbinaryData:\n  a: ${b64(value)}\n`],
  ])('fails when a secret is planted %s in a dist file, naming the file', (_how, text) => {
    expect(() => assertNoSecretInDist(example, files({ ...clean, '03-ingress-controller.yaml': text }), [value])).toThrow(
      /refusing to write dist\/example\/03-ingress-controller\.yaml/,
    );
  });

  test.each([
    ['short', 'jupyterhub'],
    ['15 characters', 'jupyterhub-user'],
    ['repetitive', 'aaaaaaaaaaaaaaaaaaaaaaaa'],
    ['low entropy', 'abababababababababababab'],
  ])('the entropy rule: a %s secret that a chart happens to contain (%s) is not called a leak', (_what, secret) => {
    expect(hasSecretEntropy(secret)).toBe(false);
    const chart = { '05-jupyterhub.yaml': `kind: ConfigMap\ndata:\n  app: ${secret}\n  b: ${b64(secret)}\n` };
    expect(() => assertNoSecretInDist(example, files(chart), [secret])).not.toThrow();
  });

  test('the entropy rule: generated tokens, GitHub client secrets and the test secrets are looked for', () => {
    for (const v of [...secretValues(placeholderSecrets(example)), 'fake-github-client-secret-for-tests', value, '0123456789abcdef']) expect([v, hasSecretEntropy(v)]).toEqual([v, true]);
    expect([LEAK_MIN_LENGTH, LEAK_MIN_BITS_PER_CHAR]).toEqual([16, 3]);
  });
});
