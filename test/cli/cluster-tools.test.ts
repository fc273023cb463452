/**
 * The pieces under the cluster commands: the process runner (timeouts, no stdin, bounded output),
 * error-line extraction, tool lookup, the OpenStack credential check and the outputs-file format.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { locateTool, TERRAFORM } from '../../base/tools';
import { checkOpenstackCredentials } from '../../cli/tools/openstack-credentials';
import { firstErrorLine, runProcess, shellCommand, succeeded } from '../../base/process';
import { outputsFileContent, TerraformOutputs, terraformProduct } from '../../cli/tools/terraform';
import { parseTerraformDuration, runLimit, tooShort } from '../../cli/tools/terraform-timeouts';
import { kubeconfigProblem } from '../../cli/tools/kubeconfig-text';
import { builtFile } from '../support/built';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-tools-')));
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const node = process.execPath;

/**
 * Runs test/support/fake-tools/shield-child.ts (`args`) as jhm would run, waits for its child to
 * listen, sends jhm SIGINT (jhm alone, as `kill -INT` would), checks it is still there half a second
 * later, then sends SIGTERM; resolves to its exit status and what it printed.
 */
function signalledChild(args: string[]): Promise<{ code: number | null; stderr: string; aliveAfterSigint: boolean }> {
  const script = builtFile('test/support/fake-tools/shield-child.ts');
  // From the repository, where node finds tsx.
  const child = spawn(node, [script, ...args], { cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let aliveAfterSigint = false;
  let sent = false;
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (!sent && stderr.includes('child: ready')) {
      sent = true;
      child.kill('SIGINT');
      setTimeout(() => {
        aliveAfterSigint = child.exitCode === null && child.signalCode === null;
        child.kill('SIGTERM');
      }, 500);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr, aliveAfterSigint })));
}

