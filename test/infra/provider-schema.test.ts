/**
 * The provider schema file and the bindings generated from it: the schema states the provider's
 * facts, the synthesized stacks only use what the schema allows, and `imports/` is exactly what the
 * generator script produces from the schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import { generateOpenstackBindings, OPENSTACK_FQPN } from '../../scripts/generate-openstack-bindings';
import { cleanupTempDirs, exampleHub, ROOT, synthHub, tempDir, TfJson, variantHub } from './support';

afterAll(cleanupTempDirs);

type AttrType = string | [string, AttrType] | ['object', Record<string, AttrType>];
interface Attribute {
  type: AttrType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, { nesting_mode: string; block: Block }>;
}
interface ProviderSchema {
  provider: { block: Block };
  resource_schemas: Record<string, { block: Block }>;
  data_source_schemas: Record<string, { block: Block }>;
}

const schemaFile = JSON.parse(fs.readFileSync(path.join(ROOT, 'provider-schema', 'openstack.json'), 'utf8'));
const schema: ProviderSchema = schemaFile.provider_schemas[OPENSTACK_FQPN];

/** Terraform meta-arguments and cdktf metadata: not provider attributes. */
const META = new Set(['//', 'lifecycle', 'depends_on', 'count', 'for_each', 'provider', 'provisioner', 'connection']);

const isToken = (v: unknown) => typeof v === 'string' && v.includes('${');

function typeErrors(where: string, value: unknown, type: AttrType): string[] {
  if (isToken(value)) return []; // A reference: Terraform checks its type at plan time.
  const fail = [`${where}: ${JSON.stringify(value)} is not of type ${JSON.stringify(type)}`];
  if (type === 'string') return typeof value === 'string' ? [] : fail;
  if (type === 'number') return typeof value === 'number' ? [] : fail;
  if (type === 'bool') return typeof value === 'boolean' ? [] : fail;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === 'map' || kind === 'object') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail;
      return Object.entries(value).flatMap(([k, v]) =>
        kind === 'map' ? typeErrors(`${where}.${k}`, v, inner as AttrType) : typeErrors(`${where}.${k}`, v, (inner as Record<string, AttrType>)[k] ?? 'unknown'),
      );
    }
    if (kind === 'list' || kind === 'set') {
      if (!Array.isArray(value)) return fail;
      return value.flatMap((v, i) => typeErrors(`${where}[${i}]`, v, inner as AttrType));
    }
  }
  return fail;
}

/** Every problem of `config` against `block`: unknown or computed-only attributes, wrong types, missing required ones. */
function blockErrors(where: string, config: TfJson, block: Block, extra: readonly string[] = []): string[] {
  const errors: string[] = [];
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (META.has(key) || extra.includes(key)) continue;
    const attr = attributes[key];
    const nested = blocks[key];
    if (attr) {
      if (!attr.required && !attr.optional) errors.push(`${where}.${key}: is computed only and cannot be set`);
      errors.push(...typeErrors(`${where}.${key}`, value, attr.type));
    } else if (nested) {
      const items = nested.nesting_mode === 'single' ? [value] : Array.isArray(value) ? value : [];
      if (nested.nesting_mode !== 'single' && !Array.isArray(value)) errors.push(`${where}.${key}: must be a list of blocks`);
      items.forEach((item: TfJson, i: number) => errors.push(...blockErrors(`${where}.${key}${items.length > 1 ? `[${i}]` : ''}`, item, nested.block)));
    } else {
      errors.push(`${where}.${key}: is not an attribute of the provider schema`);
    }
  }
  for (const [key, attr] of Object.entries(attributes)) {
    if (attr.required && !(key in config)) errors.push(`${where}.${key}: is required but missing`);
  }
  return errors;
}

