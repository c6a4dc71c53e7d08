import { existsSync } from 'node:fs';
import { DEFAULT_LIBVIRT_SOCKET } from '../src/libvirt/libvirt.connection';

/** The daemon's socket; LIBVIRT_SOCKET points the tests at another daemon. */
export const LIBVIRT_SOCKET = process.env.LIBVIRT_SOCKET ?? DEFAULT_LIBVIRT_SOCKET;

/**
 * Fails, with the way out, when no libvirtd listens: these tests exist to run against the real
 * daemon, so a machine without one must not look green.
 */
export function requireLibvirtd(): string {
  if (!existsSync(LIBVIRT_SOCKET)) {
    throw new Error(
      `libvirtd is not running: ${LIBVIRT_SOCKET} does not exist.\n` +
        'Start it (as root) with: tools/libvirt/start-libvirtd.sh\n' +
        'Install it first if needed: apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends ' +
        'libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils',
    );
  }
  return LIBVIRT_SOCKET;
}
