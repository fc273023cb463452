/**
 * Rule (issue 9, "no evaluation of user text"): hub-file text that reaches the Terraform JSON is
 * never evaluated by Terraform. Names and labels that contain `${` or `%{` (a Terraform
 * expression or directive), a cdktf token marker, or Unicode that Terraform would change are
 * refused at validation with the field named; everything else reaches Terraform as written
 * (test/infra/terraform-text.test.ts checks that on the synthesized JSON and with terraform).
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { UserError, UserErrors } from '../../model/errors';
import { defineHub } from '../../model/hub';
import { loadHubFile } from '../../project/load';
import { terraformTextProblem } from '../../model/terraform-text';
import { HUB_ON_CLUSTER_FIELDS, KUBERNETES_ONLY_FIELDS, schemaStringFields, setField, TERRAFORM_FIELDS, TERRAFORM_PATTERN_FIELDS, TERRAFORM_TEXT_FIELDS, trickyText } from './hub-string-fields';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE_TEXT = fs.readFileSync(path.join(ROOT, 'hubs', 'example.yaml'), 'utf8');
const example = (): Record<string, any> => parse(EXAMPLE_TEXT);

/** The errors `defineHub` reports for `input` (none when it is accepted). */
function refusals(input: unknown): UserError[] {
  try {
    defineHub('example', input);
    return [];
  } catch (e) {
    if (e instanceof UserErrors) return e.errors;
    if (e instanceof UserError) return [e];
    throw e;
  }
}

/**
 * The rule, written independently of model/terraform-text.ts: text Terraform reads exactly as
 * written, and cdktf passes through untouched.
 */
function terraformKeepsLiterally(text: string): boolean {
  return !/[$%]\{/.test(text) && !/[$#&]\{TfToken\[/.test(text) && !/\p{Cs}/u.test(text) && text.normalize('NFC') === text && !text.startsWith('\uFEFF');
}

describe('rule: every string field of the hub schema is classified as reaching Terraform or not', () => {
  test('the fields read from the schema are exactly the classified ones (classify a new field in test/config/hub-string-fields.ts)', () => {
    expect(schemaStringFields()).toEqual([...TERRAFORM_FIELDS, ...KUBERNETES_ONLY_FIELDS, ...HUB_ON_CLUSTER_FIELDS].sort());
  });
});

describe('rule: hub-file text that Terraform would evaluate is refused with the field named', () => {
  test('regression: keypair: ${file("/etc/passwd")} is refused, naming cluster.keypair and why', () => {
    const input = example();
    input.cluster.keypair = '${file("/etc/passwd")}';
    const errors = refusals(input);
    expect(errors.map((e) => e.format())).toEqual([
      '<api>: cluster.keypair: contains "${", which Terraform would evaluate as an expression: OpenStack names and Magnum labels never contain "${" or "%{"',
    ]);
  });

  test('the same from a hub file: one line naming the file, its line and the field', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'jhm-tftext-'));
    try {
      const file = path.join(dir, 'example.yaml');
      fs.writeFileSync(file, EXAMPLE_TEXT.replace('keypair: jupyter-ctrl-k8s', `keypair: '\${file("/etc/passwd")}'`));
      expect(() => loadHubFile(file, 'hubs/example.yaml')).toThrow(UserError);
      try {
        loadHubFile(file, 'hubs/example.yaml');
      } catch (e) {
        expect((e as UserError).format()).toMatch(/^hubs\/example\.yaml:\d+: cluster\.keypair: contains "\$\{", which Terraform would evaluate/);
        expect((e as UserError).format().split('\n')).toHaveLength(1);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a label key or value with %{ is refused, naming the label', () => {
    const input = example();
    input.cluster.labels = { 'a%{ if true }b': 'x' };
    input.nodeGroups[0].labels = { ok: 'v%{' };
    const formatted = refusals(input).map((e) => e.format());
    expect(formatted).toEqual([
      '<api>: cluster.labels["a%{ if true }b"]: is not a valid key: contains "%{", which Terraform would evaluate as an expression: OpenStack names and Magnum labels never contain "${" or "%{"',
      '<api>: nodeGroups[0].labels.ok: contains "%{", which Terraform would evaluate as an expression: OpenStack names and Magnum labels never contain "${" or "%{"',
    ]);
  });

  test.each(TERRAFORM_FIELDS.map((f) => [f]))('%s: any text holding "${" or "%{" is refused, naming the field', (field) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.constantFrom('${', '%{', '$${', '%%{'), fc.string({ maxLength: 8 }), (before, sequence, after) => {
        const input = example();
        const reported = setField(input, field, `${before}${sequence}${after}`);
        const errors = refusals(input);
        expect(errors.map((e) => e.field)).toContain(reported);
      }),
      { numRuns: 40 },
    );
  });
});

describe('rule: text Terraform reads as written is accepted, anything else refused', () => {
  test.each(TERRAFORM_TEXT_FIELDS.map((f) => [f]))('%s: accepted exactly when Terraform keeps it literally', (field) => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const input = example();
        const reported = setField(input, field, text);
        const named = refusals(input).filter((e) => e.field === reported);
        if (terraformKeepsLiterally(text)) {
          expect(named).toEqual([]);
        } else {
          expect(named).toHaveLength(1);
          expect(named[0].format().split('\n')).toHaveLength(1);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('each refusal says why: expression, cdktf marker, lone surrogate, not NFC, leading byte-order mark', () => {
    expect(terraformTextProblem('a${b}')).toMatch(/contains "\$\{", which Terraform would evaluate/);
    expect(terraformTextProblem('a%{b}')).toMatch(/contains "%\{", which Terraform would evaluate/);
    expect(terraformTextProblem('#{TfToken[TOKEN.1]}')).toMatch(/cdktf would read as a reference/);
    expect(terraformTextProblem('a\uD800')).toMatch(/lone surrogate/);
    expect(terraformTextProblem('e\u0301')).toMatch(/NFC/);
    expect(terraformTextProblem('\uFEFFnet')).toMatch(/byte-order mark/);
    for (const fine of ['m3.quad', 'auto_allocated_network', 'a$b', '100%', '{}', '$', '%', 'é', '😀', 'a\uFEFFb']) {
      expect(terraformTextProblem(fine)).toBeUndefined();
    }
  });

  test('pattern fields reaching Terraform admit no "$", "%" or "{" at all', () => {
    for (const field of TERRAFORM_PATTERN_FIELDS) {
      for (const ch of ['$', '%', '{']) {
        const input = example();
        const reported = setField(input, field, `a${ch}b`);
        expect(refusals(input).map((e) => e.field)).toContain(reported);
      }
    }
  });
});
