import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `ip` in the network namespace libvirtd runs in (where it creates the taps), or in ours. */
function ip(netns: string | undefined, args: string[]) {
  return run('ip', netns ? ['-n', netns, ...args] : args);
}

/** Linux bridges for the networks this host's guests use (a bridge per network is enough here). */
export async function ensureBridge(
  name: string,
  mtu: number | undefined,
  netns: string | undefined,
): Promise<void> {
  try {
    await ip(netns, ['link', 'show', 'dev', name]);
  } catch {
    await ip(netns, ['link', 'add', 'name', name, 'type', 'bridge']).catch((error: unknown) => {
      // Another build on this host may have created it a moment ago.
      if (!String(error).includes('File exists')) throw error;
    });
  }
  if (mtu) await ip(netns, ['link', 'set', 'dev', name, 'mtu', String(mtu)]);
  await ip(netns, ['link', 'set', 'dev', name, 'up']);
}

/** Nova names a port's tap after the port: "tap" and the first 11 characters of its id. */
export function tapName(portId: string): string {
  return `tap${portId.slice(0, 11)}`;
}
