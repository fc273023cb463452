/** Chart archives: where they are looked for, the offline error, and the digest lock. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { packagedChartPins } from '../../project/chart-pins';
import { archiveName, ChartLock } from '../../k8s/helm/chart-lock';
import { ChartSource } from '../../k8s/helm/chart-source';
import { packageTestCharts } from '../../bench/test-charts';
import { countingHelm, isolatedOptions, realHelm, removeTempDirs, tempDir } from './helpers';

/** jhm's own chart pins (its charts.yaml). */
const CHARTS = packagedChartPins();

afterAll(removeTempDirs);

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A private copy of the packaged test charts (tests here change archives). */
async function chartsCopy(dir: string): Promise<string> {
  const src = await packageTestCharts();
  const dest = path.join(dir, 'charts');
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

describe('rule: a chart archive comes from JHM_CHARTS_DIR, the cache or a download, is recorded in the lock on first use and used only when it matches it', () => {
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
    expect(text).toContain('chart jupyterhub 4.4.0 is missing');
    expect(text).toContain(chartsDir);
    expect(text).toContain(`${path.join(dir, 'cache', 'charts')}/`);
    expect(text).toContain('https://hub.jupyter.org/helm-chart/');
  });

  test('JHM_OFFLINE=1 in the environment turns downloads off', async () => {
    const dir = tempDir();
    const options = { ...isolatedOptions(dir, undefined, await realHelm()), offline: undefined, env: { JHM_OFFLINE: '1', PATH: process.env.PATH } };
    await expect(ChartSource.create(options).obtain(CHARTS.traefik)).rejects.toThrow(/chart traefik 41\.3\.0 is missing: .*offline/);
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

  describe('downloads (from a Helm repository served on localhost)', () => {
    let server: http.Server;
    let repoUrl: string;
    let repoDir: string;

    beforeAll(async () => {
      repoDir = tempDir();
      fs.copyFileSync(path.join(await packageTestCharts(), 'traefik-41.3.0.tgz'), path.join(repoDir, 'traefik-41.3.0.tgz'));
      server = http.createServer((req, res) => {
        const file = path.join(repoDir, path.basename(decodeURIComponent((req.url ?? '/').split('?')[0])));
        if (!fs.existsSync(file)) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200).end(fs.readFileSync(file));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const helm = await realHelm();
      const { execFileSync } = await import('child_process');
      execFileSync(helm, ['repo', 'index', repoDir, '--url', repoUrl], { env: { ...process.env, HELM_CACHE_HOME: path.join(repoDir, '.h'), HELM_CONFIG_HOME: path.join(repoDir, '.h'), HELM_DATA_HOME: path.join(repoDir, '.h') } });
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('a chart found nowhere is pulled once with helm pull, moved into the cache and recorded; later uses spawn no helm', async () => {
      const dir = tempDir();
      const counting = countingHelm(dir, await realHelm());
      const pin = { ...CHARTS.traefik, repository: repoUrl };
      const options = isolatedOptions(dir, undefined, counting.path, { offline: false });
      const pulled = await ChartSource.create(options).obtain(pin);
      expect(pulled.origin).toBe('download');
      expect(pulled.archive).toBe(path.join(dir, 'cache', 'charts', 'traefik-41.3.0.tgz'));
      expect(pulled.digest).toBe(sha256(path.join(repoDir, 'traefik-41.3.0.tgz')));
      expect(pulled.lock).toBe('recorded');
      expect(counting.calls().map((c) => c.slice(0, 7))).toEqual([['pull', 'traefik', '--repo', repoUrl, '--version', '41.3.0', '-d']]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'charts.lock.json'), 'utf8')).charts['traefik-41.3.0.tgz']).toEqual({
        name: 'traefik',
        repository: repoUrl,
        sha256: pulled.digest,
        version: '41.3.0',
      });
      expect(fs.readdirSync(path.join(dir, 'cache', 'tmp'))).toEqual([]);

      const again = await ChartSource.create(options).obtain(pin);
      expect(again.origin).toBe('cache');
      expect(again.lock).toBe('verified');
      expect(counting.calls()).toHaveLength(1);
    });

    test('a download that does not match the lock is refused and never reaches the cache', async () => {
      const dir = tempDir();
      const pin = { ...CHARTS.traefik, repository: repoUrl };
      const recorded = 'f'.repeat(64);
      fs.writeFileSync(
        path.join(dir, 'charts.lock.json'),
        JSON.stringify({ charts: { 'traefik-41.3.0.tgz': { name: 'traefik', repository: repoUrl, sha256: recorded, version: '41.3.0' } }, lockfileVersion: 1 }),
      );
      const attempt = ChartSource.create(isolatedOptions(dir, undefined, await realHelm(), { offline: false })).obtain(pin);
      await expect(attempt).rejects.toThrow(UserError);
      await expect(attempt).rejects.toThrow(recorded);
      await expect(attempt).rejects.toThrow(sha256(path.join(repoDir, 'traefik-41.3.0.tgz')));
      expect(fs.existsSync(path.join(dir, 'cache', 'charts', 'traefik-41.3.0.tgz'))).toBe(false);
    });

    test('a version the repository does not have is one UserError naming the archive, the repository and helm\'s reason', async () => {
      const dir = tempDir();
      const pin = { ...CHARTS.traefik, repository: repoUrl, version: '99.0.0' };
      const error = (await ChartSource.create(isolatedOptions(dir, undefined, await realHelm(), { offline: false })).obtain(pin).catch((e) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.format()).toMatch(/chart traefik 99\.0\.0 is missing: helm pull failed: .*99\.0\.0.*traefik-99\.0\.0\.tgz/);
      expect(error.format()).toContain(repoUrl);
      expect(error.format().split('\n')).toHaveLength(1);
    });
  });

  test('the committed charts.lock.json is valid and every entry matches a pin of the packaged charts.yaml', async () => {
    const entries = await new ChartLock(path.resolve(__dirname, '..', '..', 'charts.lock.json')).entries();
    const pins = new Map(Object.values(CHARTS).map((p) => [archiveName(p), p]));
    for (const [key, entry] of Object.entries(entries)) {
      expect(pins.get(key)).toMatchObject({ name: entry.name, repository: entry.repository, version: entry.version });
    }
  });
});
