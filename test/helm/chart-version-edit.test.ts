/**
 * Rule (issue 19, item 4): chart versions are data. A version edit in the project's `charts.yaml`
 * changes the next `jhm synth` with no build step (the incremental synth's skip key covers the
 * pins), and `jhm check` names each committed file rendered from another version than the one
 * pinned. The edit pins a second version of the Traefik stand-in chart, packaged here.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { packagedChartPins } from '../../project/chart-pins';
import { renderedChartVersions } from '../../synth/compare';
import { engineEnv, makeProject, removeProjects, REPO, runJhm, TestProject } from '../support/project';
import { removeTempDirs, tempDir } from './helpers';

afterAll(() => {
  removeProjects();
  removeTempDirs();
});

const jhms = packagedChartPins().traefik;
const NEWER = '41.4.0';

/** The packaged test charts plus Traefik's stand-in packaged again as version `version`. */
function chartsWithTraefik(chartsDir: string, helm: string, version: string): string {
  const dir = tempDir('jhm-charts-edit-');
  const charts = path.join(dir, 'charts');
  fs.cpSync(chartsDir, charts, { recursive: true });
  const source = path.join(dir, 'src', 'traefik');
  fs.cpSync(path.join(REPO, 'test', 'charts', 'traefik'), source, { recursive: true });
  const chartYaml = path.join(source, 'Chart.yaml');
  fs.writeFileSync(chartYaml, fs.readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, `version: ${version}`));
  const homes = { HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') };
  execFileSync(helm, ['package', source, '--destination', charts], { env: { PATH: process.env.PATH, HOME: dir, ...homes }, stdio: 'pipe' });
  expect(fs.existsSync(path.join(charts, `traefik-${version}.tgz`))).toBe(true);
  return charts;
}

/** The dist/ files of `project` whose chart labels name Traefik, with the versions they name. */
function traefikVersions(project: TestProject): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [file, text] of project.tree('dist')) {
    const versions = renderedChartVersions(text).get('traefik');
    if (versions) found.set(`dist/${file}`, [...versions]);
  }
  return found;
}

test(`rule: a chart version edit in charts.yaml changes the next synth with no build step, and jhm check names the file rendered from the old version`, async () => {
  const project = await makeProject();
  const chartsDir = chartsWithTraefik(project.engine.chartsDir, project.engine.helm, NEWER);
  const synth = () => project.synth({ helm: { chartsDir } });
  const check = () => runJhm(['-C', project.root, 'check'], { ...engineEnv(project.engine), JHM_CHARTS_DIR: chartsDir });

  await synth();
  const before = traefikVersions(project);
  expect(before.size).toBeGreaterThan(0);
  for (const versions of before.values()) expect(versions).toEqual([jhms.version]);
  // Nothing changed: the skip key is stable.
  expect((await synth()).unchanged).toEqual(['example']);

  project.write('charts.yaml', `traefik:\n  name: traefik\n  repository: ${jhms.repository}\n  version: ${NEWER}\n  kubeVersion: '${jhms.kubeVersion}'\n`);

  const stale = await check();
  expect(stale.code).toBe(1);
  const lines = stale.stdout.split('\n').filter((l) => l.includes(' was rendered from '));
  expect(lines).toEqual([...before.keys()].map((file) => `${file} was rendered from traefik ${jhms.version}; the project pins ${NEWER}`));

  const report = await synth();
  expect(report.unchanged).toEqual([]);
  const after = traefikVersions(project);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const versions of after.values()) expect(versions).toEqual([NEWER]);

  const fresh = await check();
  expect(fresh.stdout).not.toContain(' was rendered from ');
  expect(fresh.code).toBe(0);
  expect((await synth()).unchanged).toEqual(['example']);
}, 120_000);

test('rule: the upgrading guide pins a chart in charts.yaml, with no build, and quotes jhm check as it prints', () => {
  const guide = fs.readFileSync(path.join(REPO, 'docs', 'upgrading.md'), 'utf8');
  const chart = /^- \*\*A chart\*\*:[\s\S]*?(?=^- \*\*)/m.exec(guide)?.[0] ?? '';
  expect(chart).toContain('`charts.yaml`');
  expect(chart).toContain('No build');
  expect(chart).not.toMatch(/config\/versions\.ts|npm run build/);
  const quoted = /\("(dist\/[^"]+ was rendered from [^"]+)"\)/.exec(chart.replace(/\s*\n\s*/g, ' '))?.[1];
  expect(quoted).toMatch(/^dist\/\S+\.yaml was rendered from traefik \S+; the project pins \S+$/);
});
