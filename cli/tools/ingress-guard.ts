/**
 * The ingress IP guard of `jhm apply`, and what `jhm status` needs to compare the live ingress
 * Service with the reserved floating IP.
 *
 * OpenStack's cloud controller reads a LoadBalancer Service's `spec.loadBalancerIP` only when the
 * Service is created and ignores later changes (cloud-provider-openstack #2443). An ingress
 * Service applied without the cluster's floating IP keeps a random address for good, and the hubs'
 * A records point elsewhere, until the Service is deleted and created again. So `jhm apply`
 * refuses, before it runs kubectl, manifests whose ingress Service would come up with the wrong
 * address.
 *
 * The Service is the one the ingress wave file of `dist/<cluster>/` holds (its name comes from the
 * chart, so it is read there, never spelled); the IP it must ask for is the one
 * `decideLoadBalancerIP` (`project/ingress-ip.ts`) decides from the cluster file and
 * `outputs/<cluster>.json`; whether the cluster reserves a floating IP at all is read from its
 * Terraform stack (`cdktf.out/stacks/<cluster>/cdk.tf.json`) and its outputs file.
 */
import * as path from 'path';
import { readManifestFile } from '../../synth/manifest-plan';
import { readStack } from '../../synth/terraform-plan';
import type { Cluster } from '../../model/cluster';
import { UserError, UserErrors } from '../../model/errors';
import { decideLoadBalancerIP } from '../../project/ingress-ip';
import { OPENSTACK_RESOURCE_TYPES } from '../../infra/openstack-resources';
import { OUTPUT_DIRS, ProjectLayout } from '../../project/layout';
import { readInfraOutputs } from '../../project/outputs';
import { WAVES } from '../../k8s/waves';

/** A LoadBalancer Service of the ingress wave file. */
export interface IngressService {
  /** The wave file, project-relative (`dist/<cluster>/` and the ingress wave's file name). */
  readonly file: string;
  /** 1-based line of the Service's document in `file`. */
  readonly line: number;
  readonly namespace?: string;
  readonly name: string;
  /** `spec.loadBalancerIP`, when set. */
  readonly loadBalancerIP?: string;
}

/** `dist/<cluster>/<ingress wave file>`, project-relative. */
export function ingressWaveFile(cluster: string): string {
  return path.join(OUTPUT_DIRS.dist, cluster, WAVES.ingress.fileName);
}

/**
 * The LoadBalancer Services of the ingress wave file of `dist/<cluster>/`, as on disk; empty when
 * the file is absent. Throws a `UserError` naming the file when it is not YAML.
 */
export function ingressServices(root: string, cluster: string): IngressService[] {
  const file = ingressWaveFile(cluster);
  return readManifestFile(path.join(root, file), file)
    .filter((o) => o.kind === 'Service' && (o.object.spec as { type?: unknown } | undefined)?.type === 'LoadBalancer')
    .map((o) => {
      const ip = (o.object.spec as { loadBalancerIP?: unknown }).loadBalancerIP;
      return { file, line: o.line, name: o.name, namespace: o.namespace, loadBalancerIP: typeof ip === 'string' && ip !== '' ? ip : undefined };
    });
}

/** `namespace/name` of a Service, as kubectl shows it. */
export function serviceName(s: Pick<IngressService, 'namespace' | 'name'>): string {
  return s.namespace ? `${s.namespace}/${s.name}` : s.name;
}

/** Whether and where cluster `cluster` reserves a floating IP for its ingress controller. */
export interface IngressReservation {
  /** A floating IP is reserved (or asked for): its stack allocates one, an IP is recorded, or the cluster file sets one. */
  readonly reserved: boolean;
  /** The IP the ingress Service must ask for (`decideLoadBalancerIP`); undefined when not known yet. */
  readonly ip?: string;
  /** Where `ip` comes from, project-relative (the outputs file or the cluster file). */
  readonly from?: string;
  /** The stack file allocating the floating IP, project-relative, when it does. */
  readonly stack?: string;
}

