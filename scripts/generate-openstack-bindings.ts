/**
 * Generates the typed OpenStack provider bindings in `imports/providers/openstack/` from the
 * provider schema kept in `provider-schema/openstack.json`, without network access.
 *
 *     npx tsx scripts/generate-openstack-bindings.ts
 *
 * `cdktf get` would download the provider and run `terraform providers schema -json`; neither the
 * Terraform registry nor a prebuilt `@cdktf/provider-openstack` package is reachable here. This
 * script feeds the same generator `cdktf get` uses (`TerraformProviderGenerator` from
 * `@cdktf/provider-generator`) with a schema file in the exact `terraform providers schema -json`
 * format, for the provider constraint in `cdktf.json`. The output therefore has the layout and the
 * API that `cdktf get` produces (`imports/providers/openstack/<resource>/index.ts`), limited to the
 * resources and data sources the schema file lists; with network, `cdktf get` replaces it with the
 * full provider and the same imports keep compiling.
 *
 * To add a resource: copy its schema facts from terraform-provider-openstack (the version in
 * `model/versions.ts`) into `provider-schema/openstack.json` and run this script again.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConstructsMakerProviderTarget, Language } from '@cdktf/commons';
import { CodeMaker, TerraformProviderConstraint, TerraformProviderGenerator } from '@cdktf/provider-generator';
import { OPENSTACK_PROVIDER } from '../model/versions';

/** Project root (this script lives in `<root>/scripts`). */
const ROOT = path.resolve(__dirname, '..');
/** Terraform's fully qualified provider name, the key of the schema file. */
export const OPENSTACK_FQPN = `registry.terraform.io/${OPENSTACK_PROVIDER.source}`;
/**
 * The provider release whose source the schema facts were read from. `cdktf get` records the
 * selected version in the same place (doc links and the generator metadata).
 */
export const SCHEMA_PROVIDER_VERSION = '3.4.0';

/** Options of {@link generateOpenstackBindings}. */
export interface GenerateOptions {
  /** Project root holding `cdktf.json` and `provider-schema/`. @default the repository root */
  readonly root?: string;
  /** Where the bindings go (the `codeMakerOutput` of `cdktf.json`). @default `<root>/<codeMakerOutput>` */
  readonly outdir?: string;
}

interface CdktfJson {
  readonly terraformProviders?: readonly string[];
  readonly codeMakerOutput?: string;
}

/** Generates the bindings and returns the folder they were written to. */
export async function generateOpenstackBindings(options: GenerateOptions = {}): Promise<string> {
  const root = options.root ?? ROOT;
  const cdktf = JSON.parse(await fs.readFile(path.join(root, 'cdktf.json'), 'utf8')) as CdktfJson;
  const wanted = `${OPENSTACK_PROVIDER.source}@${OPENSTACK_PROVIDER.version}`;
  const entry = (cdktf.terraformProviders ?? []).find((p) => p.split('@')[0] === OPENSTACK_PROVIDER.source);
  if (entry !== wanted) {
    throw new Error(`cdktf.json terraformProviders must contain "${wanted}" (model/versions.ts OPENSTACK_PROVIDER), found ${JSON.stringify(entry)}`);
  }

  const schema = JSON.parse(await fs.readFile(path.join(root, 'provider-schema', 'openstack.json'), 'utf8'));
  if (!schema.provider_schemas?.[OPENSTACK_FQPN]) {
    throw new Error(`provider-schema/openstack.json has no provider_schemas["${OPENSTACK_FQPN}"]`);
  }
  // `terraform version -json` provides this to `cdktf get`; here it is the release the facts came from.
  schema.provider_versions = { [OPENSTACK_FQPN]: SCHEMA_PROVIDER_VERSION };

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  const constraint = new TerraformProviderConstraint(entry);
  generator.generate(new ConstructsMakerProviderTarget(constraint, Language.TYPESCRIPT));

  const outdir = path.resolve(root, options.outdir ?? cdktf.codeMakerOutput ?? 'imports');
  const relative = path.join('providers', constraint.name);
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'openstack-bindings-'));
  try {
    await code.save(staging);
    const target = path.join(outdir, relative);
    await fs.rm(target, { recursive: true, force: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.cp(path.join(staging, relative), target, { recursive: true });
    return target;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  generateOpenstackBindings().then(
    (dir) => console.log(`OpenStack bindings written to ${path.relative(process.cwd(), dir) || '.'}`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
