/**
 * Rule (issue 13): helm's output is read by a fast reader (k8s/helm/fast-parse.ts, js-yaml) only
 * where it gives exactly what the reference reader (`yaml`, YAML 1.1 as go-yaml reads it) gives:
 * the same documents, data (numbers, -0, booleans, nulls, strings byte for byte, key order) and
 * `# Source:` paths; for anything else, and for every error, the reference reader decides.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { isDeepStrictEqual } from 'util';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { packageTestCharts } from '../../bench/test-charts';
import { CHARTS } from '../../config/versions';
import { archiveName } from '../../k8s/helm/chart-lock';
import { fastParseDocuments } from '../../k8s/helm/fast-parse';
import { parseHelmOutput, parseWithYaml, readWithYaml } from '../../k8s/helm/manifest';
import { realHelm } from './helpers';

/** What a reader makes of `text`: its objects, or its error message. */
function outcome(read: (text: string, chart: string) => unknown, text: string): unknown {
  try {
    return { ok: read(text, 'chart') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The fast reader's documents equal `yaml`'s (when it answers), and parseHelmOutput equals the reference. */
function expectSameReading(text: string): boolean {
  const fast = fastParseDocuments(text);
  if (fast !== undefined) {
    const reference = [...readWithYaml(text)];
    expect(reference.every((d) => d.error === undefined)).toBe(true);
    expect(fast.length).toBe(reference.length);
    fast.forEach((doc, i) => {
      if (doc.data !== null) expect(doc.source).toBe(reference[i].source);
      // isDeepStrictEqual tells -0 from 0 and compares key order through the writer below.
      if (!isDeepStrictEqual(doc.data, reference[i].data)) expect(doc.data).toEqual(reference[i].data);
      expect(JSON.stringify(doc.data)).toBe(JSON.stringify(reference[i].data));
    });
  }
  const got = outcome(parseHelmOutput, text);
  const want = outcome(parseWithYaml, text);
  if (!isDeepStrictEqual(got, want)) expect(got).toEqual(want);
  return fast !== undefined;
}

const run = promisify(execFile);

async function renders(chartsDir: string): Promise<Record<string, string>> {
  const helm = await realHelm();
  const out: Record<string, string> = {};
  for (const chart of Object.values(CHARTS)) {
    const archive = path.join(chartsDir, archiveName(chart));
    if (!fs.existsSync(archive)) continue;
    const { stdout } = await run(helm, ['template', 'release', archive, '--namespace', 'ns', '--include-crds', '--skip-tests'], {
      maxBuffer: 64 << 20,
    });
    out[chart.name] = stdout;
  }
  return out;
}

describe('the charts render to text the fast reader reads exactly as yaml does, and takes', () => {
  test('test charts', async () => {
    const texts = await renders(await packageTestCharts());
    expect(Object.keys(texts).length).toBeGreaterThan(0);
    for (const text of Object.values(texts)) {
      expect(expectSameReading(text)).toBe(true);
      expect(expectSameReading(text.replace(/\r?\n/g, '\r\n'))).toBe(true);
    }
  }, 120_000);

  const real = process.env.JHM_CHARTS_DIR;
  (real && fs.existsSync(path.join(real, archiveName(CHARTS.jupyterhub))) ? test : test.skip)(
    'real charts (JHM_CHARTS_DIR)',
    async () => {
      const texts = await renders(real as string);
      for (const text of Object.values(texts)) {
        expect(expectSameReading(text)).toBe(true);
        expect(expectSameReading(text.replace(/\r?\n/g, '\r\n'))).toBe(true);
      }
    },
    120_000,
  );
});

/** Strings made of the characters and words where YAML's scalar rules differ (as in test/k8s/yaml-text.test.ts). */
const trickyString = fc.oneof(
  fc.string({
    unit: fc.constantFrom('a', 'Z', '1', '0', ' ', '  ', '\n', '\t', ':', '#', '-', '?', "'", '"', '%', '.', '{', '}', '[', ']', ',', '|', '>', '&', '*', '!', '@', '`', '~', 'é', '\u00a0', '\u0085', '\x07', '\r', '\\', 'x', 'e', '+', '_', '<<'),
    maxLength: 24,
  }),
  fc.constantFrom(
    '', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'Off', 'y', 'N', 'null', 'Null', 'NULL', '~', '1', '-1', '+1', '-0', '0', '00', '0_', '089', '0x1F', '0x_', '0o17', '017', '0b101', '-0b1', '1_000',
    '1e3', '1E-3', '1.5', '1.50', '-0.0', '.5', '5.', '._', '1_0.0_1', '1:20', '1:20:30.5', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
    '9007199254740993', '123456789012345678901234567890', '<<', '=', '---', '--- a', '...', '%x', '- a', '? a', 'a: b', 'a #b', 'a#b', ' a', 'a ', 'a:', 'line\n', 'line\n\n', '\nline', '  lead\nx', 'x\n  \ny', 'x\n \n', 'a\r\nb', '__proto__', 'constructor', 'toString',
  ),
  fc.string({ maxLength: 30 }),
);

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A Kubernetes-looking object holding `data` (so parseHelmOutput takes it, unless the data is not JSON). */
const object = fc.record({ data: fc.dictionary(trickyString, value, { maxKeys: 5 }), name: trickyString }).map(({ data, name }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
}));

/** `yaml`'s writer in the styles helm charts are written in. */
const writerOptions = fc.record({
  version: fc.constantFrom('1.1' as const, '1.2' as const),
  collectionStyle: fc.constantFrom('any' as const, 'flow' as const, 'block' as const),
  defaultStringType: fc.constantFrom('PLAIN' as const, 'QUOTE_DOUBLE' as const, 'QUOTE_SINGLE' as const, 'BLOCK_LITERAL' as const, 'BLOCK_FOLDED' as const),
  defaultKeyType: fc.constantFrom(null, 'PLAIN' as const, 'QUOTE_DOUBLE' as const),
  indent: fc.constantFrom(2, 4),
  lineWidth: fc.constantFrom(0, 20, 80),
  indentSeq: fc.boolean(),
});

/** helm's stream: `---`, a `# Source:` comment (sometimes more comments, blank lines), the document; empty and comment-only documents too. */
const stream = fc
  .array(
    fc.record({
      doc: fc.oneof({ weight: 5, arbitrary: fc.tuple(object, writerOptions).map(([o, opts]) => stringify(o, opts)) }, fc.constantFrom('', '# only a comment\n', '\n', 'null\n', '{}\n')),
      source: fc.constantFrom('c/templates/a.yaml', 'c/templates/sub dir/b.yaml ', ''),
      extra: fc.constantFrom('', '# licence\n', '\n# licence\n\n', '  # indented\n'),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((docs) =>
    fc.constantFrom('\n', '\r\n').map((eol) =>
      docs
        .map(({ doc, source, extra }) => `---\n${source ? `# Source: ${source}\n` : ''}${extra}${doc}`)
        .join('')
        .replace(/\n/g, eol),
    ),
  );

test('yaml-written streams of tricky data read the same (property)', () => {
  let fast = 0;
  fc.assert(
    fc.property(stream, (text) => {
      if (expectSameReading(text)) fast++;
    }),
    { numRuns: 1500 },
  );
  expect(fast).toBeGreaterThan(500);
});

/** helm templates interpolate values unescaped: `key: {{ v }}`, `key: "{{ v }}"`, `key: '{{ v }}'`, `{{ v | nindent }}`, flow lists. */
const template = fc
  .tuple(
    fc.array(
      fc.tuple(trickyString, fc.constantFrom('plain', 'double', 'single', 'literal', 'folded', 'flowSeq', 'flowMap', 'keyed'), fc.constantFrom('', '-', '+')),
      { minLength: 1, maxLength: 5 },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([entries, eol]) => {
    const lines = entries.map(([v, style, chomp], i) => {
      const indented = v.replace(/\n/g, '\n    ');
      switch (style) {
        case 'plain':
          return `  k${i}: ${v}`;
        case 'double':
          return `  k${i}: "${v}"`;
        case 'single':
          return `  k${i}: '${v}'`;
        case 'literal':
          return `  k${i}: |${chomp}\n    ${indented}`;
        case 'folded':
          return `  k${i}: >${chomp}\n    ${indented}`;
        case 'flowSeq':
          return `  k${i}: [a, ${v}, "b"]`;
        case 'flowMap':
          return `  k${i}: {a: ${v}, ${v}: b}`;
        default:
          return `  ${v}: k${i}`;
      }
    });
    return `---\n# Source: c/templates/t.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${lines.join('\n')}\n`.replace(/\n/g, eol);
  });

test('helm-like templates with unescaped tricky values read the same, errors included (property)', () => {
  fc.assert(fc.property(template, (text) => void expectSameReading(text)), { numRuns: 3000 });
});

/** Malformed YAML: one edit of a valid stream; js-yaml must never accept what `yaml` rejects or read it differently. */
test('one-character edits of valid streams give the same objects or the same error (property)', () => {
  const edit = fc.tuple(
    stream,
    fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(' ', '  ', '\t', ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '"', "'", '\n', '\n ', '#', ' #', '&a ', '*a', '!', '!!str ', '|', '>', '?', '? ', '%', '\\', '<<: ', '---\n', '...\n', '~', '\r')), { minLength: 1, maxLength: 3 }),
  );
  fc.assert(
    fc.property(edit, ([text, edits]) => {
      let t = text;
      for (const [at, kind, s] of edits) {
        const i = at % (t.length + 1);
        t = kind === 0 ? t.slice(0, i) + s + t.slice(i) : kind === 1 ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + s + t.slice(i + 1);
      }
      expectSameReading(t);
    }),
    { numRuns: 3000 },
  );
});

test('examples: the rare constructs go to yaml and read as yaml reads them', () => {
  const cases = [
    'apiVersion: v1\nkind: A\nmetadata: {}\n~: x\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\n[a, b]: x\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\n? {a: b}\n: x\n',
    'apiVersion: v1\nkind: A\nmetadata: &m {n: 1}\nother: *m\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nx: !!str 012\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nx: ! 012\n',
    '%YAML 1.1\n---\napiVersion: v1\nkind: A\nmetadata: {}\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\n...\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nx: 1\nx: 2\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\n1: a\n"1": b\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nx: [1\n',
    'apiVersion: v1\nkind: A\nmetadata: {}\nx: 2001-12-14\ny: 1:20\nz: 0644\nw: yes\nv: 0x_\n',
    '---\n# Source: c/t.yaml\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n  metadata: {}\n',
    '---\n# Source: c/t.yaml\n- not an object\n',
    '---\n# Source: c/t.yaml\napiVersion: v1\nkind: A\nmetadata: {}\nx: .inf\n',
    'apiVersion: v1\r\nkind: A\rmetadata: {}\n',
  ];
  for (const text of cases) expectSameReading(text);
  expect(fastParseDocuments(cases[0])).toBeUndefined();
  expect(fastParseDocuments(cases[3])).toBeUndefined();
  expect(fastParseDocuments(cases[12])).toBeDefined();
});
