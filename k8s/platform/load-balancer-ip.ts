/**
 * The IP address the ingress controller's LoadBalancer Service asks OpenStack for: the one place
 * that decides between the hub file and the floating IP `jhm deploy` recorded.
 */
import { UserError } from '../../config/errors';
import type { Hub } from '../../config/hub';

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/**
 * The load balancer IP of `hub`'s ingress controller, or `undefined` when none is known.
 *
 * `ingress.loadBalancerIP` in the hub file wins (the schema documents it as an override);
 * otherwise `recorded`, the floating IP `jhm deploy` wrote to the hub's outputs.
 *
 * @throws UserError when `recorded` is not an IPv4 address.
 */
export function ingressLoadBalancerIP(hub: Hub, recorded?: string): string | undefined {
  if (recorded !== undefined && !IPV4.test(recorded)) {
    throw new UserError(`the ingress IP recorded for hub ${hub.name}, "${recorded}", is not an IPv4 address`, {
      fix: 'run jhm deploy again to record the floating IP, or set ingress.loadBalancerIP in the hub file',
    });
  }
  return hub.ingress.loadBalancerIP ?? recorded;
}
