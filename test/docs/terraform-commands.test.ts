/**
 * The docs' Terraform commands work verbatim: every `jhm terraform …` and `jhm destroy …` of the
 * guides docs/terraform-state.md (with its state move) and docs/teardown.md is found there and
 * run, in the order a person would, through `jhm` (a child process, so Terraform gets a real stdin
 * to answer its question on) with the real terraform, against a local backend: a stack whose only
 * resource is Terraform's built-in `terraform_data`, so nothing is downloaded. The state move is
 * from one local state file to another, which Terraform asks about exactly as it does for s3.
 *
 * Needs `terraform` on the PATH; skipped otherwise, with one line saying so.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { which } from '../../base/tools';
import { createProject, TestProject, writeCloudsYaml } from '../support/fake-tools/project';
import { builtFile } from '../support/built';

const REPO = path.resolve(__dirname, '..', '..');
/** Looked up before the tests isolate PATH. */
const TERRAFORM = which('terraform');
if (TERRAFORM === undefined) process.stderr.write('test/docs/terraform-commands.test.ts: skipped: needs terraform on PATH (Terraform 1.10 or later)\n');
const withTerraform = TERRAFORM === undefined ? describe.skip : describe;

const doc = (name: string) => fs.readFileSync(path.join(REPO, 'docs', name), 'utf8');
const STATE = doc('terraform-state.md');
const TEARDOWN = doc('teardown.md');
const UPGRADING = doc('upgrading.md');

/** The section of `text` under `heading` (with its subsections), up to the next heading of its level or above (outside code blocks). */
function section(heading: string, text: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  let fenced = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    if (/^\s*```/.test(lines[end])) fenced = !fenced;
    const m = /^(#+) /.exec(lines[end]);
    if (!fenced && m && m[1].length <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

/** The `jhm terraform` and `jhm destroy` commands a section shows (inline or in a code block), each once, in order. */
function commandsIn(text: string): string[] {
  const found = [...text.matchAll(/jhm (?:terraform|destroy) [^`\n]*/g)].map((m) => m[0].trim()).filter((c) => !c.includes('…'));
  return [...new Set(found)];
}

const STATE_COMMANDS = commandsIn(STATE);
const TEARDOWN_COMMANDS = commandsIn(TEARDOWN);

/** The stack `jhm synth` would have written, reduced to a backend and a resource Terraform has built in. */
function writeStack(project: TestProject, statePath: string): void {
  const stack = {
    terraform: { backend: { local: { path: statePath } } },
    resource: { terraform_data: { marker: { input: 'fake-marker' } } },
    output: { kubeconfig: { value: '${terraform_data.marker.output}', sensitive: true } },
  };
  project.write('cdktf.out/stacks/example/cdk.tf.json', JSON.stringify(stack, null, 2));
}

