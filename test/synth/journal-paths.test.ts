/**
 * Rule (issue 17, item 2): recovery follows a journal only when every path in it stays inside the
 * project's own output folders (dist/, dist-secrets/, cdktf.out/stacks/, .jhm/state/,
 * .jhm/staging/, cdktf.out/manifest.json), as plain relative paths through real folders. A planted
 * journal (absolute paths, `..`, other folders of the project, a symbolic link to a folder
 * outside) is refused with one line naming the journal and the fix, before any rename: nothing
 * outside moves, and nothing inside either.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { recoverOutputs } from '../../synth/output';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A parent folder holding `project/` (with a staged payload) and a victim file beside the project. */
function setup(): { parent: string; root: string } {
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-journal-')));
  made.push(parent);
  const root = path.join(parent, 'project');
  fs.mkdirSync(path.join(root, '.jhm', 'staging', 'synth-x', 'dist', 'shared'), { recursive: true });
  fs.writeFileSync(path.join(root, '.jhm', 'staging', 'synth-x', 'dist', 'shared', 'a.yaml'), 'staged\n');
  fs.writeFileSync(path.join(root, 'payload.txt'), 'payload\n');
  fs.mkdirSync(path.join(root, 'hubs'));
  fs.writeFileSync(path.join(root, 'hubs', 'a.yaml'), 'hub: a\n');
  fs.writeFileSync(path.join(parent, 'victim.txt'), 'victim\n');
  fs.mkdirSync(path.join(parent, 'elsewhere'));
  fs.writeFileSync(path.join(parent, 'elsewhere', 'kept.txt'), 'kept\n');
  return { parent, root };
}

/** Every file under `dir` with its text (links as `-> target`), but the lock. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(d, e.name);
      if (e.isSymbolicLink()) out.set(r, `-> ${fs.readlinkSync(full)}`);
      else if (e.isDirectory()) walk(full, r);
      else if (!r.endsWith('.jhm/lock')) out.set(r, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir, '');
  return out;
}

function writeJournal(root: string, steps: unknown[]): void {
  const journal = { format: 1, staging: '.jhm/staging/synth-x', install: ['shared'], retire: [], steps };
  fs.writeFileSync(path.join(root, '.jhm', 'journal.json'), JSON.stringify(journal));
}

async function recover(root: string): Promise<unknown> {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await recoverOutputs(root);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    spy.mockRestore();
  }
}

/** Paths that leave the project's output folders, one way or another. */
const hostilePath = fc.oneof(
  fc.constantFrom('../victim.txt', '/tmp/victim.txt', 'dist/../../victim.txt', 'dist/shared/../../../victim.txt', 'payload.txt', 'hubs/a.yaml', '.jhm/journal.json', 'dist', '.jhm/state', './dist/x', 'dist//x', 'cdktf.out/other.json', ''),
  fc.tuple(fc.constantFrom('dist/', 'dist-secrets/', '.jhm/state/', 'cdktf.out/stacks/', '../', '/'), fc.constantFrom('..', '../..', '../../victim.txt', 'x/../../..')).map(([a, b]) => a + b),
  fc.string({ maxLength: 12 }).filter((s) => !/^(dist|dist-secrets|cdktf\.out\/stacks|\.jhm\/state|\.jhm\/staging)\//.test(s) && s !== 'cdktf.out/manifest.json'),
);

test('a journal with a path outside the output folders is refused before any rename (property)', async () => {
  await fc.assert(
    fc.asyncProperty(hostilePath, fc.constantFrom('from', 'to'), fc.constantFrom<'install' | 'retire'>('install', 'retire'), async (bad, end, op) => {
      const { parent, root } = setup();
      const good = { from: '.jhm/staging/synth-x/dist/shared', to: 'dist/shared' };
      // A legitimate step first: refused journals rename nothing at all.
      writeJournal(root, [{ op: 'install', ...good }, { op, from: 'payload.txt', to: 'dist/p.txt', [end]: bad }]);
      const before = tree(parent);
      const error = await recover(root);
      expect(error).toBeInstanceOf(UserError);
      const line = (error as UserError).format();
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^\.jhm\/journal\.json: holds the path .*; nothing was renamed \(.*delete \.jhm\/journal\.json\)$/);
      expect(tree(parent)).toEqual(before);
    }),
    { numRuns: 60 },
  );
});

test('a journal whose path goes through a symbolic link to a folder outside the project is refused', async () => {
  const { parent, root } = setup();
  fs.symlinkSync(path.join(parent, 'elsewhere'), path.join(root, 'dist'));
  writeJournal(root, [{ op: 'install', from: '.jhm/staging/synth-x/dist/shared', to: 'dist/shared' }]);
  const before = tree(parent);
  const error = await recover(root);
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).format()).toContain('goes through the symbolic link dist');
  expect(tree(parent)).toEqual(before);
  expect(fs.readdirSync(path.join(parent, 'elsewhere'))).toEqual(['kept.txt']);
});

test('the planted journal of the report (install payload.txt to ../victim.txt) moves nothing', async () => {
  const { parent, root } = setup();
  writeJournal(root, [{ op: 'install', from: 'payload.txt', to: '../victim.txt' }]);
  const error = await recover(root);
  expect(error).toBeInstanceOf(UserError);
  expect(fs.readFileSync(path.join(parent, 'victim.txt'), 'utf8')).toBe('victim\n');
  expect(fs.readFileSync(path.join(root, 'payload.txt'), 'utf8')).toBe('payload\n');
});

test('a journal jhm writes (paths inside the output folders) is still finished', async () => {
  const { root } = setup();
  fs.mkdirSync(path.join(root, 'dist'));
  writeJournal(root, [{ op: 'install', from: '.jhm/staging/synth-x/dist/shared', to: 'dist/shared' }]);
  expect(await recover(root)).toBeUndefined();
  expect(fs.readFileSync(path.join(root, 'dist', 'shared', 'a.yaml'), 'utf8')).toBe('staged\n');
  expect(fs.existsSync(path.join(root, '.jhm', 'journal.json'))).toBe(false);
});
