/**
 * The guides quote real `jhm diff` output (docs/day-two.md and docs/upgrading.md): for a label change (a replacement)
 * and for a template change (a rolling upgrade) on the example shared cluster. This test makes
 * the same edits to clusters/shared.yaml, runs `jhm diff shared` and expects the guides' text, so
 * the quoted output cannot drift from what jhm prints. The guides quote a run with the real
 * charts; the test charts render the Kubernetes version into their manifests, so for the upgrade
 * only the Terraform part (the stack's patch and the plan) is compared. docs/clusters-and-hubs.md
 * quotes the one-line error of `jhm validate` for a refused cluster file, checked the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makeProject, REPO, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

const DAY_TWO = fs.readFileSync(path.join(REPO, 'docs', 'day-two.md'), 'utf8');
const UPGRADING = fs.readFileSync(path.join(REPO, 'docs', 'upgrading.md'), 'utf8');
const CLUSTERS_AND_HUBS = fs.readFileSync(path.join(REPO, 'docs', 'clusters-and-hubs.md'), 'utf8');
const SHARED = fs.readFileSync(path.join(REPO, 'clusters', 'shared.yaml'), 'utf8');
const hub = (name: string) => fs.readFileSync(path.join(REPO, 'hubs', `${name}.yaml`), 'utf8');

/** The first ```text block after `marker`, without the fence lines and with its indentation removed. */
function quotedAfter(marker: string, doc: string): string {
  const at = doc.indexOf(marker);
  expect(at).toBeGreaterThan(-1);
  const m = /^( *)```text\n([\s\S]*?)^\1```$/m.exec(doc.slice(at));
  if (!m) throw new Error(`no text block after ${marker}`);
  return m[2]
    .split('\n')
    .map((l) => l.slice(m[1].length))
    .join('\n');
}

/** What `jhm diff` prints, as a terminal shows it: stdout, then its summary line (stderr). */
async function diffShown(project: TestProject): Promise<string> {
  const run = await project.jhm('diff', 'shared');
  expect(run.code).toBe(0);
  const summary = run.stderr.split('\n').filter((l) => l.includes('would change'));
  return `${run.stdout}${summary.join('\n')}\n`;
}

/** The patch of the stack file and the Terraform plan: what no chart changes. */
function terraformPart(shown: string): string {
  const section = (start: string, end: RegExp): string => {
    const from = shown.indexOf(start);
    if (from < 0) return '';
    const rest = shown.slice(from);
    const stop = rest.slice(1).search(end);
    return stop < 0 ? rest : rest.slice(0, stop + 1);
  };
  return section('--- a/cdktf.out/stacks/shared/cdk.tf.json', /^(=+|Terraform: )/m) + section('Terraform: ', /^(Kubernetes: |\d+ file\(s\) would change)/m);
}

describe('the guides quote real jhm output', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject({ clusters: { shared: SHARED }, hubs: { 'course-a': hub('course-a'), 'course-b': hub('course-b') } });
    expect((await project.jhm('synth')).code).toBe(0);
  });

  test('a label change: the replacement of the cluster and its nodegroup', async () => {
    project.write('clusters/shared.yaml', SHARED.replace(/^ {2}autoscaling: true\n/m, '  autoscaling: true\n  labels:\n    monitoring_enabled: "true"\n'));
    expect(await diffShown(project)).toBe(quotedAfter('Here is `jhm diff shared` after adding a Magnum label', DAY_TWO));
    const synth = await project.jhm('synth', 'shared');
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(quotedAfter('`jhm synth` refuses such a change and writes nothing', DAY_TWO));
  });

  test('a template change: the rolling upgrade in place', async () => {
    project.write('clusters/shared.yaml', SHARED.replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-34-jammy').replace(/^ {2}kubernetesVersion: .*\n/m, ''));
    const quoted = quotedAfter('`jhm diff shared` shows the upgrade', UPGRADING);
    expect(terraformPart(quoted)).toContain('+        "name": "kubernetes-1-34-jammy"\n');
    expect(terraformPart(quoted)).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    expect(terraformPart(await diffShown(project))).toBe(terraformPart(quoted));
  });

  test('a refused file: the one-line error of a nodegroup below one node, with its file, line and field', async () => {
    project.write('clusters/spring.yaml', SHARED.replace('    minNodes: 1\n    maxNodes: 12', '    minNodes: 0\n    maxNodes: 12'));
    const run = await project.jhm('validate', 'spring');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(quotedAfter('`jhm validate spring` of a copy of `clusters/shared.yaml`', CLUSTERS_AND_HUBS));
  });
});
