/**
 * Turns a cluster's synthesized wave charts into file contents: the wave's file (`waveFileName`) in
 * `dist/<cluster>/` for everything that is safe to commit, and in `dist-secrets/<cluster>/` for every
 * Secret (plus the namespaces they live in, so that folder applies on its own).
 */
import { GENERATED_BY_JHM, PROJECT_PATHS } from '../project/layout';
import { K8sObject } from './helm/types';
import { Wave, WAVES } from './waves';
import { yamlText } from './yaml-text';

/** File name → YAML text, for both output folders of one cluster. */
export interface ManifestFiles {
  /** Contents of `dist/<cluster>/`: never a Secret. */
  readonly dist: ReadonlyMap<string, string>;
  /** Contents of `dist-secrets/<cluster>/`: the Secrets and their namespaces. */
  readonly secrets: ReadonlyMap<string, string>;
}

/** {@link ManifestFiles} with the objects each file holds, in document order (for the preflight, which then parses no YAML). */
export interface ManifestFilesWithObjects extends ManifestFiles {
  readonly objects: { readonly dist: ReadonlyMap<string, readonly K8sObject[]>; readonly secrets: ReadonlyMap<string, readonly K8sObject[]> };
}

/**
 * YAML text of top-level entries already serialized in this process, by their JSON text. Most
 * entries are the same in every cluster (the `spec` of the CRDs, of cert-manager, of most of the
 * ingress controller; only `metadata` carries the cluster's labels), and YAML serialization is most
 * of a warm synth's time, so each distinct entry is serialized once. An object's block mapping is
 * the concatenation of its entries' (tested against the whole object's text).
 */
const yamlMemo = new Map<string, string>();

function entryYaml(key: string, value: unknown): string {
  const memoKey = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  let text = yamlMemo.get(memoKey);
  if (text === undefined) {
    text = yamlText({ [key]: value });
    yamlMemo.set(memoKey, text);
  }
  return text;
}

/** The YAML text of one object (a document): its top-level entries, each serialized once per process. */
export function objectYaml(o: unknown): string {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return yamlText(o);
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return yamlText(o);
  return entries.map(([k, v]) => entryYaml(k, v)).join('');
}

/** Serializes objects as a multi-document YAML file with a header. Same input, same bytes. */
export function toYamlFile(header: string, objects: readonly unknown[]): string {
  return `${header}\n---\n${objects.map(objectYaml).join('---\n')}`;
}

/** True for objects that must never reach `dist/`. */
export function isSecret(o: { apiVersion?: unknown; kind?: unknown }): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1';
}

/** The objects cdk8s synthesized for one wave's chart. */
export interface SynthesizedWave {
  readonly wave: Wave;
  readonly objects: readonly K8sObject[];
  /** The file (default: the wave's `fileName`); a hub's file on a cluster file carries the hub name (`waveFileName`). */
  readonly fileName?: string;
  /** The file the objects come from, for the header (default: `manifestFiles`' `source`). */
  readonly source?: string;
}

/** The header of a file generated from `source` (a hub file, or a cluster file). */
function header(what: string, source: string): string {
  const kind = source.startsWith(`${PROJECT_PATHS.clusters}/`) ? 'cluster' : 'hub';
  return `# ${what}. ${GENERATED_BY_JHM} ${source}: do not edit, change the ${kind} file and run jhm synth.`;
}

/**
 * The files of one cluster from its synthesized waves (in apply order); `source` is the file the
 * waves come from unless a wave names its own (the hub file of a hub with its own cluster; on a cluster
 * file, the cluster file for the platform and each hub's file for its own waves), for the headers.
 */
export function manifestFiles(waves: readonly SynthesizedWave[], source: string): ManifestFilesWithObjects {
  const dist = new Map<string, string>();
  const secrets = new Map<string, string>();
  const byFile = { dist: new Map<string, readonly K8sObject[]>(), secrets: new Map<string, readonly K8sObject[]>() };
  const secretNamespaces = new Set<string>();
  let namespaceObjects: readonly K8sObject[] = [];

  for (const { wave, objects, fileName = wave.fileName, source: from = source } of waves) {
    if (wave === WAVES.namespaces) namespaceObjects = objects;
    const open = objects.filter((o) => !isSecret(o));
    const hidden = objects.filter(isSecret);
    if (open.length > 0) {
      dist.set(fileName, toYamlFile(header(`Apply wave ${wave.index}: ${wave.title}`, from), open));
      byFile.dist.set(fileName, open);
    }
    if (hidden.length > 0) {
      hidden.forEach((s) => secretNamespaces.add(s.metadata.namespace ?? 'default'));
      secrets.set(fileName, toYamlFile(header(`Secrets of apply wave ${wave.index} (${wave.title}); keep out of git`, from), hidden));
      byFile.secrets.set(fileName, hidden);
    }
  }
  if (secrets.size > 0) {
    const needed = namespaceObjects.filter((n) => secretNamespaces.has(n.metadata.name));
    if (needed.length > 0) {
      secrets.set(WAVES.namespaces.fileName, toYamlFile(header('Namespaces of the Secrets below', source), needed));
      byFile.secrets.set(WAVES.namespaces.fileName, needed);
    }
  }
  return { dist, secrets, objects: byFile };
}
