/**
 * Reading `helm template` output: a stream of YAML documents, each preceded by a
 * `# Source: <chart>/<path>` comment. Documents are read the way the Kubernetes API server reads
 * manifests (YAML 1.1 as in go-yaml: `0644` is octal, `yes`/`on` are booleans; timestamps and
 * `1:20` stay strings), empty documents are dropped, and `v1 List` documents are unpacked.
 *
 * Two readers, one meaning. The `yaml` package, configured below, is the reference. Most of
 * helm's output is plain YAML (no aliases, tags, merge keys or directives); such a document is
 * read by `js-yaml`, several times faster, with scalar tags that resolve plain scalars exactly as
 * the reference does (`test/helm/manifest.test.ts` compares the two on generated documents,
 * `test/helm/real-charts.test.ts` on every real chart's output). A document with anything else,
 * or one `js-yaml` refuses, is read by the reference, whose result or error then stands.
 */
import {
  constructFromEvents,
  defineMappingTag,
  defineScalarTag,
  EVENT_ALIAS,
  EVENT_DOCUMENT,
  EVENT_MAPPING,
  EVENT_SCALAR,
  EVENT_SEQUENCE,
  NOT_RESOLVED,
  parseEvents,
  SCALAR_STYLE_PLAIN,
  Schema,
  seqTag,
  strTag,
} from 'js-yaml';
import type { Event } from 'js-yaml';
import { Document, parseAllDocuments, parseDocument, ParseOptions, DocumentOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { UserError } from '../../model/errors';
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

// The plain scalars of the reference schema above (the `yaml` package's YAML 1.1 tags, in the
// order it tries them, without timestamps and sexagesimal numbers), for js-yaml.

/** An integer as the reference reads it: sign, digits without `_`, in `radix` (`parseInt`: `0_` is NaN as there). */
function integer(source: string, skip: number, radix: number): number {
  const sign = source[0] === '-' || source[0] === '+' ? 1 : 0;
  const n = parseInt(source.substring(sign + skip).replace(/_/g, ''), radix);
  return source[0] === '-' ? -1 * n : n;
}

const plainScalar = (tagName: string, resolve: (source: string) => unknown) =>
  defineScalarTag(`tag:yaml.org,2002:${tagName}`, { implicit: true, resolve: (source) => resolve(source), identify: () => false });

const PLAIN_SCHEMA = new Schema([
  strTag,
  seqTag,
  // Keys as the reference writes them into objects: null is '', other scalars their text; no complex keys.
  defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
    create: () => ({}),
    addPair: (map, key, value) => {
      if (key !== null && typeof key === 'object') return 'complex keys are read by the reference';
      Object.defineProperty(map, key === null ? '' : String(key), { value, enumerable: true, configurable: true, writable: true });
      return '';
    },
    has: (map, key) => key !== null && typeof key === 'object' ? false : Object.prototype.hasOwnProperty.call(map, key === null ? '' : String(key)),
    keys: (map) => Object.keys(map),
    get: (map, key) => map[String(key)],
    identify: () => false,
  }),
  plainScalar('null', (s) => (/^(?:~|[Nn]ull|NULL)?$/.test(s) ? null : NOT_RESOLVED)),
  plainScalar('bool', (s) => (/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/.test(s) ? true : /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/.test(s) ? false : NOT_RESOLVED)),
  plainScalar('int', (s) =>
    /^[-+]?0b[0-1_]+$/.test(s) ? integer(s, 2, 2) : /^[-+]?0[0-7_]+$/.test(s) ? integer(s, 1, 8) : /^[-+]?[0-9][0-9_]*$/.test(s) ? integer(s, 0, 10) : /^[-+]?0x[0-9a-fA-F_]+$/.test(s) ? integer(s, 2, 16) : NOT_RESOLVED,
  ),
  plainScalar('float', (s) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)
      ? s.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : s[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
      : /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/.test(s)
        ? parseFloat(s.replace(/_/g, ''))
        : NOT_RESOLVED,
  ),
]);
/** js-yaml's options: the schema above; duplicate keys and aliases are errors (the reference then reads the document). */
const PLAIN_OPTIONS = { schema: PLAIN_SCHEMA, json: false, maxAliases: 0 };

/**
 * The objects of `helm template` output, in order. `chart` names the chart in error messages.
 * Throws a `UserError` for invalid YAML or a document that is not a Kubernetes object.
 */
export function parseHelmOutput(text: string, chart: string): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  for (const { source, data } of readYamlDocuments(text, chart)) {
    const where = source ? `${chart}: ${source}` : chart;
    for (const object of unpack(data, where)) out.push(source ? { source, object } : { object });
  }
  return out;
}

