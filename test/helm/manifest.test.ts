/** Reading helm's output and finishing the objects, on hand-written helm output (no helm needed). */
import { isDeepStrictEqual } from 'util';
import fc from 'fast-check';
import { UserError } from '../../model/errors';
import { packagedChartPins } from '../../project/chart-pins';
import { parseHelmOutput, readYamlDocuments, readYamlDocumentsReference } from '../../k8s/helm/manifest';
import { finishObjects } from '../../k8s/helm/post-process';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

const chart = CHARTS.jupyterhub;
const out = (...docs: string[]): string => docs.map((d) => `---\n${d}`).join('\n');

describe('reading helm template output', () => {
  test('each document keeps its # Source template; empty documents are dropped; order is kept', () => {
    const docs = parseHelmOutput(
      out(
        '# Source: jupyterhub/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a',
        '# Source: jupyterhub/templates/empty.yaml',
        '',
        '# Source: jupyterhub/templates/b.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b',
      ),
      'jupyterhub 4.4.0',
    );
    expect(docs.map((d) => [d.source, d.object.kind, d.object.metadata.name])).toEqual([
      ['jupyterhub/templates/a.yaml', 'ConfigMap', 'a'],
      ['jupyterhub/templates/b.yaml', 'Secret', 'b'],
    ]);
  });

  test('scalars are read as the API server reads them (go-yaml, YAML 1.1): octal, yes/on booleans; timestamps and 1:20 stay strings', () => {
    const [doc] = parseHelmOutput(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nmode: 0644\nflag: on\nwhen: 2024-01-01\nratio: 1:20\nquoted: "0644"\nhex: 0x1F\n',
      'c',
    );
    expect(doc.object).toMatchObject({ mode: 420, flag: true, when: '2024-01-01', ratio: '1:20', quoted: '0644', hex: 31 });
  });

  test('a v1 List is unpacked into its items', () => {
    const docs = parseHelmOutput(
      'apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n',
      'c',
    );
    expect(docs.map((d) => d.object.metadata.name)).toEqual(['a', 'b']);
  });

  test.each([
    ['a duplicate key', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}', /invalid YAML/],
    ['a document that is a list', '- a\n- b', /not a Kubernetes object \(a list\)/],
    ['an object without kind', 'apiVersion: v1\nmetadata: {name: a}', /without kind/],
    ['an object without metadata', 'apiVersion: v1\nkind: ConfigMap', /ConfigMap without metadata/],
    ['a number JSON cannot hold', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx: .inf', /Infinity at ConfigMap\.x/],
  ])('%s is a UserError naming the chart and template', (_what, doc, message) => {
    const attempt = (): unknown => parseHelmOutput(`---\n# Source: jupyterhub/templates/bad.yaml\n${doc}\n`, 'jupyterhub 4.4.0');
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (e) {
      expect((e as UserError).file).toBe('jupyterhub 4.4.0: jupyterhub/templates/bad.yaml');
    }
  });
});

describe('finishing objects', () => {
  const hookDocs = (): ReturnType<typeof parseHelmOutput> =>
    parseHelmOutput(
      out(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-connection\n  annotations: {helm.sh/hook: test}',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: old-test\n  annotations: {helm.sh/hook: test-success}',
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations: {"helm.sh/hook": "pre-upgrade", "helm.sh/hook-weight": "5"}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain',
      ),
      'c',
    );

  test('test hooks are dropped even when keepHooks says to keep them', () => {
    const result = finishObjects(hookDocs(), { chart, namespace: 'ns', keepHooks: (h) => h.kind === 'Pod' });
    expect(result.objects.map((o) => o.metadata.name)).toEqual(['plain']);
    expect(result.droppedHooks).toEqual([
      { kind: 'Pod', name: 'test-connection', hooks: ['test'] },
      { kind: 'Pod', name: 'old-test', hooks: ['test-success'] },
      { kind: 'Job', name: 'migrate-', hooks: ['pre-upgrade'] },
    ]);
  });

  test('keepHooks sees a frozen copy: it cannot change the rendered objects', () => {
    const docs = parseHelmOutput('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: h\n  annotations: {helm.sh/hook: post-install}\ndata: {a: "1"}\n', 'c');
    const result = finishObjects(docs, {
      chart,
      namespace: 'ns',
      keepHooks: (h) => {
        expect(() => ((h.object.data as Record<string, string>).a = '2')).toThrow(TypeError);
        return true;
      },
    });
    expect(result.objects[0].data).toEqual({ a: '1' });
    expect(result.objects[0].metadata).toEqual({ name: 'h', namespace: 'ns' });
  });

  test('a kept hook without metadata.name (generateName) is a UserError', () => {
    expect(() => finishObjects(hookDocs(), { chart, namespace: 'ns', keepHooks: (h) => h.kind === 'Job' })).toThrow(/Job without metadata.name/);
  });

  test('built-in cluster-scoped kinds are matched by API group, not kind alone', () => {
    const docs = parseHelmOutput(
      out(
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: wrong}',
        'apiVersion: example.com/v1\nkind: Namespace\nmetadata: {name: b}',
        'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: c, namespace: wrong}',
      ),
      'c',
    );
    const { objects } = finishObjects(docs, { chart, namespace: 'ns' });
    expect(objects.map((o) => o.metadata.namespace)).toEqual([undefined, 'ns', undefined]);
  });
});

