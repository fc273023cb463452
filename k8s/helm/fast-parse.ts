/**
 * The fast reader of `helm template` output: js-yaml (a plain-data parser, about 3× faster than the
 * `yaml` document model on the real charts' 1.5 MB of CRDs) with a schema that resolves plain
 * scalars exactly as `yaml`'s YAML 1.1 schema does in manifest.ts (same regexes, same conversions,
 * no timestamps, binary, sets, pairs, omap or sexagesimal numbers).
 *
 * It answers only for streams it is sure to read exactly as `yaml` does; for anything else it
 * returns `undefined` and the caller reads the text with `yaml`. It gives up on:
 *  - any js-yaml error (so every error message comes from `yaml`),
 *  - anchors, aliases, explicit tags (`!!str`, `!`, `!local`), `<<` merge keys,
 *  - keys that are null (`~:`, `null:`, `: x`) or collections (`[a]: b`, `? {a: b}`),
 *  - directives (`%YAML`), document end markers (`...`), content on a `---` line,
 *  - a `#` right after a node (`"a"#c`: `yaml` wants a space before a comment),
 *  - a tab in a line's leading whitespace (`yaml` rejects tabs as indentation where js-yaml skips them),
 *  - comments before a first document that has no `---`,
 *  - line breaks other than `\n` and `\r\n` (a lone `\r`, NEL, LS, PS) and byte-order marks.
 * test/helm/manifest-parse.test.ts compares both readers on the charts' output and on generated YAML.
 */
import { loadAll, Schema, Type } from 'js-yaml';

/** One document of the stream: its data and the `# Source:` template path from its leading comments. */
export interface ParsedDocument {
  readonly source?: string;
  readonly data: unknown;
}

