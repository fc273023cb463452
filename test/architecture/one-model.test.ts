/**
 * Rule (issue 19, item 1): one resolved model. A hub file in the original format (a hub with its
 * own `cluster:` mapping) and a cluster file plus hub files load into the same cluster and hub
 * model; what still differs (the prefix of the fields messages name, whether outputs carry the
 * hub's name, which hub owns the cluster, the field that sets its state) is resolved at load into
 * `Cluster.naming` (`model/cluster.ts`). Below loading nothing asks which format a cluster came
 * from: outside the loading files (and the schemas, which describe both formats) no source file
 * has an identifier, property name, string tag or comment naming the original format
 * (`dedicated`, `legacy`, `settingsKey`). Texts a user reads (messages, help) keep their words:
 * they are string literals, which the rule leaves alone unless a whole literal is such a tag.
 *
 * The layers below the CLI's tools are read: base, imports, model, project, infra, k8s, synth,
 * cli. bench/ and scripts/ are tools around the project (the benchmark compares hubs on clusters
 * of their own with a shared cluster; the reference generator documents both forms of the hub
 * schema) and are not read.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { sourceFiles } from '../support/source-files';

const ROOT = path.join(__dirname, '..', '..');

/** The folders of jhm's own code below and including the CLI. */
const LAYERS = ['base', 'imports', 'model', 'project', 'infra', 'k8s', 'synth', 'cli'];

/** Loading, and the schemas of both formats: the only files that know the original format. */
const LOADING = new Set(['model/hub.ts', 'model/cluster.ts', 'project/load.ts', 'model/hub-schema.ts', 'model/cluster-schema.ts']);

/** Words naming the original format, in code and comments. */
const FORMAT_WORD = /[Dd]edicated|DEDICATED|[Ll]egacy|LEGACY|settingsKey/;

/** Upstream facts that contain such a word and are not about jhm's formats. */
const UPSTREAM_FACTS = [/hub\.jupyter\.org\/dedicated/g];


/** Each place in `text` (TypeScript) where an identifier, a whole string literal or a comment matches `word`. */
export function formatMentions(text: string, word: RegExp = FORMAT_WORD): Array<{ line: number; what: string }> {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, false);
  const found: Array<{ pos: number; what: string }> = [];
  const every = new RegExp(word.source, 'g');
  // Literals (strings, templates, regexes) are blanked, so that what is left is code and comments.
  const chars = [...text];
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  const visit = (node: ts.Node): void => {
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isRegularExpressionLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node);
    if (literal) {
      const start = node.getStart(sf);
      // A whole literal that is one word is a tag (`format === 'legacy'`), not a message.
      if (ts.isStringLiteral(node) && /^\s*\w+\s*$/.test(node.text) && word.test(node.text)) found.push({ pos: start, what: node.getText(sf) });
      blank(start, node.getEnd());
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const code = chars.join('');
  // Upstream facts are blanked to the same length, so that a match's index stays its place in `text`.
  const clean = (s: string) => UPSTREAM_FACTS.reduce((t, re) => t.replace(re, (f) => ' '.repeat(f.length)), s);
  const comments = /\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
  for (const c of code.matchAll(comments)) {
    for (const m of clean(c[0]).matchAll(every)) found.push({ pos: c.index + m.index, what: `comment "…${m[0]}…"` });
  }
  for (const id of code.replace(comments, (c) => c.replace(/[^\n]/g, ' ')).matchAll(/[A-Za-z_$#][\w$]*/g)) {
    if (word.test(id[0])) found.push({ pos: id.index, what: id[0] });
  }
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  return found.sort((a, b) => a.pos - b.pos).map((f) => ({ line: lineOf(f.pos), what: f.what }));
}

describe('rule: below loading, no source file mentions the original format (dedicated, legacy, settingsKey): it reads the naming rules resolved at load', () => {
  test('the scan finds such an identifier, property, string tag and comment, and leaves messages and upstream facts alone', () => {
    const sample = [
      'if (cluster.dedicated) return;',
      "const f = spec.format === 'legacy';",
      'const k = settingsKey(c);',
      '// the legacy hub file',
      "throw new Error('this hub\\'s dedicated cluster is named x');",
      '/* tolerates hub.jupyter.org/dedicated=user */',
      'const t = `${a}: a dedicated cluster`;',
    ].join('\n');
    expect(formatMentions(sample)).toEqual([
      { line: 1, what: 'dedicated' },
      { line: 2, what: "'legacy'" },
      { line: 3, what: 'settingsKey' },
      { line: 4, what: 'comment "…legacy…"' },
    ]);
  });

  test('every file of base, imports, model, project, infra, k8s, synth and cli outside loading and the schemas', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(path.join(ROOT, l))).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => LOADING.has(f)).sort()).toEqual([...LOADING].sort());
    const mentions = files
      .filter((f) => !LOADING.has(f))
      .flatMap((f) => formatMentions(fs.readFileSync(path.join(ROOT, f), 'utf8')).map((m) => `${f}:${m.line}: ${m.what}`));
    expect(mentions).toEqual([]);
  });
});
