/**
 * Loading hub files from disk: `hubs/<hub>.yaml`, parsed with `yaml`, validated with the hub
 * schema, errors reported as `file:line: field: message`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { UserError, UserErrors } from './errors';
import { defineHub, Hub } from './hub';

/** Folder of hub files, relative to the project root. */
export const HUBS_DIR = 'hubs';

/** Path of hub `name`'s file under `root`. */
export function hubFilePath(root: string, name: string): string {
  return path.join(root, HUBS_DIR, `${name}.yaml`);
}

/** Names of the hubs defined under `root/hubs`, sorted. */
export function listHubNames(root: string): string[] {
  const dir = path.join(root, HUBS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Parses and validates one hub file. `display` is how the file is named in errors. */
export function loadHubFile(file: string, display = file): Hub {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('no such hub file', { file: display, fix: `create it with: jhm init ${path.basename(file, '.yaml')}` });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserErrors(
      doc.errors.map((e) => {
        const line = lineCounter.linePos(e.pos[0]).line;
        return new UserError(`invalid YAML: ${e.message.split('\n')[0]}`, { file: line ? `${display}:${line}` : display });
      }),
    );
  }
  const data = doc.toJS() ?? {};
  const locate = (p: readonly PropertyKey[]): number | undefined => {
    // The deepest node that exists on the path gives the line.
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      if (n > 0) {
        // A key whose value is missing: point at the parent mapping's key.
        const parent = n > 1 ? doc.getIn(p.slice(0, n - 1) as (string | number)[], true) : doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[n - 1]);
          if (pair && isScalar(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
        } else if (isSeq(parent) && parent.range) {
          return lineCounter.linePos(parent.range[0]).line;
        }
      }
    }
    return undefined;
  };
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  return defineHub(name, data, display, locate);
}

/**
 * Loads the named hubs (default: all under `root/hubs`). Every problem in every file is
 * collected before anything is thrown, so one run shows them all.
 */
export function loadHubs(root: string, names?: readonly string[]): Hub[] {
  const wanted = names && names.length > 0 ? [...names] : listHubNames(root);
  if (wanted.length === 0) {
    throw new UserError(`no hub files in ${HUBS_DIR}/`, { fix: 'create one with: jhm init <hub>' });
  }
  const hubs: Hub[] = [];
  const errors: UserError[] = [];
  for (const name of wanted) {
    const display = path.join(HUBS_DIR, `${name}.yaml`);
    try {
      hubs.push(loadHubFile(hubFilePath(root, name), display));
    } catch (e) {
      if (e instanceof UserErrors) errors.push(...e.errors);
      else if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new UserErrors(errors);
  return hubs;
}
