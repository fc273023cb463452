/**
 * The references in docs/reference/ are generated (scripts/generate-docs.ts) from the schemas and
 * from the command definitions, so a field or an option is described in one place. This test
 * regenerates them in memory and fails when a committed file differs, naming the command that
 * rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { commandReference, referenceDocs } from '../../scripts/generate-docs';
import { clusterJsonSchema } from '../../model/cluster-schema';

const REPO = path.resolve(__dirname, '..', '..');
const generated = referenceDocs();

describe('rule: the generated references are up to date (run npm run gen:docs after changing a schema or a command)', () => {
  test.each([...generated.keys()])('%s', (rel) => {
    const file = path.join(REPO, rel);
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (committed !== generated.get(rel)) throw new Error(`${rel} is stale: run npm run gen:docs and commit it`);
  });
});

test('rule: the cluster file reference holds every field of the schema with its description and default', () => {
  const text = generated.get('docs/reference/cluster-file.md')!;
  const magnum = (clusterJsonSchema() as { properties: Record<string, { properties: Record<string, { description?: string; default?: unknown }> }> }).properties.magnum.properties;
  for (const [name, field] of Object.entries(magnum)) {
    const row = text.split('\n').find((l) => l.startsWith(`| \`magnum.${name}\` |`));
    expect(row).toBeDefined();
    if (field.description) expect(row).toContain(field.description.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|'));
    if (typeof field.default === 'string') expect(row).toContain(`\`${field.default}\``);
  }
});

test('rule: the command reference follows the command definitions (a made-up command shows with its argument, option, default and help text)', () => {
  const program = new Command('jhm').description('fake program for the test.');
  program
    .command('frobnicate')
    .description('fake command that frobnicates <thing>')
    .argument('<thing>', 'fake thing to frobnicate')
    .option('--level <n>', 'fake level', '3')
    .addHelpText('after', '\nfake text after the help');
  const text = commandReference(program);
  expect(text).toContain('| [`jhm frobnicate`](#jhm-frobnicate) | fake command that frobnicates &lt;thing&gt; |');
  expect(text).toContain('jhm frobnicate [options] <thing>');
  expect(text).toContain('| `thing` | fake thing to frobnicate |');
  expect(text).toContain('| `--level <n>` | fake level | `3` |');
  expect(text).toContain('```text\nfake text after the help\n```');
});
