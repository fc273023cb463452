/**
 * The hub's configuration, readable in `dist/`: what JupyterHub reads is split between two objects,
 * and the one that holds everything but the secrets is a ConfigMap committed with the manifests.
 *
 * Facts of zero-to-jupyterhub 4.4.0 this rests on (`files/hub/z2jh.py`, `templates/hub/*.yaml`):
 * the hub reads every chart value from `values.yaml` files, first
 * `/usr/local/etc/jupyterhub/secret/values.yaml` (the chart's `hub` Secret, which the chart fills
 * with every value plus `Chart` and `Release`), then `/usr/local/etc/jupyterhub/existing-secret/values.yaml`
 * when that file exists, merged over the first by `_merge_dictionaries`: mappings are merged key by
 * key, recursively; anything else (a list, a scalar, null) from the second replaces the first's.
 * The three generated tokens are read from their own keys of the `hub` Secret (`get_secret_value`),
 * and the proxy reads its token from there too.
 *
 * So jhm renders the chart as it always did (with placeholder secrets) and then:
 *
 * - writes {@link HUB_VALUES_CONFIGMAP}, a ConfigMap whose `values.yaml` holds every value of the
 *   chart's `values.yaml` except the secret ones (`SECRET_FIELDS`), as YAML text: a hub edit is a
 *   readable line of `dist/` naming the new value;
 * - mounts it at `existing-secret/` through the chart's own `hub.extraVolumes` and
 *   `hub.extraVolumeMounts` ({@link readableValuesMount}), not `hub.existingSecret`, which would
 *   need a Secret: a ConfigMap keeps `dist/` free of Secrets (and of anything a tool encrypting
 *   Secrets would encrypt), and it holds nothing secret;
 * - leaves in the `hub` Secret's `values.yaml` (in `dist-secrets/`) the secret values only, so a
 *   stale copy of that Secret can never win the merge with configuration, and the two never hold
 *   the same value;
 * - annotates the hub Deployment's pod template with {@link HUB_VALUES_CHECKSUM} (sha256 of the
 *   ConfigMap's text), so the hub restarts when the reviewed configuration changes.
 *
 * {@link splitHubValues} checks, on every synth, that merging the two documents by z2jh's rule
 * ({@link mergeLikeZ2jh}) gives back the chart's values exactly (a secret inside a list would not);
 * a test runs the chart's own `z2jh.py` on the two objects.
 */
import { createHash } from 'crypto';
import { isDeepStrictEqual } from 'util';
import { parse } from 'yaml';
import { UserError } from '../../model/errors';
import { SECRET_VALUE_PATHS } from '../../model/secret-fields';
import { readYamlDocuments } from '../helm/manifest';
import type { K8sObject } from '../helm/types';
import { yamlText } from '../yaml-text';

/** The ConfigMap of the readable values, in the release namespace. */
export const HUB_VALUES_CONFIGMAP = 'hub-values';
/** Its key, and the key of the chart's `hub` Secret, that the hub reads (`z2jh.py`). */
export const VALUES_KEY = 'values.yaml';
/** Where `z2jh.py` reads the second `values.yaml` (the chart mounts `hub.existingSecret` there). */
export const READABLE_VALUES_DIR = '/usr/local/etc/jupyterhub/existing-secret/';
/** The volume of the hub pod that mounts the ConfigMap. */
export const READABLE_VALUES_VOLUME = 'hub-values';
/** The pod-template annotation holding the sha256 of the ConfigMap's `values.yaml`. */
export const HUB_VALUES_CHECKSUM = 'checksum/hub-values';
/** The chart-managed Secret and the hub Deployment (`fullnameOverride: ""`, see `values.ts`). */
const HUB_SECRET = 'hub';
const HUB_DEPLOYMENT = 'hub';

