import { KNOWN_STATUSES, matchesStatus, serverStatus } from './server-state';

describe('server status', () => {
  it('maps vm and task states as Nova does', () => {
    expect(serverStatus('building', 'scheduling')).toBe('BUILD');
    expect(serverStatus('active', null)).toBe('ACTIVE');
    expect(serverStatus('active', 'rebooting')).toBe('REBOOT');
    expect(serverStatus('active', 'rebooting_hard')).toBe('HARD_REBOOT');
    expect(serverStatus('active', 'powering-off')).toBe('ACTIVE');
    expect(serverStatus('stopped', null)).toBe('SHUTOFF');
    expect(serverStatus('stopped', 'rebuilding')).toBe('REBUILD');
    expect(serverStatus('resized', null)).toBe('VERIFY_RESIZE');
    expect(serverStatus('resized', 'resize_reverting')).toBe('REVERT_RESIZE');
    expect(serverStatus('error', null)).toBe('ERROR');
    expect(serverStatus('paused', null)).toBe('PAUSED');
    expect(serverStatus('suspended', null)).toBe('SUSPENDED');
    expect(serverStatus('no-such-state', null)).toBe('UNKNOWN');
  });

  it('filters on status case-insensitively', () => {
    expect(matchesStatus('active', 'rebooting', ['reboot'])).toBe(true);
    expect(matchesStatus('active', 'rebooting', ['ACTIVE'])).toBe(false);
    expect(matchesStatus('stopped', null, ['ACTIVE', 'shutoff'])).toBe(true);
  });

  it('knows the statuses a filter may name', () => {
    expect(KNOWN_STATUSES.has('SHUTOFF')).toBe(true);
    expect(KNOWN_STATUSES.has('HARD_REBOOT')).toBe(true);
    expect(KNOWN_STATUSES.has('RUNNING')).toBe(false);
  });
});
