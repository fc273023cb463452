/**
 * The sops format (`project/sops.ts`, `project/sops-age.ts`): files the real sops wrote are read by
 * jhm, files jhm writes are read by an independent reader (the `sops-age` package), the MAC is
 * recomputed here from sops's definition, and any change to a value is refused. Keys are
 * throwaway ones made per run, and the published test key of the fixtures (see sops-fixtures/).
 */
import { spawnSync } from 'child_process';
import { createDecipheriv, createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { decryptSops } from 'sops-age';
import { which } from '../../base/tools';
import { ageKeygen } from '../../project/sops-age';
import { decryptSopsDocument, encryptSopsYaml, sopsDataKey, sopsMetadata, sopsRuleFor } from '../../project/sops';
import { userErrorLine } from '../support/user-error';

const FIXTURES = path.join(__dirname, 'sops-fixtures');
/** The real age tool (Debian's age package), for the age layer; its tests are skipped without it. */
const AGE = which('age') !== undefined && which('age-keygen') !== undefined;
if (!AGE) process.stderr.write('test/config/sops.test.ts: the tests against the real age tool skipped: install age (apt-get install age) to run them\n');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
/** The fixtures' published test key, as SOPS_AGE_KEY_FILE. */
const FIXTURE_ENV = { SOPS_AGE_KEY_FILE: path.join(FIXTURES, 'test-key.txt') };
/** Obviously fake secrets. */
const DATA = { github: { clientSecret: 'fake-client-secret-0123456789abcdef' }, jupyterhub: { cookieSecret: 'a'.repeat(64), cryptKeeperKeys: ['b'.repeat(64), 'c'.repeat(64)] } };

const decrypt = (text: string, env: NodeJS.ProcessEnv) => decryptSopsDocument(parseDocument(text), 'secrets/x.yaml', env).data;
describe('sops files', () => {
  const alice = ageKeygen();
  const bob = ageKeygen();
  const aliceEnv = { SOPS_AGE_KEY: alice.identity };

  test('rule: files the real sops wrote (3.8.1, with types, a nested mapping and a list) are read by jhm, MAC checked', () => {
    expect(decrypt(fixture('types.enc.yaml'), FIXTURE_ENV)).toEqual({
      secret: expect.any(String),
      string: expect.any(String),
      int: expect.any(Number),
      float: expect.any(Number),
      boolean: expect.any(Boolean),
      complex: { value: expect.any(String), array: [expect.any(String), expect.any(String), expect.any(String)] },
    });
    expect(decrypt(fixture('secret.enc.yaml'), FIXTURE_ENV)).toEqual({ secret: expect.any(String) });
  });

  test('rule: jhm reads the real sops files exactly as the independent reader (sops-age) does', async () => {
    const key = fs.readFileSync(FIXTURE_ENV.SOPS_AGE_KEY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    for (const name of ['types.enc.yaml', 'secret.enc.yaml']) {
      expect(decrypt(fixture(name), FIXTURE_ENV)).toEqual(await decryptSops(fixture(name), { secretKey: key, fileType: 'yaml' }));
    }
  });

  test('rule: a file jhm writes keeps its keys readable, encrypts every value, and the independent reader (sops-age) decrypts it', async () => {
    const text = encryptSopsYaml(DATA, [alice.recipient, bob.recipient]);
    const raw = parse(text) as { github: { clientSecret: string }; jupyterhub: { cryptKeeperKeys: string[] }; sops: { age: { recipient: string }[]; version: string } };
    expect(raw.github.clientSecret).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/);
    expect(raw.jupyterhub.cryptKeeperKeys).toHaveLength(2);
    expect(raw.sops.age.map((a) => a.recipient)).toEqual([alice.recipient, bob.recipient]);
    for (const secret of [DATA.github.clientSecret, DATA.jupyterhub.cookieSecret]) expect(text).not.toContain(secret);
    expect(await decryptSops(text, { secretKey: alice.identity, fileType: 'yaml' })).toEqual(DATA);
    expect(await decryptSops(text, { secretKey: bob.identity, fileType: 'yaml' })).toEqual(DATA);
    expect(decrypt(text, { SOPS_AGE_KEY: bob.identity })).toEqual(DATA);
  });

  test('rule: the MAC is SHA-512 over every value in document order, as upper-case hex, encrypted with lastmodified as additional data', () => {
    const text = encryptSopsYaml(DATA, [alice.recipient]);
    const doc = parseDocument(text);
    const meta = sopsMetadata(doc, 'x');
    const key = sopsDataKey(meta, 'x', aliceEnv);
    const open = (enc: string, ad: string): string => {
      const m = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:str\]$/.exec(enc)!;
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2], 'base64'));
      d.setAAD(Buffer.from(ad));
      d.setAuthTag(Buffer.from(m[3], 'base64'));
      return Buffer.concat([d.update(Buffer.from(m[1], 'base64')), d.final()]).toString();
    };
    const raw = parse(text) as { github: { clientSecret: string }; jupyterhub: { cookieSecret: string; cryptKeeperKeys: string[] } };
    // Each value's additional data is its path; a list item has its list's.
    const values = [
      open(raw.github.clientSecret, 'github:clientSecret:'),
      open(raw.jupyterhub.cookieSecret, 'jupyterhub:cookieSecret:'),
      ...raw.jupyterhub.cryptKeeperKeys.map((v) => open(v, 'jupyterhub:cryptKeeperKeys:')),
    ];
    expect(values).toEqual([DATA.github.clientSecret, DATA.jupyterhub.cookieSecret, ...DATA.jupyterhub.cryptKeeperKeys]);
    const expected = createHash('sha512').update(values.join('')).digest('hex').toUpperCase();
    expect(open(meta.mac, meta.lastmodified)).toBe(expected);
    expect(meta.lastmodified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('rule: a value moved to another key, a changed value, a changed lastmodified or a MAC of other values is refused with one line naming the file', () => {
    const text = encryptSopsYaml(DATA, [alice.recipient]);
    const raw = parse(text) as Record<string, Record<string, unknown>>;
    const lines = text.split('\n');
    const cookie = lines.findIndex((l) => l.includes('cookieSecret:'));
    const clientSecret = lines.findIndex((l) => l.includes('clientSecret:'));
    // The client secret's ciphertext under cookieSecret: it does not open with another path.
    const moved = [...lines];
    moved[cookie] = `    cookieSecret: ${raw.github.clientSecret as string}`;
    expect(userErrorLine(() => decrypt(moved.join('\n'), aliceEnv))).toMatch(/^secrets\/x\.yaml: jupyterhub\.cookieSecret: does not decrypt with the file's data key/);
    // A flipped ciphertext byte.
    const flipped = [...lines];
    flipped[clientSecret] = flipped[clientSecret].replace(/data:(.)/, (_, c: string) => `data:${c === 'A' ? 'B' : 'A'}`);
    expect(userErrorLine(() => decrypt(flipped.join('\n'), aliceEnv))).toMatch(/^secrets\/x\.yaml: github\.clientSecret: does not decrypt/);
    // A value removed: every remaining value opens, the MAC does not match.
    const removed = lines.filter((_, i) => i !== cookie);
    expect(userErrorLine(() => decrypt(removed.join('\n'), aliceEnv))).toBe('secrets/x.yaml: sops.mac: the MAC does not match the values: the file was changed outside sops or jhm (restore it from git, or edit the file with sops)');
    const older = text.replace(/lastmodified: "[^"]+"/, 'lastmodified: "2001-01-01T00:00:00Z"');
    expect(userErrorLine(() => decrypt(older, aliceEnv))).toMatch(/^secrets\/x\.yaml: sops\.mac: does not decrypt/);
  });

  test('rule: without SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, one line names the file and both variables', () => {
    const text = encryptSopsYaml(DATA, [alice.recipient]);
    expect(userErrorLine(() => decrypt(text, {}))).toBe(
      'secrets/x.yaml: is encrypted with sops, and no age key is set to decrypt it (set SOPS_AGE_KEY_FILE to your age key file (or SOPS_AGE_KEY to the key))',
    );
  });

  test('rule: a key that is not a recipient of the file, or no age key at all, is refused with one line naming the file', () => {
    const text = encryptSopsYaml(DATA, [alice.recipient]);
    expect(userErrorLine(() => decrypt(text, { SOPS_AGE_KEY: bob.identity }))).toMatch(/^secrets\/x\.yaml: none of your age keys \(SOPS_AGE_KEY_FILE, SOPS_AGE_KEY\) can decrypt this file \(/);
    expect(userErrorLine(() => decrypt(text, { SOPS_AGE_KEY: 'not-a-key' }))).toMatch(/^secrets\/x\.yaml: SOPS_AGE_KEY: line 1 is not an age identity/);
    expect(userErrorLine(() => decrypt(text, { SOPS_AGE_KEY_FILE: path.join(FIXTURES, 'README.md') }))).toMatch(/^secrets\/x\.yaml: SOPS_AGE_KEY_FILE: line 3 is not an age identity/);
    expect(userErrorLine(() => decrypt(text, { SOPS_AGE_KEY_FILE: path.join(FIXTURES, 'no-such-key.txt') }))).toMatch(/^secrets\/x\.yaml: cannot read SOPS_AGE_KEY_FILE \(ENOENT\)/);
  });

  test('rule: .sops.yaml chooses the recipients by path_regex, first matching rule, as a comma-separated string, a list or one key group', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-sops-'));
    const file = path.join(dir, '.sops.yaml');
    const write = (text: string) => fs.writeFileSync(file, text);
    const [a, b] = [alice.recipient, bob.recipient];
    write(`creation_rules:\n  - path_regex: ^other/\n    age: ${b}\n  - path_regex: ^secrets/.*\\.yaml$\n    age: "${a}, ${b}"\n`);
    expect(sopsRuleFor(file, 'secrets/course-a.yaml')).toEqual({ recipients: [a, b], field: 'creation_rules[1]' });
    expect(sopsRuleFor(file, 'hubs/course-a.yaml')).toBeUndefined();
    write(`creation_rules:\n  - path_regex: secrets/\n    key_groups:\n      - age:\n          - ${b}\n`);
    expect(sopsRuleFor(file, 'secrets/course-a.yaml')).toEqual({ recipients: [b], field: 'creation_rules[0]' });
    write(`creation_rules:\n  - age: [${a}]\n`);
    expect(sopsRuleFor(file, 'secrets/course-a.yaml')?.recipients).toEqual([a]);
    write(`creation_rules:\n  - path_regex: secrets/\n    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n`);
    expect(userErrorLine(() => sopsRuleFor(file, 'secrets/course-a.yaml'))).toMatch(/^\.sops\.yaml:3: creation_rules\[0\]\.pgp: jhm encrypts secrets files for age recipients only/);
    write(`creation_rules:\n  - age: [not-a-recipient]\n`);
    expect(userErrorLine(() => sopsRuleFor(file, 'secrets/course-a.yaml'))).toMatch(/^\.sops\.yaml:2: creation_rules\[0\]\.age\[0\]: "not-a-recipient" is not an age recipient/);
    fs.rmSync(dir, { recursive: true });
    expect(sopsRuleFor(file, 'secrets/course-a.yaml')).toBeUndefined();
  });

  (AGE ? describe : describe.skip)('against the real age tool', () => {
    let dir: string;
    let keyFile: string;
    let recipient: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-age-'));
      keyFile = path.join(dir, 'throwaway-key.txt');
      const keygen = spawnSync('age-keygen', ['-o', keyFile], { encoding: 'utf8' });
      expect(keygen.status).toBe(0);
      recipient = /public key: (age1[0-9a-z]+)/.exec(fs.readFileSync(keyFile, 'utf8'))![1];
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('rule: the data key jhm wraps for a key age-keygen made is an armored age file the age tool decrypts, and jhm reads the file with that key file', () => {
      const text = encryptSopsYaml(DATA, [recipient]);
      const meta = sopsMetadata(parseDocument(text), 'x');
      const env = { SOPS_AGE_KEY_FILE: keyFile };
      const opened = spawnSync('age', ['-d', '-i', keyFile], { input: meta.age[0].enc });
      expect(opened.status).toBe(0);
      expect(Buffer.from(opened.stdout)).toEqual(Buffer.from(sopsDataKey(meta, 'x', env)));
      expect(decrypt(text, env)).toEqual(DATA);
    });

    test('rule: jhm reads a file whose data key the age tool wrapped (as sops does, with the Go age library)', () => {
      const text = encryptSopsYaml(DATA, [alice.recipient]);
      const meta = sopsMetadata(parseDocument(text), 'x');
      const key = sopsDataKey(meta, 'x', aliceEnv);
      const wrapped = spawnSync('age', ['-e', '-a', '-r', recipient], { input: Buffer.from(key), encoding: 'utf8' });
      expect(wrapped.status).toBe(0);
      const doc = parseDocument(text);
      doc.setIn(['sops', 'age', 0, 'recipient'], recipient);
      doc.setIn(['sops', 'age', 0, 'enc'], wrapped.stdout);
      expect(decrypt(doc.toString(), { SOPS_AGE_KEY_FILE: keyFile })).toEqual(DATA);
    });
  });
});
