/**
 * The pieces under the cluster commands: the process runner (timeouts, no stdin, bounded output),
 * error-line extraction, tool lookup, the OpenStack credential check and the outputs-file format.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { locateTool, TERRAFORM } from '../../base/tools';
import { checkOpenstackCredentials } from '../../cli/tools/openstack-credentials';
import { firstErrorLine, runProcess, shellCommand, succeeded } from '../../base/process';
import { outputsFileContent, TerraformOutputs } from '../../cli/tools/terraform';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-tools-')));
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const node = process.execPath;

describe('runProcess', () => {
  test('captures stdout, stderr and the exit code', async () => {
    const r = await runProcess(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'], { cwd: tmp, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err', timedOut: false });
    expect(succeeded(r)).toBe(false);
  });

  test('stops a child that outlives its timeout', async () => {
    const started = Date.now();
    const r = await runProcess(node, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: tmp, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(succeeded(r)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('kills with SIGKILL a child that ignores SIGTERM', async () => {
    const started = Date.now();
    const r = await runProcess(node, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { cwd: tmp, timeoutMs: 300, killGraceMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('gives the child no stdin, so a prompt ends at once instead of waiting', async () => {
    const r = await runProcess(node, ['-e', 'let d = ""; process.stdin.on("data", (c) => (d += c)); process.stdin.on("end", () => { console.log("eof:" + d.length); })'], { cwd: tmp, timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expect(r.stdout.trim()).toBe('eof:0');
  });

  test('keeps at most maxOutputBytes of output', async () => {
    const r = await runProcess(node, ['-e', 'process.stdout.write("x".repeat(100000))'], { cwd: tmp, timeoutMs: 10_000, maxOutputBytes: 1000 });
    expect(r.stdout).toHaveLength(1000);
    expect(r.truncated).toBe(true);
  });

  test('with shieldSignals, holds SIGINT (jhm stays alive) and passes SIGTERM on to the child while it runs; the handlers go away after', async () => {
    const before = { int: process.listeners('SIGINT'), term: process.listeners('SIGTERM') };
    const run = runProcess(node, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: tmp, timeoutMs: 30_000, shieldSignals: true });
    const added = {
      int: process.listeners('SIGINT').filter((l) => !before.int.includes(l)),
      term: process.listeners('SIGTERM').filter((l) => !before.term.includes(l)),
    };
    expect(added.int).toHaveLength(1);
    expect(added.term).toHaveLength(1);
    (added.term[0] as () => void)();
    const r = await run;
    expect(r.signal).toBe('SIGTERM');
    expect(r.timedOut).toBe(false);
    expect(process.listeners('SIGINT')).toEqual(before.int);
    expect(process.listeners('SIGTERM')).toEqual(before.term);
  });

  test('reports a missing executable instead of throwing', async () => {
    const r = await runProcess(path.join(tmp, 'missing'), [], { cwd: tmp, timeoutMs: 10_000 });
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(succeeded(r)).toBe(false);
  });
});

describe('firstErrorLine', () => {
  test('finds Terraform\'s boxed error without colours or box characters', () => {
    const text = 'Warning: something\n\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0m\u001b[1mInvalid provider configuration\u001b[0m\n│\n╵\n';
    expect(firstErrorLine(text)).toBe('Error: Invalid provider configuration');
  });

  test('prefers kubectl\'s own message over client-go log lines', () => {
    const text = 'E1123 10:00:00.123456   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nerror: You must be logged in to the server (Unauthorized)\n';
    expect(firstErrorLine(text)).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  test('falls back to the first line', () => {
    expect(firstErrorLine('\n  something odd happened\nmore\n')).toBe('something odd happened');
    expect(firstErrorLine('')).toBeUndefined();
  });
});

describe('shellCommand', () => {
  test('quotes only the words that need it', () => {
    expect(shellCommand('kubectl', ['apply', '-f', 'dist/a b.yaml', "it's"])).toBe(`kubectl apply -f 'dist/a b.yaml' 'it'\\''s'`);
  });
});

describe('locateTool', () => {
  test('the override variable wins over the PATH', () => {
    const bin = path.join(tmp, 'my-terraform');
    fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
    const onPath = path.join(tmp, 'path');
    fs.mkdirSync(onPath);
    fs.writeFileSync(path.join(onPath, 'terraform'), '#!/bin/sh\n', { mode: 0o755 });
    expect(locateTool(TERRAFORM, { PATH: onPath, JHM_TERRAFORM: bin })).toEqual({ found: true, path: bin });
    expect(locateTool(TERRAFORM, { PATH: onPath })).toEqual({ found: true, path: path.join(onPath, 'terraform') });
  });

  test('a non-executable file is not a tool', () => {
    const bin = path.join(tmp, 'terraform');
    fs.writeFileSync(bin, 'not executable', { mode: 0o644 });
    expect(locateTool(TERRAFORM, { PATH: tmp })).toEqual({ found: false, reason: 'terraform not found on PATH' });
    expect(locateTool(TERRAFORM, { PATH: '', JHM_TERRAFORM: bin })).toEqual({ found: false, reason: `JHM_TERRAFORM=${bin}: not an executable file` });
  });
});

describe('checkOpenstackCredentials', () => {
  const clouds = (file: string, names: string[]) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `clouds:\n${names.map((n) => `  ${n}:\n    auth:\n      password: fake-password-for-tests\n`).join('')}`);
  };
  const workDir = () => path.join(tmp, 'stack');
  const sys = () => path.join(tmp, 'etc');

  test('a named cloud is found in OS_CLIENT_CONFIG_FILE before ~/.config/openstack', () => {
    const home = path.join(tmp, 'home');
    clouds(path.join(home, '.config', 'openstack', 'clouds.yaml'), ['other']);
    clouds(path.join(tmp, 'custom.yaml'), ['openstack']);
    const r = checkOpenstackCredentials({ cloudName: 'openstack', workDir: workDir(), systemDir: sys(), env: { HOME: home, OS_CLIENT_CONFIG_FILE: path.join(tmp, 'custom.yaml') } });
    expect(r).toEqual({ ok: true, source: `cloud "openstack" in ${path.join(tmp, 'custom.yaml')}` });
  });

  test('a clouds.yaml in the stack folder (Terraform\'s working folder) counts', () => {
    clouds(path.join(workDir(), 'clouds.yaml'), ['openstack']);
    expect(checkOpenstackCredentials({ cloudName: 'openstack', workDir: workDir(), systemDir: sys(), env: { HOME: path.join(tmp, 'home') } }).ok).toBe(true);
  });

  test('OS_CLOUD names the cloud when the hub file does not; the hub file wins when both do', () => {
    const home = path.join(tmp, 'home');
    clouds(path.join(home, '.config', 'openstack', 'clouds.yaml'), ['from-env']);
    expect(checkOpenstackCredentials({ workDir: workDir(), systemDir: sys(), env: { HOME: home, OS_CLOUD: 'from-env' } }).ok).toBe(true);
    const r = checkOpenstackCredentials({ cloudName: 'from-hub', workDir: workDir(), systemDir: sys(), env: { HOME: home, OS_CLOUD: 'from-env' } });
    expect(r).toEqual({ ok: false, reason: 'no OpenStack credentials: ~/.config/openstack/clouds.yaml has no cloud "from-hub" (cloud.name of the cluster); it defines "from-env"' });
  });

  test('OS_AUTH_URL alone is an openrc environment', () => {
    expect(checkOpenstackCredentials({ workDir: workDir(), systemDir: sys(), env: { HOME: tmp, OS_AUTH_URL: 'https://keystone.hub-tests.invalid' } })).toEqual({
      ok: true,
      source: 'the OS_* environment (OS_AUTH_URL)',
    });
  });

  test('nothing at all is reported in one line, without reading any secret', () => {
    const r = checkOpenstackCredentials({ workDir: workDir(), systemDir: sys(), env: { HOME: tmp } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^no OpenStack credentials: OS_CLOUD and OS_AUTH_URL are not set/);
    expect(!r.ok && r.reason).not.toContain('\n');
  });
});

describe('outputsFileContent', () => {
  const outputs: TerraformOutputs = {
    cluster_id: { sensitive: false, value: 'fake-cluster-id' },
    ingress_ip: { sensitive: false, value: '203.0.113.10' },
    kubeconfig: { sensitive: true, value: 'fake-kubeconfig-for-tests' },
    token: { sensitive: true, value: 'fake-token-for-tests' },
    nested_ab12: { sensitive: false, value: { a: 1 } },
  };

  test('follows cdktf\'s construct-id map, nesting outputs of inner constructs, leaving sensitive ones out', () => {
    const stack = { '//': { outputs: { example: { cluster_id: 'cluster_id', ingress_ip: 'ingress_ip', kubeconfig: 'kubeconfig', token: 'token', inner: { nested: 'nested_ab12' } } } } };
    expect(outputsFileContent('example', stack, outputs)).toEqual({
      example: { cluster_id: 'fake-cluster-id', ingress_ip: '203.0.113.10', inner: { nested: { a: 1 } } },
    });
  });

  test('never writes an output named kubeconfig, even one not marked sensitive', () => {
    const plain: TerraformOutputs = { ...outputs, kubeconfig: { sensitive: false, value: 'fake-kubeconfig-for-tests' } };
    const stack = { '//': { outputs: { example: { kubeconfig: 'kubeconfig', cluster_id: 'cluster_id' } } } };
    expect(JSON.stringify(outputsFileContent('example', stack, plain))).not.toContain('fake-kubeconfig-for-tests');
    expect(JSON.stringify(outputsFileContent('example', {}, plain))).not.toContain('fake-kubeconfig-for-tests');
  });

  test('without the map (older cdktf), keys are the Terraform output names under the stack', () => {
    expect(outputsFileContent('example', { output: {} }, outputs)).toEqual({
      example: { cluster_id: 'fake-cluster-id', ingress_ip: '203.0.113.10', nested_ab12: { a: 1 } },
    });
  });
});
