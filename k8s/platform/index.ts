/**
 * The cluster platform of a hub: cert-manager, the ingress controller (Traefik or ingress-nginx)
 * and the Let's Encrypt ClusterIssuers.
 */
export * from './cert-manager-values';
export * from './cluster-issuers';
export * from './ingress-controller';
export * from './ingress-nginx-values';
export * from './load-balancer-ip';
export * from './placement';
export * from './release';
export * from './traefik-values';
