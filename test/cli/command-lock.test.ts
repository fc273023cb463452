/**
 * Rule (issue 17, item 1): every command that reads or writes outputs holds the project lock for
 * its whole run, from before its first read: while another process holds it, the command waits
 * (saying once whom it waits for), reads nothing and writes nothing, then runs. `jhm validate`
 * without `--manifests`, `init` and `secrets` read no output and never wait.
 */
import { ChildProcess, spawn } from 'child_process';
import { EXAMPLE_HUB, makeProject, removeProjects, REPO, TestProject } from '../support/project';
import { builtFile } from '../support/built';

const CHILD = builtFile('test/support/output-child.ts');
let project: TestProject;

beforeAll(async () => {
  project = await makeProject({ hubs: { alpha: EXAMPLE_HUB } });
  project.write('outputs/alpha.json', JSON.stringify({ alpha: { ingress_ip: '203.0.113.10' } }));
  expect((await project.jhm('synth')).code).toBe(0);
}, 120_000);
afterAll(removeProjects);

/** Another process holding the project's lock. */
async function holder(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, 'lock', project.root], { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', () => reject(new Error('the lock holder ended before taking the lock')));
  });
  return child;
}

const WAITING = /^waiting for jhm \(pid \d+\) holding \.jhm\/lock…$/;

for (const args of [['synth', '--force'], ['check'], ['diff'], ['validate', '--manifests'], ['apply', 'alpha', '--dry-run'], ['deploy', 'alpha', '--yes'], ['kubeconfig', 'alpha'], ['status', 'alpha'], ['terraform', 'alpha', 'version'], ['destroy', 'alpha', '--yes']]) {
  test(`jhm ${args.join(' ')} waits for the lock before reading anything`, async () => {
    const child = await holder();
    try {
      const outputs = project.outputs();
      let done = false;
      const running = project.jhm(...args).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 1200));
      expect(done).toBe(false);
      expect(project.outputs()).toEqual(outputs);
      child.kill('SIGKILL');
      const r = await running;
      expect(r.stderr.split('\n').filter((l) => WAITING.test(l))).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
}

test('jhm validate (without --manifests) reads no output and does not wait for the lock', async () => {
  const child = await holder();
  try {
    const r = await project.jhm('validate');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/waiting for/);
  } finally {
    child.kill('SIGKILL');
  }
});
