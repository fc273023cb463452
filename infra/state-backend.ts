/**
 * Where a stack's Terraform state lives: the `terraform.backend` block of `cdk.tf.json`, made with
 * cdktf's own backend constructs from a cluster's resolved backend (`model/cluster.ts`).
 */
import { HttpBackend, LocalBackend, S3Backend, TerraformBackend, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterBackend } from '../model/cluster';
import { requireProp } from '../model/construct-props';
import { quote } from '../model/errors';
import { localStateFileName } from '../project/layout';
import { CDKTF_TOKEN_MARKER, TEMPLATE_SEQUENCE, unicodeProblem } from '../model/terraform-text';

/** Props of {@link StateBackend}. */
export interface StateBackendProps {
  /** The backend, defaults applied (`Cluster.backend`). Credentials never appear in it. */
  readonly backend: ClusterBackend;
  /**
   * State file of the `local` backend, relative to the stack's working directory
   * `cdktf.out/stacks/<stack>` (where cdktf runs Terraform). Ignored by the other backends.
   * @default `../../../terraform.<stack>.tfstate` ({@link defaultLocalStateFile} of the stack's
   * name): `terraform.<stack>.tfstate` in the project root, without the machine's absolute path
   */
  readonly stateFile?: string;
}

/**
 * The backend of the enclosing {@link TerraformStack}:
 * - `local` → `LocalBackend({ path })`;
 * - `s3` → `S3Backend` with bucket, key and region, always `use_lockfile: true` (S3-native
 *   locking, Terraform ≥ 1.10; cdktf 0.21's `S3BackendConfig` lacks it, so it is an override);
 *   with an `endpoint` (Jetstream2's object store, Ceph RGW, Swift's S3 API) also `endpoints.s3`,
 *   `use_path_style` and the `skip_*` settings such stores need (no STS, IAM, EC2 metadata, AWS
 *   regions or S3 checksums there);
 * - `http` → `HttpBackend` with address, lock/unlock addresses and methods (GitLab-managed state).
 *
 * Credentials are no props: Terraform reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (s3) and
 * TF_HTTP_USERNAME/TF_HTTP_PASSWORD (http) from the environment, so `cdk.tf.json` never holds one.
 * A URL with a user name or password is refused for the same reason.
 *
 * Terraform reads a backend block before anything else and evaluates nothing in it, so text that
 * would be an expression anywhere else (`${`, `%{`) cannot be escaped here either: it is refused,
 * as are cdktf tokens (references to resources), empty names and URLs that do not parse.
 */
export class StateBackend extends Construct {
  /** The cdktf backend construct (its id is always `backend`). */
  public readonly backend: TerraformBackend;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const what = `StateBackend ${id}`;
    const b = props.backend;
    switch (b.type) {
      case 'local': {
        const path = props.stateFile ?? defaultLocalStateFile(stackName(this));
        requireBackendText(path, what, 'stateFile');
        this.backend = new LocalBackend(this, { path });
        break;
      }
      case 's3': {
        requireBackendText(b.bucket, what, 'backend.bucket');
        requireBackendText(b.key, what, 'backend.key');
        requireProp(!b.key.startsWith('/') && !b.key.endsWith('/') && !b.key.includes('//'), what, 'backend.key', `is ${quote(b.key)}; Terraform refuses a key that starts or ends with "/" or holds "//"`);
        requireBackendText(b.region, what, 'backend.region');
        if (b.endpoint !== undefined) requireBackendUrl(b.endpoint, what, 'backend.endpoint');
        requireProp(typeof b.usePathStyle === 'boolean', what, 'backend.usePathStyle', 'must be true or false');
        const s3 = new S3Backend(this, {
          bucket: b.bucket,
          key: b.key,
          region: b.region,
          ...(b.endpoint === undefined
            ? b.usePathStyle
              ? { usePathStyle: true }
              : {}
            : {
                endpoints: { s3: b.endpoint },
                usePathStyle: b.usePathStyle,
                skipCredentialsValidation: true,
                skipRegionValidation: true,
                skipRequestingAccountId: true,
                skipMetadataApiCheck: true,
                skipS3Checksum: true,
              }),
        });
        s3.addOverride('use_lockfile', true);
        this.backend = s3;
        break;
      }
      case 'http': {
        requireBackendUrl(b.address, what, 'backend.address');
        if (b.lockAddress !== undefined) requireBackendUrl(b.lockAddress, what, 'backend.lockAddress');
        if (b.unlockAddress !== undefined) requireBackendUrl(b.unlockAddress, what, 'backend.unlockAddress');
        if (b.lockMethod !== undefined) requireHttpMethod(b.lockMethod, what, 'backend.lockMethod');
        if (b.unlockMethod !== undefined) requireHttpMethod(b.unlockMethod, what, 'backend.unlockMethod');
        this.backend = new HttpBackend(this, {
          address: b.address,
          ...(b.lockAddress === undefined ? {} : { lockAddress: b.lockAddress }),
          ...(b.unlockAddress === undefined ? {} : { unlockAddress: b.unlockAddress }),
          ...(b.lockMethod === undefined ? {} : { lockMethod: b.lockMethod }),
          ...(b.unlockMethod === undefined ? {} : { unlockMethod: b.unlockMethod }),
        });
        break;
      }
      default:
        throw new Error(`${what}: backend.type is ${quote(String((b as { type: unknown }).type))}; it must be local, s3 or http`);
    }
  }
}

