/**
 * DNS names, in one place: the DNS-label rule (RFC 1123) that hub, cluster, nodegroup, record,
 * namespace and release names follow, zone names built from it, and how a hub's host name is
 * made from its record and zone. The hub schema, the resolved model (`model/hub.ts`), the
 * constructs (`infra/`) and the Helm engine all use these.
 */

/** One DNS label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit. */
const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';

/** A lowercase DNS label (RFC 1123). */
export const DNS_LABEL = new RegExp(`^${LABEL}$`);

/** Longest DNS label. */
export const DNS_LABEL_MAX = 63;

/** What a DNS label is, for messages. */
export const DNS_LABEL_RULE = '1-63 lowercase letters, digits or "-", starting and ending with a letter or digit';

/** A zone name: DNS labels, each followed by a dot (so it ends with the trailing dot). */
export const DNS_ZONE = new RegExp(`^(${LABEL}\\.)+$`);

/**
 * Whether `name` is a DNS label of at most `maxLength` characters (63, or less where a name has
 * a tighter limit, e.g. helm's 53 for release names).
 */
export function isDnsLabel(name: string, maxLength = DNS_LABEL_MAX): boolean {
  return name.length <= maxLength && DNS_LABEL.test(name);
}

/** `zone` with its trailing dot (as Designate wants it), whether or not it had one. */
export function absoluteZone(zone: string): string {
  return zone.endsWith('.') ? zone : `${zone}.`;
}

/** `host` without a trailing dot. */
export function relativeHost(host: string): string {
  return host.replace(/\.$/, '');
}

/** The host name `<record>.<zone>`, without the trailing dot: the one way a hub's host is made. */
export function hostInZone(record: string, zone: string): string {
  return `${record}.${relativeHost(zone)}`;
}

/** Whether host name `host` lies inside `zone` (strictly: the zone's apex is not inside it). */
export function isInZone(host: string, zone: string): boolean {
  return `${relativeHost(host)}.`.endsWith(`.${absoluteZone(zone)}`);
}

/** The top-level domain of `zone`, e.g. `test` for `hubs.example.test.`. */
export function topLevelDomain(zone: string): string {
  return relativeHost(zone).split('.').pop() ?? '';
}

/** Whether `name` is a DNS subdomain (RFC 1123): DNS labels joined by dots, at most 253 characters (Kubernetes object names). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label));
}
