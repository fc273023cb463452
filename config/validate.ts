/**
 * The one answer to "is this hub valid": every check `jhm synth` makes before it renders
 * anything. `jhm validate`, `jhm synth` (and so `diff` and `check`) and the cdktf app all call
 * `validateHubs`, so a hub that validates does not then fail synth on a rule known in advance.
 *
 * - each named hub file (schema and hub-file rules, `load.ts`);
 * - rules across hubs (`hub-set.ts`), against ALL hubs of the project, not only the named ones;
 * - what helm would refuse in the hub's releases: the JupyterHub release name, and the hub's
 *   Kubernetes version against the `kubeVersion` constraint of each pinned chart the hub renders
 *   (`versions.ts` records the constraints).
 *
 * Every problem names the hub file and the field that sets the value.
 */
import { Diagnostics } from './diagnostics';
import { UserError } from './errors';
import { Hub, hubCharts } from './hub';
import { checkHubSet } from './hub-set';
import { listHubNames, loadHubs } from './load';
import * as semver from 'semver';

/** Helm refuses longer release names (`helm template`: "the length must not be longer than 53"). */
export const HELM_RELEASE_NAME_MAX = 53;

/**
 * Loads the named hubs (default: every hub file) and runs every check that needs no render.
 * Throws `UserErrors` listing every problem; returns the hubs otherwise.
 */
export function validateHubs(root: string, names?: readonly string[]): Hub[] {
  const hubs = loadHubs(root, names);
  const problems = new Diagnostics();
  for (const e of [...crossHubErrors(hubs, otherHubs(root, hubs)), ...hubs.flatMap(chartErrors)]) problems.add(e);
  problems.throwIfAny();
  return hubs;
}

/**
 * The hubs of the project other than `selected` that load without errors (their own errors are
 * theirs to report when they are named; here they only take part in the rules across hubs).
 */
export function otherHubs(root: string, selected: readonly Hub[]): Hub[] {
  const chosen = new Set(selected.map((h) => h.name));
  const others: Hub[] = [];
  for (const name of listHubNames(root)) {
    if (chosen.has(name)) continue;
    try {
      others.push(...loadHubs(root, [name]));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  return others;
}

/**
 * Collisions of the selected hubs with each other and with the rest of the project, reported on
 * the selected hub's file (the others come first, so the later claim, the one blamed, is a
 * selected hub's). Collisions between two unselected hubs are theirs to report.
 */
function crossHubErrors(selected: readonly Hub[], others: readonly Hub[]): UserError[] {
  const problems = new Diagnostics();
  problems.collect(() => checkHubSet([...others, ...selected]));
  const files = new Set(selected.map((h) => h.source));
  return problems.errors.filter((x) => x.file !== undefined && files.has(x.file));
}

/** What helm would refuse in `hub`'s releases, named by the hub-file field that sets it. */
export function chartErrors(hub: Hub): UserError[] {
  const errors: UserError[] = [];
  const release = hub.jupyterhub.release;
  if (release.length > HELM_RELEASE_NAME_MAX) {
    errors.push(
      new UserError(`"${release}" has ${release.length} characters; helm refuses release names longer than ${HELM_RELEASE_NAME_MAX}`, {
        file: hub.source,
        field: 'jupyterhub.release',
        fix: `use at most ${HELM_RELEASE_NAME_MAX} characters`,
      }),
    );
  }
  const unsupported = hubCharts(hub).filter((c) => !semver.satisfies(hub.kubeVersion, c.kubeVersion, { includePrerelease: true }));
  if (unsupported.length > 0) {
    errors.push(
      new UserError(
        `is ${hub.cluster.kubernetesVersion}, which the pinned chart${unsupported.length > 1 ? 's do' : ' does'} not support: ${unsupported
          .map((c) => `${c.name} ${c.version} needs ${readableRange(c.kubeVersion)}`)
          .join(', ')}`,
        {
          file: hub.source,
          field: 'cluster.kubernetesVersion',
          fix: 'use a cluster template with a newer Kubernetes and set cluster.kubernetesVersion to its version',
        },
      ),
    );
  }
  return errors;
}

/** `>= 1.22.0-0` as `>=1.22.0` (the `-0` only lets pre-releases match). */
function readableRange(range: string): string {
  return range.trim().replace(/([<>=~^]+)\s+/g, '$1').replace(/-0(?![\d.])/g, '');
}
