import { MAX_MICROVERSION, Microversion, requestedMicroversion } from './microversion';

describe('microversions', () => {
  it('compares part by part, not as decimals', () => {
    expect(Microversion.parse('2.10')!.compare(Microversion.parse('2.9')!)).toBeGreaterThan(0);
    expect(Microversion.parse('2.47')!.atLeast('2.47')).toBe(true);
    expect(Microversion.parse('2.46')!.atLeast('2.47')).toBe(false);
  });

  it('rejects malformed version strings', () => {
    for (const text of ['2', '2.', '02.1', '2.01', 'v2.1', '2.1.1', 'abc']) {
      expect(Microversion.parse(text)).toBeNull();
    }
  });

  it('defaults to 2.1 and reads latest as the maximum', () => {
    expect(requestedMicroversion({})).toEqual({ ok: true, version: new Microversion(2, 1) });
    expect(requestedMicroversion({ 'openstack-api-version': 'compute latest' })).toEqual({
      ok: true,
      version: MAX_MICROVERSION,
    });
  });

  it('prefers the compute entry of the new header over the legacy one', () => {
    const result = requestedMicroversion({
      'openstack-api-version': 'volume 3.10, compute 2.26',
      'x-openstack-nova-api-version': '2.3',
    });
    expect(result).toEqual({ ok: true, version: new Microversion(2, 26) });
  });

  it('falls back to the legacy header when the new one names another service', () => {
    const result = requestedMicroversion({
      'openstack-api-version': 'volume 3.10',
      'x-openstack-nova-api-version': '2.3',
    });
    expect(result).toEqual({ ok: true, version: new Microversion(2, 3) });
  });

  it('answers 400 for a malformed version and 406 for one out of range', () => {
    expect(requestedMicroversion({ 'x-openstack-nova-api-version': '2.x' })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(requestedMicroversion({ 'openstack-api-version': 'compute 2.0' })).toMatchObject({
      ok: false,
      status: 406,
    });
    expect(requestedMicroversion({ 'openstack-api-version': 'compute 3.1' })).toMatchObject({
      ok: false,
      status: 406,
    });
    const above = `${MAX_MICROVERSION.major}.${MAX_MICROVERSION.minor + 1}`;
    expect(requestedMicroversion({ 'openstack-api-version': `compute ${above}` })).toMatchObject({
      ok: false,
      status: 406,
      message: expect.stringContaining(`maximum is ${MAX_MICROVERSION}`),
    });
  });
});
