/**
 * `jhm init <hub>` (a new hub file from the commented template, plus its secrets file: on a
 * cluster file with `--cluster`, or with its own dedicated cluster), `jhm init-cluster <cluster>`
 * (a new cluster file) and `jhm secrets <hub>` (create or complete the secrets file, never
 * overwriting a value).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { UserError } from '../../config/errors';
import { info, success } from '../../synth/report';
import { projectRoot } from '../project-root';

/** The GitHub client secret from stdin (`--github-client-secret-stdin`) or JHM_GITHUB_CLIENT_SECRET. */
function clientSecretFrom(opts: { githubClientSecretStdin?: boolean }): string | undefined {
  if (opts.githubClientSecretStdin) {
    const text = fs.readFileSync(0, 'utf8').trim();
    if (!text) throw new UserError('no GitHub client secret on standard input', { fix: 'pipe it in, e.g. jhm secrets <hub> --github-client-secret-stdin < file' });
    return text;
  }
  return process.env.JHM_GITHUB_CLIENT_SECRET || undefined;
}

async function writeSecrets(root: string, hubName: string, opts: { githubClientSecretStdin?: boolean }): Promise<void> {
  // The hub model (zod, yaml) is loaded when a command runs, not by jhm --help.
  const { loadHubs } = await import('../../config/load');
  const { ensureSecrets, secretsFilePath } = await import('../../config/secrets');
  // With the project's cluster files: a hub on a cluster file needs its cluster.
  const hub = loadHubs(root, [hubName])[0];
  const { created } = ensureSecrets(root, hub, { githubClientSecret: clientSecretFrom(opts) });
  const file = path.relative(root, secretsFilePath(root, hubName));
  if (created.length > 0) success(`${file}: added ${created.join(', ')} (mode 0600, git-ignored)`);
  else info(`${file}: complete, nothing changed`);
}

