/**
 * The pins in config/versions.ts: each chart's recorded `kubeVersion` (what `jhm validate` checks a
 * hub's Kubernetes version against) is the one in the chart's own Chart.yaml. The real archives
 * are in `../shared/charts` beside the clone (CI has them there); the comparison is skipped where
 * that folder lacks them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { parse } from 'yaml';
import { CHARTS } from '../../config/versions';
import { archiveName } from '../../k8s/helm/chart-lock';

const REAL_CHARTS = path.resolve(__dirname, '..', '..', '..', 'shared', 'charts');

const pins = Object.entries(CHARTS);

test.each(pins)('%s: the recorded kubeVersion is a valid range', (_key, pin) => {
  expect(semver.validRange(pin.kubeVersion)).not.toBeNull();
});

const available = pins.every(([, pin]) => fs.existsSync(path.join(REAL_CHARTS, archiveName(pin))));
if (!available) {
  test.skip(`recorded kubeVersion equals the archive's Chart.yaml (skipped: ${REAL_CHARTS} lacks the real chart archives)`, () => undefined);
}

(available ? test.each(pins) : test.skip.each(pins))("%s: the recorded kubeVersion is the archive's Chart.yaml kubeVersion", (_key, pin) => {
  const archive = path.join(REAL_CHARTS, archiveName(pin));
  const chartYaml = execFileSync('tar', ['-xzOf', archive, `${pin.name}/Chart.yaml`], { encoding: 'utf8' });
  const chart = parse(chartYaml) as { name: string; version: string; kubeVersion?: string };
  expect({ name: chart.name, version: chart.version }).toEqual({ name: pin.name, version: pin.version });
  expect(pin.kubeVersion).toBe(chart.kubeVersion);
});
