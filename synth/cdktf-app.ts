/**
 * Entry point of the cdktf CLI (`app` in cdktf.json): `npx cdktf synth|diff|deploy <cluster>` builds
 * one stack per cluster (each cluster file, each hub file in today's format) through the same pipeline as `jhm synth` (`pipeline.ts`: the
 * same checks, staging, journal and commit), Terraform side only. Problems are printed as `jhm`
 * prints them (`report.ts`): one line each, `error: file:line: field: message (fix)`, exit status
 * 1, a stack trace only with JHM_DEBUG.
 *
 * The cdktf CLI names its output folder in CDKTF_OUTDIR (`cdktf.out` of the project unless
 * `--output` says otherwise). Another folder is not project output: the stacks are written there
 * directly, after the same checks.
 *
 * Like `jhm synth`, it refuses a stack that replaces a cluster or nodegroup under deletion
 * protection; `JHM_ALLOW_REPLACE=1 npx cdktf synth` is `jhm synth --allow-replace`, and prints the
 * same summary line and warning.
 */
import * as path from 'path';
import { PROJECT_PATHS } from '../project/layout';
import { createInfraApp } from '../infra/synth';
import { synthesisUnits, synthHubs } from './pipeline';
import { reportTerraformPlan } from './plan-report';
import { reportError } from './report';

const root = process.cwd();
const outdir = path.resolve(root, process.env.CDKTF_OUTDIR ?? PROJECT_PATHS.cdktfOut);

async function run(): Promise<void> {
  // JHM_ALLOW_REPLACE=1 is `jhm synth --allow-replace` (the cdktf CLI passes no options to the app).
  if (outdir === path.join(root, PROJECT_PATHS.cdktfOut)) {
    const report = await synthHubs({ root, apps: { infra: true, k8s: false }, allowReplace: process.env.JHM_ALLOW_REPLACE === '1' });
    // As jhm synth: a line per changed stack, and the warning of an allowed replacement.
    for (const [cluster, plan] of report.plans) reportTerraformPlan(cluster, plan);
  } else createInfraApp(synthesisUnits(root).units, { outdir }).synth();
}

run().catch((e) => {
  process.exitCode = reportError(e, Boolean(process.env.JHM_DEBUG));
});
