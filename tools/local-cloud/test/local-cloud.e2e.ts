import { SERVICE_REGISTRY } from '@stratus/platform';
import {
  CliCredentials,
  expectEventually,
  freePorts,
  jsonOf,
  openstack,
  openstackSdk,
} from '@stratus/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRY = join(__dirname, '..', '..', '..', 'dist', 'tools', 'local-cloud', 'src', 'main.js');

/** Reads an openrc file the way `source` would see its exports. */
function credentialsFrom(openrc: string): CliCredentials {
  const vars = Object.fromEntries(
    readFileSync(openrc, 'utf8')
      .split('\n')
      .map((line) => /^export (\w+)='?(.*?)'?$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  return {
    authUrl: vars.OS_AUTH_URL,
    username: vars.OS_USERNAME,
    password: vars.OS_PASSWORD,
    projectName: vars.OS_PROJECT_NAME,
  };
}

function hostHas(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** dnsmasq processes serving this network's DHCP (their files are in a folder named after it). */
function dnsmasqFor(networkId: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return command.includes('dnsmasq') && command.includes(networkId);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

describe('npm start (the local cloud)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratus-local-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    NATS_NAMESPACE: `lc${randomBytes(4).toString('hex')}`,
    STRATUS_DEMO_PASSWORD: 'demo-password',
    // Guests' disks must be where QEMU's own user can reach them, unlike a private temp folder.
    COMPUTE_AGENT_INSTANCES_DIR: `/var/lib/libvirt/images/stratus-local-${randomBytes(4).toString('hex')}`,
    BLOCK_STORAGE_VOLUMES_DIR: `/var/lib/libvirt/images/stratus-volumes-${randomBytes(4).toString('hex')}`,
    IDENTITY_PASSWORD_HASH_ROUNDS: '4',
    LOG_LEVEL: 'warn',
  };

  beforeAll(async () => {
    const ports = await freePorts(SERVICE_REGISTRY.length);
    SERVICE_REGISTRY.forEach((service, i) => (env[service.portVariable] = String(ports[i])));
  });

  afterAll(async () => {
    // A step that failed midway leaves the first cloud running.
    if (first?.child.exitCode === null) await stopCloud(first.child);
    // A service that died takes the cloud down; its log, about to be removed, says why.
    for (const [, name] of (first?.output() ?? '').matchAll(/Stratus: (\S+) stopped unexpectedly/g)) {
      const log = join(dataDir, 'logs', `${name}.log`);
      if (existsSync(log)) {
        process.stderr.write(
          `${name} log:\n${readFileSync(log, 'utf8').split('\n').slice(-80).join('\n')}\n`,
        );
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(env.COMPUTE_AGENT_INSTANCES_DIR, { recursive: true, force: true });
    rmSync(env.BLOCK_STORAGE_VOLUMES_DIR, { recursive: true, force: true });
  });

  async function startCloud(): Promise<{ child: ChildProcess; output: () => string }> {
    const { DATABASE_URL: _unused, ...inherited } = process.env;
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes('Press Ctrl-C to stop')) {
          clearInterval(check);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(check);
          reject(new Error(`local cloud exited:\n${output}`));
        }
      }, 50);
    });
    return { child, output: () => output };
  }

  async function stopCloud(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });
  }

  // One cloud for the steps below, which run in order: guests are slow to boot, the cloud is not.
  let first: { child: ChildProcess; output: () => string };
  let demo: CliCredentials;
  let admin: CliCredentials;
  const consoleOf = async (id: string) => (await openstack(demo, [['console', 'log', 'show', id]]))[0].stdout;
  // Serial console lines end in \r\n, and the guest's DHCP lines may come after the last DISKS line.
  const lastDisks = (log: string) =>
    log
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line.startsWith('DISKS:'))
      .at(-1);

  it("brings the cloud up with openrc files that work, and boots the issue's openstacksdk server", async () => {
    first = await startCloud();
    expect(first.output()).toContain('identity');
    demo = credentialsFrom(join(dataDir, 'demo-openrc'));
    admin = credentialsFrom(join(dataDir, 'admin-openrc'));
    expect(demo.password).toBe('demo-password');
    const [token, catalog, images, networks] = await openstack(demo, [
      ['token', 'issue', '-f', 'json'],
      ['catalog', 'list', '-f', 'json'],
      ['image', 'list', '-f', 'json'],
      ['network', 'list', '-f', 'json'],
    ]);
    expect(
      jsonOf<{ Name: string }[]>(networks)
        .map((n) => n.Name)
        .sort(),
    ).toEqual(['private', 'public']);
    expect(jsonOf<{ Name: string; Status: string }[]>(images)).toEqual(
      expect.arrayContaining([{ ID: expect.any(String), Name: 'test_image', Status: 'active' }]),
    );
    expect(jsonOf<{ project_id: string }>(token).project_id).toMatch(/^[0-9a-f]{32}$/);
    expect(jsonOf<{ Type: string }[]>(catalog).map((c) => c.Type)).toEqual(
      expect.arrayContaining(['identity', 'image']),
    );

    // The openstacksdk script, unchanged but for the names and where the credentials come from.
    const booted = await openstackSdk(
      demo,
      `
import os
from openstack import connection
conn = connection.Connection(auth_url=os.environ["OS_AUTH_URL"], project_name="demo", username="demo", password=os.environ["OS_PASSWORD"], user_domain_id="default", project_domain_id="default")
image = conn.compute.find_image("test_image")
flavor = conn.compute.find_flavor("m1.tiny")
network = conn.network.find_network("private")
server = conn.compute.create_server(name="test_server", image_id=image.id, flavor_id=flavor.id, networks=[{"uuid": network.id}])
server = conn.compute.wait_for_server(server)
print(server.status)
conn.compute.delete_server(server)
conn.compute.wait_for_delete(server)
print("deleted")
`,
    );
    expect(booted.trim().split('\n')).toEqual(['ACTIVE', 'deleted']);
  }, 120_000);

  it('runs a server as a TCG guest that gets its address over DHCP and sees a hot-plugged volume, and deletes it without leftovers', async () => {
    // libvirtd answers here (tools/libvirt/start-libvirtd.sh), so that server was a real TCG guest:
    // its console shows the tiny guest booting, and deleting it leaves no domain, disk or tap.
    expect(existsSync('/run/libvirt/libvirt-sock')).toBe(true);
    const [created] = await openstack(demo, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'm1.tiny',
        '--network',
        'private',
        '--wait',
        'guest',
        '-f',
        'json',
      ],
    ]);
    const server = jsonOf<{ id: string; status: string }>(created);
    expect(server.status).toBe('ACTIVE');
    await expectEventually(
      async () => {
        const [log] = await openstack(demo, [['console', 'log', 'show', server.id]]);
        expect(log.stdout).toContain('TINY-GUEST-MARKER');
      },
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    // The guest asks for its address over DHCP and gets the one Neutron gave its port, with the
    // subnet's gateway and the network's MTU, from a dnsmasq in a namespace of the network's own.
    const [ports, networkShown] = await openstack(demo, [
      ['port', 'list', '--server', server.id, '-f', 'json'],
      ['network', 'show', 'private', '-f', 'json'],
    ]);
    const [port] = jsonOf<{ ID: string; 'Fixed IP Addresses': { ip_address: string }[] }[]>(ports);
    const address = port['Fixed IP Addresses'][0].ip_address;
    const network = jsonOf<{ id: string; mtu: number }>(networkShown);
    await expectEventually(
      async () => {
        const log = await consoleOf(server.id);
        expect(log).toContain(`IP: eth0 ${address}/24 gw 10.0.0.1`);
        expect(log).toContain(`DHCP-OPTIONS: mtu=${network.mtu}`);
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );
    expect(namespaces()).toContain(`qdhcp-${network.id}`);
    expect(dnsmasqFor(network.id)).toHaveLength(1);
    // A volume hot-plugged through the API shows up in the guest under its id (virtio keeps 20
    // characters of a serial), and is gone from it once removed.
    const [volumeCreated] = await openstack(demo, [
      ['volume', 'create', '--size', '1', 'data', '-f', 'json'],
    ]);
    const volume = jsonOf<{ id: string }>(volumeCreated).id;
    await expectEventually(async () => {
      const [shown] = await openstack(demo, [['volume', 'show', volume, '-f', 'json']]);
      expect(jsonOf<{ status: string }>(shown).status).toBe('available');
    });
    const [added] = await openstack(demo, [['server', 'add', 'volume', server.id, volume]]);
    expect(added.rc).toBe(0);
    await expectEventually(
      async () =>
        expect(lastDisks(await consoleOf(server.id))).toBe(`DISKS: vda= vdb=${volume.slice(0, 20)}`),
      {
        timeoutMs: 60_000,
        intervalMs: 2000,
      },
    );
    const [removed, detached] = await openstack(demo, [
      ['server', 'remove', 'volume', server.id, volume],
      ['volume', 'show', volume, '-f', 'json'],
    ]);
    expect(removed.rc).toBe(0);
    expect(jsonOf<{ status: string }>(detached).status).toBe('available');
    await expectEventually(async () => expect(lastDisks(await consoleOf(server.id))).toBe('DISKS: vda='), {
      timeoutMs: 60_000,
      intervalMs: 2000,
    });

    // A NIC hot-plugged through the API is in the running guest, and gone from it once removed.
    const [nicAdded, portsAfter] = await openstack(demo, [
      ['server', 'add', 'network', server.id, 'private'],
      ['port', 'list', '--server', server.id, '-f', 'json'],
    ]);
    expect(nicAdded.rc).toBe(0);
    const extra = jsonOf<{ ID: string; 'MAC Address': string }[]>(portsAfter).find((p) => p.ID !== port.ID)!;
    const interfaces = () =>
      execFileSync('virsh', ['-c', 'qemu:///system', 'domiflist', server.id], { encoding: 'utf8' });
    expect(interfaces()).toContain(extra['MAC Address']);
    const [nicRemoved] = await openstack(demo, [['server', 'remove', 'port', server.id, extra.ID]]);
    expect(nicRemoved.rc).toBe(0);
    expect(interfaces()).not.toContain(extra['MAC Address']);

    const tap = `tap${port.ID.slice(0, 11)}`;
    expect(hostHas('ip', ['-n', 'stratus-lv', 'link', 'show', tap])).toBe(true);
    const [deleted] = await openstack(demo, [['server', 'delete', '--wait', server.id]]);
    expect(deleted.rc).toBe(0);
    expect(hostHas('virsh', ['-c', 'qemu:///system', 'dominfo', server.id])).toBe(false);
    expect(readdirSync(env.COMPUTE_AGENT_INSTANCES_DIR, { recursive: true }).join('\n')).not.toContain(
      server.id,
    );
    expect(hostHas('ip', ['-n', 'stratus-lv', 'link', 'show', tap])).toBe(false);
    // Its port was the network's last on this host: the DHCP server and its namespace went with it.
    expect(dnsmasqFor(network.id)).toEqual([]);
    expect(namespaces()).not.toContain(`qdhcp-${network.id}`);
    const [volumeDeleted] = await openstack(demo, [['volume', 'delete', volume]]);
    expect(volumeDeleted.rc).toBe(0);
  }, 300_000);

  it('boots a TCG guest from a volume made from the image, and keeps the volume after it', async () => {
    const [bootedFromVolume] = await openstack(demo, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--boot-from-volume',
        '1',
        '--flavor',
        'm1.tiny',
        '--network',
        'private',
        '--wait',
        'volume-guest',
        '-f',
        'json',
      ],
    ]);
    const volumeGuest = jsonOf<{ id: string; status: string; volumes_attached: { id: string }[] }>(
      bootedFromVolume,
    );
    expect(volumeGuest.status).toBe('ACTIVE');
    const [{ id: rootVolume }] = volumeGuest.volumes_attached;
    await expectEventually(
      async () =>
        expect(lastDisks(await consoleOf(volumeGuest.id))).toBe(`DISKS: vda=${rootVolume.slice(0, 20)}`),
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    const [volumeGuestDeleted] = await openstack(demo, [['server', 'delete', '--wait', volumeGuest.id]]);
    expect(volumeGuestDeleted.rc).toBe(0);
    expect(hostHas('virsh', ['-c', 'qemu:///system', 'dominfo', volumeGuest.id])).toBe(false);
    const [kept, volumesDeleted] = await openstack(demo, [
      ['volume', 'show', rootVolume, '-f', 'json'],
      ['volume', 'delete', rootVolume],
    ]);
    expect(jsonOf<{ status: string; bootable: string }>(kept)).toMatchObject({
      status: 'available',
      bootable: 'true',
    });
    expect(volumesDeleted.rc).toBe(0);
  }, 300_000);

  it('stops cleanly and starts again idempotently', async () => {
    expect(await stopCloud(first.child)).toBe(0);

    const second = await startCloud();
    const [projects] = await openstack(admin, [['project', 'list', '-f', 'json']]);
    expect(
      jsonOf<{ Name: string }[]>(projects)
        .map((p) => p.Name)
        .sort(),
    ).toEqual(['admin', 'demo']);
    expect(await stopCloud(second.child)).toBe(0);
  });
});
