/**
 * Whether Terraform's OpenStack provider will find credentials, checked before anything runs so
 * that `jhm deploy` fails in one line instead of after `terraform init`. Nothing here reads or
 * prints a credential: only environment variable names, file names and cloud names.
 *
 * The provider takes its credentials from, in this order of precedence here:
 * 1. a `clouds.yaml` entry, when a cloud is named (`cloud.name` of the cluster file, or of a hub file with its own cluster; else `OS_CLOUD`);
 *    the file is searched like the OpenStack client does: `OS_CLIENT_CONFIG_FILE`, the working
 *    folder of Terraform (the stack folder), `~/.config/openstack/`, `/etc/openstack/`;
 * 2. the `OS_*` environment of an openrc or application-credential file (`OS_AUTH_URL`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as Yaml from 'yaml';

export interface CredentialQuery {
  /** `cloud.name` of the cluster (its cluster file, or a hub file with its own cluster), if any. */
  readonly cloudName?: string;
  /** Working folder of Terraform (the stack folder), searched for `clouds.yaml`. */
  readonly workDir: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * System-wide folder of `clouds.yaml`.
   * @default '/etc/openstack'
   */
  readonly systemDir?: string;
}

export type CredentialCheck =
  | { readonly ok: true; /** Where the credentials come from, e.g. `cloud "openstack" in ~/.config/openstack/clouds.yaml`. */ readonly source: string }
  | { readonly ok: false; /** One line: what is missing. */ readonly reason: string };

/** The `clouds.yaml` files the OpenStack client would read, in search order. */
export function cloudsYamlCandidates(query: CredentialQuery): string[] {
  const env = query.env ?? process.env;
  const home = env.HOME ?? os.homedir();
  const candidates: string[] = [];
  if (env.OS_CLIENT_CONFIG_FILE) candidates.push(path.resolve(env.OS_CLIENT_CONFIG_FILE));
  candidates.push(path.join(query.workDir, 'clouds.yaml'));
  candidates.push(path.join(home, '.config', 'openstack', 'clouds.yaml'));
  candidates.push(path.join(query.systemDir ?? '/etc/openstack', 'clouds.yaml'));
  return candidates;
}

/** Cloud names defined in a `clouds.yaml` (only the names are read out). */
function cloudNames(file: string): string[] | undefined {
  try {
    const { parse } = require('yaml') as typeof Yaml; // loaded here, not when the CLI starts
    const doc = parse(fs.readFileSync(file, 'utf8')) as { clouds?: Record<string, unknown> } | null;
    return doc && typeof doc.clouds === 'object' && doc.clouds !== null ? Object.keys(doc.clouds) : [];
  } catch {
    return undefined;
  }
}

function display(file: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? os.homedir();
  return home && file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file;
}

/** Checks that credentials can be found; never throws. */
export function checkOpenstackCredentials(query: CredentialQuery): CredentialCheck {
  const env = query.env ?? process.env;
  const cloud = query.cloudName ?? (env.OS_CLOUD || undefined);
  const origin = query.cloudName ? 'cloud.name of the cluster' : 'OS_CLOUD';
  if (cloud !== undefined) {
    const file = cloudsYamlCandidates(query).find((f) => fs.existsSync(f));
    if (file === undefined) {
      return {
        ok: false,
        reason: `no OpenStack credentials: ${origin} names cloud "${cloud}" but no clouds.yaml was found (looked at ${cloudsYamlCandidates(query)
          .map((f) => display(f, env))
          .join(', ')})`,
      };
    }
    const names = cloudNames(file);
    if (names === undefined) return { ok: false, reason: `no OpenStack credentials: ${display(file, env)} is not valid YAML` };
    if (!names.includes(cloud)) {
      return {
        ok: false,
        reason: `no OpenStack credentials: ${display(file, env)} has no cloud "${cloud}" (${origin}); it defines ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no clouds'}`,
      };
    }
    return { ok: true, source: `cloud "${cloud}" in ${display(file, env)}` };
  }
  if (env.OS_AUTH_URL) return { ok: true, source: 'the OS_* environment (OS_AUTH_URL)' };
  return {
    ok: false,
    reason: 'no OpenStack credentials: OS_CLOUD and OS_AUTH_URL are not set and the cluster has no cloud.name (source your openrc file, or export OS_CLOUD=<cloud in clouds.yaml>)',
  };
}
