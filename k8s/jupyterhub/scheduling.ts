/**
 * Where the chart's pods run.
 *
 * Core pods (hub, proxy, user-scheduler, and the autohttps and image-awaiter pods should they ever
 * be enabled) go to the default worker through `hub.coreNodeSelector`, set on every component that
 * z2jh 4.4.0 gives a `nodeSelector`. z2jh's own placement rule, the `hub.jupyter.org/node-purpose`
 * node label, is ignored for core and user pods alike: Magnum does not propagate per-nodegroup
 * labels to nodes, so no node carries it. User pods are placed by their profile's node selector.
 */
import type { Cluster } from '../../model/cluster';
import type { Hub } from '../../model/hub';

/**
 * Paths (in the chart's values) of every `nodeSelector` that belongs to a core component:
 * hub Deployment, proxy (configurable-http-proxy) Deployment, autohttps (Traefik) Deployment,
 * user-scheduler Deployment and the pre-puller hook's image-awaiter Job.
 */
export const CORE_NODE_SELECTOR_PATHS = [
  ['hub', 'nodeSelector'],
  ['proxy', 'chp', 'nodeSelector'],
  ['proxy', 'traefik', 'nodeSelector'],
  ['scheduling', 'userScheduler', 'nodeSelector'],
  ['prePuller', 'hook', 'nodeSelector'],
] as const;

/** `scheduling` values of the chart. */
export type SchedulingValues = {
  readonly userScheduler: { readonly enabled: true; readonly nodeSelector: Record<string, string> };
  readonly podPriority: { readonly enabled: boolean };
  readonly userPlaceholder: { readonly enabled: boolean; readonly replicas: number };
  readonly corePods: { readonly nodeAffinity: { readonly matchNodePurpose: 'ignore' } };
  readonly userPods: { readonly nodeAffinity: { readonly matchNodePurpose: 'ignore' } };
};

/** A fresh copy of the core node selector (never a shared object: YAML would emit an alias). */
export function coreNodeSelector(hub: Pick<Cluster, 'coreNodeSelector'>): Record<string, string> {
  return { ...hub.coreNodeSelector };
}

/** What the `scheduling` values are made from. */
export interface SchedulingProps {
  /** The hub file's `jupyterhub.scheduling` (`hub.jupyterhub.scheduling`). */
  readonly scheduling: Hub['jupyterhub']['scheduling'];
  /** Where the user-scheduler runs (`hub.cluster.coreNodeSelector`). */
  readonly coreNodeSelector: Readonly<Record<string, string>>;
}

/**
 * `scheduling`: the user-scheduler on (it packs user pods so the autoscaler can remove
 * idle nodes) and on the core node; pod priority and user placeholders from the hub file
 * (placeholders are enabled only when there are some); node-purpose matching off.
 */
export function schedulingValues(props: SchedulingProps): SchedulingValues {
  const s = props.scheduling;
  return {
    userScheduler: { enabled: true, nodeSelector: coreNodeSelector(props) },
    podPriority: { enabled: s.podPriority },
    userPlaceholder: { enabled: s.userPlaceholders > 0, replicas: s.userPlaceholders },
    corePods: { nodeAffinity: { matchNodePurpose: 'ignore' } },
    userPods: { nodeAffinity: { matchNodePurpose: 'ignore' } },
  };
}
