/**
 * Rules of the Magnum settings table (model/magnum-fields.ts): each fact about a Magnum field has
 * its one home in the field's row, and what is derived from the rows (the schema, the resolved
 * model, the construct defaults, the plan's field names, the `jhm init` lines) agrees with them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { clusterTemplate, hubTemplate } from '../../cli/hub-template';
import { defineCluster } from '../../model/cluster';
import { magnumSchema } from '../../model/cluster-schema';
import {
  CLUSTER_ARGUMENTS,
  CLUSTER_FIELDS,
  DEFAULT_WORKER_FIELDS,
  fieldDefault,
  MagnumField,
  magnumSettingsWithDefaults,
  NODE_GROUP_ARGUMENTS,
  NODE_GROUP_FIELDS,
  settingsOf,
} from '../../model/magnum-fields';
import { OPENSTACK_RESOURCE_TYPES } from '../../infra/openstack-resources';
import { fileField, RESOURCE_IDS } from '../../infra/stack-fields';

const REPO = path.resolve(__dirname, '..', '..');

interface ProviderFacts {
  readonly forceNew: readonly string[];
  readonly inPlace: Readonly<Record<string, string>>;
}
const FACTS = JSON.parse(fs.readFileSync(path.join(REPO, 'provider-schema', 'force-new.json'), 'utf8')).resources as Record<string, ProviderFacts>;

/** The top-level argument of a plan's dotted path: `labels.max_node_count` → `labels`. */
const topArgument = (arg: string) => arg.split('.')[0];

/** Every row with the resource type its Terraform arguments belong to. */
const ROWS: Array<[string, MagnumField, string]> = [
  ...Object.entries(CLUSTER_FIELDS as Record<string, MagnumField>).map(([k, r]): [string, MagnumField, string] => [k, r, OPENSTACK_RESOURCE_TYPES.cluster]),
  ...Object.entries(DEFAULT_WORKER_FIELDS as Record<string, MagnumField>).map(([k, r]): [string, MagnumField, string] => [`defaultWorker.${k}`, r, OPENSTACK_RESOURCE_TYPES.cluster]),
  ...Object.entries(NODE_GROUP_FIELDS as Record<string, MagnumField>).map(([k, r]): [string, MagnumField, string] => [`nodeGroups[].${k}`, r, OPENSTACK_RESOURCE_TYPES.nodeGroup]),
];

const FAKE_CLUSTER = {
  magnum: { keypair: 'fake-keypair', labels: { fake_label: 'x' } },
  nodeGroups: [{ name: 'fakes', flavor: 'm3.medium', minNodes: 1, maxNodes: 2 }],
  dns: { zone: 'fake.example.org.' },
  letsEncrypt: { email: 'fake@example.org' },
};

