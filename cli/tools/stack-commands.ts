/**
 * What `jhm terraform <cluster> [args…]` and `jhm destroy <cluster>` do (registered with the other
 * cluster commands in `cli/commands/cluster.ts`): Terraform the way jhm runs it.
 *
 * `jhm deploy` runs Terraform in `cdktf.out/stacks/<cluster>` with its own data folder
 * (`TF_DATA_DIR` = `.jhm/terraform/<cluster>`, where the backend settings and providers live), so a
 * plain `terraform` in the stack folder sees no backend. `jhm terraform` runs any Terraform command
 * there with exactly that environment (the one `Terraform` object builds it), interactively, and
 * passes its exit status through: the state move (`init -migrate-state`), `state list`, `plan`,
 * `import`.
 *
 * `jhm destroy` tears a cluster down, in the order a careful person would: it refuses while the
 * cluster file's deletion protection is on (naming the field to flip) or while the committed stack
 * still carries it (naming the synth to run), says what is lost in the change planner's words (the
 * committed stack planned against no stack), asks for the cluster's name on a terminal unless
 * `--yes`, runs `terraform destroy`, then lists the Cinder volumes left behind (named after the
 * cluster, or unattached `pvc-…` ones) as the runbook's teardown does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { settingsKey } from '../../config/cluster';
import type { Cluster } from '../../config/cluster';
import { UserError } from '../../config/errors';
import type { Hub } from '../../config/hub';
import { ProjectLayout } from '../../config/layout';
import { locateTool, OPENSTACK, TERRAFORM } from '../../base/tools';
import { describeFailure, runProcess, shellCommand, succeeded } from '../../base/process';
import { info, success, warn } from '../../synth/report';
import { resolveClusterTarget } from './cluster-target';
import { checkOpenstackCredentials } from './openstack-credentials';
import { Terraform } from './terraform';
import { runLimit, tooShort } from './terraform-timeouts';

/** A path as shown to people: relative to the project root when inside it. */
function shown(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** Terraform (or OpenTofu) in `cluster`'s committed stack folder, with `jhm deploy`'s environment; `why` names the command for errors. */
function stackTerraform(root: string, cluster: Cluster, why: string): { terraform: Terraform; stackDir: string; stackFile: string } {
  const found = locateTool(TERRAFORM);
  if (!found.found) throw new UserError(`cannot ${why} ${cluster.name}: ${found.reason} (${TERRAFORM.installHint})`);
  const layout = new ProjectLayout(root);
  const stackFile = layout.stackFile(cluster.name);
  const stackDir = path.dirname(stackFile);
  if (!fs.existsSync(stackFile)) {
    throw new UserError(`${shown(root, stackFile)} not found: Terraform has no stack of ${cluster.name} to work on`, { fix: `run jhm synth ${cluster.name} first` });
  }
  const terraform = new Terraform({ bin: found.path, stackDir, dataDir: layout.terraformData(cluster.name), display: shown(root, stackDir) });
  return { terraform, stackDir, stackFile };
}

// ---------------------------------------------------------------------------------------------
// jhm terraform

/** `jhm terraform <name> <args…>`: resolves to Terraform's exit status. */
export async function runTerraformCommand(root: string, name: string, args: readonly string[]): Promise<number> {
  const { cluster } = resolveClusterTarget(root, name, 'terraform');
  const { terraform, stackDir } = stackTerraform(root, cluster, 'run Terraform for');
  info(`${cluster.name}: ${terraform.product} (${terraform.bin}) in ${shown(root, stackDir)}, working data in ${shown(root, terraform.dataDir)}`);
  return terraform.passthrough(args);
}

// ---------------------------------------------------------------------------------------------
// jhm destroy

export interface DestroyOptions {
  yes: boolean;
  timeout?: number;
}

/** The volumes the OpenStack project still holds after the destroy, listed as the runbook's teardown does. */
async function reportLeftoverVolumes(root: string, cluster: Cluster): Promise<void> {
  const prefix = `${cluster.magnumName}-`;
  // The cluster file's cloud and region, as the Terraform provider uses them.
  const cloudArgs = [...(cluster.cloud.name && !process.env.OS_CLOUD ? ['--os-cloud', cluster.cloud.name] : []), ...(cluster.cloud.region ? ['--os-region-name', cluster.cloud.region] : [])];
  const byHand = `${shellCommand('openstack', [...cloudArgs, 'volume', 'list', '-f', 'value', '-c', 'ID', '-c', 'Name', '-c', 'Status'])} | grep -E ' (${prefix.replace(/[.]/g, '\\.')}|pvc-)'`;
  const found = locateTool(OPENSTACK);
  if (!found.found) {
    info(`look for Cinder volumes left behind (named ${prefix}…, or pvc-… and available) with: ${byHand} (${found.reason})`);
    return;
  }
  const timeoutMs = 2 * 60_000;
  const r = await runProcess(found.path, [...cloudArgs, 'volume', 'list', '-f', 'json'], { cwd: root, timeoutMs, output: 'capture' });
  let volumes: { ID?: string; Name?: string; Status?: string; Size?: number }[] | undefined;
  if (succeeded(r)) {
    try {
      const data: unknown = JSON.parse(r.stdout);
      if (Array.isArray(data)) volumes = data as typeof volumes;
    } catch {
      volumes = undefined;
    }
  }
  if (volumes === undefined) {
    warn(`${cluster.name}: could not list the volumes left behind (openstack volume list: ${succeeded(r) ? 'did not print a JSON list' : describeFailure({ ...r, stdout: '' }, timeoutMs)}); run ${byHand}`);
    return;
  }
  const left = volumes.filter((v) => typeof v.Name === 'string' && (v.Name.startsWith(prefix) || (v.Name.startsWith('pvc-') && v.Status === 'available')));
  if (left.length === 0) {
    success(`${cluster.name}: no Cinder volume named ${prefix}… and no available pvc-… volume is left in the project`);
    return;
  }
  warn(`${cluster.name}: ${left.length} Cinder volume(s) left behind (named ${prefix}…, or pvc-… and available: users' home folders if the PVCs were not deleted first); listed on stdout; delete each with openstack volume delete <ID> once you are sure`);
  for (const v of left) process.stdout.write(`${v.ID ?? '?'}  ${v.Name}  ${v.Status ?? '?'}  ${v.Size ?? '?'} GB\n`);
}

/** Reads one line a person types on the terminal. */
async function ask(question: string): Promise<string> {
  const readline = await import('readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  // Without a listener readline swallows Ctrl-C: let it end the command as anywhere else.
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** What the destroy loses, in the change planner's words: the committed stack planned against none. */
function printLosses(root: string, cluster: Cluster, hubs: readonly Hub[], stack: unknown, stackFile: string): void {
  const { formatTerraformPlan, planStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
  const plan = planStack(stack, undefined, { hubs: hubs.map((h) => h.name) });
  process.stderr.write(`${formatTerraformPlan(`jhm destroy ${cluster.name}: the stack ${shown(root, stackFile)}, in Terraform's words:`, plan)}\n`);
  if (hubs.length > 0) {
    const pvcs = hubs.map((h) => `${h.name} (namespace ${h.jupyterhub.namespace})`).join(', ');
    process.stderr.write(`  and with the cluster the PersistentVolumeClaims of every hub on it: ${pvcs}; their Cinder volumes stay behind, detached, unless the PVCs were deleted first (README: Teardown)\n`);
  }
}

/** The project's files about a destroyed cluster: its file, its hubs' files and secrets, its outputs, its local state. */
function leftoverFiles(root: string, cluster: Cluster, hubs: readonly Hub[]): string[] {
  const layout = new ProjectLayout(root);
  const files = [cluster.source, ...hubs.flatMap((h) => [h.source, layout.secretsFile(h.name)]), layout.outputsFile(cluster.name), layout.localStateFile(cluster.name)];
  return [...new Set(files.map((f) => shown(root, path.resolve(root, f))))].filter((f) => fs.existsSync(path.resolve(root, f)));
}

/** `jhm destroy <name>`. */
export async function destroyCluster(root: string, name: string, opts: DestroyOptions): Promise<void> {
  const { cluster, hubs } = resolveClusterTarget(root, name, 'destroy');
  const protection = `${settingsKey(cluster)}.deletionProtection`;
  if (cluster.magnum.deletionProtection) {
    throw new UserError(`cluster ${cluster.name} has deletion protection on, so jhm destroy refuses to tear it down; nothing destroyed`, {
      file: cluster.source,
      field: protection,
      fix: `set ${protection}: false, run jhm synth ${cluster.name}, then jhm destroy ${cluster.name}`,
    });
  }
  const { terraform, stackDir, stackFile } = stackTerraform(root, cluster, 'destroy');
  const { readStack, planStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
  const stack = readStack(stackFile, shown(root, stackFile));
  // The file says false but the stack Terraform reads was written before: Terraform would stop on prevent_destroy.
  const guarded = planStack(stack, undefined).changes.filter((c) => c.protected);
  if (guarded.length > 0) {
    throw new UserError(`${shown(root, stackFile)} still protects ${guarded.map((c) => c.address).join(', ')} (prevent_destroy), so Terraform would refuse the destroy; nothing destroyed`, {
      file: cluster.source,
      field: protection,
      fix: `run jhm synth ${cluster.name} to write ${protection}: false into the stack, then jhm destroy ${cluster.name}`,
    });
  }
  // Checked before the question: Terraform's provider needs them to delete anything.
  const credentials = checkOpenstackCredentials({ cloudName: cluster.cloud.name, workDir: stackDir });
  if (!credentials.ok) throw new UserError(`cannot destroy ${cluster.name}: ${credentials.reason}; nothing destroyed`);
  const limit = runLimit(stack, ['delete']);
  const problem = opts.timeout === undefined ? undefined : tooShort(opts.timeout, limit, 'terraform destroy');
  if (problem !== undefined) throw new UserError(problem, { fix: `leave --timeout out (the default is ${limit.defaultSeconds} s)` });
  const timeoutSeconds = opts.timeout ?? limit.defaultSeconds;

  info(`${cluster.name}: destroying with ${terraform.product} (${terraform.bin}) in ${shown(root, stackDir)}; OpenStack credentials from ${credentials.source}`);
  printLosses(root, cluster, hubs, stack, stackFile);
  if (!opts.yes) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new UserError(`jhm destroy asks for the cluster's name on a terminal, and there is none (stdin is not a TTY); nothing destroyed`, {
        fix: `run jhm destroy ${cluster.name} --yes to destroy without asking`,
      });
    }
    const answer = (await ask(`Type the cluster's name (${cluster.name}) to destroy all of the above: `)).trim();
    if (answer !== cluster.name) throw new UserError(`the answer ${JSON.stringify(answer)} is not ${cluster.name}; nothing destroyed`);
  }
  info(`${terraform.command} init (${shown(root, stackDir)})`);
  await terraform.init();
  info(`${terraform.command} destroy -auto-approve (${shown(root, stackDir)}; at most ${timeoutSeconds} s)`);
  await terraform.destroy({ autoApprove: true, interactive: false, timeoutMs: timeoutSeconds * 1000 });
  success(`${cluster.name}: destroyed (Terraform's state of it is empty)`);
  await reportLeftoverVolumes(root, cluster);
  info(`next: remove ${leftoverFiles(root, cluster, hubs).join(', ')}, then run jhm synth --prune (README: Teardown)`);
}
