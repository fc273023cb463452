/**
 * The README links to the guides and the references, and they link to each other: every relative
 * link of README.md and docs/ (generated references included) names a file that exists and, with
 * `#anchor`, a heading of that file, so a moved section cannot leave a dead link behind.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');

/** README.md and every Markdown file under docs/, relative to the repository. */
function docFiles(): string[] {
  const found: string[] = ['README.md'];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(REPO, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.md')) found.push(r);
    }
  };
  walk('docs');
  return found;
}

/** Text outside fenced code blocks and inline code. */
function prose(text: string): string {
  return text.replace(/^\s*```[\s\S]*?^\s*```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchor GitHub gives a heading: lowercased, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/&lt;|&gt;|&amp;/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of the headings of `file` (outside code blocks). */
function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/^\s*```[\s\S]*?^\s*```$/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

test.each(docFiles())('rule: every relative link of %s names an existing file and heading', (doc) => {
  const dead: string[] = [];
  for (const m of prose(fs.readFileSync(path.join(REPO, doc), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/.test(target)) continue;
    const [file, hash] = target.split('#');
    const resolved = file === '' ? path.join(REPO, doc) : path.resolve(path.dirname(path.join(REPO, doc)), file);
    if (!fs.existsSync(resolved)) dead.push(`${target} (no file)`);
    else if (hash !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(hash)) dead.push(`${target} (no heading)`);
  }
  expect(dead).toEqual([]);
});
