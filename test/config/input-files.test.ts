/**
 * Bounded, typed reads of the files a user controls (issue 9): hub files and secrets files must be
 * regular files of at most 1 MiB (a link to /dev/zero, /dev/urandom, a FIFO or a folder is one
 * line of error, never a hang or an out-of-memory abort); errors quote at most 80 characters of a
 * value; YAML resource limits (aliases, depth) are user errors naming the file; a hub file named
 * `.yml` or `.YAML` is refused with the name to rename it to, never ignored; a secrets file others
 * may read gets a warning with the fix.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_QUOTED_CHARS, quote, truncate, UserError, UserErrors } from '../../model/errors';
import { Diagnostic, formatDiagnostic } from '../../model/diagnostics';
import { readInputFile, MAX_INPUT_FILE_BYTES } from '../../project/input-file';
import { listHubNames, loadHubFile, loadHubs } from '../../project/load';
import { ensureSecrets, loadSecrets, secretsFilePath, secretsModeWarning } from '../../project/secrets';
import { EXAMPLE_HUB, setHubLine } from '../support/project';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempRoot(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-input-')));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'hubs'));
  fs.mkdirSync(path.join(dir, 'secrets'));
  return dir;
}

/** The error lines `fn` throws (fails when it throws none, or something other than a `UserError`). */
function errorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((x) => x.format());
    if (e instanceof UserError) return [e.format()];
    throw e;
  }
  throw new Error('no error');
}

const hasFifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Makes `file` a named pipe. */
const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

/** A valid hub, loaded from a project, to load secrets for. */
function exampleHub(root: string) {
  fs.writeFileSync(path.join(root, 'hubs', 'example.yaml'), EXAMPLE_HUB);
  return loadHubs(root, ['example'])[0];
}

test('rule: readInputFile reads a file whole whatever its size against the limit (its buffer is sized by the file, not by the limit), and refuses one byte over', () => {
  const dir = tempRoot();
  const file = path.join(dir, 'f.yaml');
  for (const size of [0, 1, 4095, 4096, 100_000]) {
    const text = 'a'.repeat(size);
    fs.writeFileSync(file, text);
    expect(readInputFile(file, 'f.yaml', 64 * 1024 * 1024)?.text).toBe(text);
    expect(readInputFile(file, 'f.yaml', Math.max(size, 1))?.text).toBe(text);
  }
  fs.writeFileSync(file, 'a'.repeat(11));
  expect(() => readInputFile(file, 'f.yaml', 10)).toThrow('is 11 bytes, more than the limit of 10 bytes');
});

describe('the bounded read rule: hub files', () => {
  const special: Array<[string, (file: string) => void, RegExp]> = [
    ['a link to /dev/zero', (f) => fs.symlinkSync('/dev/zero', f), /^hubs\/bad\.yaml: is a character device, not a regular file \(make it a plain YAML file\)$/],
    ['a link to /dev/urandom', (f) => fs.symlinkSync('/dev/urandom', f), /^hubs\/bad\.yaml: is a character device, not a regular file/],
    ['a folder', (f) => fs.mkdirSync(f), /^hubs\/bad\.yaml: is a folder, not a regular file/],
    ['larger than 1 MiB', (f) => fs.writeFileSync(f, `# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`), /^hubs\/bad\.yaml: is 1048579 bytes, more than the limit of 1048576 bytes/],
  ];
  test.each(special)('a hub file that is %s is one line of error', (_what, make, message) => {
    const root = tempRoot();
    make(path.join(root, 'hubs', 'bad.yaml'));
    expect(errorLines(() => loadHubs(root, ['bad']))).toEqual([expect.stringMatching(message)]);
  });

  (hasFifo ? test : test.skip)('a hub file that is a FIFO is refused at once (no hang waiting for a writer)', () => {
    const root = tempRoot();
    mkfifo(path.join(root, 'hubs', 'bad.yaml'));
    expect(errorLines(() => loadHubs(root))).toEqual(['hubs/bad.yaml: is a named pipe (FIFO), not a regular file (make it a plain YAML file)']);
  });

  test('a link to a regular file is followed, and a dangling link is a missing file', () => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'real.yaml'), EXAMPLE_HUB);
    fs.symlinkSync(path.join(root, 'real.yaml'), path.join(root, 'hubs', 'linked.yaml'));
    expect(loadHubs(root, ['linked'])[0].name).toBe('linked');
    fs.symlinkSync(path.join(root, 'nowhere.yaml'), path.join(root, 'hubs', 'dangling.yaml'));
    expect(errorLines(() => loadHubs(root, ['dangling']))).toEqual(['hubs/dangling.yaml: no such hub file (create it with: jhm init dangling)']);
  });

  test('readInputFile reads at most the limit: one byte more is refused', () => {
    const root = tempRoot();
    const file = path.join(root, 'f.yaml');
    fs.writeFileSync(file, 'a: 1\n');
    expect(readInputFile(file, 'f.yaml', 5)?.text).toBe('a: 1\n');
    expect(errorLines(() => readInputFile(file, 'f.yaml', 4))).toEqual([expect.stringMatching(/^f\.yaml: is 5 bytes, more than the limit of 4 bytes/)]);
    expect(readInputFile(path.join(root, 'missing.yaml'), 'missing.yaml')).toBeUndefined();
  });

  test('a hub file that is not UTF-8 is one line of error', () => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'bad.yaml'), Buffer.from([0x63, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(errorLines(() => loadHubs(root, ['bad']))).toEqual(['hubs/bad.yaml: is not UTF-8 text (save it as UTF-8)']);
  });
});

