/**
 * How `jhm init` and `jhm init-cluster` write (issue 17, item 9; issue 18, item 8): a file appears
 * whole or not at all, even when the process is killed at any write step, and a rerun works; an
 * existing file is never replaced, even by a writer racing the check; what is not given is asked
 * on a terminal, and without one a usage error names every missing option.
 *
 * The CLI runs from source in a child process (`node --import tsx cli/main.ts`), so a test can
 * kill it, give it no terminal (standard input closed), or one (`script`, skipped where absent).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import which from 'which';
import { PassThrough } from 'stream';
import { createNewFileSync } from '../../base/new-file';
import { Prompter } from '../../cli/prompt';
import { isUserError } from '../../model/errors';
import { loadHubFile } from '../../project/load';
import { FAKE_GITHUB_CLIENT_SECRET, readTree, REPO, runJhm } from '../support/project';
import { builtFile } from '../support/built';

const MAIN = builtFile('cli/main.ts');
const HUB_FLAGS = ['--zone', 'hubs.example.org.', '--email', 'hub-admins@example.org', '--keypair', 'fake-keypair', '--github-client-id', 'fake-github-client-id', '--admin', 'alice'];
const CLUSTER_FLAGS = ['--zone', 'hubs.example.org.', '--email', 'hub-admins@example.org', '--keypair', 'fake-keypair'];

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** An empty project (an empty `hubs/`). */
function emptyProject(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-init-')));
  made.push(root);
  fs.mkdirSync(path.join(root, 'hubs'));
  return root;
}

