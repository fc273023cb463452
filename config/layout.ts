/**
 * The project layout: every path jhm reads or writes, in one place. Folders are spelled once here
 * (relative to the project root, `/`-free via `path.join`); every module asks this one for a path
 * instead of joining names itself.
 *
 * | what                          | where                                         |
 * | ----------------------------- | --------------------------------------------- |
 * | hub files                     | `hubs/<hub>.yaml`                             |
 * | cluster files                 | `clusters/<cluster>.yaml`                     |
 * | secrets files                 | `secrets/<hub>.yaml`                          |
 * | Terraform outputs files       | `outputs/<cluster>.json` (legacy hub: its name) |
 * | local Terraform state         | `terraform.<cluster>.tfstate` (legacy hub: its name) |
 * | chart lock                    | `charts.lock.json`                            |
 * | pinned charts (optional)      | `charts.yaml` (jhm's own gives the defaults)  |
 * | Terraform JSON                | `cdktf.out/stacks/<hub>/cdk.tf.json`          |
 * | cdktf's manifest              | `cdktf.out/manifest.json`                     |
 * | manifests / Secrets           | `dist/<hub>/`, `dist-secrets/<hub>/`          |
 * | ownership records             | `.jhm/state/<hub>.json`                       |
 * | staging, journal, lock        | `.jhm/staging/`, `.jhm/journal.json`, `.jhm/lock` |
 * | kubeconfigs                   | `.jhm/kubeconfig/<hub>.yaml`                  |
 * | kinds of the last apply       | `.jhm/applied/<cluster>.json` (`jhm apply --prune`) |
 * | Terraform data (`TF_DATA_DIR`)| `.jhm/terraform/<hub>/` (its backend state: `terraform.tfstate`) |
 * | cache (charts, renders, tools, helm's homes) | `$JHM_CACHE_DIR`, else `.jhm/`  |
 *
 * The cache is the only folder an environment variable moves: project state (records, journal,
 * lock, kubeconfigs, Terraform data) always stays in the project.
 */
import * as path from 'path';

/** jhm's own folder in a project. */
const JHM_DIR = '.jhm';
/** cdktf's output folder (`output` in cdktf.json). */
const CDKTF_OUT = 'cdktf.out';

/** Project-relative folders and files. */
export const PROJECT_PATHS = {
  hubs: 'hubs',
  clusters: 'clusters',
  secrets: 'secrets',
  outputs: 'outputs',
  chartLock: 'charts.lock.json',
  chartPins: 'charts.yaml',
  cdktfOut: CDKTF_OUT,
  cdktfManifest: path.join(CDKTF_OUT, 'manifest.json'),
  jhm: JHM_DIR,
  state: path.join(JHM_DIR, 'state'),
  staging: path.join(JHM_DIR, 'staging'),
  journal: path.join(JHM_DIR, 'journal.json'),
  lock: path.join(JHM_DIR, 'lock'),
  kubeconfigs: path.join(JHM_DIR, 'kubeconfig'),
  applied: path.join(JHM_DIR, 'applied'),
  terraformData: path.join(JHM_DIR, 'terraform'),
} as const;

/** Where each hub's outputs live, relative to the output root. */
export const OUTPUT_DIRS = {
  /** Terraform JSON: `cdktf.out/stacks/<hub>/cdk.tf.json`. */
  stacks: path.join(CDKTF_OUT, 'stacks'),
  /** Kubernetes manifests, safe to commit: `dist/<hub>/`. */
  dist: 'dist',
  /** Secrets, never committed: `dist-secrets/<hub>/`. */
  secrets: 'dist-secrets',
} as const;

export type OutputKind = keyof typeof OUTPUT_DIRS;

/** The Terraform JSON cdktf writes in a stack's folder. */
export const STACK_FILE_NAME = 'cdk.tf.json';

/** The file in Terraform's data folder that says `terraform init` has run. */
export const TERRAFORM_BACKEND_STATE = 'terraform.tfstate';

/** File name of a cluster's local Terraform state (in the project root). */
export function localStateFileName(cluster: string): string {
  return `terraform.${cluster}.tfstate`;
}

/** Paths of one project (`root`), with the cache folder taken from `env` (`JHM_CACHE_DIR`). */
export class ProjectLayout {
  public readonly root: string;

  constructor(
    root: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a project-relative path. */
  public at(rel: string): string {
    return path.join(this.root, rel);
  }

  public hubFile(hub: string): string {
    return path.join(this.root, PROJECT_PATHS.hubs, `${hub}.yaml`);
  }

  public clusterFile(cluster: string): string {
    return path.join(this.root, PROJECT_PATHS.clusters, `${cluster}.yaml`);
  }

  public secretsFile(hub: string): string {
    return path.join(this.root, PROJECT_PATHS.secrets, `${hub}.yaml`);
  }

  /** `outputs/<cluster>.json`, written by `jhm deploy` (a legacy hub's cluster is named like the hub). */
  public outputsFile(cluster: string): string {
    return path.join(this.root, PROJECT_PATHS.outputs, `${cluster}.json`);
  }

  /** The state file of a cluster with the local backend: `terraform.<cluster>.tfstate` at the project root. */
  public localStateFile(cluster: string): string {
    return path.join(this.root, localStateFileName(cluster));
  }

  /** `<root>/<kind's folder>/<hub>`. */
  public output(kind: OutputKind, hub: string): string {
    return path.join(this.root, OUTPUT_DIRS[kind], hub);
  }

  /** `<root>/cdktf.out/stacks/<cluster>/cdk.tf.json`: a cluster's synthesized Terraform JSON. */
  public stackFile(cluster: string): string {
    return path.join(this.output('stacks', cluster), STACK_FILE_NAME);
  }

  public get chartLock(): string {
    return this.at(PROJECT_PATHS.chartLock);
  }

  /** The project's `charts.yaml`: the charts it pins over jhm's own (`config/chart-pins.ts`). */
  public get chartPins(): string {
    return this.at(PROJECT_PATHS.chartPins);
  }

  public get cdktfManifest(): string {
    return this.at(PROJECT_PATHS.cdktfManifest);
  }

  public stateFile(hub: string): string {
    return path.join(this.root, PROJECT_PATHS.state, `${hub}.json`);
  }

  /** Where `jhm kubeconfig` writes and `jhm apply` / `jhm status` look. */
  public kubeconfig(hub: string): string {
    return path.join(this.root, PROJECT_PATHS.kubeconfigs, `${hub}.yaml`);
  }

  /** The kinds `jhm apply` wrote to a cluster, so `jhm apply --prune` lists them after they left dist/. */
  public appliedRecord(cluster: string): string {
    return path.join(this.root, PROJECT_PATHS.applied, `${cluster}.json`);
  }

  /** Terraform's working data (`TF_DATA_DIR`) of a hub, which survives a re-synth. */
  public terraformData(hub: string): string {
    return path.join(this.root, PROJECT_PATHS.terraformData, hub);
  }

  /** The cache folder: `$JHM_CACHE_DIR` (relative to the working folder), else `<root>/.jhm`. */
  public get cacheDir(): string {
    const fromEnv = this.env.JHM_CACHE_DIR;
    return path.resolve(fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : this.at(JHM_DIR));
  }
}

/** Paths inside the cache folder. */
export const CACHE_PATHS = {
  charts: 'charts',
  render: 'render',
  tools: 'tools',
  helmHome: 'helm-home',
  tmp: 'tmp',
} as const;
