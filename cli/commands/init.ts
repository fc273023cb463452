/**
 * `jhm init <hub>` (a new hub file from the commented template, plus its secrets file: on a
 * cluster file with `--cluster`, or with a cluster of its own), `jhm init-cluster <cluster>`
 * (a new cluster file) and `jhm secrets <hub>` (create or complete the secrets file, never
 * overwriting a value).
 *
 * A new file holds only values a person gave: the keypair, the zone and email, the GitHub client
 * id and at least one admin or allowed organization come from options or, on a terminal, from
 * answers; without a terminal a missing option is a usage error naming every one missing. A
 * placeholder (`model/placeholders.ts`) is refused, so a new hub never deploys with a value
 * nobody chose and always has somebody who can log in.
 *
 * Files appear whole or not at all (`base/new-file.ts`): a kill leaves no hub file or the complete
 * one, and an existing file is never replaced, whoever writes it at the same moment. The secrets
 * file is written first, so a hub file never exists without it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { quote, UserError } from '../../model/errors';
import { isPlaceholder } from '../../model/placeholders';
import type { Hub } from '../../model/hub';
import type { SecretField } from '../../model/secret-fields';
import { createNewFileSync, removeLeftovers } from '../../base/new-file';
import { info, success } from '../../synth/report';
import { AnswerCheck, canPrompt, Prompter } from '../prompt';
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

/** The login's client secret (GitHub, CILogon or an OAuth provider) from stdin (`--client-secret-stdin`). */
function loginClientSecretFromStdin(): string {
  const text = fs.readFileSync(0, 'utf8').trim();
  if (!text) throw new UserError('no client secret on standard input', { fix: 'pipe it in, e.g. jhm secrets <hub> --client-secret-stdin < file' });
  return text;
}

/** How many age recipients, in words. */
const recipientCount = (n: number): string => `${n} age recipient${n === 1 ? '' : 's'}`;

async function writeSecrets(root: string, hub: Hub, opts: { githubClientSecretStdin?: boolean; clientSecretStdin?: boolean }): Promise<void> {
  const { ensureSecrets, secretsFilePath } = await import('../../project/secrets');
  const given = opts.clientSecretStdin ? { clientSecret: loginClientSecretFromStdin() } : { githubClientSecret: clientSecretFrom(opts) };
  const { created, written, recipients, staleRecipients, missing } = ensureSecrets(root, hub, given);
  const file = path.relative(root, secretsFilePath(root, hub.name));
  const how = recipients === undefined ? 'mode 0600, git-ignored' : `encrypted for ${recipientCount(recipients.length)} of .sops.yaml; commit it with: git add -f ${file}`;
  if (created.length > 0) success(`${file}: added ${created.join(', ')} (${how})`);
  else if (written && recipients !== undefined) success(`${file}: ${how}`);
  else info(`${file}: complete, nothing changed`);
  // Fields set by hand other than the login's client secret (the bucket's key pair of the backups): what to set, and where.
  const others = missing.filter((m) => !m.endsWith('.clientSecret'));
  if (others.length > 0) {
    const { SECRET_FIELDS, fieldName } = await import('../../model/secret-fields');
    const fixes = (SECRET_FIELDS as readonly SecretField[]).filter((f) => others.includes(fieldName(f))).map((f) => `${fieldName(f)}: ${f.fix?.(hub) ?? 'set it'}`);
    info(`${file}: ${others.join(', ')} not set yet; ${recipients === undefined ? 'add them to the file' : `add them with: sops edit ${file}`} (${fixes.join('; ')})`);
  }
  // A plain file says it in a comment; an encrypted file has none.
  if (recipients !== undefined && missing.some((m) => m.endsWith('.clientSecret'))) {
    const pipe = hub.jupyterhub.auth.type === 'github' ? `the GitHub client secret in with: jhm secrets ${hub.name} --github-client-secret-stdin` : `the client secret in with: jhm secrets ${hub.name} --client-secret-stdin`;
    info(`${file}: ${missing.filter((m) => m.endsWith('.clientSecret')).join(', ')} not set yet; pipe ${pipe} < file`);
  }
  if (staleRecipients) info(`${file}: encrypted for other recipients than .sops.yaml names; to encrypt it for them, run: jhm secrets --update-recipients`);
}