describe('the docs show their Terraform commands through jhm', () => {
  test('rule: the state move and the lock check use jhm terraform, and nothing else runs Terraform there', () => {
    expect(STATE_COMMANDS).toEqual(['jhm terraform <cluster> plan', 'jhm terraform <cluster> init -migrate-state', 'jhm terraform <cluster> init', 'jhm terraform <cluster> state list']);
    expect(STATE).not.toMatch(/cd cdktf\.out\/stacks\/<cluster> && terraform/);
  });

  test('rule: moving hubs onto a shared cluster frees the record and tears the old cluster down through jhm', () => {
    const upgrading = section('## Moving hubs onto a shared cluster', UPGRADING);
    expect(commandsIn(upgrading)).toEqual(['jhm terraform <hub> destroy -target=openstack_dns_recordset_v2.ingress', 'jhm destroy <hub>']);
    expect(upgrading).not.toMatch(/`terraform /);
  });

  test('rule: the teardown destroys with jhm destroy', () => {
    expect(TEARDOWN_COMMANDS).toEqual(['jhm destroy <cluster>', 'jhm destroy <cluster> --yes']);
    expect(TEARDOWN).not.toMatch(/terraform destroy`? \(or/);
  });
});

withTerraform('every Terraform command of the docs works verbatim against a local backend (real terraform)', () => {
  let project: TestProject;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    project = createProject();
    // The isolated PATH (node only) and the folder of the real terraform.
    env = { ...process.env, PATH: `${process.env.PATH}${path.delimiter}${path.dirname(TERRAFORM!)}`, CHECKPOINT_DISABLE: '1' };
    writeStack(project, '../../../terraform.example.tfstate');
    // jhm destroy checks that the provider would find credentials (fake ones; this stack has no provider).
    writeCloudsYaml(project);
  });

  afterAll(() => project.dispose());

  /** Runs a command of the docs (`<cluster>` and `<hub>` being the example's) as a person would type it, with `input` on stdin. */
  function run(command: string, input = ''): { code: number | null; stdout: string; stderr: string } {
    const args = command.replace(/<(cluster|hub)>/g, 'example').split(' ').slice(1);
    // From the repository, where node finds tsx; the project is named with -C.
    const r = spawnSync(process.execPath, [builtFile('cli/main.ts'), '-C', project.root, ...args], {
      cwd: REPO,
      env,
      input,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const shown = (command: string): string => {
    expect([...STATE_COMMANDS, ...TEARDOWN_COMMANDS]).toContain(command);
    return command;
  };

  test('rule: jhm kubeconfig refuses Terraform\'s "No outputs found" of a stack with no state, and writes nothing', () => {
    expect(run(shown('jhm terraform <cluster> init')).code).toBe(0);
    const r = run('jhm kubeconfig example');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('returned no kubeconfig: Terraform printed "Warning: No outputs found" instead of a kubeconfig; nothing written');
    expect(fs.existsSync(path.join(project.root, '.jhm', 'kubeconfig'))).toBe(false);
  });

  test('the state move: init on a fresh clone, init -migrate-state (answered yes), state list and plan see the moved state', () => {
    // A fresh clone's init, then a deploy's worth of state in the old (local) backend.
    expect(run(shown('jhm terraform <cluster> init')).code).toBe(0);
    const applied = run('jhm terraform example apply -auto-approve -input=false');
    expect(applied.code).toBe(0);
    expect(fs.readFileSync(path.join(project.root, 'terraform.example.tfstate'), 'utf8')).toContain('terraform_data');

    // Step 2: the stack names another backend (here another local file, standing in for s3).
    writeStack(project, '../../../moved.tfstate');
    const migrated = run(shown('jhm terraform <cluster> init -migrate-state'), 'yes\n');
    expect(migrated.stdout + migrated.stderr).toContain('Do you want to copy existing state to the new backend?');
    expect(migrated.code).toBe(0);
    expect(fs.readFileSync(path.join(project.root, 'moved.tfstate'), 'utf8')).toContain('terraform_data');

    const listed = run(shown('jhm terraform <cluster> state list'));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('terraform_data.marker\n');
    expect(listed.stderr.split('\n')[0]).toBe(`example: Terraform (${TERRAFORM}) in cdktf.out/stacks/example, working data in .jhm/terraform/example`);

    const planned = run(shown('jhm terraform <cluster> plan'));
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('No changes.');
  });

  test('the teardown: jhm destroy refuses under deletion protection, asks on a terminal only, and destroys with --yes', () => {
    const refused = run(shown('jhm destroy <cluster>'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: hubs/example.yaml: cluster.deletionProtection: cluster example has deletion protection on');

    // Step 3: deletion protection off (the stack here carries no prevent_destroy, as synth then writes it).
    const hubFile = path.join(project.root, 'hubs', 'example.yaml');
    fs.writeFileSync(hubFile, fs.readFileSync(hubFile, 'utf8').replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  deletionProtection: false\n'));
    const noTerminal = run(shown('jhm destroy <cluster>'));
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toContain("jhm destroy asks for the cluster's name on a terminal, and there is none");
    expect(noTerminal.stderr).toContain('# terraform_data.marker will be destroyed');
    expect(run('jhm terraform example state list').stdout).toBe('terraform_data.marker\n');

    const destroyed = run(shown('jhm destroy <cluster> --yes'));
    expect(destroyed.code).toBe(0);
    expect(destroyed.stderr).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(destroyed.stderr).toContain('look for Cinder volumes left behind');
    expect(run('jhm terraform example state list').stdout).toBe('');
  });
});
