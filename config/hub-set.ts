/**
 * Rules across hubs of one repository: two hubs must not claim the same cluster, the same host
 * name, or the same Terraform state.
 */
import { UserError, UserErrors } from './errors';
import { Hub } from './hub';

/** Throws `UserErrors` if two hubs collide. */
export function checkHubSet(hubs: readonly Hub[]): void {
  const errors: UserError[] = [];
  const claim = (what: string, key: (h: Hub) => string, field: string, fix: string) => {
    const first = new Map<string, Hub>();
    for (const h of hubs) {
      const k = key(h);
      const other = first.get(k);
      if (other) {
        errors.push(new UserError(`${what} "${k}" is also used by ${other.source}`, { file: h.source, field, fix }));
      } else {
        first.set(k, h);
      }
    }
  };
  claim('cluster', (h) => `${h.clusterName} (cloud ${h.cloud.name ?? 'from OS_* environment'})`, 'cluster.name', 'give each hub its own cluster.name');
  claim('host', (h) => h.host, 'dns.record', 'give each hub its own dns.record');
  if (errors.length > 0) throw new UserErrors(errors);
}
