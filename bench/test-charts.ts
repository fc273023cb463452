/**
 * The test stand-ins of the pinned charts (`test/charts/<name>/`), packaged with the real helm into
 * `<name>-<version>.tgz` archives: a folder to use as `JHM_CHARTS_DIR` in tests.
 *
 * Packaging runs once: the archives go to a folder named after a digest of the chart sources, in
 * the OS temp folder, so every test file of a jest run (and later runs, until a chart source
 * changes) reuses them. Tests that change an archive must copy it first.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { archiveName } from '../k8s/helm/chart-lock';
import { HelmBinary } from '../k8s/helm/helm-binary';
import { defaultProjectRoot } from '../k8s/helm/settings';
import { packagedChartPins } from '../project/chart-pins';
import type { ChartPin } from '../model/versions';

/** Folder of the test chart sources (from the sources under ts-jest, or from lib/ when compiled). */
export const TEST_CHARTS_SOURCE = path.join(defaultProjectRoot(), 'test', 'charts');

/** The pins the test charts stand in for (same names and versions as jhm's own charts.yaml). */
export const TEST_CHART_PINS: readonly ChartPin[] = Object.values(packagedChartPins());

let packaged: Promise<string> | undefined;

/**
 * Packages every test chart with `helm package` into `destDir` (default: a cached folder in the
 * OS temp folder, packaged once) and returns the folder, which holds `<name>-<version>.tgz` for
 * chart jhm pins (its own charts.yaml).
 */
export function packageTestCharts(destDir?: string): Promise<string> {
  if (destDir !== undefined) return packageInto(path.resolve(destDir));
  packaged ??= packageCached();
  packaged.catch(() => (packaged = undefined));
  return packaged;
}

async function packageCached(): Promise<string> {
  const target = path.join(os.tmpdir(), `jhm-test-charts-${sourceDigest().slice(0, 16)}`);
  if (complete(target)) return target;
  const build = `${target}.build-${process.pid}-${Date.now()}`;
  await packageInto(build);
  try {
    fs.renameSync(build, target);
  } catch {
    // Another jest worker finished first (or a stale incomplete folder is in the way).
    if (!complete(target)) {
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(build, target);
    }
  }
  fs.rmSync(build, { recursive: true, force: true });
  return target;
}

async function packageInto(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const helm = await HelmBinary.resolve();
  for (const pin of TEST_CHART_PINS) {
    const source = path.join(TEST_CHARTS_SOURCE, pin.name);
    await helm.run(['package', source, '--destination', dir]);
    if (!fs.existsSync(path.join(dir, archiveName(pin)))) {
      throw new Error(`helm package ${source} did not write ${archiveName(pin)} (test chart name/version must match CHARTS)`);
    }
  }
  return dir;
}

function complete(dir: string): boolean {
  return TEST_CHART_PINS.every((pin) => fs.existsSync(path.join(dir, archiveName(pin))));
}

/** Digest of every file under test/charts (paths and contents). */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(path.relative(TEST_CHARTS_SOURCE, full)).update('\0').update(fs.readFileSync(full)).update('\0');
      }
    }
  };
  walk(TEST_CHARTS_SOURCE);
  return hash.digest('hex');
}