export function registerInitCommands(program: Command): void {
  program
    .command('init')
    .description('write hubs/<hub>.yaml from a commented template and create its secrets file: a hub on an existing cluster file (--cluster), or with its own dedicated cluster (--zone, --email)')
    .argument('<hub>', 'hub name: a DNS label, e.g. physics-101')
    .option('--cluster <cluster>', 'run the hub on clusters/<cluster>.yaml (create it first with jhm init-cluster)')
    .option('--zone <zone>', 'dedicated cluster: Designate zone, with the trailing dot')
    .option('--email <email>', "dedicated cluster: Let's Encrypt account email")
    .option('--keypair <name>', 'dedicated cluster: OpenStack keypair (default: jupyter-ctrl-k8s)')
    .option('--cloud <name>', 'dedicated cluster: cloud name in clouds.yaml')
    .option('--github-client-id <id>', 'GitHub OAuth app client id', 'set-me-github-client-id')
    .option('--admin <user...>', 'GitHub users who administer the hub', [])
    .option('--github-client-secret-stdin', 'read the GitHub client secret from standard input', false)
    .action(
      async (
        hubName: string,
        opts: { cluster?: string; zone?: string; email?: string; keypair?: string; cloud?: string; githubClientId: string; admin: string[]; githubClientSecretStdin: boolean },
        cmd: Command,
      ) => {
        const { parse } = await import('yaml');
        const { defineHub } = await import('../../config/hub');
        const { clusterFilePath, CLUSTERS_DIR, hubFilePath, HUBS_DIR, loadClusterFile } = await import('../../config/load');
        const { hubOnClusterTemplate, hubTemplate } = await import('../hub-template');
        const root = projectRoot(cmd);
        const file = hubFilePath(root, hubName);
        const display = path.join(HUBS_DIR, `${hubName}.yaml`);
        if (fs.existsSync(file)) throw new UserError('already exists; jhm init never overwrites a hub file', { file: display, fix: `edit it, or pick another name` });
        let text: string;
        if (opts.cluster !== undefined) {
          const dedicated = (['zone', 'email', 'keypair', 'cloud'] as const).filter((o) => opts[o] !== undefined);
          if (dedicated.length > 0) {
            throw new UserError(`--${dedicated.join(', --')} belong${dedicated.length === 1 ? 's' : ''} to the cluster file, not to a hub on --cluster ${opts.cluster}`, {
              fix: `leave ${dedicated.length === 1 ? 'it' : 'them'} out, or set ${dedicated.length === 1 ? 'it' : 'them'} in ${path.join(CLUSTERS_DIR, `${opts.cluster}.yaml`)}`,
            });
          }
          const clusterDisplay = path.join(CLUSTERS_DIR, `${opts.cluster}.yaml`);
          if (!fs.existsSync(clusterFilePath(root, opts.cluster))) {
            throw new UserError(`--cluster ${opts.cluster}: no ${clusterDisplay}`, { fix: `create it first with: jhm init-cluster ${opts.cluster} --zone <zone> --email <email>` });
          }
          const cluster = loadClusterFile(clusterFilePath(root, opts.cluster), clusterDisplay);
          text = hubOnClusterTemplate(hubName, { cluster: cluster.name, githubClientId: opts.githubClientId, admins: opts.admin, nodeGroups: cluster.nodeGroups.map((g) => g.name) });
          // Validate before writing, so a bad option never leaves a broken file behind.
          defineHub(hubName, parse(text), { clusters: [cluster] }, `${display} (from jhm init options)`);
        } else {
          // A usage error, as commander reports a missing required option (exit status 2).
          const missing = (['zone <zone>', 'email <email>'] as const).find((o) => opts[o.split(' ')[0] as 'zone' | 'email'] === undefined);
          if (missing !== undefined) {
            cmd.error(`error: required option '--${missing}' not specified`, {
              exitCode: 2,
              code: 'commander.missingMandatoryOptionValue',
            });
          }
          text = hubTemplate(hubName, { zone: opts.zone!, email: opts.email!, keypair: opts.keypair ?? 'jupyter-ctrl-k8s', cloud: opts.cloud, githubClientId: opts.githubClientId, admins: opts.admin });
          // Validate before writing, so a bad option never leaves a broken file behind.
          defineHub(hubName, parse(text), {}, `${display} (from jhm init options)`);
        }
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text, { flag: 'wx' });
        success(`${display}: written`);
        await writeSecrets(root, hubName, opts);
        info(`next: edit ${display}, put the GitHub client secret in secrets/${hubName}.yaml, then run jhm synth ${hubName}`);
      },
    );

  program
    .command('init-cluster')
    .description('write clusters/<cluster>.yaml from a commented template: a Magnum cluster that several hubs share')
    .argument('<cluster>', 'cluster name: a DNS label, e.g. shared')
    .requiredOption('--zone <zone>', 'Designate zone the hubs\' records go in, with the trailing dot')
    .requiredOption('--email <email>', "Let's Encrypt account email")
    .option('--keypair <name>', 'OpenStack keypair', 'jupyter-ctrl-k8s')
    .option('--cloud <name>', 'cloud name in clouds.yaml')
    .action(async (clusterName: string, opts: { zone: string; email: string; keypair: string; cloud?: string }, cmd: Command) => {
      const { parse } = await import('yaml');
      const { defineCluster } = await import('../../config/cluster');
      const { clusterFilePath, CLUSTERS_DIR, hubFilePath, HUBS_DIR } = await import('../../config/load');
      const { clusterTemplate } = await import('../hub-template');
      const root = projectRoot(cmd);
      const file = clusterFilePath(root, clusterName);
      const display = path.join(CLUSTERS_DIR, `${clusterName}.yaml`);
      if (fs.existsSync(file)) throw new UserError('already exists; jhm init-cluster never overwrites a cluster file', { file: display, fix: 'edit it, or pick another name' });
      if (fs.existsSync(hubFilePath(root, clusterName))) {
        throw new UserError(`${path.join(HUBS_DIR, `${clusterName}.yaml`)} already names a cluster ${clusterName} (a hub's dedicated cluster has the hub's name; they would share output folders)`, {
          file: display,
          fix: 'pick another name',
        });
      }
      const text = clusterTemplate(clusterName, { zone: opts.zone, email: opts.email, keypair: opts.keypair, cloud: opts.cloud });
      // Validate before writing, so a bad option never leaves a broken file behind.
      defineCluster(clusterName, parse(text), `${display} (from jhm init-cluster options)`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { flag: 'wx' });
      success(`${display}: written`);
      info(`next: edit ${display}, add hubs with jhm init <hub> --cluster ${clusterName}, then jhm synth ${clusterName} and jhm deploy ${clusterName}`);
    });

  program
    .command('secrets')
    .description('create or complete secrets/<hub>.yaml: generates missing tokens, never overwrites a value')
    .argument('<hub>', 'hub name')
    .option('--github-client-secret-stdin', 'read the GitHub client secret from standard input (else JHM_GITHUB_CLIENT_SECRET)', false)
    .action(async (hubName: string, opts: { githubClientSecretStdin: boolean }, cmd: Command) => {
      await writeSecrets(projectRoot(cmd), hubName, opts);
    });
}
