/**
 * The one answer to "is this project valid": every check `jhm synth` makes before it renders
 * anything. `jhm validate`, `jhm synth` (and so `diff` and `check`) and the cdktf app all call
 * `validateProject`, so a hub that validates does not then fail synth on a rule known in advance.
 *
 * - every cluster file and hub file (schemas and per-file rules, `load.ts`);
 * - rules across files (`hub-set.ts`), against ALL clusters and hubs of the project;
 * - a profile asking for GPUs on a nodegroup whose flavor has none (`model/profile-fit.ts`; its
 *   warnings: guarantees a node of the nodegroup cannot give one server);
 * - what helm would refuse in the hub's releases: the JupyterHub release name, and the cluster's
 *   Kubernetes version against the `kubeVersion` constraint of each pinned chart the hub renders
 *   (the project's `charts.yaml` and jhm's record the constraints, `chart-pins.ts`);
 * - every cluster's Terraform state in a place of its own (`state-identity.ts`).
 *
 * With names (hubs or clusters), only the problems of the named clusters' files count: a named
 * hub's file and its cluster's file, a named cluster's file, the file of every hub that names one
 * of them (loaded or not: a broken hub file stops its cluster, it never leaves it), a hub file
 * whose cluster is unknown (`countsFor`), and the collisions blamed on them. Every problem names
 * the file and the field that sets the value.
 */
import { Diagnostic, Diagnostics } from '../model/diagnostics';
import { UserError } from '../model/errors';
import { Cluster } from '../model/cluster';
import { kubernetesVersionField } from '../model/cluster-templates';
import { Hub, hubCharts } from '../model/hub';
import { loadChartPins, packagedChartPins } from './chart-pins';
import type { ChartPins } from '../model/versions';
import { allClusters, checkHubSet, clusterWarnings } from '../model/hub-set';
import { loginWarnings } from '../model/login-rules';
import { gpuProfileErrors, profileFitWarnings } from '../model/profile-fit';
import { CLUSTERS_DIR, HubFileCluster, HUBS_DIR, loadHubs, loadProject } from './load';
import { checkStateLocations } from './state-identity';
import * as path from 'path';
import satisfies from 'semver/functions/satisfies';

/** Helm refuses longer release names (`helm template`: "the length must not be longer than 53"). */
export const HELM_RELEASE_NAME_MAX = 53;

