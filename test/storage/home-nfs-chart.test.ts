/**
 * 2i2c's jupyterhub-home-nfs chart is published in an OCI registry only: jhm pins it with its OCI
 * reference (`charts.yaml`, key `homeNfs`), pulls it with `helm pull oci://…/<name> --version`,
 * and offline, without the archive at hand, stops in one line saying where to put it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic } from '../../model/diagnostics';
import { isUserError } from '../../model/errors';
import { packagedChartPins } from '../../project/chart-pins';
import { ChartSource, pullSource } from '../../k8s/helm/chart-source';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test('rule: the home-nfs chart is pinned by its OCI reference, and helm pull gets the chart reference in the registry', () => {
  const pin = packagedChartPins().homeNfs;
  expect(pin).toEqual({ name: 'jupyterhub-home-nfs', repository: 'oci://ghcr.io/2i2c-org/jupyterhub-home-nfs', version: '1.2.0', kubeVersion: '*' });
  expect(pullSource(pin)).toEqual(['oci://ghcr.io/2i2c-org/jupyterhub-home-nfs/jupyterhub-home-nfs']);
  // A classic repository keeps --repo.
  expect(pullSource(packagedChartPins().jupyterhub)).toEqual(['jupyterhub', '--repo', 'https://hub.jupyter.org/helm-chart/']);
});

test('rule: offline and without the archive, obtaining the chart is one line naming the archive and where to put it', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-oci-'));
  dirs.push(root);
  const charts = path.join(root, 'charts');
  fs.mkdirSync(charts);
  const source = ChartSource.create({ root, cacheDir: path.join(root, 'cache'), lockFile: path.join(root, 'charts.lock.json'), chartsDir: charts, offline: true });
  const line = await source.obtain(source.pin('homeNfs')).then(
    () => 'obtained',
    (e: unknown) => (isUserError(e) ? formatDiagnostic(e) : String(e)),
  );
  expect(line).toMatch(/^chart jupyterhub-home-nfs 1\.2\.0 is missing: it is not there and downloads are off \(offline\) \(put jupyterhub-home-nfs-1\.2\.0\.tgz from oci:\/\/ghcr\.io\/2i2c-org\/jupyterhub-home-nfs into JHM_CHARTS_DIR \(.*\) or into .*\/\)$/);
  expect(line).not.toContain('\n');
  expect(fs.existsSync(path.join(root, 'charts.lock.json'))).toBe(false);
});
