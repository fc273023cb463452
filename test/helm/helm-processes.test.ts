/**
 * Rule: at most `helmProcesses` helm processes run at once (`JHM_HELM_PROCESSES`, default 2 per
 * core): a cluster renders every hub's release at once, and each helm process takes a core and
 * about 100 MB, so more would only queue for the cores and add memory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packagedChartPins } from '../../project/chart-pins';
import { HelmRenderer } from '../../k8s/helm/render';
import { resolveSettings } from '../../k8s/helm/settings';
import { packageTestCharts } from '../../bench/test-charts';
import { isolatedOptions, realHelm, removeTempDirs, tempDir } from './helpers';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

afterAll(removeTempDirs);

/** A helm that logs `start` and `end` around each `helm template` (held open a little so runs overlap when allowed). */
function loggingHelm(dir: string, real: string): { path: string; maxAtOnce: () => number } {
  const script = path.join(dir, 'helm-logging');
  const log = path.join(dir, 'helm.log');
  fs.writeFileSync(
    script,
    `#!/bin/sh\nif [ "$1" = template ]; then echo start >> '${log}'; sleep 0.3; '${real}' "$@"; rc=$?; echo end >> '${log}'; exit $rc; fi\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  return {
    path: script,
    maxAtOnce: () => {
      let now = 0;
      let max = 0;
      for (const l of fs.readFileSync(log, 'utf8').split('\n')) {
        if (l === 'start') max = Math.max(max, ++now);
        if (l === 'end') now--;
      }
      return max;
    },
  };
}

test('rule: no more helm processes at once than helmProcesses; every render still completes', async () => {
  const chartsDir = await packageTestCharts();
  const dir = tempDir();
  const helm = loggingHelm(dir, await realHelm());
  const r = new HelmRenderer(isolatedOptions(dir, chartsDir, helm.path, { renderCache: false, helmProcesses: 2 }));
  const renders = ['a', 'b', 'c', 'd', 'e'].map((hub) =>
    r.render({ chart: CHARTS.jupyterhub, release: hub, namespace: hub, values: { hub: { config: { JupyterHub: { admin_access: hub === 'a' } } } }, kubeVersion: 'v1.33.0' }),
  );
  const results = await Promise.all(renders);
  expect(results.every((x) => x.objects.length > 0)).toBe(true);
  expect(helm.maxAtOnce()).toBe(2);
});

test('rule: helmProcesses defaults to JHM_HELM_PROCESSES, else 2 per core', () => {
  expect(resolveSettings({ env: {} }).helmProcesses).toBe(2 * os.availableParallelism());
  expect(resolveSettings({ env: { JHM_HELM_PROCESSES: '3' } }).helmProcesses).toBe(3);
  expect(resolveSettings({ env: { JHM_HELM_PROCESSES: 'many' } }).helmProcesses).toBe(2 * os.availableParallelism());
  expect(resolveSettings({ env: { JHM_HELM_PROCESSES: '3' }, helmProcesses: 1 }).helmProcesses).toBe(1);
});
