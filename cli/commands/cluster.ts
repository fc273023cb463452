/**
 * The commands that talk to the cloud and the cluster:
 * `jhm deploy` (Terraform, then the outputs file and a re-synth), `jhm kubeconfig`,
 * `jhm apply` (kubectl, in stages), `jhm status` (what is up, what is not), and `jhm terraform`
 * and `jhm destroy` (their work is in `tools/stack-commands.ts`).
 *
 * External tools come from `JHM_TERRAFORM` / `JHM_KUBECTL` or the PATH (`tofu` where there is no
 * `terraform`); every run has a timeout and no stdin (except `terraform apply`'s approval prompt
 * on a terminal). `jhm deploy`'s timeout is derived from the stack's own timeouts
 * (`tools/terraform-timeouts.ts`): jhm never stops Terraform before Terraform would give up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../../model/errors';
import { Hub } from '../../model/hub';
import { ProjectLayout } from '../../project/layout';
import type * as ConfigLoad from '../../project/load';
import { OUTPUTS_DIR, outputsFilePath } from '../../project/outputs';
import { OUTPUT_DIRS, ownership, readRecord as readOutputRecord } from '../../synth/output';
import { info, success, warn } from '../../synth/report';
import { ApplyStage, decryptApplyInputs, planApply, runApply, stepArgs } from '../tools/apply-waves';
import { printPruneDryRun, pruneAfterApply, readAppliedOutput, recordApplied } from '../tools/prune';
import { applyStagesHelp, WAVE_STAGES } from '../../k8s/waves';
import { Kubectl } from '../tools/kubectl';
import { KUBECTL, locateTool, TERRAFORM } from '../../base/tools';
import { checkOpenstackCredentials } from '../tools/openstack-credentials';
import { writeFileAtomicSync, writeJsonAtomicSync } from '../../base/files';
import { formatSeconds, shellQuote } from '../../base/process';
import { checkCertificates, checkDns, checkHubHealth, checkIngressAddress, checkOutputs, CheckResult } from '../tools/status-checks';
import type * as StorageStatus from '../tools/storage-status';
import { guardIngressIp } from '../tools/ingress-guard';
import type { Cluster } from '../../model/cluster';
import type * as MagnumFields from '../../model/magnum-fields';
import { resolveClusterTarget, validateClusterFiles } from '../tools/cluster-target';
import { Terraform, outputsFileContent, terraformProduct } from '../tools/terraform';
import { runLimit, TIMEOUT_MARGIN_MS, tooShort } from '../tools/terraform-timeouts';
import { kubeconfigProblem } from '../tools/kubeconfig-text';
import { destroyCluster, DestroyOptions, runTerraformCommand } from '../tools/stack-commands';
import { projectRoot } from '../project-root';
import type * as PlanReport from '../../synth/plan-report';

/** Default limit of each `jhm apply` stage, in seconds. */
export const DEFAULT_APPLY_TIMEOUT_SECONDS = 300;

/** `<root>/.jhm/kubeconfig/<cluster>.yaml`: where `jhm kubeconfig` writes and `jhm apply` / `jhm status` look. */
export function defaultKubeconfigPath(root: string, cluster: string): string {
  return new ProjectLayout(root).kubeconfig(cluster);
}

/** `<root>/.jhm/terraform/<cluster>`: Terraform's working data (`TF_DATA_DIR`), which survives a re-synth. */
export function terraformDataDir(root: string, cluster: string): string {
  return new ProjectLayout(root).terraformData(cluster);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of seconds, at least 1');
  return n;
}

function loadHub(root: string, name: string): Hub {
  // The hub model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const { loadHubs } = require('../../project/load') as typeof ConfigLoad;
  return loadHubs(root, [name])[0];
}

