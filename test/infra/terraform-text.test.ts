/**
 * Rule (issue 9, "no evaluation of user text"): every string that reaches the Terraform JSON
 * (`cdk.tf.json`) from a hub file or a construct prop is read by Terraform exactly as written.
 * Hub text that Terraform would evaluate or change is refused (test/config/terraform-text.test.ts);
 * the constructs escape `${` and `%{` in their text props (`infra/terraform-text.ts`), keeping
 * cdktf's own references. Checked on the synthesized JSON against a model of Terraform's
 * unescaping, and, where terraform is on PATH, by terraform itself (one offline `terraform
 * console` on a provider-free JSON config).
 *
 * Regression (CI, stop 15): after a carriage return without a line feed Terraform stops reading
 * `$${` and `%%{` as escapes (`\r$$${` reads as `\r$$${`, not `\r$${`); the constructs now refuse
 * a template sequence there, and the generated text holds lone carriage returns on purpose.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Testing, TerraformStack } from 'cdktf';
import { which } from '../../base/tools';
import { LegacyHubFile, legacyHubFileSchema } from '../../model/hub-schema';
import { resolveHub } from '../../model/hub';
import { TEMPLATE_SEQUENCE_AFTER_LONE_CR, unicodeProblem } from '../../model/terraform-text';
import { IngressFloatingIp } from '../../infra/ingress-floating-ip';
import { MagnumNodeGroup } from '../../infra/magnum-nodegroup';
import { terraformLiteral } from '../../infra/terraform-text';
import { ContainerinfraClusterV1 } from '../../imports/providers/openstack/containerinfra-cluster-v1';
import { EXAMPLE_HUB, FAKE_GITHUB_CLIENT_SECRET, makeProject, removeProjects } from '../support/project';
import { HUB_ON_CLUSTER_FIELDS, KUBERNETES_ONLY_FIELDS, schemaStringFields, setField, TERRAFORM_FIELDS, TERRAFORM_TEXT_FIELDS, trickyText } from '../config/hub-string-fields';
import { cleanupTempDirs, exampleHub, exampleInput, synthHub, synthHubJson, tempDir, TfJson, variantHub } from './support';

afterAll(() => {
  cleanupTempDirs();
  removeProjects();
});

/**
 * What Terraform reads from a JSON string (a model, checked against terraform below): `$${` and
 * `%%{` stand for `${` and `%{`, an unescaped `${` or `%{` would be evaluated, the text is
 * normalized to NFC and a leading byte-order mark dropped. A template sequence after a lone
 * carriage return is outside the model (Terraform reads it by other rules), written independently
 * of the constructs' rule.
 */
function terraformReads(json: string): string {
  const loneCr = json.search(/\r(?!\n)/);
  if (loneCr >= 0 && /[$%]\{/.test(json.slice(loneCr))) throw new Error(`outside the model: ${JSON.stringify(json)}`);
  let out = '';
  for (let i = 0; i < json.length; ) {
    if (json.startsWith('$${', i) || json.startsWith('%%{', i)) {
      out += json.slice(i + 1, i + 3);
      i += 3;
    } else if (json.startsWith('${', i) || json.startsWith('%{', i)) {
      throw new Error(`Terraform would evaluate ${JSON.stringify(json)}`);
    } else {
      out += json[i];
      i += 1;
    }
  }
  out = out.normalize('NFC');
  return out.startsWith('\uFEFF') ? out.slice(1) : out;
}

/** Every string of a JSON document, object keys included. */
function jsonStrings(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => jsonStrings(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      jsonStrings(v, into);
    }
  }
  return into;
}

