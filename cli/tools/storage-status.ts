/**
 * `jhm status` of a shared hub's home volume (`jupyterhub.storage.type: shared`): how much of the
 * volume is used, read live from the NFS server (`df` in the chart's quota-enforcer container,
 * whose image has GNU df), against the size the file system has and the size the hub file asks.
 */
import type { Hub } from '../../model/hub';
import { HOME_NFS_DF_CONTAINER, HOME_NFS_EXPORT_PATH, homeNfsNames, sharedStorage } from '../../k8s/jupyterhub/home-nfs';
import { describeFailure, succeeded } from '../../base/process';
import type { CheckResult } from './status-checks';
import { Kubectl } from './kubectl';

const KUBECTL_EXEC_TIMEOUT_MS = 20000;
/** From this share of the volume used on, the check fails and says how to grow it. */
export const HOME_VOLUME_FULL_PERCENT = 90;

const GIB = 1024 ** 3;
/** Bytes as GiB with one decimal (`12.3 GiB`). */
const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;

/** The size and use, in bytes, of `df -P -B1 <path>`'s one file system; undefined when the text is not that. */
export function parseDf(stdout: string): { size: number; used: number } | undefined {
  // Header, then: Filesystem 1-blocks Used Available Capacity Mounted-on (a long device name may wrap in non-POSIX df; -P keeps one line).
  const rows = stdout.trim().split('\n').slice(1);
  if (rows.length !== 1) return undefined;
  const cols = rows[0].trim().split(/\s+/);
  if (cols.length < 6) return undefined;
  const [size, used] = [Number(cols[1]), Number(cols[2])];
  return Number.isSafeInteger(size) && Number.isSafeInteger(used) && size > 0 ? { size, used } : undefined;
}

/** The home volume's use against its size; undefined for a hub with a volume per user. */
export async function checkHomeVolume(hub: Hub, kubectl: Kubectl | { skipped: string }): Promise<CheckResult | undefined> {
  const storage = sharedStorage(hub);
  if (storage === undefined) return undefined;
  const names = homeNfsNames(hub.jupyterhub);
  const check = `home volume (namespace ${names.namespace})`;
  if (!(kubectl instanceof Kubectl)) return { check, status: 'skipped', detail: `${kubectl.skipped}: skipped home volume check` };
  const args = ['exec', '-n', names.namespace, `deployment/${names.service}`, '-c', HOME_NFS_DF_CONTAINER, '--', 'df', '-P', '-B1', HOME_NFS_EXPORT_PATH];
  const r = await kubectl.run(args, KUBECTL_EXEC_TIMEOUT_MS);
  if (!succeeded(r)) return { check, status: 'failed', detail: `kubectl exec deployment/${names.service} df: ${describeFailure(r, KUBECTL_EXEC_TIMEOUT_MS)}` };
  const df = parseDf(r.stdout);
  if (df === undefined) return { check, status: 'failed', detail: `df ${HOME_NFS_EXPORT_PATH} in deployment/${names.service} printed no size and use` };
  const percent = Math.round((df.used / df.size) * 100);
  const asked = `${storage.sizeGiB}Gi`;
  const found = `${gib(df.used)} of ${gib(df.size)} used (${percent}%; the hub file asks ${asked})`;
  if (percent >= HOME_VOLUME_FULL_PERCENT) {
    return { check, status: 'failed', detail: `${found}: nearly full (grow jupyterhub.storage.size in ${hub.source}, then jhm deploy ${hub.cluster.name})` };
  }
  return { check, status: 'ok', detail: found };
}
