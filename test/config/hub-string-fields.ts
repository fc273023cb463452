/**
 * Every string field of the hub schema, read from the schema itself, and whether its text reaches
 * the Terraform JSON (`cdk.tf.json`). Shared by the tests of the rule "no evaluation of user text"
 * (test/config/terraform-text.test.ts, test/infra/terraform-text.test.ts): a string field added to
 * the schema without being classified here fails them.
 *
 * Paths: `a.b` for properties, `a[]` for list items (set as the first item), `a.<key>` and
 * `a.<value>` for the keys and values of a map.
 */
import fc from 'fast-check';
import { formatPath } from '../../model/zod-issues';
import { hubJsonSchema } from '../../model/hub-schema';

/**
 * Fields whose text reaches Terraform verbatim, refused by the schema when Terraform would
 * evaluate (`${`, `%{`) or change it (`terraformText` in model/hub-schema.ts).
 */
export const TERRAFORM_TEXT_FIELDS = [
  'cloud.name',
  'cloud.region',
  'cluster.template',
  'cluster.keypair',
  'cluster.fixedNetwork',
  'cluster.masterFlavor',
  'cluster.defaultWorker.flavor',
  'cluster.labels.<key>',
  'cluster.labels.<value>',
  'nodeGroups[].flavor',
  'nodeGroups[].labels.<key>',
  'nodeGroups[].labels.<value>',
  'ingress.floatingIpPool',
] as const;

/** Fields that reach Terraform but whose pattern (DNS label, zone, UUID, duration) admits no `$`, `%` or `{`. */
export const TERRAFORM_PATTERN_FIELDS = [
  'cluster.name',
  'cluster.templateId',
  'cluster.createTimeout',
  'cluster.updateTimeout',
  'nodeGroups[].name',
  'nodeGroups[].role',
  'dns.zone',
  'dns.record',
] as const;

/** Every string field that reaches the Terraform JSON. */
export const TERRAFORM_FIELDS: readonly string[] = [...TERRAFORM_TEXT_FIELDS, ...TERRAFORM_PATTERN_FIELDS];

/** Fields only the Kubernetes side reads (checked: their text never appears in cdk.tf.json). */
export const KUBERNETES_ONLY_FIELDS = [
  'cluster.kubernetesVersion',
  'ingress.controller',
  'ingress.loadBalancerIP',
  'letsEncrypt.email',
  'letsEncrypt.issuer',
  'jupyterhub.namespace',
  'jupyterhub.release',
  'jupyterhub.auth.type',
  'jupyterhub.auth.clientId',
  'jupyterhub.auth.allowedUsers[]',
  'jupyterhub.auth.adminUsers[]',
  'jupyterhub.auth.allowedOrganizations[]',
  'jupyterhub.auth.adminTeams[]',
  'jupyterhub.auth.identityProviders[].entityId',
  'jupyterhub.auth.identityProviders[].usernameClaim',
  'jupyterhub.auth.identityProviders[].stripDomain',
  'jupyterhub.auth.identityProviders[].prefix',
  'jupyterhub.auth.identityProviders[].allowedDomains[]',
  'jupyterhub.auth.groupsClaim',
  'jupyterhub.auth.allowedGroups[]',
  'jupyterhub.auth.adminGroups[]',
  'jupyterhub.auth.loginService',
  'jupyterhub.auth.authorizeUrl',
  'jupyterhub.auth.tokenUrl',
  'jupyterhub.auth.userdataUrl',
  'jupyterhub.auth.scope[]',
  'jupyterhub.auth.usernameClaim',
  'jupyterhub.values.<key>',
  'ingress.values.<key>',
  'certManager.values.<key>',
  'jupyterhub.profiles[].allowedGroups[]',
  'jupyterhub.profiles[].allowedUsers[]',
  'jupyterhub.profiles[].groupResources[].groups[]',
  'jupyterhub.profiles[].groupResources[].memoryGuarantee',
  'jupyterhub.profiles[].groupResources[].memoryLimit',
  'jupyterhub.profiles[].options.image.choices[].displayName',
  'jupyterhub.profiles[].options.image.choices[].image',
  'jupyterhub.profiles[].options.image.choices[].slug',
  'jupyterhub.profiles[].options.image.custom.displayName',
  'jupyterhub.profiles[].options.image.custom.pattern',
  'jupyterhub.profiles[].options.image.custom.patternHelp',
  'jupyterhub.profiles[].options.image.displayName',
  'jupyterhub.profiles[].options.resources.choices[].displayName',
  'jupyterhub.profiles[].options.resources.choices[].memoryGuarantee',
  'jupyterhub.profiles[].options.resources.choices[].memoryLimit',
  'jupyterhub.profiles[].options.resources.choices[].slug',
  'jupyterhub.profiles[].options.resources.displayName',
  'jupyterhub.storage.backup.repository',
  'jupyterhub.storage.backup.schedule',
  'jupyterhub.storage.courseFolderWriters[]',
  'jupyterhub.storage.quota',
  'jupyterhub.storage.size',
  'jupyterhub.storage.type',
  'jupyterhub.singleuser.image',
  'jupyterhub.singleuser.defaultUrl',
  'jupyterhub.singleuser.memoryGuarantee',
  'jupyterhub.singleuser.memoryLimit',
  'jupyterhub.singleuser.storageCapacity',
  'jupyterhub.singleuser.storageClass',
  'jupyterhub.singleuser.extraEnv.<key>',
  'jupyterhub.singleuser.extraEnv.<value>',
  'jupyterhub.profiles[].displayName',
  'jupyterhub.profiles[].slug',
  'jupyterhub.profiles[].description',
  'jupyterhub.profiles[].nodeGroup',
  'jupyterhub.profiles[].image',
  'jupyterhub.profiles[].memoryGuarantee',
  'jupyterhub.profiles[].memoryLimit',
] as const;

