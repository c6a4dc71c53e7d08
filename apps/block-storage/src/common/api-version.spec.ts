import { DomainError } from '@stratus/platform';
import { ApiVersion, MAX_API_VERSION, requestedVersion, UnsupportedApiVersion } from './api-version';

describe('block storage microversions', () => {
  it('defaults to 3.0, reads the volume entry and resolves latest', () => {
    expect(requestedVersion(undefined).toString()).toBe('3.0');
    expect(requestedVersion('volume 3.27').toString()).toBe('3.27');
    expect(requestedVersion('compute 2.1, volume 3.44').toString()).toBe('3.44');
    expect(requestedVersion('compute 2.90').toString()).toBe('3.0');
    expect(requestedVersion('volume latest')).toBe(MAX_API_VERSION);
  });

  it('refuses malformed versions with 400 and unsupported ones separately', () => {
    expect(() => requestedVersion('volume 3.x')).toThrow(DomainError);
    expect(() => requestedVersion('volume 3.01')).toThrow(DomainError);
    expect(() => requestedVersion('volume 2.0')).toThrow(UnsupportedApiVersion);
    expect(() => requestedVersion('volume 3.999')).toThrow(UnsupportedApiVersion);
  });

  it('compares versions numerically', () => {
    const v = ApiVersion.parse('3.9');
    expect(v.atLeast('3.9')).toBe(true);
    expect(v.atLeast('3.10')).toBe(false);
    expect(ApiVersion.parse('3.10').atLeast('3.9')).toBe(true);
  });
});
