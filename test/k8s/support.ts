/**
 * Shared helpers of the synth tests: reading synthesized YAML files back as objects, and
 * validating objects against the Kubernetes API schemas (`kubernetes-models`, and
 * `@kubernetes-models/cert-manager` for cert-manager's kinds).
 */
import { execFileSync } from 'child_process';
import { parseAllDocuments } from 'yaml';
import { isManifestFile } from '../../k8s/kustomization';
import { REPO } from '../support/project';

/** A Kubernetes object as read back from a synthesized file. */
export interface ObjectInFile {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** Every object of every manifest file of `files` (name → YAML text; `isManifestFile`: not the kustomization), in file and document order. */
export function objectsOf(files: ReadonlyMap<string, string>): ObjectInFile[] {
  const out: ObjectInFile[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isManifestFile(file)) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const o = doc.toJS() as Omit<ObjectInFile, 'file'> | null;
      if (o !== null) out.push({ file, ...o } as ObjectInFile);
    }
  }
  return out;
}

/** `group/version/Kind` of an object, e.g. `apps/v1/Deployment`, `v1/Service`. */
export function typeOf(o: { apiVersion: string; kind: string }): string {
  return `${o.apiVersion}/${o.kind}`;
}

/** The module path of the model of `apiVersion`/`kind`. */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group.endsWith('cert-manager.io')) return `@kubernetes-models/cert-manager/${group}/${version}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

/**
 * Validates `objects` against their API schemas. Returns one entry per object: `null` when valid,
 * else why not (including "no model" for a kind the packages do not know).
 *
 * The model packages are ESM-only and jest runs the tests as CommonJS, so this runs in a plain
 * `node` child process (the way test/platform/helpers.ts validates ClusterIssuers).
 */
export function validateWithModels(objects: ReadonlyArray<{ apiVersion: string; kind: string }>): Array<string | null> {
  const input = objects.map((o) => {
    const { file: _file, ...rest } = o as ObjectInFile;
    return { module: modelModule(o.apiVersion, o.kind), object: rest };
  });
  const script = `
let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const { module, object } of JSON.parse(input)) {
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch (e) {
    results.push('no model ' + module + ': ' + (e && e.code ? e.code : e));
    continue;
  }
  if (typeof Model !== 'function') { results.push('no model ' + module); continue; }
  try { new Model(object).validate(); results.push(null); } catch (e) { results.push(String(e && e.message ? e.message : e)); }
}
process.stdout.write(JSON.stringify(results));
`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO,
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  return JSON.parse(out) as Array<string | null>;
}
