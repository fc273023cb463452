/**
 * Rule (issue 10, "a resolved model"): the values builders take narrow props, not the whole hub,
 * so each can be used and tested on its own; given a hub's resolved fields they give exactly what
 * the hub's values hold.
 */
import { authConfig } from '../../k8s/jupyterhub/auth';
import { ingressValues, jupyterhubTlsSecretName } from '../../k8s/jupyterhub/ingress';
import { schedulingValues } from '../../k8s/jupyterhub/scheduling';
import { singleuserValues } from '../../k8s/jupyterhub/singleuser';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { certManagerValues } from '../../k8s/platform/cert-manager-values';
import { ingressNginxValues } from '../../k8s/platform/ingress-nginx-values';
import { traefikValues } from '../../k8s/platform/traefik-values';
import { FAKE_SECRETS } from './support';
import { exampleHub } from '../platform/helpers';

const SELECTOR = { 'capi.stackhpc.com/node-group': 'default-worker' };

test('ingressValues: class, host, issuer and the TLS Secret named after the release', () => {
  expect(ingressValues({ host: 'lab.hubs.example.org', controller: 'ingress-nginx', ingressClassName: 'nginx', issuer: 'letsencrypt-staging', release: 'lab' })).toEqual({
    enabled: true,
    ingressClassName: 'nginx',
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-staging', 'nginx.ingress.kubernetes.io/proxy-body-size': '500m' },
    hosts: ['lab.hubs.example.org'],
    tls: [{ hosts: ['lab.hubs.example.org'], secretName: 'lab-tls' }],
  });
  expect(jupyterhubTlsSecretName('lab')).toBe('lab-tls');
});

test('schedulingValues and singleuserValues take only their section (and the core selector or profiles)', () => {
  expect(schedulingValues({ scheduling: { userPlaceholders: 2, podPriority: false }, coreNodeSelector: SELECTOR }).userPlaceholder).toEqual({ enabled: true, replicas: 2 });
  const su = singleuserValues({
    singleuser: { image: 'quay.io/jupyter/base-notebook:2025-10-20', defaultUrl: '/lab', storageCapacity: '5Gi', startTimeout: 300, extraEnv: {} },
    profiles: [],
  });
  expect(su.image).toEqual({ name: 'quay.io/jupyter/base-notebook', tag: '2025-10-20' });
  expect(su).not.toHaveProperty('profileList');
});

test('authConfig takes the auth section and the callback URL', () => {
  expect(authConfig({ auth: { type: 'dummy' }, oauthCallbackUrl: 'https://x.test/hub/oauth_callback' })).toEqual({ JupyterHub: { authenticator_class: 'dummy' } });
});

test('the platform builders take their class, selector, IP or namespace', () => {
  const props = { ingressClassName: 'traefik', nodeSelector: SELECTOR, loadBalancerIP: '203.0.113.10' };
  expect(traefikValues(props).service.spec.loadBalancerIP).toBe('203.0.113.10');
  expect(ingressNginxValues({ ...props, ingressClassName: 'nginx' }).controller.ingressClass).toBe('nginx');
  expect(certManagerValues({ namespace: 'certs' }).global.leaderElection.namespace).toBe('certs');
});

test('given a hub\'s resolved fields, the narrow builders give what the hub\'s values hold', () => {
  const hub = exampleHub();
  const values = jupyterhubValues(hub, FAKE_SECRETS) as Record<string, any>;
  expect(values.ingress).toEqual(ingressValues({ host: hub.host, controller: hub.cluster.ingress.controller, ingressClassName: hub.cluster.ingress.className, issuer: hub.issuer, release: hub.jupyterhub.release }));
  expect(values.singleuser).toEqual(singleuserValues(hub.jupyterhub));
  expect(values.scheduling).toEqual(schedulingValues({ scheduling: hub.jupyterhub.scheduling, coreNodeSelector: hub.cluster.coreNodeSelector }));
});
