/**
 * Where a hub's users keep their home folders (`jupyterhub.storage` of a hub file):
 *
 * - `perUser` (the default): a Cinder volume per user, made by the cluster's storage class when
 *   the user's server first starts (z2jh's dynamic storage; `singleuser.storageCapacity` and
 *   `storageClass` size and place it);
 * - `shared`: one Cinder volume per hub, made by the cluster's Terraform stack
 *   (`infra/home-volume.ts`) and served over NFS in the hub's namespace by 2i2c's
 *   jupyterhub-home-nfs chart, which gives each user a folder (z2jh's static storage with a
 *   `subPath` per user) and enforces a hard quota per folder.
 *
 * Sizes are whole GiB (Cinder sizes volumes in GiB; the quota enforcer counts GiB).
 */
import { z } from 'zod';

/** `<n>Gi` or `<n>Ti`, a whole number: Cinder's unit is the GiB. */
const GIB_SIZE = /^([1-9][0-9]*)(Gi|Ti)$/;

const gibSize = (what: string, example: string) => z.string().regex(GIB_SIZE, `must be a whole number of Gi or Ti, e.g. ${example} (${what})`);

/** The GiB of a size the schema accepted (`500Gi` → 500, `1Ti` → 1024). */
export function gibOf(size: string): number {
  const m = GIB_SIZE.exec(size);
  if (m === null) throw new Error(`gibOf: ${JSON.stringify(size)} is not a size of whole Gi or Ti`);
  return Number(m[1]) * (m[2] === 'Ti' ? 1024 : 1);
}

/** A restic repository in an S3-compatible bucket: `s3:https://<endpoint>/<bucket>[/<path>]` (restic's own spelling). */
const S3_REPOSITORY = /^s3:https?:\/\/[^\s/]+\/[^\s/]+(\/\S*)?$/;
/** A cron schedule of five fields (minute hour day-of-month month day-of-week), as a CronJob takes it. */
const CRON_SCHEDULE = /^\S+( \S+){4}$/;

/** What restic forget keeps when the hub file says nothing: a week of days, a month of weeks, half a year of months. */
const KEEP_DEFAULT = { daily: 7, weekly: 4, monthly: 6 } as const;
const keepCount = (what: keyof typeof KEEP_DEFAULT, n: number) => z.number().int().min(0).default(n).describe(`How many ${what} snapshots restic forget keeps (--keep-${what}).`);

const backupSchema = z
  .object({
    repository: z
      .string()
      .regex(S3_REPOSITORY, 'must be a restic S3 repository, s3:https://<endpoint>/<bucket>/<path>, e.g. s3:https://js2.jetstream-cloud.org:8001/course-a-backups/homes')
      .describe('The restic repository in an S3-compatible bucket: s3:https://<endpoint>/<bucket>/<path> (its key pair and password are in secrets/<hub>.yaml, section backup).'),
    schedule: z.string().regex(CRON_SCHEDULE, 'must be a cron schedule of five fields, e.g. "0 3 * * *" (03:00 every day, the cluster\'s time zone, UTC on Magnum)').default('0 3 * * *').describe('When the backup runs, a cron schedule of five fields (UTC); every day at 03:00 by default.'),
    keep: z
      .object({ daily: keepCount('daily', KEEP_DEFAULT.daily), weekly: keepCount('weekly', KEEP_DEFAULT.weekly), monthly: keepCount('monthly', KEEP_DEFAULT.monthly) })
      .strict()
      .default({ ...KEEP_DEFAULT })
      .describe('Which snapshots restic forget --prune keeps after each backup.'),
  })
  .strict()
  .refine((b) => !(b.keep.daily === 0 && b.keep.weekly === 0 && b.keep.monthly === 0), { path: ['keep'], message: 'keeps no snapshot: restic forget would remove every backup; keep at least one daily, weekly or monthly' })
  .describe('Backups of the home volume with restic, to an S3-compatible bucket: a CronJob runs restic backup, then restic forget --prune.');

const perUserSchema = z
  .object({
    type: z.literal('perUser'),
  })
  .strict()
  .describe('A Cinder volume per user, made when the user\'s server first starts (sized by singleuser.storageCapacity).');

