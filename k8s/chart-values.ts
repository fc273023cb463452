/**
 * A file's raw chart values (`model/chart-values.ts`) applied to a release: deep-merged over the
 * values jhm computes, as Helm merges a values file over another (a mapping merges key by key;
 * anything else, a list or `null` included, replaces), each value of jhm's they replace listed
 * (`jhm synth`, `diff` and `check` say so), and the result checked against the pinned chart's own
 * `values.schema.json`, read from the archive the render uses (`helm/chart-files.ts`): one error
 * per problem, with the file, the line of the offending key and its path under `values`.
 *
 * The check does what helm's does before it renders (the chart's `values.yaml` under the values,
 * a `null` deleting a default, the schema over the result), in words that name the hub or
 * cluster file rather than a temporary values file.
 */
import { isDeepStrictEqual } from 'util';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { Diagnostic, UserError, warning } from '../model/diagnostics';
import { ChartValuesInput, isMapping, leafPaths, lineOfValuesPath, ValuesPath } from '../model/chart-values';
import { formatPath } from '../model/zod-issues';
import type { ChartValuesFiles } from './helm/chart-files';

/** A value of jhm's that a file's `values` replaces. */
export interface ValuesOverride {
  readonly path: ValuesPath;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * `extra` merged over `base` (neither changed): mappings merge key by key, anything else in
 * `extra` replaces; new keys come after `base`'s, so `base`'s key order is kept. `overrides` lists
 * every value of `base` that `extra` replaces with a different one.
 */
export function mergeValues(base: Record<string, unknown>, extra: Readonly<Record<string, unknown>>): { values: Record<string, unknown>; overrides: ValuesOverride[] } {
  const overrides: ValuesOverride[] = [];
  const merge = (b: Record<string, unknown>, e: Readonly<Record<string, unknown>>, at: ValuesPath): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(e)) {
      const here = [...at, k];
      const had = Object.hasOwn(b, k);
      if (had && isMapping(b[k]) && isMapping(v)) out[k] = merge(b[k] as Record<string, unknown>, v, here);
      else {
        if (had && !isDeepStrictEqual(b[k], v)) overrides.push({ path: here, before: b[k], after: v });
        out[k] = structuredClone(v);
      }
    }
    return out;
  };
  return { values: merge(base, extra, []), overrides };
}

/** Helm's coalescing of a chart's defaults with the given values: a `null` deletes the default. */
function coalesce(defaults: unknown, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isMapping(defaults) ? { ...defaults } : {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else if (isMapping(v) && isMapping(out[k])) out[k] = coalesce(out[k], v);
    else out[k] = v;
  }
  return out;
}

/** Compiled schemas, by the schema object (one per archive, `chartValuesFiles`). */
const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    // Loaded when a file has raw chart values, not by every synth.
    const options = { allErrors: true, strict: false, allowUnionTypes: true, validateFormats: false };
    const Ajv = schema.$schema === 'https://json-schema.org/draft/2020-12/schema' ? (require('ajv/dist/2020').default as typeof import('ajv').default) : (require('ajv').default as typeof import('ajv').default);
    validate = new Ajv(options).compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The values path of a JSON pointer (`/singleuser/cpu/limit`). */
function pointerPath(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The problems of `merged` (jhm's values with the file's `input` merged in) against the chart's
 * schema, as errors at the file's `values` field. Only problems at a path the file's values set
 * (or above one) are the file's; a chart that ships no schema has none.
 */
export function chartValuesErrors(input: ChartValuesInput, merged: Record<string, unknown>, files: ChartValuesFiles, chart: string): UserError[] {
  if (files.schema === undefined) return [];
  const validate = validator(files.schema);
  const full = coalesce(files.defaults === undefined ? {} : parse(files.defaults), merged);
  if (validate(full)) return [];
  const leaves = leafPaths(input.values);
  const seen = new Set<string>();
  const errors: UserError[] = [];
  for (const e of validate.errors ?? []) {
    // Branches of a oneOf/anyOf that failed say the same thing several times: the summary is enough.
    if (e.keyword === 'if') continue;
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    const at = pointerPath(e.instancePath);
    const path = params.additionalProperty !== undefined ? [...at, params.additionalProperty] : at;
    const mine = leaves.some((l) => l.every((k, i) => i >= path.length || path[i] === k) || path.every((k, i) => i >= l.length || l[i] === k));
    if (!mine) continue;
    const field = formatPath([...input.field.split('.'), ...path.map((k) => (/^\d+$/.test(k) ? Number(k) : k))]);
    const message = `${e.message ?? 'is not valid'}${params.additionalProperty !== undefined ? ' (no such key in the chart)' : ''}`;
    const key = `${field}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(
      new UserError(`refused by the ${chart} values schema: ${message}`, {
        file: input.source,
        line: lineOfValuesPath(input, path),
        field,
        fix: `check the key and its type against the chart's values.schema.json (${chart})`,
      }),
    );
  }
  return errors;
}

/** A short, one-line form of a value for messages. */
function brief(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * What a file's `values` replace of jhm's own values, one line each (shown by synth, diff and
 * check; a diagnostic for its place, said as information, never as a warning).
 */
export function overrideNotes(input: ChartValuesInput, overrides: readonly ValuesOverride[]): Diagnostic[] {
  return overrides.map((o) =>
    warning(`replaces jhm's default ${brief(o.before)} with ${brief(o.after)}`, {
      file: input.source,
      line: lineOfValuesPath(input, o.path),
      field: formatPath([...input.field.split('.'), ...o.path]),
    }),
  );
}