/** `jhm -C root ...args` in a child process with standard input closed (no terminal). */
function child(root: string, args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [MAIN, '-C', root, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
}

/** A cluster file `clusters/shared.yaml` in `root`. */
function writeCluster(root: string): void {
  fs.mkdirSync(path.join(root, 'clusters'));
  fs.writeFileSync(path.join(root, 'clusters', 'shared.yaml'), 'magnum: { keypair: fake-keypair }\ndns: { zone: hubs.example.org. }\nletsEncrypt: { email: admins@example.org }\n');
}

/** The files of `root` (hidden temporary files included). */
const files = (root: string) => [...readTree(root).keys()];

describe('rule: a kill at any write step of jhm init leaves no hub file or the complete one, and a rerun works', () => {
  const secret = { JHM_GITHUB_CLIENT_SECRET: FAKE_GITHUB_CLIENT_SECRET };
  let complete: string;
  beforeAll(() => {
    const root = emptyProject();
    const r = child(root, ['init', 'physics-101', ...HUB_FLAGS], secret);
    expect(r.status).toBe(0);
    complete = fs.readFileSync(path.join(root, 'hubs', 'physics-101.yaml'), 'utf8');
  });

  // 1: the secrets file written, 2: the hub file's temporary copy, 3: the hub file linked, 4: the copy removed.
  test.each([1, 2, 3, 4])('killed after step %i', async (step) => {
    const root = emptyProject();
    const hubFile = path.join(root, 'hubs', 'physics-101.yaml');
    const killed = child(root, ['init', 'physics-101', ...HUB_FLAGS], { ...secret, JHM_FAULT_AFTER_STEP: String(step), JHM_FAULT_MODE: 'kill' });
    expect(killed.signal).toBe('SIGKILL');
    const there = fs.existsSync(hubFile);
    if (there) expect(fs.readFileSync(hubFile, 'utf8')).toBe(complete);
    expect(there).toBe(step >= 3);

    const rerun = await runJhm(['-C', root, 'init', 'physics-101', ...HUB_FLAGS], secret);
    if (there) {
      expect(rerun.stderr).toContain('error: hubs/physics-101.yaml: already exists; jhm init never overwrites a hub file (edit it, or pick another name)');
    } else {
      expect(rerun.code).toBe(0);
    }
    expect(fs.readFileSync(hubFile, 'utf8')).toBe(complete);
    // The leftovers of the killed process are gone; the hub and its secrets are whole.
    expect(files(root).sort()).toEqual(['hubs/physics-101.yaml', 'secrets/physics-101.yaml']);
    const validate = await runJhm(['-C', root, 'validate']);
    expect(validate.stderr).not.toMatch(/^(error|warning):/m);
    expect(validate.code).toBe(0);
  });

  test.each([1, 2, 3])('jhm init-cluster killed after step %i', async (step) => {
    const root = emptyProject();
    const clusterFile = path.join(root, 'clusters', 'shared.yaml');
    const killed = child(root, ['init-cluster', 'shared', ...CLUSTER_FLAGS], { JHM_FAULT_AFTER_STEP: String(step), JHM_FAULT_MODE: 'kill' });
    expect(killed.signal).toBe('SIGKILL');
    const there = fs.existsSync(clusterFile);
    expect(there).toBe(step >= 2);
    const rerun = await runJhm(['-C', root, 'init-cluster', 'shared', ...CLUSTER_FLAGS]);
    expect(rerun.code).toBe(there ? 1 : 0);
    expect(files(root)).toEqual(['clusters/shared.yaml']);
    expect(fs.readFileSync(clusterFile, 'utf8')).toMatch(/^ {2}keypair: fake-keypair$/m);
  });
});

describe('rule: a new file never replaces one, even one written between the check and the write', () => {
  test('a file that appears while the temporary copy is written is kept; the creation fails with EEXIST and leaves nothing behind', () => {
    const root = emptyProject();
    const target = path.join(root, 'hubs', 'physics-101.yaml');
    let error: unknown;
    try {
      // The other writer wins the race right after our temporary copy is complete.
      createNewFileSync(target, 'ours\n', (step) => step === 1 && fs.writeFileSync(target, 'theirs\n'));
    } catch (e) {
      error = e;
    }
    expect((error as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(readTree(root)).toEqual(new Map([['hubs/physics-101.yaml', 'theirs\n']]));
  });

  test('jhm init run twice at once: exactly one writes the hub file, the other says it exists', async () => {
    const root = emptyProject();
    const runs = await Promise.all([0, 1].map(() => new Promise<number | null>((resolve) => {
      const p = spawn(process.execPath, [MAIN, '-C', root, 'init', 'physics-101', ...HUB_FLAGS], { cwd: REPO, stdio: 'ignore' });
      p.on('exit', (code) => resolve(code));
    })));
    expect(runs.sort()).toEqual([0, 1]);
    expect(loadHubFile(path.join(root, 'hubs', 'physics-101.yaml')).jupyterhub.auth).toMatchObject({ clientId: 'fake-github-client-id', adminUsers: ['alice'] });
    expect(files(root).filter((f) => f.startsWith('hubs/'))).toEqual(['hubs/physics-101.yaml']);
  });
});

describe('rule: without a terminal, a missing option is one usage error naming every missing option, and nothing is written', () => {
  const line = (command: string, missing: string, several: boolean) =>
    `error: required option${several ? 's' : ''} not specified: ${missing} (give ${several ? 'them' : 'it'}, or run jhm ${command} in a terminal to be asked)`;
  test.each([
    [['init', 'physics-101'], line('init', '--zone <zone>, --email <email>, --keypair <name>, --github-client-id <id>, --admin <user...> or --allowed-organization <org...>', true)],
    [['init', 'physics-101', '--zone', 'hubs.example.org.', '--email', 'a@example.org', '--keypair', 'k', '--admin', 'alice'], line('init', '--github-client-id <id>', false)],
    [['init', 'physics-101', '--zone', 'hubs.example.org.', '--email', 'a@example.org', '--keypair', 'k', '--github-client-id', 'fake-github-client-id'], line('init', '--admin <user...> or --allowed-organization <org...>', false)],
    [['init', 'physics-101', '--cluster', 'shared'], line('init', '--github-client-id <id>, --admin <user...> or --allowed-organization <org...>', true)],
    [['init-cluster', 'shared', '--zone', 'hubs.example.org.', '--email', 'a@example.org'], line('init-cluster', '--keypair <name>', false)],
  ])('%j', (args, expected) => {
    const root = emptyProject();
    if (args.includes('--cluster')) writeCluster(root);
    const before = readTree(root);
    const r = child(root, args);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([expected]);
    expect(readTree(root)).toEqual(before);
  });

  test('an allowed organization instead of an admin is enough, and the hub validates without a warning', async () => {
    const root = emptyProject();
    const args = ['init', 'physics-101', ...HUB_FLAGS.slice(0, -2), '--allowed-organization', 'physics-dept'];
    const r = await runJhm(['-C', root, ...args], { JHM_GITHUB_CLIENT_SECRET: FAKE_GITHUB_CLIENT_SECRET });
    expect(r.code).toBe(0);
    expect(loadHubFile(path.join(root, 'hubs', 'physics-101.yaml')).jupyterhub.auth).toMatchObject({ adminUsers: [], allowedOrganizations: ['physics-dept'] });
    const validate = await runJhm(['-C', root, 'validate']);
    expect(validate.stderr).not.toMatch(/^(error|warning):/m);
  });
});

describe('on a terminal, jhm init asks for what is not given', () => {
  test('rule: an answer the check refuses is asked again with the reason; an input that ends before an answer is a one-line error', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const shown: string[] = [];
    output.on('data', (d: Buffer) => shown.push(d.toString()));
    const prompter = new Prompter({ input, output });
    const first = prompter.ask('Keypair?', (a) => (a === '' ? 'an answer is needed' : undefined));
    input.write('\n');
    await new Promise((r) => setImmediate(r));
    input.write('fake-keypair\n');
    expect(await first).toBe('fake-keypair');
    expect(shown.join('')).toContain('  an answer is needed\n');
    const second = prompter.ask('Client id?', () => undefined);
    input.end();
    const error = await second.catch((e: unknown) => e);
    expect(isUserError(error) && error.format()).toBe('the input ended before every question was answered (answer every question, or give the options on the command line: see --help)');
    prompter.close();
  });

  const script = which.sync('script', { nothrow: true });
  const maybe = script ? test : test.skip;
  if (!script) test('terminal test skipped: needs the script command (util-linux) to give jhm a terminal', () => undefined);

  maybe('rule: each missing value is asked, a placeholder answer is asked again, and the answers are written (an organization when no admin is named)', async () => {
    const root = emptyProject();
    const command = [process.execPath, MAIN, '-C', root, 'init', 'physics-101', '--zone', 'hubs.example.org.', '--email', 'a@example.org']
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    // Each answer is typed once its question is on the screen, as a person would.
    const answers: [RegExp, string][] = [
      [/OpenStack keypair[^\n]*$/, 'set-me-keypair'],
      [/is a placeholder; give the real value\s*\S*OpenStack keypair[^\n]*$/, 'fake-keypair'],
      [/GitHub OAuth app client id[^\n]*$/, 'fake-github-client-id'],
      [/GitHub users who administer the hub[^\n]*$/, ''],
      [/GitHub organizations whose members may log in[^\n]*$/, 'physics-dept'],
    ];
    const p = spawn(script!, ['-qec', command, '/dev/null'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let screen = '';
    let next = 0;
    p.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (next < answers.length && answers[next][0].test(screen)) {
        p.stdin.write(`${answers[next][1]}\r`);
        next += 1;
      }
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('exit', (c) => (clearTimeout(timer), resolve(c)));
    });
    expect({ code, next }).toEqual({ code: 0, next: answers.length });
    expect(screen).toContain('"set-me-keypair" is a placeholder; give the real value');
    const hub = loadHubFile(path.join(root, 'hubs', 'physics-101.yaml'));
    expect(hub.cluster.magnum.keypair).toBe('fake-keypair');
    expect(hub.jupyterhub.auth).toMatchObject({ clientId: 'fake-github-client-id', adminUsers: [], allowedOrganizations: ['physics-dept'] });
  });
});
