/**
 * The pieces that keep secrets out of `dist/`: placeholder secrets (fixed per hub and field),
 * the substitution of real values into Secret objects only (plain, base64 and YAML-in-Secret,
 * refusing a value that would change a document's meaning), and the last-line leak guard.
 */
import * as fs from 'fs';
import fc from 'fast-check';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { isUserError } from '../../model/errors';
import { defineHub, Hub } from '../../model/hub';
import { HubSecrets, secretValues } from '../../project/secrets';
import { K8sObject } from '../../k8s/helm/types';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { fillSecretFiles, fillSecrets, placeholderSecrets, placeholdersIn, placeholdersInPlace, secretPlaces, substitution } from '../../k8s/secret-placeholders';
import { assertNoSecretInDist, hasSecretEntropy, LEAK_MIN_BITS_PER_CHAR, LEAK_MIN_LENGTH } from '../../k8s/synth';
import { EXAMPLE_HUB, makeProject, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

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

describe('the collision rule: a secrets-file value equal to (or holding) a placeholder never puts the wrong secret anywhere', () => {
  const p = placeholderSecrets(example);
  const other = placeholderSecrets(hubNamed('other'));
  /** A values.yaml like z2jh's with every placeholder in its place, and the joined keys as their own entry. */
  const rendered = secret({
    'values.yaml': b64(
      stringify({
        hub: {
          config: {
            GitHubOAuthenticator: { client_secret: p.github.clientSecret },
            ConfigurableHTTPProxy: { auth_token: p.jupyterhub.proxySecretToken },
            JupyterHub: { cookie_secret: p.jupyterhub.cookieSecret },
            CryptKeeper: { keys: p.jupyterhub.cryptKeeperKeys },
          },
        },
      }),
    ),
    'hub.config.CryptKeeper.keys': b64(p.jupyterhub.cryptKeeperKeys[0]),
    'hub.config.JupyterHub.cookie_secret': b64(p.jupyterhub.cookieSecret),
  });
  /** What each field reads in the filled Secret. */
  const filledWith = (real: HubSecrets) => {
    const [out] = fillSecrets([rendered], substitution(p, real));
    const data = out.data as Record<string, string>;
    const c = (parse(unb64(data['values.yaml'])) as any).hub.config;
    return {
      clientSecret: c.GitHubOAuthenticator.client_secret,
      proxySecretToken: c.ConfigurableHTTPProxy.auth_token,
      cookieSecret: [c.JupyterHub.cookie_secret, unb64(data['hub.config.JupyterHub.cookie_secret'])],
      cryptKeeperKeys: [c.CryptKeeper.keys, unb64(data['hub.config.CryptKeeper.keys'])],
    };
  };
  const expected = (real: HubSecrets) => ({
    clientSecret: real.github.clientSecret,
    proxySecretToken: real.jupyterhub.proxySecretToken,
    cookieSecret: [real.jupyterhub.cookieSecret, real.jupyterhub.cookieSecret],
    cryptKeeperKeys: [real.jupyterhub.cryptKeeperKeys, real.jupyterhub.cryptKeeperKeys.join(';')],
  });

  test("the reproduction: a client secret equal to the cookie secret's placeholder stays the client secret; the cookie secret gets its own value", () => {
    const real: HubSecrets = { ...REAL, github: { clientSecret: p.jupyterhub.cookieSecret } };
    expect(filledWith(real)).toEqual(expected(real));
  });

  test('a CryptKeeper key (a list, expanded line by line) equal to another placeholder stays that key', () => {
    const real: HubSecrets = { ...REAL, jupyterhub: { ...REAL.jupyterhub, cryptKeeperKeys: [p.jupyterhub.cookieSecret, p.github.clientSecret!] } };
    expect(filledWith(real)).toEqual(expected(real));
  });

  test('property: whatever placeholders (of this hub or another) the values equal or hold, each place gets its own field\'s value', () => {
    const hex = fc.constantFrom(...secretValues(p), ...secretValues(other), HEX('fa1e'), HEX('c00c'));
    const text = fc.oneof(hex, fc.tuple(fc.constantFrom('', 'x-'), hex, fc.constantFrom('', '-y')).map(([a, h, b]) => `${a}${h}${b}`));
    fc.assert(
      fc.property(text, hex, hex, fc.array(hex, { minLength: 1, maxLength: 3 }), (clientSecret, proxySecretToken, cookieSecret, cryptKeeperKeys) => {
        const real: HubSecrets = { github: { clientSecret }, jupyterhub: { proxySecretToken, cookieSecret, cryptKeeperKeys } };
        expect(filledWith(real)).toEqual(expected(real));
      }),
      { numRuns: 200 },
    );
  });

  test('fillSecretFiles, as synth calls it with the placeholders of every hub in one substitution: each hub gets its own values', () => {
    // Each hub's client secret is the other hub's placeholder.
    const real: HubSecrets = { ...REAL, github: { clientSecret: other.github.clientSecret! } };
    const realOther: HubSecrets = { ...REAL, github: { clientSecret: p.github.clientSecret! } };
    const subst = new Map([...substitution(p, real), ...substitution(other, realOther)]);
    const file = (ph: HubSecrets) => `# header\n---\n${stringify(secret({ v: b64(`client_secret: ${ph.github.clientSecret}\n`) }))}`;
    const out = fillSecretFiles(new Map([['a.yaml', file(p)], ['b.yaml', file(other)]]), subst);
    const clientOf = (f: string) => unb64((parseAllDocuments(out.get(f)!).at(-1)!.toJS() as K8sObject & { data: { v: string } }).data.v);
    expect([clientOf('a.yaml'), clientOf('b.yaml')]).toEqual([`client_secret: ${other.github.clientSecret}\n`, `client_secret: ${p.github.clientSecret}\n`]);
  });
});

describe('the collision rule, hub-file side: a placeholder is only where jhm puts it in the chart values', () => {
  const p = placeholderSecrets(example);
  const refusal = (values: unknown): string => {
    try {
      placeholdersInPlace(values, p, 'hubs/example.yaml');
    } catch (e) {
      if (isUserError(e)) return e.format();
      throw e;
    }
    return 'accepted';
  };

  test("the example hub's values, with every placeholder in its place (the list's as its item), are accepted as they are", () => {
    const values = jupyterhubValues(example, p);
    expect(placeholdersInPlace(values, p, 'hubs/example.yaml')).toBe(values);
  });

  test.each([
    ['as a value', (v: any) => (v.singleuser.profileList[0].description = `see ${p.jupyterhub.cookieSecret}`), 'singleuser.profileList.0.description'],
    ['as a whole value elsewhere', (v: any) => (v.hub.config.JupyterHub.extra = p.github.clientSecret), 'hub.config.JupyterHub.extra'],
    ['as a key', (v: any) => (v.hub.config[p.jupyterhub.proxySecretToken] = 'x'), `hub.config.${p.jupyterhub.proxySecretToken}`],
    ["in another field's place", (v: any) => (v.hub.config.JupyterHub.cookie_secret = p.jupyterhub.proxySecretToken), 'hub.config.JupyterHub.cookie_secret'],
  ])('hub-file text holding a placeholder %s (it would become the secret, on the spawn page say) is one line naming the hub file and the chart value', (_how, edit, at) => {
    const values = jupyterhubValues(example, p) as any;
    edit(values);
    const line = refusal(values);
    expect(line).toMatch(/^hubs\/example\.yaml: the chart value (\S+) holds the placeholder jhm renders [a-zA-Z.]+ with, which would be replaced by the secret \(change that text in the hub file\)$/);
    expect(line).toContain(`the chart value ${at} holds`);
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

  test('rule: a real secret value found in dist/ (never rendered with it: the text is the chart\'s own) is a user error naming the secrets file and the field, not quoting the value', () => {
    const places = secretPlaces([{ name: 'example', secrets: { ...REAL, github: { clientSecret: value } } }]);
    const text = `kind: ConfigMap\ndata:\n  a: ${value}\n`;
    let error: unknown;
    try {
      assertNoSecretInDist(example, files({ ...clean, '03-ingress-controller.yaml': text }), [value], [], places);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    const line = (error as { format(): string }).format();
    expect(line).toMatch(/^secrets\/example\.yaml: github\.clientSecret: is text that is also in the rendered manifests \(dist\/example\/03-ingress-controller\.yaml\), outside any Secret.* \(choose another value/);
    expect(line).not.toContain(value);
    expect(line.split('\n')).toHaveLength(1);
    // A placeholder found there is still jhm's bug, not the user's.
    const ph = placeholderSecrets(example).jupyterhub.cookieSecret;
    expect(() => assertNoSecretInDist(example, files({ 'x.yaml': `a: ${ph}\n` }), [ph], [], places)).toThrow(/a bug in jhm/);
  });

  test('the entropy rule: generated tokens, GitHub client secrets and the test secrets are looked for', () => {
    for (const v of [...secretValues(placeholderSecrets(example)), 'fake-github-client-secret-for-tests', value, '0123456789abcdef']) expect([v, hasSecretEntropy(v)]).toEqual([v, true]);
    expect([LEAK_MIN_LENGTH, LEAK_MIN_BITS_PER_CHAR]).toEqual([16, 3]);
  });
});

describe('through jhm synth, with the real chart', () => {
  /** The hub Secret's chart values (`values.yaml`) in dist-secrets/ of `project`. */
  const hubSecretValues = (project: TestProject): any => {
    for (const text of project.tree('dist-secrets').values()) {
      for (const d of parseAllDocuments(text)) {
        const o = d.toJS() as K8sObject | null;
        if (o?.kind === 'Secret' && o.metadata.name === 'hub') return parse(unb64((o.data as Record<string, string>)['values.yaml']));
      }
    }
    throw new Error('no hub Secret in dist-secrets/');
  };
  const setSecrets = (project: TestProject, edit: (file: any) => void) => {
    const file = parse(project.read('secrets/example.yaml'));
    edit(file);
    project.write('secrets/example.yaml', stringify(file));
    fs.chmodSync(project.path('secrets/example.yaml'), 0o600);
    return file;
  };

  test("the reproduction of the collision rule: a client secret equal to the cookie secret's placeholder reaches the hub's Secret as the client secret, dist/ unchanged", async () => {
    const project = await makeProject();
    expect((await project.jhm('synth')).code).toBe(0);
    const dist = project.tree('dist');
    const file = setSecrets(project, (f) => (f.github.clientSecret = placeholderSecrets(example).jupyterhub.cookieSecret));
    expect((await project.jhm('synth')).code).toBe(0);
    const config = hubSecretValues(project).hub.config;
    expect([config.GitHubOAuthenticator.client_secret, config.JupyterHub.cookie_secret]).toEqual([file.github.clientSecret, file.jupyterhub.cookieSecret]);
    expect(project.tree('dist')).toEqual(dist);
  });

  test('the reproduction of the chart-text rule: a client secret equal to text of the chart (its hub image) stops synth with one line naming the secrets file and the field, writing nothing', async () => {
    const project = await makeProject();
    expect((await project.jhm('synth')).code).toBe(0);
    const before = project.outputs();
    setSecrets(project, (f) => (f.github.clientSecret = 'jupyterhub/k8s-hub'));
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(1);
    expect(synth.stderr.split('\n').filter((l) => l.startsWith('error:') || l.includes('internal error'))).toEqual([
      expect.stringMatching(/^error: secrets\/example\.yaml: github\.clientSecret: is text that is also in the rendered manifests \(chart jupyterhub [0-9.]+: Deployment hub\), outside any Secret: .*\(choose another value/),
    ]);
    expect(synth.stderr).not.toContain('jupyterhub/k8s-hub');
    expect(project.outputs()).toEqual(before);
  });
});

test('through jhm synth: a profile description holding a placeholder stops synth with one line naming the hub file, before rendering, writing nothing', async () => {
  const project = await makeProject();
  expect((await project.jhm('synth')).code).toBe(0);
  const before = project.outputs();
  project.write('hubs/example.yaml', EXAMPLE_HUB.replace('description: A small server on the core node.', `description: ${placeholderSecrets(example).jupyterhub.cookieSecret}`));
  const synth = await project.jhm('synth');
  expect(synth.code).toBe(1);
  expect(synth.stderr.split('\n').filter((l) => l.startsWith('error:') || l.includes('internal error'))).toEqual([
    'error: hubs/example.yaml: the chart value singleuser.profileList.0.description holds the placeholder jhm renders jupyterhub.cookieSecret with, which would be replaced by the secret (change that text in the hub file)',
  ]);
  expect(project.outputs()).toEqual(before);
});
