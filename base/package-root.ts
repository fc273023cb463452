/**
 * jhm's own package folder: the nearest folder at or above this module that holds a package.json.
 * It works from the sources, from `lib/` and from a bundle alike, since each lies below the package
 * root. jhm's packaged data files (its default `charts.yaml`) are read from here at run time.
 */
import * as fs from 'fs';
import * as path from 'path';

let memo: string | undefined;

/** The folder of jhm's package.json (the current folder when none is found above this module). */
export function packageRoot(): string {
  if (memo !== undefined) return memo;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (memo = dir);
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * The folders of jhm's own code, from the lowest layer up (test/architecture/layers.test.ts ranks
 * them). What reads "all of jhm's code" (the record of the code a synth was made by, the
 * architecture tests, the benchmark) reads this list, so a new folder is added in one place.
 */
export const CODE_DIRS = ['base', 'imports', 'model', 'project', 'infra', 'k8s', 'synth', 'cli'] as const;
