/**
 * Loading the project from disk: every cluster file (`clusters/<cluster>.yaml`) and hub file
 * (`hubs/<hub>.yaml`), read with bounded reads (`input-file.ts`), parsed with `yaml`, validated
 * with their schemas, errors reported as `file:line: field: message`, all of them collected.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostics } from '../model/diagnostics';
import { UserError, UserErrors } from '../model/errors';
import { readInputFile } from './input-file';
import { parseYamlFile } from './yaml-file';
import { Cluster, defineCluster } from '../model/cluster';
import { defineHub, Hub } from '../model/hub';
import { PROJECT_PATHS, ProjectLayout } from './layout';

/** Folder of hub files, relative to the project root. */
export const HUBS_DIR = PROJECT_PATHS.hubs;
/** Folder of cluster files, relative to the project root. */
export const CLUSTERS_DIR = PROJECT_PATHS.clusters;

/** Path of hub `name`'s file under `root`. */
export function hubFilePath(root: string, name: string): string {
  return new ProjectLayout(root).hubFile(name);
}

/** Path of cluster `name`'s file under `root`. */
export function clusterFilePath(root: string, name: string): string {
  return new ProjectLayout(root).clusterFile(name);
}

/**
 * Names of the files in `root/<dir>`, sorted. A file ends in exactly `.yaml`; one ending in `.yml`
 * or another spelling (`.YAML`, `.Yml`) is refused with the name to rename it to, never silently
 * ignored (one spelling keeps one file per name).
 */
function listYamlNames(root: string, dir: string, kind: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  const files = fs.readdirSync(full).filter((f) => !f.startsWith('.'));
  const misnamed = files.filter((f) => /\.ya?ml$/i.test(f) && !f.endsWith('.yaml'));
  if (misnamed.length > 0) {
    throw new UserErrors(
      misnamed.map(
        (f) =>
          new UserError(`is not read: ${kind} files end in ".yaml"`, {
            file: path.join(dir, f),
            fix: `rename it to ${path.join(dir, `${f.replace(/\.ya?ml$/i, '')}.yaml`)}`,
          }),
      ),
    );
  }
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Names of the hubs defined under `root/hubs`, sorted (`.yml` and other spellings refused). */
export function listHubNames(root: string): string[] {
  return listYamlNames(root, HUBS_DIR, 'hub');
}

/** Names of the clusters defined under `root/clusters`, sorted (`.yml` and other spellings refused). */
export function listClusterNames(root: string): string[] {
  return listYamlNames(root, CLUSTERS_DIR, 'cluster');
}

function readYaml(file: string, display: string, missing: () => UserError): { data: unknown; lineOf: (p: readonly PropertyKey[]) => number | undefined } {
  const read = readInputFile(file, display);
  if (read === undefined) throw missing();
  const yaml = parseYamlFile(read.text, display, { quoteErrors: true });
  return { data: yaml.toJS() ?? {}, lineOf: yaml.lineOf };
}

/**
 * Parses and validates one hub file. `display` is how the file is named in errors; `clusters`
 * are the clusters a hub on a cluster file may name.
 */
export function loadHubFile(file: string, display = file, clusters: readonly Cluster[] = []): Hub {
  return defineHubFile(readHubFile(file, display), display, clusters);
}

type HubFileData = ReturnType<typeof readYaml> & { name: string };

function readHubFile(file: string, display: string): HubFileData {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  return { name, ...readYaml(file, display, () => new UserError('no such hub file', { file: display, fix: `create it with: jhm init ${name}` })) };
}

function defineHubFile(read: HubFileData, display: string, clusters: readonly Cluster[]): Hub {
  return defineHub(read.name, read.data, { clusters, locate: read.lineOf }, display);
}

/** The cluster a hub file on a cluster file names (`cluster: <name>`), if it is one. */
function clusterNamed(data: unknown): string | undefined {
  const c = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).cluster : undefined;
  return typeof c === 'string' ? c : undefined;
}

/**
 * The cluster a hub file belongs to, read from the file alone (before, and whether or not, it
 * validates): the cluster file it names (`cluster: <c>`, `onClusterFile`), else its own dedicated
 * cluster, named like the hub (the original format: `cluster:` a mapping, or anything else).
 */
export interface HubFileCluster {
  readonly name: string;
  readonly onClusterFile: boolean;
}

function hubFileClusterOf(read: HubFileData): HubFileCluster {
  const named = clusterNamed(read.data);
  return named !== undefined ? { name: named, onClusterFile: true } : { name: read.name, onClusterFile: false };
}

/**
 * {@link HubFileCluster} of hub `name`'s file under `root`; undefined when the file cannot be read
 * or is not YAML (a syntax error): which cluster it belongs to is then unknown, it could be any.
 */
