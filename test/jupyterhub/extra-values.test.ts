/**
 * `jupyterhub.values` (issue 21, item 1): raw z2jh values deep-merged over jhm's, checked against
 * the pinned chart's own values.schema.json (read from the archive the render uses), refused where
 * a typed field the hub file uses sets the value, refused for secrets; jhm's own defaults may be
 * overridden, and the synth says so.
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { mergeValues } from '../../k8s/chart-values';
import { UserErrors } from '../../model/errors';
import { loadHubFile } from '../../project/load';
import { EXAMPLE_HUB, makeProject, removeProjects } from '../support/project';
import { realCharts } from '../support/outside-files';
import { exampleWith, FAKE_SECRETS, tempRoot } from './support';
import * as fs from 'fs';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { isMapping, JUPYTERHUB_VALUE_OWNERS, ValuesPath } from '../../model/chart-values';
import type { HubSecrets } from '../../model/secret-fields';

afterAll(removeProjects);

/** The example hub file with `lines` added at the end of its `jupyterhub:` section (indented by the caller). */
const exampleWithValues = (lines: string) => `${EXAMPLE_HUB.trimEnd()}\n${lines}\n`;

/** The errors of loading `text` as hubs/example.yaml, one formatted line each. */
function loadErrors(text: string): string[] {
  const root = tempRoot();
  const file = path.join(root, 'example.yaml');
  fs.writeFileSync(file, text);
  try {
    loadHubFile(file, 'hubs/example.yaml');
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((d) => d.format());
    if (e instanceof Error && 'format' in e) return [(e as unknown as { format(): string }).format()];
    throw e;
  }
  return [];
}

/** The line number of the first line of `text` matching `re`. */
const lineOf = (text: string, re: RegExp) => text.split('\n').findIndex((l) => re.test(l)) + 1;

describe('jupyterhub.values: the rules of the hub file', () => {
  test('rule: a value a typed field of the hub file sets is refused, naming that field, at the line of the key', () => {
    const text = exampleWithValues(['  values:', '    singleuser:', '      profileList: []', '    cull:', '      maxAge: 28800'].join('\n'));
    expect(loadErrors(text)).toEqual([
      `hubs/example.yaml:${lineOf(text, /profileList/)}: jupyterhub.values.singleuser.profileList: singleuser.profileList is set by jupyterhub.profiles: use that field (remove it from values, or change jupyterhub.profiles)`,
    ]);
  });

  test('rule: a value is owned only where the hub file uses the typed field: jhm\'s defaults may be set (culling.timeout is not in the example)', () => {
    expect(loadErrors(exampleWithValues(['  values:', '    cull:', '      timeout: 7200', '      maxAge: 28800'].join('\n')))).toEqual([]);
    const withCulling = exampleWithValues(['  culling:', '    timeout: 1800', '  values:', '    cull:', '      timeout: 7200'].join('\n'));
    expect(loadErrors(withCulling)).toEqual([expect.stringContaining('jupyterhub.values.cull.timeout: cull.timeout is set by jupyterhub.culling.timeout: use that field')]);
  });

  test('rule: an empty mapping changes nothing it merges into, so above an owned value or a secret it is no conflict; a key under an owned mapping is', () => {
    expect(loadErrors(exampleWithValues(['  values:', '    singleuser: {}', '    hub:', '      config: {}'].join('\n')))).toEqual([]);
    const withEnv = exampleWithValues(['  values:', '    singleuser:', '      extraEnv:', '        COURSE: {}'].join('\n')).replace('  singleuser:\n', '  singleuser:\n    extraEnv: { A: b }\n');
    expect(loadErrors(withEnv)).toEqual([expect.stringContaining('jupyterhub.values.singleuser.extraEnv.COURSE: singleuser.extraEnv is set by jupyterhub.singleuser.extraEnv: use that field')]);
  });

  test('rule: secrets never go through values: a secret field\'s chart path names the secrets file field, a credential-like key is refused too', () => {
    const text = exampleWithValues(['  values:', '    hub:', '      config:', '        GitHubOAuthenticator:', '          client_secret: not-a-real-secret', '      db:', '        password: not-a-real-secret', '    proxy:', '      secretToken: not-a-real-secret'].join('\n'));
    const errors = loadErrors(text);
    expect(errors).toEqual([
      expect.stringMatching(/^hubs\/example\.yaml:\d+: jupyterhub\.values\.hub\.config\.GitHubOAuthenticator\.client_secret: is a secret: .*as github\.clientSecret/),
      expect.stringMatching(/^hubs\/example\.yaml:\d+: jupyterhub\.values\.hub\.db\.password: is a secret: .*no secrets-file field/),
      expect.stringMatching(/^hubs\/example\.yaml:\d+: jupyterhub\.values\.proxy\.secretToken: is a secret: .*as jupyterhub\.proxySecretToken/),
    ]);
    expect(errors.join('\n')).not.toContain('not-a-real-secret');
  });
});

