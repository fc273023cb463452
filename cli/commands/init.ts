/**
 * `jhm init <hub>` (a new hub file from the commented template, plus its secrets file) and
 * `jhm secrets <hub>` (create or complete the secrets file, never overwriting a value).
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
  const { hubFilePath, HUBS_DIR, loadHubFile } = await import('../../config/load');
  const { ensureSecrets, secretsFilePath } = await import('../../config/secrets');
  const hub = loadHubFile(hubFilePath(root, hubName), path.join(HUBS_DIR, `${hubName}.yaml`));
  const { created } = ensureSecrets(root, hub, { githubClientSecret: clientSecretFrom(opts) });
  const file = path.relative(root, secretsFilePath(root, hubName));
  if (created.length > 0) success(`${file}: added ${created.join(', ')} (mode 0600, git-ignored)`);
  else info(`${file}: complete, nothing changed`);
}

export function registerInitCommands(program: Command): void {
  program
    .command('init')
    .description('write hubs/<hub>.yaml from a commented template and create its secrets file')
    .argument('<hub>', 'hub name: a DNS label, e.g. physics-101')
    .requiredOption('--zone <zone>', 'Designate zone, with the trailing dot')
    .requiredOption('--email <email>', "Let's Encrypt account email")
    .option('--keypair <name>', 'OpenStack keypair', 'jupyter-ctrl-k8s')
    .option('--cloud <name>', 'cloud name in clouds.yaml')
    .option('--github-client-id <id>', 'GitHub OAuth app client id', 'set-me-github-client-id')
    .option('--admin <user...>', 'GitHub users who administer the hub', [])
    .option('--github-client-secret-stdin', 'read the GitHub client secret from standard input', false)
    .action(async (hubName: string, opts: { zone: string; email: string; keypair: string; cloud?: string; githubClientId: string; admin: string[]; githubClientSecretStdin: boolean }, cmd: Command) => {
      const { parse } = await import('yaml');
      const { defineHub } = await import('../../config/hub');
      const { hubFilePath, HUBS_DIR } = await import('../../config/load');
      const { hubTemplate } = await import('../hub-template');
      const root = projectRoot(cmd);
      const file = hubFilePath(root, hubName);
      const display = path.join(HUBS_DIR, `${hubName}.yaml`);
      if (fs.existsSync(file)) throw new UserError('already exists; jhm init never overwrites a hub file', { file: display, fix: `edit it, or pick another name` });
      const text = hubTemplate(hubName, { zone: opts.zone, email: opts.email, keypair: opts.keypair, cloud: opts.cloud, githubClientId: opts.githubClientId, admins: opts.admin });
      // Validate before writing, so a bad option never leaves a broken file behind.
      defineHub(hubName, parse(text), {}, `${display} (from jhm init options)`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { flag: 'wx' });
      success(`${display}: written`);
      await writeSecrets(root, hubName, opts);
      info(`next: edit ${display}, put the GitHub client secret in secrets/${hubName}.yaml, then run jhm synth ${hubName}`);
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