/**
 * Fields of the format of a hub on a cluster file only (`cluster:` a string): a DNS label naming
 * the cluster file. Set on the example (a legacy hub) it would change the format, so the field
 * tests above leave it out; its pattern admits no `$`, `%` or `{`.
 */
export const HUB_ON_CLUSTER_FIELDS = ['cluster'] as const;

type JsonSchema = Record<string, any>;

/** Every string field of the hub file, as paths (see the module comment), from hub.schema.json's source. */
export function schemaStringFields(): string[] {
  const found = new Set<string>();
  const walk = (schema: JsonSchema, at: string): void => {
    if (schema.type === 'string') found.add(at);
    for (const [key, sub] of Object.entries<JsonSchema>(schema.properties ?? {})) walk(sub, at ? `${at}.${key}` : key);
    if (schema.items) walk(schema.items, `${at}[]`);
    if (schema.propertyNames) walk(schema.propertyNames, `${at}.<key>`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${at}.<value>`);
    for (const alternative of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) walk(alternative, at);
  };
  walk(hubJsonSchema(), '');
  return [...found].sort();
}

/**
 * Sets `field` (a path as above) of `data` (hub-file data or a parsed `HubFile`) to `value`,
 * creating what is missing: a list gets `value` at index 0, a map gets one entry (`<key>` sets
 * `{ [value]: other }`, `<value>` sets `{ [other]: value }`).
 * Returns the field an error about it names (`nodeGroups[0].flavor`, `cluster.labels.kube_tag`), as `formatPath` writes it.
 */
export function setField(data: Record<string, any>, field: string, value: string, other = 'jhm-test'): string {
  const parts = field.split('.');
  let node: any = data;
  const reported: PropertyKey[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const next = parts[i + 1];
    if (next === '<key>' || next === '<value>') {
      const key = next === '<key>' ? value : other;
      node[parts[i]] = { [key]: next === '<key>' ? other : value };
      reported.push(parts[i], key);
      return formatPath(reported);
    }
    if (parts[i].endsWith('[]')) {
      const name = parts[i].slice(0, -2);
      node[name] ??= [];
      node[name][0] ??= {};
      node = node[name][0];
      reported.push(name, 0);
    } else {
      node[parts[i]] ??= {};
      node = node[parts[i]];
      reported.push(parts[i]);
    }
  }
  const last = parts[parts.length - 1];
  if (last.endsWith('[]')) {
    const name = last.slice(0, -2);
    node[name] = [value];
    reported.push(name, 0);
  } else {
    node[last] = value;
    reported.push(last);
  }
  return formatPath(reported);
}

/** Strings rich in what Terraform, cdktf, JSON and YAML treat specially. */
export const trickyText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('$', '%', '{', '}', '${', '%{', '$${', '%%{', '$$', '\\', '"', "'", '\n', '\r', '\t', ':', '#', 'TfToken[', ']}', '\u0000', '\uFEFF', 'e\u0301', 'é', '\u212B', '😀', '\uD800', 'ﬁ'),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''))
  .filter((s) => s.length > 0);
