/**
 * One answer to "is this valid" (project/validate.ts): what `jhm synth` refuses before rendering,
 * `jhm validate` refuses too, with the same one line naming the hub file and the field. The cases:
 * a host another hub of the project uses (that hub not named on the command line), a release
 * name helm refuses, a Kubernetes version below a pinned chart's kubeVersion. And what only helm
 * finds (a render refused for its release name or kubeVersion) synth reports on the hub file and
 * the field that sets the value.
 */
import { UserErrors } from '../../model/errors';
import { loadHubs } from '../../project/load';
import { HelmRenderer } from '../../k8s/helm/render';
import { synthClusterManifests } from '../../k8s/synth';
import { EXAMPLE_HUB, makeProject, removeProjects, setHubLine, TestProject } from '../support/project';

afterAll(removeProjects);

/** Error lines of a run's stderr. */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

/** 54 characters: a DNS label, but helm refuses release names longer than 53. */
const LONG_RELEASE = `jhub-${'x'.repeat(49)}`;

/** The example hub upgraded the other way: an old template, the Kubernetes version following it (no kubernetesVersion). */
const OLD_TEMPLATE_HUB = setHubLine(EXAMPLE_HUB, 'template', 'kubernetes-1-27-jammy').replace(/^ {2}kubernetesVersion: .*\n/m, '');

const cases: Array<{ rule: string; hubs: Record<string, string>; hub: string; error: string }> = [
  {
    rule: 'a host another hub of the project uses, that hub not named',
    hubs: { example: EXAMPLE_HUB, other: EXAMPLE_HUB.replace(/^dns:\n/m, 'dns:\n  record: example\n') },
    hub: 'other',
    error: 'error: hubs/other.yaml: dns.record: host "example.ees220002.projects.jetstream-cloud.org" is also used by hubs/example.yaml (give each hub its own dns.record)',
  },
  {
    rule: 'a JupyterHub release name helm refuses',
    hubs: { example: EXAMPLE_HUB.replace(/^jupyterhub:\n/m, `jupyterhub:\n  release: ${LONG_RELEASE}\n`) },
    hub: 'example',
    error: `error: hubs/example.yaml: jupyterhub.release: "${LONG_RELEASE}" has 54 characters; helm refuses release names longer than 53 (use at most 53 characters)`,
  },
  {
    rule: 'a Kubernetes version below a pinned chart\'s kubeVersion',
    hubs: { example: setHubLine(setHubLine(EXAMPLE_HUB, 'template', 'kubernetes-1-27-jammy'), 'kubernetesVersion', '"1.27.0"') },
    hub: 'example',
    error:
      'error: hubs/example.yaml: cluster.kubernetesVersion: is 1.27.0, which the pinned chart does not support: jupyterhub 4.4.0 needs >=1.28.0 (use a cluster template with a newer Kubernetes and set cluster.kubernetesVersion to its version)',
  },
  {
    rule: 'a cluster template whose Kubernetes version (read from its name) a pinned chart excludes',
    hubs: { example: OLD_TEMPLATE_HUB },
    hub: 'example',
    error:
      'error: hubs/example.yaml: cluster.template: "kubernetes-1-27-jammy" deploys Kubernetes 1.27, which the pinned chart does not support: jupyterhub 4.4.0 needs >=1.28.0 (use a cluster template with a newer Kubernetes, e.g. kubernetes-1-33-jammy)',
  },
];

describe.each(cases)('$rule', ({ hubs, hub, error }) => {
  let project: TestProject;
  beforeAll(async () => {
    project = await makeProject({ hubs });
  });

  test('jhm validate <hub> fails with one line naming the file and the field', async () => {
    const run = await project.jhm('validate', hub);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([error]);
  });

  test('jhm synth <hub> fails with the same line and writes nothing', async () => {
    const run = await project.jhm('synth', hub);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([error]);
    expect(project.outputs().size).toBe(0);
  });
});

describe('a render refused for a value of the hub file is reported on the file and the field (synth without the checks before)', () => {
  let project: TestProject;
  let renderer: HelmRenderer;
  beforeAll(async () => {
    project = await makeProject({
      hubs: {
        old: setHubLine(setHubLine(EXAMPLE_HUB, 'template', 'kubernetes-1-27-jammy'), 'kubernetesVersion', '"1.27.0"'),
        oldtemplate: OLD_TEMPLATE_HUB,
        long: EXAMPLE_HUB.replace(/^jupyterhub:\n/m, `jupyterhub:\n  release: ${LONG_RELEASE}\n`),
      },
    });
    renderer = new HelmRenderer({ root: project.root, ...project.helm });
  });

  const errorsOf = async (name: string): Promise<string[]> => {
    const [hub] = loadHubs(project.root, [name]);
    const error = await synthClusterManifests({ cluster: hub.cluster, hubs: [hub] }, { root: project.root, renderer }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserErrors);
    return (error as UserErrors).errors.map((e) => e.format());
  };

  test('helm refusing the kubeVersion: cluster.kubernetesVersion', async () => {
    expect(await errorsOf('old')).toEqual([
      expect.stringMatching(/^hubs\/old\.yaml: cluster\.kubernetesVersion: helm template failed for chart jupyterhub 4\.4\.0: chart requires kubeVersion: >=1\.28\.0-0 which is incompatible with Kubernetes v1\.27\.0 \(use a cluster template/),
    ]);
  });

  test('helm refusing the kubeVersion a template states: cluster.template', async () => {
    expect(await errorsOf('oldtemplate')).toEqual([
      expect.stringMatching(
        /^hubs\/oldtemplate\.yaml: cluster\.template: helm template failed for chart jupyterhub 4\.4\.0: chart requires kubeVersion: >=1\.28\.0-0 which is incompatible with Kubernetes v1\.27\.0 \(use a cluster template with a newer Kubernetes, e\.g\. kubernetes-1-33-jammy\)$/,
      ),
    ]);
  });

  test('a release name the engine refuses: jupyterhub.release', async () => {
    expect(await errorsOf('long')).toEqual([
      `hubs/long.yaml: jupyterhub.release: render of chart jupyterhub 4.4.0: release name "${LONG_RELEASE}" is not valid (use at most 53 lower-case letters, digits and dashes)`,
    ]);
  });
});
