/**
 * Finding external programs (helm, terraform, kubectl): the one PATH lookup and executable check
 * that every part of the tool uses.
 */
import * as fs from 'fs';
import * as path from 'path';

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

/** The first executable `name` on `env.PATH`, like the shell's `command -v`. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d !== '');
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = path.resolve(dir, n);
      if (executableProblem(candidate) === undefined) return candidate;
    }
  }
  return undefined;
}
