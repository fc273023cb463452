/**
 * The one-table rule: every secret field is one row of `SECRET_FIELDS`, and the secrets file's
 * schema, what `jhm secrets` generates, the placeholders, the chart values that carry the secrets
 * and the substitution are derived from it. Each test walks the table, so a row added to it is
 * expected everywhere below without touching this file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { UserErrors } from '../../model/errors';
import { fieldApplies, fieldName, fieldValues, SECRET_FIELDS, SECRET_VALUE_PATHS, SecretField, secretsFrom } from '../../model/secret-fields';
import { ensureSecrets, loadSecrets, secretsFilePath } from '../../project/secrets';
import { JUPYTERHUB_SECRET_VALUE_PATHS } from '../../k8s/jupyterhub/secret-paths';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { placeholder, placeholderSecrets, substitution } from '../../k8s/secret-placeholders';
import { at, dummyHub, exampleWith } from '../jupyterhub/support';

const FIELDS: readonly SecretField[] = SECRET_FIELDS;
const github = exampleWith(() => undefined);
const dummy = dummyHub();
const cilogon = exampleWith((i) => (i.jupyterhub.auth = { type: 'cilogon', clientId: 'cilogon:/client_id/x', identityProviders: [{ entityId: 'urn:mace:incommon:iu.edu', allowAll: true }] }), 'cilogon');
const generic = exampleWith(
  (i) => (i.jupyterhub.auth = { type: 'generic', clientId: 'c', authorizeUrl: 'https://sso.example.org/a', tokenUrl: 'https://sso.example.org/t', userdataUrl: 'https://sso.example.org/u', adminUsers: ['x'] }),
  'generic',
);
// A shared hub with backups: the backup section's fields (a generated password and the bucket's key pair).
const backups = exampleWith((i) => (i.jupyterhub.storage = { type: 'shared', size: '500Gi', quota: '10Gi', backup: { repository: 's3:https://objects.example.invalid/bucket/homes' } }), 'backups');
const HUBS = [github, dummy, cilogon, generic, backups];

const tempRoots: string[] = [];
afterAll(() => tempRoots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-secret-fields-'));
  tempRoots.push(root);
  return root;
}

/** A value that passes `field`'s rule (built from a generated token, or a fixed fake for hand-set fields). */
const validValue = (f: SecretField): string => f.generate?.() ?? 'fake-hand-set-secret-0123456789';
/** The data of a complete secrets file for `hub`, from the table. */
function completeFile(hub: typeof github): Record<string, Record<string, unknown>> {
  const data: Record<string, Record<string, unknown>> = {};
  for (const f of FIELDS) {
    if (!fieldApplies(f, hub)) continue;
    (data[f.file[0]] ??= {})[f.file[1]] = f.list ? [validValue(f)] : validValue(f);
  }
  return data;
}

test('the table: each field has a unique file path, at least one chart-values path or a Secret of its own, and either a generator or a fix for the user', () => {
  expect(new Set(FIELDS.map(fieldName)).size).toBe(FIELDS.length);
  for (const f of FIELDS) {
    expect([fieldName(f), f.values.length > 0 || f.secret !== undefined]).toEqual([fieldName(f), true]);
    expect([fieldName(f), f.generate !== undefined || f.fix !== undefined]).toEqual([fieldName(f), true]);
  }
});

test('the secrets-file schema: a complete file from the table loads, and loadSecrets returns every field it needs', () => {
  for (const hub of HUBS) {
    const root = tempRoot();
    const data = completeFile(hub);
    fs.mkdirSync(path.join(root, 'secrets'), { mode: 0o700 });
    fs.writeFileSync(secretsFilePath(root, hub.name), stringify(data), { mode: 0o600 });
    const secrets = loadSecrets(root, hub);
    for (const f of FIELDS) {
      const expected = data[f.file[0]]?.[f.file[1]];
      expect([fieldName(f), fieldValues(secrets, f)]).toEqual([fieldName(f), expected === undefined ? [] : [expected].flat()]);
    }
  }
});

