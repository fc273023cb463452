/**
 * Writes hub.schema.json (JSON Schema of hubs/<hub>.yaml) and cluster.schema.json (of
 * clusters/<cluster>.yaml) from the zod schemas in model/hub-schema.ts and
 * model/cluster-schema.ts. Run: npm run gen:schema. A test fails when a committed file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { clusterJsonSchema } from '../model/cluster-schema';
import { hubJsonSchema } from '../model/hub-schema';

export const HUB_SCHEMA_FILE = 'hub.schema.json';
export const CLUSTER_SCHEMA_FILE = 'cluster.schema.json';

export function hubSchemaText(): string {
  return `${JSON.stringify(hubJsonSchema(), null, 2)}\n`;
}

export function clusterSchemaText(): string {
  return `${JSON.stringify(clusterJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const root = path.join(__dirname, '..', ...(__dirname.includes(`${path.sep}lib${path.sep}`) ? ['..'] : []));
  for (const [name, text] of [
    [HUB_SCHEMA_FILE, hubSchemaText()],
    [CLUSTER_SCHEMA_FILE, clusterSchemaText()],
  ] as const) {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}
