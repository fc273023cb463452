/**
 * scripts/bundle.ts, the build of what bin/jhm runs (lib/bundle/). Rule: building again from
 * unchanged sources writes no file, so the code stamp in each synth record (synth/state.ts: names,
 * sizes and mtimes of the bundle's files) stays and the next synth is still a no-op; and the
 * benchmark's check (`bundleIsCurrent`) then finds the bundle current.
 */
import { bundle, bundleIsCurrent } from '../../scripts/bundle';
import { REPO } from '../support/project';

test('rule: a rebuild of unchanged sources writes nothing, and the bundle is then current', async () => {
  await bundle(REPO);
  expect(await bundle(REPO)).toEqual([]);
  expect(await bundleIsCurrent(REPO)).toBe(true);
}, 120_000);
