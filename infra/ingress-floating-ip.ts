/**
 * The public address of a cluster: one floating IP for its ingress controller, and the lookup of
 * the DNS zone the hubs' A records go in ({@link HubDnsRecord}, created inside this construct).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { requireProp } from '../model/construct-props';
import { absoluteZone, DNS_ZONE } from '../model/dns';
import { DataOpenstackDnsZoneV2 } from '../imports/providers/openstack/data-openstack-dns-zone-v2';
import { NetworkingFloatingipV2 } from '../imports/providers/openstack/networking-floatingip-v2';
import { terraformLiteral } from './terraform-text';

/** Props of {@link IngressFloatingIp}. */
export interface IngressFloatingIpProps {
  /** External network the floating IP is allocated from, e.g. `public`. */
  readonly floatingIpPool: string;
  /** Designate zone the hubs' records go in, with or without the trailing dot; looked up by name. */
  readonly zone: string;
  /** Description of the floating IP, shown in Horizon and `openstack floating ip list`. */
  readonly description: string;
}

/**
 * Allocates a floating IP (`openstack_networking_floatingip_v2`) and looks the zone up
 * (`data.openstack_dns_zone_v2`). The ingress controller's LoadBalancer Service claims the same
 * address (`loadBalancerIP`), so host names keep working when the controller is redeployed.
 *
 * Terraform addresses: `openstack_networking_floatingip_v2.<id>` and
 * `data.openstack_dns_zone_v2.<id>-zone` (construct paths `<id>/floating-ip`, `<id>/zone`; the
 * hubs' records are its children, `<id>/<record id>`). Text props reach Terraform literally.
 */
export class IngressFloatingIp extends Construct {
  /** The floating IP. */
  public readonly floatingIp: NetworkingFloatingipV2;
  /** The zone lookup. */
  public readonly zone: DataOpenstackDnsZoneV2;
  /** The zone's name with the trailing dot. */
  public readonly zoneName: string;

  constructor(scope: Construct, id: string, props: IngressFloatingIpProps) {
    super(scope, id);
    const what = `IngressFloatingIp ${id}`;
    const zone = absoluteZone(props.zone);
    // Values known now are checked; cdktf tokens (references made by code) resolve later.
    if (!Token.isUnresolved(zone)) requireProp(DNS_ZONE.test(zone), what, 'zone', `is "${props.zone}"; it must be a DNS zone name such as hubs.example.org.`);
    const text = (value: string, prop: string) => terraformLiteral(value, `${what}: ${prop}`);

    this.floatingIp = new NetworkingFloatingipV2(this, 'floating-ip', {
      pool: text(props.floatingIpPool, 'floatingIpPool'),
      description: text(props.description, 'description'),
    });
    this.floatingIp.overrideLogicalId(id);

    this.zoneName = zone;
    this.zone = new DataOpenstackDnsZoneV2(this, 'zone', { name: text(zone, 'zone') });
    this.zone.overrideLogicalId(`${id}-zone`);
  }

  /** The floating IP address. */
  public get ip(): string {
    return this.floatingIp.address;
  }
}