/** `jhm secrets --update-recipients`: every secrets file again, for the recipients .sops.yaml names now. */
async function updateRecipients(root: string): Promise<void> {
  const { reencryptSecrets } = await import('../../project/secrets');
  const done = reencryptSecrets(root);
  if (done.length === 0) info('no secrets file has age recipients in .sops.yaml: nothing to encrypt');
  for (const f of done) success(`${f.display}: ${f.wasPlain ? 'encrypted' : 'encrypted again'} for ${recipientCount(f.recipients.length)} of .sops.yaml, with a new data key`);
}

/**
 * Test hook, as for an output commit: `JHM_FAULT_AFTER_STEP=n JHM_FAULT_MODE=kill` kills the
 * process (SIGKILL) after the n-th write step of `jhm init` (1: the secrets file, 2: the hub
 * file's temporary copy, 3: the hub file, 4: the temporary copy removed) or of
 * `jhm init-cluster` (1: the temporary copy, 2: the cluster file, 3: the copy removed).
 */
function faultAfterStep(offset: number): (step: number) => void {
  const at = Number(process.env.JHM_FAULT_AFTER_STEP ?? '0');
  return (step) => {
    if (!(at > 0) || step + offset !== at || process.env.JHM_FAULT_MODE !== 'kill') return;
    process.kill(process.pid, 'SIGKILL');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  };
}

/** Creates the new file `file` (shown as `display`); an existing one is refused with `what`'s message. */
function createFile(file: string, display: string, text: string, what: 'hub' | 'cluster', afterStep: (step: number) => void): void {
  try {
    createNewFileSync(file, text, afterStep);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(display, what);
    throw e;
  }
}

function alreadyExists(display: string, what: 'hub' | 'cluster'): UserError {
  return new UserError(`already exists; jhm ${what === 'hub' ? 'init' : 'init-cluster'} never overwrites a ${what} file`, { file: display, fix: 'edit it, or pick another name' });
}

/** A value a new file needs: its option, the question that asks for it, and how an answer is checked. */
interface Needed<K extends string> {
  readonly key: K;
  readonly flag: string;
  readonly question: string;
  readonly check?: AnswerCheck;
}

/** A space- or comma-separated answer as a list. */
const words = (answer: string): string[] => answer.split(/[\s,]+/).filter((w) => w !== '');

/** The problem of an answer: empty, or a placeholder. */
const required: AnswerCheck = (answer) => (answer === '' ? 'an answer is needed' : placeholderProblem(answer));

function placeholderProblem(value: string): string | undefined {
  return isPlaceholder(value) ? `${quote(value)} is a placeholder; give the real value` : undefined;
}

/** Refuses a placeholder given on the command line, naming the option. */
function refusePlaceholders(given: ReadonlyArray<readonly [flag: string, values: readonly (string | undefined)[]]>): void {
  for (const [flag, values] of given) {
    const bad = values.find((v) => v !== undefined && isPlaceholder(v));
    if (bad !== undefined) throw new UserError(`${quote(bad)} is a placeholder, not a real value`, { field: flag, fix: `give the real value with ${flag}` });
  }
}

/** The options of a new file's login: GitHub client id, admins and allowed organizations. */
interface LoginOpts {
  githubClientId?: string;
  admin: string[];
  allowedOrganization: string[];
}

const LOGIN_FLAGS = { githubClientId: '--github-client-id <id>', login: '--admin <user...> or --allowed-organization <org...>' } as const;

/**
 * Fills in what `opts` lacks among `needed` (and, with `login`, the GitHub login): asked on a
 * terminal, else a usage error (exit status 2, as commander's own) naming every missing option.
 */
