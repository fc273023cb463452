/** Rendering the test charts with the real helm: CRDs, hooks, namespaces, values, determinism, the render cache, errors. */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { UserError } from '../../model/errors';
import { packagedChartPins } from '../../project/chart-pins';
import { HelmRenderer } from '../../k8s/helm/render';
import { ScopeTable } from '../../k8s/helm/scope';
import type { K8sObject, RenderRequest, RenderResult } from '../../k8s/helm/types';
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

/** A renderer with its own cache and lock; the render cache is off unless asked for. */
function renderer(more: ConstructorParameters<typeof HelmRenderer>[0] = {}, dir = tempDir()): HelmRenderer {
  return new HelmRenderer(isolatedOptions(dir, chartsDir, helm, { renderCache: false, ...more }));
}

const KUBE = 'v1.33.0';

/** Pinned secrets: with these the jupyterhub stand-in renders the same every time. */
const FAKE_HUB_SECRETS = {
  hub: {
    config: {
      JupyterHub: { cookie_secret: 'fake-cookie-secret-for-tests' },
      CryptKeeper: { keys: ['fake-crypt-key-for-tests'] },
      GitHubOAuthenticator: { client_id: 'fake-client-id', client_secret: 'fake-client-secret-for-tests' },
    },
  },
  proxy: { secretToken: 'fake-proxy-token-for-tests' },
};

const requests = {
  certManager: { chart: CHARTS.certManager, release: 'cert-manager', namespace: 'cert-manager', values: { crds: { enabled: true } }, kubeVersion: KUBE },
  ingressNginx: { chart: CHARTS.ingressNginx, release: 'ingress-nginx', namespace: 'ingress-nginx', values: {}, kubeVersion: KUBE },
  traefik: {
    chart: CHARTS.traefik,
    release: 'traefik',
    namespace: 'traefik',
    values: { providers: { kubernetesGateway: { enabled: true } }, ingressRoute: { dashboard: { enabled: true } } },
    kubeVersion: KUBE,
  },
  jupyterhub: { chart: CHARTS.jupyterhub, release: 'jhub', namespace: 'jhub', values: FAKE_HUB_SECRETS, kubeVersion: KUBE },
} satisfies Record<string, RenderRequest>;

function find(result: RenderResult, kind: string, name: string): K8sObject {
  const found = result.objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}: ${result.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0];
}
const names = (result: RenderResult, kind: string): string[] => result.objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
const podSpec = (o: K8sObject): Record<string, unknown> => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec;
const secretData = (o: K8sObject, key: string): string => Buffer.from((o.data as Record<string, string>)[key], 'base64').toString('utf8');

describe('CRDs', () => {
  test('CRDs from crds/ and from templates are included, with their scope', async () => {
    const r = renderer();
    const traefik = await r.render(requests.traefik);
    expect(names(traefik, 'CustomResourceDefinition').sort()).toEqual(['gatewayclasses.gateway.networking.k8s.io', 'ingressroutes.traefik.io']);
    // crds/ come first, as helm prints them.
    expect(traefik.objects[0].kind).toBe('CustomResourceDefinition');
    const certManager = await r.render(requests.certManager);
    const crds = certManager.objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => [c.metadata.name, (c.spec as { scope: string }).scope])).toEqual([
      ['certificates.cert-manager.io', 'Namespaced'],
      ['clusterissuers.cert-manager.io', 'Cluster'],
    ]);
  });
});

