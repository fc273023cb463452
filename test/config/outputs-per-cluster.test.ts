/**
 * Rule: Terraform outputs are recorded per cluster, `outputs/<cluster>.json` (a dedicated legacy
 * hub's cluster is named like the hub: `outputs/<hub>.json` as before), and the ingress IP of a
 * cluster file's platform is read from its cluster's file, not a hub's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineCluster } from '../../model/cluster';
import { resolveLoadBalancerIP } from '../../project/ingress-ip';
import { outputsFilePath, readInfraOutputs } from '../../project/outputs';
import { clusterInput, errorLines } from './cluster-fixtures';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function projectWithOutputs(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-outputs-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'outputs'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(root, 'outputs', `${name}.json`), JSON.stringify(content));
  return root;
}

test('the outputs file of cluster shared is outputs/shared.json', () => {
  expect(outputsFilePath('/repo', 'shared')).toBe(path.join('/repo', 'outputs', 'shared.json'));
});

test('a cluster file\'s outputs: hub_urls is read as a map of hub names to URLs', () => {
  const root = projectWithOutputs({
    shared: { shared: { cluster_id: 'c-1', ingress_ip: '149.165.0.30', hub_urls: { 'course-a': 'https://course-a.hubs.test', 'course-b': 'https://course-b.hubs.test' } } },
  });
  expect(readInfraOutputs(root, 'shared')).toEqual({
    clusterId: 'c-1',
    ingressIp: '149.165.0.30',
    hubUrls: { 'course-a': 'https://course-a.hubs.test', 'course-b': 'https://course-b.hubs.test' },
  });
});

test('a hub_urls that is no map of strings is a one-line error naming file and field', () => {
  const root = projectWithOutputs({ shared: { shared: { hub_urls: ['https://a'] } } });
  expect(errorLines(() => readInfraOutputs(root, 'shared'))).toEqual([
    `outputs/shared.json: shared.hub_urls: must be an object of hub names to URLs (write it again with: jhm deploy shared (or delete it))`,
  ]);
});

test('the load-balancer IP of a cluster file\'s ingress controller is the one recorded in outputs/<cluster>.json', () => {
  const cluster = defineCluster('shared', clusterInput(), 'clusters/shared.yaml');
  const root = projectWithOutputs({ 'course-a': { 'course-a': { ingress_ip: '203.0.113.99' } } });
  expect(resolveLoadBalancerIP(root, cluster).ip).toBeUndefined();
  fs.writeFileSync(path.join(root, 'outputs', 'shared.json'), JSON.stringify({ shared: { ingress_ip: '203.0.113.10' } }));
  expect(resolveLoadBalancerIP(root, cluster)).toEqual({ ip: '203.0.113.10', from: 'outputs', warnings: [] });
});
