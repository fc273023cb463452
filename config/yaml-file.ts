/**
 * Reading the project's YAML files (hub files, secrets files) so that every error can name the
 * line: syntax errors as `file:line: invalid YAML`, and a line for any field path.
 */
import { Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { UserError, UserErrors } from './errors';

export interface YamlFile {
  readonly doc: Document.Parsed;
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserErrors(
      doc.errors.map((e) => {
        const line = lineCounter.linePos(e.pos[0]).line;
        const message = options.quoteErrors ? `invalid YAML: ${e.message.split('\n')[0]}` : 'invalid YAML';
        return new UserError(message, { file: line ? `${display}:${line}` : display, fix: options.fix });
      }),
    );
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
  return { doc, lineOf };
}