/** `../../../terraform.<stack>.tfstate`: the project root seen from `cdktf.out/stacks/<stack>`. */
export function defaultLocalStateFile(stack: string): string {
  return `../../../${localStateFileName(stack)}`;
}

/** The name of the stack `scope` is in (the construct id of the enclosing `TerraformStack`). */
function stackName(scope: Construct): string {
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    throw new Error(`StateBackend ${scope.node.id}: must be created inside a TerraformStack`);
  }
  return stack.node.id;
}

/**
 * Text of a backend block: a non-empty string, no cdktf token, nothing Terraform would read as an
 * expression (backend blocks evaluate nothing, so it cannot be escaped) and Unicode Terraform keeps.
 */
function requireBackendText(value: string, what: string, prop: string, shown = quote(value)): void {
  requireProp(typeof value === 'string' && value.trim() !== '', what, prop, 'must not be empty');
  requireProp(!Token.isUnresolved(value) && !CDKTF_TOKEN_MARKER.test(value), what, prop, 'is a cdktf token (a reference); a backend block holds only literal text');
  const sequence = TEMPLATE_SEQUENCE.exec(value);
  requireProp(sequence === null, what, prop, `is ${shown}; it contains "${sequence?.[0]}", and a backend block cannot hold interpolation (nor can it be escaped there): remove it`);
  requireProp(!/\p{Cc}/u.test(value), what, prop, `is ${shown}; it contains a control character`);
  const problem = unicodeProblem(value);
  requireProp(problem === undefined, what, prop, problem ?? '');
}

/** An http(s) URL as Terraform's backends take it, without a user name or password in it. */
function requireBackendUrl(value: string, what: string, prop: string): void {
  // A URL with a user name or password in it is not shown in messages: the password is not repeated.
  const shown = quote(value.replace(/\/\/[^/]*@/, '//…@'));
  requireBackendText(value, what, prop, shown);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  requireProp(url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '', what, prop, `is ${shown}; it must be an http:// or https:// URL such as https://js2.jetstream-cloud.org:8001`);
  requireProp(
    url!.username === '' && url!.password === '',
    what,
    prop,
    'holds a user name or password; credentials come from the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for s3, TF_HTTP_USERNAME/TF_HTTP_PASSWORD for http), never from a file jhm writes',
  );
}

/** An HTTP method: an RFC 9110 token such as POST, DELETE, LOCK or UNLOCK. */
function requireHttpMethod(value: string, what: string, prop: string): void {
  requireBackendText(value, what, prop);
  requireProp(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value), what, prop, `is ${quote(value)}; it must be an HTTP method such as POST or DELETE`);
}