describe('hooks', () => {
  test('hooks are dropped by default and listed in droppedHooks with their events', async () => {
    const r = renderer();
    const nginx = await r.render(requests.ingressNginx);
    expect(nginx.droppedHooks).toEqual([
      { kind: 'ServiceAccount', name: 'ingress-nginx-admission', hooks: ['pre-install', 'pre-upgrade', 'post-install', 'post-upgrade'] },
      { kind: 'ClusterRole', name: 'ingress-nginx-admission', hooks: ['pre-install', 'pre-upgrade', 'post-install', 'post-upgrade'] },
      { kind: 'Job', name: 'ingress-nginx-admission-create', hooks: ['pre-install', 'pre-upgrade'] },
      { kind: 'Job', name: 'ingress-nginx-admission-patch', hooks: ['post-install', 'post-upgrade'] },
    ]);
    for (const o of nginx.objects) expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('helm.sh/hook'))).toEqual([]);
    const jupyterhub = await r.render(requests.jupyterhub);
    expect(jupyterhub.droppedHooks.map((h) => `${h.kind}/${h.name}`)).toEqual(['ServiceAccount/hook-image-awaiter', 'Job/hook-image-awaiter']);
  });

  test('a hook keepHooks keeps stays as a plain object: helm.sh/hook* annotations removed, other annotations kept', async () => {
    const seen: string[] = [];
    const result = await renderer().render({
      ...requests.certManager,
      keepHooks: (hook) => {
        seen.push(`${hook.kind}/${hook.name}:${hook.hooks.join('+')}:${hook.weight}:${hook.deletePolicies.join('+')}`);
        return hook.kind === 'Job' && hook.hooks.includes('post-install');
      },
    });
    expect(seen).toEqual([
      'ServiceAccount/cert-manager-startupapicheck:post-install:-5:before-hook-creation+hook-succeeded',
      'Job/cert-manager-startupapicheck:post-install:1:before-hook-creation+hook-succeeded',
    ]);
    const job = find(result, 'Job', 'cert-manager-startupapicheck');
    expect(job.metadata.annotations).toEqual({ 'cert-manager.io/purpose': 'startup-check' });
    expect(result.droppedHooks).toEqual([{ kind: 'ServiceAccount', name: 'cert-manager-startupapicheck', hooks: ['post-install'] }]);
    // Kept hooks stay where helm put them (after the other objects).
    expect(result.objects[result.objects.length - 1]).toBe(job);
  });

  test('hooks whose annotations leave nothing else drop the empty annotations map when kept', async () => {
    const result = await renderer().render({ ...requests.ingressNginx, keepHooks: () => true });
    expect(result.droppedHooks).toEqual([]);
    expect(find(result, 'Job', 'ingress-nginx-admission-create').metadata.annotations).toBeUndefined();
  });

  test('test hooks are never rendered, even when keepHooks keeps everything', async () => {
    const result = await renderer().render({ ...requests.jupyterhub, keepHooks: () => true });
    expect(result.objects.filter((o) => o.kind === 'Pod')).toEqual([]);
    expect(names(result, 'Job')).toEqual(['hook-image-awaiter']);
  });
});

