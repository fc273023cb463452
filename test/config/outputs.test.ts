/**
 * `project/outputs.ts`: where the Terraform outputs of a hub live and how they are read back.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { INFRA_OUTPUTS, outputsFilePath, readInfraOutputs, readIngressIp } from '../../project/outputs';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A project root whose outputs/<hub>.json holds `content` (a string is written verbatim). */
function rootWith(hub: string, content: unknown): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-outputs-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'outputs'));
  fs.writeFileSync(path.join(root, 'outputs', `${hub}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  return root;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

test('output names are the Terraform output names both sides agree on', () => {
  expect(INFRA_OUTPUTS).toEqual({ clusterId: 'cluster_id', apiAddress: 'api_address', ingressIp: 'ingress_ip', hubUrl: 'hub_url', hubUrls: 'hub_urls', homeVolumeIds: 'home_volume_ids', kubeconfig: 'kubeconfig' });
});

test('the outputs file of a hub is <root>/outputs/<hub>.json', () => {
  expect(outputsFilePath('/repo', 'example')).toBe(path.join('/repo', 'outputs', 'example.json'));
});

test('no outputs file means the hub is not deployed: undefined, not an error', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-outputs-'));
  roots.push(root);
  expect(readIngressIp(root, 'example')).toBeUndefined();
  expect(readInfraOutputs(root, 'example')).toBeUndefined();
});

test('reads the ingress IP from { "<hub>": { "ingress_ip": ... } }', () => {
  const root = rootWith('example', { example: { ingress_ip: '149.165.0.20', hub_url: 'https://example.test' } });
  expect(readIngressIp(root, 'example')).toBe('149.165.0.20');
  expect(readInfraOutputs(root, 'example')).toEqual({ ingressIp: '149.165.0.20', hubUrl: 'https://example.test' });
});

describe('a malformed outputs file is a UserError naming the file', () => {
  test.each<[string, unknown, RegExp]>([
    ['invalid JSON', '{ "example": ', /^outputs\/example\.json: is not valid JSON/],
    ['not an object', '["149.165.0.20"]', /^outputs\/example\.json: must be a JSON object of stack names to outputs/],
    ['no entry for the hub stack', { other: { ingress_ip: '149.165.0.20' } }, /^outputs\/example\.json: example: has no outputs for the stack "example"/],
    ['an output that is not a string', { example: { ingress_ip: ['149.165.0.20'] } }, /^outputs\/example\.json: example\.ingress_ip: must be a string, got a list/],
    ['no ingress_ip output', { example: { cluster_id: 'x' } }, /^outputs\/example\.json: example: has no "ingress_ip" output/],
    ['an ingress_ip that is not an IPv4 address', { example: { ingress_ip: '149.165.0' } }, /^outputs\/example\.json: example\.ingress_ip: is "149\.165\.0", not an IPv4 address/],
  ])('%s', (_what, content, message) => {
    const root = rootWith('example', content);
    const e = userError(() => readIngressIp(root, 'example'));
    expect(e.format()).toMatch(message);
    expect(e.format()).not.toContain('\n');
  });
});
