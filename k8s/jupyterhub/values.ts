/**
 * Helm values for zero-to-jupyterhub (`CHARTS.jupyterhub`, chart 4.4.0) from the resolved hub
 * and its secrets. Everything not set here keeps the chart default. The tests validate the result
 * against the chart's values schema.
 *
 * Secret values (the only ones) are placed by `placeSecrets` at the paths of `SECRET_FIELDS`
 * (`model/secret-fields.ts`); the builders here only reserve their places (`SECRET_SLOT`), so the
 * keys keep their order. In the rendered chart they all land in one object, the `hub` Secret of
 * the release namespace (its `values.yaml` key holds all the values, and three keys hold the
 * generated tokens); `readable-values.ts` then leaves the secret ones alone in that `values.yaml`
 * and writes the others, readable, into the ConfigMap `hub-values` of `dist/`.
 */
import type { Hub } from '../../model/hub';
import type { Cluster } from '../../model/cluster';
import { HubSecrets, placeSecrets, SECRET_SLOT } from '../../model/secret-fields';
import { authValues } from './auth';
import { readableValuesMount } from './readable-values';
import { ingressValues, proxyExposureValues } from './ingress';
import { gpuToleration, hasGpuProfile, profileRulesValues } from './profiles';
import { coreNodeSelector, schedulingValues } from './scheduling';
import { singleuserValues } from './singleuser';
import { courseFolderValues } from './home-nfs';

/** What the chart values are made from: the resolved hub's fields below. */
export type JupyterHubValuesProps = Pick<Hub, 'host' | 'oauthCallbackUrl' | 'issuer' | 'jupyterhub'> & { readonly cluster: Pick<Cluster, 'coreNodeSelector' | 'ingress'> };

/**
 * The chart values of `hub`:
 *
 * - `fullnameOverride: ""` (the chart default, pinned): namespaced objects get short names (`hub`,
 *   `proxy-public`, ...), and the cluster-scoped ones are prefixed with the release name
 *   (`<release>-user-scheduler` ClusterRole/ClusterRoleBinding, `<release>-default-priority`,
 *   `<release>-user-placeholder-priority` and `<release>-image-puller-priority` PriorityClasses),
 *   so releases with different names never collide on a cluster.
 * - `hub.config`: authenticator (`authConfig`) and the tokens z2jh would otherwise generate at
 *   random (from the secrets file, so two renders give the same bytes); `hub.nodeSelector` on the core node.
 * - `proxy`: ClusterIP, no HTTPS of its own (TLS ends at the ingress controller), core node.
 * - `ingress`: see `ingressValues`.
 * - `singleuser`, `scheduling`: see `singleuserValues`, `schedulingValues`.
 * - `prePuller.hook.enabled: false`: the hook is a Helm pre-install/upgrade Job and DaemonSet,
 *   which `kubectl apply` would leave behind as permanent objects. `prePuller.continuous.enabled`
 *   from the hub file; with GPU profiles the continuous puller also tolerates GPU nodes.
 * - `cull`: idle servers stopped after `jupyterhub.culling.timeout` seconds when enabled.
 * - `custom` and a `hub.extraConfig` entry only with profiles limited to groups or users or with
 *   group resources: see `profileRulesValues`; with a course folder: see `courseFolderValues`.
 */
export function jupyterhubValues(hub: JupyterHubValuesProps, secrets: HubSecrets): Record<string, unknown> {
  const jh = hub.jupyterhub;
  const auth = authValues({ auth: jh.auth, oauthCallbackUrl: hub.oauthCallbackUrl });
  const { JupyterHub: authJupyterHub, ...authClasses } = auth.config;
  const rules = profileRulesValues(jh.profiles);
  const course = courseFolderValues(jh.storage);
  const values = {
    fullnameOverride: '',
    hub: {
      config: {
        JupyterHub: { ...authJupyterHub, cookie_secret: SECRET_SLOT },
        ConfigurableHTTPProxy: { auth_token: SECRET_SLOT },
        CryptKeeper: { keys: SECRET_SLOT },
        ...authClasses,
      },
      ...(auth.extraConfig || rules || course ? { extraConfig: { ...auth.extraConfig, ...rules?.extraConfig, ...course?.extraConfig } } : {}),
      nodeSelector: coreNodeSelector(hub.cluster),
      // The readable copy of these values (`readable-values.ts`), where the hub reads them.
      ...readableValuesMount(),
    },
    proxy: {
      ...proxyExposureValues(),
      chp: { nodeSelector: coreNodeSelector(hub.cluster) },
      traefik: { nodeSelector: coreNodeSelector(hub.cluster) },
    },
    ingress: ingressValues({ host: hub.host, controller: hub.cluster.ingress.controller, ingressClassName: hub.cluster.ingress.className, issuer: hub.issuer, release: jh.release }),
    singleuser: singleuserValues(jh),
    scheduling: schedulingValues({ scheduling: jh.scheduling, coreNodeSelector: hub.cluster.coreNodeSelector }),
    prePuller: {
      hook: { enabled: false, nodeSelector: coreNodeSelector(hub.cluster) },
      continuous: { enabled: jh.prePuller.continuous },
      ...(hasGpuProfile(jh.profiles) ? { extraTolerations: [gpuToleration()] } : {}),
    },
    cull: { enabled: jh.culling.enabled, timeout: jh.culling.timeout },
    ...(rules || course ? { custom: { ...rules?.custom, ...course?.custom } } : {}),
  };
  return placeSecrets(values, secrets, hub);
}
