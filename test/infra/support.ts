/**
 * Helpers of the Terraform-side tests: the example hub, variants of it, and synthesis to JSON.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { Cluster, defineCluster } from '../../model/cluster';
import { clusterUnits } from '../../model/cluster-unit';
import { defineHub, Hub } from '../../model/hub';
import { loadHubFile } from '../../project/load';
import { ClusterStack } from '../../infra/cluster-stack';
import { synthInfra } from '../../infra/synth';
import { readStack } from '../../synth/terraform-plan';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE_FILE = path.join(ROOT, 'hubs', 'example.yaml');

/** Terraform JSON, loosely typed for assertions. */
export type TfJson = Record<string, any>;

/** The example hub, loaded from its file like `jhm` does. */
export function exampleHub(): Hub {
  return loadHubFile(EXAMPLE_FILE, 'hubs/example.yaml');
}

/** The example hub file as plain data, to spread into variants. */
export function exampleInput(): Record<string, any> {
  return parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
}

/** A variant of the example hub: `edit` changes a fresh copy of its file data. */
export function variantHub(edit: (input: Record<string, any>) => void, name = 'example'): Hub {
  const input = exampleInput();
  edit(input);
  return defineHub(name, input);
}

/** A fresh temporary folder, removed by {@link cleanupTempDirs}. */
const tempDirs: string[] = [];
export function tempDir(prefix = 'jhm-infra-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
export function cleanupTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The stack of the hub's (dedicated) cluster as Terraform JSON (without cdktf's `//` metadata), via `Testing.synth`. */
export function synthHubJson(hub: Hub): string {
  const app = Testing.app({ outdir: tempDir('cdktf-testing-') });
  return Testing.synth(new ClusterStack(app, { cluster: hub.cluster, hubs: [hub] }));
}

/** Same as {@link synthHubJson}, parsed. */
export function synthHub(hub: Hub): TfJson {
  return JSON.parse(synthHubJson(hub));
}

/**
 * The repository's example cluster file (clusters/shared.yaml with hubs course-a and course-b)
 * after `edit` of its data: the cluster model, and its stack synthesized as `jhm synth` does
 * (`synthInfra`), read back from its `cdk.tf.json` with `readStack`.
 */
export function sharedClusterStack(edit: (file: Record<string, any>) => void = () => undefined): { cluster: Cluster; stack: unknown } {
  const readYaml = (rel: string): Record<string, any> => parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
  const input = readYaml('clusters/shared.yaml');
  edit(input);
  const cluster = defineCluster('shared', input, 'clusters/shared.yaml');
  const hubs = ['course-a', 'course-b'].map((name) => defineHub(name, readYaml(`hubs/${name}.yaml`), { clusters: [cluster] }, `hubs/${name}.yaml`));
  const outdir = tempDir('jhm-stack-');
  synthInfra(clusterUnits(hubs), outdir);
  return { cluster, stack: readStack(path.join(outdir, 'stacks', 'shared', 'cdk.tf.json')) };
}
