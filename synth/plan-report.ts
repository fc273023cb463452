/**
 * How `jhm synth` and `jhm deploy` report the Terraform change plan of each stack they wrote
 * (`synth/terraform-plan.ts`): one line, one for what the nodes cost when they change
 * (`synth/plan-cost.ts`), and a warning for what is replaced or destroyed.
 */
import type { TerraformPlan } from './terraform-plan';
import { describeCost } from './plan-cost';
import { info, warn } from './report';

/** The command that moves a cluster's state to a changed backend (Terraform's data folder is jhm's: `jhm terraform`). */
export function migrateStateCommand(cluster: string): string {
  return `jhm terraform ${cluster} init -migrate-state`;
}

/** Where the state move is explained. */
export const MIGRATE_STATE_GUIDE = 'docs/terraform-state.md: Moving an existing local state into a backend';

/**
 * The summary line of `jhm synth` and `jhm deploy` for a cluster whose stack changed: Terraform's
 * counts and each resource change (the first six), then `next` (what applies it); a replacement
 * or destroy (allowed: deletion protection off, or --allow-replace) gets a warning line with what
 * is lost. When the nodes change (or the cluster is new), a line with the cluster's SUs per hour
 * at maximum and minimum scale, before and after.
 */
export function reportTerraformPlan(cluster: string, plan: TerraformPlan, next = `jhm deploy ${cluster} applies it`): void {
  if (plan.backend) {
    const b = plan.backend;
    warn(
      `${cluster}: the state backend changes (${b.before === b.after ? `${b.after}: ${b.attributes.map((a) => a.path).join(', ')}` : `${b.before} -> ${b.after}`}): move the state before jhm deploy, with ${migrateStateCommand(cluster)} (${MIGRATE_STATE_GUIDE})`,
    );
  }
  if (plan.changes.length === 0) return;
  const words: Record<TerraformPlan['changes'][number]['action'], string> = { create: 'create', update: 'update in-place', replace: 'REPLACE', destroy: 'DESTROY' };
  const shown = 6;
  const list = [
    ...plan.changes.slice(0, shown).map((r) => `${words[r.action]} ${r.address}${r.upgrade ? ` (rolling upgrade${r.kubernetes ? ` to Kubernetes ${r.kubernetes.to}` : ''})` : ''}`),
    ...(plan.changes.length > shown ? [`${plan.changes.length - shown} more`] : []),
  ].join(', ');
  info(`${cluster}: Terraform plan: ${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy (${list}); ${next}`);
  if (plan.cost) info(`${cluster}: cost in Jetstream2 SUs: ${describeCost(plan.cost)}`);
  const loud = plan.changes.filter((r) => r.action === 'replace' || r.action === 'destroy');
  if (loud.length > 0) {
    warn(`${cluster}: the new stack replaces or destroys ${loud.map((r) => r.address).join(', ')}: ${loud.map((r) => r.loss ?? 'its data').join('; ')}`);
  }
}
