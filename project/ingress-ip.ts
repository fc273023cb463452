/**
 * The IP address a cluster's ingress controller's LoadBalancer Service asks OpenStack for: the one
 * place that decides between the cluster's file (`ingress.loadBalancerIP` of the cluster file, or
 * of a hub file with its own cluster) and the floating IP `jhm deploy <cluster>`
 * recorded in `outputs/<cluster>.json`, with the warnings the user should see about it.
 */
import { isIPv4 } from 'net';
import { Diagnostic, warning } from '../model/diagnostics';
import { UserError } from '../model/errors';
import type { Cluster } from '../model/cluster';
import { readIngressIp } from './outputs';

/** The decided load-balancer IP of a hub's ingress controller. */
export interface LoadBalancerIP {
  /** The IP the Service asks for; `undefined` when none is known (OpenStack picks one). */
  readonly ip?: string;
  /** Where `ip` comes from. */
  readonly from?: 'hub file' | 'outputs';
  /** Warnings about the decision; empty when all is well. */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Decides the load-balancer IP of `hub`'s ingress controller. `ingress.loadBalancerIP` in the hub
 * file wins (the schema documents it as an override); otherwise `recorded`, the floating IP
 * `jhm deploy` wrote to the hub's outputs.
 *
 * Warnings: no IP is known, so OpenStack picks one the DNS record does not point to; or the hub
 * file's IP differs from the recorded one (the hub file's is used).
 *
 * @throws UserError when `recorded` is not an IPv4 address.
 */
export function decideLoadBalancerIP(hub: Pick<Cluster, 'name' | 'source' | 'ingress'>, recorded?: string): LoadBalancerIP {
  if (recorded !== undefined && !isIPv4(recorded)) {
    throw new UserError(`the ingress IP recorded for cluster ${hub.name}, "${recorded}", is not an IPv4 address`, {
      fix: `run jhm deploy again to record the floating IP, or set ingress.loadBalancerIP in ${hub.source}`,
    });
  }
  const warn = (message: string, fix: string) => warning(message, { file: hub.source, field: 'ingress.loadBalancerIP', fix });
  const fromFile = hub.ingress.loadBalancerIP;
  if (fromFile !== undefined) {
    const warnings =
      recorded !== undefined && recorded !== fromFile
        ? [warn(`is ${fromFile} but jhm deploy recorded ${recorded}; using ${fromFile}`, `remove ingress.loadBalancerIP from ${hub.source} to use the recorded floating IP`)]
        : [];
    return { ip: fromFile, from: 'hub file', warnings };
  }
  if (recorded !== undefined) return { ip: recorded, from: 'outputs', warnings: [] };
  return {
    warnings: [
      warn(
        `no load balancer IP is known: the ${hub.ingress.controller} Service gets whatever IP OpenStack assigns, which the DNS record does not point to`,
        `run jhm deploy, which records the floating IP, or set ingress.loadBalancerIP in ${hub.source}`,
      ),
    ],
  };
}

/** {@link decideLoadBalancerIP} with the IP recorded in `<root>/outputs/<cluster>.json`, if any. */
export function resolveLoadBalancerIP(root: string, cluster: Pick<Cluster, 'name' | 'source' | 'ingress'>): LoadBalancerIP {
  return decideLoadBalancerIP(cluster, readIngressIp(root, cluster.name));
}
