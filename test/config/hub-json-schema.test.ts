/**
 * Rule: hub.schema.json (for editors) is generated from the zod schema and never hand-kept; the
 * committed file must equal what `npm run gen:schema` writes, and it must accept the example hub.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { CLUSTER_SCHEMA_FILE, clusterSchemaText, HUB_SCHEMA_FILE, hubSchemaText } from '../../scripts/generate-hub-schema';

const ROOT = path.join(__dirname, '..', '..');

test('the committed hub.schema.json is what the zod schema generates (run npm run gen:schema if not)', () => {
  expect(fs.readFileSync(path.join(ROOT, HUB_SCHEMA_FILE), 'utf8')).toBe(hubSchemaText());
});

test('hub.schema.json accepts the example hub and rejects an unknown field', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(hubSchemaText()));
  const example = parse(fs.readFileSync(path.join(ROOT, 'hubs', 'example.yaml'), 'utf8'));
  expect(validate(example)).toBe(true);
  expect(validate({ ...example, clustre: {} })).toBe(false);
});

test('the committed cluster.schema.json is what the zod schema generates (run npm run gen:schema if not)', () => {
  expect(fs.readFileSync(path.join(ROOT, CLUSTER_SCHEMA_FILE), 'utf8')).toBe(clusterSchemaText());
});

test('cluster.schema.json accepts a cluster file with each backend and rejects an unknown field; hub.schema.json accepts a hub on a cluster file', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const cluster = ajv.compile(JSON.parse(clusterSchemaText()));
  const base = { magnum: { keypair: 'k' }, dns: { zone: 'hubs.example.org.' }, letsEncrypt: { email: 'a@example.org' } };
  expect(cluster(base)).toBe(true);
  expect(cluster({ ...base, terraform: { backend: { type: 's3', bucket: 'team-state', endpoint: 'https://js2.jetstream-cloud.org:8001' } } })).toBe(true);
  expect(cluster({ ...base, terraform: { backend: { type: 'http', address: 'https://gitlab.com/api/v4/projects/1/terraform/state/x' } } })).toBe(true);
  expect(cluster({ ...base, terraform: { backend: { type: 's3' } } })).toBe(false);
  expect(cluster({ ...base, hubs: [] })).toBe(false);
  const hub = ajv.compile(JSON.parse(hubSchemaText()));
  const onCluster = { cluster: 'shared', jupyterhub: { auth: { type: 'github', clientId: 'x' }, singleuser: { image: 'a/b:1' } } };
  expect(hub(onCluster)).toBe(true);
  expect(hub({ ...onCluster, ingress: {} })).toBe(false);
});