/** Every schema problem of a synthesized stack. */
function stackErrors(tf: TfJson): string[] {
  const errors: string[] = [];
  for (const [i, p] of (tf.provider?.openstack ?? []).entries()) errors.push(...blockErrors(`provider.openstack[${i}]`, p, schema.provider.block, ['alias']));
  for (const [type, byName] of Object.entries<TfJson>(tf.resource ?? {})) {
    const s = schema.resource_schemas[type];
    if (!s) errors.push(`resource ${type}: not in the provider schema`);
    else for (const [name, config] of Object.entries<TfJson>(byName)) errors.push(...blockErrors(`${type}.${name}`, config, s.block));
  }
  for (const [type, byName] of Object.entries<TfJson>(tf.data ?? {})) {
    const s = schema.data_source_schemas[type];
    if (!s) errors.push(`data ${type}: not in the provider schema`);
    else for (const [name, config] of Object.entries<TfJson>(byName)) errors.push(...blockErrors(`data.${type}.${name}`, config, s.block));
  }
  return errors;
}

/** A hub that sets every optional input the stack maps to Terraform. */
function everythingHub() {
  return variantHub((h) => {
    h.cloud = { name: 'js2', region: 'IU' };
    h.cluster.templateId = '6f1bd9b8-3c3c-4c6c-9f55-3b1c8e0a4d21';
    h.cluster.labels = { boot_volume_size: '60' };
    h.cluster.deletionProtection = false;
    h.cluster.autoscaling = false;
    h.nodeGroups.push({ name: 'gpus', flavor: 'g3.large', minNodes: 1, maxNodes: 2, role: 'gpu', dockerVolumeSize: 100, labels: { gpu: 'true' } });
  });
}

describe('synthesized stacks against the provider schema', () => {
  test.each([
    ['the example hub', exampleHub],
    ['a hub setting every optional input', everythingHub],
  ])('%s uses only schema attributes, with the schema types, and sets every required one', (_name, hub) => {
    expect(stackErrors(synthHub(hub()))).toEqual([]);
  });

  test('the checker itself reports wrong types, unknown and missing attributes', () => {
    const tf = synthHub(exampleHub());
    const cluster = tf.resource.openstack_containerinfra_cluster_v1.cluster;
    cluster.node_count = '1';
    cluster.labels = { min_node_count: 1 };
    cluster.nodes = 3;
    cluster.kubeconfig = {};
    delete cluster.cluster_template_id;
    expect(stackErrors(tf).sort()).toEqual(
      [
        'openstack_containerinfra_cluster_v1.cluster.node_count: "1" is not of type "number"',
        'openstack_containerinfra_cluster_v1.cluster.labels.min_node_count: 1 is not of type "string"',
        'openstack_containerinfra_cluster_v1.cluster.nodes: is not an attribute of the provider schema',
        'openstack_containerinfra_cluster_v1.cluster.kubeconfig: is computed only and cannot be set',
        'openstack_containerinfra_cluster_v1.cluster.cluster_template_id: is required but missing',
      ].sort(),
    );
  });
});