describe('the bounded read rule: secrets files', () => {
  const special: Array<[string, (file: string) => void, RegExp]> = [
    ['a link to /dev/zero', (f) => fs.symlinkSync('/dev/zero', f), /^secrets\/example\.yaml: is a character device, not a regular file/],
    ['a link to /dev/urandom', (f) => fs.symlinkSync('/dev/urandom', f), /^secrets\/example\.yaml: is a character device, not a regular file/],
    ['a folder', (f) => fs.mkdirSync(f), /^secrets\/example\.yaml: is a folder, not a regular file/],
    ['larger than 1 MiB', (f) => fs.writeFileSync(f, `# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`, { mode: 0o600 }), /^secrets\/example\.yaml: is \d+ bytes, more than the limit/],
    ...(hasFifo ? ([['a FIFO', mkfifo, /^secrets\/example\.yaml: is a named pipe \(FIFO\), not a regular file/]] as Array<[string, (file: string) => void, RegExp]>) : []),
  ];
  test.each(special)('a secrets file that is %s is one line of error, for loadSecrets and for jhm secrets (ensureSecrets)', (_what, make, message) => {
    const root = tempRoot();
    const hub = exampleHub(root);
    make(secretsFilePath(root, 'example'));
    expect(errorLines(() => loadSecrets(root, hub))).toEqual([expect.stringMatching(message)]);
    expect(errorLines(() => ensureSecrets(root, hub))).toEqual([expect.stringMatching(message)]);
  });
});

describe('the quoting rule: errors quote at most 80 characters of a value', () => {
  test('quote and truncate cut long values and say how long they were', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('a\nb')).toBe('"a\\nb"');
    const long = 'x'.repeat(10_000);
    expect(quote(long)).toBe(`"${'x'.repeat(MAX_QUOTED_CHARS)}"… (10000 characters)`);
    expect(truncate(long)).toBe(`${'x'.repeat(MAX_QUOTED_CHARS)}… (10000 characters)`);
    // Never half of a surrogate pair.
    expect(quote(`${'x'.repeat(MAX_QUOTED_CHARS - 1)}😀😀`)).toBe(`"${'x'.repeat(MAX_QUOTED_CHARS - 1)}"… (${MAX_QUOTED_CHARS + 3} characters)`);
  });

  const HUGE = 'v'.repeat(500_000);
  test.each([
    ['a long enum value', EXAMPLE_HUB.replace(/controller: traefik/, `controller: ${HUGE}`)],
    ['a long unknown field', `${EXAMPLE_HUB}\n? ${HUGE}\n: 1\n`],
    ['a long profile nodegroup', EXAMPLE_HUB.replace(/nodeGroup: default-worker/, `nodeGroup: ${HUGE}`)],
    ['a long invalid type', setHubLine(EXAMPLE_HUB, 'dockerVolumeSize', HUGE)],
    ['a long YAML syntax error', `a: *${HUGE}\n`],
  ])('%s is quoted in at most 80 characters', (_what, text) => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'bad.yaml'), text);
    const lines = errorLines(() => loadHubFile(path.join(root, 'hubs', 'bad.yaml'), 'hubs/bad.yaml'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.length).toBeLessThan(400);
    expect(lines.join('\n')).toContain('characters)');
  });

  test('a hub file linked to /etc/passwd does not print /etc/passwd', () => {
    if (!fs.existsSync('/etc/passwd')) return;
    const root = tempRoot();
    fs.symlinkSync('/etc/passwd', path.join(root, 'hubs', 'passwd.yaml'));
    const lines = errorLines(() => loadHubs(root, ['passwd']));
    for (const l of lines) expect(l.length).toBeLessThan(400);
  });
});

