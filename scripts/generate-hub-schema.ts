/**
 * Writes hub.schema.json (JSON Schema of hubs/<hub>.yaml) from the zod schema in
 * config/hub-schema.ts. Run: npm run gen:schema. A test fails when the committed file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { hubJsonSchema } from '../config/hub-schema';

export const HUB_SCHEMA_FILE = 'hub.schema.json';

export function hubSchemaText(): string {
  return `${JSON.stringify(hubJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const file = path.join(__dirname, '..', ...(__dirname.includes(`${path.sep}lib${path.sep}`) ? ['..'] : []), HUB_SCHEMA_FILE);
  fs.writeFileSync(file, hubSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