/** `hub.extraVolumes` and `hub.extraVolumeMounts` that mount the ConfigMap where `z2jh.py` reads. */
export function readableValuesMount(): { extraVolumes: unknown[]; extraVolumeMounts: unknown[] } {
  return {
    extraVolumes: [{ name: READABLE_VALUES_VOLUME, configMap: { name: HUB_VALUES_CONFIGMAP } }],
    extraVolumeMounts: [{ name: READABLE_VALUES_VOLUME, mountPath: READABLE_VALUES_DIR, readOnly: true }],
  };
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `b` merged over `a` as `z2jh.py`'s `_merge_dictionaries` merges `existing-secret/values.yaml`
 * over `secret/values.yaml`: keys of both whose values are both mappings are merged recursively;
 * otherwise `b`'s value replaces `a`'s (lists are replaced, never concatenated).
 */
export function mergeLikeZ2jh(a: Json, b: Json): Json {
  const merged: Json = { ...a };
  for (const [k, v] of Object.entries(b)) merged[k] = k in a && isMap(a[k]) && isMap(v) ? mergeLikeZ2jh(a[k] as Json, v) : v;
  return merged;
}

/**
 * `values` split into what is secret (the values at `SECRET_FIELDS`' chart paths, with the
 * mappings that lead to them) and the rest (a mapping a removal leaves empty is removed too).
 */
export function splitValues(values: Json): { readable: Json; secret: Json } {
  const readable = structuredClone(values);
  const secret: Json = {};
  for (const p of SECRET_VALUE_PATHS) {
    const parents: Json[] = [];
    let cur: unknown = readable;
    for (const k of p.slice(0, -1)) {
      if (!isMap(cur)) break;
      parents.push(cur);
      cur = cur[k];
    }
    const last = p[p.length - 1];
    if (parents.length !== p.length - 1 || !isMap(cur) || !(last in cur)) continue;
    let into = secret;
    for (const k of p.slice(0, -1)) into = (into[k] ??= {}) as Json;
    into[last] = cur[last];
    delete cur[last];
    // Remove the mappings the removal left empty, innermost first.
    for (let i = p.length - 2; i >= 0 && Object.keys(cur as Json).length === 0; i--) {
      delete parents[i][p[i]];
      cur = parents[i];
    }
  }
  return { readable, secret };
}

/** The YAML text of a values document, as written into both objects. */
function valuesText(values: Json): string {
  return yamlText(values);
}

/**
 * The hub's objects of a rendered JupyterHub release with the values split (see the module
 * comment): the `hub` Secret's `values.yaml` reduced to the secret values, the ConfigMap
 * {@link HUB_VALUES_CONFIGMAP} added after it, and the checksum annotation on the hub Deployment's
 * pod template. `source` is the hub file, named when the rendered Deployment does not mount the
 * ConfigMap where `z2jh.py` reads it. Throws when the split would change what the hub reads.
 */
export function splitHubValues(objects: readonly K8sObject[], namespace: string, source: string): K8sObject[] {
  const secretAt = objects.findIndex((o) => o.kind === 'Secret' && o.apiVersion === 'v1' && o.metadata.name === HUB_SECRET);
  const deploymentAt = objects.findIndex((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1' && o.metadata.name === HUB_DEPLOYMENT);
  if (secretAt < 0 || deploymentAt < 0) throw new Error(`the JupyterHub chart rendered no Secret ${HUB_SECRET} or no Deployment ${HUB_DEPLOYMENT}: jhm cannot split the hub's values`);
  const hubSecret = objects[secretAt];
  const data = (hubSecret.data ?? {}) as Record<string, string>;
  if (typeof data[VALUES_KEY] !== 'string') throw new Error(`the JupyterHub chart's Secret ${HUB_SECRET} has no ${VALUES_KEY}: jhm cannot split the hub's values`);
  // The hub reads the file with PyYAML, in YAML 1.1; helm's own reader (go-yaml's YAML 1.1, JSON
  // data only) reads it the same way, the more so as helm quotes every string YAML 1.1 could take
  // for another type (and `yamlText` does too), and it is several times faster than `parse`.
  const read = (text: string): unknown => readYamlDocuments(text, `the JupyterHub chart's Secret ${HUB_SECRET} key ${VALUES_KEY}`)[0]?.data;
  const full = read(Buffer.from(data[VALUES_KEY], 'base64').toString('utf8'));
  if (!isMap(full)) throw new Error(`the JupyterHub chart's Secret ${HUB_SECRET} key ${VALUES_KEY} is not a mapping`);
  const { readable, secret } = splitValues(full);
  const readableText = valuesText(readable);
  const secretText = valuesText(secret);
  // What the hub will read back from the two texts, merged as z2jh.py merges them.
  if (!isDeepStrictEqual(mergeLikeZ2jh(read(secretText) as Json, read(readableText) as Json), full)) {
    throw new Error(`splitting the hub's values into ConfigMap ${HUB_VALUES_CONFIGMAP} and Secret ${HUB_SECRET} would change what JupyterHub reads (a secret value inside a list?)`);
  }

  const deployment = objects[deploymentAt];
  const template = (deployment.spec as Json | undefined)?.template as Json | undefined;
  const podSpec = template?.spec as Json | undefined;
  const volume = ((podSpec?.volumes ?? []) as Json[]).find((v) => v.name === READABLE_VALUES_VOLUME);
  const hubContainer = ((podSpec?.containers ?? []) as Json[]).find((c) => c.name === 'hub');
  const mounts = ((hubContainer?.volumeMounts ?? []) as Json[]).filter((m) => m.mountPath === READABLE_VALUES_DIR);
  if ((volume?.configMap as Json | undefined)?.name !== HUB_VALUES_CONFIGMAP || mounts.length !== 1 || mounts[0].name !== READABLE_VALUES_VOLUME) {
    throw new UserError(`the hub Deployment would not mount ConfigMap ${HUB_VALUES_CONFIGMAP} (alone) at ${READABLE_VALUES_DIR}, so JupyterHub would not read its configuration`, {
      file: source,
      field: 'jupyterhub.values',
      fix: `leave hub.existingSecret unset, and keep jhm's volume ${READABLE_VALUES_VOLUME} and its mount in any hub.extraVolumes and hub.extraVolumeMounts you set (a list there replaces jhm's)`,
    });
  }

  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: HUB_VALUES_CONFIGMAP, namespace: hubSecret.metadata.namespace ?? namespace, ...(hubSecret.metadata.labels ? { labels: { ...hubSecret.metadata.labels } } : {}) },
    data: { [VALUES_KEY]: readableText },
  };
  const checksum = createHash('sha256').update(readableText).digest('hex');
  const metadata = (template!.metadata ?? {}) as Json;
  const annotated: K8sObject = {
    ...deployment,
    spec: { ...(deployment.spec as Json), template: { ...template, metadata: { ...metadata, annotations: { ...((metadata.annotations ?? {}) as Json), [HUB_VALUES_CHECKSUM]: checksum } } } },
  };
  const reduced: K8sObject = { ...hubSecret, data: { ...data, [VALUES_KEY]: Buffer.from(secretText).toString('base64') } };
  return objects.flatMap((o, i) => (i === secretAt ? [reduced, configMap] : i === deploymentAt ? [annotated] : [o]));
}

/**
 * The readable values of `object` when it is a hub's ConfigMap {@link HUB_VALUES_CONFIGMAP}
 * (as read back from `dist/`), else `undefined`.
 */
export function readableValuesOf(object: { readonly kind?: unknown; readonly apiVersion?: unknown; readonly metadata?: unknown; readonly data?: unknown }): Json | undefined {
  if (object.kind !== 'ConfigMap' || object.apiVersion !== 'v1' || (object.metadata as Json | undefined)?.name !== HUB_VALUES_CONFIGMAP) return undefined;
  const text = (object.data as Json | undefined)?.[VALUES_KEY];
  if (typeof text !== 'string') return undefined;
  const values = parse(text, { version: '1.1' }) as unknown;
  return isMap(values) ? values : undefined;
}