/** Syntax the fast reader leaves to `yaml`: directives, `...`, content after `---`, explicit `?` keys, tabs in indentation, odd line breaks. */
const NOT_FAST = /^(?:%|\.\.\.(?:[ \t]|$)|---[ \t]*[^ \t\r\n])|^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)|[[{,][ \t]*\?(?:[ \t]|$)|^ *\t|\r(?!\n)|[\u0085\u2028\u2029\ufeff]/m;

let risky = false;

/**
 * A plain-scalar type of `yaml`'s YAML 1.1 schema: the first of `forms` whose test matches
 * resolves the scalar. (js-yaml keeps one type per tag, so the forms of one tag share a type.)
 * An explicit tag (`!!int 1`) marks the stream risky.
 */
function implicit(tag: string, forms: readonly (readonly [RegExp, (s: string) => unknown])[]): Type {
  return new Type(tag, {
    kind: 'scalar',
    resolve: (data: unknown, explicitTag?: string) => {
      if (explicitTag !== undefined) risky = true;
      return typeof data === 'string' && forms.some(([test]) => test.test(data));
    },
    construct: (data: string) => {
      for (const [test, construct] of forms) if (test.test(data)) return construct(data);
      return data;
    },
  });
}

/** The failsafe types, only ever used through an explicit tag (`!!str`, `!!map`, `!!seq`): risky. */
function explicitOnly(tag: string, kind: 'scalar' | 'sequence' | 'mapping'): Type {
  return new Type(tag, {
    kind,
    resolve: () => {
      risky = true;
      return true;
    },
    construct: (data: unknown) => data,
  });
}

/** `yaml`'s intResolve (schema/yaml-1.1/int.js) without BigInt. */
function int(str: string, offset: number, radix: number): number {
  const sign = str[0];
  if (sign === '-' || sign === '+') offset += 1;
  const n = parseInt(str.substring(offset).replace(/_/g, ''), radix);
  return sign === '-' ? -1 * n : n;
}

/** In `yaml`'s order: the first form whose test matches a plain scalar resolves it (compose-scalar.js). */
const SCHEMA = new Schema({
  implicit: [
    implicit('tag:yaml.org,2002:null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]]),
    implicit('tag:yaml.org,2002:bool', [
      [/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/, () => true],
      [/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/, () => false],
    ]),
    implicit('tag:yaml.org,2002:int', [
      [/^[-+]?0b[0-1_]+$/, (s) => int(s, 2, 2)],
      [/^[-+]?0[0-7_]+$/, (s) => int(s, 1, 8)],
      [/^[-+]?[0-9][0-9_]*$/, (s) => int(s, 0, 10)],
      [/^[-+]?0x[0-9a-fA-F_]+$/, (s) => int(s, 2, 16)],
    ]),
    implicit('tag:yaml.org,2002:float', [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
      ],
      [/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/, (s) => parseFloat(s.replace(/_/g, ''))],
      [/^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/, (s) => parseFloat(s.replace(/_/g, ''))],
    ]),
  ],
  explicit: [
    explicitOnly('tag:yaml.org,2002:str', 'scalar'),
    explicitOnly('tag:yaml.org,2002:seq', 'sequence'),
    explicitOnly('tag:yaml.org,2002:map', 'mapping'),
  ],
});

/** The js-yaml state fields the listener reads. */
interface ListenerState {
  readonly input: string;
  readonly position: number;
  readonly depth: number;
  readonly tag: string | null;
  readonly anchor: string | null;
  readonly kind: string | null;
  readonly result: unknown;
}

/**
 * The documents of `text` read exactly as manifest.ts reads them with `yaml` (empty ones included,
 * as null), or `undefined` when the text has anything the fast reader leaves to `yaml`.
 */
export function fastParseDocuments(text: string): ParsedDocument[] | undefined {
  if (NOT_FAST.test(text)) return undefined;
  const starts: number[] = [];
  const opens: number[] = [];
  let data: unknown[];
  risky = false;
  try {
    data = loadAll(text, null, {
      schema: SCHEMA,
      listener: (event, jsYamlState) => {
        const state = jsYamlState as unknown as ListenerState;
        if (event === 'open') {
          if (state.depth === 1) starts.push(state.position);
          opens.push(state.position);
          return;
        }
        const open = opens.pop() as number;
        if (risky) return;
        const { result, input } = state;
        // `"a"#c` and `[a]#c`: `yaml` wants a space before a comment; js-yaml does not.
        if (state.anchor !== null || state.tag === '!' || result === '<<' || input[state.position] === '#') risky = true;
        else if (result === null || typeof result === 'object') {
          // A null or collection node followed by `:` on its line is a key: `yaml` names it differently.
          let i = state.position;
          while (input[i] === ' ' || input[i] === '\t') i++;
          if (input[i] === ':') risky = true;
        }
        if (!risky && state.kind !== null && !wellIndented(input, open, state.position, state.kind)) risky = true;
      },
    });
  } catch {
    return undefined;
  }
  if (risky || starts.length !== data.length) return undefined;
  const out: ParsedDocument[] = [];
  for (let i = 0; i < data.length; i++) {
    const source = sourceOf(text, starts[i]);
    if (source === null) return undefined;
    out.push(source === undefined ? { data: data[i] } : { source, data: data[i] });
  }
  return out;
}

/**
 * Whether a scalar or flow collection node that spans lines has every continuation line indented
 * deeper than the line it starts on (past any `- `). js-yaml does not check the indentation of
 * quoted scalars and flow collections, `yaml` does; when this does not hold, `yaml` decides.
 * Block collections are not checked (their own lines are read by indentation by both readers).
 */
function wellIndented(input: string, open: number, end: number, kind: string): boolean {
  let i = open;
  for (;;) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') while (i < end && input[i] !== '\n') i++;
    else break;
  }
  if (kind !== 'scalar' && input[i] !== '[' && input[i] !== '{') return true;
  let nl = input.indexOf('\n', i);
  if (nl === -1 || nl >= end) return true;
  const lineStart = input.lastIndexOf('\n', i - 1) + 1;
  let j = lineStart;
  for (;;) {
    while (input[j] === ' ') j++;
    if (input[j] === '-' && input[j + 1] === ' ' && j < i) j++;
    else break;
  }
  const indent = j - lineStart;
  while (nl !== -1 && nl < end) {
    let k = nl + 1;
    while (k < end && input[k] === ' ') k++;
    const c = input[k];
    const blank = k >= end || c === '\n' || (c === '\r' && input[k + 1] === '\n');
    if (!blank && (c === '\t' || k - nl - 1 <= indent)) return false;
    nl = input.indexOf('\n', nl + 1);
  }
  return true;
}

/**
 * The `# Source:` path among the comments between the `---` before the document starting at
 * `start` and its content; `null` (leave it to `yaml`) for comments before a first document
 * without `---`, which `yaml` gives to the first key or the document depending on blank lines.
 */
function sourceOf(text: string, start: number): string | undefined | null {
  const comments: string[] = [];
  let end = text.lastIndexOf('\n', start - 1);
  let marker = false;
  while (end >= 0) {
    const from = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(from, end).trim();
    if (/^---(?:[ \t]|$)/.test(line)) {
      marker = true;
      break;
    }
    if (line.startsWith('#')) comments.push(line.slice(1));
    end = from - 1;
  }
  if (!marker && comments.length > 0) return null;
  return /^\s*Source:\s*(\S.*?)\s*$/m.exec(comments.reverse().join('\n'))?.[1];
}
