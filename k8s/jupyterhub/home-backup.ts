/**
 * Backups of a shared hub's home volume (`jupyterhub.storage.backup`, `model/storage.ts`) with
 * restic, to an S3-compatible bucket: in the hub's namespace, a CronJob running restic's official
 * image (`RESTIC_IMAGE`) mounts the users' claim `homes` read-only and runs restic's own commands
 * only: `restic init` when the repository is not there yet (restic cat config fails), `restic
 * backup` of the volume, then `restic forget --prune` with the hub file's retention. Every
 * snapshot carries the host name `<hub>` (a Job's pod has a new name each time, and forget groups
 * snapshots by host), so the retention applies across runs.
 *
 * The repository password and the bucket's key pair come from the Secret `home-backup`, made from
 * the hub's secrets file (section `backup`, `model/secret-fields.ts`) like every other Secret: it
 * is rendered with placeholders and filled in `dist-secrets/` (or encrypted in `dist/`).
 */
import type { Cluster } from '../../model/cluster';
import type { Hub } from '../../model/hub';
import { fieldName, fieldValues, HubSecrets, SECRET_FIELDS, SecretField } from '../../model/secret-fields';
import { HOME_BACKUP_SECRET, HomeBackup } from '../../model/storage';
import { RESTIC_IMAGE } from '../../model/versions';
import type { K8sObject } from '../helm/types';
import { HomeNfsNames } from './home-nfs';
import { coreNodeSelector } from './scheduling';

/** The CronJob and its Secret, in the hub's namespace. */
export const HOME_BACKUP_NAME = HOME_BACKUP_SECRET;
/** Where the backup pod sees the volume (the path every snapshot holds). */
export const HOME_BACKUP_PATH = '/homes';

/** The secret fields the Secret carries (`secret` of their rows), its keys being restic's and the S3 client's environment variables. */
const SECRET_ROWS = (SECRET_FIELDS as readonly SecretField[]).filter((f) => f.secret?.name === HOME_BACKUP_SECRET);

/** restic forget's retention flags of `keep` (a count of 0 is left out). */
export function keepFlags(keep: HomeBackup['keep']): string[] {
  return (['daily', 'weekly', 'monthly'] as const).filter((k) => keep[k] > 0).map((k) => `--keep-${k} ${keep[k]}`);
}

/**
 * The commands the backup pod runs (`sh -ec`, so the first failure fails the Job): restic's own,
 * nothing else.
 */
export function backupScript(hubName: string, backup: HomeBackup): string {
  return [
    'restic cat config >/dev/null 2>&1 || restic init',
    `restic backup --host ${hubName} ${HOME_BACKUP_PATH}`,
    `restic forget --prune --host ${hubName} ${keepFlags(backup.keep).join(' ')}`,
  ].join('\n');
}

/**
 * The Secret (with `secrets`' values: placeholders when rendered, real ones once filled) and the
 * CronJob of `hub`'s backups; none without `jupyterhub.storage.backup`.
 */
export function homeBackupObjects(hub: Pick<Hub, 'name' | 'jupyterhub'>, names: Pick<HomeNfsNames, 'namespace' | 'homesClaim'>, secrets: HubSecrets, cluster: Pick<Cluster, 'coreNodeSelector'>): K8sObject[] {
  const storage = hub.jupyterhub.storage;
  if (storage.type !== 'shared' || storage.backup === undefined) return [];
  const backup = storage.backup;
  const stringData = Object.fromEntries(
    SECRET_ROWS.map((f) => {
      const [value] = fieldValues(secrets, f);
      if (value === undefined) throw new Error(`homeBackupObjects: hub ${hub.name} backs up but its secrets have no ${fieldName(f)}`);
      return [f.secret!.key, value];
    }),
  );
  const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: HOME_BACKUP_NAME, namespace: names.namespace }, type: 'Opaque', stringData };
  const cronJob: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: HOME_BACKUP_NAME, namespace: names.namespace },
    spec: {
      schedule: backup.schedule,
      timeZone: 'Etc/UTC',
      // One backup at a time: a slow one is never overlapped (restic would wait on its lock).
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          template: {
            spec: {
              restartPolicy: 'Never',
              nodeSelector: coreNodeSelector(cluster),
              containers: [
                {
                  name: 'restic',
                  image: RESTIC_IMAGE,
                  command: ['/bin/sh', '-ec', backupScript(hub.name, backup)],
                  env: [
                    { name: 'RESTIC_REPOSITORY', value: backup.repository },
                    ...SECRET_ROWS.map((f) => ({ name: f.secret!.key, valueFrom: { secretKeyRef: { name: HOME_BACKUP_NAME, key: f.secret!.key } } })),
                  ],
                  volumeMounts: [{ name: 'homes', mountPath: HOME_BACKUP_PATH, readOnly: true }],
                },
              ],
              volumes: [{ name: 'homes', persistentVolumeClaim: { claimName: names.homesClaim, readOnly: true } }],
            },
          },
        },
      },
    },
  };
  return [secret, cronJob];
}
