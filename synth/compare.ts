/**
 * What a synth would change: compares freshly synthesized output (in a temporary folder) with
 * the project's committed output, for `jhm diff` and `jhm check`. Secrets are compared but their
 * contents are never printed.
 *
 * A committed manifest says which chart versions it was rendered from in helm's own chart labels
 * (`helm.sh/chart: traefik-41.2.0`; z2jh's `chart: jupyterhub-4.4.0`), since no other record is
 * committed (`.jhm/` is not). A changed file whose labels name another version of a chart than the
 * fresh render (the project's pins, `charts.yaml`) is reported as such: "rendered from traefik
 * 41.2.0; the project pins 41.3.0".
 *
 * A hub's configuration is compared in words too: the values of its readable ConfigMap
 * (`k8s/jupyterhub/readable-values.ts`, every chart value but the secret ones, which it never
 * holds) before and after, one line per value that changes:
 * `hub course-a: singleuser.profileList[1].kubespawner_override.mem_limit: 4G -> 6G`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { createTwoFilesPatch } from 'diff';
import { parse, parseAllDocuments } from 'yaml';
import { HUB_VALUES_CONFIGMAP, readableValuesOf } from '../k8s/jupyterhub/readable-values';
import { OWNER_HUB_LABEL } from '../k8s/ownership';
import { listFiles, OUTPUT_DIRS, OutputKind, ownership, readRecord } from './output';

export interface FileChange {
  /** Path relative to the project root, e.g. `dist/example/<wave file>.yaml`. */
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Unified diff (empty for secrets). */
  readonly patch: string;
  /** Charts the committed file was rendered from at another version than the project pins now. */
  readonly chartVersions: readonly ChartVersionChange[];
  /** The hub values (readable ConfigMap) that change in the file, in document order. */
  readonly hubValues: readonly HubValueChange[];
}

/** One value of a hub's readable configuration that changes. */
export interface HubValueChange {
  readonly hub: string;
  /** Its place in the chart values, e.g. `singleuser.profileList[1].kubespawner_override.mem_limit`. */
  readonly path: string;
  /** The value before and after; `undefined`: not set. */
  readonly before: unknown;
  readonly after: unknown;
}

/** The readable hub values of a manifest file: hub (its ownership label) → values. */
function hubValuesIn(text: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  } catch {
    return out;
  }
  for (const o of docs) {
    if (o === null || typeof o !== 'object') continue;
    const values = readableValuesOf(o);
    if (values === undefined) continue;
    const meta = (o as { metadata?: { namespace?: string; labels?: Record<string, string> } }).metadata;
    out.set(meta?.labels?.[OWNER_HUB_LABEL] ?? meta?.namespace ?? '', values);
  }
  return out;
}

/** `key` as a step of a dotted path: `.name`, or `["odd.key"]`. */
const step = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** The values that differ between `before` and `after`, leaf by leaf (lists item by item). */
function valueChanges(hub: string, before: unknown, after: unknown, at = ''): HubValueChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => valueChanges(hub, before[k], after[k], `${at}${step(k)}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => valueChanges(hub, before[i], after[i], `${at}[${i}]`)).flat();
  }
  return [{ hub, path: at.replace(/^\./, ''), before, after }];
}

/** A value as the change line shows it: a string plain when it reads back as itself, else JSON. */
function shown(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') {
    try {
      if (/^[^\s"'{}[\],#&*!|>%@`]\S*$/.test(v) && !v.includes(': ') && parse(v) === v && parse(v, { version: '1.1' }) === v) return v;
    } catch {
      // not plain YAML: quoted below
    }
  }
  return JSON.stringify(v);
}

/** `jhm diff`'s line for each hub value `change` changes: "hub course-a: <path>: 4G -> 6G". */
export function describeHubValues(change: FileChange): string[] {
  return change.hubValues.map((c) => `hub ${c.hub}: ${c.path}: ${shown(c.before)} -> ${shown(c.after)}`);
}

/** A chart a committed file was rendered from at another version than the one pinned now. */
export interface ChartVersionChange {
  readonly chart: string;
  /** The version(s) the committed file's labels name, e.g. `41.2.0`. */
  readonly rendered: string;
  /** The version the fresh render's labels name (the project's pin). */
  readonly pinned: string;
}

/** Helm's chart label (`helm.sh/chart`, and z2jh's `chart`) with its `<name>-<version>` value. */
const CHART_LABEL = /^\s*(?:helm\.sh\/chart|chart):\s*["']?([a-z0-9][a-z0-9._-]*?)-(v?\d+\.\d+\.\d+[0-9A-Za-z.+_-]*)["']?\s*$/gm;

/** The chart versions the labels of a manifest file name: chart name → versions. */
export function renderedChartVersions(text: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [, name, version] of text.matchAll(CHART_LABEL)) {
    if (!found.has(name)) found.set(name, new Set());
    found.get(name)!.add(version);
  }
  return found;
}

