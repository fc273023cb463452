import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { UserErrors } from '../../model/errors';
import { loadHubFile } from '../../project/load';
import { ensureSecrets, loadSecrets, secretsFilePath, secretValues } from '../../project/secrets';
import { dummyHub, EXAMPLE_HUB_FILE, tempRoot } from './support';
import { userErrorLine } from '../support/user-error';

const hub = loadHubFile(EXAMPLE_HUB_FILE, 'hubs/example.yaml');
const FAKE_CLIENT_SECRET = 'fake-github-client-secret';
const HEX64 = /^[0-9a-f]{64}$/;

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const read = (file: string) => fs.readFileSync(file, 'utf8');

/** A valid secrets file text with fixed fake values. */
function fakeFile(opts: { clientSecret?: string; omit?: string } = {}): string {
  const lines = [
    '# my own note about this hub',
    'github:',
    ...(opts.clientSecret ? [`  clientSecret: ${opts.clientSecret}`] : []),
    'jupyterhub:',
    `  proxySecretToken: ${'a'.repeat(64)}`,
    `  cookieSecret: ${'b'.repeat(64)}`,
    '  cryptKeeperKeys:',
    `    - ${'c'.repeat(64)}`,
  ];
  const omit = opts.omit;
  return (omit ? lines.filter((l) => !l.includes(`${omit}:`) && !(omit === 'cryptKeeperKeys' && l.startsWith('    - '))) : lines).join('\n') + '\n';
}

