/**
 * The pieces that keep secrets out of `dist/`: placeholder secrets (fixed per hub and field),
 * the substitution of real values into Secret objects only (plain, base64 and YAML-in-Secret,
 * refusing a value that would change a document's meaning), and the last-line leak guard.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { UserError } from '../../config/errors';
import { defineHub, Hub } from '../../config/hub';
import { HubSecrets, secretValues } from '../../config/secrets';
import { K8sObject } from '../../k8s/helm/types';
import { fillSecrets, placeholderSecrets, placeholdersIn, substitution } from '../../k8s/secret-placeholders';
import { assertNoSecretInDist } from '../../k8s/synth';
import { EXAMPLE_HUB } from '../support/project';

const exampleInput = () => parse(EXAMPLE_HUB) as Record<string, unknown>;
const hubNamed = (name: string): Hub => defineHub(name, exampleInput(), `hubs/${name}.yaml`);
const example = hubNamed('example');
const dummyHub = defineHub(
  'dummy',
  { ...exampleInput(), dns: { zone: 'hubs.test.' }, jupyterhub: { ...(exampleInput().jupyterhub as object), auth: { type: 'dummy' } } },
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
    const a = secretValues(placeholderSecrets(example, REAL));
    const b = secretValues(placeholderSecrets(hubNamed('other'), REAL));
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    for (const v of secretValues(REAL)) expect(a).not.toContain(v);
  });

  test('has the shape of the real secrets (one placeholder per CryptKeeper key), by default the shape `jhm secrets` creates', () => {
    expect(placeholderSecrets(example).jupyterhub.cryptKeeperKeys).toHaveLength(1);
    const shaped = placeholderSecrets(example, REAL);
    expect(shaped.jupyterhub.cryptKeeperKeys).toHaveLength(2);
    expect(shaped.jupyterhub.cryptKeeperKeys[0]).toBe(placeholderSecrets(example).jupyterhub.cryptKeeperKeys[0]);
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
  test('pairs each placeholder with the real value of the same field', () => {
    const p = placeholderSecrets(example, REAL);
    const s = substitution(p, REAL);
    expect(s.get(p.github.clientSecret!)).toBe(REAL.github.clientSecret);
    expect(s.get(p.jupyterhub.proxySecretToken)).toBe(REAL.jupyterhub.proxySecretToken);
    expect(s.get(p.jupyterhub.cookieSecret)).toBe(REAL.jupyterhub.cookieSecret);
    expect(p.jupyterhub.cryptKeeperKeys.map((k) => s.get(k))).toEqual(REAL.jupyterhub.cryptKeeperKeys);
    expect(s.size).toBe(5);
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
  const p = placeholderSecrets(example, REAL);
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

  test.each([
    ['starts a comment', '#fake-secret'],
    ['is a YAML alias', '*fake-secret'],
    ['reads as a number', '12345678'],
    ['reads as a boolean', 'true'],
    ['opens a flow mapping', '{fake-secret'],
  ])('refuses a real value that would change the YAML meaning (a value that %s), with a user error that does not quote it', (_what, value) => {
    const s = substitution(placeholderSecrets(example), { ...REAL, github: { clientSecret: value } });
    const doc = stringify({ hub: { config: { GitHubOAuthenticator: { client_secret: placeholderSecrets(example).github.clientSecret } } } });
    let error: unknown;
    try {
      fillSecrets([secret({ 'values.yaml': b64(doc) })], s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).format()).toMatch(/^cannot place a secret into Secret jhub\/hub key values\.yaml without changing its meaning .*\(use only letters, digits and -\._~\+\/= in the secrets file\)$/);
    expect((error as UserError).format()).not.toContain(value.slice(1));
  });

  test('property: any value of secrets-file characters survives a YAML round trip through a Secret', () => {
    const ph = placeholderSecrets(example).jupyterhub.cookieSecret;
    const doc = b64(stringify({ a: { cookie: ph, list: [ph, 'x'] } }));
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+/=-]{7,63}$/), (value) => {
        let filled: K8sObject;
        try {
          [filled] = fillSecrets([secret({ v: doc })], new Map([[ph, value]]));
        } catch (e) {
          // Refusing is allowed only when the plain value would indeed not read back as itself.
          return parse(`k: ${value}`).k !== value && /without changing its meaning/.test((e as Error).message);
        }
        const back = parse(unb64((filled.data as Record<string, string>).v)) as { a: { cookie: unknown; list: unknown[] } };
        return back.a.cookie === value && back.a.list[0] === value && back.a.list[1] === 'x';
      }),
      { numRuns: 300 },
    );
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
});
