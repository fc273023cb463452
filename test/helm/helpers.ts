/** Shared set-up of the Helm engine tests: temporary folders, the real helm, a spawn-counting wrapper. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HelmBinary } from '../../k8s/helm/helm-binary';
import type { HelmEngineOptions } from '../../k8s/helm/settings';

/** A fresh temporary folder (removed by `removeTempDirs`). */
const made: string[] = [];
export function tempDir(prefix = 'jhm-helm-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The real helm binary (JHM_HELM, PATH, or the one extracted from the npm package into the project cache). */
let real: Promise<string> | undefined;
export function realHelm(): Promise<string> {
  real ??= HelmBinary.resolve().then((h) => h.path);
  return real;
}

/** A shell script that logs each call's arguments (one line per call) and then runs the real helm. */
export interface CountingHelm {
  readonly path: string;
  /** The calls so far, each as its argument list. */
  calls(): string[][];
}

export function countingHelm(dir: string, realPath: string, name = 'helm-counting'): CountingHelm {
  const script = path.join(dir, name);
  const log = path.join(dir, `${name}.calls`);
  fs.writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\037' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\nexec '${realPath}' "$@"\n`,
    { mode: 0o755 },
  );
  return {
    path: script,
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => l.split('\x1f').slice(0, -1))
        : [],
  };
}

/**
 * Options for an isolated engine: its own cache and lock in `dir`, charts from `chartsDir`,
 * offline, a given helm, and an environment that carries nothing from the developer's `JHM_*`.
 */
export function isolatedOptions(dir: string, chartsDir: string | undefined, helm: string, more: HelmEngineOptions = {}): HelmEngineOptions {
  return {
    root: dir,
    cacheDir: path.join(dir, 'cache'),
    lockFile: path.join(dir, 'charts.lock.json'),
    chartsDir,
    offline: true,
    helm,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ...more,
  };
}