export function hubFileCluster(root: string, name: string): HubFileCluster | undefined {
  const read = new Diagnostics().collect(() => readHubFile(hubFilePath(root, name), path.join(HUBS_DIR, `${name}.yaml`)));
  return read === undefined ? undefined : hubFileClusterOf(read);
}

/**
 * Loads hub `name` into `problems`. A hub on a cluster file whose file has errors is not loaded:
 * the cluster file's errors are what it reports ("no clusters/<c>.yaml" would not be true).
 */
function loadHubInto(root: string, name: string, clusters: readonly Cluster[], broken: ReadonlyMap<string, Diagnostics>, problems: Diagnostics): { hub?: Hub; cluster?: HubFileCluster } {
  const display = path.join(HUBS_DIR, `${name}.yaml`);
  const read = problems.collect(() => readHubFile(hubFilePath(root, name), display));
  if (read === undefined) return {};
  const cluster = hubFileClusterOf(read);
  const theirs = broken.get(clusterNamed(read.data) ?? '');
  if (theirs !== undefined) {
    problems.collect(() => theirs.throwIfAny());
    return { cluster };
  }
  return { hub: problems.collect(() => defineHubFile(read, display, clusters)), cluster };
}

/** Loads every cluster file; the broken ones' problems are kept apart, by cluster name. */
function loadClusters(root: string, names: readonly string[], problems?: Diagnostics): { clusters: Cluster[]; broken: Map<string, Diagnostics> } {
  const clusters: Cluster[] = [];
  const broken = new Map<string, Diagnostics>();
  for (const name of names) {
    const attempt = new Diagnostics();
    const c = attempt.collect(() => loadClusterFile(clusterFilePath(root, name), path.join(CLUSTERS_DIR, `${name}.yaml`)));
    if (c !== undefined) clusters.push(c);
    else {
      broken.set(name, attempt);
      problems?.collect(() => attempt.throwIfAny());
    }
  }
  return { clusters, broken };
}

/** Parses and validates one cluster file. */
export function loadClusterFile(file: string, display = file): Cluster {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const { data, lineOf } = readYaml(file, display, () => new UserError('no such cluster file', { file: display, fix: `create it with: jhm init-cluster ${name}` }));
  return defineCluster(name, data, display, lineOf);
}

/** The project as loaded: what loaded, and every problem of every file. */
export interface LoadedProject {
  /** Cluster files that loaded. */
  readonly clusters: Cluster[];
  /** Hub files that loaded (legacy hubs with their dedicated cluster). */
  readonly hubs: Hub[];
  /** Every problem of every file (errors and warnings), nothing thrown. */
  readonly problems: Diagnostics;
  /** Every hub file name, every cluster file name. */
  readonly hubNames: readonly string[];
  readonly clusterNames: readonly string[];
  /**
   * The cluster each hub file belongs to, as the file says (loaded or not, see
   * {@link HubFileCluster}); undefined for a file that cannot be read or parsed.
   */
  readonly hubClusters: ReadonlyMap<string, HubFileCluster | undefined>;
}

/**
 * Loads every cluster file and every hub file under `root`, collecting every problem (one run
 * shows them all). A hub on a cluster file whose cluster file has errors is not loaded, and only
 * the cluster file's errors are reported for it. Only a misnamed file (`.yml`) throws at once.
 */
export function loadProject(root: string): LoadedProject {
  const problems = new Diagnostics();
  const clusterNames = listClusterNames(root);
  const hubNames = listHubNames(root);
  const { clusters, broken } = loadClusters(root, clusterNames, problems);
  const hubs: Hub[] = [];
  const hubClusters = new Map<string, HubFileCluster | undefined>();
  for (const name of hubNames) {
    // (A broken cluster file's errors come again for each hub on it; they are said once when thrown.)
    const { hub, cluster } = loadHubInto(root, name, clusters, broken, problems);
    if (hub !== undefined) hubs.push(hub);
    hubClusters.set(name, cluster);
  }
  return { clusters, hubs, problems, hubNames, clusterNames, hubClusters };
}

/**
 * Loads the named hubs (default: all under `root/hubs`), each with the project's cluster files.
 * Every problem in every named file (and in the cluster files they name) is collected before
 * anything is thrown, so one run shows them all.
 */
export function loadHubs(root: string, names?: readonly string[]): Hub[] {
  const wanted = names && names.length > 0 ? [...names] : listHubNames(root);
  if (wanted.length === 0) {
    throw new UserError(`no hub files in ${HUBS_DIR}/`, { fix: 'create one with: jhm init <hub>' });
  }
  const problems = new Diagnostics();
  const { clusters, broken } = loadClusters(root, listClusterNames(root));
  const hubs = wanted.map((name) => loadHubInto(root, name, clusters, broken, problems).hub);
  problems.throwIfAny();
  return hubs as Hub[];
}
