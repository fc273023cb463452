/**
 * The one-render rule: `synthClusterManifests` renders each Helm release exactly once, with
 * placeholder secrets of one shape, whatever the secrets file holds; the real CryptKeeper keys,
 * however many, are expanded into the hub Secret only when it is filled, last.
 */
import { randomBytes } from 'crypto';
import { parse, stringify } from 'yaml';
import { loadHubs } from '../../project/load';
import { HelmRenderer } from '../../k8s/helm/render';
import { RenderRequest } from '../../k8s/helm/types';
import { synthClusterManifests } from '../../k8s/synth';
import { makeProject, removeProjects } from '../support/project';

afterAll(removeProjects);

const hex = (): string => randomBytes(32).toString('hex');

test.each([1, 3])('the one-render rule: each release is rendered once per synth with %i CryptKeeper key(s), and the Secret gets them all', async (count) => {
  const project = await makeProject();
  const file = parse(project.read('secrets/example.yaml')) as { jupyterhub: { cryptKeeperKeys: string[] } };
  file.jupyterhub.cryptKeeperKeys = Array.from({ length: count }, hex);
  project.write('secrets/example.yaml', stringify(file));

  const renderer = new HelmRenderer({ root: project.root, ...project.helm });
  const renders: string[] = [];
  const spy = {
    charts: renderer.charts,
    render: (req: RenderRequest) => {
      renders.push(req.release);
      return renderer.render(req);
    },
  } as unknown as HelmRenderer;
  const [hub] = loadHubs(project.root, ['example']);
  const result = await synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer: spy });

  expect(renders.length).toBe(3);
  expect(new Set(renders).size).toBe(renders.length);
  const text = result.files.secrets.get('05-jupyterhub.yaml')!;
  const secret = text.split('\n---\n').map((d) => parse(d) as { kind?: string; data?: Record<string, string> }).find((d) => d?.kind === 'Secret')!;
  const values = parse(Buffer.from(secret.data!['values.yaml'], 'base64').toString()) as { hub: { config: { CryptKeeper: { keys: string[] } } } };
  expect(values.hub.config.CryptKeeper.keys).toEqual(file.jupyterhub.cryptKeeperKeys);
  expect(Buffer.from(secret.data!['hub.config.CryptKeeper.keys'], 'base64').toString()).toBe(file.jupyterhub.cryptKeeperKeys.join(';'));
});
