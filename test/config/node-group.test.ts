/**
 * The node label of a nodegroup (`capi.stackhpc.com/node-group`), as the Magnum Cluster API
 * driver derives it from the nodegroup name.
 */
import fc from 'fast-check';
import { NODE_GROUP_LABEL_KEY, nodeGroupLabelValue, nodeGroupSelector } from '../../model/node-group';

test('rule: the label value of a nodegroup is its name with each "." made "-" (m3.large becomes m3-large), as the Magnum driver derives it', () => {
  expect(nodeGroupLabelValue('m3.large')).toBe('m3-large');
});

test('rule: the label value is lowercase, each run of characters other than letters and digits one "-"', () => {
  expect(nodeGroupLabelValue('GPU__Nodes.v2')).toBe('gpu-nodes-v2');
  expect(nodeGroupLabelValue('default-worker')).toBe('default-worker');
});

test('rule: a nodegroup\'s selector selects exactly its label, nothing else', () => {
  expect(nodeGroupSelector('m3.large')).toEqual({ [NODE_GROUP_LABEL_KEY]: 'm3-large' });
});

describe('property: label values', () => {
  test('the value only ever contains lowercase letters, digits and "-"', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 80 }), (name) => {
        expect(nodeGroupLabelValue(name)).toMatch(/^[a-z0-9-]*$/);
      }),
      { numRuns: 500 },
    );
  });

  test('deriving the value of a value gives it back (idempotent)', () => {
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
