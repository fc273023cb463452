/**
 * What a change costs in Jetstream2 SUs per hour (issue 21, item 6): the figures of the example
 * clusters (clusters/shared.yaml, hubs/example.yaml), read back from the stacks `jhm synth` writes,
 * and how the change plan words them (synth/plan-cost.ts, synth/terraform-plan.ts), with rates from
 * model/flavors.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { jetstream2Flavor, JETSTREAM2_FLAVORS, SU_PER_VCPU_HOUR } from '../../model/flavors';
import { clusterCost, costLines, describeCost, planCost, stackScale } from '../../synth/plan-cost';
import { formatTerraformPlan, planStack } from '../../synth/terraform-plan';
import { EXAMPLE_HUB, makeProject, removeProjects } from '../support/project';
import { cleanupTempDirs, exampleHub, ROOT, sharedClusterStack, synthHub, variantHub } from '../infra/support';

afterAll(() => {
  cleanupTempDirs();
  removeProjects();
});

const sharedStack = (edit: (file: Record<string, any>) => void = () => undefined) => sharedClusterStack(edit).stack;

describe('model/flavors.ts: the flavor table', () => {
  test("rule: a flavor's SU rate is its vCPUs times its family's rate, as Jetstream2's tables state it", () => {
    // The "Cost per hour (SU)" column of docs.jetstream-cloud.org/general/instance-flavors/.
    const stated: Record<string, number> = { 'm3.tiny': 1, 'm3.small': 2, 'm3.quad': 4, 'm3.medium': 8, 'm3.large': 16, 'm3.xl': 32, 'm3.2xl': 64, 'r3.large': 128, 'r3.xl': 256 };
    for (const [name, rate] of Object.entries(stated)) expect([name, jetstream2Flavor(name)?.suPerHour]).toEqual([name, rate]);
    expect(SU_PER_VCPU_HOUR).toEqual({ m3: 1, r3: 2, g3: 2 });
    expect(['g3.small', 'g3.medium', 'g3.large', 'g3.xl'].map((f) => jetstream2Flavor(f)?.suPerHour)).toEqual([8, 16, 32, 64]);
  });

  test("rule: the flavor table of docs/day-two.md says what model/flavors.ts says (m3.3xl, on request only, left out)", () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'day-two.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| ([mrg]3\.[^|]+)\| ([^|]+)\| ([^|]+)\| ([^|]+)\| ([^|]+)\|$/gm)];
    const listed: Record<string, [number, number, number, number]> = {};
    for (const [, names, vcpus, memory, gpus, rates] of rows) {
      const cells = [vcpus, memory, rates].map((c) => c.split(',').map((x) => Number(x.trim())));
      names.split(',').forEach((n, i) => (listed[n.trim()] = [cells[0][i], cells[1][i], parseInt(gpus, 10), cells[2][i]]));
    }
    const model = Object.fromEntries(
      Object.keys(JETSTREAM2_FLAVORS)
        .filter((n) => n !== 'm3.3xl')
        .map((n) => {
          const f = jetstream2Flavor(n)!;
          return [n, [f.vcpus, f.memoryGB, f.gpus, f.suPerHour]];
        }),
    );
    expect(listed).toEqual(model);
  });

  test('rule: only the g3 flavors have a GPU, one each; an unlisted flavor is unknown, not guessed', () => {
    expect(Object.entries(JETSTREAM2_FLAVORS).filter(([, f]) => f.gpus > 0).map(([n, f]) => [n, f.gpus])).toEqual([
      ['g3.small', 1],
      ['g3.medium', 1],
      ['g3.large', 1],
      ['g3.xl', 1],
    ]);
    expect(jetstream2Flavor('m9.huge')).toBeUndefined();
    expect(jetstream2Flavor('constructor')).toBeUndefined();
  });
});

describe('the SU figures of the example clusters', () => {
  test('clusters/shared.yaml: 16 SU/h at minimum scale, 104 SU/h at maximum (control plane and core node m3.quad, mediums 1-12 m3.medium)', () => {
    const groups = stackScale(sharedStack())!;
    expect(groups.map((g) => [g.group, g.flavor, g.min, g.max])).toEqual([
      ['control plane', 'm3.quad', 1, 1],
      ['default-worker', 'm3.quad', 1, 1],
      ['mediums', 'm3.medium', 1, 12],
    ]);
    expect(clusterCost(groups)).toEqual({ min: 16, max: 104, unknown: [] });
  });

  test('hubs/example.yaml (its own cluster): 16 SU/h at minimum scale, 72 SU/h at maximum (mediums 1-8)', () => {
    expect(clusterCost(stackScale(synthHub(exampleHub()))!)).toEqual({ min: 16, max: 72, unknown: [] });
  });

  test('rule: without autoscaling a nodegroup runs at its node count, whatever its range', () => {
    const groups = stackScale(sharedStack((c) => ((c.magnum.autoscaling = false), (c.nodeGroups[0].nodeCount = 3))))!;
    expect(groups.find((g) => g.group === 'mediums')).toMatchObject({ min: 3, max: 3 });
    expect(clusterCost(groups)).toEqual({ min: 32, max: 32, unknown: [] });
  });
});

describe('rule: the change plan states the cost before and after when the nodes change', () => {
  test('a maxNodes edit of the example hub: mediums maxNodes 8 -> 12, worst case 72 -> 104 SU/h', () => {
    const before = synthHub(exampleHub());
    const after = synthHub(variantHub((h) => (h.nodeGroups[0].maxNodes = 12)));
    const plan = planStack(before, after);
    expect(formatTerraformPlan('Terraform:', plan).split('\n').slice(-2)).toEqual([
      '  Plan: 0 to add, 1 to change, 0 to destroy.',
      '  Cost in Jetstream2 SUs: mediums maxNodes 8 -> 12: worst case 72 -> 104 SU/h at maximum scale, 16 SU/h (unchanged) at minimum scale',
    ]);
    // docs/day-two.md ("What it costs") quotes this line.
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'day-two.md'), 'utf8')).toContain('`Cost in Jetstream2 SUs: mediums maxNodes 8 -> 12: worst case 72 -> 104 SU/h at maximum scale, 16 SU/h (unchanged) at minimum scale`');
  });

  test('several edits at once: each named (in the stack\'s order), the totals once', () => {
    const plan = planStack(
      sharedStack(),
      sharedStack((c) => {
        c.magnum.masterCount = 3;
        c.nodeGroups[0].minNodes = 2;
        c.nodeGroups.push({ name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2 });
      }),
    );
    // Before: 4 + 4 + 8..96; after: 12 + 4 + 16..96 + 32..64.
    expect(describeCost(plan.cost!)).toBe(
      'control plane masterCount 1 -> 3, gpus added (1-2 x g3.large), mediums minNodes 1 -> 2: worst case 104 -> 176 SU/h at maximum scale, 16 -> 64 SU/h at minimum scale',
    );
  });

  test('a new cluster: its figures and its nodes; a destroyed one goes to 0', () => {
    const stack = sharedStack();
    expect(describeCost(planCost(undefined, stack)!)).toBe(
      'new cluster (control plane 1 x m3.quad, default-worker 1 x m3.quad, mediums 1-12 x m3.medium): worst case 104 SU/h at maximum scale, 16 SU/h at minimum scale',
    );
    expect(describeCost(planCost(stack, undefined)!)).toBe('cluster removed: worst case 104 -> 0 SU/h at maximum scale, 16 -> 0 SU/h at minimum scale');
  });

  test('rule: a flavor without a known rate is named, and the figures it enters are unknown, never guessed', () => {
    const plan = planStack(sharedStack(), sharedStack((c) => c.nodeGroups.push({ name: 'bigs', flavor: 'm9.huge', minNodes: 1, maxNodes: 2 })));
    expect(costLines(plan.cost)).toEqual([
      '  Cost in Jetstream2 SUs: bigs added (1-2 x m9.huge): worst case 104 -> unknown SU/h at maximum scale, 16 -> unknown SU/h at minimum scale; unknown SU rate for flavor m9.huge (bigs)',
    ]);
  });

  test('rule: a change that leaves the nodes as they are carries no cost line (the plan text stays as it was)', () => {
    const plan = planStack(sharedStack(), sharedStack((c) => (c.magnum.labels = { monitoring_enabled: 'true' })));
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(plan.cost).toBeUndefined();
    expect(formatTerraformPlan('Terraform:', plan)).not.toContain('SU');
    expect(planCost(sharedStack(), sharedStack())).toBeUndefined();
  });
});

describe('rule: jhm synth, jhm diff and jhm check print the cost of a change to the nodes', () => {
  test('a first synth states the new cluster\'s figures; a maxNodes edit shows in diff, check and synth', async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    const first = await project.jhm('synth');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(
      'example: cost in Jetstream2 SUs: new cluster (control plane 1 x m3.quad, default-worker 1 x m3.quad, mediums 1-8 x m3.medium): worst case 72 SU/h at maximum scale, 16 SU/h at minimum scale',
    );
    project.write('hubs/example.yaml', EXAMPLE_HUB.replace('    maxNodes: 8\n', '    maxNodes: 12\n'));
    const line = 'Cost in Jetstream2 SUs: mediums maxNodes 8 -> 12: worst case 72 -> 104 SU/h at maximum scale, 16 SU/h (unchanged) at minimum scale';
    for (const command of ['diff', 'check']) {
      const run = await project.jhm(command, '--no-patch');
      expect(run.stdout).toContain(`  Plan: 0 to add, 1 to change, 0 to destroy.\n  ${line}\n`);
    }
    const synth = await project.jhm('synth');
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain(`example: ${line.charAt(0).toLowerCase()}${line.slice(1)}`);
    // Nothing about the nodes changed since: no plan, no cost.
    expect((await project.jhm('diff')).stdout).not.toContain('SU/h');
  });
});
