/**
 * The docs are written in plain, short sentences: no sentence of the README or a guide in docs/
 * has 50 words or more. Code blocks, tables and HTML comments are not prose; each list item is
 * read on its own; a sentence ends at ".", "!" or "?" before a capital, a backtick, a bracket or a
 * quote.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');
const MAX_WORDS = 49;

const docs = [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** The sentences of a Markdown text's prose. */
export function sentences(markdown: string): string[] {
  const prose = markdown
    .replace(/^\s*```[\s\S]*?^\s*```$/gm, ' ')
    .replace(/^\|.*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/^\s*(?:[-*]|\d+\.)\s+/gm, '\n\n');
  return prose
    .split(/\n\s*\n/)
    .map((p) => p.split(/\s+/).filter(Boolean).join(' '))
    .flatMap((p) => p.split(/(?<=[.!?])\s+(?=[A-Z`*(["])/))
    .filter((s) => s !== '');
}

test('the sentence splitter reads list items and sentences apart, and skips code', () => {
  expect(sentences('One two. Three four?\n\n- item one\n- item two\n\n```sh\nnot prose\n```\n| a | b |')).toEqual(['One two.', 'Three four?', 'item one', 'item two']);
});

test.each(docs)('rule: every sentence of %s has fewer than 50 words', (doc) => {
  const long = sentences(fs.readFileSync(path.join(REPO, doc), 'utf8'))
    .filter((s) => s.split(' ').length > MAX_WORDS)
    .map((s) => `${s.split(' ').length} words: ${s.slice(0, 100)}…`);
  expect(long).toEqual([]);
});
