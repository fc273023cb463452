/**
 * Whether the text Terraform printed for the `kubeconfig` output is a kubeconfig: YAML whose
 * top level has non-empty `clusters`, `users` and `contexts` lists, as kubectl needs to reach a
 * cluster. `terraform output -raw kubeconfig` on a stack with no state prints a warning ("No
 * outputs found") and exits 0; written as the kubeconfig, it would only fail later, in kubectl.
 *
 * The text may hold a client key: messages never quote it, except a line that is Terraform's own
 * warning (which holds none).
 */
import { stripVTControlCharacters } from 'util';
import type * as Yaml from 'yaml';

/** Why `text` is not a kubeconfig (one phrase), or undefined when it is one. */
export function kubeconfigProblem(text: string): string | undefined {
  const plain = stripVTControlCharacters(text);
  const warning = plain
    .split(/\r?\n/)
    .map((l) => l.replace(/^[\s│╷╵]+/, '').trim())
    .find((l) => /^(Warning|Error): /.test(l) || /^No outputs found/.test(l));
  if (warning !== undefined) return `Terraform printed "${warning}" instead of a kubeconfig`;
  let doc: unknown;
  try {
    const { parse } = require('yaml') as typeof Yaml; // loaded here, not when the CLI starts
    doc = parse(plain);
  } catch {
    return 'it is not YAML';
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'it is not a YAML mapping';
  const missing = ['clusters', 'users', 'contexts'].filter((k) => {
    const v = (doc as Record<string, unknown>)[k];
    return !Array.isArray(v) || v.length === 0;
  });
  return missing.length === 0 ? undefined : `it has no ${missing.join(', ')} list${missing.length === 1 ? '' : 's'}`;
}