/** The charts `before` (committed) was rendered from at a version `after` (fresh) no longer names. */
function chartVersionChanges(before: string, after: string): ChartVersionChange[] {
  const now = renderedChartVersions(after);
  const changes: ChartVersionChange[] = [];
  for (const [chart, versions] of renderedChartVersions(before)) {
    const pinned = now.get(chart);
    if (pinned === undefined || pinned.size !== 1) continue;
    const [version] = pinned;
    const old = [...versions].filter((v) => v !== version);
    if (old.length > 0) changes.push({ chart, rendered: old.join(', '), pinned: version });
  }
  return changes;
}

/** `jhm check`'s line for each chart `change` names: "<file> was rendered from traefik 41.2.0; the project pins 41.3.0". */
export function describeChartVersions(change: FileChange): string[] {
  return change.chartVersions.map((c) => `${change.file} was rendered from ${c.chart} ${c.rendered}; the project pins ${c.pinned}`);
}

/**
 * The files of `kind` for `hub` under `current` that jhm owns (`ownership`: its record, or without
 * one the files whose contents say jhm wrote them), and those a new synth writes: another tool's
 * file in jhm's folder (`dist/<hub>/argocd-app.yaml`), `.terraform/` or a state file in the stack
 * folder are not output, and are never read (synth keeps them; `foreignFiles` lists them).
 */
function ownedFiles(current: string, kind: OutputKind, hub: string, fresh: readonly string[]): string[] {
  const dir = path.join(current, OUTPUT_DIRS[kind], hub);
  const { owned } = ownership(current, readRecord(current, hub), kind, hub);
  const mine = owned.flatMap((name) => (fs.statSync(path.join(dir, name)).isDirectory() ? listFiles(path.join(dir, name)).map((f) => `${name}/${f}`) : [name]));
  return [...new Set([...mine, ...fresh])].filter((f) => fs.existsSync(path.join(dir, f)));
}

/** What jhm's folders of `hubs` hold that jhm did not write (left alone by synth), relative to `current`. */
export function foreignFiles(current: string, hubs: readonly string[], kinds: readonly OutputKind[] = ['dist', 'secrets']): string[] {
  return hubs.flatMap((hub) => kinds.flatMap((kind) => ownership(current, readRecord(current, hub), kind, hub).foreign.map((f) => [OUTPUT_DIRS[kind], hub, f].join('/'))));
}

/**
 * Changes between `current` (the project) and `fresh` (a new synth) for the given hubs, in the
 * committed outputs (`kinds`, default Terraform JSON and `dist/`; `dist-secrets/` is never
 * committed, and CI has no secrets to render it).
 */
export function compareOutputs(current: string, fresh: string, hubs: readonly string[], kinds: readonly OutputKind[] = ['stacks', 'dist']): FileChange[] {
  const changes: FileChange[] = [];
  for (const hub of hubs) {
    for (const kind of kinds) {
      const rel = path.join(OUTPUT_DIRS[kind], hub);
      const a = path.join(current, rel);
      const b = path.join(fresh, rel);
      const after = listFiles(b);
      const names = [...new Set([...ownedFiles(current, kind, hub, after), ...after])].sort();
      for (const name of names) {
        const file = path.join(rel, name);
        const before = fs.existsSync(path.join(a, name)) ? fs.readFileSync(path.join(a, name), 'utf8') : undefined;
        const after = fs.existsSync(path.join(b, name)) ? fs.readFileSync(path.join(b, name), 'utf8') : undefined;
        if (before === after) continue;
        const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
        const patch = kind === 'secrets' ? '' : createTwoFilesPatch(`a/${file}`, `b/${file}`, before ?? '', after ?? '', undefined, undefined, { context: 3 });
        const both = kind === 'dist' && before !== undefined && after !== undefined;
        const chartVersions = both ? chartVersionChanges(before, after) : [];
        changes.push({ file, status, patch, chartVersions, hubValues: both ? hubValueChanges(before, after) : [] });
      }
    }
  }
  return changes;
}

/** The readable hub values that change between two texts of a manifest file (hubs in both only). */
export function hubValueChanges(before: string, after: string): HubValueChange[] {
  if (!before.includes(HUB_VALUES_CONFIGMAP) || !after.includes(HUB_VALUES_CONFIGMAP)) return [];
  const old = hubValuesIn(before);
  return [...hubValuesIn(after)].flatMap(([hub, values]) => (old.has(hub) ? valueChanges(hub, old.get(hub), values) : []));
}
