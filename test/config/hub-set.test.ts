/**
 * Rules across hubs (model/hub-set.ts): two hubs of one repository may not claim the same
 * cluster (in the same cloud) or the same host name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { problems } from '../support/problems';
import { defineHub } from '../../model/hub';
import { checkHubSet } from '../../model/hub-set';

const EXAMPLE = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'hubs', 'example.yaml'), 'utf8'));
const hub = (name: string, edit: (h: Record<string, any>) => void = () => undefined) => {
  const data = JSON.parse(JSON.stringify(EXAMPLE));
  edit(data);
  return defineHub(name, data, {}, `hubs/${name}.yaml`);
};


test('hubs with their own cluster and host pass', () => {
  expect(problems(() => checkHubSet([hub('alpha'), hub('beta')]))).toEqual([]);
});

test('two hubs naming the same cluster in the same cloud are refused, naming both files', () => {
  const errors = problems(() => checkHubSet([hub('alpha', (h) => (h.cluster.name = 'shared')), hub('beta', (h) => (h.cluster.name = 'shared'))]));
  expect(errors).toEqual([expect.stringMatching(/^hubs\/beta\.yaml: cluster\.name: cluster "shared \(cloud openstack\)" is also used by hubs\/alpha\.yaml \(give each hub its own cluster\.name\)$/)]);
});

test('the same cluster name in two different clouds is allowed', () => {
  const other = hub('beta', (h) => {
    h.cluster.name = 'alpha';
    h.cloud.name = 'other-cloud';
  });
  expect(problems(() => checkHubSet([hub('alpha'), other]))).toEqual([]);
});

test('two hubs with the same host are refused', () => {
  const errors = problems(() => checkHubSet([hub('alpha'), hub('beta', (h) => (h.dns.record = 'alpha'))]));
  expect(errors).toEqual([expect.stringContaining('hubs/beta.yaml: dns.record: host "alpha.ees220002.projects.jetstream-cloud.org" is also used by hubs/alpha.yaml')]);
});
