/**
 * Shared fixtures of the platform tests: hubs built from `hubs/example.yaml`, the charts' own
 * values schemas (outside files: `valuesSchema` in test/support/outside-files.ts finds them), and validation of cert-manager objects with
 * `@kubernetes-models/cert-manager`.
 */
import { validateWithModels } from '../k8s/support';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { defineHub, Hub } from '../../model/hub';
import { decideLoadBalancerIP } from '../../project/ingress-ip';
import { loadHubFile } from '../../project/load';
import { certManagerValues, CertManagerValues } from '../../k8s/platform/cert-manager-values';
import { IngressNginxValues, ingressNginxValues } from '../../k8s/platform/ingress-nginx-values';
import { IngressControllerValuesProps, TraefikValues, traefikValues } from '../../k8s/platform/traefik-values';

export const ROOT = path.resolve(__dirname, '../..');

/** The example hub, loaded the way the CLI loads it. */
export function exampleHub(): Hub {
  return loadHubFile(path.join(ROOT, 'hubs/example.yaml'), 'hubs/example.yaml');
}

/** The example hub file's contents, as plain data to derive variants from. */
export function exampleInput(): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(ROOT, 'hubs/example.yaml'), 'utf8')) as Record<string, unknown>;
}

/**
 * A hub named `name` defined with `defineHub`: the example hub file with top-level sections
 * replaced by `overrides` (e.g. `{ ingress: { controller: 'ingress-nginx' } }`).
 */
export function hubWith(name: string, overrides: Record<string, unknown>): Hub {
  return defineHub(name, { ...exampleInput(), ...overrides }, {}, `hubs/${name}.yaml`);
}

/** The draft a values schema declares (its `$schema`); `file` is the schema's path. */
export function schemaDraft(file: string): string {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { $schema: string }).$schema;
}

/** Validators compiled so far, by schema path (compiling the Traefik schema takes a while). */
const validators = new Map<string, ValidateFunction>();

/**
 * A validator for a chart's values schema (at path `file`), using the Ajv class for the draft the
 * schema declares (draft-07 or 2020-12). Strict mode stays on; union types
 * (`"type": ["string", "null"]`), which the Traefik schema uses throughout, are allowed.
 */
export function chartValuesValidator(file: string): ValidateFunction {
  const known = validators.get(file);
  if (known) return known;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const draft = schema.$schema;
  const options = { allErrors: true, strict: true, allowUnionTypes: true };
  let ajv: Ajv;
  if (draft === 'http://json-schema.org/draft-07/schema#') ajv = new Ajv(options);
  else if (draft === 'https://json-schema.org/draft/2020-12/schema') ajv = new Ajv2020(options);
  else throw new Error(`${file}: unexpected $schema ${String(draft)}`);
  addFormats(ajv);
  const validate = ajv.compile(schema);
  validators.set(file, validate);
  return validate;
}

/** `validate(values)`'s errors as readable lines (empty when valid). */
export function schemaErrors(validate: ValidateFunction, values: unknown): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/**
 * Validates cert-manager ClusterIssuers with `@kubernetes-models/cert-manager` (generated from
 * cert-manager's CRDs), through the same child-process validator as every object of dist/.
 * Returns one entry per object: `null` when valid, else the validation message.
 */
export function validateClusterIssuers(objects: readonly unknown[]): Array<string | null> {
  return validateWithModels(objects as ReadonlyArray<{ apiVersion: string; kind: string }>);
}

/** Every leaf path of `value` (`a.b.c`); `opaque` paths (free-form maps) count as leaves. */
export function leafPaths(value: unknown, opaque: ReadonlySet<string> = new Set(), prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || opaque.has(prefix)) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, opaque, prefix ? `${prefix}.${k}` : k));
}

/**
 * The narrow props of the ingress controllers' values builders, taken from `hub` as the synth
 * takes them: its IngressClass and core node selector, and the load-balancer IP decided between
 * the hub file and `recorded` (`decideLoadBalancerIP`).
 */
export function ingressProps(hub: Hub, recorded?: string): IngressControllerValuesProps {
  return { ingressClassName: hub.cluster.ingress.className, nodeSelector: hub.cluster.coreNodeSelector, loadBalancerIP: decideLoadBalancerIP(hub.cluster, recorded).ip };
}

/** `traefikValues` of `hub`, with the IP `jhm deploy` recorded, if any. */
export function traefikFor(hub: Hub, recorded?: string): TraefikValues {
  return traefikValues(ingressProps(hub, recorded));
}

/** `ingressNginxValues` of `hub`, with the IP `jhm deploy` recorded, if any. */
export function ingressNginxFor(hub: Hub, recorded?: string): IngressNginxValues {
  return ingressNginxValues(ingressProps(hub, recorded));
}

/** `certManagerValues` of `hub`. */
export function certManagerFor(hub: Hub): CertManagerValues {
  return certManagerValues(hub.cluster.certManager);
}