describe('namespaces', () => {
  test('namespaced objects carry a namespace, cluster-scoped ones none (built-in kinds and CRDs of the render)', async () => {
    const r = renderer();
    for (const req of Object.values(requests)) {
      const result = await r.render(req);
      const scope = new ScopeTable(result.objects);
      for (const o of result.objects) {
        const label = `${req.chart.name}: ${o.kind}/${o.metadata.name}`;
        if (scope.isClusterScoped(o)) expect([label, o.metadata.namespace]).toEqual([label, undefined]);
        else expect([label, typeof o.metadata.namespace]).toEqual([label, 'string']);
      }
    }
  });

  test('templates that leave out the namespace get the release namespace, placed after the name', async () => {
    const result = await renderer().render(requests.jupyterhub);
    const hub = find(result, 'Deployment', 'hub');
    expect(Object.keys(hub.metadata).slice(0, 2)).toEqual(['name', 'namespace']);
    expect(hub.metadata.namespace).toBe('jhub');
    for (const o of result.objects) expect(`${o.kind}/${o.metadata.name}@${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name}@jhub`);
  });

  test('a namespace the template names on purpose is kept (leader election in kube-system)', async () => {
    const result = await renderer().render(requests.certManager);
    expect(find(result, 'Role', 'cert-manager:leaderelection').metadata.namespace).toBe('kube-system');
    expect(find(result, 'RoleBinding', 'cert-manager:leaderelection').metadata.namespace).toBe('kube-system');
    expect(find(result, 'ServiceAccount', 'cert-manager-webhook').metadata.namespace).toBe('cert-manager');
  });

  test('cluster-scoped objects that wrongly set a namespace lose it (ClusterRole, CRD, and a CRD-defined cluster kind)', async () => {
    const r = renderer();
    const certManager = await r.render(requests.certManager);
    expect(find(certManager, 'ClusterRole', 'cert-manager-view').metadata).not.toHaveProperty('namespace');
    expect(find(certManager, 'CustomResourceDefinition', 'clusterissuers.cert-manager.io').metadata).not.toHaveProperty('namespace');
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      for (const o of certManager.objects.filter((x) => x.kind === kind)) expect(o.metadata).not.toHaveProperty('namespace');
    }
    const traefik = await r.render(requests.traefik);
    expect(find(traefik, 'GatewayClass', 'traefik').metadata).not.toHaveProperty('namespace');
    expect(find(traefik, 'IngressRoute', 'traefik-traefik-dashboard').metadata.namespace).toBe('traefik');
    expect(find(traefik, 'IngressClass', 'traefik-traefik').metadata).not.toHaveProperty('namespace');
  });

  test('kinds passed as clusterScopedKinds are treated as cluster-scoped', async () => {
    const result = await renderer().render({ ...requests.traefik, clusterScopedKinds: ['IngressRoute'] });
    expect(find(result, 'IngressRoute', 'traefik-traefik-dashboard').metadata).not.toHaveProperty('namespace');
  });
});

