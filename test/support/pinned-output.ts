/**
 * Pins output files so that a failure shows what changed (issue 19, item 7):
 *
 * - a file of at most {@link READABLE_MAX} characters is pinned as its text: jest's snapshot diff
 *   shows the lines that changed;
 * - a longer file (the real charts' CRDs, JupyterHub) is pinned by its sha256 and a table of its
 *   documents, one line each (`kind namespace/name sha256`): the snapshot diff names the objects
 *   that changed. Each time a file matches its snapshot, its text is kept on this machine (a
 *   folder in the OS temp folder, by test and file), and a later mismatch prints the unified diff
 *   against that copy; without a copy (a fresh machine, as CI is) it says where it would be.
 *
 * Tests write only obviously fake secrets, so a kept copy of `dist-secrets/` holds no real one.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';

/** Longest file (in characters) pinned as its text. */
export const READABLE_MAX = 16 * 1024;

/** Longest line of a diff printed on a mismatch (the rest is counted). */
const LINE_MAX = 300;

/** Most lines of a diff printed on a mismatch (the rest is counted). */
const DIFF_MAX_LINES = 400;

/** Where the text of each long file that matched its snapshot is kept. */
export const KEPT_COPIES = path.join(os.tmpdir(), 'jhm-pinned-output');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `kind namespace/name` of one YAML document as jhm writes it (top-level keys at column 0, metadata's at 2). */
function documentIdentity(doc: string): string {
  const kind = /^kind: *(.+)$/m.exec(doc)?.[1];
  const metadata = /^metadata:\n((?: {2}.*\n?|\s*\n)*)/m.exec(doc)?.[1] ?? '';
  const name = /^ {2}name: *(.+)$/m.exec(metadata)?.[1];
  const namespace = /^ {2}namespace: *(.+)$/m.exec(metadata)?.[1];
  if (kind === undefined) return doc.trim() === '' ? '(empty)' : '(header)';
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? '?'}`;
}

/** What a long file is pinned by: its digest, then each document's identity and digest. */
export function digestTable(text: string): string {
  const docs = text.split(/^---$/m);
  return [`sha256 ${sha256(text)} (${text.length} characters, ${docs.length} documents)`, ...docs.map((d, i) => `${String(i).padStart(3)} ${documentIdentity(d)} ${sha256(d).slice(0, 16)}`)].join('\n');
}

/** What `text` is pinned by: itself when short, else its {@link digestTable}. */
export function pinnedForm(text: string): string {
  return text.length <= READABLE_MAX ? text : digestTable(text);
}

/** Where the last text of `file` that matched its snapshot in `test` is kept. */
export function keptCopy(test: string, file: string): string {
  return path.join(KEPT_COPIES, `${sha256(`${test}\0${file}`).slice(0, 32)}.txt`);
}

/** Keeps `text` as the last text of `file` that matched its snapshot in `test`. */
export function keepCopy(test: string, file: string, text: string): void {
  fs.mkdirSync(KEPT_COPIES, { recursive: true });
  fs.writeFileSync(keptCopy(test, file), text);
}

/** What a mismatch of long `file` adds to the failure: the diff of `text` against the kept copy, or where it would be. */
export function mismatchNote(test: string, file: string, text: string): string {
  const copy = keptCopy(test, file);
  const before = fs.existsSync(copy) ? fs.readFileSync(copy, 'utf8') : undefined;
  if (before === undefined) return `no kept copy of the pinned ${file} on this machine (${copy} is written when it matches): the table above names the documents that changed`;
  return `${file} against its last pinned text (kept in ${copy}):\n${shortDiff(file, before, text)}`;
}

/** The unified diff of `before` and `after`, cut to {@link DIFF_MAX_LINES} lines of at most {@link LINE_MAX} characters. */
function shortDiff(file: string, before: string, after: string): string {
  const cut = (line: string) => (line.length <= LINE_MAX ? line : `${line.slice(0, LINE_MAX)}… (${line.length} characters)`);
  const lines = createTwoFilesPatch(`pinned/${file}`, `now/${file}`, before, after, undefined, undefined, { context: 3 }).split('\n').map(cut);
  return lines.length <= DIFF_MAX_LINES ? lines.join('\n') : `${lines.slice(0, DIFF_MAX_LINES).join('\n')}\n… ${lines.length - DIFF_MAX_LINES} more lines`;
}

/**
 * Expects every file of `files` (path → text) to match its snapshot in its pinned form; a long
 * file that does not gets the diff against its kept copy added to the failure.
 */
export function expectPinnedOutputs(files: ReadonlyMap<string, string>): void {
  const test = expect.getState().currentTestName ?? '';
  expect([...files.keys()]).toMatchSnapshot('files');
  for (const [file, text] of files) {
    const form = pinnedForm(text);
    if (form === text) {
      expect(text).toMatchSnapshot(file);
      continue;
    }
    // A snapshot mismatch does not throw (jest records it and goes on): it shows as one more
    // suppressed error, and the diff is then reported as an error of its own.
    const failures = expect.getState().suppressedErrors.length;
    expect(form).toMatchSnapshot(file);
    if (expect.getState().suppressedErrors.length > failures) throw new Error(mismatchNote(test, file, text));
    keepCopy(test, file, text);
  }
}