/** One document of a stream with data: what it holds, and the template it came from (its `# Source:` comment). */
export interface YamlDocument {
  readonly source?: string;
  readonly data: unknown;
}

/**
 * The documents of a stream that hold data, in order, as the reference reads them: each by
 * js-yaml where it can, else by the reference. Throws a `UserError` naming `chart` (and the
 * template) for invalid YAML.
 */
export function readYamlDocuments(text: string, chart: string): YamlDocument[] {
  const documents = splitDocuments(text);
  if (documents === undefined) return readYamlDocumentsReference(text, chart);
  const out: YamlDocument[] = [];
  for (const doc of documents) {
    const source = SOURCE_COMMENT.exec(leadingComments(doc))?.[1];
    const data = readDocument(doc, source ? `${chart}: ${source}` : chart);
    if (data !== null && data !== undefined) out.push(source ? { source, data } : { data });
  }
  return out;
}

/** {@link readYamlDocuments} by the reference alone (the `yaml` package, configured above). */
export function readYamlDocumentsReference(text: string, chart: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    const comments = [doc.commentBefore, (doc.contents as { commentBefore?: string } | null)?.commentBefore]
      .filter((c): c is string => typeof c === 'string')
      .join('\n');
    const source = /^\s*Source:\s*(\S.*?)\s*$/m.exec(comments)?.[1];
    const data = referenceData(doc, source ? `${chart}: ${source}` : chart);
    if (data !== null && data !== undefined) out.push(source ? { source, data } : { data });
  }
  return out;
}

/** `# Source: <path>` among a document's leading comments. */
const SOURCE_COMMENT = /^[ \t]*#[ \t]*Source:[ \t]*(\S.*?)[ \t]*$/m;

/**
 * The documents of a stream split at its `---` lines (a line `---` at column 0 always starts a
 * document in YAML, even inside what would be a block scalar), or `undefined` when the stream
 * uses what this split does not handle: directives, `...` end markers, content after `---` on its
 * line, carriage returns. Parts without content are left out (comments before the first `---`
 * lead the first document, as the reference reads them).
 */
function splitDocuments(text: string): string[] | undefined {
  if (text.includes('\r') || /^(?:%|\.\.\.(?:[ \t]|$)|---[ \t]*[^\s#])/m.test(text)) return undefined;
  const parts = text.split(/^---[ \t]*(?:#.*)?$/m);
  // Comments before the first `---` lead the first document; another part without content is an empty document.
  if (parts.length > 1 && !/^[ \t]*[^\s#]/m.test(parts[0])) parts.splice(0, 2, parts[0] + parts[1]);
  return parts.filter((part) => /^[ \t]*[^\s#]/m.test(part));
}

/** The comment lines before a document's first line of content. */
function leadingComments(doc: string): string {
  const content = /^[ \t]*[^\s#]/m.exec(doc);
  return content ? doc.slice(0, content.index) : doc;
}

/**
 * Whether the events of a document hold what only the reference reads: a tag, an alias, a plain
 * `<<` (a merge key in YAML 1.1), or more than one document.
 */
function needsReference(events: readonly Event[], doc: string): boolean {
  let documents = 0;
  for (const e of events) {
    if (e.type === EVENT_DOCUMENT) documents += 1;
    else if (e.type === EVENT_ALIAS) return true;
    else if (e.type === EVENT_SCALAR || e.type === EVENT_MAPPING || e.type === EVENT_SEQUENCE) {
      if (e.tagStart !== -1) return true;
      if (e.type === EVENT_SCALAR && e.style === SCALAR_STYLE_PLAIN && e.valueEnd - e.valueStart === 2 && doc.startsWith('<<', e.valueStart)) return true;
    }
  }
  return documents !== 1;
}

/** One document's data: by `js-yaml` when it is plain YAML it reads, else by the reference. */
function readDocument(doc: string, where: string): unknown {
  try {
    const events = parseEvents(doc, {});
    if (!needsReference(events, doc)) return constructFromEvents(events, { ...PLAIN_OPTIONS, source: doc })[0];
  } catch {
    // The reference decides: its error, or its reading where js-yaml is stricter.
  }
  return referenceData(parseDocument(doc, YAML_OPTIONS), where);
}

/** A document's data as the reference reads it; its errors (and those of making the data, e.g. a merge of a scalar) as one `UserError`. */
function referenceData(doc: Document.Parsed, where: string): unknown {
  const error = doc.errors[0];
  let message = error?.message;
  let data: unknown;
  if (message === undefined) {
    try {
      data = doc.toJS(TO_JS);
    } catch (e) {
      message = (e as Error).message;
    }
  }
  if (message !== undefined) throw new UserError(`helm rendered invalid YAML: ${message.split('\n')[0]}`, { file: where });
  return data;
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
