/**
 * Reading `helm template` output: a stream of YAML documents, each preceded by a
 * `# Source: <chart>/<path>` comment. Documents are read the way the Kubernetes API server reads
 * manifests (YAML 1.1 as in go-yaml: `0644` is octal, `yes`/`on` are booleans; timestamps and
 * `1:20` stay strings), empty documents are dropped, and `v1 List` documents are unpacked.
 */
import { parseAllDocuments, ParseOptions, DocumentOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { UserError } from '../../config/errors';
import type { K8sObject } from './types';

/** One object of the output and the template it came from. */
export interface RenderedDocument {
  /** Template path from helm's `# Source:` comment, e.g. `jupyterhub/templates/hub/secret.yaml`. */
  readonly source?: string;
  readonly object: K8sObject;
}

/** Tags of the `yaml` package's YAML 1.1 schema that go-yaml does not apply to plain scalars. */
const NOT_IN_GO_YAML = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: true,
  customTags: (tags) =>
    tags.filter((t) => {
      const tag = typeof t === 'string' ? t : t.tag;
      const format = typeof t === 'string' ? undefined : (t as { format?: string }).format;
      return !NOT_IN_GO_YAML.has(tag) && format !== 'TIME';
    }),
};
const TO_JS: ToJSOptions = { maxAliasCount: 1000 };

/**
 * The objects of `helm template` output, in order. `chart` names the chart in error messages.
 * Throws a `UserError` for invalid YAML or a document that is not a Kubernetes object.
 */
export function parseHelmOutput(text: string, chart: string): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    const comments = [doc.commentBefore, (doc.contents as { commentBefore?: string } | null)?.commentBefore]
      .filter((c): c is string => typeof c === 'string')
      .join('\n');
    const source = /^\s*Source:\s*(\S.*?)\s*$/m.exec(comments)?.[1];
    const where = source ? `${chart}: ${source}` : chart;
    const error = doc.errors[0];
    if (error) throw new UserError(`helm rendered invalid YAML: ${error.message.split('\n')[0]}`, { file: where });
    const data: unknown = doc.toJS(TO_JS);
    if (data === null || data === undefined) continue;
    for (const object of unpack(data, where)) out.push(source ? { source, object } : { object });
  }
  return out;
}

function unpack(data: unknown, where: string): K8sObject[] {
  const object = asObject(data, where);
  if (object.apiVersion === 'v1' && object.kind === 'List' && Array.isArray(object.items)) {
    return object.items.map((item, i) => asObject(item, `${where}: items[${i}]`));
  }
  return [object];
}

function asObject(data: unknown, where: string): K8sObject {
  if (!isRecord(data)) throw new UserError(`helm rendered a document that is not a Kubernetes object (${describe(data)})`, { file: where });
  if (typeof data.apiVersion !== 'string' || data.apiVersion === '') throw new UserError('helm rendered an object without apiVersion', { file: where });
  if (typeof data.kind !== 'string' || data.kind === '') throw new UserError(`helm rendered an object without kind (apiVersion ${data.apiVersion})`, { file: where });
  if (!isRecord(data.metadata)) throw new UserError(`helm rendered a ${data.kind} without metadata`, { file: where });
  assertJsonData(data, where, data.kind);
  return data as K8sObject;
}

/** Throws unless `value` is plain JSON data (no NaN/Infinity, dates, binary, ...). */
function assertJsonData(value: unknown, where: string, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new UserError(`helm rendered ${value} at ${path}, which is not a JSON number`, { file: where });
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJsonData(v, where, `${path}[${i}]`));
    return;
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) assertJsonData(v, where, `${path}.${k}`);
    return;
  }
  throw new UserError(`helm rendered ${describe(value)} at ${path}, which is not JSON data`, { file: where });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}