describe('values', () => {
  test('values reach helm unchanged (the ConfigMap echo equals the chart defaults merged with the given values)', async () => {
    const values = {
      controller: {
        config: { 'use-forwarded-headers': 'true', 'proxy-body-size': '64m' },
        service: { loadBalancerIP: '192.0.2.10', annotations: { 'loadbalancer.openstack.org/keep-floatingip': 'true' } },
      },
      someUnknownKey: { nested: [1, 'two', { three: null }] },
    };
    const result = await renderer().render({ ...requests.ingressNginx, values });
    const echoed = JSON.parse((find(result, 'ConfigMap', 'ingress-nginx-values').data as Record<string, string>)['values.json']);
    expect(echoed.someUnknownKey).toEqual(values.someUnknownKey);
    expect(echoed.controller.config).toEqual(values.controller.config);
    expect(echoed.controller.service).toEqual({ enabled: true, type: 'LoadBalancer', externalTrafficPolicy: '', ...values.controller.service });
    const service = find(result, 'Service', 'ingress-nginx-controller');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '192.0.2.10' });
    expect(service.metadata.annotations).toEqual(values.controller.service.annotations);
    expect((find(result, 'ConfigMap', 'ingress-nginx-controller').data as Record<string, string>)['proxy-body-size']).toBe('64m');
  });

  test('nodeSelector, tolerations and resources of Deployments come from values', async () => {
    const nodeSelector = { 'capi.stackhpc.com/node-group': 'default-worker' };
    const tolerations = [{ key: 'hub.jupyter.org/dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' }];
    const resources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } };
    const r = renderer();
    const cm = await r.render({ ...requests.certManager, values: { nodeSelector, tolerations, resources, webhook: { nodeSelector }, cainjector: { enabled: false } } });
    // Helm merges maps with the chart defaults (a default key goes only when set to null).
    expect(podSpec(find(cm, 'Deployment', 'cert-manager'))).toMatchObject({ nodeSelector: { 'kubernetes.io/os': 'linux', ...nodeSelector }, tolerations });
    expect((podSpec(find(cm, 'Deployment', 'cert-manager')).containers as Array<{ resources: unknown }>)[0].resources).toEqual(resources);
    expect(podSpec(find(cm, 'Deployment', 'cert-manager-webhook')).nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', ...nodeSelector });
    const cmNull = await r.render({ ...requests.certManager, values: { nodeSelector: { 'kubernetes.io/os': null, ...nodeSelector } } });
    expect(podSpec(find(cmNull, 'Deployment', 'cert-manager')).nodeSelector).toEqual(nodeSelector);
    expect(names(cm, 'Deployment')).toEqual(['cert-manager', 'cert-manager-webhook']);

    const jh = await r.render({ ...requests.jupyterhub, values: { ...FAKE_HUB_SECRETS, hub: { ...FAKE_HUB_SECRETS.hub, nodeSelector, resources }, proxy: { ...FAKE_HUB_SECRETS.proxy, chp: { nodeSelector, tolerations } } } });
    expect(podSpec(find(jh, 'Deployment', 'hub')).nodeSelector).toEqual(nodeSelector);
    expect((podSpec(find(jh, 'Deployment', 'hub')).containers as Array<{ resources: unknown }>)[0].resources).toEqual(resources);
    expect(podSpec(find(jh, 'Deployment', 'proxy'))).toMatchObject({ nodeSelector, tolerations });

    const tr = await r.render({ ...requests.traefik, values: { nodeSelector, service: { spec: { loadBalancerIP: '192.0.2.20' } } } });
    expect(podSpec(find(tr, 'Deployment', 'traefik-traefik')).nodeSelector).toEqual(nodeSelector);
    expect(find(tr, 'Service', 'traefik-traefik').spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '192.0.2.20' });
  });

  test('the jupyterhub Secret takes pinned secrets from values, the ConfigMap echoes only non-secret values', async () => {
    const values = {
      ...FAKE_HUB_SECRETS,
      proxy: { ...FAKE_HUB_SECRETS.proxy, service: { type: 'ClusterIP' } },
      singleuser: { profileList: [{ display_name: 'Small', slug: 'small' }] },
    };
    const result = await renderer().render({ ...requests.jupyterhub, values });
    const secret = find(result, 'Secret', 'hub');
    expect(secretData(secret, 'hub.config.ConfigurableHTTPProxy.auth_token')).toBe('fake-proxy-token-for-tests');
    expect(secretData(secret, 'hub.config.JupyterHub.cookie_secret')).toBe('fake-cookie-secret-for-tests');
    expect(secretData(secret, 'hub.config.CryptKeeper.keys')).toBe('fake-crypt-key-for-tests');
    expect(secretData(secret, 'values.yaml')).toContain('fake-client-secret-for-tests');
    const configMap = find(result, 'ConfigMap', 'hub');
    const text = JSON.stringify(configMap);
    for (const secretValue of ['fake-proxy-token-for-tests', 'fake-cookie-secret-for-tests', 'fake-client-secret-for-tests']) expect(text).not.toContain(secretValue);
    const echoed = JSON.parse((configMap.data as Record<string, string>)['values.json']);
    expect(echoed.singleuser.profileList).toEqual(values.singleuser.profileList);
    expect(JSON.parse((configMap.data as Record<string, string>).hubConfigSections)).toEqual(['CryptKeeper', 'GitHubOAuthenticator', 'JupyterHub']);
    expect(find(result, 'Service', 'proxy-public').spec).toMatchObject({ type: 'ClusterIP' });
  });

  test('jupyterhub secrets that are not pinned are new on every render; pinned ones are not', async () => {
    const r = renderer();
    const unpinned = { ...requests.jupyterhub, values: { proxy: { secretToken: 'fake-proxy-token-for-tests' } } };
    const a = find(await r.render(unpinned), 'Secret', 'hub');
    const b = find(await r.render(unpinned), 'Secret', 'hub');
    expect(secretData(a, 'hub.config.JupyterHub.cookie_secret')).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(secretData(a, 'hub.config.JupyterHub.cookie_secret')).not.toBe(secretData(b, 'hub.config.JupyterHub.cookie_secret'));
    expect(secretData(a, 'hub.config.CryptKeeper.keys')).not.toBe(secretData(b, 'hub.config.CryptKeeper.keys'));
    expect(secretData(a, 'hub.config.ConfigurableHTTPProxy.auth_token')).toBe('fake-proxy-token-for-tests');
    expect(secretData(b, 'hub.config.ConfigurableHTTPProxy.auth_token')).toBe('fake-proxy-token-for-tests');
  });

  test('kubeVersion and apiVersions reach .Capabilities', async () => {
    const r = renderer();
    const values = { controller: { metrics: { serviceMonitor: { enabled: true } } } };
    const without = await r.render({ ...requests.ingressNginx, values, kubeVersion: 'v1.31.4' });
    expect(names(without, 'ServiceMonitor')).toEqual([]);
    expect((find(without, 'ConfigMap', 'ingress-nginx-values').data as Record<string, string>).kubeVersion).toBe('v1.31.4');
    const withApi = await r.render({ ...requests.ingressNginx, values, apiVersions: ['monitoring.coreos.com/v1'] });
    expect(names(withApi, 'ServiceMonitor')).toEqual(['ingress-nginx-controller']);
  });

  test('manifests are read as the API server reads them (YAML 1.1: defaultMode 0400 is 256)', async () => {
    const result = await renderer().render(requests.jupyterhub);
    const volumes = podSpec(find(result, 'Deployment', 'hub')).volumes as Array<{ name: string; secret?: { defaultMode: number } }>;
    expect(volumes.find((v) => v.name === 'secret')?.secret?.defaultMode).toBe(0o400);
  });
});