/** A path as shown to people: relative to the project root when inside it. */
function shown(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

// ---------------------------------------------------------------------------------------------
// jhm deploy

interface DeployOptions {
  yes: boolean;
  /** Seconds; default: derived from the stack's timeouts. */
  timeout?: number;
}

/** The commands `jhm deploy <cluster>` would run, for a person to run where Terraform and credentials are. */
export function manualDeployCommands(root: string, hub: string, options: { needsSynth: boolean; yes: boolean; command?: string }): string {
  const tf = options.command ?? 'terraform';
  const stack = path.join(OUTPUT_DIRS.stacks, hub);
  const outputs = path.join(OUTPUTS_DIR, `${hub}.json`);
  const jq = `{${JSON.stringify(hub)}: (with_entries(select(.value.sensitive | not)) | map_values(.value))}`;
  const lines = [
    `# jhm deploy ${hub}, step by step (Terraform and OpenStack credentials needed:`,
    '# source your openrc file, or export OS_CLOUD=<cloud in clouds.yaml>)',
    ...(path.resolve(root) !== process.cwd() ? [`cd ${shellQuote(root)}`] : []),
    ...(options.needsSynth ? [`jhm synth ${hub}`] : []),
    `(cd ${shellQuote(stack)} && ${tf} init -input=false && ${tf} apply -input=false${options.yes ? ' -auto-approve' : ''})`,
    `mkdir -p ${OUTPUTS_DIR}`,
    `(cd ${shellQuote(stack)} && ${tf} output -json) | jq ${shellQuote(jq)} > ${shellQuote(outputs)}`,
    `jhm synth ${hub}`,
  ];
  return `${lines.join('\n')}\n`;
}


async function deploy(name: string, opts: DeployOptions, cmd: Command): Promise<void> {
  const root = projectRoot(cmd);
  // A cluster file's name, or a hub's whose file defines its own cluster (named like the hub).
  const { cluster } = resolveClusterTarget(root, name, 'deploy');
  const stackDir = path.join(root, OUTPUT_DIRS.stacks, cluster.name);
  const stackFile = path.join(stackDir, 'cdk.tf.json');

  const terraformBin = locateTool(TERRAFORM);
  const credentials = checkOpenstackCredentials({ cloudName: cluster.cloud.name, workDir: stackDir });
  if (!terraformBin.found || !credentials.ok) {
    const command = terraformBin.found ? terraformProduct(terraformBin.path).command : undefined;
    process.stdout.write(manualDeployCommands(root, cluster.name, { needsSynth: !fs.existsSync(stackFile), yes: opts.yes, command }));
    const why = !terraformBin.found ? `${terraformBin.reason} (${TERRAFORM.installHint})` : !credentials.ok ? credentials.reason : '';
    throw new UserError(`cannot deploy ${cluster.name}: ${why}; the commands to run instead are printed on stdout`);
  }
  const interactive = Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
  if (!opts.yes && !interactive) {
    throw new UserError('terraform apply asks for approval on a terminal, and there is none (stdin is not a TTY)', {
      fix: `run jhm deploy ${cluster.name} --yes to apply without asking`,
    });
  }

  // First line: which program runs (OpenTofu where there is no Terraform, or JHM_TERRAFORM's).
  info(`${cluster.name}: deploying with ${terraformProduct(terraformBin.path).product} (${terraformBin.path})`);
  // Terraform always deploys the files as they are now: synthesize the cluster's stack first
  // (Terraform JSON only, so a deploy never waits on charts or secrets).
  info(`synthesizing the Terraform stack of ${cluster.name}`);
  // Loaded here, not at start-up: status, kubeconfig and apply never synthesize.
  const { synthHubs } = await import('../../synth/pipeline');
  const synthesized = await synthHubs({ root, hubs: [cluster.name], apps: { infra: true, k8s: false } });
  // What the stack changed since it was last written (Terraform's own plan follows).
  const { reportTerraformPlan } = (await import('../../synth/plan-report')) as typeof PlanReport;
  for (const [c, plan] of synthesized.plans) reportTerraformPlan(c, plan, 'terraform apply follows, with its own plan');
  if (!fs.existsSync(stackFile)) throw new UserError(`jhm synth ${cluster.name} wrote no ${shown(root, stackFile)}`);
  const stackJson: unknown = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
  const timeoutSeconds = deployTimeout(cluster, stackJson, opts.timeout, shown(root, stackFile));

  info(`${cluster.name}: OpenStack credentials from ${credentials.source}`);
  const terraform = new Terraform({
    bin: terraformBin.path,
    stackDir,
    dataDir: terraformDataDir(root, cluster.name),
    display: shown(root, stackDir),
  });
  info(`${terraform.command} init (${shown(root, stackDir)})`);
  await terraform.init();
  info(`${terraform.command} apply${opts.yes ? ' -auto-approve' : ''} (${shown(root, stackDir)}; at most ${timeoutSeconds} s)`);
  await terraform.apply({ autoApprove: opts.yes, interactive, timeoutMs: timeoutSeconds * 1000 });
  const outputs = await terraform.outputs();
  const file = outputsFilePath(root, cluster.name);
  const content = outputsFileContent(cluster.name, stackJson, outputs);
  writeJsonAtomicSync(file, content);
  const values = (content[cluster.name] ?? {}) as Record<string, unknown>;
  success(`${cluster.name}: wrote ${shown(root, file)} (${Object.keys(values).join(', ') || 'no outputs'})`);

  try {
    const { synthHubs } = await import('../../synth/pipeline');
    await synthHubs({ root, hubs: [cluster.name] });
  } catch (e) {
    warn(`${cluster.name} is deployed and ${shown(root, file)} written, but re-synthesizing failed; fix the error below and run jhm synth ${cluster.name}`);
    throw e;
  }
  success(`${cluster.name}: re-synthesized with the new outputs`);
  info(`next: jhm kubeconfig ${cluster.name}, then jhm apply ${cluster.name}`);
}

/**
 * The limit of `terraform apply`, in seconds: `--timeout`, refused when shorter than the longest
 * create or update timeout of the stack (Terraform's own wait); by default that timeout plus a margin.
 */
function deployTimeout(cluster: Cluster, stackJson: unknown, option: number | undefined, stackShown: string): number {
  const limit = runLimit(stackJson, ['create', 'update']);
  if (option === undefined) return limit.defaultSeconds;
  const problem = tooShort(option, limit, 'terraform apply');
  if (problem !== undefined) {
    const t = limit.longest!;
    // The field of the cluster's file that sets this timeout, when one does.
    const { fileField } = require('../../infra/stack-fields') as typeof import('../../infra/stack-fields');
    const [type, name] = t.address.split('.');
    const field = fileField(cluster, type, name, `timeouts.${t.kind}`);
    throw new UserError(`${problem} (${stackShown})`, {
      fix: `leave --timeout out (the default is ${limit.defaultSeconds} s: ${t.text} plus ${TIMEOUT_MARGIN_MS / 60_000} minutes) or give at least ${Math.ceil(t.ms / 1000)}${field ? `; to wait less, lower ${field} in ${cluster.source}` : ''}`,
    });
  }
  return option;
}

// ---------------------------------------------------------------------------------------------
// jhm kubeconfig

async function kubeconfig(name: string, opts: { out?: string }, cmd: Command): Promise<void> {
  const root = projectRoot(cmd);
  const { cluster } = resolveClusterTarget(root, name, 'kubeconfig');
  const terraformBin = locateTool(TERRAFORM);
  if (!terraformBin.found) {
    throw new UserError(`cannot read the kubeconfig of ${cluster.name}: ${terraformBin.reason} (${TERRAFORM.installHint})`);
  }
  const stackDir = path.join(root, OUTPUT_DIRS.stacks, cluster.name);
  if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) {
    throw new UserError(`${shown(root, stackDir)}/cdk.tf.json not found: ${cluster.name} has not been deployed from this project`, { fix: `run jhm deploy ${cluster.name}` });
  }
  const terraform = new Terraform({ bin: terraformBin.path, stackDir, dataDir: terraformDataDir(root, cluster.name), display: shown(root, stackDir) });
  if (!terraform.initialized) {
    info(`terraform init (${shown(root, stackDir)}): reading the state needs the backend settings`);
    await terraform.init();
  }
  let text: string;
  try {
    text = await terraform.rawOutput('kubeconfig');
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, { fix: `run jhm deploy ${cluster.name} first` });
    throw e;
  }
  if (text.trim() === '') throw new UserError(`the kubeconfig output of ${cluster.name} is empty`, { fix: `run jhm deploy ${cluster.name}` });
  // Written only when it is one: Terraform prints its "No outputs found" warning, exit status 0, for a stack never deployed.
  const problem = kubeconfigProblem(text);
  if (problem !== undefined) {
    throw new UserError(`${terraform.command} output -raw kubeconfig in ${shown(root, stackDir)} returned no kubeconfig: ${problem}; nothing written`, {
      fix: `run jhm deploy ${cluster.name} first (or check the state with jhm terraform ${cluster.name} state list)`,
    });
  }
  const target = opts.out ? path.resolve(opts.out) : defaultKubeconfigPath(root, cluster.name);
  writeFileAtomicSync(target, text.endsWith('\n') ? text : `${text}\n`, { private: true });
  success(`${cluster.name}: wrote the cluster's admin kubeconfig to ${shown(root, target)} (mode 0600; keep it private)`);
  process.stdout.write(`export KUBECONFIG=${shellQuote(target)}\n`);
}

