/**
 * The kustomization of a cluster's folder: `dist/<cluster>/kustomization.yaml`, which makes the
 * folder one kustomization (`kubectl kustomize`, `kubectl apply -k`, Flux, Argo CD read it as it is).
 *
 * Its `resources:` list the manifest files of the folder in apply-wave order (the wave table,
 * `k8s/waves.ts`): the waves in order, a per-hub wave's files by hub name, and a file in a subfolder
 * named like a wave file (the encrypted Secrets, `secrets/<wave file>`) right after the wave file of
 * that name. The list is derived from the files the synth writes for the cluster (`pipeline.ts`
 * reads the staged folder), so whatever else jhm writes there is listed too. The Namespaces a
 * Secrets folder repeats (the namespaces wave's file in a subfolder) are never listed: kustomize
 * refuses two objects of one identity, and the wave's own file creates them.
 *
 * `isManifestFile` is the one rule for which files of an output folder hold Kubernetes objects:
 * the kustomization does not (the preflight checks it by its own rule, `jhm apply` never applies it).
 *
 * This module imports only the wave table and the layout (no YAML library): `jhm apply` loads it.
 */
import { GENERATED_BY_JHM } from '../project/layout';
import { waveOfFile, WAVES } from './waves';

/** The kustomization's file name in a cluster's folder (the name kustomize looks for first). */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** Every name kustomize reads as a kustomization (none of them is a manifest). */
const KUSTOMIZATION_NAMES: ReadonlySet<string> = new Set([KUSTOMIZATION_FILE, 'kustomization.yml', 'Kustomization']);

/** `apiVersion` and `kind` of the kustomization. */
export const KUSTOMIZATION_API_VERSION = 'kustomize.config.k8s.io/v1beta1';
export const KUSTOMIZATION_KIND = 'Kustomization';

/**
 * Whether a file of an output folder (`dist/<cluster>/`, `dist-secrets/<cluster>/`; the path relative
 * to it, `/`-separated) is a manifest file, read as Kubernetes objects: a YAML or JSON file, not
 * hidden nor in a hidden folder, and not a kustomization. The one rule for the preflight, `jhm
 * apply` and the tests that read every file of a folder.
 */
export function isManifestFile(rel: string): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p.startsWith('.'))) return false;
  if (KUSTOMIZATION_NAMES.has(parts[parts.length - 1])) return false;
  return /\.(ya?ml|json)$/.test(rel);
}

/** Where a listed file sorts: its wave, its hub (per-hub waves), then the wave file before a subfolder's copy. */
interface Place {
  readonly wave: number;
  readonly hub: string;
  readonly nested: number;
  readonly file: string;
}

/**
 * The place of `rel` (relative to the folder) in the kustomization, or `null` when it is not listed
 * (the Namespaces a subfolder repeats), or `undefined` when it is no file jhm writes: not a wave
 * file, at the top or one folder down.
 */
function placeOf(rel: string): Place | null | undefined {
  const parts = rel.split('/');
  if (parts.length > 2) return undefined;
  const of = waveOfFile(parts[parts.length - 1]);
  if (of === undefined) return undefined;
  if (parts.length === 2 && of.wave === WAVES.namespaces) return null;
  return { wave: of.wave.index, hub: of.hub ?? '', nested: parts.length - 1, file: rel };
}

const compare = (a: Place, b: Place): number => a.wave - b.wave || (a.hub < b.hub ? -1 : a.hub > b.hub ? 1 : 0) || a.nested - b.nested || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * The `resources:` of the kustomization of a folder holding `files` (relative paths, `/`-separated,
 * every file of the folder): its manifest files in apply-wave order. Throws on a manifest file jhm
 * does not write (a bug: the synth lists only its own files).
 */
export function kustomizationResources(files: readonly string[]): string[] {
  const places: Place[] = [];
  for (const f of files.filter(isManifestFile)) {
    const place = placeOf(f);
    if (place === undefined) throw new Error(`${f} is no wave file: jhm cannot place it in the kustomization (a bug in jhm; please report it)`);
    if (place !== null) places.push(place);
  }
  return places.sort(compare).map((p) => p.file);
}

/**
 * The manifest files of a folder holding `files` that its kustomization must list, and those it
 * must not (the files `kustomizationResources` leaves out, and any file jhm does not write): for
 * the preflight, which checks a folder written or edited by anyone.
 */
export function expectedResources(files: readonly string[]): { readonly listed: string[]; readonly unplaced: string[] } {
  const manifests = files.filter(isManifestFile);
  const unplaced = manifests.filter((f) => placeOf(f) === undefined);
  return { listed: kustomizationResources(manifests.filter((f) => !unplaced.includes(f))), unplaced };
}

/** A YAML scalar for a file name: plain when it is one, else a JSON (double-quoted YAML) string. */
const scalar = (s: string): string => (/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) ? s : JSON.stringify(s));

/**
 * The text of `dist/<cluster>/kustomization.yaml` for a folder holding `files` (see
 * `kustomizationResources`); `source` is the file the cluster comes from (its cluster file, or the
 * hub file of a hub with its own cluster), for the header that marks the file as jhm's.
 */
export function kustomizationText(files: readonly string[], source: string): string {
  const header = `# The manifest files of this folder in apply-wave order, for kubectl apply -k, Flux and Argo CD. ${GENERATED_BY_JHM} ${source}: do not edit, run jhm synth.`;
  const resources = kustomizationResources(files);
  return [header, `apiVersion: ${KUSTOMIZATION_API_VERSION}`, `kind: ${KUSTOMIZATION_KIND}`, resources.length > 0 ? 'resources:' : 'resources: []', ...resources.map((r) => `  - ${scalar(r)}`), ''].join('\n');
}
