/**
 * What the Terraform side hands to the Kubernetes side after a deploy: the names of the hub
 * stack's Terraform outputs and the file `cdktf deploy --outputs-file` writes them to.
 *
 * `cdktf deploy <hub> --outputs-file outputs/<hub>.json` writes
 * `{ "<stack name>": { "<output construct id>": <value> } }`; the hub stack is named after the
 * hub and its outputs sit directly in the stack with construct id = Terraform output name, so the
 * file reads `{ "<hub>": { "ingress_ip": "149.165.x.y", ... } }`. Sensitive outputs (the
 * kubeconfig) are left out unless `--outputs-file-include-sensitive-outputs` is given.
 */
import * as fs from 'fs';
import { isIPv4 } from 'net';
import * as path from 'path';
import { quote, UserError } from './errors';
import { PROJECT_PATHS, ProjectLayout } from './layout';

/** Terraform output names of a hub stack. */
export const INFRA_OUTPUTS = {
  /** Magnum cluster UUID. */
  clusterId: 'cluster_id',
  /** Kubernetes API server URL. */
  apiAddress: 'api_address',
  /** Floating IP of the ingress controller (the hub's A record points at it). */
  ingressIp: 'ingress_ip',
  /** `https://<host>` (the dedicated cluster of a legacy hub file). */
  hubUrl: 'hub_url',
  /** Hub name → `https://<host>` (a cluster file). */
  hubUrls: 'hub_urls',
  /** Admin kubeconfig file of the cluster (sensitive). */
  kubeconfig: 'kubeconfig',
} as const;

export type InfraOutputKey = keyof typeof INFRA_OUTPUTS;

/** The outputs of one deployed hub stack; absent when the file lacks them (e.g. sensitive ones). */
export type InfraOutputs = { readonly [K in InfraOutputKey]?: string };

/** Folder of the outputs files, relative to the project root. */
export const OUTPUTS_DIR = PROJECT_PATHS.outputs;

/** `<root>/outputs/<hub>.json`: where `jhm deploy` has `cdktf deploy --outputs-file` write hub `hub`'s outputs. */
export function outputsFilePath(root: string, hub: string): string {
  return new ProjectLayout(root).outputsFile(hub);
}

/**
 * Reads hub `hubName`'s outputs file. Returns `undefined` when there is none (the hub has not
 * been deployed from this checkout); throws a `UserError` naming the file when it is not what
 * `cdktf deploy --outputs-file` writes.
 */
export function readInfraOutputs(root: string, hubName: string): InfraOutputs | undefined {
  const file = outputsFilePath(root, hubName);
  const display = path.relative(root, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the outputs file: ${(e as Error).message}`, { file: display });
  }
  const fix = `write it again with: jhm deploy ${hubName} (or delete it)`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`is not valid JSON (${(e as Error).message})`, { file: display, fix });
  }
  if (!isRecord(data)) {
    throw new UserError('must be a JSON object of stack names to outputs, as written by cdktf deploy --outputs-file', { file: display, fix });
  }
  const stack = data[hubName];
  if (!isRecord(stack)) {
    throw new UserError(`has no outputs for the stack "${hubName}"`, { file: display, field: hubName, fix });
  }
  const result: Partial<Record<InfraOutputKey, string>> = {};
  for (const [key, name] of Object.entries(INFRA_OUTPUTS) as [InfraOutputKey, string][]) {
    const value = stack[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new UserError(`must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`, { file: display, field: `${hubName}.${name}`, fix });
    }
    result[key] = value;
  }
  return result;
}

/**
 * The ingress floating IP of deployed hub `hubName`, from its outputs file; `undefined` when the
 * hub has not been deployed yet. A malformed file or address is a `UserError` naming the file.
 */
export function readIngressIp(root: string, hubName: string): string | undefined {
  const outputs = readInfraOutputs(root, hubName);
  if (outputs === undefined) return undefined;
  const ip = outputs.ingressIp;
  const display = path.relative(root, outputsFilePath(root, hubName));
  if (ip === undefined) {
    throw new UserError(`has no "${INFRA_OUTPUTS.ingressIp}" output`, {
      file: display,
      field: hubName,
      fix: `write it again with: jhm deploy ${hubName}`,
    });
  }
  if (!isIPv4(ip)) {
    throw new UserError(`is ${quote(ip)}, not an IPv4 address`, { file: display, field: `${hubName}.${INFRA_OUTPUTS.ingressIp}` });
  }
  return ip;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
