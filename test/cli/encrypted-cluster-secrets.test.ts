/**
 * The Secrets jhm writes for a cluster, committed encrypted with sops beside its manifests when
 * `.sops.yaml` names age recipients for `dist/<cluster>/secrets/` (`synth/encrypted-secrets.ts`),
 * decrypted in memory by `jhm apply`, and one hub at a time (`jhm synth <hub>` on a shared
 * cluster reads only that hub's secrets file). The independent reader is the `sops-age` package;
 * keys are throwaway ones made per run, secret values the test project's fake ones.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { decryptSops } from 'sops-age';
import { readAppliedOutput } from '../../cli/tools/prune';
import { loadHubs } from '../../project/load';
import { loadSecrets, secretValues } from '../../project/secrets';
import { decryptSopsManifests } from '../../project/sops';
import { ageKeygen } from '../../project/sops-age';
import { which } from '../../base/tools';
import { exampleProject, readTree, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

const KEY_VARIABLES = ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE'];
const saved = KEY_VARIABLES.map((k) => [k, process.env[k]] as const);
// The developer's own key never takes part.
beforeAll(() => KEY_VARIABLES.forEach((k) => delete process.env[k]));
afterAll(() => saved.forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v))));

const alice = ageKeygen();
const bob = ageKeygen();
const carol = ageKeygen();
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const warningLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning:'));

/** Runs jhm with `identity` (or no key) as SOPS_AGE_KEY. */
const jhmAs = (project: TestProject, identity: string | undefined, ...args: string[]) => {
  if (identity === undefined) delete process.env.SOPS_AGE_KEY;
  else process.env.SOPS_AGE_KEY = identity;
  return project.jhm(...args).finally(() => delete process.env.SOPS_AGE_KEY);
};

/** `.sops.yaml` whose rule for the cluster's Secrets (and the secrets files) names `recipients`. */
const SOPS_CONFIG = (...recipients: string[]) => `creation_rules:\n  - path_regex: ^dist/[^/]+/secrets/[^/]+\\.yaml$\n    age: ${recipients.join(',')}\n`;

/** The objects of a manifest file (its documents, the header comment left out). */
const objectsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>).filter((o) => o !== null);

/** Each document of an encrypted file as its own text (each carries the file's `sops` mapping, as Flux reads them). */
const documentsOf = (text: string) => parseAllDocuments(text).filter((d) => d.contents !== null).map((d) => d.toString());

/** Every secret value of the project's hubs, as it would appear in clear (and base64-encoded). */
function clearSecretNeedles(project: TestProject): string[] {
  const values = loadHubs(project.root, ['course-a', 'course-b', 'example']).flatMap((hub) => secretValues(loadSecrets(project.root, hub)));
  return values.filter((v) => v.length >= 16).flatMap((v) => [v, Buffer.from(v).toString('base64')]);
}

/** Files under `dir` (recursively) whose text holds one of `needles`. */
function filesHolding(dir: string, needles: readonly string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) {
        try {
          const st = fs.statSync(full);
          if (st.size > 8 * 1024 * 1024) continue;
          const text = fs.readFileSync(full, 'latin1');
          if (needles.some((n) => text.includes(n))) hits.push(full);
        } catch {
          // gone, or not ours to read
        }
      }
    }
  };
  walk(dir);
  return hits;
}