function writeFake(root: string, text: string, mode = 0o600): string {
  const file = secretsFilePath(root, hub.name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

describe('secretsFilePath', () => {
  test('is secrets/<hub>.yaml under the project root', () => {
    expect(secretsFilePath('/project', 'physics-101')).toBe(path.join('/project', 'secrets', 'physics-101.yaml'));
  });
});

describe('ensureSecrets', () => {
  test('creates the file with mode 0600 and 32-byte hex tokens', () => {
    const root = tempRoot();
    const result = ensureSecrets(root, hub);
    const file = secretsFilePath(root, hub.name);
    expect(result.file).toBe(file);
    expect(modeOf(file)).toBe(0o600);
    expect(result.created).toEqual(['jupyterhub.proxySecretToken', 'jupyterhub.cookieSecret', 'jupyterhub.cryptKeeperKeys']);
    const data = parse(read(file));
    expect(data.jupyterhub.proxySecretToken).toMatch(HEX64);
    expect(data.jupyterhub.cookieSecret).toMatch(HEX64);
    expect(data.jupyterhub.cryptKeeperKeys).toHaveLength(1);
    expect(data.jupyterhub.cryptKeeperKeys[0]).toMatch(HEX64);
  });

  test('generates different random tokens for each field and each file', () => {
    const a = tempRoot();
    const b = tempRoot();
    ensureSecrets(a, hub);
    ensureSecrets(b, hub);
    const tokens = [a, b].flatMap((root) => {
      const j = parse(read(secretsFilePath(root, hub.name))).jupyterhub;
      return [j.proxySecretToken, j.cookieSecret, ...j.cryptKeeperKeys];
    });
    expect(new Set(tokens).size).toBe(6);
  });

  test('writes a commented placeholder for the GitHub client secret and reports it missing', () => {
    const root = tempRoot();
    const result = ensureSecrets(root, hub);
    expect(result.missing).toEqual(['github.clientSecret']);
    const text = read(secretsFilePath(root, hub.name));
    expect(text).toMatch(/^github:\n {2}# TODO: set clientSecret to the client secret of the GitHub OAuth app example-github-client-id\n/m);
    expect(text).toMatch(/^ {2}# clientSecret: /m);
    expect(parse(text).github ?? {}).not.toHaveProperty('clientSecret');
  });

  test('running it twice changes nothing (same bytes, nothing created)', () => {
    const root = tempRoot();
    ensureSecrets(root, hub);
    const file = secretsFilePath(root, hub.name);
    const first = read(file);
    const again = ensureSecrets(root, hub);
    expect(again.created).toEqual([]);
    expect(read(file)).toBe(first);
    expect(modeOf(file)).toBe(0o600);
  });

  test('never overwrites existing values; adds only the missing ones and keeps comments', () => {
    const root = tempRoot();
    const file = writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET, omit: 'cookieSecret' }));
    const result = ensureSecrets(root, hub);
    expect(result.created).toEqual(['jupyterhub.cookieSecret']);
    const text = read(file);
    const data = parse(text);
    expect(data.github.clientSecret).toBe(FAKE_CLIENT_SECRET);
    expect(data.jupyterhub.proxySecretToken).toBe('a'.repeat(64));
    expect(data.jupyterhub.cryptKeeperKeys).toEqual(['c'.repeat(64)]);
    expect(data.jupyterhub.cookieSecret).toMatch(HEX64);
    expect(text).toContain('# my own note about this hub');
    // And once complete, a second run leaves it as it is.
    ensureSecrets(root, hub);
    expect(read(file)).toBe(text);
  });

  test('stores a given client secret, accepts the same one again, refuses a different one', () => {
    const root = tempRoot();
    const first = ensureSecrets(root, hub, { githubClientSecret: FAKE_CLIENT_SECRET });
    expect(first.created).toContain('github.clientSecret');
    expect(first.missing).toEqual([]);
    const file = secretsFilePath(root, hub.name);
    const text = read(file);
    expect(parse(text).github.clientSecret).toBe(FAKE_CLIENT_SECRET);
    expect(text).not.toContain('TODO');
    expect(ensureSecrets(root, hub, { githubClientSecret: FAKE_CLIENT_SECRET }).created).toEqual([]);
    const message = userErrorLine(() => ensureSecrets(root, hub, { githubClientSecret: 'another-fake-client-secret' }));
    expect(message).toContain('secrets/example.yaml: github.clientSecret: already set');
    expect(message).not.toContain(FAKE_CLIENT_SECRET);
    expect(read(file)).toBe(text);
  });

  test('fills the client secret into the placeholder section', () => {
    const root = tempRoot();
    ensureSecrets(root, hub);
    ensureSecrets(root, hub, { githubClientSecret: FAKE_CLIENT_SECRET });
    const text = read(secretsFilePath(root, hub.name));
    expect(parse(text).github).toEqual({ clientSecret: FAKE_CLIENT_SECRET });
    expect(loadSecrets(root, hub).github.clientSecret).toBe(FAKE_CLIENT_SECRET);
  });

  test('regenerates a token whose value was emptied (rotation), keeping the others', () => {
    const root = tempRoot();
    const file = writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET }).replace(`cookieSecret: ${'b'.repeat(64)}`, 'cookieSecret:'));
    expect(userErrorLine(() => loadSecrets(root, hub))).toBe('secrets/example.yaml: jupyterhub.cookieSecret: is missing (run jhm secrets example to generate it)');
    expect(ensureSecrets(root, hub).created).toEqual(['jupyterhub.cookieSecret']);
    const data = parse(read(file));
    expect(data.jupyterhub.cookieSecret).toMatch(HEX64);
    expect(data.jupyterhub.cookieSecret).not.toBe('b'.repeat(64));
    expect(data.jupyterhub.proxySecretToken).toBe('a'.repeat(64));
  });

  test('tightens a hand-made file to mode 0600', () => {
    const root = tempRoot();
    const file = writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET }), 0o644);
    expect(ensureSecrets(root, hub).created).toEqual([]);
    expect(modeOf(file)).toBe(0o600);
  });

  test('adds no GitHub placeholder for a hub that does not log in with GitHub', () => {
    const root = tempRoot();
    const trial = dummyHub();
    const result = ensureSecrets(root, trial);
    expect(result.missing).toEqual([]);
    const text = read(secretsFilePath(root, trial.name));
    expect(text).not.toContain('github');
    expect(loadSecrets(root, trial).github).toEqual({});
  });

  test('refuses to complete a malformed file, naming the file and field', () => {
    const root = tempRoot();
    const file = writeFake(root, fakeFile().replace(`cookieSecret: ${'b'.repeat(64)}`, 'cookieSecret: [1, 2]'));
    const before = read(file);
    expect(userErrorLine(() => ensureSecrets(root, hub))).toMatch(/^secrets\/example\.yaml:\d+: jupyterhub\.cookieSecret: /);
    expect(read(file)).toBe(before);
  });
});

