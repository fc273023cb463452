/**
 * The Kubernetes change plan: which objects a new `dist/<cluster>/` (or `dist-secrets/<cluster>/`)
 * creates, changes and removes against the one before, per wave file.
 *
 * An object's identity is its API group, kind, namespace and name (`k8s/object-identity.ts`; the
 * version is not part of it). An object that differs in
 * anything (deeply, key order aside) is changed; one that moves to another wave file is changed
 * too (its sync-wave annotation differs), never removed and created.
 *
 * `kubectl apply` never deletes: a removed object stays on the cluster until `jhm apply --prune`
 * (`cli/tools/prune.ts`) deletes it, and that only when it carries jhm's ownership labels.
 *
 * yaml is loaded when a folder is read, not when this module is (`jhm --help`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type * as Yaml from 'yaml';
import { UserError } from '../model/errors';
import { objectIdentity } from '../k8s/object-identity';
import { OWNER_CLUSTER_LABEL } from '../k8s/ownership';

/** One object created, changed or removed. */
export interface ObjectChange {
  /** The wave file it is in (after; for a removal, before). */
  readonly file: string;
  readonly action: 'create' | 'change' | 'remove';
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** One object of a manifests folder, with where it was read. */
export interface ManifestObject {
  /** File name inside the folder. */
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** 1-based line of the object's document in its file. */
  readonly line: number;
  /** The whole object as parsed. */
  readonly object: Record<string, unknown>;
}


/**
 * The objects of one manifest file (`file`, named `display` in errors; `file` inside its folder is
 * `basename(file)`), in document order, each with its line; a missing file has none. A file that
 * is not YAML is a `UserError` naming it; documents without kind or name (the empty one after a
 * header) are skipped. The one reader of dist/ files for jhm's commands (the preflight has its
 * own, faster one, `k8s/preflight.ts`).
 */
export function readManifestFile(file: string, display: string = file): ManifestObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, fix: 'check its permissions' });
  }
  // yaml is loaded here, not when the CLI starts (jhm --help).
  const { LineCounter, parseAllDocuments } = require('yaml') as typeof Yaml;
  const lines = new LineCounter();
  const out: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    if (doc.errors.length > 0) throw new UserError(`is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, { file: display, fix: 'fix or remove the file, or run jhm synth to write it again' });
    const o = doc.toJS() as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
    const metadata = o.metadata as { name?: unknown; namespace?: unknown } | undefined;
    if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || typeof metadata?.name !== 'string') continue;
    out.push({
      file: path.basename(file),
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined,
      name: metadata.name,
      line: lines.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line,
      object: o,
    });
  }
  return out;
}

/**
 * Every object of the `.yaml` files of `dir`, in file-name order (the apply order) and document
 * order; a missing folder has none (see {@link readManifestFile}).
 */
export function readManifestObjects(dir: string, display: string = dir): ManifestObject[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
    .sort();
  return files.flatMap((file) => readManifestFile(path.join(dir, file), path.join(display, file)));
}

/** By identity; the first of two objects with one identity wins (the preflight reports the second). */
function byIdentity(objects: readonly ManifestObject[]): Map<string, ManifestObject> {
  const map = new Map<string, ManifestObject>();
  for (const o of objects) {
    const id = objectIdentity(o);
    if (!map.has(id)) map.set(id, o);
  }
  return map;
}

function change(o: ManifestObject, action: ObjectChange['action']): ObjectChange {
  return { file: o.file, action, apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), name: o.name };
}

/**
 * The changes from the objects of `beforeDir` to those of `afterDir` (`dist/<cluster>` folders;
 * a missing folder is empty): per wave file in name order, the creations and changes in the order
 * of the file, then the removals in the order of the file they were in.
 */
export function planManifests(beforeDir: string, afterDir: string): ObjectChange[] {
  const before = byIdentity(readManifestObjects(beforeDir));
  const after = byIdentity(readManifestObjects(afterDir));
  const changes: ObjectChange[] = [];
  for (const [id, o] of after) {
    const old = before.get(id);
    if (old === undefined) changes.push(change(o, 'create'));
    else if (old.file !== o.file || !isDeepStrictEqual(old.object, o.object)) changes.push(change(o, 'change'));
  }
  for (const [id, o] of before) if (!after.has(id)) changes.push(change(o, 'remove'));
  const order = (c: ObjectChange) => (c.action === 'remove' ? 1 : 0);
  // Stable: within a file, the file's order; removals after.
  return changes
    .map((c, i) => ({ c, i }))
    .sort((x, y) => (x.c.file < y.c.file ? -1 : x.c.file > y.c.file ? 1 : order(x.c) - order(y.c) || x.i - y.i))
    .map(({ c }) => c);
}

const MARK: Record<ObjectChange['action'], string> = { create: '+', change: '~', remove: '-' };

/** Kinds `jhm apply --prune` never deletes: they take data (or every object of a kind or namespace) with them. */
export const NEVER_PRUNED_KINDS: readonly string[] = ['Namespace', 'CustomResourceDefinition', 'PersistentVolumeClaim'];

/** `Kind ns/name`, or `Kind name` for a cluster-scoped object. */
export function describeObject(o: { readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * The plan as text: `title`, then per wave file its objects (`+` created, `~` changed, `-`
 * removed), a count line, and for removals how they go (kubectl apply keeps them; `jhm apply
 * --prune` deletes those jhm labelled as its own, except Namespaces, CRDs and PVCs).
 */
export function formatManifestPlan(title: string, changes: readonly ObjectChange[]): string {
  const lines = [title];
  if (changes.length === 0) {
    lines.push('  No changes: the manifests are the same.');
    return lines.join('\n');
  }
  let file: string | undefined;
  for (const c of changes) {
    if (c.file !== file) {
      file = c.file;
      lines.push(`  ${file}`);
    }
    lines.push(`    ${MARK[c.action]} ${describeObject(c)}`);
  }
  const count = (a: ObjectChange['action']) => changes.filter((c) => c.action === a).length;
  lines.push(`  Objects: ${count('create')} to create, ${count('change')} to change, ${count('remove')} to remove.`);
  const removed = changes.filter((c) => c.action === 'remove');
  if (removed.length > 0) {
    lines.push(`  kubectl apply keeps removed objects on the cluster; jhm apply --prune deletes them (only objects labelled ${OWNER_CLUSTER_LABEL}).`);
    const kept = removed.filter((c) => NEVER_PRUNED_KINDS.includes(c.kind));
    if (kept.length > 0) lines.push(`  Never pruned (they take data with them; delete by hand): ${kept.map(describeObject).join(', ')}.`);
  }
  return lines.join('\n');
}