async function complete<K extends string>(cmd: Command, command: string, opts: Partial<Record<K, string>>, needed: readonly Needed<K>[], login?: LoginOpts): Promise<void> {
  const missing = needed.filter((n) => opts[n.key] === undefined);
  const needsClientId = login !== undefined && login.githubClientId === undefined;
  const needsLogin = login !== undefined && login.admin.length + login.allowedOrganization.length === 0;
  if (missing.length === 0 && !needsClientId && !needsLogin) return;
  if (!canPrompt()) {
    const flags = [...missing.map((n) => n.flag), ...(needsClientId ? [LOGIN_FLAGS.githubClientId] : []), ...(needsLogin ? [LOGIN_FLAGS.login] : [])];
    cmd.error(`error: required option${flags.length > 1 ? 's' : ''} not specified: ${flags.join(', ')} (give ${flags.length > 1 ? 'them' : 'it'}, or run jhm ${command} in a terminal to be asked)`, {
      exitCode: 2,
      code: 'commander.missingMandatoryOptionValue',
    });
  }
  const prompter = new Prompter();
  try {
    for (const n of missing) opts[n.key] = await prompter.ask(n.question, n.check ?? required);
    if (login === undefined) return;
    if (needsClientId) login.githubClientId = await prompter.ask('GitHub OAuth app client id (github.com/settings/developers):', required);
    if (needsLogin) {
      const list: AnswerCheck = (a) => words(a).map(placeholderProblem).find((p) => p !== undefined);
      login.admin = words(await prompter.ask('GitHub users who administer the hub (space-separated; leave empty to name an organization instead):', list));
      if (login.admin.length === 0) {
        login.allowedOrganization = words(await prompter.ask('GitHub organizations whose members may log in (space-separated):', (a) => (words(a).length === 0 ? 'name at least one organization: without an admin, only its members can log in' : list(a))));
      }
    }
  } finally {
    prompter.close();
  }
}

const ZONE: Needed<'zone'> = { key: 'zone', flag: '--zone <zone>', question: 'Designate DNS zone of the hub records, with the trailing dot (e.g. hubs.example.org.):' };
const EMAIL: Needed<'email'> = { key: 'email', flag: '--email <email>', question: "Let's Encrypt account email:" };
const KEYPAIR: Needed<'keypair'> = { key: 'keypair', flag: '--keypair <name>', question: 'OpenStack keypair of the nodes (see: openstack keypair list):' };

