/**
 * The node label of a nodegroup (`capi.stackhpc.com/node-group`), as the Magnum Cluster API
 * driver derives it from the nodegroup name.
 */
import fc from 'fast-check';
import { NODE_GROUP_LABEL_KEY, nodeGroupLabelValue, nodeGroupSelector } from '../../model/node-group';

test('m3.large becomes m3-large', () => {
  expect(nodeGroupLabelValue('m3.large')).toBe('m3-large');
});

test('lowercases and turns each run of other characters into one "-"', () => {
  expect(nodeGroupLabelValue('GPU__Nodes.v2')).toBe('gpu-nodes-v2');
  expect(nodeGroupLabelValue('default-worker')).toBe('default-worker');
});

test('the selector selects exactly that label', () => {
  expect(nodeGroupSelector('m3.large')).toEqual({ [NODE_GROUP_LABEL_KEY]: 'm3-large' });
});

describe('properties', () => {
  test('the value only ever contains lowercase letters, digits and "-"', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 80 }), (name) => {
        expect(nodeGroupLabelValue(name)).toMatch(/^[a-z0-9-]*$/);
      }),
      { numRuns: 500 },
    );
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        const once = nodeGroupLabelValue(name);
        expect(nodeGroupLabelValue(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  test('leaves a valid DNS label nodegroup name (as the hub schema requires) unchanged', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, (name) => {
        expect(nodeGroupLabelValue(name)).toBe(name.replace(/-+/g, '-'));
      }),
      { numRuns: 300 },
    );
  });
});
