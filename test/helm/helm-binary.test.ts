/** Finding helm: JHM_HELM, then PATH, then the npm package; and helm's version, cached. */
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../model/errors';
import { HELM_NPM_PACKAGE, HelmBinary, HelmRunError } from '../../k8s/helm/helm-binary';
import { countingHelm, realHelm, removeTempDirs, tempDir } from './helpers';

afterAll(removeTempDirs);

describe('rule: jhm runs the helm of JHM_HELM, else the PATH\'s, else the npm package\'s; a missing or failing helm is one line', () => {
  test('JHM_HELM is used when set, even with another helm on PATH', async () => {
    const dir = tempDir();
    const named = countingHelm(dir, await realHelm(), 'named-helm');
    const pathDir = path.join(dir, 'bin');
    fs.mkdirSync(pathDir);
    const onPath = countingHelm(pathDir, await realHelm(), 'helm');
    const helm = await HelmBinary.resolve({ cacheDir: path.join(dir, 'cache'), env: { JHM_HELM: named.path, PATH: pathDir } });
    expect(helm.path).toBe(named.path);
    expect(helm.source).toBe('JHM_HELM');
    expect(await helm.version()).toMatch(/^v\d+\.\d+\.\d+/);
    expect(named.calls()).toEqual([['version', '--template', '{{.Version}}']]);
    expect(onPath.calls()).toEqual([]);
  });

  test('JHM_HELM naming a file that does not exist is a UserError naming the path and how to get helm', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'no-such-helm');
    const attempt = HelmBinary.resolve({ cacheDir: path.join(dir, 'cache'), env: { JHM_HELM: missing, PATH: '' } });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(`JHM_HELM names ${missing}, which does not exist`);
    const error = (await attempt.catch((e) => e)) as UserError;
    expect(error.fix).toContain('https://helm.sh/docs/intro/install/');
    expect(error.format().split('\n')).toHaveLength(1);
  });

  test('helm on PATH is used when JHM_HELM is not set', async () => {
    const dir = tempDir();
    const pathDir = path.join(dir, 'bin');
    fs.mkdirSync(pathDir);
    const onPath = countingHelm(pathDir, await realHelm(), 'helm');
    const helm = await HelmBinary.resolve({ cacheDir: path.join(dir, 'cache'), env: { PATH: [path.join(dir, 'empty'), pathDir].join(path.delimiter) } });
    expect(helm.path).toBe(onPath.path);
    expect(helm.source).toBe('PATH');
  });

  test('with neither JHM_HELM nor helm on PATH, the helm 4 of the npm package is extracted once (into node_modules/.cache/jhm, not the synth cache), atomically, mode 0755', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const packageJson = require.resolve(`${HELM_NPM_PACKAGE}/package.json`);
    const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string };
    const expected = path.join(path.dirname(packageJson), '..', '..', '.cache', 'jhm', `helm-${version}`, 'helm');

    const first = await HelmBinary.resolve({ cacheDir, env: { PATH: '' } });
    expect(first.source).toBe('npm-package');
    expect(first.path).toBe(expected);
    const stat = fs.statSync(expected);
    expect(stat.mode & 0o777).toBe(0o755);
    expect(await first.version()).toMatch(/^v4\./);
    // Nothing half-written is left beside it.
    expect(fs.readdirSync(path.dirname(expected))).toEqual(['helm']);

    const second = await HelmBinary.resolve({ cacheDir, env: { PATH: '' } });
    expect(second.path).toBe(expected);
    expect(fs.statSync(expected).mtimeMs).toBe(stat.mtimeMs);
    // An empty synth cache does not mean extracting it again.
    expect(fs.existsSync(path.join(cacheDir, 'tools', `helm-${version}`))).toBe(false);
  });

  test('helm version is cached on path, size and mtime: a warm run spawns no helm, a changed binary is asked again', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const helm = countingHelm(dir, await realHelm());
    const options = { cacheDir, env: { JHM_HELM: helm.path } };

    const cold = await (await HelmBinary.resolve(options)).version();
    expect(helm.calls()).toHaveLength(1);
    const cache = JSON.parse(fs.readFileSync(path.join(cacheDir, 'tools', 'helm-versions.json'), 'utf8'));
    expect(cache[helm.path]).toEqual({ mtimeMs: fs.statSync(helm.path).mtimeMs, size: fs.statSync(helm.path).size, version: cold });

    const warm = await (await HelmBinary.resolve(options)).version();
    expect(warm).toBe(cold);
    expect(helm.calls()).toHaveLength(1);

    fs.appendFileSync(helm.path, '# changed\n');
    expect(await (await HelmBinary.resolve(options)).version()).toBe(cold);
    expect(helm.calls()).toHaveLength(2);
  });

  test('rule: helm runs through the one process runner with a timeout: a helm that hangs is stopped and reported in one line', async () => {
    const dir = tempDir();
    const hanging = path.join(dir, 'hanging-helm');
    fs.writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const helm = await HelmBinary.resolve({ cacheDir: path.join(dir, 'cache'), env: { JHM_HELM: hanging, PATH: process.env.PATH } });
    const started = Date.now();
    const attempt = helm.run(['template', 'x'], { timeoutMs: 300 });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow('helm template did not finish within 0.3 s and was stopped');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a helm that fails gives a HelmRunError with its stderr and exit status', async () => {
    const dir = tempDir();
    const failing = path.join(dir, 'failing-helm');
    fs.writeFileSync(failing, '#!/bin/sh\necho "Error: chart not found" >&2\nexit 3\n', { mode: 0o755 });
    const helm = await HelmBinary.resolve({ cacheDir: path.join(dir, 'cache'), env: { JHM_HELM: failing, PATH: process.env.PATH } });
    const error = await helm.run(['pull', 'x']).catch((e) => e);
    expect(error).toBeInstanceOf(HelmRunError);
    expect(error.message).toBe('helm pull failed (exit 3): chart not found');
  });
});
