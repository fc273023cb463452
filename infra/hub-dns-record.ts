/**
 * The A record of one hub: its host name pointing at its cluster's ingress floating IP.
 */
import { Token } from 'cdktf';
import { requireInteger, requireProp } from '../model/construct-props';
import { isInZone, relativeHost } from '../model/dns';
import { DnsRecordsetV2 } from '../imports/providers/openstack/dns-recordset-v2';
import { IngressFloatingIp } from './ingress-floating-ip';
import { terraformLiteral } from './terraform-text';

/** Props of {@link HubDnsRecord}. */
export interface HubDnsRecordProps {
  /**
   * Terraform logical id of the record (its address is `openstack_dns_recordset_v2.<logicalId>`):
   * `RESOURCE_IDS.record` (`infra/stack-fields.ts`) names it from the cluster's naming rules.
   */
  readonly logicalId: string;
  /** Fully qualified host name, without the trailing dot; it must lie in the ingress's zone. */
  readonly host: string;
  /** TTL of the A record in seconds (at least 30). */
  readonly ttl: number;
}

/**
 * `<host>. A <floating IP>` (`openstack_dns_recordset_v2`) in the zone of `ingress`, created as a
 * child of the {@link IngressFloatingIp} (construct path `<ingress id>/<id>`).
 */
export class HubDnsRecord extends DnsRecordsetV2 {
  constructor(ingress: IngressFloatingIp, id: string, props: HubDnsRecordProps) {
    const what = `HubDnsRecord ${id}`;
    const host = relativeHost(props.host);
    if (!Token.isUnresolved(host) && !Token.isUnresolved(ingress.zoneName)) {
      requireProp(isInZone(host, ingress.zoneName), what, 'host', `"${host}" is not inside zone "${ingress.zoneName}"`);
    }
    if (!Token.isUnresolved(props.ttl)) requireInteger(props.ttl, what, 'ttl', 30);
    super(ingress, id, {
      zoneId: ingress.zone.id,
      name: terraformLiteral(`${host}.`, `${what}: host`),
      type: 'A',
      ttl: props.ttl,
      records: [ingress.ip],
    });
    this.overrideLogicalId(props.logicalId);
  }
}
