/**
 * The REAL pinned charts, rendered with the engine. Runs only where `<name>-<version>.tgz` of every
 * chart jhm pins (its charts.yaml) is at hand (`realCharts`; tests cannot download them);
 * otherwise the tests are skipped with a line saying so.
 *
 * The archives are checked against a copy of the committed charts.lock.json (entries it lacks are
 * recorded in the copy only).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { isDeepStrictEqual } from 'util';
import * as path from 'path';
import { packagedChartPins } from '../../project/chart-pins';
import { archiveName } from '../../k8s/helm/chart-lock';
import { readYamlDocuments, readYamlDocumentsReference } from '../../k8s/helm/manifest';
import { HelmRenderer } from '../../k8s/helm/render';
import { ScopeTable } from '../../k8s/helm/scope';
import type { RenderRequest } from '../../k8s/helm/types';
import { isolatedOptions, realHelm, removeTempDirs, tempDir } from './helpers';
import { realCharts } from '../support/outside-files';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

afterAll(removeTempDirs);

const real = realCharts();
const chartsDir = real.dir;

const requests: RenderRequest[] = [
  { chart: CHARTS.certManager, release: 'cert-manager', namespace: 'cert-manager', values: { crds: { enabled: true } }, kubeVersion: 'v1.33.0' },
  { chart: CHARTS.ingressNginx, release: 'ingress-nginx', namespace: 'ingress-nginx', values: {}, kubeVersion: 'v1.33.0' },
  { chart: CHARTS.traefik, release: 'traefik', namespace: 'traefik', values: {}, kubeVersion: 'v1.33.0' },
  {
    chart: CHARTS.jupyterhub,
    release: 'jupyterhub',
    namespace: 'jupyterhub',
    values: {
      proxy: { secretToken: 'fake-proxy-token-for-tests' },
      hub: { config: { JupyterHub: { cookie_secret: 'fake-cookie-secret-for-tests' }, CryptKeeper: { keys: ['fake-crypt-key-for-tests'] } } },
    },
    kubeVersion: 'v1.33.0',
  },
];

real.test('the real pinned charts render deterministically with namespaces right and no hook annotations', async () => {
  const dir = tempDir();
  const lockFile = path.join(dir, 'charts.lock.json');
  fs.copyFileSync(path.resolve(__dirname, '..', '..', 'charts.lock.json'), lockFile);
  const helm = await realHelm();
  const make = (): HelmRenderer => new HelmRenderer({ ...isolatedOptions(fs.mkdtempSync(path.join(dir, 'r-')), chartsDir, helm), lockFile, renderCache: false });
  for (const req of requests) {
    const a = await make().render(req);
    const b = await make().render(req);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.objects.length).toBeGreaterThan(0);
    const scope = new ScopeTable(a.objects, ['ClusterIssuer']);
    for (const o of a.objects) {
      const label = `${req.chart.name}: ${o.kind}/${o.metadata.name}`;
      expect([label, Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('helm.sh/hook'))]).toEqual([label, []]);
      expect([label, o.metadata.namespace === undefined]).toEqual([label, scope.isClusterScoped(o)]);
    }
    if (req.chart === CHARTS.certManager) {
      const crds = a.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
      expect(crds).toEqual(expect.arrayContaining(['clusterissuers.cert-manager.io', 'certificates.cert-manager.io']));
    }
  }
});

real.test("rule: the fast reader reads every real chart's helm output exactly as the reference does", async () => {
  const dir = tempDir();
  const helm = await realHelm();
  for (const req of requests) {
    const values = path.join(dir, `${req.release}.json`);
    fs.writeFileSync(values, JSON.stringify(req.values));
    const text = execFileSync(helm, ['template', req.release, path.join(chartsDir, archiveName(req.chart)), '--namespace', req.namespace, '--kube-version', req.kubeVersion, '--values', values], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
    });
    const fast = readYamlDocuments(text, req.chart.name);
    expect(fast.length).toBeGreaterThan(0);
    expect([req.chart.name, isDeepStrictEqual(fast, readYamlDocumentsReference(text, req.chart.name))]).toEqual([req.chart.name, true]);
  }
});