test('the secrets-file schema: leaving out any generated field the hub needs is an error naming it; any unknown field is refused', () => {
  for (const f of FIELDS.filter((x) => x.generate !== undefined && fieldApplies(x, github))) {
    const root = tempRoot();
    const data = completeFile(github);
    delete data[f.file[0]][f.file[1]];
    fs.mkdirSync(path.join(root, 'secrets'), { mode: 0o700 });
    fs.writeFileSync(secretsFilePath(root, github.name), stringify(data), { mode: 0o600 });
    const error = (() => {
      try {
        loadSecrets(root, github);
      } catch (e) {
        return e as UserErrors;
      }
      throw new Error(`no error without ${fieldName(f)}`);
    })();
    expect(error.errors.map((e) => e.format())).toEqual([`secrets/${github.name}.yaml: ${fieldName(f)}: is missing (run jhm secrets ${github.name} to generate it)`]);
  }
  const root = tempRoot();
  fs.mkdirSync(path.join(root, 'secrets'), { mode: 0o700 });
  const data = completeFile(github);
  data[FIELDS[0].file[0]].notAField = 'x';
  fs.writeFileSync(secretsFilePath(root, github.name), stringify(data), { mode: 0o600 });
  expect(() => loadSecrets(root, github)).toThrow(/notAField/);
});

test('jhm secrets generates exactly the generated fields of the table the hub needs (a list with one item) and names the hand-set ones the hub needs', () => {
  for (const hub of HUBS) {
    const root = tempRoot();
    const result = ensureSecrets(root, hub);
    expect(result.created).toEqual(FIELDS.filter((f) => f.generate !== undefined && fieldApplies(f, hub)).map(fieldName));
    expect(result.missing).toEqual(FIELDS.filter((f) => f.generate === undefined && fieldApplies(f, hub)).map(fieldName));
    const data = parse(fs.readFileSync(result.file, 'utf8')) as Record<string, Record<string, unknown> | null>;
    for (const f of FIELDS.filter((x) => x.generate !== undefined && fieldApplies(x, hub))) {
      const v = data[f.file[0]]?.[f.file[1]];
      if (f.list) expect([fieldName(f), Array.isArray(v) && v.length]).toEqual([fieldName(f), 1]);
      else expect([fieldName(f), typeof v]).toEqual([fieldName(f), 'string']);
    }
  }
});

test('placeholders: one per field the hub needs (one element for a list field), none for the others', () => {
  for (const hub of HUBS) {
    const p = placeholderSecrets(hub);
    for (const f of FIELDS) {
      const expected = fieldApplies(f, hub) ? [placeholder(hub.name, f)] : [];
      expect([fieldName(f), fieldValues(p, f)]).toEqual([fieldName(f), expected]);
    }
  }
});

test('chart values: each field the hub needs sits at every one of its table paths, and the secret paths are the table\'s', () => {
  expect(JUPYTERHUB_SECRET_VALUE_PATHS).toEqual(FIELDS.flatMap((f) => f.values));
  expect(SECRET_VALUE_PATHS).toEqual(FIELDS.flatMap((f) => f.values));
  for (const hub of HUBS) {
    const p = placeholderSecrets(hub);
    const values = jupyterhubValues(hub, p);
    for (const f of FIELDS) {
      for (const vp of f.values) {
        const expected = !fieldApplies(f, hub) ? undefined : f.list ? fieldValues(p, f) : fieldValues(p, f)[0];
        expect([vp.join('.'), at(values, vp)]).toEqual([vp.join('.'), expected]);
      }
    }
  }
});

test('substitution: every placeholder maps to the real value of its field; a list placeholder to the whole list, joined as the chart joins it', () => {
  const real = secretsFrom((f) => (f.list ? [`${f.file[1]}-real-1`, `${f.file[1]}-real-2`] : `${f.file[1]}-real`));
  const p = placeholderSecrets(github);
  const s = substitution(p, real);
  expect(s.size).toBe(FIELDS.filter((f) => fieldApplies(f, github)).length);
  // The fields this hub has (a GitHub hub: not the other logins' client secrets).
  for (const f of FIELDS.filter((x) => fieldApplies(x, github))) {
    const r = fieldValues(real, f);
    expect([fieldName(f), s.get(fieldValues(p, f)[0])]).toEqual([fieldName(f), f.list ? { items: r, joined: r.join(f.list.joinedBy) } : r[0]]);
  }
});