describe('provider schema file (terraform-provider-openstack 3.4 facts)', () => {
  const resource = (t: string) => schema.resource_schemas[t].block;
  const data = (t: string) => schema.data_source_schemas[t].block;

  test('is in the `terraform providers schema -json` format for the openstack provider', () => {
    expect(schemaFile.format_version).toBe('1.0');
    expect(Object.keys(schemaFile.provider_schemas)).toEqual(['registry.terraform.io/terraform-provider-openstack/openstack']);
    expect(Object.keys(schema).sort()).toEqual(['data_source_schemas', 'provider', 'resource_schemas']);
    expect(Object.keys(schema.resource_schemas).sort()).toEqual([
      'openstack_blockstorage_volume_v3',
      'openstack_containerinfra_cluster_v1',
      'openstack_containerinfra_nodegroup_v1',
      'openstack_dns_recordset_v2',
      'openstack_networking_floatingip_v2',
    ]);
    expect(Object.keys(schema.data_source_schemas).sort()).toEqual([
      'openstack_containerinfra_clustertemplate_v1',
      'openstack_dns_zone_v2',
      'openstack_networking_network_v2',
      'openstack_networking_subnet_ids_v2',
    ]);
  });

  test('every provider attribute is optional, password is sensitive, clouds.yaml and OS_* settings are present', () => {
    const attrs = schema.provider.block.attributes!;
    for (const a of Object.values(attrs)) expect(a).toMatchObject({ optional: true });
    expect(attrs.password.sensitive).toBe(true);
    for (const k of ['auth_url', 'cloud', 'region', 'user_name', 'tenant_name', 'password', 'application_credential_id', 'application_credential_secret']) {
      expect(attrs[k]).toBeDefined();
    }
  });

  test('counts are numbers, labels are maps of strings, kubeconfig is a sensitive computed map', () => {
    const c = resource('openstack_containerinfra_cluster_v1').attributes!;
    for (const k of ['master_count', 'node_count', 'docker_volume_size', 'create_timeout']) expect(c[k].type).toBe('number');
    expect(c.labels).toMatchObject({ type: ['map', 'string'], optional: true, computed: true });
    expect(c.merge_labels.type).toBe('bool');
    expect(c.kubeconfig).toEqual({ type: ['map', 'string'], description_kind: 'plain', computed: true, sensitive: true });
    expect(c.cluster_template_id.required).toBe(true);
    const ng = resource('openstack_containerinfra_nodegroup_v1').attributes!;
    for (const k of ['node_count', 'min_node_count', 'max_node_count', 'docker_volume_size']) expect(ng[k].type).toBe('number');
    expect(ng.labels.type).toEqual(['map', 'string']);
    expect(ng.cluster_id.required && ng.name.required).toBe(true);
  });

  test('resources with timeouts have a single nested timeouts block', () => {
    expect(resource('openstack_containerinfra_cluster_v1').block_types!.timeouts.nesting_mode).toBe('single');
    expect(Object.keys(resource('openstack_containerinfra_cluster_v1').block_types!.timeouts.block.attributes!).sort()).toEqual(['create', 'delete', 'update']);
    expect(Object.keys(resource('openstack_networking_floatingip_v2').block_types!.timeouts.block.attributes!).sort()).toEqual(['create', 'delete']);
  });

  test('floating IP pool, record zone/name/records and lookup names have the provider required-ness', () => {
    expect(resource('openstack_networking_floatingip_v2').attributes!.pool.required).toBe(true);
    expect(resource('openstack_networking_floatingip_v2').attributes!.address).toMatchObject({ optional: true, computed: true });
    const rs = resource('openstack_dns_recordset_v2').attributes!;
    expect([rs.zone_id.required, rs.name.required, rs.records.required]).toEqual([true, true, true]);
    expect(rs.records.type).toEqual(['set', 'string']);
    expect(data('openstack_containerinfra_clustertemplate_v1').attributes!.name.required).toBe(true);
    expect(data('openstack_networking_subnet_ids_v2').attributes!.ids).toMatchObject({ type: ['list', 'string'], computed: true });
    expect(data('openstack_dns_zone_v2').attributes!.name.optional).toBe(true);
  });
});

describe('generated bindings', () => {
  const committed = path.join(ROOT, 'imports', 'providers', 'openstack');
  const listFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();

  test('imports/providers/openstack is exactly what the generator script makes from the schema (no hand edits)', async () => {
    const root = tempDir();
    fs.copyFileSync(path.join(ROOT, 'cdktf.json'), path.join(root, 'cdktf.json'));
    fs.cpSync(path.join(ROOT, 'provider-schema'), path.join(root, 'provider-schema'), { recursive: true });
    const generated = await generateOpenstackBindings({ root });
    expect(generated).toBe(path.join(root, 'imports', 'providers', 'openstack'));
    const files = listFiles(generated);
    expect(listFiles(committed)).toEqual(files);
    for (const f of files) {
      expect({ file: f, text: fs.readFileSync(path.join(committed, f), 'utf8') }).toEqual({ file: f, text: fs.readFileSync(path.join(generated, f), 'utf8') });
    }
  });

  test('the generator refuses a cdktf.json whose provider constraint differs from model/versions.ts', async () => {
    const root = tempDir();
    const cdktf = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    cdktf.terraformProviders = ['terraform-provider-openstack/openstack@~> 2.0'];
    fs.writeFileSync(path.join(root, 'cdktf.json'), JSON.stringify(cdktf));
    fs.cpSync(path.join(ROOT, 'provider-schema'), path.join(root, 'provider-schema'), { recursive: true });
    await expect(generateOpenstackBindings({ root })).rejects.toThrow(/terraform-provider-openstack\/openstack@~> 3\.4/);
  });
});
