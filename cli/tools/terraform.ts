/**
 * Terraform, run directly in a hub's stack folder (`cdktf.out/stacks/<hub>`, the `cdk.tf.json`
 * that `jhm synth` writes) without the cdktf CLI, and the conversion of `terraform output -json`
 * into the outputs file `cdktf deploy --outputs-file` writes.
 *
 * Terraform's working data (`.terraform/`: backend settings, providers) is kept in
 * `.jhm/terraform/<hub>` through `TF_DATA_DIR`, because `jhm synth` replaces the stack folder as
 * a whole. The state itself is where the stack's backend says (`terraform.<hub>.tfstate` in the
 * project root). Every run (`jhm deploy`'s steps, `jhm destroy`, `jhm terraform <args>`) gets the
 * same environment from one place, the constructor, so a command a person runs through
 * `jhm terraform` sees the backend and state `jhm deploy` sees.
 *
 * OpenTofu (`tofu`) is run the same way: it reads the same JSON, flags and environment.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { TERRAFORM_BACKEND_STATE } from '../../project/layout';
import { describeFailure, OutputMode, RunResult, runProcess, succeeded } from '../../base/process';
import { shieldFrom, signalExitCode } from '../../base/signals';

/** Default limits of the Terraform steps. */
export const TERRAFORM_TIMEOUTS = {
  /** `terraform init` (downloads providers). */
  initMs: 10 * 60_000,
  /** `terraform apply`: a Magnum cluster takes 10-20 minutes; the approval prompt counts too. */
  applyMs: 60 * 60_000,
  /** `terraform output`. */
  outputMs: 2 * 60_000,
} as const;

/** One output as `terraform output -json` prints it. */
export interface TerraformOutputValue {
  readonly sensitive: boolean;
  readonly type?: unknown;
  readonly value: unknown;
}

/** `terraform output -json`: output name → value. */
export type TerraformOutputs = Readonly<Record<string, TerraformOutputValue>>;

export interface TerraformOptions {
  /** Path of the terraform (or tofu) executable. */
  readonly bin: string;
  /** The stack folder: `cdktf.out/stacks/<hub>`. */
  readonly stackDir: string;
  /** Terraform's working data folder (`TF_DATA_DIR`), unless the environment sets one. */
  readonly dataDir: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Let Terraform colour its output.
   * @default whether stderr is a terminal
   */
  readonly color?: boolean;
  /** How the stack folder is named in messages (e.g. `cdktf.out/stacks/example`). */
  readonly display?: string;
}

/** Which program a Terraform executable is, by its file name: OpenTofu's is `tofu` (or `tofu-<version>`). */
export function terraformProduct(bin: string): { readonly product: 'Terraform' | 'OpenTofu'; readonly command: 'terraform' | 'tofu' } {
  return /^tofu(\b|[-_.]|$)/i.test(path.basename(bin)) ? { product: 'OpenTofu', command: 'tofu' } : { product: 'Terraform', command: 'terraform' };
}

/** Terraform in one stack folder. Each method throws a one-line `UserError` when the step fails. */
export class Terraform {
  private readonly env: NodeJS.ProcessEnv;
  private readonly color: boolean;
  private readonly display: string;
  /** `terraform` or `tofu`, as messages name the commands run. */
  public readonly command: string;
  /** `Terraform` or `OpenTofu`. */
  public readonly product: string;

  constructor(private readonly options: TerraformOptions) {
    const base = options.env ?? process.env;
    this.env = { ...base, TF_IN_AUTOMATION: '1', TF_DATA_DIR: base.TF_DATA_DIR || options.dataDir };
    this.color = options.color ?? Boolean(process.stderr.isTTY);
    this.display = options.display ?? options.stackDir;
    ({ command: this.command, product: this.product } = terraformProduct(options.bin));
  }

  /** The executable run. */
  public get bin(): string {
    return this.options.bin;
  }

  /** Terraform's working data folder (`TF_DATA_DIR`) every run gets. */
  public get dataDir(): string {
    return this.env.TF_DATA_DIR!;
  }

  /** Whether `terraform init` has been run for this stack (its backend settings exist). */
  public get initialized(): boolean {
    return fs.existsSync(path.join(this.env.TF_DATA_DIR!, TERRAFORM_BACKEND_STATE));
  }

  /** `terraform init -input=false`, output passed through to stderr. */
  public async init(timeoutMs: number = TERRAFORM_TIMEOUTS.initMs): Promise<void> {
    fs.mkdirSync(this.env.TF_DATA_DIR!, { recursive: true });
    await this.step(['init', '-input=false', ...this.noColor()], { timeoutMs, output: 'stream' });
  }

  /**
   * `terraform apply -input=false`, with `-auto-approve` when `autoApprove`; otherwise Terraform
   * shows the plan and asks on the terminal (`interactive` gives it jhm's stdin).
   */
  public async apply(options: { autoApprove: boolean; interactive: boolean; timeoutMs?: number }): Promise<void> {
    const args = ['apply', '-input=false', ...(options.autoApprove ? ['-auto-approve'] : []), ...this.noColor()];
    await this.step(args, { timeoutMs: options.timeoutMs ?? TERRAFORM_TIMEOUTS.applyMs, output: 'stream', interactive: options.interactive && !options.autoApprove });
  }

