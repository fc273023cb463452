/**
 * The two hub-file formats (model/hub-schema.ts, model/hub.ts): `cluster:` a mapping (legacy:
 * a dedicated cluster named like the hub, today's defaults) or a string (a hub on
 * clusters/<cluster>.yaml, its own fields only, namespace and release default to the hub name).
 */
import { parse } from 'yaml';
import { defineCluster } from '../../model/cluster';
import { defineHub } from '../../model/hub';
import { clusterInput, errorLines, EXAMPLE_HUB_TEXT, hubOnInput } from './cluster-fixtures';

const shared = defineCluster('shared', clusterInput((c) => (c.nodeGroups = [{ name: 'gpu', flavor: 'g3.large', minNodes: 1, maxNodes: 2 }])), 'clusters/shared.yaml');

describe('legacy format: cluster is a mapping', () => {
  test('the hub brings its dedicated cluster, named like the hub, with the local backend and today\'s defaults', () => {
    const hub = defineHub('example', parse(EXAMPLE_HUB_TEXT), {}, 'hubs/example.yaml');
    expect(hub.cluster).toMatchObject({ name: 'example', source: 'hubs/example.yaml', naming: { fieldPrefix: 'cluster', stateField: 'cluster', ownerHub: 'example', hubNamed: false }, backend: { type: 'local' } });
    expect(hub.jupyterhub).toMatchObject({ namespace: 'jhub', release: 'jhub' });
    expect(hub.host).toBe(`example.${hub.cluster.zone.replace(/\.$/, '')}`);
  });
});

describe('new format: cluster names a cluster file', () => {
  test('the hub runs on that cluster: zone, ingress and email are the cluster\'s; namespace and release default to the hub name', () => {
    const hub = defineHub('course-a', hubOnInput('shared'), { clusters: [shared] }, 'hubs/course-a.yaml');
    expect(hub.cluster).toBe(shared);
    expect(hub.jupyterhub).toMatchObject({ namespace: 'course-a', release: 'course-a' });
    expect(hub).toMatchObject({ recordName: 'course-a', host: 'course-a.ees220002.projects.jetstream-cloud.org', recordTtl: 300, issuer: 'letsencrypt' });
    const named = defineHub('course-b', hubOnInput('shared', (h) => Object.assign(h, { dns: { record: 'b', ttl: 60 }, letsEncrypt: { issuer: 'letsencrypt-staging' } })), { clusters: [shared] });
    expect(named).toMatchObject({ host: 'b.ees220002.projects.jetstream-cloud.org', recordTtl: 60, issuer: 'letsencrypt-staging' });
  });

  test('rule: the cluster\'s own fields in a hub on a cluster file are one-line errors "belongs in clusters/<c>.yaml"', () => {
    const input = hubOnInput('shared', (h) =>
      Object.assign(h, { cloud: { name: 'js2' }, nodeGroups: [], ingress: { controller: 'traefik' }, dns: { zone: 'x.org.', record: 'a' }, letsEncrypt: { email: 'a@b.org' } }),
    );
    const lines = errorLines(() => defineHub('course-a', input, { clusters: [shared] }, 'hubs/course-a.yaml'));
    expect(lines).toEqual(
      ['cloud', 'nodeGroups', 'ingress', 'dns.zone', 'letsEncrypt.email'].map((f) => `hubs/course-a.yaml: ${f}: belongs in clusters/shared.yaml (this hub runs on that cluster); remove it here`),
    );
  });

  test('rule: profiles name nodegroups of the hub\'s cluster', () => {
    const ok = defineHub('course-a', hubOnInput('shared', (h) => (h.jupyterhub.profiles = [{ displayName: 'GPU', nodeGroup: 'gpu' }])), { clusters: [shared] });
    expect(ok.jupyterhub.profiles[0].nodeGroup.name).toBe('gpu');
    const lines = errorLines(() => defineHub('course-a', hubOnInput('shared', (h) => (h.jupyterhub.profiles = [{ displayName: 'Big', nodeGroup: 'bigmem' }])), { clusters: [shared] }, 'hubs/course-a.yaml'));
    expect(lines).toEqual(['hubs/course-a.yaml: jupyterhub.profiles[0].nodeGroup: "bigmem" is not a nodegroup of cluster shared (clusters/shared.yaml); use one of: default-worker, gpu']);
  });

  test('rule: a hub names an existing cluster', () => {
    expect(errorLines(() => defineHub('course-a', hubOnInput('nope'), { clusters: [shared] }, 'hubs/course-a.yaml'))).toEqual([
      'hubs/course-a.yaml: cluster: no clusters/nope.yaml (name one of: shared, or create it with: jhm init-cluster nope)',
    ]);
  });

  test('dummy auth is refused for the cluster\'s public zone; a hub named like a platform namespace needs its own namespace', () => {
    expect(errorLines(() => defineHub('course-a', hubOnInput('shared', (h) => (h.jupyterhub.auth = { type: 'dummy' })), { clusters: [shared] }, 'hubs/course-a.yaml'))).toEqual([
      expect.stringMatching(/^hubs\/course-a\.yaml: jupyterhub\.auth\.type: "dummy" lets anyone log in/),
    ]);
    expect(errorLines(() => defineHub('cert-manager', hubOnInput('shared'), { clusters: [shared] }, 'hubs/cert-manager.yaml'))).toEqual([
      expect.stringMatching(/^hubs\/cert-manager\.yaml: jupyterhub\.namespace: "cert-manager" is used by /),
    ]);
    expect(defineHub('cert-manager', hubOnInput('shared', (h) => (h.jupyterhub.namespace = 'cm-hub')), { clusters: [shared] }).jupyterhub.namespace).toBe('cm-hub');
  });
});
