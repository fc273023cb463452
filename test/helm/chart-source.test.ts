/** Chart archives: where they are looked for, the offline error, and the digest lock. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../config/errors';
import { CHARTS } from '../../config/versions';
import { archiveName, ChartLock } from '../../k8s/helm/chart-lock';
import { ChartSource } from '../../k8s/helm/chart-source';
import { packageTestCharts } from '../support/test-charts';
import { isolatedOptions, realHelm, removeTempDirs, tempDir } from './helpers';

afterAll(removeTempDirs);

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A private copy of the packaged test charts (tests here change archives). */
async function chartsCopy(dir: string): Promise<string> {
  const src = await packageTestCharts();
  const dest = path.join(dir, 'charts');
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

describe('chart archives', () => {
  test('offline and nowhere to be found: one UserError naming the archive, where to put it and its repository', async () => {
    const dir = tempDir();
    const chartsDir = path.join(dir, 'empty-charts');
    fs.mkdirSync(chartsDir);
    const source = ChartSource.create(isolatedOptions(dir, chartsDir, await realHelm()));
    const error = (await source.obtain(CHARTS.jupyterhub).catch((e) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    const text = error.format();
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('jupyterhub-4.4.0.tgz');
    expect(text).toContain('offline');
    expect(text).toContain('$JHM_CHARTS_DIR/jupyterhub-4.4.0.tgz');
    expect(text).toContain(chartsDir);
    expect(text).toContain(path.join(dir, 'cache', 'charts', 'jupyterhub-4.4.0.tgz'));
    expect(text).toContain('https://hub.jupyter.org/helm-chart/');
  });

  test('JHM_OFFLINE=1 in the environment turns downloads off', async () => {
    const dir = tempDir();
    const options = { ...isolatedOptions(dir, undefined, await realHelm()), offline: undefined, env: { JHM_OFFLINE: '1', PATH: process.env.PATH } };
    await expect(ChartSource.create(options).obtain(CHARTS.traefik)).rejects.toThrow(/traefik-41\.3\.0\.tgz cannot be had: .*offline/);
  });

  test('JHM_CHARTS_DIR is looked at first, then the cache folder', async () => {
    const dir = tempDir();
    const chartsDir = await chartsCopy(dir);
    const options = isolatedOptions(dir, chartsDir, await realHelm());
    const source = ChartSource.create(options);
    const fromDir = await source.obtain(CHARTS.certManager);
    expect(fromDir.origin).toBe('charts-dir');
    expect(fromDir.archive).toBe(path.join(chartsDir, 'cert-manager-v1.21.1.tgz'));

    // Only in the cache: found there.
    fs.mkdirSync(source.cacheFolder, { recursive: true });
    fs.renameSync(path.join(chartsDir, 'cert-manager-v1.21.1.tgz'), path.join(source.cacheFolder, 'cert-manager-v1.21.1.tgz'));
    const fromCache = await source.obtain(CHARTS.certManager);
    expect(fromCache.origin).toBe('cache');
    expect(fromCache.archive).toBe(path.join(dir, 'cache', 'charts', 'cert-manager-v1.21.1.tgz'));
    expect(fromCache.digest).toBe(fromDir.digest);
  });

  test('the first use records name, version, repository and sha256 in the lock (sorted keys, stable format, trailing newline)', async () => {
    const dir = tempDir();
    const chartsDir = await chartsCopy(dir);
    const options = isolatedOptions(dir, chartsDir, await realHelm());
    const first = await ChartSource.create(options).obtain(CHARTS.ingressNginx);
    expect(first.lock).toBe('recorded');
    const digest = sha256(path.join(chartsDir, 'ingress-nginx-4.15.1.tgz'));
    expect(first.digest).toBe(digest);
    const text = fs.readFileSync(path.join(dir, 'charts.lock.json'), 'utf8');
    expect(text).toBe(
      [
        '{',
        '  "charts": {',
        '    "ingress-nginx-4.15.1.tgz": {',
        '      "name": "ingress-nginx",',
        '      "repository": "https://kubernetes.github.io/ingress-nginx",',
        `      "sha256": "${digest}",`,
        '      "version": "4.15.1"',
        '    }',
        '  },',
        '  "lockfileVersion": 1',
        '}',
        '',
      ].join('\n'),
    );
    const again = await ChartSource.create(options).obtain(CHARTS.ingressNginx);
    expect(again.lock).toBe('verified');
    expect(fs.readFileSync(path.join(dir, 'charts.lock.json'), 'utf8')).toBe(text);
  });

  test('charts obtained concurrently are all recorded (no lost lock update), keys sorted', async () => {
    const dir = tempDir();
    const chartsDir = await chartsCopy(dir);
    const source = ChartSource.create(isolatedOptions(dir, chartsDir, await realHelm()));
    const pins = Object.values(CHARTS);
    await Promise.all(pins.map((pin) => source.obtain(pin)));
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'charts.lock.json'), 'utf8'));
    expect(Object.keys(lock.charts)).toEqual(pins.map(archiveName).sort());
    for (const pin of pins) expect(lock.charts[archiveName(pin)].sha256).toBe(sha256(path.join(chartsDir, archiveName(pin))));
  });

  test('an archive whose sha256 differs from the lock is a UserError naming the archive and both digests', async () => {
    const dir = tempDir();
    const chartsDir = await chartsCopy(dir);
    const options = isolatedOptions(dir, chartsDir, await realHelm());
    const archive = path.join(chartsDir, 'traefik-41.3.0.tgz');
    const recorded = (await ChartSource.create(options).obtain(CHARTS.traefik)).digest;

    // Swap the archive for other bytes (another chart's archive under the traefik name).
    fs.copyFileSync(path.join(chartsDir, 'jupyterhub-4.4.0.tgz'), archive);
    const actual = sha256(archive);
    expect(actual).not.toBe(recorded);
    const error = (await ChartSource.create(options).obtain(CHARTS.traefik).catch((e) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(archive);
    expect(error.message).toContain(actual);
    expect(error.message).toContain(recorded);
    expect(error.field).toBe('charts["traefik-41.3.0.tgz"].sha256');
    // The lock is left as it was.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'charts.lock.json'), 'utf8')).charts['traefik-41.3.0.tgz'].sha256).toBe(recorded);
  });

  test('a damaged lock file is a UserError naming the file, not a crash', async () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'charts.lock.json');
    fs.writeFileSync(lockFile, '{"charts": {"x-1.tgz": {"name": "x"}}, "lockfileVersion": 1}\n');
    await expect(new ChartLock(lockFile).entries()).rejects.toThrow(UserError);
    fs.writeFileSync(lockFile, '{ not json');
    const error = (await new ChartLock(lockFile).entries().catch((e) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.format()).toContain('charts.lock.json');
    expect(error.format()).toContain('invalid JSON');
  });

  test('the committed charts.lock.json is valid and every entry matches a pin in CHARTS', async () => {
    const entries = await new ChartLock(path.resolve(__dirname, '..', '..', 'charts.lock.json')).entries();
    const pins = new Map(Object.values(CHARTS).map((p) => [archiveName(p), p]));
    for (const [key, entry] of Object.entries(entries)) {
      expect(pins.get(key)).toEqual({ name: entry.name, repository: entry.repository, version: entry.version });
    }
  });
});
