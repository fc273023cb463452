/**
 * Rule (issue 13): with the render cache on, renders of the same key at the same time (hubs that
 * share a release, synthesized concurrently) run helm once, and each gets its own objects, equal to
 * a render alone. With the cache off, helm still runs for every render.
 */
import { packagedChartPins } from '../../project/chart-pins';
import { HelmRenderer } from '../../k8s/helm/render';
import type { RenderRequest } from '../../k8s/helm/types';
import { packageTestCharts } from '../../bench/test-charts';
import { countingHelm, isolatedOptions, realHelm, removeTempDirs, tempDir } from './helpers';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

afterAll(removeTempDirs);

let chartsDir: string;
let helm: string;
beforeAll(async () => {
  chartsDir = await packageTestCharts();
  helm = await realHelm();
});

const request: RenderRequest = { chart: CHARTS.certManager, release: 'cert-manager', namespace: 'cert-manager', values: { crds: { enabled: true } }, kubeVersion: 'v1.33.0' };

test('concurrent renders of one key run helm once, each with its own objects', async () => {
  const dir = tempDir();
  const counting = countingHelm(dir, helm);
  const r = new HelmRenderer(isolatedOptions(dir, chartsDir, counting.path, { renderCache: true }));
  const [a, b, c] = await Promise.all([r.render(request), r.render(request), r.render(request)]);
  expect(counting.calls().filter((x) => x[0] === 'template')).toHaveLength(1);
  expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  expect(JSON.stringify(c)).toBe(JSON.stringify(a));
  expect(b.objects[0]).not.toBe(a.objects[0]);
  const alone = await new HelmRenderer(isolatedOptions(tempDir(), chartsDir, helm, { renderCache: false })).render(request);
  expect(JSON.stringify(a)).toBe(JSON.stringify(alone));
});

test('with the cache off, concurrent renders each run helm', async () => {
  const dir = tempDir();
  const counting = countingHelm(dir, helm);
  const r = new HelmRenderer(isolatedOptions(dir, chartsDir, counting.path, { renderCache: false }));
  await Promise.all([r.render(request), r.render(request)]);
  expect(counting.calls().filter((x) => x[0] === 'template')).toHaveLength(2);
});
