import type { ImageProperties } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { ImagePropertiesFilter } from './image-properties.filter';

describe('ImagePropertiesFilter', () => {
  const filter = new ImagePropertiesFilter();
  const host = hostState({ cpuArch: 'x86_64', hypervisorType: 'QEMU', hypervisorVersion: '8.2.0' });
  const passes = (image: ImageProperties, on = host) => filter.hostPasses(on, requestSpec({ image }));

  it('passes any host for an image without requirements', () => {
    expect(passes({})).toBe(true);
    expect(passes({ hw_disk_bus: 'virtio' })).toBe(true);
  });

  it('matches architecture', () => {
    expect(passes({ architecture: 'x86_64' })).toBe(true);
    expect(passes({ architecture: 'aarch64' })).toBe(false);
  });

  it('treats the spellings Glance accepts for one architecture as the same', () => {
    expect(passes({ architecture: 'AMD64' })).toBe(true);
    expect(passes({ architecture: 'i386' }, hostState({ cpuArch: 'i686' }))).toBe(true);
  });

  it('matches hypervisor type regardless of case', () => {
    expect(passes({ hypervisor_type: 'qemu' })).toBe(true);
    expect(passes({ hypervisor_type: 'kvm' })).toBe(false);
  });

  it('requires both architecture and hypervisor type when both are given', () => {
    expect(passes({ architecture: 'x86_64', hypervisor_type: 'qemu' })).toBe(true);
    expect(passes({ architecture: 'x86_64', hypervisor_type: 'xen' })).toBe(false);
  });

  it('checks hypervisor_version_requires against the host version', () => {
    expect(passes({ hypervisor_version_requires: '>=8.0' })).toBe(true);
    expect(passes({ hypervisor_version_requires: '>=9' })).toBe(false);
    expect(passes({ hypervisor_version_requires: '>=8.0,<8.2' })).toBe(false);
    expect(passes({ hypervisor_version_requires: '>= 8.0, < 8.3' })).toBe(true);
    expect(passes({ hypervisor_version_requires: '==8.2' })).toBe(true);
    expect(passes({ hypervisor_version_requires: '!=8.2.0' })).toBe(false);
  });

  it('compares versions numerically, not as text', () => {
    expect(passes({ hypervisor_version_requires: '>8.10' }, hostState({ hypervisorVersion: '8.9.0' }))).toBe(
      false,
    );
    expect(passes({ hypervisor_version_requires: '>8.9' }, hostState({ hypervisorVersion: '8.10.0' }))).toBe(
      true,
    );
  });

  it('honours a version requirement given without architecture or type', () => {
    expect(passes({ hypervisor_version_requires: '<8' })).toBe(false);
  });

  it('passes a host that does not report its version', () => {
    expect(passes({ hypervisor_version_requires: '>=8.0' }, hostState({ hypervisorVersion: '' }))).toBe(true);
  });

  it('rejects hosts for a version requirement it cannot read', () => {
    expect(passes({ hypervisor_version_requires: 'about 8' })).toBe(false);
  });
});