// ---------------------------------------------------------------------------------------------
// jhm apply / jhm status: which kubeconfig

/** The kubeconfig to use: `--kubeconfig`, else the one `jhm kubeconfig` wrote; undefined = kubectl's own default. */
function explicitKubeconfig(root: string, hub: string, option: string | undefined): string | undefined {
  if (option !== undefined) {
    const file = path.resolve(option);
    if (!fs.existsSync(file)) throw new UserError(`--kubeconfig ${option}: no such file`);
    return file;
  }
  const written = defaultKubeconfigPath(root, hub);
  return fs.existsSync(written) ? written : undefined;
}

/** Whether kubectl would find a kubeconfig by itself (`KUBECONFIG`, `~/.kube/config`). */
function kubectlDefaultKubeconfig(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECONFIG) {
    const existing = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '' && fs.existsSync(f));
    return existing.length > 0 ? 'KUBECONFIG' : undefined;
  }
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  return fs.existsSync(home) ? '~/.kube/config' : undefined;
}

// ---------------------------------------------------------------------------------------------
// jhm apply

interface ApplyOptions {
  hub?: string;
  kubeconfig?: string;
  timeout: number;
  dryRun: boolean;
  prune: boolean;
}

function dryRun(root: string, stages: readonly ApplyStage[], kubectl: Kubectl, bin: string, timeoutSeconds: number): void {
  const lines: string[] = [];
  if (path.resolve(root) !== process.cwd()) lines.push(`cd ${shellQuote(root)}`);
  for (const stage of stages) {
    lines.push(`# [${stage.number}/${stages.length}] ${stage.title} (at most ${timeoutSeconds} s)`);
    for (const step of stage.steps) {
      // Encrypted Secrets reach kubectl decrypted on stdin; by hand, sops decrypts them.
      const from = step.kind === 'apply' && step.encrypted?.length ? `${step.encrypted.map((f) => `sops decrypt ${shellQuote(f)}`).join(' && echo --- && ')} | ` : '';
      lines.push(`${from}${kubectl.commandLine(stepArgs(step, timeoutSeconds), bin)}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The cluster `jhm apply <name>` applies: a cluster file's name, or a hub file with its own
 * cluster (named like the hub). A hub on a cluster file is refused with the command to run.
 */
function applyTarget(root: string, name: string, hub: string | undefined): { cluster: string; hub?: string; model?: Cluster } {
  // The model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const { loadProject } = require('../../project/load') as typeof ConfigLoad;
  const project = loadProject(root);
  const onFile = project.hubs.find((h) => h.name === name && h.cluster.naming.ownerHub !== name);
  if (onFile) {
    throw new UserError(`${name} is a hub on cluster ${onFile.cluster.name}; jhm apply takes a cluster`, { fix: `run jhm apply ${onFile.cluster.name} --hub ${name}` });
  }
  if (!project.clusterNames.includes(name) && !project.hubNames.includes(name)) {
    throw new UserError(`no cluster ${name}: no clusters/${name}.yaml, no hubs/${name}.yaml`, { fix: `name a cluster file, or a hub file in the dedicated format` });
  }
  if (hub !== undefined && project.hubNames.includes(hub)) {
    const h = project.hubs.find((x) => x.name === hub);
    if (h && h.cluster.name !== name) throw new UserError(`--hub ${hub}: the hub is on cluster ${h.cluster.name}, not ${name}`, { fix: `run jhm apply ${h.cluster.name} --hub ${hub}` });
  }
  // A broken file of the cluster (a hub file on it with a typo) stops the apply (issue 18).
  validateClusterFiles(root, name);
  // The loaded cluster (a hub's own one comes with its hub file); absent when its file has errors.
  const model = project.clusters.find((c) => c.name === name) ?? project.hubs.find((h) => h.name === name && h.cluster.naming.ownerHub === name)?.cluster;
  return { cluster: name, hub, model };
}

async function apply(clusterName: string, opts: ApplyOptions, cmd: Command): Promise<void> {
  const root = projectRoot(cmd);
  const target = applyTarget(root, clusterName, opts.hub);
  const name = target.cluster;
  const stages = planApply(root, name, { hub: target.hub });
  // What is applied, read once: the prune compares the cluster with this (the command holds the
  // project lock, so no synth changes the folders meanwhile either).
  const output = readAppliedOutput(root, name);
  const foreign = ownership(root, readOutputRecord(root, name), 'dist', name).foreign;
  if (foreign.length > 0) info(`not applied (not written by jhm): ${foreign.map((f) => `${OUTPUT_DIRS.dist}/${name}/${f}`).join(', ')}`);
  // Before kubectl (and in a dry run): an ingress Service without the floating IP would keep another address.
  guardIngressIp(root, name, target.model);
  const kubeconfigFile = explicitKubeconfig(root, name, opts.kubeconfig);

  if (opts.dryRun) {
    const bin = process.env[KUBECTL.envVar] || KUBECTL.name;
    const shownKubectl = new Kubectl({ bin, kubeconfig: kubeconfigFile, cwd: root });
    dryRun(root, stages, shownKubectl, bin, opts.timeout);
    if (opts.prune) {
      // Listing what the prune would delete is read-only: done when kubectl can reach the cluster.
      const found = locateTool(KUBECTL);
      const noKubeconfig = kubeconfigFile === undefined && kubectlDefaultKubeconfig() === undefined;
      const live = found.found && !noKubeconfig ? new Kubectl({ bin: found.path, kubeconfig: kubeconfigFile, cwd: root }) : undefined;
      const unreachable = !found.found ? found.reason : noKubeconfig ? `no kubeconfig: run jhm kubeconfig ${name}` : undefined;
      await printPruneDryRun(root, name, output, { hub: target.hub, kubectl: live, shown: shownKubectl, bin, timeoutSeconds: opts.timeout, unreachable });
    }
    return;
  }
  const kubectlBin = locateTool(KUBECTL);
  if (!kubectlBin.found) throw new UserError(`cannot apply ${name}: ${kubectlBin.reason} (${KUBECTL.installHint})`);
  if (kubeconfigFile === undefined && kubectlDefaultKubeconfig() === undefined) {
    throw new UserError(`cannot apply ${name}: no kubeconfig (none in ${shown(root, defaultKubeconfigPath(root, name))}, KUBECONFIG or ~/.kube/config)`, {
      fix: `run jhm kubeconfig ${name}, or pass --kubeconfig <file>`,
    });
  }
  // Encrypted Secrets decrypted in memory, before anything is applied (no key, a wrong key: one line).
  const decrypted = decryptApplyInputs(root, stages);
  // The kinds about to be applied are recorded before kubectl runs: an apply that fails or is
  // killed half-way may have created objects of them, and a later --prune must look for them.
  recordApplied(root, name, output, { prunedAll: false });
  const kubectl = new Kubectl({ bin: kubectlBin.path, kubeconfig: kubeconfigFile, cwd: root });
  const what = target.hub ? ` (the platform and hub ${target.hub})` : '';
  const secretsShown = decrypted.size > 0 ? `its Secrets (${shown(root, new ProjectLayout(root).encryptedSecretsFile(name, ''))}, decrypted in memory)` : shown(root, path.join(root, OUTPUT_DIRS.secrets, name));
  info(`${name}: applying ${shown(root, path.join(root, OUTPUT_DIRS.dist, name))} and ${secretsShown}${what} with ${kubeconfigFile ? shown(root, kubeconfigFile) : `kubectl's default kubeconfig (${kubectlDefaultKubeconfig()})`}`);

  const tty = Boolean(process.stderr.isTTY);
  const label = (s: ApplyStage) => `[${s.number}/${stages.length}] ${s.title} …`;
  const started = Date.now();
  await runApply(stages, kubectl, {
    stageTimeoutMs: opts.timeout * 1000,
    decrypted,
    onStageStart: (s) => {
      if (tty) process.stderr.write(label(s));
    },
    onStage: (s, r) => {
      const end = `${r.ok ? 'ok' : 'failed'} (${formatSeconds(r.durationMs)})`;
      process.stderr.write(tty ? ` ${end}\n` : `${label(s)} ${end}\n`);
    },
  });
  success(`${name}: applied in ${formatSeconds(Date.now() - started)}; check ${target.hub ? `it with jhm status ${target.hub}` : 'each hub with jhm status <hub>'}`);
  // Records the kinds applied; with --prune deletes what jhm wrote before and dist/ no longer has.
  await pruneAfterApply(kubectl, root, name, output, { hub: target.hub, prune: opts.prune, timeoutMs: opts.timeout * 1000 });
}

// ---------------------------------------------------------------------------------------------
// jhm status

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' };

async function status(hubName: string, opts: { kubeconfig?: string }, cmd: Command): Promise<void> {
  const root = projectRoot(cmd);
  const layout = new ProjectLayout(root);
  if (!fs.existsSync(layout.hubFile(hubName)) && fs.existsSync(layout.clusterFile(hubName))) {
    throw new UserError(`${hubName} is a cluster (${shown(root, layout.clusterFile(hubName))}); jhm status checks one hub`, { fix: `run jhm status <hub> for a hub on it` });
  }
  const hub = loadHub(root, hubName);
  const print = (r: CheckResult) => process.stdout.write(`${MARK[r.status]}  ${r.check}: ${r.detail}\n`);
  const results: CheckResult[] = [];
  const record = (r: CheckResult) => {
    results.push(r);
    print(r);
  };

  const outputs = checkOutputs(root, hub);
  record(outputs);
  record(await checkDns(hub, outputs.ingressIp));

  const kubectlBin = locateTool(KUBECTL);
  // The kubeconfig of the hub's cluster (a hub's own cluster has the hub's name).
  const kubeconfigFile = explicitKubeconfig(root, hub.cluster.name, opts.kubeconfig);
  let kubectl: Kubectl | { skipped: string };
  if (!kubectlBin.found) kubectl = { skipped: kubectlBin.reason };
  else if (kubeconfigFile === undefined && kubectlDefaultKubeconfig() === undefined) {
    kubectl = { skipped: `no kubeconfig (run jhm kubeconfig ${hub.cluster.name})` };
  } else kubectl = new Kubectl({ bin: kubectlBin.path, kubeconfig: kubeconfigFile, cwd: root });
  record(await checkIngressAddress(root, hub, kubectl));
  record(await checkCertificates(hub, kubectl));
  record(await checkHubHealth(hub));
  // A shared hub's home volume: its use against its size (loaded here: it reads the chart's names).
  const { checkHomeVolume, checkHomeBackup } = (await import('../tools/storage-status')) as typeof StorageStatus;
  const homeVolume = await checkHomeVolume(hub, kubectl);
  if (homeVolume !== undefined) record(homeVolume);
  const homeBackup = await checkHomeBackup(hub, kubectl);
  if (homeBackup !== undefined) record(homeBackup);

  const ran = results.filter((r) => r.status !== 'skipped');
  const failed = ran.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw new UserError(`${hub.name}: ${failed.length} of ${ran.length} checks failed (${failed.map((r) => r.check.replace(/ \(.*$/, '')).join(', ')})`);
  }
  success(`${hub.name}: ${ran.length} checks passed${results.length > ran.length ? `, ${results.length - ran.length} skipped` : ''}`);
}

// ---------------------------------------------------------------------------------------------

export function registerClusterCommands(program: Command): void {
  program
    .command('deploy')
    .description('create or update a cluster, its floating IP and its hubs\' DNS records with Terraform, write outputs/<cluster>.json and re-synthesize')
    .argument('<cluster>', 'cluster name (clusters/<cluster>.yaml), or a hub in today\'s format (its dedicated cluster has its name)')
    .option('-y, --yes', 'apply without asking (terraform apply -auto-approve); needed without a terminal', false)
    .option('--timeout <seconds>', `limit of terraform apply (default: the longest create or update timeout of the stack's resources plus ${TIMEOUT_MARGIN_MS / 60_000} minutes; a shorter one is refused)`, parseSeconds)
    .addHelpText(
      'after',
      `
Runs, in cdktf.out/stacks/<cluster> (synthesized first):
  terraform init -input=false
  terraform apply -input=false [-auto-approve]
  terraform output -json      -> outputs/<cluster>.json (sensitive outputs left out)
then jhm synth <cluster>, so the manifests get the ingress IP.

A hub on a cluster file is deployed with its cluster (jhm deploy <cluster>); a hub file in
today's format names its own dedicated cluster, so jhm deploy <hub> works as before.
Terraform comes from JHM_TERRAFORM or the PATH (OpenTofu's tofu where there is no terraform;
the first line says which); OpenStack credentials from clouds.yaml
(cloud.name of the cluster, or OS_CLOUD) or an openrc environment (OS_AUTH_URL); the state
backend's credentials (s3, http) from the environment. Without Terraform or OpenStack
credentials, the commands above are printed for you to run elsewhere, and the exit status is 1.
Terraform's working data is kept in .jhm/terraform/<cluster> (TF_DATA_DIR).`,
    )
    .action(deploy);

  program
    .command('kubeconfig')
    .description('write the cluster\'s admin kubeconfig (a Terraform output) to .jhm/kubeconfig/<cluster>.yaml, mode 0600')
    .argument('<cluster>', 'cluster name (clusters/<cluster>.yaml), or a hub in today\'s format (its dedicated cluster has its name)')
    .option('-o, --out <file>', 'write it here instead')
    .addHelpText(
      'after',
      `
Prints "export KUBECONFIG=<file>" on stdout, so that
  eval "$(jhm kubeconfig <cluster>)"
points kubectl at the cluster. The file's contents are never printed.`,
    )
    .action(kubeconfig);

  program
    .command('apply')
    .description(`apply dist/<cluster> and dist-secrets/<cluster> (the platform and every hub, or with --hub one hub) with kubectl, in ${WAVE_STAGES.length} stages`)
    .argument('<cluster>', 'cluster name (clusters/<cluster>.yaml, or a hub file in the dedicated format: its cluster has its name)')
    .option('--hub <hub>', 'apply the platform waves and only this hub\'s files')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: .jhm/kubeconfig/<cluster>.yaml if present, else kubectl\'s default)')
    .option('--timeout <seconds>', 'limit of each stage', parseSeconds, DEFAULT_APPLY_TIMEOUT_SECONDS)
    .option('--dry-run', 'print the kubectl commands instead of running them', false)
    .option('--prune', 'after every stage succeeded, delete the objects jhm labelled as its own (jupyterhub-magnum/cluster, with --hub jupyterhub-magnum/hub) that left dist/ and dist-secrets/; never Namespaces, CRDs or PVCs (listed with the command to delete them by hand)', false)
    .addHelpText(
      'after',
      `
${applyStagesHelp()}
Every apply is server-side (kubectl apply --server-side --force-conflicts --field-manager=jhm):
the CRDs are too large for client-side apply's last-applied annotation (256 KiB).
Refused before kubectl runs: an ingress LoadBalancer Service without the cluster's floating IP
(spec.loadBalancerIP), or with another one; OpenStack adopts the IP only when the Service is
created. Run jhm deploy <cluster> first (or jhm synth <cluster> when the IP is recorded).
kubectl comes from JHM_KUBECTL or the PATH.`,
    )
    .action(apply);

  program
    .command('status')
    .description('check a deployed hub: its cluster\'s Terraform outputs, its DNS record and the ingress Service\'s external IP against the cluster\'s ingress IP, TLS certificate, hub reachability; with shared storage, the home volume\'s use and the last backup')
    .argument('<hub>', 'hub name (hubs/<hub>.yaml)')
    .option('--kubeconfig <file>', 'kubeconfig for the checks that use kubectl (default: .jhm/kubeconfig/<cluster>.yaml if present, else kubectl\'s default)')
    .addHelpText(
      'after',
      `
One line per check: ok, FAIL or skip (with the reason). Exit status 0 when every check that ran
passed, 1 otherwise. Network checks time out after a few seconds.`,
    )
    .action(status);

  program
    .command('terraform')
    .description('run terraform (or tofu) in a cluster\'s stack folder with the environment jhm deploy uses (its backend settings and working data)')
    .argument('<cluster>', 'cluster name (clusters/<cluster>.yaml), or a hub in today\'s format (its dedicated cluster has its name)')
    .argument('[args...]', 'terraform\'s arguments, passed through (e.g. init -migrate-state, state list, plan -out x, import …)')
    // Terraform's own flags (-out, -migrate-state, …) are passed on, not parsed by jhm.
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Runs, in cdktf.out/stacks/<cluster>, with TF_DATA_DIR=.jhm/terraform/<cluster> (where jhm deploy
keeps the backend settings and providers), TF_IN_AUTOMATION=1 and your environment (backend and
OpenStack credentials):
  terraform <args…>
with your terminal (Terraform may ask), and exits with Terraform's exit status. Examples:
  jhm terraform shared init -migrate-state
  jhm terraform shared state list
  jhm terraform shared plan -out plan.bin
Put -- before Terraform's arguments when one of them is -h, -C or --debug (jhm's own).
Terraform comes from JHM_TERRAFORM or the PATH (OpenTofu's tofu where there is no terraform).`,
    )
    .action(async (name: string, args: string[], _opts: unknown, cmd: Command) => {
      const code = await runTerraformCommand(projectRoot(cmd), name, args);
      // Terraform's exit status is jhm's (`plan -detailed-exitcode` gives 2 for changes); it said why itself.
      if (code !== 0) process.exitCode = code;
    });

  program
    .command('destroy')
    .description('tear a cluster down with terraform destroy: refused while its deletion protection is on; lists what is lost and asks for the cluster\'s name; then lists the Cinder volumes left behind')
    .argument('<cluster>', 'cluster name (clusters/<cluster>.yaml), or a hub in today\'s format (its dedicated cluster has its name)')
    .option('-y, --yes', 'destroy without asking for the cluster\'s name; needed without a terminal', false)
    .option('--timeout <seconds>', 'limit of terraform destroy (default: the longest delete timeout of the stack plus 15 minutes, else one hour)', parseSeconds)
    // The field's name comes from the Magnum table (zod): loaded when this help is shown, not by jhm --help.
    .addHelpText(
      'after',
      () => `
Refused while magnum.${(require('../../model/magnum-fields') as typeof MagnumFields).DESTROY_GUARD_FIELD} (cluster: of a hub file in today's format) is true, or
while the committed stack still has prevent_destroy (run jhm synth <cluster> after setting it false),
or without OpenStack credentials (found as for jhm deploy).
Then runs, in cdktf.out/stacks/<cluster> with jhm deploy's environment:
  terraform init -input=false
  terraform destroy -input=false -auto-approve     (after you typed the cluster's name)
and lists the Cinder volumes left behind (openstack volume list: named <cluster>-…, or pvc-… and
available), or prints the command to list them when the openstack CLI is not on the PATH.
Delete the hubs' JupyterHub and PVCs first (docs/teardown.md) so their volumes are released.`,
    )
    .action((name: string, opts: DestroyOptions, cmd: Command) => destroyCluster(projectRoot(cmd), name, opts));
}