describe('determinism', () => {
  test('two renders of the same request are byte-identical, in helm order, for every chart', async () => {
    const r = renderer();
    for (const req of Object.values(requests)) {
      const a = await r.render(req);
      const b = await renderer().render(req);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      expect(stringify(b.objects)).toBe(stringify(a.objects));
    }
  });

  test('reordering the keys of the values changes nothing', async () => {
    const r = renderer();
    const a = await r.render({ ...requests.traefik, values: { nodeSelector: { a: '1', b: '2' }, tolerations: [] } });
    const b = await r.render({ ...requests.traefik, values: { tolerations: [], nodeSelector: { b: '2', a: '1' } } });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('render cache', () => {
  test('a cache hit spawns no process and gives byte-identical output to an uncached render', async () => {
    const dir = tempDir();
    const counting = countingHelm(dir, helm);
    const cached = (): HelmRenderer => new HelmRenderer(isolatedOptions(dir, chartsDir, counting.path, { renderCache: true }));
    for (const req of Object.values(requests)) {
      const before = counting.calls().length;
      const cold = await cached().render(req);
      expect(counting.calls().length).toBeGreaterThan(before);
      const afterCold = counting.calls().length;
      const warm = await cached().render(req);
      expect(counting.calls().length).toBe(afterCold); // no helm at all, not even `helm version`
      const uncached = await new HelmRenderer(isolatedOptions(tempDir(), chartsDir, helm, { renderCache: false })).render(req);
      expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
      expect(JSON.stringify(uncached)).toBe(JSON.stringify(cold));
      expect(stringify(uncached.objects)).toBe(stringify(warm.objects));
    }
    expect(counting.calls().filter((c) => c[0] === 'template')).toHaveLength(Object.keys(requests).length);
    expect(counting.calls().filter((c) => c[0] === 'version')).toHaveLength(1);
  });

  test('a cache hit still handles hooks and namespaces per request (they are not part of the key)', async () => {
    const dir = tempDir();
    const r = new HelmRenderer(isolatedOptions(dir, chartsDir, helm, { renderCache: true }));
    const dropped = await r.render(requests.certManager);
    const kept = await r.render({ ...requests.certManager, keepHooks: () => true, clusterScopedKinds: ['Certificate'] });
    expect(dropped.droppedHooks).toHaveLength(2);
    expect(kept.droppedHooks).toHaveLength(0);
    expect(kept.objects.length).toBe(dropped.objects.length + 2);
    expect(fs.readdirSync(path.join(dir, 'cache', 'render'))).toHaveLength(1);
  });

  test('the cache key changes with values, kubeVersion, apiVersions, release and namespace, and not with key order', async () => {
    const r = renderer({ renderCache: true });
    const base = { ...requests.traefik, values: { nodeSelector: { a: '1' }, tolerations: [] } };
    const key = await r.cacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await r.cacheKey({ ...base, values: { tolerations: [], nodeSelector: { a: '1' } } })).toBe(key);
    const variants = [
      { ...base, values: { nodeSelector: { a: '2' }, tolerations: [] } },
      { ...base, kubeVersion: 'v1.32.0' },
      { ...base, apiVersions: ['monitoring.coreos.com/v1'] },
      { ...base, release: 'traefik2' },
      { ...base, namespace: 'other' },
    ];
    const keys = await Promise.all(variants.map((v) => r.cacheKey(v)));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
    // And the render really uses that key, in a private file.
    await r.render(base);
    const file = path.join(r.settings.cacheDir, 'render', `${key}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  test('with the cache off nothing is stored and helm runs every time', async () => {
    const dir = tempDir();
    const counting = countingHelm(dir, helm);
    const r = new HelmRenderer(isolatedOptions(dir, chartsDir, counting.path, { renderCache: false }));
    await r.render(requests.ingressNginx);
    await r.render(requests.ingressNginx);
    expect(counting.calls().filter((c) => c[0] === 'template')).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'cache', 'render'))).toBe(false);
  });

  test('a damaged cache entry is a miss and is rewritten', async () => {
    const dir = tempDir();
    const r = new HelmRenderer(isolatedOptions(dir, chartsDir, helm, { renderCache: true }));
    const good = await r.render(requests.ingressNginx);
    const file = path.join(dir, 'cache', 'render', `${await r.cacheKey(requests.ingressNginx)}.json`);
    fs.writeFileSync(file, '{"format": "jhm-helm-render/1", "documents": ');
    expect(JSON.stringify(await r.render(requests.ingressNginx))).toBe(JSON.stringify(good));
    expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
  });
});

describe('errors', () => {
  test('a failing template is a UserError naming the chart and the first lines of helm stderr', async () => {
    const error = (await renderer()
      .render({ ...requests.traefik, values: { deployment: { kind: 'StatefulSet' } } })
      .catch((e) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('traefik 41.3.0');
    expect(error.message).toContain('deployment.kind must be Deployment or DaemonSet, not StatefulSet');
    expect(error.format().split('\n')).toHaveLength(1);
  });

  test('values of the wrong shape are a UserError naming the chart (nil pointer in a template)', async () => {
    const attempt = renderer().render({ ...requests.jupyterhub, values: { proxy: { service: null } } });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/jupyterhub 4\.4\.0: .*proxy\/service\.yaml/);
  });

  test('a kubeVersion the chart does not support is a UserError from helm', async () => {
    await expect(renderer().render({ ...requests.jupyterhub, kubeVersion: 'v1.20.0' })).rejects.toThrow(/jupyterhub 4\.4\.0: .*kubeVersion/);
  });

  test('bad requests are refused before helm runs: release, namespace, kubeVersion, non-JSON values', async () => {
    const dir = tempDir();
    const counting = countingHelm(dir, helm);
    const r = new HelmRenderer(isolatedOptions(dir, chartsDir, counting.path));
    await expect(r.render({ ...requests.traefik, release: 'Bad_Name' })).rejects.toThrow(/release name "Bad_Name"/);
    await expect(r.render({ ...requests.traefik, namespace: '' })).rejects.toThrow(/namespace ""/);
    await expect(r.render({ ...requests.traefik, kubeVersion: 'latest' })).rejects.toThrow(/kubeVersion "latest"/);
    await expect(r.render({ ...requests.traefik, values: { replicas: Number.NaN } })).rejects.toThrow(UserError);
    expect(counting.calls()).toEqual([]);
  });
});
