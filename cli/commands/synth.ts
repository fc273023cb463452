/**
 * `jhm validate`, `jhm synth`, `jhm diff`, `jhm check`: from cluster and hub files to the outputs
 * (per cluster), and whether the committed outputs are up to date. Each takes hub or cluster names.
 */
import * as path from 'path';
import { Command } from 'commander';
import { ENCRYPTED_SECRETS_DIR, STACK_FILE_NAME } from '../../project/layout';
import { Diagnostic, Diagnostics, formatDiagnostic } from '../../model/diagnostics';
import { UserError, UserErrors } from '../../model/errors';
import { OUTPUT_DIRS, recordedHubs } from '../../synth/output';
import { info, success, warn } from '../../synth/report';
import { tempDir } from '../../base/temp-dir';
import { projectRoot } from '../project-root';
import type * as PlanReport from '../../synth/plan-report';

export function registerSynthCommands(program: Command): void {
  program
    .command('validate')
    .description('check cluster and hub files, rules across all files, what helm would refuse, and secrets files, without writing anything')
    .argument('[names...]', 'hub or cluster names (default: every file in hubs/ and clusters/; with --manifests: every folder of dist/)')
    .option('--manifests', 'instead, check the manifests as they are on disk (dist/<cluster>, dist-secrets/<cluster>): selectors, Ingress classes and backends, what pods use, bindings, webhook Services, namespaces and scopes, CRDs, identities', false)
    .action(async (names: string[], opts: { manifests: boolean }, cmd: Command) => {
      if (opts.manifests) return validateManifests(projectRoot(cmd), names);
      // The hub model (zod, yaml) is loaded by the commands that read hub files, not by jhm --help.
      const { validateProject } = await import('../../project/validate');
      const { loadSecrets } = await import('../../project/secrets');
      const root = projectRoot(cmd);
      const { hubs, clusters, warnings } = validateProject(root, names);
      const problems = new Diagnostics();
      for (const hub of hubs) problems.collect(() => loadSecrets(root, hub, warn));
      problems.throwIfAny();
      warnings.forEach((w) => warn(w));
      // Clusters with a file of their own (one a hub file defines is reported with its hub).
      for (const c of clusters.filter((x) => x.naming.ownerHub === undefined)) {
        const on = hubs.filter((h) => h.cluster === c).map((h) => h.name);
        success(`${c.source}: cluster ${c.magnumName} in ${c.zone.replace(/\.$/, '')} (${c.nodeGroups.length + 1} nodegroups, ${on.length} hub(s)${on.length ? `: ${on.join(', ')}` : ''})`);
      }
      for (const hub of hubs) success(`${hub.source}: ${hub.url} on cluster ${hub.cluster.magnumName} (${hub.cluster.nodeGroups.length + 1} nodegroups, ${hub.jupyterhub.profiles.length} profiles)`);
    });

  program
    .command('synth')
    .description('synthesize Terraform JSON (cdktf.out/stacks/<cluster>) and manifests (dist/<cluster>, dist-secrets/<cluster>), per cluster')
    .argument('[names...]', "hub or cluster names: each named hub's whole cluster is synthesized (default: every file in hubs/ and clusters/)")
    .option('--prune', 'also remove the output of clusters no longer defined (cluster file, or hub file in the dedicated format, deleted)', false)
    .option('--offline', 'never download charts (same as JHM_OFFLINE=1)', false)
    .option('--force', 'synthesize every cluster, also those whose inputs and outputs are unchanged', false)
    .option('--allow-replace', "write a stack that replaces a cluster or nodegroup although the cluster's deletion protection is on (review it with jhm diff first)", false)
    .option('--strict', 'fail, before writing anything, on any warning jhm validate gives (a hub nobody can log in to, a placeholder value, a cluster with no hub)', false)
    .action(async (names: string[], opts: { prune: boolean; offline: boolean; force: boolean; allowReplace: boolean; strict: boolean }, cmd: Command) => {
      const root = projectRoot(cmd);
      const started = Date.now();
      // Loaded by the commands that synthesize, not at start-up (jhm --help, validate, status).
      const { synthHubs, synthesisUnits } = await import('../../synth/pipeline');
      // The warnings synth would print for the same selection, as errors.
      if (opts.strict) strictErrors(synthesisUnits(root, names).warnings);
      const report = await synthHubs({
        root,
        hubs: names,
        prune: opts.prune,
        force: opts.force,
        allowReplace: opts.allowReplace,
        helm: opts.offline ? { offline: true } : {},
        onCluster: (r) => {
          r.warnings.forEach((w) => warn(w));
          // Chart values of a file that replace jhm's defaults (`k8s/chart-values.ts`).
          r.notes.forEach((n) => info(formatDiagnostic(n)));
        },
      });
      report.warnings.forEach((w) => warn(w));
      // A project of hub files in today's format only (every cluster a hub's own) reads as before issue 11.
      const shared = await hasClusterFiles(root);
      for (const r of report.results) {
        const c = r.cluster.name;
        const on = r.cluster.naming.ownerHub !== undefined ? '' : ` [${r.hubs.length} hub(s)${r.hubs.length ? `: ${r.hubs.map((h) => h.name).join(', ')}` : ''}]`;
        success(`${c}${on}: ${OUTPUT_DIRS.stacks}/${c}, ${OUTPUT_DIRS.dist}/${c} (${r.files.dist.size} files), ${r.encrypted.size > 0 ? `${OUTPUT_DIRS.dist}/${c}/${ENCRYPTED_SECRETS_DIR} (${r.encrypted.size} files, encrypted)` : `${OUTPUT_DIRS.secrets}/${c} (${r.files.secrets.size} files)`}`);
      }
      // Loaded here: the SU figures read the Magnum table (zod), which --help must not load.
      const { reportTerraformPlan } = (await import('../../synth/plan-report')) as typeof PlanReport;
      for (const [c, plan] of report.plans) reportTerraformPlan(c, plan);
      if (report.unchanged.length > 0) {
        info(`${report.unchanged.length} ${shared ? 'cluster(s)' : 'hub(s)'} unchanged since their last synth, output kept: ${report.unchanged.join(', ')} (--force synthesizes them anyway)`);
      }
      for (const p of report.pruned) info(`removed the output of ${p} (no hubs/${p}.yaml${shared ? `, no clusters/${p}.yaml` : ''})`);
      if (report.foreign.length > 0) info(`left alone (not written by jhm): ${report.foreign.join(', ')}`);
      const stale = opts.prune ? [] : await staleOutputs(root);
      if (stale.length > 0) warn(`output of ${shared ? 'cluster(s) no longer defined' : 'deleted hub(s)'} ${stale.join(', ')} kept; run jhm synth --prune to remove it`);
      info(`synthesized ${report.hubs.length} hub(s)${shared ? ` on ${report.units.length} cluster(s)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  const diffLike = (name: string, description: string, failOnChange: boolean) =>
    program
      .command(name)
      .description(description)
      .argument('[names...]', "hub or cluster names: each named hub's whole cluster (default: every file in hubs/ and clusters/)")
      .option('--offline', 'never download charts (same as JHM_OFFLINE=1)', false)
      .option('--no-patch', 'print only the Terraform and Kubernetes change plans, not the file patches')
      .action(async (names: string[], opts: { offline: boolean; patch: boolean }, cmd: Command) => {
        const root = projectRoot(cmd);
        // Removed on every exit, signals included; it never holds a secret: the secrets files are
        // not read (`dist-secrets/` is neither compared nor committed).
        const temp = tempDir('jhm-diff-');
        const tmp = temp.dir;
        try {
          const { synthHubs } = await import('../../synth/pipeline');
          const { compareOutputs, describeChartVersions, describeHubValues, foreignFiles } = await import('../../synth/compare');
          const report = await synthHubs({ root, hubs: names, outRoot: tmp, secrets: 'none', helm: opts.offline ? { offline: true } : {} });
          const clusters = report.units.map((u) => u.cluster.name);
          const changes = compareOutputs(root, tmp, clusters);
          // Files of other tools in jhm's folders: synth keeps them, so they are no change.
          const kept = foreignFiles(root, clusters);
          if (kept.length > 0) info(`left alone (not written by jhm): ${kept.join(', ')}`);
          const stale = names.length === 0 ? await staleOutputs(root) : [];
          const shared = await hasClusterFiles(root);
          if (opts.patch) {
            for (const c of changes) {
              if (c.patch) process.stdout.write(c.patch);
              else process.stdout.write(`${c.status}: ${c.file} (secret: contents not shown)\n`);
            }
          }
          // What the changes do, after the patches (so the end of the output is the summary).
          const { formatTerraformPlan, planChanges } = await import('../../synth/terraform-plan');
          const { formatManifestPlan, planManifests } = await import('../../synth/manifest-plan');
          const { fileField } = await import('../../infra/stack-fields');
          for (const { cluster } of report.units) {
            const c = cluster.name;
            const plan = report.plans.get(c);
            const stack = `${OUTPUT_DIRS.stacks}/${c}/${STACK_FILE_NAME}`;
            const fieldOf = (r: { type: string; name: string }, p: string) => fileField(cluster, r.type, r.name, p);
            if (plan && planChanges(plan)) process.stdout.write(`${formatTerraformPlan(`Terraform: cluster ${c} (${stack}), in Terraform's words:`, plan, fieldOf, c)}\n`);
            const objects = planManifests(path.join(root, OUTPUT_DIRS.dist, c), path.join(tmp, OUTPUT_DIRS.dist, c));
            if (objects.length > 0) process.stdout.write(`${formatManifestPlan(`Kubernetes: cluster ${c} (${OUTPUT_DIRS.dist}/${c}), per wave file:`, objects)}\n`);
          }
          // A hub's configuration in words: each value that changes (never a secret: dist/ holds none).
          for (const c of changes) for (const line of describeHubValues(c)) process.stdout.write(`${line}\n`);
          // Chart values of a file that replace jhm's defaults (`k8s/chart-values.ts`).
          for (const r of report.results) for (const n of r.notes) process.stdout.write(`${formatDiagnostic(n)}\n`);
          // A committed file rendered from another chart version than charts.yaml pins now, said in one line.
          for (const c of changes) for (const line of describeChartVersions(c)) process.stdout.write(`${line}\n`);
          for (const s of stale) process.stdout.write(`stale: output of ${s} has no hubs/${s}.yaml${shared ? ` nor clusters/${s}.yaml` : ''} (jhm synth --prune removes it)\n`);
          const n = changes.length + stale.length;
          if (n === 0) {
            success(`outputs of ${report.hubs.length} hub(s)${shared ? ` on ${clusters.length} cluster(s)` : ''} are up to date`);
          } else {
            info(`${changes.length} file(s) would change${stale.length ? `, ${stale.length} stale ${shared ? 'cluster' : 'hub'} output(s)` : ''}: ${changes.map((c) => `${c.file} (${c.status})`).join(', ')}`);
            if (failOnChange) {
              throw new UserError(`committed outputs are out of date with the hub files${shared ? ' and cluster files' : ''}`, { fix: 'run jhm synth and commit the result' });
            }
          }
        } finally {
          temp.remove();
        }
      });
  diffLike('diff', 'show what jhm synth would change in dist/ and cdktf.out/stacks/ (writes nothing; secrets are never shown)', false);
  diffLike('check', 'like diff, but exit 1 when anything would change (for CI)', true);
}

/** `jhm synth --strict`: the validation warnings, thrown as errors (each on its own line). */
function strictErrors(warnings: readonly Diagnostic[]): void {
  if (warnings.length > 0) throw new UserErrors(warnings.map((w) => new UserError(w.message, w)));
}

/** `jhm validate --manifests`: the preflight of the named clusters' folders as on disk; exit 1 on any finding. */
async function validateManifests(root: string, names: readonly string[]): Promise<void> {
  const { checkManifestFolders } = await import('../../synth/manifest-check');
  const { findingError } = await import('../../k8s/preflight');
  const checks = await checkManifestFolders(root, names);
  for (const c of checks) {
    if (!c.secretsChecked) info(`${OUTPUT_DIRS.secrets}/${c.cluster} is absent: references to Secrets in ${OUTPUT_DIRS.dist}/${c.cluster} are not checked`);
  }
  const findings = checks.flatMap((c) => c.findings);
  if (findings.length > 0) throw new UserErrors(findings.map(findingError));
  for (const c of checks) success(`${OUTPUT_DIRS.dist}/${c.cluster}: ${c.files} file(s), no problem found`);
}

/** Whether the project has cluster files (else every cluster is a hub's own, and messages speak of hubs as before). */
async function hasClusterFiles(root: string): Promise<boolean> {
  const { listClusterNames } = await import('../../project/load');
  return listClusterNames(root).length > 0;
}

/** Clusters with recorded output (see output.ts) that no file defines any more. */
async function staleOutputs(root: string): Promise<string[]> {
  const { definedClusterNames } = await import('../../synth/pipeline');
  const defined = definedClusterNames(root);
  return recordedHubs(root).filter((c) => !defined.has(c));
}
