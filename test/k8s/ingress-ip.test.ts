/**
 * Rule: the ingress controller's Service asks for the floating IP that Terraform reserved, read
 * from outputs/<hub>.json (written by jhm deploy); an IP in the hub file wins, with a warning
 * when the two differ; with neither, synth warns and leaves it unset.
 */
import { INFRA_OUTPUTS } from '../../project/outputs';
import { EXAMPLE_HUB, makeProject, removeProjects, setHubLine } from '../support/project';
import { formatDiagnostic } from '../../model/diagnostics';

afterAll(removeProjects);

const recorded = (ip: string) => JSON.stringify({ example: { [INFRA_OUTPUTS.ingressIp]: ip, [INFRA_OUTPUTS.hubUrl]: 'https://example.test' } });

test('the IP jhm deploy recorded reaches the Service, and no IP warning is given', async () => {
  const project = await makeProject();
  project.write('outputs/example.json', recorded('203.0.113.10'));
  const report = await project.synth();
  expect(project.read('dist/example/03-ingress-controller.yaml')).toContain('203.0.113.10');
  expect(report.results[0].warnings.map(formatDiagnostic).filter((w) => w.includes('ingress.loadBalancerIP'))).toEqual([]);
});

test('an IP in the hub file wins over the recorded one, with a warning naming both', async () => {
  const hub = EXAMPLE_HUB.replace(/^ingress:\n  controller: traefik$/m, 'ingress:\n  controller: traefik\n  loadBalancerIP: 203.0.113.20');
  expect(hub).not.toEqual(EXAMPLE_HUB);
  const project = await makeProject({ hubs: { example: hub } });
  project.write('outputs/example.json', recorded('203.0.113.10'));
  const report = await project.synth();
  const text = project.read('dist/example/03-ingress-controller.yaml');
  expect(text).toContain('203.0.113.20');
  expect(text).not.toContain('203.0.113.10');
  expect(report.results[0].warnings.map(formatDiagnostic)).toContainEqual(expect.stringContaining('is 203.0.113.20 but jhm deploy recorded 203.0.113.10'));
});

test('with neither, synth warns that the Service gets whatever IP OpenStack assigns', async () => {
  const project = await makeProject({ hubs: { example: setHubLine(EXAMPLE_HUB, 'controller', 'traefik') } });
  const report = await project.synth();
  expect(report.results[0].warnings.map(formatDiagnostic)).toContainEqual(expect.stringContaining('no load balancer IP is known'));
});
