/**
 * Rule (issue 9, item 3): the project lock is kept by a live holder, even a paused one, and taken
 * over only when its holder is gone; staleness is decided by the holder's pid, host and start
 * time, never by the lock's age. A waiting command says once what it waits for.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { withSynthLock } from '../../synth/output';
import { REPO } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/output-child.ts');
const roots: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) (c.kill('SIGCONT'), c.kill('SIGKILL'));
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-lock-')));
  roots.push(root);
  return root;
}

/** A child process holding the lock of `root` (resolves once it says so). */
function holder(root: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, 'lock', root], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before taking the lock`)));
  });
}

/** Sets the modification time of every lock file of `root` to an hour ago (as if held that long). */
function ageLocks(root: string): void {
  const old = new Date(Date.now() - 3600_000);
  for (const f of fs.readdirSync(path.join(root, '.jhm'))) fs.utimesSync(path.join(root, '.jhm', f), old, old);
}

/** Runs `fn` capturing stderr. */
async function capture<T>(fn: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; stderr: string }> {
  const err: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write);
  try {
    const [result] = await Promise.allSettled([fn()]);
    return { result, stderr: err.join('') };
  } finally {
    spy.mockRestore();
  }
}

test('a lock held by a live but stopped (SIGSTOP) process is not taken, however old; the waiter says once whom it waits for', async () => {
  const root = tempRoot();
  const child = await holder(root);
  child.kill('SIGSTOP');
  try {
    ageLocks(root);
    let ran = false;
    const { result, stderr } = await capture(() => withSynthLock(root, async () => void (ran = true), 2));
    expect(ran).toBe(false);
    expect(result.status).toBe('rejected');
    expect(String((result as PromiseRejectedResult).reason.message)).toMatch(new RegExp(`lock is held by jhm \\(pid ${child.pid}\\)`));
    expect(stderr.split('\n').filter((l) => l.startsWith('waiting for'))).toEqual([`waiting for jhm (pid ${child.pid}) holding .jhm/lock…`]);
  } finally {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
}, 20_000);

test('a lock whose holder died (SIGKILL) is taken over at once', async () => {
  const root = tempRoot();
  const child = await holder(root);
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await gone;
  const started = Date.now();
  let ran = false;
  await withSynthLock(root, async () => void (ran = true), 2);
  expect(ran).toBe(true);
  expect(Date.now() - started).toBeLessThan(1500);
  expect(fs.readdirSync(path.join(root, '.jhm')).filter((f) => f.includes('lock'))).toEqual([]);
}, 20_000);

test('a lock naming this pid but another process start time (a reused pid) is taken over', async () => {
  const root = tempRoot();
  fs.mkdirSync(path.join(root, '.jhm'));
  const stale = { pid: process.pid, host: os.hostname(), start: '1', command: 'jhm synth', since: '2020-01-01T00:00:00.000Z', token: 'stale' };
  fs.writeFileSync(path.join(root, '.jhm', 'lock'), JSON.stringify(stale));
  let ran = false;
  await withSynthLock(root, async () => void (ran = true), 1);
  expect(ran).toBe(true);
});

describe('rule (issue 17, item 8): a lock path that is no lock jhm wrote is a one-line error, never a busy loop', () => {
  for (const [what, plant] of [
    ['a dangling symbolic link', (lock: string) => fs.symlinkSync(path.join(path.dirname(lock), 'nowhere'), lock)],
    ['a symbolic link to a file', (lock: string) => (fs.writeFileSync(`${lock}.target`, '{}'), fs.symlinkSync(`${lock}.target`, lock))],
    ['a folder', (lock: string) => fs.mkdirSync(lock)],
  ] as const) {
    test(`${what} at .jhm/lock`, async () => {
      const root = tempRoot();
      fs.mkdirSync(path.join(root, '.jhm'));
      plant(path.join(root, '.jhm', 'lock'));
      let ran = false;
      const started = Date.now();
      const { result } = await capture(() => withSynthLock(root, async () => void (ran = true), 5));
      expect(ran).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
      const error = (result as PromiseRejectedResult).reason as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.format()).toMatch(new RegExp(`^\\.jhm/lock is a (symbolic link|folder), not a lock jhm wrote \\(.*delete \\.jhm/lock\\)$`));
    });
  }

  test('a lock that vanishes between two looks is retried after a pause, and the wait ends at its deadline', async () => {
    const root = tempRoot();
    fs.mkdirSync(path.join(root, '.jhm'));
    const lock = path.join(root, '.jhm', 'lock');
    // Another process that keeps making and removing a lock it never really holds.
    const flicker = setInterval(() => {
      try {
        fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-host.invalid', start: null, command: 'jhm synth', since: 'now', token: 't' }));
        setTimeout(() => fs.rmSync(lock, { force: true }), 5);
      } catch {
        // taken meanwhile
      }
    }, 20);
    try {
      let ran = false;
      const { result } = await capture(() => withSynthLock(root, async () => void (ran = true), 1));
      // Either it got the lock in a gap, or it gave up at the deadline with one line: never a hang.
      if (result.status === 'rejected') expect((result.reason as UserError).format()).not.toContain('\n');
      else expect(ran).toBe(true);
    } finally {
      clearInterval(flicker);
    }
  }, 10_000);
});
