import { splitImage } from '../../k8s/jupyterhub/image';

describe('splitImage', () => {
  test('splits name:tag at the tag colon', () => {
    expect(splitImage('quay.io/jupyter/scipy-notebook:2025-10-20')).toEqual({ name: 'quay.io/jupyter/scipy-notebook', tag: '2025-10-20' });
  });

  test('keeps a registry port in the name', () => {
    expect(splitImage('registry.example.org:5000/team/notebook:1.2.3')).toEqual({ name: 'registry.example.org:5000/team/notebook', tag: '1.2.3' });
  });

  test('refuses a reference without a tag (the hub schema should have caught it)', () => {
    expect(() => splitImage('registry.example.org:5000/team/notebook')).toThrow(/no tag/);
    expect(() => splitImage('notebook:')).toThrow(/no tag/);
  });
});