describe('mergeValues', () => {
  test('rule: a mapping merges key by key, anything else replaces (lists and null too), jhm\'s key order is kept, and each replaced value of jhm\'s is listed', () => {
    const base = { cull: { enabled: true, timeout: 3600 }, singleuser: { extraEnv: { A: '1' }, profileList: [{ a: 1 }] }, hub: { nodeSelector: { x: 'y' } } };
    const { values, overrides } = mergeValues(base, { cull: { timeout: 7200, maxAge: 100 }, singleuser: { profileList: [] }, hub: { nodeSelector: null }, proxy: { https: { enabled: false } } });
    expect(values).toEqual({ cull: { enabled: true, timeout: 7200, maxAge: 100 }, singleuser: { extraEnv: { A: '1' }, profileList: [] }, hub: { nodeSelector: null }, proxy: { https: { enabled: false } } });
    expect(Object.keys(values)).toEqual(['cull', 'singleuser', 'hub', 'proxy']);
    expect(overrides.map((o) => o.path.join('.'))).toEqual(['cull.timeout', 'singleuser.profileList', 'hub.nodeSelector']);
    expect(base.cull.timeout).toBe(3600);
  });
});

/** Every path where `a` and `b` differ (a key on one side only, or different non-mapping values). */
function changedPaths(a: unknown, b: unknown, at: string[] = []): ValuesPath[] {
  if (isMapping(a) && isMapping(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], [...at, k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

const OIDC = { type: 'generic', clientId: 'c', authorizeUrl: 'https://sso.example.org/a', tokenUrl: 'https://sso.example.org/t', userdataUrl: 'https://sso.example.org/u', groupsClaim: 'groups', allowedGroups: ['a'], adminGroups: ['b'] };
const CILOGON = { type: 'cilogon', clientId: 'c', identityProviders: [{ entityId: 'urn:mace:incommon:iu.edu' }] };
const SECRETS: HubSecrets = { ...FAKE_SECRETS, cilogon: { clientSecret: 'not-a-real-secret' }, generic: { clientSecret: 'not-a-real-secret' } };

/**
 * For each row of the table (by its field): the hub file before, and the change of that field
 * alone. `auth.type` has none: another login writes another authenticator's section as a whole.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CHANGES: Record<string, { base?: any; change: (jh: any) => void }> = {
  'jupyterhub.auth.clientId': { change: (jh) => (jh.auth.clientId = 'other-client') },
  'jupyterhub.auth.allowedUsers': { change: (jh) => (jh.auth.allowedUsers = ['someone']) },
  'jupyterhub.auth.adminUsers': { change: (jh) => (jh.auth.adminUsers = ['a', 'b']) },
  'jupyterhub.auth.allowedOrganizations': { change: (jh) => (jh.auth.allowedOrganizations = ['my-course']) },
  'jupyterhub.auth.adminTeams': { change: (jh) => (jh.auth.adminTeams = ['my-course:instructors']) },
  'jupyterhub.auth.teamGroups': { change: (jh) => (jh.auth.teamGroups = true) },
  'jupyterhub.auth.allowExistingUsers': { change: (jh) => (jh.auth.allowExistingUsers = false) },
  'jupyterhub.auth.identityProviders': { base: CILOGON, change: (jh) => (jh.auth.identityProviders = [{ entityId: 'urn:x', allowAll: true }]) },
  'jupyterhub.auth.groupsClaim': { base: CILOGON, change: (jh) => (jh.auth.groupsClaim = 'isMemberOf') },
  'jupyterhub.auth.allowedGroups': { base: OIDC, change: (jh) => (jh.auth.allowedGroups = ['c']) },
  'jupyterhub.auth.adminGroups': { base: OIDC, change: (jh) => (jh.auth.adminGroups = ['d']) },
  'jupyterhub.auth.loginService': { base: OIDC, change: (jh) => (jh.auth.loginService = 'Keycloak') },
  'jupyterhub.auth.authorizeUrl': { base: OIDC, change: (jh) => (jh.auth.authorizeUrl = 'https://sso.example.org/a2') },
  'jupyterhub.auth.tokenUrl': { base: OIDC, change: (jh) => (jh.auth.tokenUrl = 'https://sso.example.org/t2') },
  'jupyterhub.auth.userdataUrl': { base: OIDC, change: (jh) => (jh.auth.userdataUrl = 'https://sso.example.org/u2') },
  'jupyterhub.auth.scope': { base: OIDC, change: (jh) => (jh.auth.scope = ['openid']) },
  'jupyterhub.auth.usernameClaim': { base: OIDC, change: (jh) => (jh.auth.usernameClaim = 'email') },
  'jupyterhub.singleuser.image': { change: (jh) => (jh.singleuser.image = 'quay.io/jupyter/base-notebook:2025-11-01') },
  'jupyterhub.singleuser.defaultUrl': { change: (jh) => (jh.singleuser.defaultUrl = '/tree') },
  'jupyterhub.singleuser.cpuGuarantee': { change: (jh) => (jh.singleuser.cpuGuarantee = 2) },
  'jupyterhub.singleuser.cpuLimit': { change: (jh) => (jh.singleuser.cpuLimit = 3) },
  'jupyterhub.singleuser.memoryGuarantee': { change: (jh) => (jh.singleuser.memoryGuarantee = '3G') },
  'jupyterhub.singleuser.memoryLimit': { change: (jh) => (jh.singleuser.memoryLimit = '5G') },
  'jupyterhub.singleuser.storageCapacity': { change: (jh) => (jh.singleuser.storageCapacity = '20Gi') },
  'jupyterhub.singleuser.storageClass': { change: (jh) => (jh.singleuser.storageClass = 'fast') },
  'jupyterhub.storage': { change: (jh) => (jh.storage = { type: 'shared', size: '500Gi', quota: '10Gi' }) },
  'jupyterhub.singleuser.startTimeout': { change: (jh) => (jh.singleuser.startTimeout = 900) },
  'jupyterhub.singleuser.extraEnv': { change: (jh) => (jh.singleuser.extraEnv = { COURSE: 'ml-101' }) },
  'jupyterhub.profiles': { change: (jh) => (jh.profiles = [jh.profiles[0]]) },
  'jupyterhub.culling.enabled': { change: (jh) => (jh.culling = { enabled: false }) },
  'jupyterhub.culling.timeout': { change: (jh) => (jh.culling = { timeout: 100 }) },
  'jupyterhub.scheduling.userPlaceholders': { change: (jh) => (jh.scheduling.userPlaceholders = 0) },
  'jupyterhub.scheduling.podPriority': { change: (jh) => (jh.scheduling.podPriority = false) },
  'jupyterhub.prePuller.continuous': { change: (jh) => (jh.prePuller = { continuous: true }) },
};

describe('JUPYTERHUB_VALUE_OWNERS', () => {
  const rows = JUPYTERHUB_VALUE_OWNERS.filter((o) => o.field.join('.') !== 'jupyterhub.auth.type');
  test.each(rows.map((o) => [o.field.join('.'), o] as const))('rule: changing %s changes values only at its row\'s paths (and changes some)', (name, owner) => {
    const how = CHANGES[name];
    expect(how).toBeDefined();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const base = (i: any) => {
      if (how.base) i.jupyterhub.auth = structuredClone(how.base);
    };
    const before = jupyterhubValues(exampleWith(base), SECRETS);
    const after = jupyterhubValues(
      exampleWith((i) => {
        base(i);
        how.change(i.jupyterhub);
      }),
      SECRETS,
    );
    const changed = changedPaths(before, after);
    expect(changed.length).toBeGreaterThan(0);
    const covered = (p: ValuesPath) => owner.values.some((o) => o.every((k, i) => p[i] === k) || p.every((k, i) => o[i] === k));
    expect(changed.filter((p) => !covered(p)).map((p) => p.join('.'))).toEqual([]);
  });
});

describe('replacing a jhm default is said by synth, diff and check', () => {
  test('rule: jhm synth (stderr) and jhm diff (stdout, with the plan) name the file, line and path of each replaced default, as information, not a warning', async () => {
    const text = exampleWithValues(['  values:', '    cull:', '      timeout: 7200'].join('\n'));
    const project = await makeProject({ hubs: { example: text } });
    const line = `hubs/example.yaml:${lineOf(text, /timeout: 7200/)}: jupyterhub.values.cull.timeout: replaces jhm's default 3600 with 7200`;
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(0);
    expect(synth.stderr.split('\n')).toContain(line);
    expect(synth.stderr).not.toContain(`warning: ${line}`);
    const diff = await project.jhm('diff', '--no-patch');
    expect(diff.stdout.split('\n')).toContain(line);
  }, 120_000);
});

const real = realCharts();

describe('jupyterhub.values with the real z2jh 4.4.0 chart', () => {
  const synthWith = async (values: string) => {
    const project = await makeProject({ hubs: { example: exampleWithValues(values) } });
    return { project, run: () => project.synth({ force: true, helm: { chartsDir: real.dir, cacheDir: path.join(project.root, '.cache') } }) };
  };

  real.test('rule: a values key reaches the rendered output, and replacing a jhm default is said once, at its line', async () => {
    const { project, run } = await synthWith(['  values:', '    hub:', '      extraEnv:', '        COURSE_NAME: ml-101', '    cull:', '      timeout: 7200'].join('\n'));
    const report = await run();
    const objects = [...project.tree('dist/example')].flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; spec?: any } | null));
    const hub = objects.find((o) => o?.kind === 'Deployment' && o.metadata?.name === 'hub');
    expect(hub!.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'COURSE_NAME', value: 'ml-101' }]));
    const notes = report.results.flatMap((r) => r.notes);
    const text = project.read('hubs/example.yaml');
    expect(notes).toEqual([expect.objectContaining({ field: 'jupyterhub.values.cull.timeout', line: lineOf(text, /timeout: 7200/), message: "replaces jhm's default 3600 with 7200" })]);
  }, 180_000);

  real.test('rule: a value the chart\'s values.schema.json refuses is an error with the hub file, its line and the values path, one per problem', async () => {
    const { project, run } = await synthWith(['  values:', '    singleuser:', '      lifecycleHooks:', '        postStart: {}', '      cpu:', '        limit: two', '    hub:', '      nodeSelectr: {}'].join('\n'));
    const text = project.read('hubs/example.yaml');
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserErrors);
    // In line order (the order of the keys in the file).
    const lines = (error as UserErrors).errors.map((e) => e.format()).sort((x, y) => Number(x.split(':')[1]) - Number(y.split(':')[1]));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^hubs/example\\.yaml:${lineOf(text, /limit: two/)}: jupyterhub\\.values\\.singleuser\\.cpu\\.limit: refused by the jupyterhub 4\\.4\\.0 values schema: must be number`)),
      expect.stringMatching(new RegExp(`^hubs/example\\.yaml:${lineOf(text, /nodeSelectr/)}: jupyterhub\\.values\\.hub\\.nodeSelectr: refused by the jupyterhub 4\\.4\\.0 values schema: must NOT have additional properties \\(no such key in the chart\\)`)),
    ]);
  }, 180_000);
});