  /** Every output (`terraform output -json`); sensitive values included, so never print the result. */
  public async outputs(timeoutMs: number = TERRAFORM_TIMEOUTS.outputMs): Promise<TerraformOutputs> {
    const r = await this.step(['output', '-json'], { timeoutMs, output: 'capture' });
    let data: unknown;
    try {
      data = JSON.parse(r.stdout.trim() === '' ? '{}' : r.stdout);
    } catch {
      throw new UserError(`terraform output -json in ${this.display} did not print JSON`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new UserError(`terraform output -json in ${this.display} did not print an object of outputs`);
    }
    return data as TerraformOutputs;
  }

  /**
   * One output as a string (`terraform output -raw <name>`); for secrets such as the
   * kubeconfig: the value only ever goes to the caller, never to a log. Always `-no-color`: the
   * text is data (a warning Terraform prints instead, such as "No outputs found", carries no
   * colour codes into the caller's checks).
   */
  public async rawOutput(name: string, timeoutMs: number = TERRAFORM_TIMEOUTS.outputMs): Promise<string> {
    const r = await this.step(['output', '-no-color', '-raw', name], { timeoutMs, output: 'capture' });
    return r.stdout;
  }

  /**
   * `terraform destroy -input=false`, with `-auto-approve` when `autoApprove` (the caller has
   * asked already); otherwise Terraform shows the plan and asks on the terminal.
   */
  public async destroy(options: { autoApprove: boolean; interactive: boolean; timeoutMs: number }): Promise<void> {
    const args = ['destroy', '-input=false', ...(options.autoApprove ? ['-auto-approve'] : []), ...this.noColor()];
    await this.step(args, { timeoutMs: options.timeoutMs, output: 'stream', interactive: options.interactive && !options.autoApprove });
  }

  /**
   * Runs `terraform <args>` as a person would in the stack folder, with this stack's environment:
   * jhm's stdin, stdout and stderr, no time limit (a person is at the prompt and has Ctrl-C,
   * which the terminal sends to Terraform too: jhm waits for it to stop cleanly). Resolves to the
   * exit status (128 + the signal number when Terraform was killed by one).
   */
  public passthrough(args: readonly string[]): Promise<number> {
    fs.mkdirSync(this.dataDir, { recursive: true });
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.bin, [...args], { cwd: this.options.stackDir, env: this.env, stdio: 'inherit' });
      // Ctrl-C reaches Terraform from the terminal itself; other signals are passed on. jhm stays
      // until Terraform is done (it may be writing the state).
      const unshield = shieldFrom((signal) => signal !== 'SIGINT' && child.kill(signal));
      child.on('error', (e: NodeJS.ErrnoException) => {
        unshield();
        reject(new UserError(`${this.command} could not start in ${this.display}: ${e.code ? `${e.code}: ${e.message}` : e.message}`));
      });
      child.on('exit', (code, signal) => {
        resolve(code ?? (signal ? signalExitCode(signal) : 1));
        unshield();
      });
    });
  }

  private noColor(): string[] {
    return this.color ? [] : ['-no-color'];
  }

  private async step(args: string[], run: { timeoutMs: number; output: OutputMode; interactive?: boolean }): Promise<RunResult> {
    const r = await runProcess(this.options.bin, args, { cwd: this.options.stackDir, env: this.env, shieldSignals: true, ...run });
    if (!succeeded(r)) {
      // Only stderr is quoted: stdout of `terraform output` may hold a secret.
      const why = describeFailure({ ...r, stdout: '' }, run.timeoutMs);
      throw new UserError(`${this.command} ${args.filter((a) => a !== '-no-color').join(' ')} failed in ${this.display}: ${why}`);
    }
    return r;
  }
}

/** Output names never written to the outputs file, sensitive or not. */
export const NEVER_IN_OUTPUTS_FILE: ReadonlySet<string> = new Set(['kubeconfig']);

/**
 * The outputs file of one stack, exactly as `cdktf deploy --outputs-file` writes it:
 * `{ "<stack>": { "<construct id>": value } }`, following the construct-id → output-name map
 * cdktf puts in `cdk.tf.json` (`"//".outputs`), nested for outputs inside constructs. Sensitive
 * outputs and those in `NEVER_IN_OUTPUTS_FILE` are left out. Without the map (older cdktf),
 * outputs are keyed by their Terraform names under the stack name.
 */
export function outputsFileContent(stack: string, stackJson: unknown, outputs: TerraformOutputs): Record<string, unknown> {
  const keep = (name: string): boolean => {
    const o = outputs[name];
    return o !== undefined && !o.sensitive && !NEVER_IN_OUTPUTS_FILE.has(name);
  };
  const map = (stackJson as { '//'?: { outputs?: unknown } } | null)?.['//']?.outputs;
  if (typeof map !== 'object' || map === null) {
    const flat: Record<string, unknown> = {};
    for (const name of Object.keys(outputs).sort()) if (keep(name)) flat[name] = outputs[name].value;
    return { [stack]: flat };
  }
  const walk = (node: Record<string, unknown>): Record<string, unknown> | undefined => {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') {
        if (keep(value) && !NEVER_IN_OUTPUTS_FILE.has(key)) result[key] = outputs[value].value;
      } else if (typeof value === 'object' && value !== null) {
        const inner = walk(value as Record<string, unknown>);
        if (inner !== undefined) result[key] = inner;
      }
    }
    return Object.keys(result).length > 0 ? result : undefined;
  };
  return walk(map as Record<string, unknown>) ?? {};
}
