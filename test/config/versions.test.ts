/**
 * The pins in config/versions.ts: each chart's recorded `kubeVersion` (what `jhm validate` checks a
 * hub's Kubernetes version against) is the one in the chart's own Chart.yaml, read from the real
 * archives (`realCharts`: CI has them; the comparison is skipped, saying so, where they are not).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as semver from 'semver';
import { parse } from 'yaml';
import { CHARTS } from '../../config/versions';
import { archiveName } from '../../k8s/helm/chart-lock';
import { realCharts } from '../support/outside-files';

const pins = Object.entries(CHARTS);

test.each(pins)('%s: the recorded kubeVersion is a valid range', (_key, pin) => {
  expect(semver.validRange(pin.kubeVersion)).not.toBeNull();
});

const charts = realCharts();

charts.test.each(pins)("%s: the recorded kubeVersion is the archive's Chart.yaml kubeVersion", (_key, pin) => {
  const archive = path.join(charts.dir, archiveName(pin));
  const chartYaml = execFileSync('tar', ['-xzOf', archive, `${pin.name}/Chart.yaml`], { encoding: 'utf8' });
  const chart = parse(chartYaml) as { name: string; version: string; kubeVersion?: string };
  expect({ name: chart.name, version: chart.version }).toEqual({ name: pin.name, version: pin.version });
  expect(pin.kubeVersion).toBe(chart.kubeVersion);
});
