import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Hardware virtualisation is usable only when the CPU offers it; libvirt's own report can't be trusted for this. */
function hasHardwareVirtualisation(): boolean {
  try {
    return existsSync('/dev/kvm') && /\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** dnsmasq, which the compute agent runs to answer its guests' DHCP (Debian: dnsmasq-base). */
function hasDnsmasq(): boolean {
  return ['/usr/sbin/dnsmasq', '/usr/local/sbin/dnsmasq', '/sbin/dnsmasq'].some((path) => existsSync(path));
}

/** The network namespace libvirtd runs in (tools/libvirt/start-libvirtd.sh keeps it in its own). */
function libvirtdNetns(): string {
  try {
    const pid = readFileSync('/run/libvirtd.pid', 'utf8').trim();
    return execFileSync('ip', ['netns', 'identify', pid], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/**
 * Settings `npm start` chooses per service on one machine. The compute agent drives libvirt when
 * libvirtd answers on its socket (TCG unless the CPU has hardware virtualisation), else the fake
 * driver; real guests get their addresses over DHCP from dnsmasq when it is installed and we are root.
 */
export function localServiceEnv(service: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (service !== 'compute-agent') return {};
  const socket = env.COMPUTE_AGENT_LIBVIRT_SOCKET ?? '/run/libvirt/libvirt-sock';
  const driver = env.COMPUTE_AGENT_DRIVER ?? (existsSync(socket) ? 'libvirt' : 'fake');
  return {
    COMPUTE_AGENT_DRIVER: driver,
    COMPUTE_AGENT_VIRT_TYPE: env.COMPUTE_AGENT_VIRT_TYPE ?? (hasHardwareVirtualisation() ? 'kvm' : 'qemu'),
    COMPUTE_AGENT_LIBVIRT_NETNS:
      env.COMPUTE_AGENT_LIBVIRT_NETNS ?? (driver === 'libvirt' ? libvirtdNetns() : ''),
    COMPUTE_AGENT_DHCP:
      env.COMPUTE_AGENT_DHCP ??
      (driver === 'libvirt' && process.getuid?.() === 0 && hasDnsmasq() ? 'dnsmasq' : 'none'),
  };
}
