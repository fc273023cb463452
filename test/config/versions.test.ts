/**
 * The chart pins are data (`charts.yaml`, read by `project/chart-pins.ts` on every run):
 * - jhm's own file pins every chart, and each recorded `kubeVersion` (what `jhm validate` checks a
 *   hub's Kubernetes version against) is the one in the chart's own Chart.yaml, read from the real
 *   archives (`realCharts`: CI has them; the comparison is skipped, saying so, where they are not);
 * - a project's `charts.yaml` wins chart by chart; a project without one gets jhm's pins;
 * - a bad entry is one line naming the file, the field and the fix;
 * - `jhm validate` checks the Kubernetes version against the project's pins.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as semver from 'semver';
import { parse } from 'yaml';
import { loadChartPins, packagedChartPins, packagedChartPinsFile } from '../../project/chart-pins';
import { formatDiagnostic, isUserError } from '../../model/diagnostics';
import { validateProject } from '../../project/validate';
import { CHART_KEYS } from '../../model/versions';
import { archiveName } from '../../k8s/helm/chart-lock';
import { realCharts } from '../support/outside-files';

const REPO = path.resolve(__dirname, '..', '..');
const pins = Object.entries(packagedChartPins());

test("rule: jhm's own pins are the charts.yaml in its package folder, and they pin every chart", () => {
  expect(packagedChartPinsFile()).toBe(path.join(REPO, 'charts.yaml'));
  expect(Object.keys(packagedChartPins()).sort()).toEqual([...CHART_KEYS].sort());
});

test.each(pins)('%s: the recorded kubeVersion is a valid range', (_key, pin) => {
  expect(semver.validRange(pin.kubeVersion)).not.toBeNull();
});

const charts = realCharts();

charts.test.each(pins)("%s: the recorded kubeVersion is the archive's Chart.yaml kubeVersion", (_key, pin) => {
  const archive = path.join(charts.dir, archiveName(pin));
  const chartYaml = execFileSync('tar', ['-xzOf', archive, `${pin.name}/Chart.yaml`], { encoding: 'utf8' });
  const chart = parse(chartYaml) as { name: string; version: string; kubeVersion?: string };
  expect({ name: chart.name, version: chart.version }).toEqual({ name: pin.name, version: pin.version });
  // A chart whose Chart.yaml sets none is pinned with '*' (any version).
  expect(pin.kubeVersion).toBe(chart.kubeVersion ?? '*');
});

describe("a project's charts.yaml", () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const project = (chartsYaml?: string): string => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-chart-pins-'));
    roots.push(root);
    if (chartsYaml !== undefined) fs.writeFileSync(path.join(root, 'charts.yaml'), chartsYaml);
    return root;
  };
  const newerTraefik = "traefik:\n  name: traefik\n  repository: https://charts.example.test/traefik\n  version: 41.4.0\n  kubeVersion: '>=1.26.0-0'\n";
  const problems = (root: string): string[] => {
    try {
      loadChartPins(root);
    } catch (e) {
      if (isUserError(e)) return e.format().split('\n');
      throw e;
    }
    return [];
  };

  test("rule: without a charts.yaml a project renders jhm's pins", () => {
    expect(loadChartPins(project())).toEqual(packagedChartPins());
  });

  test('rule: each chart the project pins wins; the charts it does not list keep jhm\'s pins', () => {
    const loaded = loadChartPins(project(newerTraefik));
    expect(loaded.traefik).toEqual({ name: 'traefik', repository: 'https://charts.example.test/traefik', version: '41.4.0', kubeVersion: '>=1.26.0-0' });
    const { traefik: _ours, ...rest } = loaded;
    const { traefik: _jhms, ...defaults } = packagedChartPins();
    expect(rest).toEqual(defaults);
  });

  test('rule: the file is read on every call (an edit needs no build and no restart)', () => {
    const root = project(newerTraefik);
    expect(loadChartPins(root).traefik.version).toBe('41.4.0');
    fs.writeFileSync(path.join(root, 'charts.yaml'), newerTraefik.replace('41.4.0', '41.5.0'));
    expect(loadChartPins(root).traefik.version).toBe('41.5.0');
  });

  test.each([
    ['an unknown chart', 'traefk:\n  name: traefik\n', /^charts\.yaml:1: unknown chart "traefk" \(use only certManager, ingressNginx, traefik, jupyterhub, homeNfs\)$/],
    ['a pin without its kubeVersion', newerTraefik.replace(/ {2}kubeVersion.*\n/, ''), /^charts\.yaml:2: traefik\.kubeVersion: is required .*\(set it as the chart's Chart\.yaml says \(helm show chart/],
    ['a kubeVersion that is no range', newerTraefik.replace(">=1.26.0-0", 'kubernetes 1.26'), /^charts\.yaml:5: traefik\.kubeVersion: must be a semver range.*\(set it as the chart's Chart\.yaml says/],
    ['a version that is no exact version (a path in the archive name)', newerTraefik.replace('41.4.0', '../41'), /^charts\.yaml:4: traefik\.version: must be an exact chart version, e\.g\. 41\.3\.0 or v1\.21\.1 \(/],
    ['a repository that is not http(s) or oci', newerTraefik.replace('https://charts.example.test/traefik', 'file:///tmp/charts'), /^charts\.yaml:3: traefik\.repository: must be the http\(s\) URL of a Helm repository or an oci:\/\/ registry path \(/],
    ['an unknown field', `${newerTraefik}  digest: abc\n`, /^charts\.yaml:2: traefik: unknown field "digest" \(use only name, repository, version, kubeVersion\)$/],
  ])('rule: %s is one line naming charts.yaml, the field and the fix', (_what, text, line) => {
    const found = problems(project(text));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(line);
  });

  test('rule: jhm validate checks the Kubernetes version against the project\'s pins, naming the pinned version', () => {
    const root = project(newerTraefik.replace(">=1.26.0-0", '>=1.40.0-0'));
    fs.mkdirSync(path.join(root, 'hubs'));
    fs.copyFileSync(path.join(REPO, 'hubs', 'example.yaml'), path.join(root, 'hubs', 'example.yaml'));
    let error: unknown;
    try {
      validateProject(root);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error) && error.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/^hubs\/example\.yaml: cluster\.kubernetesVersion: is 1\.33\.0, which the pinned chart does not support: traefik 41\.4\.0 needs >=1\.40\.0 \(/)]);
  });
});
