/**
 * In-process synthesis of the cluster stacks: the same `cdk.tf.json` files `cdktf synth` writes,
 * without spawning the cdktf CLI.
 */
import { App } from 'cdktf';
import type { ClusterUnit } from '../model/cluster-unit';
import { ClusterStack } from './cluster-stack';

/** Options of {@link createInfraApp}. */
export interface InfraAppOptions {
  /**
   * Output folder (`<outdir>/stacks/<cluster>/cdk.tf.json`, `<outdir>/manifest.json`).
   * @default `CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`
   */
  readonly outdir?: string;
}

/** A cdktf `App` with one stack per cluster (not yet synthesized). */
export function createInfraApp(units: readonly ClusterUnit[], options: InfraAppOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  for (const unit of units) {
    new ClusterStack(app, { cluster: unit.cluster, hubs: unit.hubs });
  }
  return app;
}

/**
 * Writes `<outdir>/stacks/<cluster>/cdk.tf.json` for every cluster, and `<outdir>/manifest.json`,
 * exactly as `cdktf synth --output <outdir>` would.
 */
export function synthInfra(units: readonly ClusterUnit[], outdir: string): void {
  createInfraApp(units, { outdir }).synth();
}
