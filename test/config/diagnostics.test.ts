/**
 * Diagnostics (model/diagnostics.ts): one type for errors and warnings, one line of text for each,
 * one collector, one translator from zod issues (model/zod-issues.ts), one printer (synth/report.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { reportError, warn } from '../../synth/report';
import { Diagnostic, Diagnostics, formatDiagnostic, UserError, UserErrors, warning } from '../../model/diagnostics';
import { UserError as UserErrorFromErrors } from '../../model/errors';
import { formatPath, issuesToErrors } from '../../model/zod-issues';

const REPO = path.join(__dirname, '..', '..');

describe('rule: a diagnostic is one line, `file:line: field: message (fix)`, each part only when there is one', () => {
  const d = (place: Partial<Diagnostic>): Diagnostic => ({ severity: 'error', message: 'is wrong', ...place });
  test.each<[Partial<Diagnostic>, string]>([
    [{ file: 'hubs/a.yaml', line: 3, field: 'cluster.name', fix: 'rename it' }, 'hubs/a.yaml:3: cluster.name: is wrong (rename it)'],
    [{ file: 'hubs/a.yaml', field: 'cluster.name', fix: 'rename it' }, 'hubs/a.yaml: cluster.name: is wrong (rename it)'],
    [{ file: 'hubs/a.yaml', line: 3 }, 'hubs/a.yaml:3: is wrong'],
    [{ file: 'hubs/a.yaml', line: 3, fix: 'rename it' }, 'hubs/a.yaml:3: is wrong (rename it)'],
    [{ field: 'cluster.name' }, 'cluster.name: is wrong'],
    [{ fix: 'rename it' }, 'is wrong (rename it)'],
    [{}, 'is wrong'],
    // A line means nothing without its file.
    [{ line: 3, field: 'x' }, 'x: is wrong'],
    [{ file: 'hubs/a.yaml', field: '' }, 'hubs/a.yaml: is wrong'],
  ])('%j', (place, line) => {
    expect(formatDiagnostic(d(place))).toBe(line);
    expect(formatDiagnostic({ ...d(place), severity: 'warning' })).toBe(line);
    expect(new UserError('is wrong', place).format()).toBe(line);
  });
});

describe('rule: a UserError is a diagnostic of severity error; UserErrors are several, never nested', () => {
  test('the fields of the diagnostic, and the one-line format', () => {
    const e = new UserError('is wrong', { file: 'hubs/a.yaml', line: 2, field: 'f', fix: 'do x' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(UserErrorFromErrors);
    expect({ severity: e.severity, file: e.file, line: e.line, field: e.field, message: e.message, fix: e.fix }).toEqual({
      severity: 'error',
      file: 'hubs/a.yaml',
      line: 2,
      field: 'f',
      message: 'is wrong',
      fix: 'do x',
    });
    expect(e.diagnostics).toEqual([e]);
  });

  test('UserErrors flattens the UserErrors it is given, is a UserError, and formats one line each', () => {
    const a = new UserError('a');
    const b = new UserError('b', { file: 'f' });
    const c = new UserError('c');
    const all = new UserErrors([a, new UserErrors([b, c])]);
    expect(all).toBeInstanceOf(UserError);
    expect(all.errors).toEqual([a, b, c]);
    expect(all.diagnostics).toEqual([a, b, c]);
    expect(all.format()).toBe('a\nf: b\nc');
  });

  test('a warning is a plain diagnostic of severity warning, not an error', () => {
    const w = warning('is old', { file: 'hubs/a.yaml', field: 'x', fix: 'update it' });
    expect(w).toEqual({ severity: 'warning', message: 'is old', file: 'hubs/a.yaml', field: 'x', fix: 'update it' });
    expect(w).not.toBeInstanceOf(Error);
    expect(formatDiagnostic(w)).toBe('hubs/a.yaml: x: is old (update it)');
  });
});

describe('rule: the collector gathers the problems of several attempts and throws them at once', () => {
  const thrown = (f: () => void): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  };

  test('collects from several attempts (one UserError, one UserErrors, one success) and throws them all, in order', () => {
    const problems = new Diagnostics();
    expect(
      problems.collect(() => {
        throw new UserError('first', { file: 'hubs/a.yaml' });
      }),
    ).toBeUndefined();
    expect(problems.collect(() => 42)).toBe(42);
    problems.collect(() => {
      throw new UserErrors([new UserError('second', { file: 'hubs/b.yaml' }), new UserError('third')]);
    });
    expect(problems.errors.map((e) => e.format())).toEqual(['hubs/a.yaml: first', 'hubs/b.yaml: second', 'third']);
    const e = thrown(() => problems.throwIfAny());
    expect(e).toBeInstanceOf(UserErrors);
    expect((e as UserErrors).errors.map((x) => x.format())).toEqual(['hubs/a.yaml: first', 'hubs/b.yaml: second', 'third']);
  });

  test('throws nothing when nothing went wrong', () => {
    const problems = new Diagnostics();
    problems.collect(() => 1);
    problems.warn(warning('only a warning'));
    expect(() => problems.throwIfAny()).not.toThrow();
    expect(problems.warnings).toEqual([warning('only a warning')]);
  });

  test('rethrows an error that is not a UserError unchanged, at once', () => {
    const problems = new Diagnostics();
    problems.collect(() => {
      throw new UserError('kept');
    });
    const bug = new TypeError('a bug');
    expect(thrown(() => problems.collect(() => {
      throw bug;
    }))).toBe(bug);
    const notAnError = { weird: true };
    expect(thrown(() => problems.add(notAnError))).toBe(notAnError);
    expect(problems.errors.map((e) => e.message)).toEqual(['kept']);
  });

  test('async attempts and settled promises: fulfilled values in order, rejections collected, a bug rethrown unchanged', async () => {
    const problems = new Diagnostics();
    expect(await problems.collectAsync(async () => 'ok')).toBe('ok');
    expect(await problems.collectAsync(async () => Promise.reject(new UserError('async')))).toBeUndefined();
    const settled = await Promise.allSettled([Promise.resolve(1), Promise.reject(new UserError('r1')), Promise.resolve(3)]);
    expect(problems.settled(settled)).toEqual([1, 3]);
    expect(problems.errors.map((e) => e.message)).toEqual(['async', 'r1']);

    const bug = new RangeError('bug');
    const withBug = await Promise.allSettled([Promise.reject(new UserError('u')), Promise.reject(bug)]);
    const fresh = new Diagnostics();
    expect(thrown(() => fresh.settled(withBug))).toBe(bug);
    await expect(fresh.collectAsync(async () => Promise.reject(bug))).rejects.toBe(bug);
  });

  test('a line said twice (the same missing chart for two hubs) is thrown once', () => {
    const problems = new Diagnostics();
    for (let i = 0; i < 2; i++) problems.add(new UserError('chart x is missing', { fix: 'put it there' }));
    problems.add(new UserError('other'));
    expect((thrown(() => problems.throwIfAny()) as UserErrors).format()).toBe('chart x is missing (put it there)\nother');
  });
});

describe('rule: one translator from zod issues for hub and secrets files', () => {
  const schema = z.object({ a: z.object({ b: z.array(z.number()) }).strict(), c: z.string().optional() }).strict();
  const issues = (input: unknown) => {
    const r = schema.safeParse(input, { reportInput: true });
    if (r.success) throw new Error('expected issues');
    return r.error.issues;
  };

  test('file, line from lineOf, field path and message; no line when lineOf knows none', () => {
    const errors = issues({ a: { b: [1, 'x'], d: 1 } });
    const lineOf = (p: readonly PropertyKey[]) => (p.length === 3 ? 7 : undefined);
    expect(issuesToErrors(errors, { file: 'hubs/h.yaml', lineOf }).map((e) => e.format())).toEqual([
      'hubs/h.yaml:7: a.b[1]: expected number, got "x"',
      'hubs/h.yaml: a: unknown field "d": remove it or check the spelling against hub.schema.json',
    ]);
  });

  test('a kind of file may word an issue its own way, and leave the line out', () => {
    const errors = issues({});
    const out = issuesToErrors(errors, { file: 'secrets/h.yaml', lineOf: () => 1, describe: () => ({ message: 'is missing', fix: 'generate it', noLine: true }) });
    expect(out.map((e) => e.format())).toEqual(['secrets/h.yaml: a: is missing (generate it)']);
    expect(out[0].severity).toBe('error');
  });

  test('formatPath quotes keys that are not plain, so the line stays one line', () => {
    expect(formatPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(formatPath(['labels', 'x y'])).toBe('labels["x y"]');
    expect(formatPath(['labels', 'a\nb'])).toBe('labels["a\\nb"]');
  });
});

describe('rule: errors and warnings reach the user in the same one-line format, prefixed by their severity (synth/report.ts)', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  test('a warning and an error with the same place print the same line after their severity', () => {
    const place = { file: 'hubs/a.yaml', line: 4, field: 'ingress.controller', fix: 'use traefik' };
    warn(warning('is retired', place));
    expect(reportError(new UserErrors([new UserError('is retired', place), new UserError('second')]), false)).toBe(1);
    warn('no file in particular');
    // Colour only on a terminal; jest's stderr is none, but strip escapes to be sure.
    const text = written.join('').replace(/\u001b\[\d+m/g, '');
    expect(text).toBe(
      [
        'warning: hubs/a.yaml:4: ingress.controller: is retired (use traefik)',
        'error: hubs/a.yaml:4: ingress.controller: is retired (use traefik)',
        'error: second',
        'warning: no file in particular',
        '',
      ].join('\n'),
    );
  });
});

describe('rule: no module flattens UserErrors by hand (the collector in model/diagnostics.ts does)', () => {
  /** Ways the copied loop was written: testing for UserErrors, spreading or flat-mapping `.errors`. */
  const PATTERNS: readonly RegExp[] = [/instanceof\s+UserErrors\b/, /\.\.\.\s*\(?[\w.]+\.errors\b/, /flatMap\([^)]*\.errors\b/, /errors\.push\(\s*\.\.\./];
  const SOURCE_DIRS = ['model', 'project', 'k8s', 'infra', 'cli', 'bench', 'scripts'];

  function sources(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return sources(p);
      return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
    });
  }

  test('the patterns find the old loop', () => {
    const old = [
      'if (e instanceof UserErrors) errors.push(...e.errors);',
      'errors.push(...(e instanceof UserErrors ? e.errors : [e]));',
      'throw new UserErrors(failures.flatMap((f) => (f instanceof UserErrors ? f.errors : [f as UserError])));',
      'else if (s.reason instanceof UserErrors) errors.push(...s.reason.errors);',
    ];
    for (const line of old) expect(PATTERNS.some((p) => p.test(line))).toBe(true);
  });

  test('no source file outside model/diagnostics.ts matches them', () => {
    const files = SOURCE_DIRS.flatMap((d) => sources(path.join(REPO, d)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files
      .filter((f) => path.relative(REPO, f) !== path.join('model', 'diagnostics.ts'))
      .flatMap((f) =>
        fs
          .readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => [l, i] as const)
          .filter(([l]) => PATTERNS.some((p) => p.test(l)))
          .map(([l, i]) => `${path.relative(REPO, f)}:${i + 1}: ${l.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
