/**
 * The public address of a hub: a floating IP for its ingress controller and the DNS A record
 * that points the hub's host name at it.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { requireInteger, requireProp } from '../config/construct-props';
import { absoluteZone, DNS_ZONE, isInZone, relativeHost } from '../config/dns';
import { DataOpenstackDnsZoneV2 } from '../imports/providers/openstack/data-openstack-dns-zone-v2';
import { DnsRecordsetV2 } from '../imports/providers/openstack/dns-recordset-v2';
import { NetworkingFloatingipV2 } from '../imports/providers/openstack/networking-floatingip-v2';
import { terraformLiteral } from './terraform-text';

/** Props of {@link IngressAddress}. */
export interface IngressAddressProps {
  /** External network the floating IP is allocated from, e.g. `public`. */
  readonly floatingIpPool: string;
  /** Designate zone the record goes in, with the trailing dot; looked up by name. */
  readonly zone: string;
  /** Fully qualified host name of the record, without the trailing dot (it must lie in `zone`). */
  readonly host: string;
  /** TTL of the A record in seconds (at least 30). */
  readonly ttl: number;
  /** Description of the floating IP, shown in Horizon and `openstack floating ip list`. */
  readonly description: string;
}

/**
 * Allocates a floating IP (`openstack_networking_floatingip_v2`) and publishes
 * `<host>. A <floating IP>` (`openstack_dns_recordset_v2`) in the zone. The ingress controller's
 * LoadBalancer Service then claims the same address (`loadBalancerIP`), so the host name keeps
 * working when the controller is redeployed.
 *
 * Terraform addresses: `openstack_networking_floatingip_v2.<id>`, `openstack_dns_recordset_v2.<id>`
 * and `data.openstack_dns_zone_v2.<id>-zone`. Its text props reach Terraform literally
 * (`terraformLiteral`).
 */
export class IngressAddress extends Construct {
  /** The floating IP. */
  public readonly floatingIp: NetworkingFloatingipV2;
  /** The zone lookup. */
  public readonly zone: DataOpenstackDnsZoneV2;
  /** The A record. */
  public readonly record: DnsRecordsetV2;

  constructor(scope: Construct, id: string, props: IngressAddressProps) {
    super(scope, id);
    const what = `IngressAddress ${id}`;
    const host = relativeHost(props.host);
    const zone = absoluteZone(props.zone);
    // Values known now are checked; cdktf tokens (references made by code) resolve later.
    if (!Token.isUnresolved(zone)) requireProp(DNS_ZONE.test(zone), what, 'zone', `is "${props.zone}"; it must be a DNS zone name such as hubs.example.org.`);
    if (!Token.isUnresolved(host) && !Token.isUnresolved(zone)) requireProp(isInZone(host, zone), what, 'host', `"${host}" is not inside zone "${zone}"`);
    if (!Token.isUnresolved(props.ttl)) requireInteger(props.ttl, what, 'ttl', 30);
    const text = (value: string, prop: string) => terraformLiteral(value, `IngressAddress ${id}: ${prop}`);

    this.floatingIp = new NetworkingFloatingipV2(this, 'floating-ip', {
      pool: text(props.floatingIpPool, 'floatingIpPool'),
      description: text(props.description, 'description'),
    });
    this.floatingIp.overrideLogicalId(id);

    this.zone = new DataOpenstackDnsZoneV2(this, 'zone', { name: text(zone, 'zone') });
    this.zone.overrideLogicalId(`${id}-zone`);

    this.record = new DnsRecordsetV2(this, 'record', {
      zoneId: this.zone.id,
      name: text(`${host}.`, 'host'),
      type: 'A',
      ttl: props.ttl,
      records: [this.floatingIp.address],
    });
    this.record.overrideLogicalId(id);
  }

  /** The floating IP address. */
  public get ip(): string {
    return this.floatingIp.address;
  }
}
