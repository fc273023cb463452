/**
 * `validateProject` (project/validate.ts), the checks `jhm validate`, `jhm synth` and the cdktf app
 * share: rules across ALL hubs of the project (also those not named), the release name helm
 * accepts, and the hub's Kubernetes version against the `kubeVersion` of each pinned chart it
 * renders. Every problem names the hub file and the field. No render is involved.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { problems } from '../support/problems';
import { defineHub } from '../../model/hub';
import { loadProject } from '../../project/load';
import { chartErrors, HELM_RELEASE_NAME_MAX, validateProject } from '../../project/validate';
import { parse } from 'yaml';

const EXAMPLE = fs.readFileSync(path.join(__dirname, '..', '..', 'hubs', 'example.yaml'), 'utf8');
/** The example hub file with another DNS record (so its host is its own). */
const withRecord = (record: string) => EXAMPLE.replace(/^dns:\n/m, `dns:\n  record: ${record}\n`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(hubs: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-validate-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'hubs'));
  for (const [name, text] of Object.entries(hubs)) fs.writeFileSync(path.join(root, 'hubs', `${name}.yaml`), text);
  return root;
}


const hub = (edit: (h: Record<string, any>) => void) => {
  const data = parse(EXAMPLE);
  edit(data);
  return defineHub('example', data, {}, 'hubs/example.yaml');
};

describe('rules across hubs', () => {
  test('a hub whose host another hub of the project already uses fails, also when only it is named', () => {
    const root = project({ example: EXAMPLE, other: withRecord('example') });
    const expected = 'hubs/other.yaml: dns.record: host "example.ees220002.projects.jetstream-cloud.org" is also used by hubs/example.yaml (give each hub its own dns.record)';
    expect(problems(() => validateProject(root, ['other']).hubs)).toEqual([expected]);
    expect(problems(() => validateProject(root).hubs)).toEqual([expected]);
    // Named alone, the hub named is the one the problem is reported on.
    expect(problems(() => validateProject(root, ['example']).hubs)).toEqual([
      'hubs/example.yaml: dns.record: host "example.ees220002.projects.jetstream-cloud.org" is also used by hubs/other.yaml (give each hub its own dns.record)',
    ]);
  });

  test('a collision between two hubs not named is theirs to report, not the named hub\'s', () => {
    const root = project({ alpha: withRecord('alpha'), beta: withRecord('beta'), gamma: withRecord('beta') });
    expect(problems(() => validateProject(root, ['alpha']).hubs)).toEqual([]);
    expect(problems(() => validateProject(root, ['gamma']).hubs)).toHaveLength(1);
  });

  test('the other hubs the rules across files compare are every hub that loads, skipping broken ones (a broken dedicated hub\'s errors are its own to report when named)', () => {
    const root = project({ alpha: withRecord('alpha'), beta: withRecord('beta'), broken: `${withRecord('broken')}surprise: 1\n` });
    expect(validateProject(root, ['alpha']).hubs.map((h) => h.name)).toEqual(['alpha']);
    const loaded = loadProject(root);
    expect(loaded.hubs.map((h) => h.name)).toEqual(['alpha', 'beta']);
    expect(loaded.problems.errors.map((e) => e.file)).toEqual(['hubs/broken.yaml']);
    expect(problems(() => validateProject(root, ['broken']))).toHaveLength(1);
  });

  test('rule: a hub file that is not YAML could be any cluster\'s, so it stops a command that names any hub or cluster (issue 18)', () => {
    const root = project({ alpha: withRecord('alpha'), beta: withRecord('beta'), broken: 'cluster: [' });
    expect(loadProject(root).hubs.map((h) => h.name)).toEqual(['alpha', 'beta']);
    const expected = ['hubs/broken.yaml:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'];
    expect(problems(() => validateProject(root, ['alpha']))).toEqual(expected);
    expect(problems(() => validateProject(root, ['broken']))).toEqual(expected);
  });
});

describe('what helm would refuse', () => {
  const longRelease = `jhub-${'x'.repeat(HELM_RELEASE_NAME_MAX - 4)}`;

  test(`a JupyterHub release name longer than ${HELM_RELEASE_NAME_MAX} characters (a DNS label, but helm refuses it) fails on jupyterhub.release`, () => {
    expect(longRelease).toHaveLength(HELM_RELEASE_NAME_MAX + 1);
    const root = project({ example: EXAMPLE.replace(/^jupyterhub:\n/m, `jupyterhub:\n  release: ${longRelease}\n`) });
    expect(problems(() => validateProject(root, ['example']).hubs)).toEqual([
      `hubs/example.yaml: jupyterhub.release: "${longRelease}" has 54 characters; helm refuses release names longer than 53 (use at most 53 characters)`,
    ]);
    expect(chartErrors(hub((h) => (h.jupyterhub.release = longRelease.slice(1))))).toEqual([]);
  });

  test('a Kubernetes version below a pinned chart\'s kubeVersion fails on cluster.kubernetesVersion, naming the chart and its constraint', () => {
    const root = project({ example: EXAMPLE.replace('kubernetesVersion: "1.33.0"', 'kubernetesVersion: "1.27.0"').replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-27-jammy') });
    expect(problems(() => validateProject(root).hubs)).toEqual([
      'hubs/example.yaml: cluster.kubernetesVersion: is 1.27.0, which the pinned chart does not support: jupyterhub 4.4.0 needs >=1.28.0 (use a cluster template with a newer Kubernetes and set cluster.kubernetesVersion to its version)',
    ]);
    expect(chartErrors(hub((h) => ((h.cluster.template = 'kubernetes-1-28-jammy'), (h.cluster.kubernetesVersion = '1.28'))))).toEqual([]);
  });

  test('rule: a template whose Kubernetes version (read from its name) a pinned chart excludes fails on cluster.template, naming the chart and its constraint', () => {
    const root = project({ example: EXAMPLE.replace(/^ {2}kubernetesVersion: .*\n/m, '').replace('template: kubernetes-1-33-jammy', 'template: kubernetes-1-27-jammy') });
    expect(problems(() => validateProject(root).hubs)).toEqual([
      'hubs/example.yaml: cluster.template: "kubernetes-1-27-jammy" deploys Kubernetes 1.27, which the pinned chart does not support: jupyterhub 4.4.0 needs >=1.28.0 (use a cluster template with a newer Kubernetes, e.g. kubernetes-1-33-jammy)',
    ]);
    expect(chartErrors(hub((h) => ((h.cluster.template = 'kubernetes-1-28-jammy'), delete h.cluster.kubernetesVersion)))).toEqual([]);
  });

  test('only the charts the hub renders count: its own ingress controller\'s, every chart that refuses is named', () => {
    const message = (controller: string) =>
      chartErrors(hub((h) => ((h.cluster.template = 'kubernetes-1-21-jammy'), (h.cluster.kubernetesVersion = '1.21'), (h.ingress.controller = controller)))).map((e) => e.message);
    expect(message('traefik')).toEqual(['is 1.21, which the pinned charts do not support: cert-manager v1.21.1 needs >=1.22.0, traefik 41.3.0 needs >=1.25.0, jupyterhub 4.4.0 needs >=1.28.0']);
    expect(message('ingress-nginx')).toEqual(['is 1.21, which the pinned charts do not support: cert-manager v1.21.1 needs >=1.22.0, jupyterhub 4.4.0 needs >=1.28.0']);
  });
});