describe('the Magnum settings table', () => {
  test.each(ROWS.filter(([, r]) => r.terraform !== undefined))(
    'rule: the Terraform argument a field sets is classified by provider-schema/force-new.json (replace or in place), not restated: %s',
    (_field, row, type) => {
      for (const arg of row.terraform ?? []) {
        const top = topArgument(arg);
        const facts = FACTS[type];
        expect([top, facts.forceNew.includes(top) || Object.hasOwn(facts.inPlace, top)]).toEqual([top, true]);
      }
    },
  );

  test.each(ROWS.filter(([, r]) => /replaces the|in place/.test(r.schema.description ?? '')))(
    'rule: a field whose description says what a change does agrees with provider-schema/force-new.json: %s',
    (_field, row, type) => {
      const replaces = /replaces the/.test(row.schema.description ?? '');
      for (const arg of row.terraform ?? []) expect([arg, FACTS[type].forceNew.includes(topArgument(arg))]).toEqual([arg, replaces]);
    },
  );

  test('rule: every default has one home: a construct given no Magnum setting gets the same values as a file that gives none', () => {
    const fromFile = settingsOf(CLUSTER_FIELDS, magnumSchema.parse({ keypair: 'fake-keypair' }));
    expect(magnumSettingsWithDefaults({ keypair: 'fake-keypair' })).toEqual(fromFile);
    // The disagreement this table ended: the update timeout is the table's (3h), not the provider's 30 minutes.
    expect(fromFile.updateTimeout).toBe(fieldDefault(CLUSTER_FIELDS.updateTimeout));
  });

  test('rule: the resolved model passes every settings row through unchanged, in table order', () => {
    const cluster = defineCluster('fake', FAKE_CLUSTER);
    const settingsRows = Object.entries(CLUSTER_FIELDS as Record<string, MagnumField>).filter(([, r]) => r.model === 'settings').map(([k]) => k);
    expect(Object.keys(cluster.magnum)).toEqual(['template', ...settingsRows, 'kubernetes']);
    const groupRows = Object.entries(NODE_GROUP_FIELDS as Record<string, MagnumField>).filter(([, r]) => r.model === 'settings').map(([k]) => k);
    expect(Object.keys(cluster.nodeGroups[0])).toEqual([...groupRows.filter((k) => k in cluster.nodeGroups[0]), 'labelValue', 'nodeSelector']);
  });

  test('rule: the plan names, for every Terraform argument of a row, that row\'s field (in a cluster file and in a hub file of the original format)', () => {
    for (const key of ['magnum', 'cluster'] as const) {
      const fakes = defineCluster('fake', FAKE_CLUSTER).nodeGroups;
      const byName = { naming: { fieldPrefix: key }, nodeGroups: fakes, magnum: { template: { name: 'kubernetes-1-33-jammy' } } };
      const byId = { ...byName, magnum: { template: { id: '0b3a6f5e-1111-4222-8333-944455556666' } } };
      for (const [arg, fields] of CLUSTER_ARGUMENTS) {
        const path = arg === 'labels.*' ? 'labels.fake_label' : arg;
        const expected = (f: string) => `${key}.${f}${arg === 'labels.*' ? '.fake_label' : ''}`;
        const named = [fileField(byName, OPENSTACK_RESOURCE_TYPES.cluster, RESOURCE_IDS.cluster, path), fileField(byId, OPENSTACK_RESOURCE_TYPES.cluster, RESOURCE_IDS.cluster, path)];
        expect(fields.map((f) => expected(f.field))).toEqual(expect.arrayContaining(named));
      }
      for (const [arg, fields] of NODE_GROUP_ARGUMENTS) {
        const path = arg === 'labels.*' ? 'labels.fake_label' : arg;
        expect(fileField(byName, OPENSTACK_RESOURCE_TYPES.nodeGroup, RESOURCE_IDS.nodeGroup('fakes'), path)).toBe(`nodeGroups[0].${fields[0].field}${arg === 'labels.*' ? '.fake_label' : ''}`);
      }
    }
  });

  test('rule: jhm init writes each Magnum field its row marks, commented out with the row\'s default, and the written file is valid', () => {
    const o = { zone: 'fake.example.org.', email: 'fake@example.org', keypair: 'fake-keypair', githubClientId: 'fake-client-id', admins: ['fake-admin'] };
    const text = clusterTemplate('fake', o);
    for (const [k, row] of Object.entries(CLUSTER_FIELDS as Record<string, MagnumField>)) {
      const t = row.template;
      const d = fieldDefault(row);
      if (t?.line === 'commented' && t.example === undefined) expect(text).toContain(`  # ${k}: ${typeof d === 'object' ? '{ ' : String(d)}`);
      if (t?.line === 'option') expect(text).toContain(`  ${k}: fake-keypair`);
    }
    // Uncommenting every line of the Magnum section still gives a valid cluster file.
    const uncommented = text.replace(/^ {2}# ([A-Za-z]+: .*?)(?: {3}#.*)?$/gm, '  $1');
    expect(() => defineCluster('fake', parse(uncommented))).not.toThrow();
    expect(hubTemplate('fake', o)).toContain('cluster:\n  keypair: fake-keypair\n');
  });
});

/** Source folders (tests, generated bindings and build output aside). */
const SOURCE_DIRS = ['base', 'model', 'project', 'infra', 'k8s', 'synth', 'cli', 'scripts', 'bench'];

/** The row's file and the constructs that use the fields: where a Magnum field is meant to be spelled. */
const HOMES = new Set(['model/magnum-fields.ts', 'infra/magnum-cluster.ts', 'infra/magnum-nodegroup.ts']);

/**
 * The other source files that still spell a field, each with why: what reads the resolved model
 * by the field's name, or names the field to the user. A file not listed here that spells a field
 * fails the test: derive from the row instead.
 */
const READERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  deletionProtection: { 'infra/cluster-stack.ts': 'a shared hub\'s home volume is protected from destroy as its cluster is (prevent_destroy)' },
  ...Object.fromEntries(['masterFlavor', 'masterCount', 'nodeCount', 'minNodes', 'maxNodes'].map((f) => [f, { 'synth/plan-cost.ts': 'the SU figures read a stack\'s sizes by the rows\' Terraform arguments and name the changed field in the cost line' }])),
  templateId: { 'model/cluster-templates.ts': 'the rule across the template, templateId and kubernetesVersion, and its messages' },
  kubernetesVersion: { 'model/cluster-templates.ts': 'the rule across the template, templateId and kubernetesVersion, and its messages' },
  keypair: {
    'cli/commands/init.ts': 'jhm init\'s --keypair option',
    'cli/hub-template.ts': 'the option jhm init passes to the template',
  },
  defaultWorker: {
    'model/cluster.ts': 'the model\'s default-worker nodegroup (Cluster.defaultWorker)',
    'model/hub.ts': 'the profiles placed on the model\'s default-worker nodegroup',
    'model/cluster-schema.ts': 'the message refusing a nodegroup named like Magnum\'s own',
    'infra/cluster-stack.ts': 'the model\'s default-worker nodegroup handed to MagnumCluster',
  },
};

/** Source files (relative to the repository) whose text spells `word` as a whole word. */
function filesSpelling(word: string): string[] {
  const re = new RegExp(`\\b${word}\\b`);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.ts$/.test(e.name) && re.test(fs.readFileSync(path.join(REPO, rel), 'utf8'))) out.push(rel);
    }
  };
  for (const d of SOURCE_DIRS) if (fs.existsSync(path.join(REPO, d))) walk(d);
  return out;
}

/** Fields whose name is an ordinary word elsewhere too: left to review (only their rows and constructs hold their facts). */
const ORDINARY = new Set(['name', 'flavor', 'role', 'labels', 'template', /* the Kubernetes API group autoscaling/v2 */ 'autoscaling']);
const DISTINCT = [...new Set(ROWS.map(([f]) => f.split('.').pop()!))].filter((f) => !ORDINARY.has(f));

test.each(DISTINCT)('rule: a Magnum field is spelled only in its row, the constructs that use it, tests, and the listed readers of the model: %s', (field) => {
  const files = filesSpelling(field);
  expect(files.filter((f) => !HOMES.has(f) && !Object.hasOwn(READERS[field] ?? {}, f))).toEqual([]);
  // The list stays true: a reader that no longer spells the field leaves it.
  expect(Object.keys(READERS[field] ?? {}).filter((f) => !files.includes(f))).toEqual([]);
});
