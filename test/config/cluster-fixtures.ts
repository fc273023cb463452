/**
 * Cluster files and hub files on them, for the tests of issue 11's model (cluster-file,
 * hub-formats, cluster-rules): a temporary project on disk and the one-line errors it gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { isUserError } from '../../model/errors';

export const EXAMPLE_HUB_TEXT = fs.readFileSync(path.join(__dirname, '..', '..', 'hubs', 'example.yaml'), 'utf8');

/** A minimal cluster file (only what has no default). */
export const clusterInput = (edit: (c: Record<string, any>) => void = () => undefined): Record<string, any> => {
  const c: Record<string, any> = {
    magnum: { keypair: 'jupyter-ctrl-k8s' },
    dns: { zone: 'ees220002.projects.jetstream-cloud.org.' },
    letsEncrypt: { email: 'admins@example.org' },
  };
  edit(c);
  return c;
};

/** A hub file on cluster `cluster`. */
export const hubOnInput = (cluster: string, edit: (h: Record<string, any>) => void = () => undefined): Record<string, any> => {
  const h: Record<string, any> = {
    cluster,
    jupyterhub: {
      auth: { type: 'github', clientId: 'Iv1.0123456789abcdef', adminUsers: ['instructor'] },
      singleuser: { image: 'quay.io/jupyter/scipy-notebook:2025-10-20' },
    },
  };
  edit(h);
  return h;
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A temporary project with these cluster and hub files (objects are written as YAML, strings as they are). */
export function projectWith(files: { clusters?: Record<string, unknown>; hubs?: Record<string, unknown> }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-clusters-'));
  dirs.push(root);
  for (const [dir, entries] of [
    ['clusters', files.clusters],
    ['hubs', files.hubs],
  ] as const) {
    if (entries === undefined) continue;
    fs.mkdirSync(path.join(root, dir));
    for (const [name, content] of Object.entries(entries)) {
      fs.writeFileSync(path.join(root, dir, `${name}.yaml`), typeof content === 'string' ? content : stringify(content));
    }
  }
  return root;
}

/** The one-line errors `f` throws (none: `[]`). */
export function errorLines(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (isUserError(e)) return e.diagnostics.map((d) => d.format());
    throw e;
  }
  return [];
}