describe('a cluster\'s Secrets encrypted with sops in dist/<cluster>/secrets/', () => {
  let project: TestProject;
  /** dist-secrets/shared/ as the clear synth wrote it. */
  let clear: Map<string, string>;

  beforeAll(async () => {
    project = await exampleProject();
    // The floating IP jhm deploy would have recorded (jhm apply refuses a Service without it).
    project.write('outputs/shared.json', JSON.stringify({ shared: { cluster_id: 'fake-cluster-id-0000', ingress_ip: '192.0.2.10' } }));
    const run = await project.jhm('synth');
    expect(errorLines(run.stderr)).toEqual([]);
    clear = project.tree('dist-secrets/shared');
    expect([...clear.keys()].length).toBeGreaterThan(1);
    // A file of the admin's own in dist-secrets/shared/: jhm never removes it.
    project.write('dist-secrets/shared/notes.txt', 'mine\n');
    project.write('.sops.yaml', SOPS_CONFIG(alice.recipient));
    const encrypted = await jhmAs(project, alice.identity, 'synth', '--force');
    expect(errorLines(encrypted.stderr)).toEqual([]);
    expect(encrypted.code).toBe(0);
  }, 240_000);

  test('rule: each Secrets file is written encrypted to dist/<cluster>/secrets/<same name> (not the namespaces file, whose Namespaces dist/ holds), and no clear copy remains (only jhm\'s own clear files are removed)', () => {
    expect([...project.tree('dist/shared/secrets').keys()]).toEqual([...clear.keys()].filter((n) => !n.startsWith('00-')));
    expect(objectsOf(clear.get('00-namespaces.yaml')!).map((o) => o.kind)).toEqual(['Namespace', 'Namespace']);
    expect([...project.tree('dist-secrets/shared').keys()]).toEqual(['notes.txt']);
    expect(project.tree('dist-secrets/example').size).toBe(0);
    expect([...project.tree('dist/example/secrets').keys()].length).toBeGreaterThan(0);
  });

  test('rule: the independent reader (sops-age) decrypts each object to exactly what dist-secrets held; only data and stringData are encrypted', async () => {
    for (const [name, text] of project.tree('dist/shared/secrets')) {
      const expected = objectsOf(clear.get(name)!);
      const docs = documentsOf(text);
      expect(docs).toHaveLength(expected.length);
      for (const [i, doc] of docs.entries()) {
        const raw = parse(doc) as { kind: string; metadata: unknown; data?: Record<string, string>; sops: { encrypted_regex: string } };
        expect(raw.kind).toBe(expected[i].kind);
        expect(raw.metadata).toEqual(expected[i].metadata);
        expect(raw.sops.encrypted_regex).toBe('^(data|stringData)$');
        for (const v of Object.values(raw.data ?? {})) expect(v).toMatch(/^ENC\[AES256_GCM,/);
        const { sops: _meta, ...object } = (await decryptSops(doc, { secretKey: alice.identity, fileType: 'yaml' })) as Record<string, unknown>;
        expect(object).toEqual(expected[i]);
      }
      // jhm reads the whole file (one MAC over every document), as sops decrypt does.
      expect(decryptSopsManifests(text, name, { SOPS_AGE_KEY: alice.identity })).toEqual(expected);
    }
  });

  test('rule: re-synthesizing unchanged input leaves the encrypted files byte-identical', async () => {
    const before = project.tree('dist/shared/secrets');
    const run = await jhmAs(project, alice.identity, 'synth', '--force');
    expect(run.code).toBe(0);
    expect(project.tree('dist/shared/secrets')).toEqual(before);
  }, 120_000);

  test('rule: jhm check needs no key and finds the committed encrypted files up to date', async () => {
    const run = await jhmAs(project, undefined, 'check');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
  }, 120_000);

  test('rule: jhm validate --manifests checks the Secret references against the encrypted Secrets, without a key', async () => {
    const run = await jhmAs(project, undefined, 'validate', '--manifests', 'shared');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('references to Secrets');
  }, 60_000);

  test('rule: kubectl kustomize builds the cluster folder with its encrypted Secrets (each object once, with its sops mapping)', () => {
    if (which('kubectl') === undefined) {
      process.stderr.write('test/cli/encrypted-cluster-secrets.test.ts: the kubectl kustomize check skipped: kubectl is not on PATH\n');
      return;
    }
    const built = spawnSync('kubectl', ['kustomize', project.path('dist/shared')], { encoding: 'utf8', timeout: 60_000 });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const secrets = objectsOf(built.stdout).filter((o) => o.kind === 'Secret');
    const expected = [...clear.values()].flatMap(objectsOf).filter((o) => o.kind === 'Secret');
    expect(secrets).toHaveLength(expected.length);
    for (const o of secrets) expect(o.sops).toBeDefined();
  }, 60_000);

  test('rule: no secret value is in clear (nor base64-encoded) in dist/, cdktf.out/ or .jhm/', () => {
    const needles = clearSecretNeedles(project);
    expect(needles.length).toBeGreaterThan(0);
    for (const dir of ['dist', 'cdktf.out', '.jhm']) expect(filesHolding(project.path(dir), needles)).toEqual([]);
  });

  describe('jhm apply', () => {
    let logDir: string;
    let log: string;
    beforeAll(() => {
      // A fake kubectl that logs its arguments and, for what it reads on stdin, each object's
      // kind, name and the sha256 of each data value (never a value itself).
      logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-fake-kubectl-'));
      log = path.join(logDir, 'calls.jsonl');
      const yamlModule = require.resolve('yaml');
      const fake = path.join(logDir, 'kubectl');
      fs.writeFileSync(
        fake,
        `#!/usr/bin/env node
const fs = require('fs');
const crypto = require('crypto');
const { parseAllDocuments } = require(${JSON.stringify(yamlModule)});
const argv = process.argv.slice(2);
let objects;
if (argv.includes('-')) {
  const text = fs.readFileSync(0, 'utf8');
  objects = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean).map((o) => ({ kind: o.kind, name: o.metadata && o.metadata.namespace + '/' + o.metadata.name, sops: 'sops' in o,
    data: Object.fromEntries(Object.entries(o.data || {}).map(([k, v]) => [k, crypto.createHash('sha256').update(String(v)).digest('hex')])) }));
}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, objects }) + '\\n');
`,
        { mode: 0o755 },
      );
      process.env.JHM_KUBECTL = fake;
      project.write('.jhm/kubeconfig/shared.yaml', 'apiVersion: v1\nkind: Config\n# fake\n');
    });
    afterAll(() => {
      delete process.env.JHM_KUBECTL;
      fs.rmSync(logDir, { recursive: true, force: true });
    });
    const calls = (): { argv: string[]; objects?: { kind: string; name: string; sops: boolean; data: Record<string, string> }[] }[] =>
      fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];

    test('rule: the objects jhm apply --prune compares with include the encrypted Secrets (their names are readable without a key)', () => {
      const names = readAppliedOutput(project.root, 'shared').objects.filter((o) => o.kind === 'Secret').map((o) => `${o.namespace}/${o.name}`);
      const expected = [...clear.values()].flatMap(objectsOf).filter((o) => o.kind === 'Secret').map((o) => `${(o.metadata as { namespace: string }).namespace}/${(o.metadata as { name: string }).name}`);
      expect(names.sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(0);
    });

    test('rule: jhm apply --dry-run needs no key and shows the encrypted Secrets decrypted by sops into kubectl\'s stdin', async () => {
      fs.rmSync(log, { force: true });
      const run = await jhmAs(project, undefined, 'apply', 'shared', '--dry-run');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^sops decrypt dist\/shared\/secrets\/05-jupyterhub-course-a\.yaml \| \S*kubectl .*apply --server-side .* -f -$/m);
      expect(run.stdout).not.toContain('dist-secrets');
      expect(calls()).toEqual([]);
    });

    test('rule: without a key, jhm apply stops with one line naming the variables, and applies nothing', async () => {
      fs.rmSync(log, { force: true });
      const run = await jhmAs(project, undefined, 'apply', 'shared');
      expect(run.code).not.toBe(0);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: dist\/shared\/secrets\/[^:]+\.yaml: .*SOPS_AGE_KEY_FILE/)]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(calls()).toEqual([]);
    });

    test('rule: with a key that is not a recipient, jhm apply stops with one line naming the file, and applies nothing', async () => {
      fs.rmSync(log, { force: true });
      const run = await jhmAs(project, bob.identity, 'apply', 'shared');
      expect(run.code).not.toBe(0);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: dist\/shared\/secrets\/[^:]+\.yaml: none of your age keys/)]);
      expect(calls()).toEqual([]);
    });

    test('rule: jhm apply gives kubectl the decrypted Secrets on stdin, and no file in the project or the temporary folder holds them', async () => {
      fs.rmSync(log, { force: true });
      // jhm's temporary folder for this run (os.tmpdir() reads TMPDIR), scanned afterwards.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-apply-tmp-'));
      const savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      const run = await jhmAs(project, alice.identity, 'apply', 'shared').finally(() => (savedTmp === undefined ? delete process.env.TMPDIR : (process.env.TMPDIR = savedTmp)));
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('shared: applying dist/shared and its Secrets (dist/shared/secrets, decrypted in memory)');
      const stdinCalls = calls().filter((c) => c.objects !== undefined);
      const sha = (v: string) => createHash('sha256').update(v).digest('hex');
      // Every Secret of the per-hub Secrets files arrives decrypted: the same values dist-secrets held.
      const expected = [...clear.entries()].filter(([n]) => !n.startsWith('00-')).flatMap(([, text]) => objectsOf(text));
      const received = stdinCalls.flatMap((c) => c.objects!);
      const nameOf = (o: Record<string, unknown>) => `${(o.metadata as { namespace: string }).namespace}/${(o.metadata as { name: string }).name}`;
      expect(received.map((o) => `${o.kind}/${o.name}`).sort()).toEqual(expected.map((o) => `${o.kind}/${nameOf(o)}`).sort());
      for (const o of expected) {
        const got = received.find((r) => r.kind === o.kind && r.name === nameOf(o))!;
        expect(got.sops).toBe(false);
        expect(got.data).toEqual(Object.fromEntries(Object.entries((o.data ?? {}) as Record<string, string>).map(([k, v]) => [k, sha(v)])));
      }
      for (const c of stdinCalls) expect(c.argv.slice(-2)).toEqual(['-f', '-']);
      // No command line names an encrypted file (kubectl would apply ciphertext).
      expect(calls().flatMap((c) => c.argv).filter((a) => a.includes('/secrets/'))).toEqual([]);
      const needles = clearSecretNeedles(project);
      expect(filesHolding(project.root, needles).filter((f) => !f.startsWith(project.path('secrets') + path.sep))).toEqual([]);
      expect(filesHolding(tmp, needles)).toEqual([]);
      fs.rmSync(tmp, { recursive: true, force: true });
    }, 120_000);
  });

  describe('one hub at a time', () => {
    test('rule: jhm synth <hub> needs only that hub\'s secrets file; the other hub\'s wave and Secrets files stay byte-identical, and one line says they are out of date', async () => {
      const before = project.tree('dist/shared');
      const other = [...before.keys()].filter((f) => f.includes('course-b'));
      expect(other.length).toBeGreaterThanOrEqual(2);
      fs.rmSync(project.path('secrets/course-b.yaml'));
      project.write('hubs/course-b.yaml', project.read('hubs/course-b.yaml').replace('memoryLimit: 4G', 'memoryLimit: 6G'));
      const run = await jhmAs(project, alice.identity, 'synth', 'course-a');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      const after = project.tree('dist/shared');
      for (const f of other) expect(after.get(f)).toBe(before.get(f));
      const stale = warningLines(run.stderr).filter((l) => l.includes('course-b'));
      expect(stale).toEqual([expect.stringMatching(/^warning: hubs\/course-b\.yaml: .*out of date.*\(run jhm synth course-b\)$/)]);
    }, 120_000);

    test('rule: a recipient added to .sops.yaml makes the next jhm synth encrypt the Secrets again for every recipient', async () => {
      project.write('.sops.yaml', SOPS_CONFIG(alice.recipient, carol.recipient));
      // The earlier test removed it: every hub's secrets file is read for the whole cluster.
      project.addSecrets('course-b');
      const run = await jhmAs(project, alice.identity, 'synth', 'shared');
      expect(errorLines(run.stderr)).toEqual([]);
      for (const [name, text] of project.tree('dist/shared/secrets')) {
        expect(decryptSopsManifests(text, name, { SOPS_AGE_KEY: carol.identity }).length).toBeGreaterThan(0);
      }
      project.write('.sops.yaml', SOPS_CONFIG(alice.recipient));
    }, 120_000);

    test('rule: jhm check and jhm diff need no key and no secrets file', async () => {
      for (const command of ['check', 'diff']) {
        const run = await jhmAs(project, undefined, command, 'course-a');
        expect(errorLines(run.stderr).filter((l) => /secrets|SOPS_AGE/.test(l))).toEqual([]);
      }
    }, 120_000);
  });

  test('rule: in a clone without jhm\'s records (.jhm/ is not committed), dist/<cluster>/secrets/ is known as jhm\'s by its files, and a synth keeps it byte-identical', async () => {
    expect((await jhmAs(project, alice.identity, 'synth', 'shared')).code).toBe(0);
    const before = project.tree('dist/shared/secrets');
    // A fresh clone: no records, no dist-secrets/ (git-ignored).
    fs.rmSync(project.path('.jhm/state'), { recursive: true, force: true });
    fs.rmSync(project.path('dist-secrets'), { recursive: true, force: true });
    const run = await jhmAs(project, alice.identity, 'synth', 'shared', '--force');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('not written by jhm');
    expect(project.tree('dist/shared/secrets')).toEqual(before);
  }, 120_000);
});

