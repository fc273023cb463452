/**
 * What the Terraform side hands to the Kubernetes side after a deploy: the names of a cluster
 * stack's Terraform outputs and the file per cluster they are written to, `outputs/<cluster>.json`
 * (the own cluster of a hub file is named like the hub, so that is `outputs/<hub>.json` as before).
 *
 * `jhm deploy <cluster>` (like `cdktf deploy <cluster> --outputs-file outputs/<cluster>.json`)
 * writes `{ "<stack name>": { "<output construct id>": <value> } }`; the stack is named after the
 * cluster and its outputs sit directly in the stack with construct id = Terraform output name, so
 * the file reads `{ "<cluster>": { "ingress_ip": "149.165.x.y", ... } }`. Sensitive outputs (the
 * kubeconfig) are left out.
 */
import * as fs from 'fs';
import { isIPv4 } from 'net';
import * as path from 'path';
import { quote, UserError } from '../model/errors';
import { PROJECT_PATHS, ProjectLayout } from './layout';

/** Terraform output names of a cluster stack. */
export const INFRA_OUTPUTS = {
  /** Magnum cluster UUID. */
  clusterId: 'cluster_id',
  /** Kubernetes API server URL. */
  apiAddress: 'api_address',
  /** Floating IP of the ingress controller (the hub's A record points at it). */
  ingressIp: 'ingress_ip',
  /** `https://<host>` (a cluster whose outputs do not carry the hub's name: `Cluster.naming.hubNamed`). */
  hubUrl: 'hub_url',
  /** Hub name → `https://<host>` (a cluster file). */
  hubUrls: 'hub_urls',
  /** Hub name → the id of its home volume (the hubs with shared storage; none: no output). */
  homeVolumeIds: 'home_volume_ids',
  /** Admin kubeconfig file of the cluster (sensitive). */
  kubeconfig: 'kubeconfig',
} as const;

export type InfraOutputKey = keyof typeof INFRA_OUTPUTS;

/**
 * The outputs of one deployed cluster stack; absent when the file lacks them (e.g. sensitive
 * ones). Every output is a string except `hubUrls` (hub name → URL, on a cluster file).
 */
export type InfraOutputs = { readonly [K in Exclude<InfraOutputKey, MapOutputKey>]?: string } & { readonly [K in MapOutputKey]?: Readonly<Record<string, string>> };

/** The outputs that map hub names to values. */
type MapOutputKey = 'hubUrls' | 'homeVolumeIds';
const MAP_OUTPUTS: ReadonlySet<InfraOutputKey> = new Set<MapOutputKey>(['hubUrls', 'homeVolumeIds']);

/** Folder of the outputs files, relative to the project root. */
export const OUTPUTS_DIR = PROJECT_PATHS.outputs;

/** `<root>/outputs/<cluster>.json`: where `jhm deploy <cluster>` writes the cluster stack's outputs. */
export function outputsFilePath(root: string, cluster: string): string {
  return new ProjectLayout(root).outputsFile(cluster);
}

/**
 * Reads cluster `clusterName`'s outputs file (for a hub's own cluster, the hub's name). Returns
 * `undefined` when there is none (the cluster has not been deployed from this checkout); throws a
 * `UserError` naming the file when it is not what `jhm deploy` writes.
 */
export function readInfraOutputs(root: string, clusterName: string): InfraOutputs | undefined {
  const file = outputsFilePath(root, clusterName);
  const display = path.relative(root, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the outputs file: ${(e as Error).message}`, { file: display });
  }
  const fix = `write it again with: jhm deploy ${clusterName} (or delete it)`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`is not valid JSON (${(e as Error).message})`, { file: display, fix });
  }
  if (!isRecord(data)) {
    throw new UserError('must be a JSON object of stack names to outputs, as written by cdktf deploy --outputs-file', { file: display, fix });
  }
  const stack = data[clusterName];
  if (!isRecord(stack)) {
    throw new UserError(`has no outputs for the stack "${clusterName}"`, { file: display, field: clusterName, fix });
  }
  const result: { -readonly [K in keyof InfraOutputs]: InfraOutputs[K] } = {};
  for (const [key, name] of Object.entries(INFRA_OUTPUTS) as [InfraOutputKey, string][]) {
    const value = stack[name];
    if (value === undefined || value === null) continue;
    if (MAP_OUTPUTS.has(key)) {
      const entries = isRecord(value) ? Object.entries(value) : undefined;
      if (entries === undefined || entries.some(([, v]) => typeof v !== 'string')) {
        throw new UserError(`must be an object of hub names to ${key === 'hubUrls' ? 'URLs' : 'volume ids'}`, { file: display, field: `${clusterName}.${name}`, fix });
      }
      result[key as MapOutputKey] = Object.fromEntries(entries) as Record<string, string>;
      continue;
    }
    if (typeof value !== 'string') {
      throw new UserError(`must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`, { file: display, field: `${clusterName}.${name}`, fix });
    }
    result[key as Exclude<InfraOutputKey, MapOutputKey>] = value;
  }
  return result;
}

/**
 * The ingress floating IP of deployed cluster `clusterName` (for a hub's own cluster, the hub's
 * name), from its outputs file; `undefined` when the cluster has not been deployed yet. A
 * malformed file or address is a `UserError` naming the file.
 */
export function readIngressIp(root: string, clusterName: string): string | undefined {
  const outputs = readInfraOutputs(root, clusterName);
  if (outputs === undefined) return undefined;
  const ip = outputs.ingressIp;
  const display = path.relative(root, outputsFilePath(root, clusterName));
  if (ip === undefined) {
    throw new UserError(`has no "${INFRA_OUTPUTS.ingressIp}" output`, {
      file: display,
      field: clusterName,
      fix: `write it again with: jhm deploy ${clusterName}`,
    });
  }
  if (!isIPv4(ip)) {
    throw new UserError(`is ${quote(ip)}, not an IPv4 address`, { file: display, field: `${clusterName}.${INFRA_OUTPUTS.ingressIp}` });
  }
  return ip;
}

/** A Cinder volume id as OpenStack prints it (a UUID). */
const VOLUME_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The id of hub `hub.name`'s home volume (shared storage), recorded by `jhm deploy <cluster>` in
 * `outputs/<cluster>.json` (`home_volume_ids`). Before the first deploy there is none: a
 * `UserError` at the hub file's `jupyterhub.storage` saying to deploy the cluster first.
 */
export function readHomeVolumeId(root: string, clusterName: string, hub: { readonly name: string; readonly source: string }, field: string): string {
  const outputs = readInfraOutputs(root, clusterName);
  const display = path.relative(root, outputsFilePath(root, clusterName));
  const id = outputs?.homeVolumeIds?.[hub.name];
  if (id === undefined) {
    throw new UserError(`the home volume is made by the cluster's Terraform stack, and ${display} records no id for it yet`, {
      file: hub.source,
      field,
      fix: `deploy the cluster first: jhm deploy ${clusterName}`,
    });
  }
  if (!VOLUME_ID.test(id)) {
    throw new UserError(`is ${quote(id)}, not a Cinder volume id`, { file: display, field: `${clusterName}.${INFRA_OUTPUTS.homeVolumeIds}.${hub.name}`, fix: `write it again with: jhm deploy ${clusterName}` });
  }
  return id;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
