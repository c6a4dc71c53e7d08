import { existsSync, readFileSync } from 'node:fs';

/** Hardware virtualisation is usable only when the CPU offers it; libvirt's own report can't be trusted for this. */
function hasHardwareVirtualisation(): boolean {
  try {
    return existsSync('/dev/kvm') && /\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Settings `npm start` chooses per service on one machine. The compute agent drives libvirt when
 * libvirtd answers on its socket (TCG unless the CPU has hardware virtualisation), else the fake driver.
 */
export function localServiceEnv(service: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (service !== 'compute-agent') return {};
  const socket = env.COMPUTE_AGENT_LIBVIRT_SOCKET ?? '/run/libvirt/libvirt-sock';
  const driver = env.COMPUTE_AGENT_DRIVER ?? (existsSync(socket) ? 'libvirt' : 'fake');
  return {
    COMPUTE_AGENT_DRIVER: driver,
    COMPUTE_AGENT_VIRT_TYPE: env.COMPUTE_AGENT_VIRT_TYPE ?? (hasHardwareVirtualisation() ? 'kvm' : 'qemu'),
  };
}