describe('rule: the fast reader (js-yaml) reads every document exactly as the reference (the yaml package, YAML 1.1 as go-yaml) does', () => {
  /** Both readings of `text`: equal data and sources, or both a UserError. */
  const same = (text: string): void => {
    let fast: unknown;
    let reference: unknown;
    try {
      fast = readYamlDocuments(text, 'c');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      fast = 'error';
    }
    try {
      reference = readYamlDocumentsReference(text, 'c');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      reference = 'error';
    }
    // isDeepStrictEqual: NaN equals NaN, -0 is not 0, key order and own properties count.
    if (!isDeepStrictEqual(fast, reference)) expect({ text, fast }).toEqual({ text, fast: reference });
  };

  /** Plain scalars where YAML 1.1 (go-yaml) and YAML 1.2 or js-yaml's own YAML 1.1 differ, and near misses. */
  const TRICKY_SCALARS = [
    '0644', '0o17', '08', '09', '0_', '00', '+0', '-0', '1_000', '0x1F', '-0x1F', '0x_1', '0b101', '+0b11', '0b', '12', '+12', '123456789012345678901234567890',
    '1.5', '.5', '1.', '-.5', '1e3', '1E3', '1e+3', '1.0e3', '1_0.5', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '1:20', '190:20:30', '1:2.5',
    '~', 'null', 'Null', 'NULL', 'nULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'yEs', 'n', 'NO', 'on', 'On', 'ON', 'off', 'true', 'False', 'TRUE', 'tRue',
    '2024-01-01', '2024-01-01T10:00:00Z', '<<', '=', '-', 'a b', 'x%y', '@', '`', '|', '>', '*', '&', '!', 'é', '😀',
  ];
  const scalar = fc.oneof(fc.constantFrom(...TRICKY_SCALARS), fc.stringMatching(/^[-+]?(?:0[xbo])?[0-9a-fA-F_.eE:+~-]{0,6}$/), fc.string({ maxLength: 8 }));
  /** A scalar in one of YAML's styles (plain only where it stays one scalar on its line). */
  const styledScalar = fc.tuple(scalar, fc.constantFrom('plain', 'single', 'double', 'literal', 'folded', 'flow-seq', 'flow-map')).map(([v, style]) => {
    switch (style) {
      case 'plain':
        return /^[^\s#:,\[\]{}&*!|>'"%@`?-][^#:\n]*$/.test(v) && !/\s$/.test(v) ? ` ${v}` : ` '${v.replace(/'/g, "''")}'`;
      case 'single':
        return ` '${v.replace(/'/g, "''").replace(/\n/g, '\n\n')}'`;
      case 'double':
        return ` ${JSON.stringify(v)}`;
      case 'literal':
        return ` |\n${v.split('\n').map((l) => `    ${l}`).join('\n')}`;
      case 'folded':
        return ` >-\n${v.split('\n').map((l) => `    ${l}`).join('\n')}`;
      case 'flow-seq':
        return ` [${JSON.stringify(v)}, ${/^[\w.+-]+$/.test(v) ? v : '1'}]`;
      default:
        return ` {k: ${JSON.stringify(v)}}`;
    }
  });
  /** Values written in YAML's rarer syntax: its own escapes, block indicators, folding, flow collections, explicit keys. */
  const SYNTAX = [
    ' "\\x41\\u00e9\\N\\_\\e\\0\\a\\b\\t\\/\\ \\L\\P\\U0001F600"',
    ' "a\\\n    b"',
    ' "line\n\n    next  \n    last"',
    " 'it''s\n\n    x'",
    ' |+\n    a\n\n',
    ' |2\n     a\n    b',
    ' |-\n    a\n    \n    b\n',
    ' >+\n    a\n    b\n\n',
    ' >\n    a\n\n      more\n    b\n   ',
    ' >-\n\n    a\n',
    ' a\n    b\n\n    c',
    ' a b  # comment',
    ' b\t# tab then comment',
    ' {a: 1, b: [x, y], "c": {d: e}}',
    ' [a, {b: c}, [d], ]',
    ' {a, b: , c: ~}',
    ' [a: b, c]',
    ' [\n    1,\n    2\n  ]',
    ' {\n    a: 1\n  }',
    '',
    ' ""',
    " ''",
    ' - a\n    - b',
  ];
  const key = fc.oneof(fc.constantFrom('a', 'b', 'apiVersion', 'on', 'yes', 'null', '~', '1', '0644', '1.5', '__proto__', 'constructor', '"quoted"', "'x'", '<<'), fc.stringMatching(/^[a-z][a-z0-9.-]{0,5}$/));
  const styled = fc.oneof({ arbitrary: styledScalar, weight: 4 }, { arbitrary: fc.constantFrom(...SYNTAX), weight: 1 });
  const document = fc.array(fc.tuple(key, styled, fc.boolean()), { minLength: 0, maxLength: 5 }).map((pairs) =>
    pairs.map(([k, v, nested]) => (nested ? `${k}:\n  inner:${v.replace(/\n {4}/g, '\n      ')}\n  list:\n  -${v.replace(/\n {4}/g, '\n      ')}` : `${k}:${v}`)).join('\n'),
  );
  const stream = fc
    .array(fc.tuple(fc.option(fc.constantFrom('# Source: chart/templates/a.yaml', '# a comment', '# Source: chart/templates/b.yaml\n# more'), { nil: undefined }), document), { minLength: 1, maxLength: 4 })
    .map((docs) => docs.map(([comment, body]) => `---\n${comment ? `${comment}\n` : ''}${body}\n`).join(''));

  test('property: on generated streams (tricky plain scalars, every scalar style, nesting, comments)', () => {
    fc.assert(fc.property(stream, same), { numRuns: 400 });
  });

  test('each scalar alone, as a value, a key and a list item; each piece of rarer syntax as a value, nested and in a list', () => {
    for (const v of TRICKY_SCALARS) for (const text of [`k: ${v}\n`, `${v}: k\n`, `- ${v}\n`, `k: [${v}]\n`]) same(text);
    for (const v of SYNTAX) for (const text of [`k:${v}\n`, `a:\n  k:${v.replace(/\n {4}/g, '\n      ')}\n`, `-${v}\n`]) same(text);
  });

  test('what only the reference reads is left to it: tags, aliases, merge keys, directives, end markers, CRLF, duplicate keys', () => {
    for (const text of [
      'k: !!str 12\n',
      'k: !!float 1\n',
      'k: !!timestamp 2020-01-01\n',
      'k: !foo x\n',
      'a: &x {b: 1}\nc: *x\n',
      'base: &b {x: 1}\nk:\n  <<: *b\n  y: 2\n',
      'k:\n  <<: {x: 1}\n',
      '%YAML 1.1\n---\nk: 0644\n',
      'k: 1\n...\n---\nk: 2\n',
      '--- {k: 1}\n--- {k: 2}\n',
      'k: on\r\nj: 0644\r\n',
      'k: 1\nk: 2\n',
      'on: 1\ntrue: 2\n',
      '1: a\n"1": b\n',
      '~: a\nnull: b\n',
      '[1]: a\n',
      '# Source: x/a.yaml\n---\nk: 1\n',
      'k: 1\n# Source: x/b.yaml\n---\nj: 2\n',
      'k: "unterminated\n',
    ]) {
      same(text);
    }
  });
});
