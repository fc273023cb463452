/**
 * In-process synthesis of the hub stacks: the same `cdk.tf.json` files `cdktf synth` writes,
 * without spawning the cdktf CLI.
 */
import { App } from 'cdktf';
import type { Hub } from '../config/hub';
import { HubStack } from './hub-stack';

/** Options of {@link createInfraApp}. */
export interface InfraAppOptions {
  /**
   * Output folder (`<outdir>/stacks/<hub>/cdk.tf.json`, `<outdir>/manifest.json`).
   * @default `CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`
   */
  readonly outdir?: string;
}

/** A cdktf `App` with one {@link HubStack} per hub (not yet synthesized). */
export function createInfraApp(hubs: readonly Hub[], options: InfraAppOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  for (const hub of hubs) {
    new HubStack(app, { hub });
  }
  return app;
}

/**
 * Writes `<outdir>/stacks/<hub>/cdk.tf.json` for every hub, and `<outdir>/manifest.json`,
 * exactly as `cdktf synth --output <outdir>` would.
 */
export function synthInfra(hubs: readonly Hub[], outdir: string): void {
  createInfraApp(hubs, { outdir }).synth();
}
