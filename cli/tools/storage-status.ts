/**
 * `jhm status` of a shared hub's home volume (`jupyterhub.storage.type: shared`): how much of the
 * volume is used, read live from the NFS server (`df` in the chart's quota-enforcer container,
 * whose image has GNU df), against the size the file system has and the size the hub file asks;
 * with backups, whether the last one that succeeded is recent (the backup CronJob's
 * `status.lastSuccessfulTime`).
 */
import type { Hub } from '../../model/hub';
import { HOME_NFS_DF_CONTAINER, HOME_NFS_EXPORT_PATH, homeNfsNames, sharedStorage } from '../../k8s/jupyterhub/home-nfs';
import { HOME_BACKUP_NAME } from '../../k8s/jupyterhub/home-backup';
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

/**
 * How old the last successful backup may be: one day and two hours. The default schedule is daily,
 * and restic may take a while; a backup missed or failed once already fails the check. For other
 * schedules the same limit holds: jhm does not read cron expressions.
 */
export const BACKUP_MAX_AGE_MS = 26 * 3600 * 1000;

const hours = (ms: number): string => `${(ms / 3600_000).toFixed(1)} h`;

/**
 * The last backup of the home volume is recent (within {@link BACKUP_MAX_AGE_MS}); undefined for a
 * hub without backups. `now` is replaceable for tests.
 */
export async function checkHomeBackup(hub: Hub, kubectl: Kubectl | { skipped: string }, now: () => number = Date.now): Promise<CheckResult | undefined> {
  const storage = sharedStorage(hub);
  if (storage?.backup === undefined) return undefined;
  const ns = hub.jupyterhub.namespace;
  const check = `home backup (namespace ${ns})`;
  if (!(kubectl instanceof Kubectl)) return { check, status: 'skipped', detail: `${kubectl.skipped}: skipped backup check` };
  const r = await kubectl.run(['get', 'cronjob', HOME_BACKUP_NAME, '-n', ns, '-o', 'json'], KUBECTL_EXEC_TIMEOUT_MS);
  if (!succeeded(r)) return { check, status: 'failed', detail: `kubectl get cronjob ${HOME_BACKUP_NAME}: ${describeFailure(r, KUBECTL_EXEC_TIMEOUT_MS)}` };
  let job: { status?: { lastSuccessfulTime?: string; lastScheduleTime?: string } };
  try {
    job = JSON.parse(r.stdout) as typeof job;
  } catch {
    return { check, status: 'failed', detail: `kubectl get cronjob ${HOME_BACKUP_NAME} did not print JSON` };
  }
  const last = job.status?.lastSuccessfulTime;
  const logs = `kubectl logs -n ${ns} job/<the last ${HOME_BACKUP_NAME} job> shows why`;
  if (last === undefined) {
    const scheduled = job.status?.lastScheduleTime;
    return { check, status: 'failed', detail: scheduled === undefined ? `no backup has run yet (schedule ${storage.backup.schedule}; start one with: kubectl create job -n ${ns} --from=cronjob/${HOME_BACKUP_NAME} ${HOME_BACKUP_NAME}-now)` : `no backup has succeeded yet (last started ${scheduled}; ${logs})` };
  }
  const age = now() - Date.parse(last);
  if (Number.isNaN(age)) return { check, status: 'failed', detail: `the CronJob's lastSuccessfulTime ${last} is not a time` };
  if (age > BACKUP_MAX_AGE_MS) return { check, status: 'failed', detail: `the last backup succeeded ${hours(age)} ago (${last}), more than ${hours(BACKUP_MAX_AGE_MS)} (${logs})` };
  return { check, status: 'ok', detail: `the last backup succeeded ${hours(age)} ago (${last})` };
}
