/**
 * Rule (issue 19, smaller items): Kubernetes versions are read with semver in one place
 * (`model/cluster-templates.ts`), never split by hand: every spelling the schema lets through
 * (`1.33`, `v1.33.4`, leading zeros) gives the same major and minor everywhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import { helmKubeVersion, inPlaceUpgradeProblem, kubernetesMinor, minorOf } from '../../model/cluster-templates';

const ROOT = path.resolve(__dirname, '..', '..');

test('rule: every spelling of a version gives the same major and minor', () => {
  for (const v of ['1.33', 'v1.33', '1.33.0', 'v1.33.4', '1.033', '01.33.04']) {
    expect([v, kubernetesMinor(v)]).toEqual([v, { major: 1, minor: 33 }]);
    expect([v, minorOf(v)]).toEqual([v, '1.33']);
  }
  expect(helmKubeVersion('01.33.04')).toBe('v1.33.4');
  expect(inPlaceUpgradeProblem('v1.033', '1.34.2')).toBeUndefined();
});

test('rule: no other source file splits a Kubernetes version by hand', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && rel !== path.join('model', 'cluster-templates.ts')) {
        const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
        if (/\b(from|to|version|minor|kubeVersion)\.split\('\.'\)/.test(text)) offenders.push(rel);
      }
    }
  };
  for (const d of ['base', 'model', 'project', 'infra', 'k8s', 'synth', 'cli']) walk(d);
  expect(offenders).toEqual([]);
});
