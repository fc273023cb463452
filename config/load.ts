/**
 * Loading hub files from disk: `hubs/<hub>.yaml`, parsed with `yaml`, validated with the hub
 * schema, errors reported as `file:line: field: message`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostics } from './diagnostics';
import { UserError, UserErrors } from './errors';
import { readInputFile } from './input-file';
import { parseYamlFile } from './yaml-file';
import { defineHub, Hub } from './hub';
import { PROJECT_PATHS, ProjectLayout } from './layout';

/** Folder of hub files, relative to the project root. */
export const HUBS_DIR = PROJECT_PATHS.hubs;

/** Path of hub `name`'s file under `root`. */
export function hubFilePath(root: string, name: string): string {
  return new ProjectLayout(root).hubFile(name);
}

/**
 * Names of the hubs defined under `root/hubs`, sorted. A hub file ends in exactly `.yaml`; one
 * ending in `.yml` or another spelling (`.YAML`, `.Yml`) is refused with the name to rename it
 * to, never silently ignored (one spelling keeps one file per hub name).
 */
export function listHubNames(root: string): string[] {
  const dir = path.join(root, HUBS_DIR);
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
  const misnamed = files.filter((f) => /\.ya?ml$/i.test(f) && !f.endsWith('.yaml'));
  if (misnamed.length > 0) {
    throw new UserErrors(
      misnamed.map(
        (f) =>
          new UserError('is not read: hub files end in ".yaml"', {
            file: path.join(HUBS_DIR, f),
            fix: `rename it to ${path.join(HUBS_DIR, `${f.replace(/\.ya?ml$/i, '')}.yaml`)}`,
          }),
      ),
    );
  }
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Parses and validates one hub file. `display` is how the file is named in errors. */
export function loadHubFile(file: string, display = file): Hub {
  const read = readInputFile(file, display);
  if (read === undefined) {
    throw new UserError('no such hub file', { file: display, fix: `create it with: jhm init ${path.basename(file, '.yaml')}` });
  }
  const yaml = parseYamlFile(read.text, display, { quoteErrors: true });
  const data = yaml.toJS() ?? {};
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  return defineHub(name, data, display, yaml.lineOf);
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
  const problems = new Diagnostics();
  const hubs = wanted.map((name) => problems.collect(() => loadHubFile(hubFilePath(root, name), path.join(HUBS_DIR, `${name}.yaml`))));
  problems.throwIfAny();
  return hubs as Hub[];
}
