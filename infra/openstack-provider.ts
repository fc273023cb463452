/**
 * The OpenStack provider of a hub stack: which cloud to talk to, never how to log in.
 */
import { Construct } from 'constructs';
import { OpenstackProvider } from '../imports/providers/openstack/provider';
import { terraformLiteral } from './terraform-text';

/** Props of {@link HubOpenstackProvider}. */
export interface HubOpenstackProviderProps {
  /**
   * Cloud name in `clouds.yaml` (`hub.cloud.name`). The provider reads the credentials from
   * that entry (`clouds.yaml` or `secure.yaml`) at plan time.
   * @default - none: the provider reads the `OS_*` environment (an openrc or application-credential file)
   */
  readonly cloud?: string;
  /**
   * OpenStack region (`hub.cloud.region`).
   * @default - the region of the `clouds.yaml` entry, or `OS_REGION_NAME`
   */
  readonly region?: string;
}

/**
 * Configures the `openstack` provider with at most a cloud name and a region. Credentials
 * (passwords, application credential secrets, tokens) are deliberately not settable here, so they
 * can never end up in a hub file, in `cdk.tf.json` or in the Terraform plan: Terraform gets them
 * from `clouds.yaml` or the `OS_*` environment of whoever runs `jhm deploy`.
 */
export class HubOpenstackProvider extends Construct {
  /** The provider; resources of the stack use it implicitly (it is the stack's only OpenStack provider). */
  public readonly provider: OpenstackProvider;

  constructor(scope: Construct, id: string, props: HubOpenstackProviderProps = {}) {
    super(scope, id);
    this.provider = new OpenstackProvider(this, 'provider', {
      cloud: props.cloud === undefined ? undefined : terraformLiteral(props.cloud, `HubOpenstackProvider ${id}: cloud`),
      region: props.region === undefined ? undefined : terraformLiteral(props.region, `HubOpenstackProvider ${id}: region`),
    });
  }
}
