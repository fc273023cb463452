/**
 * kubectl, always with an explicit kubeconfig when one is known, a timeout and no stdin.
 */
import { RunResult, runProcess, shellCommand } from '../../base/process';

export interface KubectlOptions {
  /** Path of the kubectl executable (`kubectl` for display only, in a dry run). */
  readonly bin: string;
  /** Passed as `--kubeconfig`; without it kubectl uses `KUBECONFIG` or `~/.kube/config`. */
  readonly kubeconfig?: string;
  /** Working folder (file arguments are relative to it). */
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class Kubectl {
  constructor(public readonly options: KubectlOptions) {}

  /** The full argument list of `kubectl <args>`. */
  public args(args: readonly string[]): string[] {
    return [...(this.options.kubeconfig ? ['--kubeconfig', this.options.kubeconfig] : []), ...args];
  }

  /** `kubectl <args>` as a shell command line, for dry runs and messages. */
  public commandLine(args: readonly string[], bin: string = this.options.bin): string {
    return shellCommand(bin, this.args(args));
  }

  /** Runs `kubectl <args>`, output captured; `input` (in memory only) is its stdin. */
  public run(args: readonly string[], timeoutMs: number, input?: string): Promise<RunResult> {
    return runProcess(this.options.bin, this.args(args), { cwd: this.options.cwd, env: this.options.env, timeoutMs, output: 'capture', ...(input !== undefined ? { input } : {}) });
  }
}
