/**
 * Shared fixtures of the JupyterHub tests: the example hub and variants of it, obviously fake
 * secrets, and the z2jh 4.4.0 values schema as a validator (an outside file: tests using it run
 * as `z2jhSchema.test`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { defineHub, Hub } from '../../model/hub';
import type { HubSecrets } from '../../project/secrets';
import { valuesSchema } from '../support/outside-files';

export const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLE_HUB_FILE = path.join(ROOT, 'hubs', 'example.yaml');
/** The z2jh 4.4.0 values schema (outside the repository): `z2jhSchema.test` runs only where it is. */
export const z2jhSchema = valuesSchema('jupyterhub-4.4.0.values.schema.json');

/** Fixed, obviously fake secrets: safe in snapshots. */
export const FAKE_SECRETS: HubSecrets = {
  github: { clientSecret: 'fake-github-client-secret' },
  jupyterhub: {
    proxySecretToken: 'fake-proxy-secret-token',
    cookieSecret: 'fake-cookie-secret',
    cryptKeeperKeys: ['fake-crypt-keeper-key-1', 'fake-crypt-keeper-key-2'],
  },
};

/** Fake secrets of a hub without GitHub login. */
export const FAKE_SECRETS_NO_GITHUB: HubSecrets = { github: {}, jupyterhub: FAKE_SECRETS.jupyterhub };

/** The example hub file as plain data, to be changed and passed to `defineHub`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function exampleInput(): any {
  return parse(fs.readFileSync(EXAMPLE_HUB_FILE, 'utf8'));
}

/** The example hub after `change` has edited its file data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function exampleWith(change: (input: any) => void, name = 'example'): Hub {
  const input = exampleInput();
  change(input);
  return defineHub(name, input, {}, `hubs/${name}.yaml (test variant)`);
}

/** A test-zone hub that logs in with the dummy authenticator. */
export function dummyHub(): Hub {
  return exampleWith((i) => {
    i.dns.zone = 'hubs.example.test.';
    i.jupyterhub.auth = { type: 'dummy' };
  }, 'trial');
}

/** Temporary project roots of the test file, removed after its tests (they hold secrets files, fake ones). */
const tempRoots: string[] = [];
afterAll(() => {
  for (const d of tempRoots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary project root, removed after the test file's tests. */
export function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-jupyterhub-test-'));
  tempRoots.push(dir);
  return dir;
}

/**
 * The chart's values schema with every `required` list removed. Helm validates the merge of the
 * chart's defaults and our values, and the defaults supply the required keys; our values alone
 * must satisfy everything else (types, enums, and no unknown keys).
 */
function withoutRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRequired);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k, v]) => !(k === 'required' && Array.isArray(v)))
      .map(([k, v]) => [k, withoutRequired(v)]),
  );
}

let validator: ((values: unknown) => string[]) | undefined;

/** Validates values against the z2jh 4.4.0 schema; returns the errors (empty when valid). */
export function z2jhSchemaErrors(values: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(z2jhSchema.path, 'utf8')) as Record<string, unknown>;
    if (schema.$schema !== 'http://json-schema.org/draft-07/schema#') throw new Error(`unexpected $schema ${String(schema.$schema)}: use the matching Ajv class`);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(withoutRequired(schema) as object);
    validator = (v) => (validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  }
  return validator(values);
}

/** The value at `p` in `o`. */
export function at(o: unknown, p: readonly (string | number)[]): unknown {
  return p.reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined), o);
}

/** Every string leaf of `o` with its path. */
export function stringLeaves(o: unknown, p: (string | number)[] = []): Array<{ path: (string | number)[]; value: string }> {
  if (typeof o === 'string') return [{ path: p, value: o }];
  if (Array.isArray(o)) return o.flatMap((v, i) => stringLeaves(v, [...p, i]));
  if (o !== null && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => stringLeaves(v, [...p, k]));
  return [];
}