describe('loadSecrets', () => {
  test('a missing file says which command creates it', () => {
    const message = userErrorLine(() => loadSecrets(tempRoot(), hub));
    expect(message).toContain('secrets/example.yaml');
    expect(message).toContain('jhm secrets example');
  });

  test('a missing GitHub client secret names the file and field and says to set it', () => {
    const root = tempRoot();
    ensureSecrets(root, hub);
    const message = userErrorLine(() => loadSecrets(root, hub));
    expect(message).toMatch(/^secrets\/example\.yaml: github\.clientSecret: is not set \(set it to the client secret of the GitHub OAuth app example-github-client-id/);
  });

  test('an empty client secret is refused', () => {
    const root = tempRoot();
    writeFake(root, fakeFile().replace('github:', 'github:\n  clientSecret: ""'));
    expect(userErrorLine(() => loadSecrets(root, hub))).toMatch(/^secrets\/example\.yaml:\d+: github\.clientSecret: is empty/);
  });

  test('a missing token names the field and the command that generates it', () => {
    const root = tempRoot();
    writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET, omit: 'proxySecretToken' }));
    expect(userErrorLine(() => loadSecrets(root, hub))).toBe('secrets/example.yaml: jupyterhub.proxySecretToken: is missing (run jhm secrets example to generate it)');
  });

  test('malformed values name file, line and field, and never echo the value', () => {
    const root = tempRoot();
    const badCookie = 'not-a-hex-cookie-secret-value';
    writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET }).replace('b'.repeat(64), badCookie).replace('jupyterhub:', 'jupyterhub:\n  cookieSecrets: x'));
    let error: unknown;
    try {
      loadSecrets(root, hub);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserErrors);
    const lines = (error as UserErrors).format().split('\n');
    expect(lines).toContain('secrets/example.yaml:7: jupyterhub.cookieSecret: must be 64 hexadecimal characters (32 bytes)');
    expect(lines.some((l) => /^secrets\/example\.yaml:\d+: jupyterhub: unknown field "cookieSecrets"/.test(l))).toBe(true);
    expect((error as UserErrors).format()).not.toContain(badCookie);
  });

  test('invalid YAML names the file and line without quoting it', () => {
    const root = tempRoot();
    writeFake(root, 'github:\n  clientSecret: "fake-unterminated\n');
    const message = userErrorLine(() => loadSecrets(root, hub));
    expect(message).toMatch(/^secrets\/example\.yaml:\d+: invalid YAML/);
    expect(message).not.toContain('fake-unterminated');
  });

  test('a complete file loads, and secretValues lists every secret in it', () => {
    const root = tempRoot();
    writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET }));
    const secrets = loadSecrets(root, hub);
    expect(secrets).toEqual({
      github: { clientSecret: FAKE_CLIENT_SECRET },
      jupyterhub: { proxySecretToken: 'a'.repeat(64), cookieSecret: 'b'.repeat(64), cryptKeeperKeys: ['c'.repeat(64)] },
    });
    expect(secretValues(secrets).sort()).toEqual([FAKE_CLIENT_SECRET, 'a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)].sort());
  });

  test('what ensureSecrets generates is what loadSecrets accepts', () => {
    const root = tempRoot();
    ensureSecrets(root, hub, { githubClientSecret: FAKE_CLIENT_SECRET });
    const secrets = loadSecrets(root, hub);
    expect(secretValues(secrets)).toHaveLength(4);
  });

  test('CryptKeeper keys may be base64 (44 characters) as JupyterHub accepts', () => {
    const root = tempRoot();
    const b64 = Buffer.alloc(32, 7).toString('base64');
    writeFake(root, fakeFile({ clientSecret: FAKE_CLIENT_SECRET }).replace('c'.repeat(64), b64));
    expect(loadSecrets(root, hub).jupyterhub.cryptKeeperKeys).toEqual([b64]);
  });
});