/**
 * Whether the stack JSON of `cluster` allocates an ingress floating IP (its path when it does).
 * A stack that cannot be read is a `UserError` naming it (`readStack`): the guard never takes a
 * broken stack for "no floating IP".
 */
function stackAllocatesFloatingIp(root: string, cluster: string): string | undefined {
  const file = new ProjectLayout(root).stackFile(cluster);
  const shown = path.relative(root, file);
  const data = readStack(file, shown);
  const resources = (data as { resource?: Record<string, unknown> } | undefined)?.resource?.[OPENSTACK_RESOURCE_TYPES.floatingIp];
  const any = typeof resources === 'object' && resources !== null && Object.keys(resources).length > 0;
  return any ? shown : undefined;
}

/**
 * The ingress IP cluster `cluster` reserves. `model` is the loaded cluster (its file's
 * `ingress.loadBalancerIP` wins over the recorded IP, as in synth); without it only the outputs
 * file counts. Throws a `UserError` naming the outputs file when it is malformed.
 */
export function ingressReservation(root: string, cluster: string, model?: Pick<Cluster, 'name' | 'source' | 'ingress'>): IngressReservation {
  const layout = new ProjectLayout(root);
  const recorded = readInfraOutputs(root, cluster)?.ingressIp;
  const decided = model !== undefined ? decideLoadBalancerIP(model, recorded) : { ip: recorded, from: recorded !== undefined ? ('outputs' as const) : undefined };
  const stack = stackAllocatesFloatingIp(root, cluster);
  const from = decided.from === 'hub file' ? model?.source : decided.from === 'outputs' ? path.relative(root, layout.outputsFile(cluster)) : undefined;
  return { reserved: stack !== undefined || decided.ip !== undefined, ip: decided.ip, from, stack };
}

/**
 * Rule (issue 12, item 4): `jhm apply` never creates an ingress LoadBalancer Service that would
 * miss the cluster's floating IP. Throws one `UserError` per Service of the ingress wave file of
 * `dist/<cluster>/` that has no `spec.loadBalancerIP` while the cluster reserves a floating IP
 * (fix: `jhm deploy` first, or `jhm synth` when the IP is recorded but the manifests are older),
 * or asks for another IP than the cluster's (fix: `jhm synth`). Reads files only.
 */
export function guardIngressIp(root: string, cluster: string, model?: Pick<Cluster, 'name' | 'source' | 'ingress'>): void {
  const services = ingressServices(root, cluster);
  if (services.length === 0) return;
  const reservation = ingressReservation(root, cluster, model);
  if (!reservation.reserved) return;
  const why = 'the cloud controller reads loadBalancerIP only when the Service is created, so applied now the Service would keep another address for good';
  const errors: UserError[] = [];
  for (const s of services) {
    const place = { file: s.file, line: s.line, field: 'spec.loadBalancerIP' };
    if (s.loadBalancerIP === undefined && reservation.ip === undefined) {
      errors.push(
        new UserError(`LoadBalancer Service ${serviceName(s)} has none, but cluster ${cluster} reserves a floating IP (${reservation.stack}) that jhm deploy has not recorded yet; ${why}`, {
          ...place,
          fix: `run jhm deploy ${cluster} first: it records the IP and re-synthesizes; then jhm apply ${cluster}`,
        }),
      );
    } else if (s.loadBalancerIP === undefined) {
      errors.push(
        new UserError(`LoadBalancer Service ${serviceName(s)} has none, but the cluster's ingress IP is ${reservation.ip} (${reservation.from}): the manifests are older than it; ${why}`, {
          ...place,
          fix: `run jhm synth ${cluster}, then jhm apply ${cluster}`,
        }),
      );
    } else if (reservation.ip !== undefined && s.loadBalancerIP !== reservation.ip) {
      errors.push(
        new UserError(`LoadBalancer Service ${serviceName(s)} asks for ${s.loadBalancerIP}, but the cluster's ingress IP is ${reservation.ip} (${reservation.from}): the manifests are stale`, {
          ...place,
          fix: `run jhm synth ${cluster}, then jhm apply ${cluster}`,
        }),
      );
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UserErrors(errors);
}
