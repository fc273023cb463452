/**
 * Small rules of the hub file (issue 9): JupyterHub's namespace is its own (not Kubernetes' nor a
 * platform namespace), `cluster.labels` may not set a label jhm manages (it would be silently
 * overridden), and images may be pinned by digest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { managedClusterLabels, MANAGED_CLUSTER_LABELS } from '../../model/cluster-labels';
import { defineHub } from '../../model/hub';
import { CERT_MANAGER_NAMESPACE, INGRESS_CONTROLLERS } from '../../model/namespaces';
import { splitImage } from '../../k8s/jupyterhub/image';
import { userErrorLines } from '../support/user-error';

const EXAMPLE_TEXT = fs.readFileSync(path.resolve(__dirname, '..', '..', 'hubs', 'example.yaml'), 'utf8');
const base = (): Record<string, any> => parse(EXAMPLE_TEXT);

function errorsOf(input: unknown): string[] {
  return userErrorLines(() => defineHub('example', input, {}, 'hubs/example.yaml'));
}

describe('the namespace rule: JupyterHub may not use a Kubernetes or platform namespace', () => {
  test.each([
    ['default', 'Kubernetes'],
    ['kube-system', 'Kubernetes'],
    ['kube-public', 'Kubernetes'],
    ['kube-node-lease', 'Kubernetes'],
    [CERT_MANAGER_NAMESPACE, 'cert-manager'],
    [INGRESS_CONTROLLERS.traefik.namespace, 'the traefik ingress controller'],
    [INGRESS_CONTROLLERS['ingress-nginx'].namespace, 'the ingress-nginx ingress controller'],
  ])('jupyterhub.namespace: %s is refused', (namespace, owner) => {
    const h = base();
    h.jupyterhub.namespace = namespace;
    expect(errorsOf(h)).toEqual([`hubs/example.yaml: jupyterhub.namespace: "${namespace}" is used by ${owner}; give JupyterHub its own namespace, e.g. jhub`]);
  });

  test('its own namespace is accepted', () => {
    const h = base();
    h.jupyterhub.namespace = 'physics-hub';
    expect(errorsOf(h)).toEqual([]);
  });

  test('the platform namespaces of the hub model come from the same place', () => {
    const hub = defineHub('example', base());
    expect(hub.cluster.certManager.namespace).toBe(CERT_MANAGER_NAMESPACE);
    expect(hub.cluster.ingress.namespace).toBe(INGRESS_CONTROLLERS[hub.cluster.ingress.controller].namespace);
  });
});

describe('the managed-labels rule: cluster.labels may not set a label jhm manages', () => {
  test.each([
    ['auto_scaling_enabled', 'set by cluster.autoscaling'],
    ['min_node_count', 'set by cluster.defaultWorker.minNodes'],
    ['max_node_count', 'set by cluster.defaultWorker.maxNodes'],
    ['kube_dashboard_enabled', 'always "false": jhm keeps the Kubernetes dashboard off'],
  ])('%s is refused, naming what sets it', (key, setBy) => {
    const h = base();
    h.cluster.labels = { ...(h.cluster.labels ?? {}), [key]: '5' };
    expect(errorsOf(h)).toEqual([`hubs/example.yaml: cluster.labels.${key}: is managed by jhm (${setBy}); remove it from cluster.labels`]);
  });

  test('other labels (and names like constructor) are accepted', () => {
    const h = base();
    h.cluster.labels = { monitoring_enabled: 'true', constructor: 'x' };
    expect(errorsOf(h)).toEqual([]);
  });

  test('the managed labels are what the Terraform side sets', () => {
    expect(managedClusterLabels({ autoscaling: true, defaultWorker: { minNodes: 1, maxNodes: 3 } })).toEqual({
      auto_scaling_enabled: 'true',
      min_node_count: '1',
      max_node_count: '3',
      kube_dashboard_enabled: 'false',
    });
    expect(Object.keys(MANAGED_CLUSTER_LABELS)).toHaveLength(4);
  });
});

describe('the digest rule: images pinned by digest are accepted', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  test.each([`quay.io/jupyter/scipy-notebook@${digest}`, `quay.io/jupyter/scipy-notebook:2025-10-20@${digest}`, `registry.example.org:5000/team/nb@${digest}`])('%s', (image) => {
    const h = base();
    h.jupyterhub.singleuser.image = image;
    h.jupyterhub.profiles[0].image = image;
    expect(errorsOf(h)).toEqual([]);
  });

  test.each([
    `quay.io/jupyter/scipy-notebook@sha256:abc`,
    `quay.io/jupyter/scipy-notebook@sha512:${'0'.repeat(128)}`,
    `quay.io/jupyter/scipy-notebook@${digest.toUpperCase()}`,
    `quay.io/jupyter/scipy-notebook:@${digest}`,
  ])('a malformed digest is refused: %s', (image) => {
    const h = base();
    h.jupyterhub.singleuser.image = image;
    expect(errorsOf(h)).toEqual([expect.stringContaining('jupyterhub.singleuser.image: must be "name:tag" with an explicit tag, or pinned by digest')]);
  });

  test('the chart joins name and tag with ":" back into the same reference', () => {
    for (const ref of [`quay.io/jupyter/scipy-notebook@${digest}`, `quay.io/jupyter/scipy-notebook:2025-10-20@${digest}`, `registry.example.org:5000/team/nb@${digest}`, 'registry.example.org:5000/team/nb:1.0']) {
      const { name, tag } = splitImage(ref);
      expect(`${name}:${tag}`).toBe(ref);
    }
    expect(splitImage(`quay.io/jupyter/scipy-notebook:2025-10-20@${digest}`)).toEqual({ name: 'quay.io/jupyter/scipy-notebook', tag: `2025-10-20@${digest}` });
  });
});
