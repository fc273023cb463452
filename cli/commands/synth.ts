/**
 * `jhm validate`, `jhm synth`, `jhm diff`, `jhm check`: from hub files to the outputs, and
 * whether the committed outputs are up to date.
 */
import { Command } from 'commander';
import { Diagnostics } from '../../config/diagnostics';
import { UserError } from '../../config/errors';
import type { Hub } from '../../config/hub';
import { OUTPUT_DIRS, recordedHubs } from '../../synth/output';
import { info, success, warn } from '../../synth/report';
import { tempDir } from '../../base/temp-dir';
import { projectRoot } from '../project-root';

export function registerSynthCommands(program: Command): void {
  program
    .command('validate')
    .description('check hub files, rules across all hubs, what helm would refuse, and secrets files, without writing anything')
    .argument('[hubs...]', 'hub names (default: every file in hubs/)')
    .action(async (names: string[], _opts, cmd: Command) => {
      // The hub model (zod, yaml) is loaded by the commands that read hub files, not by jhm --help.
      const { validateHubs } = await import('../../config/validate');
      const { loadSecrets } = await import('../../config/secrets');
      const root = projectRoot(cmd);
      const hubs = validateHubs(root, names);
      const problems = new Diagnostics();
      for (const hub of hubs) problems.collect(() => loadSecrets(root, hub, warn));
      problems.throwIfAny();
      for (const hub of hubs) success(`${hub.source}: ${hub.url} on cluster ${hub.cluster.magnumName} (${hub.cluster.nodeGroups.length + 1} nodegroups, ${hub.jupyterhub.profiles.length} profiles)`);
    });

  program
    .command('synth')
    .description('synthesize Terraform JSON (cdktf.out/stacks/<hub>) and manifests (dist/<hub>, dist-secrets/<hub>)')
    .argument('[hubs...]', 'hub names (default: every file in hubs/)')
    .option('--prune', 'also remove the output of hubs whose hub file was deleted', false)
    .option('--offline', 'never download charts (same as JHM_OFFLINE=1)', false)
    .option('--force', 'synthesize every hub, also those whose inputs and outputs are unchanged', false)
    .action(async (names: string[], opts: { prune: boolean; offline: boolean; force: boolean }, cmd: Command) => {
      const root = projectRoot(cmd);
      const started = Date.now();
      // Loaded by the commands that synthesize, not at start-up (jhm --help, validate, status).
      const { synthHubs } = await import('../../synth/pipeline');
      const report = await synthHubs({
        root,
        hubs: names,
        prune: opts.prune,
        force: opts.force,
        helm: opts.offline ? { offline: true } : {},
        onHub: (r) => r.warnings.forEach((w) => warn(w)),
      });
      for (const r of report.results) {
        success(`${r.hub.name}: ${OUTPUT_DIRS.stacks}/${r.hub.name}, ${OUTPUT_DIRS.dist}/${r.hub.name} (${r.files.dist.size} files), ${OUTPUT_DIRS.secrets}/${r.hub.name} (${r.files.secrets.size} files)`);
      }
      if (report.unchanged.length > 0) {
        info(`${report.unchanged.length} hub(s) unchanged since their last synth, output kept: ${report.unchanged.join(', ')} (--force synthesizes them anyway)`);
      }
      for (const p of report.pruned) info(`removed the output of ${p} (no hubs/${p}.yaml)`);
      if (report.foreign.length > 0) info(`left alone (not written by jhm): ${report.foreign.join(', ')}`);
      const stale = opts.prune ? [] : await staleOutputs(root);
      if (stale.length > 0) warn(`output of deleted hub(s) ${stale.join(', ')} kept; run jhm synth --prune to remove it`);
      info(`synthesized ${report.hubs.length} hub(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  const diffLike = (name: string, description: string, failOnChange: boolean) =>
    program
      .command(name)
      .description(description)
      .argument('[hubs...]', 'hub names (default: every file in hubs/)')
      .option('--offline', 'never download charts (same as JHM_OFFLINE=1)', false)
      .action(async (names: string[], opts: { offline: boolean }, cmd: Command) => {
        const root = projectRoot(cmd);
        // Removed on every exit, signals included; it never holds a secret: the secrets files are
        // not read (`dist-secrets/` is neither compared nor committed).
        const temp = tempDir('jhm-diff-');
        const tmp = temp.dir;
        try {
          const { synthHubs } = await import('../../synth/pipeline');
          const { compareOutputs } = await import('../../synth/compare');
          const report = await synthHubs({ root, hubs: names, outRoot: tmp, secrets: 'none', helm: opts.offline ? { offline: true } : {} });
          const hubs = report.hubs.map((h: Hub) => h.name);
          const changes = compareOutputs(root, tmp, hubs);
          const stale = names.length === 0 ? await staleOutputs(root) : [];
          for (const c of changes) {
            if (c.patch) process.stdout.write(c.patch);
            else process.stdout.write(`${c.status}: ${c.file} (secret: contents not shown)\n`);
          }
          for (const s of stale) process.stdout.write(`stale: output of ${s} has no hubs/${s}.yaml (jhm synth --prune removes it)\n`);
          const n = changes.length + stale.length;
          if (n === 0) {
            success(`outputs of ${hubs.length} hub(s) are up to date`);
          } else {
            info(`${changes.length} file(s) would change${stale.length ? `, ${stale.length} stale hub output(s)` : ''}: ${changes.map((c) => `${c.file} (${c.status})`).join(', ')}`);
            if (failOnChange) {
              throw new UserError(`committed outputs are out of date with the hub files`, { fix: 'run jhm synth and commit the result' });
            }
          }
        } finally {
          temp.remove();
        }
      });
  diffLike('diff', 'show what jhm synth would change in dist/ and cdktf.out/stacks/ (writes nothing; secrets are never shown)', false);
  diffLike('check', 'like diff, but exit 1 when anything would change (for CI)', true);
}

/** Hubs with recorded output (see output.ts) but no hub file. */
async function staleOutputs(root: string): Promise<string[]> {
  const { listHubNames } = await import('../../config/load');
  const defined = new Set(listHubNames(root));
  return recordedHubs(root).filter((h) => !defined.has(h));
}