/** A validated project (or the named part of it). */
export interface ValidProject {
  /** The selected hubs (all without names). */
  readonly hubs: Hub[];
  /** The selected cluster files' clusters and the clusters of the selected hubs. */
  readonly clusters: Cluster[];
  /** Warnings (a cluster with no hub, a hub nobody can log in to, a placeholder value). */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Loads the project and runs every check that needs no render, keeping the problems of the named
 * hubs and clusters (default: all). Throws `UserErrors` listing every problem.
 */
export function validateProject(root: string, names?: readonly string[]): ValidProject {
  const project = loadProject(root);
  if (project.hubNames.length === 0 && project.clusterNames.length === 0) {
    throw new UserError(`no hub files in ${HUBS_DIR}/`, { fix: 'create one with: jhm init <hub>' });
  }
  const all = !names || names.length === 0;
  const wanted = new Set(names ?? []);
  const problems = new Diagnostics();
  // The clusters the names stand for: each named cluster, each named hub's (as its file says).
  const named = new Set<string>();
  const files = new Set<string>();
  for (const name of wanted) {
    if (project.hubNames.includes(name)) {
      files.add(path.join(HUBS_DIR, `${name}.yaml`));
      const cluster = project.hubClusters.get(name);
      if (cluster !== undefined) named.add(cluster.name);
      // A named hub that did not load: its own errors, or those of the cluster file it names.
      if (!project.hubs.some((h) => h.name === name)) problems.collect(() => loadHubs(root, [name]));
    }
    else if (project.clusterNames.includes(name)) named.add(name);
    else problems.collect(() => loadHubs(root, [name]));
  }
  for (const c of named) if (project.clusterNames.includes(c)) files.add(path.join(CLUSTERS_DIR, `${c}.yaml`));
  for (const [hub, cluster] of project.hubClusters) if (countsFor(cluster, named, project.clusterNames)) files.add(path.join(HUBS_DIR, `${hub}.yaml`));
  const hubs = project.hubs.filter((h) => all || wanted.has(h.name) || wanted.has(h.cluster.name));
  for (const h of hubs) files.add(h.source).add(h.cluster.source);
  const clusters = [...new Set([...project.clusters.filter((c) => all || files.has(c.source)), ...hubs.map((h) => h.cluster)])];
  const selected = (e: { file?: string }) => all || (e.file !== undefined && files.has(e.file));

  // A bad charts.yaml is reported with the other problems; the kubeVersion check then waits for it.
  const pins = problems.collect(() => loadChartPins(root));
  const cross = new Diagnostics();
  // The unselected files come first, so the later claim, the one blamed, is a selected file's.
  const last = <T extends { source: string }>(xs: readonly T[]) => [...xs.filter((x) => !files.has(x.source)), ...xs.filter((x) => files.has(x.source))];
  cross.collect(() => checkHubSet(last(project.hubs), last(project.clusters)));
  cross.collect(() => checkStateLocations(last(allClusters(project.hubs, project.clusters))));
  for (const found of [project.problems.errors, cross.errors, pins === undefined ? [] : hubs.flatMap((h) => chartErrors(h, pins)), hubs.flatMap(gpuProfileErrors)]) {
    for (const e of found) if (selected(e)) problems.add(e);
  }
  problems.throwIfAny();
  const warnings = [...clusterWarnings(project.hubs, project.clusters), ...loginWarnings(project.hubs, project.clusters), ...profileFitWarnings(project.hubs)].filter(selected);
  return { hubs, clusters, warnings };
}

/**
 * Whether a hub file's problems count when the `named` clusters are selected (issue 18: no hub
 * leaves its cluster's output because of a typo). A hub file counts for the cluster it names,
 * loaded or not, so a broken one stops every command on that cluster. One whose cluster is
 * unknown, because the file is not YAML (a syntax error) or names no existing cluster file, could
 * be any cluster's: it counts for every name, as it does for the whole project.
 */
function countsFor(cluster: HubFileCluster | undefined, named: ReadonlySet<string>, clusterFiles: readonly string[]): boolean {
  if (cluster === undefined) return true;
  if (cluster.onClusterFile && !clusterFiles.includes(cluster.name)) return true;
  return named.has(cluster.name);
}

/**
 * What helm would refuse in `hub`'s releases, named by the hub-file field that sets it; `pins` are
 * the project's (default: jhm's own).
 */
export function chartErrors(hub: Hub, pins: ChartPins = packagedChartPins()): UserError[] {
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
  const unsupported = hubCharts(hub).map((k) => pins[k]).filter((c) => !satisfies(hub.cluster.kubeVersion, c.kubeVersion, { includePrerelease: true }));
  if (unsupported.length > 0) {
    const version = kubernetesVersionField(hub.cluster.naming.fieldPrefix, hub.cluster.magnum.template, hub.cluster.magnum.kubernetes);
    errors.push(
      new UserError(
        `${version.value}, which the pinned chart${unsupported.length > 1 ? 's do' : ' does'} not support: ${unsupported
          .map((c) => `${c.name} ${c.version} needs ${readableRange(c.kubeVersion)}`)
          .join(', ')}`,
        { file: hub.cluster.source, field: version.field, fix: version.fix },
      ),
    );
  }
  return errors;
}

/** `>= 1.22.0-0` as `>=1.22.0` (the `-0` only lets pre-releases match). */
function readableRange(range: string): string {
  return range.trim().replace(/([<>=~^]+)\s+/g, '$1').replace(/-0(?![\d.])/g, '');
}
