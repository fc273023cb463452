/**
 * Rule (issue 19, item 1): a hub file with its own cluster (`cluster:` a mapping) and a cluster
 * file with the same settings load into the same cluster model; only the naming rules resolved at
 * load (`Cluster.naming`, model/cluster.ts) differ, and every place below loading reads those
 * instead of asking the format (test/architecture/one-model.test.ts).
 */
import { parse } from 'yaml';
import { Cluster, defineCluster } from '../../model/cluster';
import { defineHub } from '../../model/hub';
import { EXAMPLE_HUB_TEXT, hubOnInput } from './cluster-fixtures';

/** The example hub file's cluster parts, written as a cluster file. */
function asClusterFile(hubFile: Record<string, any>): Record<string, unknown> {
  return {
    cloud: hubFile.cloud,
    magnum: hubFile.cluster,
    nodeGroups: hubFile.nodeGroups,
    dns: { zone: hubFile.dns.zone },
    ingress: hubFile.ingress,
    letsEncrypt: { email: hubFile.letsEncrypt.email },
  };
}

/** The model without its naming rules, its file (wherever the model names it) written `<its file>`. */
function facts(c: Cluster): unknown {
  const { naming: _naming, ...rest } = c;
  return JSON.parse(JSON.stringify(rest).split(JSON.stringify(c.source)).join('"<its file>"'));
}

describe('rule: both formats load into one cluster model; only the naming rules resolved at load differ', () => {
  const doc = parse(EXAMPLE_HUB_TEXT) as Record<string, any>;
  const own = defineHub('example', doc, {}, 'hubs/example.yaml').cluster;
  const file = defineCluster('example', asClusterFile(doc), 'clusters/example.yaml');

  test('the same settings give the same model (Magnum settings, nodegroups, zone, ingress, issuers, state)', () => {
    expect(facts(own)).toEqual(facts(file));
  });

  test('a hub file with its own cluster: fields under cluster:, state set by cluster:, owned by its hub, outputs without the hub name', () => {
    expect(own.naming).toEqual({ fieldPrefix: 'cluster', stateField: 'cluster', ownerHub: 'example', hubNamed: false });
  });

  test('a cluster file: fields under magnum:, state set by terraform.backend, no owner hub, outputs carry each hub name', () => {
    expect(file.naming).toEqual({ fieldPrefix: 'magnum', stateField: 'terraform.backend', hubNamed: true });
    const s3 = defineCluster('example', { ...asClusterFile(doc), terraform: { backend: { type: 's3', bucket: 'not-a-real-bucket' } } });
    expect(s3.naming.stateField).toBe('terraform.backend.key');
  });

  test('a hub on a cluster file runs on that cluster as loaded, naming rules included', () => {
    const hub = defineHub('course-a', hubOnInput('example'), { clusters: [file] }, 'hubs/course-a.yaml');
    expect(hub.cluster).toBe(file);
  });

  test('a hub cannot name the own cluster of another hub file (only cluster files are named)', () => {
    expect(() => defineHub('course-a', hubOnInput('example'), { clusters: [own] }, 'hubs/course-a.yaml')).toThrow(/no clusters\/example\.yaml/);
  });
});