describe('rule: runProcess runs a tool bounded: output captured up to a limit, a timeout that ends it (SIGKILL if it must), no stdin, a missing program reported', () => {
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
    // Long enough for node to start and install its handler on a busy machine.
    const r = await runProcess(node, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { cwd: tmp, timeoutMs: 2000, killGraceMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(10_000);
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

  test('rule: with shieldSignals a Terraform step outlives a signal to jhm: SIGINT is held (the terminal sends it to the child itself), SIGTERM passed on, and jhm ends with the first signal\'s status once the child is done', async () => {
    const r = await signalledChild(['step']);
    expect(r.aliveAfterSigint).toBe(true);
    expect(r.stderr).toContain('child: SIGTERM');
    expect(r.code).toBe(130);
  }, 120_000);

  test('reports a missing executable instead of throwing', async () => {
    const r = await runProcess(path.join(tmp, 'missing'), [], { cwd: tmp, timeoutMs: 10_000 });
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(succeeded(r)).toBe(false);
  });
});

describe('rule: firstErrorLine quotes the tool\'s own error, without decoration or log noise', () => {
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

describe('rule: shellCommand prints a command a shell runs as given', () => {
  test('quotes only the words that need it', () => {
    expect(shellCommand('kubectl', ['apply', '-f', 'dist/a b.yaml', "it's"])).toBe(`kubectl apply -f 'dist/a b.yaml' 'it'\\''s'`);
  });
});

describe('rule: locateTool finds the tool jhm runs: the override variable first, then the PATH, executables only', () => {
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
    expect(locateTool(TERRAFORM, { PATH: tmp })).toEqual({ found: false, reason: 'terraform not found on PATH (nor tofu)' });
    expect(locateTool(TERRAFORM, { PATH: '', JHM_TERRAFORM: bin })).toEqual({ found: false, reason: `JHM_TERRAFORM=${bin}: not an executable file` });
  });
});

describe('jhm terraform\'s passthrough', () => {
  test('rule: jhm terraform outlives a signal to jhm while Terraform runs: SIGINT held, SIGTERM passed on, then jhm ends with the first signal\'s status', async () => {
    const r = await signalledChild(['passthrough', path.join(tmp, 'data')]);
    expect(r.aliveAfterSigint).toBe(true);
    expect(r.stderr).toContain('child: SIGTERM');
    expect(r.code).toBe(130);
  }, 120_000);
});

describe('OpenTofu as terraform', () => {
  const exe = (dir: string, name: string) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
    return path.join(dir, name);
  };

  test('rule: where terraform is not on the PATH and tofu is, tofu is found', () => {
    const tofu = exe(path.join(tmp, 'only-tofu'), 'tofu');
    expect(locateTool(TERRAFORM, { PATH: path.dirname(tofu) })).toEqual({ found: true, path: tofu });
  });

  test('rule: terraform on the PATH wins over tofu, even in a later folder', () => {
    const tofu = exe(path.join(tmp, 'a'), 'tofu');
    const terraform = exe(path.join(tmp, 'b'), 'terraform');
    expect(locateTool(TERRAFORM, { PATH: [path.dirname(tofu), path.dirname(terraform)].join(path.delimiter) })).toEqual({ found: true, path: terraform });
  });

  test('rule: the program is named by its file: tofu (and tofu-<version>) is OpenTofu, anything else Terraform', () => {
    expect(terraformProduct('/usr/local/bin/tofu')).toEqual({ product: 'OpenTofu', command: 'tofu' });
    expect(terraformProduct('/opt/tofu-1.10.2')).toEqual({ product: 'OpenTofu', command: 'tofu' });
    expect(terraformProduct('/usr/bin/terraform')).toEqual({ product: 'Terraform', command: 'terraform' });
    expect(terraformProduct('/opt/tofutils/terraform')).toEqual({ product: 'Terraform', command: 'terraform' });
    expect(terraformProduct('/opt/tofurky')).toEqual({ product: 'Terraform', command: 'terraform' });
  });
});

describe('deploy and destroy limits from the stack\'s timeouts', () => {
  const stack = (timeouts: Record<string, string>) => ({ resource: { openstack_containerinfra_cluster_v1: { cluster: { name: 'x', timeouts } }, openstack_networking_floatingip_v2: { ingress: {} } } });

  test('reads Terraform\'s duration syntax', () => {
    expect(parseTerraformDuration('90m')).toBe(90 * 60_000);
    expect(parseTerraformDuration('3h')).toBe(3 * 3_600_000);
    expect(parseTerraformDuration('1h30m')).toBe(90 * 60_000);
    expect(parseTerraformDuration('45s')).toBe(45_000);
    expect(parseTerraformDuration('ninety')).toBeUndefined();
    expect(parseTerraformDuration('')).toBeUndefined();
  });

  test('rule: the default is the longest timeout that applies plus 15 minutes (apply: create and update; destroy: delete)', () => {
    expect(runLimit(stack({ create: '90m', update: '3h' }), ['create', 'update']).defaultSeconds).toBe(3 * 3600 + 15 * 60);
    expect(runLimit(stack({ create: '90m' }), ['create', 'update']).defaultSeconds).toBe(90 * 60 + 15 * 60);
    expect(runLimit(stack({ create: '90m', update: '3h' }), ['delete'])).toEqual({ defaultSeconds: 3600 });
    expect(runLimit({}, ['create']).defaultSeconds).toBe(3600);
  });

  test('rule: a limit shorter than the longest timeout that applies is refused, naming the resource and the timeout; as long is accepted', () => {
    const limit = runLimit(stack({ create: '90m', update: '3h' }), ['create', 'update']);
    expect(tooShort(3600, limit, 'terraform apply')).toBe(
      '--timeout 3600 (1h) is shorter than the 3h Terraform itself waits on openstack_containerinfra_cluster_v1.cluster (timeouts.update): jhm would stop terraform apply while the cloud is still working, and the state would miss what it finished',
    );
    expect(tooShort(10_800, limit, 'terraform apply')).toBeUndefined();
    expect(tooShort(1, runLimit({}, ['create']), 'terraform apply')).toBeUndefined();
  });
});

describe('kubeconfigProblem', () => {
  const good = 'apiVersion: v1\nkind: Config\nclusters:\n  - name: c\n    cluster: {server: "https://203.0.113.5:6443"}\nusers:\n  - name: u\n    user: {token: fake-token-for-tests}\ncontexts:\n  - name: x\n    context: {cluster: c, user: u}\n';

  test('rule: a kubeconfig has non-empty clusters, users and contexts lists', () => {
    expect(kubeconfigProblem(good)).toBeUndefined();
    expect(kubeconfigProblem(good.replace(/contexts:[\s\S]*$/, 'contexts: []\n'))).toBe('it has no contexts list');
    expect(kubeconfigProblem('just text')).toBe('it is not a YAML mapping');
    expect(kubeconfigProblem('a: [')).toBe('it is not YAML');
  });

  test('rule: Terraform\'s warning is named by its own line, and nothing else of the text is quoted', () => {
    expect(kubeconfigProblem('\u001b[33m╷\u001b[0m\n\u001b[33m│\u001b[0m \u001b[1mWarning: No outputs found\u001b[0m\n')).toBe('Terraform printed "Warning: No outputs found" instead of a kubeconfig');
    expect(kubeconfigProblem('clusters: [fake-secret-for-tests]\n')).not.toContain('fake-secret-for-tests');
  });
});

describe('rule: checkOpenstackCredentials finds the cloud\'s credentials where OpenStack\'s tools look, and names what is missing in one line', () => {
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

describe('rule: outputsFileContent writes the stack\'s outputs as cdktf names them, never a sensitive one or the kubeconfig', () => {
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