/** Hub text Terraform keeps literally (the rule of model/terraform-text.ts, written independently). */
const keptLiterally = (s: string) => !/[$%]\{/.test(s) && !/[$#&]\{TfToken\[/.test(s) && !/\p{Cs}/u.test(s) && s.normalize('NFC') === s && !s.startsWith('\uFEFF');
/** Construct text that escaping can keep intact: no cdktf marker, Unicode Terraform leaves alone. */
const escapable = (s: string) => !/[$#&]\{TfToken\[/.test(s) && unicodeProblem(s) === undefined && !/\r(?!\n)[^]*[$%]\{/.test(s);

/** A hub built from the example's validated spec with `edit` applied, skipping validation (to trace fields). */
function tracedHub(edit: (spec: Record<string, any>) => void): ReturnType<typeof exampleHub> {
  const spec = { format: 'legacy', ...structuredClone(legacyHubFileSchema.parse(exampleInput())) } as Record<string, any>;
  edit(spec);
  return resolveHub('example', spec as LegacyHubFile, '<test>');
}

/** Texts Terraform is checked on at the end (one terraform run): [what, JSON string as synthesized, the text meant]. */
const forTerraform: Array<{ what: string; json: Record<string, string>; meant: Record<string, string> }> = [];

describe('rule: the classification of string fields matches what reaches cdk.tf.json', () => {
  const probe = (i: number) => `jhmprobe${i}x`;
  // The constructs check their props: a duration is traced with a duration.
  const probeFor = (field: string, i: number) => (field === 'cluster.createTimeout' || field === 'cluster.updateTimeout' ? `${90000 + i}m` : probe(i));

  test('every field classified as reaching Terraform does reach it', () => {
    for (const [i, field] of TERRAFORM_FIELDS.entries()) {
      const text = synthHubJson(tracedHub((spec) => setField(spec, field, probeFor(field, i), 'jhmother')));
      expect([field, text.includes(probeFor(field, i))]).toEqual([field, true]);
    }
  });

  test('no field classified as Kubernetes-only reaches Terraform', () => {
    const enums: string[] = [];
    const hub = tracedHub((spec) => {
      for (const [i, field] of KUBERNETES_ONLY_FIELDS.entries()) {
        // Enumerations, and the home volume's sizes (whole Gi or Ti: a pattern with no `$`, `%` or `{`,
        // which reaches Terraform only as a number, and only for a shared hub: test/storage/).
        if (['ingress.controller', 'letsEncrypt.issuer', 'jupyterhub.auth.type', 'jupyterhub.storage.type', 'jupyterhub.storage.size', 'jupyterhub.storage.quota'].includes(field)) enums.push(field);
        else setField(spec, field, probe(i), 'jhmother');
      }
    });
    const text = synthHubJson(hub);
    expect(text.match(/jhmprobe\d+x|jhmother/g)).toBeNull();
    // The enumerated ones: every allowed value gives the same Terraform JSON.
    expect(enums.sort()).toEqual(['ingress.controller', 'jupyterhub.auth.type', 'jupyterhub.storage.quota', 'jupyterhub.storage.size', 'jupyterhub.storage.type', 'letsEncrypt.issuer']);
    const base = synthHubJson(exampleHub());
    expect(synthHubJson(variantHub((h) => (h.ingress = { controller: 'ingress-nginx' })))).toBe(base);
    expect(synthHubJson(variantHub((h) => (h.letsEncrypt.issuer = 'letsencrypt-staging')))).toBe(base);
    expect(synthHubJson(variantHub((h) => {
      h.dns.zone = 'hubs.test.';
      h.jupyterhub.auth = { type: 'dummy' };
    }))).toBe(synthHubJson(variantHub((h) => (h.dns.zone = 'hubs.test.'))));
    expect(schemaStringFields().length).toBe(TERRAFORM_FIELDS.length + KUBERNETES_ONLY_FIELDS.length + HUB_ON_CLUSTER_FIELDS.length);
  });
});

describe('rule: hub text that passes validation reaches Terraform exactly as written', () => {
  test('property: accepted text in every Terraform-bound field is in cdk.tf.json verbatim, and Terraform reads the input', () => {
    const accepted = trickyText.filter(keptLiterally);
    const fields = TERRAFORM_TEXT_FIELDS.filter((f) => !f.includes('<'));
    const samples: string[] = [];
    fc.assert(
      fc.property(fc.tuple(...fields.map(() => accepted)), accepted, accepted, accepted, accepted, (values, ck, cv, nk, nv) => {
        const tf = synthHub(
          variantHub((h) => {
            fields.forEach((field, i) => setField(h, field, values[i]));
            h.cluster.labels = { [ck]: cv };
            h.nodeGroups[0].labels = { [nk]: nv };
          }),
        );
        const strings = jsonStrings(tf);
        for (const text of [...values, ck, cv, nk, nv]) {
          expect(strings.has(text)).toBe(true);
          expect(terraformReads(text)).toBe(text);
        }
        samples.push(...values, ck, cv, nk, nv);
      }),
      { numRuns: 40 },
    );
    // Terraform reads what the synthesized labels hold: the last runs' texts, as cluster labels.
    const labels = Object.fromEntries([...new Set(samples)].slice(0, 200).map((s, i) => [`k${i}`, s]));
    const tf = synthHub(variantHub((h) => (h.cluster.labels = { ...labels })));
    const json = tf.resource.openstack_containerinfra_cluster_v1.cluster.labels as Record<string, string>;
    forTerraform.push({ what: 'hub labels', json, meant: { ...labels, auto_scaling_enabled: 'true', min_node_count: '1', max_node_count: '1', kube_dashboard_enabled: 'false' } });
  });
});

describe('rule: constructs escape their text props (the TypeScript API is safe on its own)', () => {
  function synthConstruct(build: (stack: TerraformStack) => void): TfJson {
    const stack = new TerraformStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), 'probe');
    build(stack);
    return JSON.parse(Testing.synth(stack));
  }

  test('property: any escapable text given as a description, label key or value reads back as written', () => {
    const texts: string[] = [];
    fc.assert(
      fc.property(trickyText.filter(escapable), trickyText.filter(escapable), (description, label) => {
        const tf = synthConstruct((stack) => {
          new IngressFloatingIp(stack, 'ingress', { floatingIpPool: 'public', zone: 'hubs.test.', description });
          new MagnumNodeGroup(stack, 'ng', {
            clusterId: 'c',
            nodeGroup: { name: 'n', flavor: 'f', nodeCount: 1, minNodes: 1, maxNodes: 1, role: 'worker', labels: { [label]: label } },
          });
        });
        expect(terraformReads(tf.resource.openstack_networking_floatingip_v2.ingress.description)).toBe(description);
        const labels = tf.resource.openstack_containerinfra_nodegroup_v1.ng.labels as Record<string, string>;
        expect(Object.entries(labels).map(([k, v]) => [terraformReads(k), terraformReads(v)])).toEqual([[label, label]]);
        texts.push(description, label);
      }),
      { numRuns: 150 },
    );
    const fixed = ['${file("/etc/passwd")}', '%{ if true }x%{ endif }', '$${x}', '%%{x', '$$${', '$', '%', '$$', 'x$', '${', '%{', '}', '\\${', '"${"', 'é', '😀', 'a\uFEFFb', '\u0000', '\n${\n}', 'a\rb', '\r$$', '$\r{', '%\r{', '\r%%}', '\r\n$${', '$${x}\r', '%%{\r'];
    const all = [...new Set([...fixed, ...texts])].slice(0, 300);
    const labels = Object.fromEntries(all.map((s, i) => [`v${i}`, s]));
    const keys = Object.fromEntries(all.map((s, i) => [s, `k${i}`]));
    const tf = synthConstruct((stack) => {
      new MagnumNodeGroup(stack, 'values', { clusterId: 'c', nodeGroup: { name: 'n', flavor: 'f', nodeCount: 1, minNodes: 1, maxNodes: 1, role: 'worker', labels } });
      new MagnumNodeGroup(stack, 'keys', { clusterId: 'c', nodeGroup: { name: 'n', flavor: 'f', nodeCount: 1, minNodes: 1, maxNodes: 1, role: 'worker', labels: keys } });
    });
    forTerraform.push({ what: 'construct label values', json: tf.resource.openstack_containerinfra_nodegroup_v1.values.labels, meant: labels });
    forTerraform.push({ what: 'construct label keys', json: tf.resource.openstack_containerinfra_nodegroup_v1.keys.labels, meant: keys });
  });

  test('text without "${" or "%{" is passed unchanged (the example stack stays byte-identical)', () => {
    for (const s of ['m3.quad', 'a$b', '100%', '{x}', '$', 'é']) expect(terraformLiteral(s, 'test')).toBe(s);
    expect(terraformLiteral('${x}', 'test')).toBe('$${x}');
    expect(terraformLiteral('%{x}', 'test')).toBe('%%{x}');
    expect(terraformLiteral('$${x}', 'test')).toBe('$$${x}');
  });

  test('cdktf references in a prop stay references; literal "${" beside one or after a lone carriage return, fake token markers and changed Unicode are refused', () => {
    const tf = synthConstruct((stack) => {
      const other = new ContainerinfraClusterV1(stack, 'other', { name: 'o', clusterTemplateId: 't' });
      new MagnumNodeGroup(stack, 'ng', { clusterId: 'c', nodeGroup: { name: `ng-${other.name}`, flavor: other.flavor, nodeCount: 1, minNodes: 1, maxNodes: 1, role: 'worker', labels: {} } });
      expect(() => terraformLiteral(`\${x} ${other.name}`, 'desc')).toThrow(/desc: literal "\$\{" or "%\{" next to a cdktf token cannot be escaped/);
    });
    expect(tf.resource.openstack_containerinfra_nodegroup_v1.ng.name).toBe('ng-${openstack_containerinfra_cluster_v1.other.name}');
    expect(tf.resource.openstack_containerinfra_nodegroup_v1.ng.flavor_id).toBe('${openstack_containerinfra_cluster_v1.other.flavor}');
    expect(() => terraformLiteral('${TfToken[TOKEN.999999]}', 'keypair')).toThrow(/keypair: holds "\$\{TfToken\[", which cdktf reads as a token, but it is none/);
    expect(() => terraformLiteral('#{TfToken[TOKEN.1]}', 'keypair')).toThrow(/keypair: holds a cdktf token marker/);
    expect(() => terraformLiteral('e\u0301', 'keypair')).toThrow(/keypair: is not in Unicode normalization form NFC/);
    for (const text of ['\r${x}', 'a\rb%{', 'a\r$${', '\r\r\n${']) {
      expect(() => terraformLiteral(text, 'label')).toThrow(/^label: holds "\$\{" or "%\{" after a carriage return without a line feed, where Terraform no longer reads escapes: end lines with "\\n" or "\\r\\n"$/);
    }
    expect(TEMPLATE_SEQUENCE_AFTER_LONE_CR.test('\r\n${x}\r')).toBe(false);
    expect(() => new IngressFloatingIp(new TerraformStack(Testing.app(), 's'), 'ingress', { floatingIpPool: 'p', zone: 'hubs.test.', description: '\uFEFFx' })).toThrow(
      /IngressFloatingIp ingress: description: starts with a byte-order mark/,
    );
  });
});

describe('rule: Terraform itself reads the synthesized strings as written', () => {
  const terraform = which('terraform');
  (terraform ? test : test.skip)(`terraform console on a provider-free JSON config${terraform ? '' : ' (skipped: terraform is not on PATH)'}`, () => {
    expect(forTerraform.map((f) => f.what)).toEqual(['hub labels', 'construct label values', 'construct label keys']);
    const dir = tempDir('jhm-tf-console-');
    // The fact behind refusing a template sequence after a lone carriage return: there "$$${" is read as written.
    const loneCr = { lone: 'a\r$$${', pair: 'a\r\n$$${' };
    const locals = { ...Object.fromEntries(forTerraform.map((f, i) => [`t${i}`, f.json])), lonecr: loneCr };
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals }));
    const expression = `base64encode(jsonencode([${forTerraform.map((_, i) => `local.t${i}`).join(', ')}, local.lonecr]))`;
    const out = execFileSync(terraform!, ['console'], {
      cwd: dir,
      input: `${expression}\n`,
      env: { PATH: process.env.PATH, HOME: dir, TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    }).toString();
    const read = JSON.parse(Buffer.from(out.trim().replace(/^"|"$/g, ''), 'base64').toString('utf8')) as Array<Record<string, string>>;
    forTerraform.forEach((f, i) => expect([f.what, read[i]]).toEqual([f.what, f.meant]));
    expect(read[forTerraform.length]).toEqual({ lone: 'a\r$$${', pair: 'a\r\n$${' });
    // The model used by the properties above agrees with terraform.
    forTerraform.forEach((f) => {
      for (const [k, v] of Object.entries(f.json)) expect(terraformReads(v)).toBe(read[forTerraform.indexOf(f)][terraformReads(k)]);
    });
  });
});

describe('regression: keypair: ${file("/etc/passwd")} is refused by validate and synth, naming the field', () => {
  test('jhm validate and jhm synth exit 1 with one line naming hubs/example.yaml, its line and cluster.keypair; nothing is written', async () => {
    const hub = EXAMPLE_HUB.replace('keypair: jupyter-ctrl-k8s', `keypair: '\${file("/etc/passwd")}'`);
    expect(hub).not.toBe(EXAMPLE_HUB);
    const project = await makeProject();
    project.write('hubs/example.yaml', hub);
    for (const command of ['validate', 'synth']) {
      const run = await project.jhm(command);
      expect([command, run.code]).toEqual([command, 1]);
      const lines = run.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toEqual([expect.stringMatching(/^error: hubs\/example\.yaml:\d+: cluster\.keypair: contains "\$\{", which Terraform would evaluate as an expression/)]);
      expect(run.stderr).not.toContain(FAKE_GITHUB_CLIENT_SECRET);
    }
    expect(fs.existsSync(project.path('cdktf.out/stacks/example/cdk.tf.json'))).toBe(false);
  });
});