describe('the YAML limit rule: resource limits are user errors naming the file', () => {
  /** A "billion laughs" document: each level repeats the previous one ten times. */
  const bomb = () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(', ')}]\n`;
    return text;
  };

  test('an alias bomb in a hub file', () => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'bomb.yaml'), bomb());
    expect(errorLines(() => loadHubs(root, ['bomb']))).toEqual([
      'hubs/bomb.yaml: expands more than 100 YAML aliases (refused as a resource exhaustion attack) (write the values out instead of using aliases (*name))',
    ]);
  });

  test('an alias bomb in a secrets file', () => {
    const root = tempRoot();
    const hub = exampleHub(root);
    fs.writeFileSync(secretsFilePath(root, 'example'), bomb(), { mode: 0o600 });
    expect(errorLines(() => loadSecrets(root, hub))).toEqual([expect.stringMatching(/^secrets\/example\.yaml: expands more than 100 YAML aliases/)]);
    expect(errorLines(() => ensureSecrets(root, hub))).toEqual([expect.stringMatching(/^secrets\/example\.yaml: expands more than 100 YAML aliases/)]);
  });

  test('nesting too deep for the parser', () => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'deep.yaml'), `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
    expect(errorLines(() => loadHubs(root, ['deep']))).toEqual(['hubs/deep.yaml: is nested too deeply to read (a hub or secrets file needs only a few levels of nesting)']);
  });
});

describe('the file name rule: hub files end in .yaml', () => {
  test.each(['physics.yml', 'physics.YAML', 'physics.Yml'])('hubs/%s is refused with the name to rename it to', (name) => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'example.yaml'), EXAMPLE_HUB);
    fs.writeFileSync(path.join(root, 'hubs', name), EXAMPLE_HUB);
    const expected = [`hubs/${name}: is not read: hub files end in ".yaml" (rename it to hubs/physics.yaml)`];
    expect(errorLines(() => listHubNames(root))).toEqual(expected);
    expect(errorLines(() => loadHubs(root))).toEqual(expected);
  });

  test('other files (README.md, hidden files) are left alone', () => {
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'hubs', 'example.yaml'), EXAMPLE_HUB);
    fs.writeFileSync(path.join(root, 'hubs', 'README.md'), '# hubs\n');
    fs.writeFileSync(path.join(root, 'hubs', '.draft.yml'), '');
    expect(listHubNames(root)).toEqual(['example']);
  });
});

describe('the permission rule: a secrets file others may read gets a warning with the fix', () => {
  test.each([
    [0o644, 'secrets/example.yaml: mode 0644 lets its group and other users read it (restrict it with: chmod 600 secrets/example.yaml)'],
    [0o640, 'secrets/example.yaml: mode 0640 lets its group read it (restrict it with: chmod 600 secrets/example.yaml)'],
    [0o604, 'secrets/example.yaml: mode 0604 lets other users read it (restrict it with: chmod 600 secrets/example.yaml)'],
  ])('mode %o', (mode, warning) => {
    const root = tempRoot();
    const hub = exampleHub(root);
    ensureSecrets(root, hub, { githubClientSecret: 'fake-github-client-secret-for-tests' });
    fs.chmodSync(secretsFilePath(root, 'example'), mode);
    const warnings: Diagnostic[] = [];
    loadSecrets(root, hub, (w) => warnings.push(w));
    expect(warnings.map(formatDiagnostic)).toEqual([warning]);
    expect(warnings.map((w) => w.severity)).toEqual(['warning']);
  });

  test('no warning at mode 0600 (what jhm secrets writes)', () => {
    const root = tempRoot();
    const hub = exampleHub(root);
    ensureSecrets(root, hub, { githubClientSecret: 'fake-github-client-secret-for-tests' });
    const warnings: Diagnostic[] = [];
    loadSecrets(root, hub, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(secretsModeWarning('example', 0o600)).toBeUndefined();
  });
});
