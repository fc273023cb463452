/**
 * `dist/` never depends on secret values and never contains one: the charts are rendered with
 * placeholder secrets, the real values go into the Secrets of `dist-secrets/` only. So `dist/` is
 * deterministic, the same with or without the render cache, the same whatever the secrets are
 * (and with no secrets file at all, the CI case), and a scan finds no secret value in it.
 */
import * as path from 'path';
import { randomBytes } from 'crypto';
import { parse, stringify } from 'yaml';
import { UserErrors } from '../../model/errors';
import { loadHubs } from '../../project/load';
import { HelmRenderer } from '../../k8s/helm/render';
import { RenderRequest } from '../../k8s/helm/types';
import { isSecret } from '../../k8s/manifest-files';
import { synthClusterManifests } from '../../k8s/synth';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, readTree, removeProjects, TestProject } from '../support/project';

const K8S_ONLY = { apps: { k8s: true, infra: false } } as const;
const HUBS = { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX };

afterAll(removeProjects);

/** Every string leaf of the secrets file of `hub`. */
function secretFileValues(project: TestProject, hub: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parse(project.read(`secrets/${hub}.yaml`)));
  return out;
}

/**
 * Where any of `values` shows in `files`: plain, base64-encoded, or inside any base64 run of the
 * text once decoded (a secret inside an encoded document).
 */
function leaks(files: ReadonlyMap<string, string>, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const decoded = (text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).map((run) => Buffer.from(run, 'base64').toString('latin1'));
    for (const v of values) {
      const b64 = Buffer.from(v).toString('base64');
      if (text.includes(v)) found.push(`${file}: plain`);
      else if (text.includes(b64) || text.includes(b64.replace(/=+$/, ''))) found.push(`${file}: base64`);
      else if (decoded.some((d) => d.includes(v))) found.push(`${file}: inside base64`);
    }
  }
  return found;
}

const hex = (): string => randomBytes(32).toString('hex');

describe('one project with two hubs, synthesized once', () => {
  let project: TestProject;
  let dist: Map<string, string>;
  let distSecrets: Map<string, string>;

  beforeAll(async () => {
    project = await makeProject({ hubs: HUBS });
    await project.synth();
    dist = project.tree('dist');
    distSecrets = project.tree('dist-secrets');
  });

  test('the leak rule: no value of the secrets files appears in dist/ or cdktf.out/, plain or base64', () => {
    const values = Object.keys(HUBS).flatMap((h) => secretFileValues(project, h));
    expect(values.length).toBe(8);
    expect(leaks(dist, values)).toEqual([]);
    expect(leaks(project.tree('cdktf.out'), values)).toEqual([]);
    // The scan works: the same values are found in dist-secrets/ (inside the base64 Secret data).
    expect(leaks(distSecrets, values).length).toBeGreaterThan(0);
  });

  test('synthesizing twice gives byte-identical dist/, dist-secrets/ and cdktf.out/', async () => {
    const before = project.outputs();
    await project.synth();
    expect(project.outputs()).toEqual(before);
  });

  test('the render cache changes nothing: cache off, cold cache and warm cache give the same bytes', async () => {
    const example = { example: EXAMPLE_HUB };
    const off = await makeProject({ hubs: example });
    await off.synth({ ...K8S_ONLY, helm: { renderCache: false } });
    const cold = await makeProject({ hubs: example });
    const cache = path.join(cold.root, 'fresh-cache');
    await cold.synth({ ...K8S_ONLY, helm: { cacheDir: cache } });
    expect(readTree(path.join(cache, 'render')).size).toBe(3);
    const coldDist = cold.tree('dist');
    await cold.synth({ ...K8S_ONLY, helm: { cacheDir: cache } });
    expect(cold.tree('dist')).toEqual(coldDist);
    // The projects differ only in their generated secrets: dist/ is the same for all of them.
    const expected = project.tree('dist/example');
    expect(off.tree('dist/example')).toEqual(expected);
    expect(cold.tree('dist/example')).toEqual(expected);
    // With the same secrets file, dist-secrets/ is the same with the cache on and off.
    off.write('secrets/example.yaml', project.read('secrets/example.yaml'));
    await off.synth({ ...K8S_ONLY, helm: { renderCache: false } });
    expect(off.tree('dist-secrets/example')).toEqual(project.tree('dist-secrets/example'));
  });

  test('the render cache never holds a secret value', () => {
    const values = Object.keys(HUBS).flatMap((h) => secretFileValues(project, h));
    expect(leaks(readTree(path.join(project.engine.cacheDir, 'render')), values)).toEqual([]);
  });
});

