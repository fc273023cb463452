/**
 * The manifest preflight (`k8s/preflight.ts`) on the outputs: the folders as they are on disk
 * (`jhm validate --manifests`: hand edits and GitOps repositories are checked too). `synth` checks
 * its files before it stages them (`assertPreflight` in `k8s/synth.ts`).
 *
 * Without `dist-secrets/<cluster>/` (CI, a GitOps repository) Secret references are not checked,
 * and the report says so once per cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UserError, UserErrors } from '../model/errors';
import { ENCRYPTED_SECRETS_DIR, OUTPUT_DIRS, PROJECT_PATHS } from '../project/layout';
import { readInputFile } from '../project/input-file';
import { clusterFolders, Finding, preflight, PreflightFiles } from '../k8s/preflight';
import { listFiles } from './output';

/** Largest manifest file read (the CRDs of a cluster are about 1.5 MB). */
export const MAX_MANIFEST_FILE_BYTES = 64 * 1024 * 1024;

/** What the preflight found in one cluster's folders. */
export interface ClusterManifestCheck {
  readonly cluster: string;
  readonly findings: readonly Finding[];
  /** Files checked (dist/ and dist-secrets/). */
  readonly files: number;
  /** Objects were checked without their Secrets (no dist-secrets/<cluster>/). */
  readonly secretsChecked: boolean;
}

/** The manifest files under `dir` (recursively, as `kubectl apply -f <dir> --recursive` reads them), or undefined when it is missing. */
function readFolder(root: string, dir: string): Map<string, string> | undefined {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return undefined;
  const files = new Map<string, string>();
  for (const rel of listFiles(full)) {
    if (rel.split('/').some((p) => p.startsWith('.')) || !/\.(ya?ml|json)$/.test(rel)) continue;
    const display = `${dir}/${rel}`;
    let text: string | undefined;
    try {
      text = readInputFile(path.join(full, rel), display, MAX_MANIFEST_FILE_BYTES)?.text;
    } catch (e) {
      if (e instanceof UserError) throw new UserError(e.message, { file: display, fix: 'output folders hold only manifest files of reasonable size' });
      throw e;
    }
    if (text !== undefined) files.set(rel, text);
  }
  return files;
}

/**
 * The preflight of `dist/<cluster>/` (and `dist-secrets/<cluster>/` when there) under `root`, as on
 * disk. A UserError when the cluster has no `dist/` folder.
 */
export function checkClusterFolder(root: string, cluster: string): ClusterManifestCheck {
  const { distDir, secretsDir } = clusterFolders(cluster);
  const dist = readFolder(root, distDir);
  if (dist === undefined) throw new UserError(`no folder ${distDir}`, { fix: `run jhm synth ${cluster}, or name a folder of ${OUTPUT_DIRS.dist}/` });
  const secrets = readFolder(root, secretsDir);
  const files: PreflightFiles = { dist, secrets };
  // Secrets committed encrypted beside the manifests (`dist/<cluster>/secrets/`) are read with them (their names need no key).
  const encrypted = [...dist.keys()].some((f) => f.startsWith(`${ENCRYPTED_SECRETS_DIR}/`));
  return { cluster, findings: preflight(files, { distDir, secretsDir }), files: dist.size + (secrets?.size ?? 0), secretsChecked: secrets !== undefined || encrypted };
}

/** Every folder under `dist/` (not hidden), sorted. */
export function manifestFolders(root: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, OUTPUT_DIRS.dist), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/**
 * The cluster folder a name stands for: the folder `dist/<name>` when there is one (a cluster,
 * or a hub on its own cluster), else the cluster a hub file `hubs/<name>.yaml` names
 * (`cluster: <cluster>`). Undefined when neither.
 */
export async function clusterFolderOf(root: string, name: string): Promise<string | undefined> {
  if (fs.existsSync(path.join(root, OUTPUT_DIRS.dist, name))) return name;
  const file = path.join(root, PROJECT_PATHS.hubs, `${name}.yaml`);
  const text = readInputFile(file, path.join(PROJECT_PATHS.hubs, `${name}.yaml`))?.text;
  if (text === undefined) return undefined;
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return undefined;
  }
  const cluster = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).cluster : undefined;
  return typeof cluster === 'string' ? cluster : name;
}

/**
 * The preflight of the named clusters' folders (hub or cluster names; default every folder of
 * `dist/`), each cluster once. Throws a UserError naming what cannot be found.
 */
export async function checkManifestFolders(root: string, names: readonly string[] = []): Promise<ClusterManifestCheck[]> {
  let clusters: string[];
  if (names.length === 0) {
    clusters = manifestFolders(root);
    if (clusters.length === 0) throw new UserError(`no folders in ${OUTPUT_DIRS.dist}/`, { fix: 'run jhm synth first' });
  } else {
    const unknown: UserError[] = [];
    clusters = [];
    for (const n of names) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)) {
        unknown.push(new UserError(`${JSON.stringify(n).slice(0, 80)} is not a hub or cluster name`, { fix: 'name a hub, a cluster, or a folder of dist/' }));
        continue;
      }
      const c = await clusterFolderOf(root, n);
      if (c === undefined || !fs.existsSync(path.join(root, OUTPUT_DIRS.dist, c))) {
        unknown.push(new UserError(`${n}: no folder ${OUTPUT_DIRS.dist}/${c ?? n}`, { fix: `run jhm synth ${n} first, or name a folder of ${OUTPUT_DIRS.dist}/` }));
      } else if (!clusters.includes(c)) clusters.push(c);
    }
    if (unknown.length > 0) throw new UserErrors(unknown);
  }
  return clusters.map((c) => checkClusterFolder(root, c));
}