export function registerInitCommands(program: Command): void {
  program
    .command('init')
    .description('write hubs/<hub>.yaml from a commented template and create its secrets file: a hub on an existing cluster file (--cluster), or with its own dedicated cluster (--zone, --email, --keypair); asks on a terminal for what is not given')
    .argument('<hub>', 'hub name: a DNS label, e.g. physics-101')
    .option('--cluster <cluster>', 'run the hub on clusters/<cluster>.yaml (create it first with jhm init-cluster)')
    .option('--zone <zone>', 'dedicated cluster: Designate zone, with the trailing dot')
    .option('--email <email>', "dedicated cluster: Let's Encrypt account email")
    .option('--keypair <name>', 'dedicated cluster: OpenStack keypair of the nodes')
    .option('--cloud <name>', 'dedicated cluster: cloud name in clouds.yaml')
    .option('--github-client-id <id>', 'GitHub OAuth app client id')
    .option('--admin <user...>', 'GitHub users who administer the hub (this or --allowed-organization)', [])
    .option('--allowed-organization <org...>', 'GitHub organizations whose members may log in (this or --admin)', [])
    .option('--github-client-secret-stdin', 'read the GitHub client secret from standard input', false)
    .action(
      async (
        hubName: string,
        opts: LoginOpts & { cluster?: string; zone?: string; email?: string; keypair?: string; cloud?: string; githubClientSecretStdin: boolean },
        cmd: Command,
      ) => {
        const { parse } = await import('yaml');
        const { defineHub } = await import('../../model/hub');
        const { clusterFilePath, CLUSTERS_DIR, hubFilePath, HUBS_DIR, loadClusterFile } = await import('../../project/load');
        const { hubOnClusterTemplate, hubTemplate } = await import('../hub-template');
        const root = projectRoot(cmd);
        const file = hubFilePath(root, hubName);
        const display = path.join(HUBS_DIR, `${hubName}.yaml`);
        // Said before any question; the creation itself refuses an existing file too (a race).
        removeLeftovers(file);
        if (fs.existsSync(file)) throw alreadyExists(display, 'hub');
        refusePlaceholders([
          ['--zone', [opts.zone]],
          ['--email', [opts.email]],
          ['--keypair', [opts.keypair]],
          ['--cloud', [opts.cloud]],
          ['--github-client-id', [opts.githubClientId]],
          ['--admin', opts.admin],
          ['--allowed-organization', opts.allowedOrganization],
        ]);
        let hub: Hub;
        let text: string;
        if (opts.cluster !== undefined) {
          const clusterOptions = (['zone', 'email', 'keypair', 'cloud'] as const).filter((o) => opts[o] !== undefined);
          if (clusterOptions.length > 0) {
            throw new UserError(`--${clusterOptions.join(', --')} belong${clusterOptions.length === 1 ? 's' : ''} to the cluster file, not to a hub on --cluster ${opts.cluster}`, {
              fix: `leave ${clusterOptions.length === 1 ? 'it' : 'them'} out, or set ${clusterOptions.length === 1 ? 'it' : 'them'} in ${path.join(CLUSTERS_DIR, `${opts.cluster}.yaml`)}`,
            });
          }
          const clusterDisplay = path.join(CLUSTERS_DIR, `${opts.cluster}.yaml`);
          if (!fs.existsSync(clusterFilePath(root, opts.cluster))) {
            throw new UserError(`--cluster ${opts.cluster}: no ${clusterDisplay}`, { fix: `create it first with: jhm init-cluster ${opts.cluster} --zone <zone> --email <email> --keypair <name>` });
          }
          const cluster = loadClusterFile(clusterFilePath(root, opts.cluster), clusterDisplay);
          await complete(cmd, 'init', {}, [], opts);
          text = hubOnClusterTemplate(hubName, { cluster: cluster.name, ...login(opts), nodeGroups: cluster.nodeGroups.map((g) => g.name) });
          // Validate before writing, so a bad option never leaves a broken file behind.
          hub = defineHub(hubName, parse(text), { clusters: [cluster] }, `${display} (from jhm init options)`);
        } else {
          await complete(cmd, 'init', opts, [ZONE, EMAIL, KEYPAIR], opts);
          text = hubTemplate(hubName, { zone: opts.zone!, email: opts.email!, keypair: opts.keypair!, cloud: opts.cloud, ...login(opts) });
          // Validate before writing, so a bad option never leaves a broken file behind.
          hub = defineHub(hubName, parse(text), {}, `${display} (from jhm init options)`);
        }
        const afterStep = faultAfterStep(1);
        await writeSecrets(root, hub, opts);
        afterStep(0);
        createFile(file, display, text, 'hub', afterStep);
        success(`${display}: written`);
        info(`next: review ${display}, put the GitHub client secret in secrets/${hubName}.yaml, then run jhm synth ${hubName}`);
      },
    );

  program
    .command('init-cluster')
    .description('write clusters/<cluster>.yaml from a commented template: a Magnum cluster that several hubs share; asks on a terminal for what is not given')
    .argument('<cluster>', 'cluster name: a DNS label, e.g. shared')
    .option('--zone <zone>', "Designate zone the hubs' records go in, with the trailing dot")
    .option('--email <email>', "Let's Encrypt account email")
    .option('--keypair <name>', 'OpenStack keypair of the nodes')
    .option('--cloud <name>', 'cloud name in clouds.yaml')
    .action(async (clusterName: string, opts: { zone?: string; email?: string; keypair?: string; cloud?: string }, cmd: Command) => {
      const { parse } = await import('yaml');
      const { defineCluster } = await import('../../model/cluster');
      const { clusterFilePath, CLUSTERS_DIR, hubFilePath, HUBS_DIR } = await import('../../project/load');
      const { clusterTemplate } = await import('../hub-template');
      const root = projectRoot(cmd);
      const file = clusterFilePath(root, clusterName);
      const display = path.join(CLUSTERS_DIR, `${clusterName}.yaml`);
      removeLeftovers(file);
      if (fs.existsSync(file)) throw alreadyExists(display, 'cluster');
      if (fs.existsSync(hubFilePath(root, clusterName))) {
        throw new UserError(`${path.join(HUBS_DIR, `${clusterName}.yaml`)} already names a cluster ${clusterName} (a hub's dedicated cluster has the hub's name; they would share output folders)`, {
          file: display,
          fix: 'pick another name',
        });
      }
      refusePlaceholders([
        ['--zone', [opts.zone]],
        ['--email', [opts.email]],
        ['--keypair', [opts.keypair]],
        ['--cloud', [opts.cloud]],
      ]);
      await complete(cmd, 'init-cluster', opts, [ZONE, EMAIL, KEYPAIR]);
      const text = clusterTemplate(clusterName, { zone: opts.zone!, email: opts.email!, keypair: opts.keypair!, cloud: opts.cloud });
      // Validate before writing, so a bad option never leaves a broken file behind.
      defineCluster(clusterName, parse(text), `${display} (from jhm init-cluster options)`);
      createFile(file, display, text, 'cluster', faultAfterStep(0));
      success(`${display}: written`);
      info(`next: review ${display}, add hubs with jhm init <hub> --cluster ${clusterName}, then jhm synth ${clusterName} and jhm deploy ${clusterName}`);
    });

  program
    .command('secrets')
    .description(
      'create or complete secrets/<hub>.yaml: generates missing tokens, never overwrites a value; encrypted with sops for the age recipients .sops.yaml names for it (read with SOPS_AGE_KEY_FILE or SOPS_AGE_KEY)',
    )
    .argument('[hub]', 'hub name (not with --update-recipients)')
    .option('--github-client-secret-stdin', 'read the GitHub client secret from standard input (else JHM_GITHUB_CLIENT_SECRET)', false)
    .option('--client-secret-stdin', "read the client secret of the hub's login (GitHub, CILogon or an OAuth provider) from standard input", false)
    .option(
      '--update-recipients',
      'instead, write every secrets file again for the age recipients .sops.yaml names now, with a new data key (decrypting with your key; a plain file a rule covers is encrypted); run it after changing the recipients',
      false,
    )
    .action(async (hubName: string | undefined, opts: { githubClientSecretStdin: boolean; clientSecretStdin: boolean; updateRecipients: boolean }, cmd: Command) => {
      if (opts.githubClientSecretStdin && opts.clientSecretStdin) cmd.error('error: give --client-secret-stdin or --github-client-secret-stdin, not both', { exitCode: 2 });
      if (opts.updateRecipients) {
        if (hubName !== undefined || opts.githubClientSecretStdin || opts.clientSecretStdin) cmd.error('error: --update-recipients takes no hub and no other option (it writes every secrets file)', { exitCode: 2 });
        await updateRecipients(projectRoot(cmd));
        return;
      }
      if (hubName === undefined) cmd.error("error: missing required argument 'hub' (or give --update-recipients)", { exitCode: 2 });
      // The hub model (zod, yaml) is loaded when a command runs, not by jhm --help.
      const { loadHubs } = await import('../../project/load');
      const root = projectRoot(cmd);
      // With the project's cluster files: a hub on a cluster file needs its cluster.
      await writeSecrets(root, loadHubs(root, [hubName!])[0], opts);
    });
}

/** The template's login options from the command's (completed) options. */
function login(opts: LoginOpts): { githubClientId: string; admins: string[]; allowedOrganizations: string[] } {
  return { githubClientId: opts.githubClientId!, admins: opts.admin, allowedOrganizations: opts.allowedOrganization };
}
