/**
 * Finding external programs (helm, terraform, kubectl): the one PATH lookup and executable check.
 * An environment variable naming a tool (`JHM_TERRAFORM`, `JHM_KUBECTL`)
 * wins over the PATH, and a variable that names a missing file is an error rather than a silent
 * fall-back to whatever the PATH holds.
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
}

export const TERRAFORM: ToolSpec = {
  name: 'terraform',
  envVar: 'JHM_TERRAFORM',
  installHint: 'install Terraform (https://developer.hashicorp.com/terraform/install) or set JHM_TERRAFORM to its path (OpenTofu works too)',
};

export const KUBECTL: ToolSpec = {
  name: 'kubectl',
  envVar: 'JHM_KUBECTL',
  installHint: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) or set JHM_KUBECTL to its path',
};

export type Located =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; /** One line: what is missing and why. */ readonly reason: string };

/** Finds `tool` from `env`: its override variable first, then the PATH. */
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
  const onPath = which(tool.name, env);
  return onPath ? { found: true, path: onPath } : { found: false, reason: `${tool.name} not found on PATH` };
}
