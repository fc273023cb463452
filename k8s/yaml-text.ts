/**
 * YAML text of plain JSON data, byte for byte what `referenceYamlText` writes (the `yaml` package's
 * `stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false })`, with
 * strings that YAML 1.1 would read as another type quoted),
 * several times faster: no document model, one pass over the data. The manifests of `dist/` are
 * written with it (`manifest-files.ts`); most of their bytes are CRDs passed through from helm.
 *
 * It follows `yaml`'s choices for block collections (two-space indent, sequences indented under
 * their key, `{}` and `[]` for empty ones), numbers, booleans and null, and strings: plain when
 * `yaml` would write them plain (same character rules, and the same check that a plain scalar
 * would not read back as null, a boolean or a number), else single- or double-quoted as `yaml`
 * chooses, and multi-line strings as literal block scalars with `yaml`'s chomping and indentation
 * indicators. Whatever it is not sure to write the same way (control characters, keys over 1000
 * characters or with line breaks, multi-line strings `yaml` would quote or keep-chomp, document
 * markers, anything that is not JSON data) makes it give up: `yamlText` then uses `yaml` itself.
 */
import { Document, Scalar, visit } from 'yaml';

/** The options `dist/` is written with. */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false } as const;

/** `value` as a YAML document (see the module comment). */
export function yamlText(value: unknown): string {
  return fastYamlText(value) ?? referenceYamlText(value);
}

/**
 * What `dist/` holds when the fast writer defers: `yaml`'s stringify with {@link YAML_OPTIONS},
 * except that a string a YAML 1.1 reader would take for another type is double-quoted too. kubectl
 * and Argo CD read manifests with go-yaml, which follows YAML 1.1: a plain `on`, `yes`, `y`, `off`,
 * `no`, `1:20` or `2001-12-14` would reach the API server as a boolean, a number or a timestamp.
 */
export function referenceYamlText(value: unknown): string {
  const doc = new Document(value, YAML_OPTIONS);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.type && (isOtherType(node.value) || BLANK_LINES.test(node.value))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(YAML_OPTIONS);
}

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/** The fast writer alone: the text, or undefined where it defers to `yaml` (exported for tests). */
export function fastYamlText(value: unknown): string | undefined {
  if (!isPlainObject(value) && !Array.isArray(value)) return undefined;
  try {
    return `${node(value, '')}\n`;
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/**
 * Plain scalars that would read back as another type: null, booleans and numbers in YAML 1.2
 * (`yaml`'s core schema), and in YAML 1.1 also `yes`/`no`/`on`/`off`/`y`/`n`, sexagesimal numbers,
 * timestamps and the merge key (what kubectl's go-yaml and PyYAML read).
 */
const OTHER_TYPES: readonly RegExp[] = [new Document(), new Document(null, { version: '1.1' })].flatMap((d) =>
  d.schema.tags.filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp).map((t) => t.test as RegExp),
);
const isOtherType = (s: string): boolean => OTHER_TYPES.some((re) => re.test(s));
/**
 * Lines of spaces or tabs only: `yaml` writes them as a block scalar that reads back as other text
 * (`"  \n"` comes back as `"\n"`), so they are double-quoted.
 */
const BLANK_LINES = /^(?=[^]*[ \t])(?=[^]*\n)[ \t\n]*$/;
/** What a plain scalar may not start, contain or end with (`yaml`'s `plainString`). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Characters `yaml` always writes double-quoted (control characters, lone surrogates). */
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A collection or scalar whose continuation lines are indented by `indent`; no leading indentation. */
function node(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = `${indent}  `;
    let out = '';
    for (let i = 0; i < v.length; i++) out += `${i === 0 ? '' : `\n${indent}`}- ${item(v[i], inner)}`;
    return out;
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const x = v[k];
      if (x === undefined) throw GIVE_UP;
      out += `${i === 0 ? '' : `\n${indent}`}${key(k, inner)}:`;
      if ((Array.isArray(x) && x.length > 0) || (isPlainObject(x) && Object.keys(x).length > 0)) out += `\n${inner}${node(x, inner)}`;
      else out += ` ${item(x, inner)}`;
    }
    return out;
  }
  return scalar(v, indent);
}

/** A sequence item or map value: collections as `node`, scalars at `indent`. */
function item(v: unknown, indent: string): string {
  return typeof v === 'object' && v !== null ? node(v, indent) : scalar(v, indent);
}

function scalar(v: unknown, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw GIVE_UP;
    return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  }
  if (typeof v === 'string') return v.includes('\n') ? blockString(v, indent) : lineString(v, false, indent);
  throw GIVE_UP;
}

/** A mapping key (an implicit key; `indent` is the indentation of its value). */
function key(k: string, indent: string): string {
  if (k.length > 1000 || k.includes('\n')) throw GIVE_UP;
  return lineString(k, true, indent);
}

/** A string without line breaks: plain, or quoted as `yaml` quotes it. */
function lineString(s: string, implicitKey: boolean, indent: string): string {
  if (FORCE_DOUBLE.test(s)) throw GIVE_UP;
  if (NOT_PLAIN.test(s)) return quoted(s);
  if (DOCUMENT_MARKER.test(s)) {
    // `yaml` quotes such keys of the top-level mapping only, and starts a block scalar for a top-level string.
    if (implicitKey && indent === '  ') return quoted(s);
    if (indent === '') throw GIVE_UP;
  }
  if (isOtherType(s)) return quoted(s);
  return s;
}

/** `yaml`'s choice between single and double quotes, for a string without line breaks or control characters. */
function quoted(s: string): string {
  const hasDouble = s.includes('"');
  const hasSingle = s.includes("'");
  if (hasDouble && !hasSingle) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

/** A multi-line string as a literal block scalar, content indented by `indent` (never ''). */
function blockString(s: string, indent: string): string {
  if (FORCE_DOUBLE.test(s) || /\n[\t ]+$/.test(s) || indent === '') throw GIVE_UP;
  // Chomping from the trailing whitespace: none kept ('-'), one line break ('' clip); keep ('+') is left to yaml.
  let endStart = s.length;
  while (endStart > 0 && (s[endStart - 1] === '\n' || s[endStart - 1] === '\t' || s[endStart - 1] === ' ')) endStart--;
  let end = s.substring(endStart);
  const endNl = end.indexOf('\n');
  let chomp: string;
  if (endNl === -1) chomp = '-';
  else if (s === end || endNl !== end.length - 1) throw GIVE_UP;
  else chomp = '';
  let value = s;
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
  }
  // Indentation indicator when the content starts with a space.
  let startWithSpace = false;
  let startEnd = 0;
  let startNl = -1;
  for (; startEnd < value.length; startEnd++) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNl = startEnd;
    else break;
  }
  let start = value.substring(0, startNl < startEnd ? startNl + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
