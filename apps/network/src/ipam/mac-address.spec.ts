import { MacGenerator, normaliseMac } from './mac-address';

describe('MAC addresses', () => {
  it('normalises unicast MACs and refuses the rest', () => {
    expect(normaliseMac('FA-16-3E-AA-BB-CC')).toBe('fa:16:3e:aa:bb:cc');
    for (const bad of [
      '00:00:00:00:00:00',
      '01:00:5e:00:00:01',
      'fa:16:3e:aa:bb',
      'fa:16:3e:aa:bb:cc:dd',
      'zz:16:3e:aa:bb:cc',
    ]) {
      expect(normaliseMac(bad)).toBeUndefined();
    }
  });

  it('keeps the base MAC prefix, and the fourth octet when it is set', () => {
    expect(new MacGenerator('fa:16:3e:00:00:00').next()).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(new MacGenerator('fa:16:3e:4f:00:00').next()).toMatch(/^fa:16:3e:4f(:[0-9a-f]{2}){2}$/);
    expect(() => new MacGenerator('01:00:5e:00:00:00')).toThrow();
  });
});
