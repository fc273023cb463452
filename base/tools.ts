/**
 * Finding external programs (helm, terraform, kubectl): the one PATH lookup and executable check.
 * An environment variable naming a tool (`JHM_TERRAFORM`, `JHM_KUBECTL`)
 * wins over the PATH, and a variable that names a missing file is an error rather than a silent
 * fall-back to whatever the PATH holds. A tool may have stand-ins tried after its own name on the
 * PATH: OpenTofu's `tofu` for `terraform` (many Jetstream2 users have only OpenTofu).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Which from 'which';

/** Why `file` cannot be run (`does not exist`, `is not a file`, `is not executable`), or undefined when it can. */
export function executableProblem(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'does not exist';
  }
  if (!stat.isFile()) return 'is not a file';
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      return 'is not executable';
    }
  }
  return undefined;
}

/**
 * The first executable `name` on `env.PATH`, like the shell's `command -v` (the `which` package;
 * only absolute folders of the PATH are searched, so an empty PATH never finds a file in the
 * working folder).
 */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d !== '').map((d) => path.resolve(d));
  if (dirs.length === 0 || name.includes('/')) return undefined;
  // Loaded here, not at start-up (jhm --help never looks for a tool).
  const { sync } = require('which') as typeof Which;
  return sync(name, { path: dirs.join(path.delimiter), nothrow: true }) ?? undefined;
}

/** A tool jhm runs. */
export interface ToolSpec {
  /** Command name looked up on the PATH, e.g. `terraform`. */
  readonly name: string;
  /** Environment variable that overrides the lookup, e.g. `JHM_TERRAFORM`. */
  readonly envVar: string;
  /** Where to get it, for the error message. */
  readonly installHint: string;
  /** Other command names that do the same job, tried in order on the PATH when `name` is not there. */
  readonly standIns?: readonly string[];
}

export const TERRAFORM: ToolSpec = {
  name: 'terraform',
  envVar: 'JHM_TERRAFORM',
  installHint: 'install Terraform (https://developer.hashicorp.com/terraform/install) or OpenTofu (https://opentofu.org/docs/intro/install/, found as tofu), or set JHM_TERRAFORM to its path',
  // OpenTofu reads the same JSON configuration and backend blocks (docs/terraform-state.md).
  standIns: ['tofu'],
};

export const KUBECTL: ToolSpec = {
  name: 'kubectl',
  envVar: 'JHM_KUBECTL',
  installHint: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) or set JHM_KUBECTL to its path',
};

/** The OpenStack client, for what Terraform does not manage (the volumes a teardown leaves behind). */
export const OPENSTACK: ToolSpec = {
  name: 'openstack',
  envVar: 'JHM_OPENSTACK',
  installHint: 'install python-openstackclient (pip install python-openstackclient) or set JHM_OPENSTACK to its path',
};

export type Located =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; /** One line: what is missing and why. */ readonly reason: string };

/** Finds `tool` from `env`: its override variable first, then its name on the PATH, then its stand-ins there. */
export function locateTool(tool: ToolSpec, env: NodeJS.ProcessEnv = process.env): Located {
  const override = env[tool.envVar];
  if (override !== undefined && override !== '') {
    const candidate = override.includes('/') ? path.resolve(override) : which(override, env);
    if (candidate === undefined || !fs.existsSync(candidate)) {
      return { found: false, reason: `${tool.envVar}=${override}: no such file` };
    }
    if (executableProblem(candidate) !== undefined) {
      return { found: false, reason: `${tool.envVar}=${override}: not an executable file` };
    }
    return { found: true, path: candidate };
  }
  for (const name of [tool.name, ...(tool.standIns ?? [])]) {
    const onPath = which(name, env);
    if (onPath) return { found: true, path: onPath };
  }
  const standIns = tool.standIns ?? [];
  return { found: false, reason: `${tool.name} not found on PATH${standIns.length > 0 ? ` (nor ${standIns.join(', ')})` : ''}` };
}
