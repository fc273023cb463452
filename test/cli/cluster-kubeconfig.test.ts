/**
 * `jhm kubeconfig <hub>`: the kubeconfig output goes to a 0600 file and nowhere else; stdout
 * holds only the `export KUBECONFIG=` line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomicSync } from '../../base/files';

/** How kubeconfigs (and secrets files) are written. */
const writePrivateFile = (file: string, content: string) => writeFileAtomicSync(file, content, { private: true });
import { createProject, FAKE_KUBECONFIG, FAKE_KUBECONFIG_MARKER, runCli, TERRAFORM_OK, TestProject, writeStack } from '../support/fake-tools/project';

let project: TestProject;

beforeEach(() => {
  project = createProject();
});

afterEach(() => project.dispose());

function setUpTerraform(rules = TERRAFORM_OK) {
  const tf = project.fake('terraform', rules);
  process.env.JHM_TERRAFORM = tf.path;
  return tf;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('rule: jhm kubeconfig writes the cluster\'s kubeconfig only readable by its owner and prints only the export line; what is not a kubeconfig is refused in one line, writing nothing', () => {
  test('writes the kubeconfig output to .jhm/kubeconfig/<hub>.yaml with mode 0600 and prints only the export line', async () => {
    writeStack(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(0);
    const file = path.join(project.root, '.jhm', 'kubeconfig', 'example.yaml');
    expect(fs.readFileSync(file, 'utf8')).toBe(FAKE_KUBECONFIG);
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(r.stdout).toBe(`export KUBECONFIG=${file}\n`);
  });

  test('never prints the kubeconfig contents on stdout or stderr', async () => {
    writeStack(project);
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(FAKE_KUBECONFIG_MARKER);
    expect(r.stderr).not.toContain(FAKE_KUBECONFIG_MARKER);
    expect(r.stderr).not.toContain('client-key-data');
  });

  test('reads the output with terraform output -raw kubeconfig in the stack folder, after init when Terraform has no working data yet', async () => {
    writeStack(project);
    setUpTerraform();
    await runCli(['-C', project.root, 'kubeconfig', 'example']);
    const calls = project.calls();
    expect(calls.map((c) => c.argv.filter((a) => a !== '-no-color'))).toEqual([['init', '-input=false'], ['output', '-raw', 'kubeconfig']]);
    for (const c of calls) {
      expect(c.cwd).toBe(path.join(project.root, 'cdktf.out', 'stacks', 'example'));
      expect(c.stdin).toBe('/dev/null');
    }
  });

  test('skips terraform init when the working data exists (after a deploy)', async () => {
    writeStack(project);
    setUpTerraform();
    project.write('.jhm/terraform/example/terraform.tfstate', '{"version": 3, "backend": {"type": "local"}}');
    await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(project.calls().map((c) => c.argv[0])).toEqual(['output']);
  });

  test('--out writes elsewhere, replacing a world-readable file with a 0600 one', async () => {
    writeStack(project);
    setUpTerraform();
    const out = path.join(project.root, 'elsewhere', 'kc.yaml');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, 'old contents\n', { mode: 0o644 });
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example', '--out', out]);
    expect(r.code).toBe(0);
    expect(mode(out)).toBe(0o600);
    expect(fs.readFileSync(out, 'utf8')).toBe(FAKE_KUBECONFIG);
    expect(r.stdout).toBe(`export KUBECONFIG=${out}\n`);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['kc.yaml']);
  });

  test('the export line is shell-quoted when the path needs it', async () => {
    writeStack(project);
    setUpTerraform();
    const out = path.join(project.root, "it's here", 'kc.yaml');
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example', '--out', out]);
    expect(r.stdout).toBe(`export KUBECONFIG='${out.replace(/'/g, `'\\''`)}'\n`);
  });

  test('without terraform: one line, exit 1, nothing written', async () => {
    writeStack(project);
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('terraform not found on PATH');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(project.root, '.jhm', 'kubeconfig'))).toBe(false);
  });

  test('a state without the kubeconfig output says to deploy first, and writes nothing', async () => {
    writeStack(project);
    setUpTerraform([{ when: ['init'] }, { when: ['output'], exitCode: 1, stderr: '╷\n│ Error: Output "kubeconfig" not found\n│\n╵\n' }]);
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: Output "kubeconfig" not found.*\(run jhm deploy example first\)/);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(project.root, '.jhm', 'kubeconfig', 'example.yaml'))).toBe(false);
  });

  /** What Terraform 1.11 prints for `output -raw kubeconfig` of a stack with no state: a warning on stdout, exit status 0. */
  const NO_OUTPUTS_WARNING = '\u001b[33m╷\u001b[0m\u001b[0m\n\u001b[33m│\u001b[0m \u001b[0m\u001b[1m\u001b[33mWarning: \u001b[0m\u001b[0m\u001b[1mNo outputs found\u001b[0m\n\u001b[33m│\u001b[0m \u001b[0m\n\u001b[33m│\u001b[0m \u001b[0mThe state file either has no outputs defined, or all the defined outputs\n\u001b[33m│\u001b[0m \u001b[0mare empty.\n\u001b[33m╵\u001b[0m\u001b[0m\n';

  test('rule: Terraform\'s "No outputs found" warning (exit status 0) is not a kubeconfig: one error line, exit 1, nothing written', async () => {
    writeStack(project);
    setUpTerraform([{ when: ['init'] }, { when: ['output', '-raw', 'kubeconfig'], stdout: NO_OUTPUTS_WARNING }]);
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: terraform output -raw kubeconfig in cdktf.out/stacks/example returned no kubeconfig: Terraform printed "Warning: No outputs found" instead of a kubeconfig; nothing written (run jhm deploy example first (or check the state with jhm terraform example state list))',
    ]);
    expect(r.stderr).not.toContain('✓');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(project.root, '.jhm', 'kubeconfig', 'example.yaml'))).toBe(false);
  });

  test('rule: YAML without clusters, users and contexts lists is not written, and an existing kubeconfig stays as it was', async () => {
    writeStack(project);
    const file = project.write('.jhm/kubeconfig/example.yaml', FAKE_KUBECONFIG);
    setUpTerraform([{ when: ['init'] }, { when: ['output', '-raw', 'kubeconfig'], stdout: 'apiVersion: v1\nkind: Config\nclusters: []\nusers:\n  - name: admin\n' }]);
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('returned no kubeconfig: it has no clusters, contexts lists; nothing written');
    expect(fs.readFileSync(file, 'utf8')).toBe(FAKE_KUBECONFIG);
  });

  test('rule: the kubeconfig is read with -no-color, so no colour code can reach the file', async () => {
    writeStack(project);
    setUpTerraform();
    await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(project.calls().find((c) => c.argv[0] === 'output')!.argv).toEqual(['output', '-no-color', '-raw', 'kubeconfig']);
  });

  test('a hub that was never synthesized or deployed is a user error naming jhm deploy', async () => {
    setUpTerraform();
    const r = await runCli(['-C', project.root, 'kubeconfig', 'example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cdktf\.out\/stacks\/example\/cdk\.tf\.json not found.*jhm deploy example/);
    expect(project.calls()).toEqual([]);
  });
});

describe('rule: a private file (writeFileAtomicSync with private: true) is never readable by others, not even while it is written', () => {
  test('the file is 0600 before its first byte is written, whatever the umask', () => {
    const dir = fs.mkdtempSync(path.join(project.root, 'private-'));
    const file = path.join(dir, 'secret.yaml');
    const modesAtWrite: number[] = [];
    // The module object itself (the `import * as` namespace is read-only).
    const nodeFs = jest.requireActual<typeof fs>('fs');
    const realWrite = nodeFs.writeFileSync;
    const spy = jest.spyOn(nodeFs, 'writeFileSync').mockImplementation((target, data, options) => {
      if (typeof target === 'number') modesAtWrite.push(fs.fstatSync(target).mode & 0o777);
      return realWrite(target, data, options);
    });
    const umask = process.umask(0);
    try {
      writePrivateFile(file, 'fake-secret-for-tests\n');
    } finally {
      process.umask(umask);
      spy.mockRestore();
    }
    expect(modesAtWrite).toEqual([0o600]);
    expect(mode(file)).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('fake-secret-for-tests\n');
  });

  test('leaves no temporary file behind', () => {
    const dir = fs.mkdtempSync(path.join(project.root, 'private-'));
    writePrivateFile(path.join(dir, 'a.yaml'), 'x');
    writePrivateFile(path.join(dir, 'a.yaml'), 'y');
    expect(fs.readdirSync(dir)).toEqual(['a.yaml']);
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe('y');
  });
});