describe('changing the secrets', () => {
  test('new values for every secret change dist-secrets/ and leave dist/ and cdktf.out/ byte-identical', async () => {
    const project = await makeProject();
    await project.synth();
    const before = { dist: project.tree('dist'), stacks: project.tree('cdktf.out'), secrets: project.tree('dist-secrets') };
    const file = parse(project.read('secrets/example.yaml')) as { github: { clientSecret: string }; jupyterhub: Record<string, unknown> };
    file.github.clientSecret = 'another-fake-github-client-secret';
    file.jupyterhub = { proxySecretToken: hex(), cookieSecret: hex(), cryptKeeperKeys: [hex()] };
    project.write('secrets/example.yaml', stringify(file));
    await project.synth();
    expect(project.tree('dist')).toEqual(before.dist);
    expect(project.tree('cdktf.out')).toEqual(before.stacks);
    const after = project.tree('dist-secrets');
    expect([...after.keys()]).toEqual([...before.secrets.keys()]);
    expect(after.get('example/05-jupyterhub.yaml')).not.toEqual(before.secrets.get('example/05-jupyterhub.yaml'));
    expect(leaks(after, ['another-fake-github-client-secret']).map((l) => l.split(':')[0])).toEqual(['example/05-jupyterhub.yaml']);
  });

  test('a second CryptKeeper key (key rotation) leaves dist/ byte-identical and reaches the Secret', async () => {
    const project = await makeProject();
    await project.synth(K8S_ONLY);
    const before = project.tree('dist');
    const file = parse(project.read('secrets/example.yaml')) as { jupyterhub: { cryptKeeperKeys: string[] } };
    const added = hex();
    file.jupyterhub.cryptKeeperKeys.push(added);
    project.write('secrets/example.yaml', stringify(file));
    await project.synth(K8S_ONLY);
    expect(project.tree('dist')).toEqual(before);
    const secrets = project.tree('dist-secrets');
    expect(leaks(secrets, [added]).length).toBeGreaterThan(0);
    const secret = (parse(secrets.get('example/05-jupyterhub.yaml')!.split('\n---\n')[1]) as { data: Record<string, string> }).data;
    const values = parse(Buffer.from(secret['values.yaml'], 'base64').toString()) as { hub: { config: { CryptKeeper: { keys: string[] } } } };
    expect(values.hub.config.CryptKeeper.keys).toEqual(file.jupyterhub.cryptKeeperKeys);
    expect(Buffer.from(secret['hub.config.CryptKeeper.keys'], 'base64').toString()).toBe(file.jupyterhub.cryptKeeperKeys.join(';'));
  });
});

describe('no secrets file', () => {
  test("secrets: 'optional' produces the same dist/ as with secrets, and no dist-secrets/", async () => {
    const withSecrets = await makeProject({ hubs: HUBS });
    await withSecrets.synth(K8S_ONLY);
    const without = await makeProject({ hubs: HUBS, secrets: false });
    await without.synth({ ...K8S_ONLY, secrets: 'optional' });
    expect(without.tree('dist')).toEqual(withSecrets.tree('dist'));
    expect(without.tree('dist-secrets').size).toBe(0);
  });

  test('by default a missing secrets file is an error naming `jhm secrets <hub>`, for every hub, and nothing is written', async () => {
    const project = await makeProject({ hubs: HUBS, secrets: false });
    const error = await project.synth(K8S_ONLY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserErrors);
    const lines = (error as UserErrors).errors.map((e) => e.format());
    expect(lines).toEqual([
      'secrets/example.yaml: no secrets file for this hub (create it with: jhm secrets example)',
      'secrets/nginx.yaml: no secrets file for this hub (create it with: jhm secrets nginx)',
    ]);
    expect(project.outputs().size).toBe(0);
  });
});

describe('the guard against charts that expose a secret', () => {
  test('a chart that copies a Secret into another object is refused before anything is written', async () => {
    const project = await makeProject();
    const renderer = new HelmRenderer({ root: project.root, ...project.helm });
    // The real render, plus a ConfigMap holding the data of the chart's Secret (what a careless chart could do).
    const leaky = {
      charts: renderer.charts,
      render: async (req: RenderRequest) => {
        const result = await renderer.render(req);
        const s = result.objects.find(isSecret);
        if (!s) return result;
        const copy = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'copied-secret', namespace: s.metadata.namespace }, data: s.data };
        return { ...result, objects: [...result.objects, copy] };
      },
    } as unknown as HelmRenderer;
    const [hub] = loadHubs(project.root, ['example']);
    await expect(synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer: leaky })).rejects.toThrow(
      /chart jupyterhub 4\.4\.0 puts a secret value into ConfigMap copied-secret, outside a Secret/,
    );
    // Without the copy, the same renderer gives a result (the guard is what refused).
    await expect(synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer })).resolves.toHaveProperty('files');
  });
});