const sharedSchema = z
  .object({
    type: z.literal('shared'),
    size: gibSize('the size of the one Cinder volume every home folder is on', '500Gi').describe('Size of the hub\'s one home volume, e.g. 500Gi: grows in place, never shrinks.'),
    quota: gibSize('the most each user\'s home folder may hold', '10Gi').describe('Most each user\'s home folder may hold (a hard XFS quota), e.g. 10Gi.'),
    courseFolder: z.boolean().default(false).describe('A shared/ folder in every user\'s home: read-only for users, read-write for the hub\'s admins and the courseFolderWriters groups.'),
    courseFolderWriters: z
      .array(z.string().min(1))
      .default([])
      .describe('JupyterHub groups whose members write the course folder, as admins do (e.g. a GitHub team as org:team); needs courseFolder: true.'),
    exchange: z.boolean().default(false).describe('An exchange/ folder in every user\'s home that every user reads and writes (hand-ins, shared files).'),
    backup: backupSchema.optional(),
  })
  .strict()
  .refine((s) => s.courseFolderWriters.length === 0 || s.courseFolder, { path: ['courseFolderWriters'], message: 'names writers of a course folder the hub does not have; set courseFolder: true or leave courseFolderWriters out' })
  // The refinement runs even when a size is not valid (zod reports that one at its own field).
  .refine((s) => !GIB_SIZE.test(s.quota) || !GIB_SIZE.test(s.size) || gibOf(s.quota) <= gibOf(s.size), { path: ['quota'], message: 'is larger than size: one user could fill the whole volume; make quota at most size' })
  .describe('One Cinder volume for the hub, served over NFS with a folder and a hard quota per user (2i2c\'s jupyterhub-home-nfs chart).');

/** `jupyterhub.storage` of a hub file. */
export const storageSchema = z
  .discriminatedUnion('type', [perUserSchema, sharedSchema])
  .default({ type: 'perUser' })
  .describe('Where users\' home folders live: perUser (a volume each, the default) or shared (one volume for the hub, over NFS, with a quota per user).');

export type StorageFile = z.infer<typeof storageSchema>;

/** The resolved storage of a hub. */
export type HubStorage =
  | { readonly type: 'perUser' }
  | {
      readonly type: 'shared';
      /** Size of the home volume, GiB. */
      readonly sizeGiB: number;
      /** Hard quota of each user's folder, GiB. */
      readonly quotaGiB: number;
      /** A read-only `shared/` folder for users, read-write for admins and the writer groups. */
      readonly courseFolder: boolean;
      /** The JupyterHub groups that write the course folder (besides admins). */
      readonly courseFolderWriters: readonly string[];
      /** An `exchange/` folder every user writes. */
      readonly exchange: boolean;
      /** Backups with restic; undefined without. */
      readonly backup?: HomeBackup;
    };

/** The resolved backups of a shared hub (`jupyterhub.storage.backup`). */
export interface HomeBackup {
  /** restic's repository, `s3:https://…`. */
  readonly repository: string;
  /** The CronJob's schedule. */
  readonly schedule: string;
  /** restic forget's `--keep-daily`, `--keep-weekly`, `--keep-monthly` (0: not passed). */
  readonly keep: { readonly daily: number; readonly weekly: number; readonly monthly: number };
}

/** The resolved storage of `file`. */
export function resolveStorage(file: StorageFile): HubStorage {
  if (file.type === 'perUser') return { type: 'perUser' };
  return { type: 'shared', sizeGiB: gibOf(file.size), quotaGiB: gibOf(file.quota), courseFolder: file.courseFolder, courseFolderWriters: [...file.courseFolderWriters], exchange: file.exchange, ...(file.backup !== undefined ? { backup: { repository: file.backup.repository, schedule: file.backup.schedule, keep: { ...file.backup.keep } } } : {}) };
}

/** The backup CronJob of a shared hub and its Secret (in the hub's namespace). */
export const HOME_BACKUP_SECRET = 'home-backup';

/** The field of a hub file that chooses the storage (messages name it). */
export const STORAGE_FIELD = 'jupyterhub.storage';
