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
 *
 * Both also work on a leftover stack: a `cdktf.out/stacks/<name>` that no file defines any more,
 * such as the own cluster of a hub moved onto a shared cluster (docs/upgrading.md: Moving hubs
 * onto a shared cluster), whose DNS record and cluster are still to be destroyed. Its settings (cloud, deletion
 * protection, the Magnum name) are then read from the stack itself, and the command says so.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Cluster } from '../../model/cluster';
import type * as MagnumFields from '../../model/magnum-fields';
import { UserError } from '../../model/errors';
import type { Hub } from '../../model/hub';
import { ProjectLayout } from '../../project/layout';
import { locateTool, OPENSTACK, TERRAFORM } from '../../base/tools';
import { describeFailure, runProcess, shellCommand, succeeded } from '../../base/process';
import { info, success, warn } from '../../synth/report';
import type * as Load from '../../project/load';
import { resolveClusterTarget } from './cluster-target';
import { checkOpenstackCredentials } from './openstack-credentials';
import { Terraform } from './terraform';
import { OPENSTACK_RESOURCE_TYPES } from '../../infra/openstack-resources';
import { runLimit, tooShort } from './terraform-timeouts';

/** A path as shown to people: relative to the project root when inside it. */
function shown(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * What the two commands work on: a cluster a file defines (with its hubs), or a leftover stack.
 * Everything else they need is read from here, so both cases go through the same steps.
 */
interface StackTarget {
  /** The stack's name: `cdktf.out/stacks/<name>`, `.jhm/terraform/<name>`. */
  readonly name: string;
  /** The cluster its file defines; undefined for a leftover stack. */
  readonly cluster?: Cluster;
  readonly hubs: readonly Hub[];
  /** The `clouds.yaml` entry and region the provider uses. */
  readonly cloud: { readonly name?: string; readonly region?: string };
  /** The cluster's name in Magnum (its volumes' names start with it). */
  readonly magnumName: string;
}

const CLUSTER_TYPE = OPENSTACK_RESOURCE_TYPES.cluster;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `name` is defined by no file: no cluster file, and no hub file that defines a cluster of its own. */
function definedByNoFile(root: string, layout: ProjectLayout, name: string): boolean {
  if (fs.existsSync(layout.clusterFile(name))) return false;
  if (!fs.existsSync(layout.hubFile(name))) return true;
  // Loaded here, not when the CLI starts. A hub on a cluster file names its cluster (`cluster: shared`):
  // the stack of its old own cluster is left over. A broken hub file (undefined): resolveClusterTarget reports it.
  const { hubFileCluster } = require('../../project/load') as typeof Load;
  return hubFileCluster(root, name)?.onClusterFile === true;
}

/** The provider settings and Magnum name a stack holds (`provider.openstack`, the cluster resource's `name`). */
function stackSettings(stack: unknown, name: string): Pick<StackTarget, 'cloud' | 'magnumName'> {
  const providers = isObject(stack) && isObject(stack.provider) ? stack.provider.openstack : undefined;
  const provider = Array.isArray(providers) ? providers[0] : providers;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const clusters = isObject(stack) && isObject(stack.resource) ? stack.resource[CLUSTER_TYPE] : undefined;
  const first = isObject(clusters) ? Object.values(clusters).find(isObject) : undefined;
  return {
    cloud: { name: isObject(provider) ? text(provider.cloud) : undefined, region: isObject(provider) ? text(provider.region) : undefined },
    magnumName: text(first?.name) ?? name,
  };
}

/** The target `name` names, for `jhm <command>`. */
function resolveStackTarget(root: string, name: string, command: string): StackTarget {
  const layout = new ProjectLayout(root);
  if (definedByNoFile(root, layout, name) && fs.existsSync(layout.stackFile(name))) {
    const { readStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
    const stack = readStack(layout.stackFile(name), shown(root, layout.stackFile(name)));
    info(`${name}: no file defines cluster ${name} any more; jhm ${command} works on the stack it left, ${shown(root, layout.stackFile(name))}`);
    return { name, hubs: [], ...stackSettings(stack, name) };
  }
  const { cluster, hubs } = resolveClusterTarget(root, name, command);
  return { name: cluster.name, cluster, hubs, cloud: cluster.cloud, magnumName: cluster.magnumName };
}

/** Terraform (or OpenTofu) in the target's committed stack folder, with `jhm deploy`'s environment; `why` names the command for errors. */
function stackTerraform(root: string, target: StackTarget, why: string): { terraform: Terraform; stackDir: string; stackFile: string } {
  const found = locateTool(TERRAFORM);
  if (!found.found) throw new UserError(`cannot ${why} ${target.name}: ${found.reason} (${TERRAFORM.installHint})`);
  const layout = new ProjectLayout(root);
  const stackFile = layout.stackFile(target.name);
  const stackDir = path.dirname(stackFile);
  if (!fs.existsSync(stackFile)) {
    throw new UserError(`${shown(root, stackFile)} not found: Terraform has no stack of ${target.name} to work on`, { fix: `run jhm synth ${target.name} first` });
  }
  const terraform = new Terraform({ bin: found.path, stackDir, dataDir: layout.terraformData(target.name), display: shown(root, stackDir) });
  return { terraform, stackDir, stackFile };
}

// ---------------------------------------------------------------------------------------------
// jhm terraform

/** `jhm terraform <name> <args…>`: resolves to Terraform's exit status. */
export async function runTerraformCommand(root: string, name: string, args: readonly string[]): Promise<number> {
  const target = resolveStackTarget(root, name, 'terraform');
  const { terraform, stackDir } = stackTerraform(root, target, 'run Terraform for');
  info(`${target.name}: ${terraform.product} (${terraform.bin}) in ${shown(root, stackDir)}, working data in ${shown(root, terraform.dataDir)}`);
  return terraform.passthrough(args);
}

// ---------------------------------------------------------------------------------------------
// jhm destroy

export interface DestroyOptions {
  yes: boolean;
  timeout?: number;
}

/** The volumes the OpenStack project still holds after the destroy, listed as the runbook's teardown does. */
async function reportLeftoverVolumes(root: string, target: StackTarget): Promise<void> {
  const prefix = `${target.magnumName}-`;
  // The cluster's cloud and region, as the Terraform provider uses them.
  const cloudArgs = [...(target.cloud.name && !process.env.OS_CLOUD ? ['--os-cloud', target.cloud.name] : []), ...(target.cloud.region ? ['--os-region-name', target.cloud.region] : [])];
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
    warn(`${target.name}: could not list the volumes left behind (openstack volume list: ${succeeded(r) ? 'did not print a JSON list' : describeFailure({ ...r, stdout: '' }, timeoutMs)}); run ${byHand}`);
    return;
  }
  const left = volumes.filter((v) => typeof v.Name === 'string' && (v.Name.startsWith(prefix) || (v.Name.startsWith('pvc-') && v.Status === 'available')));
  if (left.length === 0) {
    success(`${target.name}: no Cinder volume named ${prefix}… and no available pvc-… volume is left in the project`);
    return;
  }
  warn(`${target.name}: ${left.length} Cinder volume(s) left behind (named ${prefix}…, or pvc-… and available: users' home folders if the PVCs were not deleted first); listed on stdout; delete each with openstack volume delete <ID> once you are sure`);
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
function printLosses(root: string, target: StackTarget, stack: unknown, stackFile: string): void {
  const { formatTerraformPlan, planStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
  // A leftover stack's hubs are not known: the loss then names "every hub on it".
  const plan = planStack(stack, undefined, target.cluster ? { hubs: target.hubs.map((h) => h.name) } : {});
  process.stderr.write(`${formatTerraformPlan(`jhm destroy ${target.name}: the stack ${shown(root, stackFile)}, in Terraform's words:`, plan, undefined, target.name)}\n`);
  if (target.hubs.length > 0) {
    const pvcs = target.hubs.map((h) => `${h.name} (namespace ${h.jupyterhub.namespace})`).join(', ');
    process.stderr.write(`  and with the cluster the PersistentVolumeClaims of every hub on it: ${pvcs}; their Cinder volumes stay behind, detached, unless the PVCs were deleted first (docs/teardown.md)\n`);
  }
}

/** The project's files about a destroyed cluster: its file, its hubs' files and secrets, its outputs, its local state. */
function leftoverFiles(root: string, target: StackTarget): string[] {
  const layout = new ProjectLayout(root);
  const files = [...(target.cluster ? [target.cluster.source] : []), ...target.hubs.flatMap((h) => [h.source, layout.secretsFile(h.name)]), layout.outputsFile(target.name), layout.localStateFile(target.name)];
  return [...new Set(files.map((f) => shown(root, path.resolve(root, f))))].filter((f) => fs.existsSync(path.resolve(root, f)));
}

/** The field of the Magnum table that guards a cluster against destroy; the table (zod) is loaded when a command runs, not by jhm --help. */
function destroyGuardField(): typeof MagnumFields.DESTROY_GUARD_FIELD {
  return (require('../../model/magnum-fields') as typeof MagnumFields).DESTROY_GUARD_FIELD;
}

/** Refuses a target whose deletion protection is on: in its file, or still in the stack Terraform reads. */
function refuseProtected(root: string, target: StackTarget, stack: unknown, stackFile: string): void {
  const { planStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
  const DESTROY_GUARD_FIELD = destroyGuardField();
  const { cluster } = target;
  // No model: the stack was written from a hub file with its own cluster (its settings are under `cluster:`).
  const protection = `${cluster?.naming.fieldPrefix ?? 'cluster'}.${DESTROY_GUARD_FIELD}`;
  if (cluster?.magnum[DESTROY_GUARD_FIELD]) {
    throw new UserError(`cluster ${cluster.name} has deletion protection on, so jhm destroy refuses to tear it down; nothing destroyed`, {
      file: cluster.source,
      field: protection,
      fix: `set ${protection}: false, run jhm synth ${cluster.name}, then jhm destroy ${cluster.name}`,
    });
  }
  // The file says false but the stack Terraform reads was written before: Terraform would stop on prevent_destroy.
  const guarded = planStack(stack, undefined).changes.filter((c) => c.protected);
  if (guarded.length === 0) return;
  const what = `${shown(root, stackFile)} still protects ${guarded.map((c) => c.address).join(', ')} (prevent_destroy), so Terraform would refuse the destroy; nothing destroyed`;
  if (cluster) {
    throw new UserError(what, { file: cluster.source, field: protection, fix: `run jhm synth ${cluster.name} to write ${protection}: false into the stack, then jhm destroy ${cluster.name}` });
  }
  throw new UserError(what, {
    fix: `it was synthesized with deletion protection on: put hubs/${target.name}.yaml back as it was (its own cluster) with ${protection}: false, run jhm synth ${target.name}, then move the hub again (docs/upgrading.md: Moving hubs onto a shared cluster, step 2)`,
  });
}

/** `jhm destroy <name>`. */
export async function destroyCluster(root: string, name: string, opts: DestroyOptions): Promise<void> {
  const target = resolveStackTarget(root, name, 'destroy');
  // The file's protection first: it needs no Terraform.
  if (target.cluster?.magnum[destroyGuardField()]) refuseProtected(root, target, undefined, '');
  const { terraform, stackDir, stackFile } = stackTerraform(root, target, 'destroy');
  const { readStack } = require('../../synth/terraform-plan') as typeof import('../../synth/terraform-plan');
  const stack = readStack(stackFile, shown(root, stackFile));
  refuseProtected(root, target, stack, stackFile);
  // Checked before the question: Terraform's provider needs them to delete anything.
  const credentials = checkOpenstackCredentials({ cloudName: target.cloud.name, workDir: stackDir });
  if (!credentials.ok) throw new UserError(`cannot destroy ${target.name}: ${credentials.reason}; nothing destroyed`);
  const limit = runLimit(stack, ['delete']);
  const problem = opts.timeout === undefined ? undefined : tooShort(opts.timeout, limit, 'terraform destroy');
  if (problem !== undefined) throw new UserError(problem, { fix: `leave --timeout out (the default is ${limit.defaultSeconds} s)` });
  const timeoutSeconds = opts.timeout ?? limit.defaultSeconds;

  info(`${target.name}: destroying with ${terraform.product} (${terraform.bin}) in ${shown(root, stackDir)}; OpenStack credentials from ${credentials.source}`);
  printLosses(root, target, stack, stackFile);
  if (!opts.yes) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new UserError(`jhm destroy asks for the cluster's name on a terminal, and there is none (stdin is not a TTY); nothing destroyed`, {
        fix: `run jhm destroy ${target.name} --yes to destroy without asking`,
      });
    }
    const answer = (await ask(`Type the cluster's name (${target.name}) to destroy all of the above: `)).trim();
    if (answer !== target.name) throw new UserError(`the answer ${JSON.stringify(answer)} is not ${target.name}; nothing destroyed`);
  }
  info(`${terraform.command} init (${shown(root, stackDir)})`);
  await terraform.init();
  info(`${terraform.command} destroy -auto-approve (${shown(root, stackDir)}; at most ${timeoutSeconds} s)`);
  await terraform.destroy({ autoApprove: true, interactive: false, timeoutMs: timeoutSeconds * 1000 });
  success(`${target.name}: destroyed (Terraform's state of it is empty)`);
  await reportLeftoverVolumes(root, target);
  const files = leftoverFiles(root, target);
  info(`next: ${files.length > 0 ? `remove ${files.join(', ')}, then ` : ''}run jhm synth --prune (docs/teardown.md)`);
}
