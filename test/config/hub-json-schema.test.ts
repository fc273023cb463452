/**
 * Rule: hub.schema.json (for editors) is generated from the zod schema and never hand-kept; the
 * committed file must equal what `npm run gen:schema` writes, and it must accept the example hub.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { HUB_SCHEMA_FILE, hubSchemaText } from '../../scripts/generate-hub-schema';

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
