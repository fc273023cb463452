/**
 * Files of a chart archive, read without helm: the chart's values schema (`values.schema.json`)
 * and its defaults (`values.yaml`), which the check of a file's raw chart values needs
 * (`k8s/chart-values.ts`). The archive is the one the render uses (`ChartSource.obtain`: checked
 * against `charts.lock.json`), so the schema is the pinned chart's own. A chart archive is a
 * gzip-compressed tar whose files sit under one folder named like the chart (`<name>/values.yaml`).
 */
import { createReadStream } from 'fs';
import { createGunzip } from 'zlib';
import { pipeline } from 'stream/promises';
import type { Extract } from 'tar-stream';

/** The values schema and defaults of a chart (each absent when the chart ships none). */
export interface ChartValuesFiles {
  /** `values.schema.json`, parsed. */
  readonly schema?: Record<string, unknown>;
  /** `values.yaml`, as text. */
  readonly defaults?: string;
}

/** Read once per archive and process. */
const read = new Map<string, Promise<ChartValuesFiles>>();

/** The values schema and defaults of the chart in `archive` (its top folder's files), read once per archive. */
export function chartValuesFiles(archive: string): Promise<ChartValuesFiles> {
  let files = read.get(archive);
  if (files === undefined) {
    files = readTopFiles(archive, ['values.schema.json', 'values.yaml']).then((f) => ({
      ...(f.has('values.schema.json') ? { schema: JSON.parse(f.get('values.schema.json')!) as Record<string, unknown> } : {}),
      ...(f.has('values.yaml') ? { defaults: f.get('values.yaml')! } : {}),
    }));
    read.set(archive, files);
    files.catch(() => read.delete(archive));
  }
  return files;
}

/** The files named `names` directly in the archive's top folder, as UTF-8 text. */
async function readTopFiles(archive: string, names: readonly string[]): Promise<Map<string, string>> {
  // Loaded when a file has raw chart values, not by every synth.
  const { extract } = require('tar-stream') as { extract: () => Extract };
  const found = new Map<string, string>();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const parts = header.name.split('/');
    const wanted = header.type === 'file' && parts.length === 2 && names.includes(parts[1]) && !found.has(parts[1]);
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => void (wanted && chunks.push(c as Buffer)));
    stream.on('end', () => {
      if (wanted) found.set(parts[1], Buffer.concat(chunks).toString('utf8'));
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(archive), createGunzip(), tar);
  return found;
}
