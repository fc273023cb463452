/**
 * Reading the project's YAML files (hub files, secrets files) so that every error can name the
 * line: syntax errors as `file:line: invalid YAML`, and a line for any field path.
 */
import { Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { MAX_QUOTED_CHARS, truncate, UserError, UserErrors } from '../model/errors';

/**
 * Aliases a document may expand (the `yaml` package's `maxAliasCount`): beyond it, reading the
 * document is refused as a "billion laughs" attack (hub files need no aliases at all).
 */
export const MAX_YAML_ALIASES = 100;

export interface YamlFile {
  readonly doc: Document.Parsed;
  /**
   * The document as plain data. Resource limits (too many aliases, too deep) are `UserError`s
   * naming the file, never internal errors.
   */
  toJS(): unknown;
  /** The line of the deepest node that exists on `path` (or of the key whose value is missing). */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export interface ParseYamlOptions {
  /** Include the parser's message (never for files that hold secrets: it may quote the text). */
  readonly quoteErrors: boolean;
  /** What to do about a syntax error. */
  readonly fix?: string;
}

/** Parses `text` (named `display` in errors); throws `UserErrors` for syntax errors. */
export function parseYamlFile(text: string, display: string, options: ParseYamlOptions): YamlFile {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    throw limitError(e, display, options);
  }
  if (doc.errors.length > 0) {
    // The parser reports running out of stack as one error per level: one line says it.
    if (doc.errors.some((e) => /maximum call stack/i.test(e.message))) throw limitError(new RangeError(), display, options);
    const errors = doc.errors.map((e) => {
      const line = lineCounter.linePos(e.pos[0]).line;
      return new UserError(syntaxMessage(e.message, options), { file: display, line: line || undefined, fix: options.fix });
    });
    const shown = errors.slice(0, MAX_SYNTAX_ERRORS);
    if (errors.length > shown.length) shown.push(new UserError(`and ${errors.length - shown.length} more YAML errors`, { file: display }));
    throw new UserErrors(shown);
  }
  const line = (node: unknown): number | undefined => (isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const lineOf = (p: readonly PropertyKey[]): number | undefined => {
    for (let n = p.length; n >= 0; n--) {
      const found = line(doc.getIn(p.slice(0, n) as (string | number)[], true));
      if (found !== undefined) return found;
      if (n > 0) {
        // A key whose value is missing: point at the key in the parent mapping.
        const parent = n > 1 ? doc.getIn(p.slice(0, n - 1) as (string | number)[], true) : doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[n - 1]);
          if (pair) return line(pair.key);
        } else if (isSeq(parent)) {
          return line(parent);
        }
      }
    }
    return undefined;
  };
  const toJS = (): unknown => {
    try {
      return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e) {
      throw limitError(e, display, options);
    }
  };
  return { doc, lineOf, toJS };
}

/** Syntax errors shown for one file (a binary file would give thousands). */
const MAX_SYNTAX_ERRORS = 10;

/** The first line of a parser message, bounded, or nothing of it when it must not be quoted. */
function syntaxMessage(message: string, options: ParseYamlOptions): string {
  return options.quoteErrors ? `invalid YAML: ${truncate(message.split('\n')[0], 2 * MAX_QUOTED_CHARS)}` : 'invalid YAML';
}

/**
 * A `yaml` error thrown while reading a document (resource limits, an alias without its anchor)
 * as a `UserError` naming the file; any other error as it is.
 */
function limitError(e: unknown, display: string, options: ParseYamlOptions): unknown {
  if (e instanceof ReferenceError && /excessive alias count/i.test(e.message)) {
    return new UserError(`expands more than ${MAX_YAML_ALIASES} YAML aliases (refused as a resource exhaustion attack)`, { file: display, fix: 'write the values out instead of using aliases (*name)' });
  }
  if (e instanceof ReferenceError && /alias/i.test(e.message)) {
    return new UserError(syntaxMessage(e.message, options), { file: display, fix: options.fix });
  }
  if (e instanceof RangeError) {
    return new UserError('is nested too deeply to read', { file: display, fix: 'a hub or secrets file needs only a few levels of nesting' });
  }
  return e;
}