describe('one hub at a time, Secrets in clear', () => {
  test('rule: jhm synth <hub> with only its own secrets file leaves the other hub\'s dist and dist-secrets files byte-identical', async () => {
    const project = await exampleProject();
    expect((await project.jhm('synth')).code).toBe(0);
    const before = new Map([...project.tree('dist/shared'), ...[...project.tree('dist-secrets/shared')].map(([k, v]) => [`secrets:${k}`, v] as const)]);
    const other = [...before.keys()].filter((f) => f.includes('course-b'));
    expect(other.length).toBeGreaterThanOrEqual(2);
    fs.rmSync(project.path('secrets/course-b.yaml'));
    const run = await project.jhm('synth', 'course-a');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const after = new Map([...project.tree('dist/shared'), ...[...readTree(project.path('dist-secrets/shared'))].map(([k, v]) => [`secrets:${k}`, v] as const)]);
    for (const f of other) expect(after.get(f)).toBe(before.get(f));
    // Nothing changed in course-b's hub file: no line about it.
    expect(warningLines(run.stderr).filter((l) => l.includes('course-b'))).toEqual([]);
  }, 240_000);

  test('rule: secrets files encrypted while no rule covers dist/<cluster>/secrets/: the Secrets stay in clear in dist-secrets/, and one line names .sops.yaml', async () => {
    const project = await exampleProject();
    project.write('.sops.yaml', `creation_rules:\n  - path_regex: ^secrets/[^/]+\\.yaml$\n    age: ${alice.recipient}\n`);
    expect((await jhmAs(project, alice.identity, 'secrets', 'course-a')).code).toBe(0);
    expect((await jhmAs(project, alice.identity, 'secrets', 'course-b')).code).toBe(0);
    const run = await jhmAs(project, alice.identity, 'synth', 'shared');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(project.tree('dist/shared/secrets').size).toBe(0);
    expect(project.tree('dist-secrets/shared').size).toBeGreaterThan(0);
    expect(warningLines(run.stderr).filter((l) => l.includes('.sops.yaml'))).toEqual([
      expect.stringMatching(/^warning: \.sops\.yaml: names age recipients for secrets\/course-a\.yaml, secrets\/course-b\.yaml but none for dist\/shared\/secrets\/<file>: .* \(to commit them encrypted, .*\)$/),
    ]);
  }, 240_000);
});
