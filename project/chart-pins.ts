/**
 * The pinned Helm charts are data, read on every run from `charts.yaml`, so a version edit takes
 * effect on the next `jhm synth` with no build step:
 *
 * - jhm's own `charts.yaml` (in its package folder) pins every chart: the defaults;
 * - a project's `charts.yaml` (beside its `charts.lock.json`) may list any of the charts, and
 *   each chart it lists wins over jhm's. A project pins a newer chart without forking jhm, and
 *   the charts it does not list follow jhm when jhm is upgraded.
 *
 * An entry is a whole pin (name, repository, version and the chart's `kubeVersion`): a version
 * comes with the constraint of that version, never with the one of another.
 *
 * ```yaml
 * traefik:
 *   name: traefik
 *   repository: https://traefik.github.io/charts
 *   version: 41.3.0
 *   kubeVersion: '>=1.25.0-0'
 * ```
 */
import * as path from 'path';
import validRange from 'semver/ranges/valid';
import { z } from 'zod';
import { packageRoot } from '../base/package-root';
import { UserError, UserErrors } from '../model/errors';
import { readInputFile } from './input-file';
import { PROJECT_PATHS, ProjectLayout } from './layout';
import { parseYamlFile } from './yaml-file';
import { CHART_KEYS, ChartKey, ChartPin, ChartPins } from '../model/versions';
import { issuesToErrors, ZodIssue } from '../model/zod-issues';

/** Where to look up what a pin's fields should say. */
const SHOW_CHART = 'helm show chart <name> --repo <repository> --version <version>';

/** Chart names as Helm allows them; they also name the archive file, so no `/` or `..`. */
const CHART_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** A chart version as it appears in an archive's name (`v1.21.1`, `4.4.0`, `1.0.0-rc.1+build`). */
const CHART_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

const pinSchema = z
  .object({
    name: z.string().regex(CHART_NAME, { message: 'must be a chart name (lower-case letters, digits, ".", "_" and "-")' }),
    repository: z.url({ protocol: /^(https?|oci)$/, message: 'must be the http(s) URL of a Helm repository or an oci:// registry path' }),
    version: z.string().regex(CHART_VERSION, { message: 'must be an exact chart version, e.g. 41.3.0 or v1.21.1' }),
    kubeVersion: z.string().refine((v) => validRange(v) !== null, { message: 'must be a semver range, as the kubeVersion of the chart\'s Chart.yaml' }),
  })
  .strict();

const fileSchema = z.object(Object.fromEntries(CHART_KEYS.map((k) => [k, pinSchema.optional()])) as Record<ChartKey, z.ZodOptional<typeof pinSchema>>).strict();

/** The charts one `charts.yaml` lists. */
type ChartPinsFile = Partial<Record<ChartKey, ChartPin>>;

/** How each issue reads in a `charts.yaml`, with what to do about it. */
function describe(i: ZodIssue): { message: string; fix: string } | undefined {
  if (i.code === 'unrecognized_keys') {
    const where = i.path.length === 0 ? 'chart' : 'field';
    const known = i.path.length === 0 ? CHART_KEYS.join(', ') : 'name, repository, version, kubeVersion';
    return { message: `unknown ${where}${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`, fix: `use only ${known}` };
  }
  if (i.path.length === 1 && i.code === 'invalid_type') return { message: 'must be a mapping of name, repository, version and kubeVersion', fix: `copy the entry from jhm's charts.yaml and edit it` };
  return undefined;
}

/** Reads and checks one `charts.yaml`; `undefined` when there is none. `display` names it in errors. */
function readPinsFile(file: string, display: string): ChartPinsFile | undefined {
  const read = readInputFile(file, display);
  if (read === undefined) return undefined;
  const yaml = parseYamlFile(read.text, display, { quoteErrors: true });
  const parsed = fileSchema.safeParse(yaml.toJS() ?? {});
  if (!parsed.success) {
    throw new UserErrors(
      issuesToErrors(parsed.error.issues, {
        file: display,
        lineOf: yaml.lineOf,
        // Issues worded the common way still get a fix: where the right value is found.
        describe: (i) => describe(i) ?? { message: issuesToErrors([i], { file: display })[0].message, fix: `set it as the chart's Chart.yaml says (${SHOW_CHART})` },
      }),
    );
  }
  return parsed.data as ChartPinsFile;
}

/** jhm's own `charts.yaml`, which pins every chart. */
export function packagedChartPinsFile(): string {
  return path.join(packageRoot(), PROJECT_PATHS.chartPins);
}

/** The pins of jhm's own `charts.yaml` (the defaults of a project that pins nothing itself). */
export function packagedChartPins(): ChartPins {
  const file = packagedChartPinsFile();
  const pins = readPinsFile(file, file);
  const missing = CHART_KEYS.filter((k) => pins?.[k] === undefined);
  if (pins === undefined || missing.length > 0) {
    // jhm's package is incomplete: nothing the user's files can fix.
    throw new UserError(`jhm's own chart pins lack ${missing.join(', ')}`, { file, fix: 'reinstall jhm' });
  }
  return pins as ChartPins;
}

/**
 * The charts project `root` renders: each chart its `charts.yaml` lists, the rest from jhm's own.
 * Throws `UserErrors` naming the file, the field and the fix when either file is not valid.
 */
export function loadChartPins(root: string): ChartPins {
  const own = new ProjectLayout(root).chartPins;
  const packaged = packagedChartPins();
  if (path.resolve(own) === path.resolve(packagedChartPinsFile())) return packaged;
  const pinned = readPinsFile(own, PROJECT_PATHS.chartPins) ?? {};
  return Object.fromEntries(CHART_KEYS.map((k) => [k, pinned[k] ?? packaged[k]])) as Record<ChartKey, ChartPin>;
}
