import { Logger } from '@nestjs/common';
import {
  AttachedVolumeSpec,
  AttachInterfaceToInstance,
  AttachVolumeToInstance,
  BuildInstance,
  BuildInstanceRequest,
  DeleteInstance,
  DetachInterfaceFromInstance,
  DetachVolumeFromInstance,
  ErrorCode,
  GetConsoleOutput,
  HostStateReport,
  InstanceUpdated,
  InstanceUpdatedEvent,
  NetworkInterfaceSpec,
  PowerAction,
  PowerActionOnInstance,
  SnapshotInstance,
  SnapshotInstanceRequest,
} from '@stratus/contracts';
import { BusService, DomainError, JsonKv } from '@stratus/platform';
import {
  HypervisorDriver,
  HypervisorError,
  InstanceSpec,
  NicSpec,
  PowerState,
  VolumeSpec,
} from '@stratus/hypervisor';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../config/agent-config';
import type { DhcpServer } from '../dhcp/dhcp-server';
import { snapshotDisk, uploadImageData } from '../images/disk-snapshot';
import { ImageCache } from '../images/image-cache';
import { ensureBridge, tapName } from './bridges';
import { vmStateOf } from './vm-state';

/** A volume's disk: its id is the serial the guest finds it by. */
function volumeSpec(volume: AttachedVolumeSpec): VolumeSpec {
  return { path: volume.path, serial: volume.volumeId, format: volume.format, readOnly: volume.readOnly };
}

/** A port's NIC: its tap is named after the port, as Nova names it. */
function nicSpec(nic: NetworkInterfaceSpec): NicSpec {
  return { mac: nic.macAddress, bridge: nic.bridge, tapName: tapName(nic.portId), mtu: nic.mtu };
}

const EVENT_FOR_ACTION: Record<PowerAction, string> = {
  'reboot-soft': 'rebooting',
  'reboot-hard': 'rebooting_hard',
  stop: 'powering-off',
  start: 'powering-on',
  pause: 'pausing',
  unpause: 'unpausing',
  suspend: 'suspending',
  resume: 'resuming',
};

/**
 * nova-compute for one host: answers only this host's subjects, drives the hypervisor through its
 * driver, and reports instance states as events and the host's state on every heartbeat. It never
 * touches a database.
 */
export class HostAgent {
  private readonly logger: Logger;
  private readonly startedAt = new Date().toISOString();
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;
  private unsubscribe?: () => void;
  /** Root disk sizes of this host's instances, for snapshots of guests without a disk file. */
  private readonly rootSizes = new Map<string, number>();
  /** Instances with an operation under way: lifecycle events for them are the operation's to report. */
  private readonly busy = new Set<string>();

  constructor(
    readonly host: string,
    private readonly driver: HypervisorDriver,
    private readonly bus: BusService,
    private readonly hostStates: JsonKv<HostStateReport>,
    private readonly config: AgentConfig,
    private readonly instancesDir: string,
    private readonly images: ImageCache | undefined,
    private readonly dhcp: DhcpServer,
  ) {
    this.logger = new Logger(`HostAgent ${host}`);
  }

  async start(): Promise<void> {
    // Guests keep running while the agent is away: serve their DHCP again, but start either way.
    await this.dhcp
      .start(new Set((await this.driver.listInstances()).map((i) => i.uuid)))
      .catch((error: unknown) => this.logger.error(`could not restore DHCP: ${String(error)}`));
    this.bus.serve(BuildInstance(this.host), async (request) => {
      void this.build(request);
      return { accepted: true as const };
    });
    this.bus.serve(PowerActionOnInstance(this.host), (request) => this.power(request.uuid, request.action));
    this.bus.serve(DeleteInstance(this.host), async (request) => {
      await this.delete(request.uuid, request.keepRootDisk ?? false);
      return { deleted: true as const };
    });
    this.bus.serve(SnapshotInstance(this.host), (request) => this.snapshot(request));
    this.bus.serve(AttachVolumeToInstance(this.host), async (request) => ({
      device: await this.guard(() => this.driver.attachVolume(request.uuid, volumeSpec(request))),
    }));
    this.bus.serve(DetachVolumeFromInstance(this.host), async (request) => {
      await this.guard(() => this.driver.detachVolume(request.uuid, request.volumeId));
      return { detached: true as const };
    });
    this.bus.serve(AttachInterfaceToInstance(this.host), async (request) => {
      await this.attachInterface(request.uuid, request.nic, request.hostname ?? '');
      return { attached: true as const };
    });
    this.bus.serve(DetachInterfaceFromInstance(this.host), async (request) => {
      try {
        await this.guard(() => this.driver.detachInterface(request.uuid, request.macAddress));
      } catch (error) {
        // A NIC the guest does not have is gone all the same: its DHCP entry must not outlive it.
        if (error instanceof DomainError && error.type === 'NIC_NOT_ATTACHED') {
          await this.unplugDhcp(request.uuid, request.portId);
        }
        throw error;
      }
      await this.unplugDhcp(request.uuid, request.portId);
      return { detached: true as const };
    });
    this.bus.serve(GetConsoleOutput(this.host), async (request) => ({
      output: await this.guard(() => this.driver.getConsoleOutput(request.uuid)).then((text) =>
        request.lines
          ? text
              .split('\n')
              .slice(-request.lines - 1)
              .join('\n')
          : text,
      ),
    }));
    this.unsubscribe = this.driver.onPowerStateChange((change) => {
      if (this.busy.has(change.uuid)) return;
      void this.publish(change.uuid, {
        vmState: vmStateOf(change.powerState),
        taskState: null,
        powerState: change.powerState,
      });
    });
    await this.report();
    this.heartbeat = setInterval(
      () => void this.report(),
      this.config.COMPUTE_AGENT_HEARTBEAT_SECONDS * 1000,
    );
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.unsubscribe?.();
    await this.driver.close();
  }

  /** Publishes the host's capacity and instances, which the scheduler's view is made of. */
  async report(): Promise<void> {
    if (this.stopped) return;
    try {
      const info = await this.driver.hostInfo();
      const instances = await this.driver.listInstances();
      await this.hostStates.put(this.host, {
        host: this.host,
        nodename: this.host,
        vcpus: info.vcpus,
        memoryMb: info.memoryMb,
        diskGb: info.diskGb,
        reservedMemoryMb: this.config.COMPUTE_AGENT_RESERVED_HOST_MEMORY_MB,
        reservedDiskGb: this.config.COMPUTE_AGENT_RESERVED_HOST_DISK_GB,
        reservedVcpus: this.config.COMPUTE_AGENT_RESERVED_HOST_CPUS,
        cpuAllocationRatio: this.config.COMPUTE_AGENT_CPU_ALLOCATION_RATIO,
        ramAllocationRatio: this.config.COMPUTE_AGENT_RAM_ALLOCATION_RATIO,
        diskAllocationRatio: this.config.COMPUTE_AGENT_DISK_ALLOCATION_RATIO,
        hypervisorType: info.hypervisorType,
        hypervisorVersion: info.hypervisorVersion,
        cpuArch: info.cpuArch,
        availabilityZone: this.config.COMPUTE_AGENT_AVAILABILITY_ZONE,
        instanceUuids: instances.map((i) => i.uuid),
        runningVms: instances.filter((i) => i.powerState === PowerState.Running).length,
        heartbeatAt: new Date().toISOString(),
        agentStartedAt: this.startedAt,
      });
    } catch (error) {
      this.logger.error(`heartbeat failed: ${String(error)}`);
    }
  }

  private async build(request: BuildInstanceRequest): Promise<void> {
    this.busy.add(request.uuid);
    const folder = join(this.instancesDir, request.uuid);
    // A disk kept through a resize holds the guest's data: a failed build must not take it along.
    const keptDisk = existsSync(join(folder, 'disk'));
    try {
      await this.publish(request.uuid, {
        vmState: 'building',
        taskState: 'spawning',
        powerState: PowerState.NoState,
      });
      mkdirSync(folder, { recursive: true });
      const spec: InstanceSpec = {
        uuid: request.uuid,
        name: request.name,
        vcpus: request.flavor.vcpus,
        memoryMb: request.flavor.memoryMb,
        rootDisk: request.rootVolume
          ? {
              path: request.rootVolume.path,
              format: request.rootVolume.format,
              serial: request.rootVolume.volumeId,
            }
          : { path: join(folder, 'disk'), format: 'qcow2', sizeGb: request.flavor.rootGb || undefined },
        volumes: (request.volumes ?? []).map(volumeSpec),
        nics: request.networks.map(nicSpec),
        serialLogPath: join(folder, 'console.log'),
      };
      if (this.images) await this.prepareHostResources(request, spec);
      await this.dhcp.plug({ uuid: request.uuid, hostname: request.hostname }, request.networks);
      await this.driver.spawn(spec);
      this.rootSizes.set(request.uuid, request.flavor.rootGb);
      const powerState = await this.driver.getPowerState(request.uuid);
      this.busy.delete(request.uuid);
      await this.publish(request.uuid, { vmState: vmStateOf(powerState), taskState: null, powerState });
    } catch (error) {
      this.logger.warn(`build of ${request.uuid} failed: ${String(error)}`);
      await this.driver.destroy(request.uuid, { deleteDisks: !keptDisk }).catch(() => undefined);
      await this.unplugDhcp(request.uuid);
      if (!keptDisk) rmSync(folder, { recursive: true, force: true });
      this.busy.delete(request.uuid);
      await this.publish(request.uuid, {
        vmState: 'error',
        taskState: null,
        powerState: PowerState.NoState,
        fault: { code: 500, message: error instanceof Error ? error.message : String(error) },
        rescheduleable: true,
      });
    }
    void this.report();
  }

  /** Caches the images (root disk, and a kernel and ramdisk for direct boot) and creates the bridges. */
  private async prepareHostResources(request: BuildInstanceRequest, spec: InstanceSpec): Promise<void> {
    const images = this.images!;
    if (request.image && !request.rootVolume) {
      spec.rootDisk.backingFile = await images.fetch(request.image, request.authToken);
      spec.rootDisk.backingFormat = request.image.diskFormat === 'raw' ? 'raw' : 'qcow2';
    }
    if (request.kernel) {
      spec.kernelBoot = {
        kernelPath: await images.fetch(request.kernel, request.authToken),
        initrdPath: request.ramdisk ? await images.fetch(request.ramdisk, request.authToken) : undefined,
        cmdline: request.kernelCommandLine ?? undefined,
      };
    }
    for (const nic of request.networks) {
      await ensureBridge(nic.bridge, nic.mtu, this.config.COMPUTE_AGENT_LIBVIRT_NETNS || undefined);
    }
  }

  /**
   * Serves the port's DHCP before the guest sees the NIC, as a build does, so that the guest's
   * first request is answered; a NIC the hypervisor refuses takes its DHCP entry back out, unless
   * the guest already has it (a repeated request), whose DHCP must stay.
   */
  private async attachInterface(uuid: string, nic: NetworkInterfaceSpec, hostname: string): Promise<void> {
    await this.guard(() => this.driver.getPowerState(uuid));
    // Bridges exist on hosts with a data plane only, as at build.
    if (this.images) {
      await ensureBridge(nic.bridge, nic.mtu, this.config.COMPUTE_AGENT_LIBVIRT_NETNS || undefined);
    }
    await this.dhcp.plug({ uuid, hostname }, [nic]);
    try {
      await this.guard(() => this.driver.attachInterface(uuid, nicSpec(nic)));
    } catch (error) {
      if (!(error instanceof DomainError && error.type === 'NIC_ALREADY_ATTACHED')) {
        await this.unplugDhcp(uuid, nic.portId);
      }
      throw error;
    }
  }

  /** Pauses a running guest while its disk is copied, then uploads the copy to the image record. */
  private async snapshot(request: SnapshotInstanceRequest): Promise<{ size: number }> {
    const uuid = request.uuid;
    const before = await this.guard(() => this.driver.getPowerState(uuid));
    this.busy.add(uuid);
    let copy: Awaited<ReturnType<typeof snapshotDisk>> | undefined;
    try {
      await this.publish(uuid, {
        vmState: vmStateOf(before),
        taskState: 'image_pending_upload',
        powerState: before,
      });
      if (before === PowerState.Running) await this.driver.pause(uuid);
      try {
        const disk = join(this.instancesDir, uuid, 'disk');
        copy = await snapshotDisk(
          existsSync(disk) ? disk : undefined,
          request.diskFormat === 'raw' ? 'raw' : 'qcow2',
          this.rootSizes.get(uuid) ?? 1,
        );
      } finally {
        if (before === PowerState.Running) await this.driver.unpause(uuid);
      }
      await this.publish(uuid, {
        vmState: vmStateOf(before),
        taskState: 'image_uploading',
        powerState: before,
      });
      const size = await uploadImageData(copy.path, request.uploadUrl, request.authToken);
      return { size };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError(
        ErrorCode.Conflict,
        `Snapshot of ${uuid} failed: ${String(error)}`,
        'SnapshotFailed',
      );
    } finally {
      copy?.cleanup();
      this.busy.delete(uuid);
      const now = await this.driver.getPowerState(uuid).catch(() => before);
      await this.publish(uuid, { vmState: vmStateOf(now), taskState: null, powerState: now });
    }
  }

  private async power(uuid: string, action: PowerAction): Promise<{ powerState: number }> {
    this.busy.add(uuid);
    try {
      await this.publish(uuid, {
        vmState: vmStateOf(await this.guard(() => this.driver.getPowerState(uuid))),
        taskState: EVENT_FOR_ACTION[action],
        powerState: await this.driver.getPowerState(uuid),
      });
      await this.guard(() => this.apply(uuid, action));
      const powerState = await this.driver.getPowerState(uuid);
      await this.publish(uuid, { vmState: vmStateOf(powerState), taskState: null, powerState });
      return { powerState };
    } finally {
      this.busy.delete(uuid);
    }
  }

  private apply(uuid: string, action: PowerAction): Promise<void> {
    switch (action) {
      case 'reboot-soft':
        return this.driver.reboot(uuid, 'SOFT');
      case 'reboot-hard':
        return this.driver.reboot(uuid, 'HARD');
      case 'stop':
        return this.driver.powerOff(uuid, { timeoutMs: 0 });
      case 'start':
        return this.driver.powerOn(uuid);
      case 'pause':
        return this.driver.pause(uuid);
      case 'unpause':
        return this.driver.unpause(uuid);
      case 'suspend':
        return this.driver.suspend(uuid);
      case 'resume':
        return this.driver.resume(uuid);
    }
  }

  private async delete(uuid: string, keepRootDisk: boolean): Promise<void> {
    this.busy.add(uuid);
    try {
      await this.driver.destroy(uuid, { deleteDisks: !keepRootDisk });
      await this.unplugDhcp(uuid);
      if (!keepRootDisk) rmSync(join(this.instancesDir, uuid), { recursive: true, force: true });
      await this.publish(uuid, { vmState: 'deleted', taskState: null, powerState: PowerState.NoState });
    } finally {
      this.busy.delete(uuid);
    }
    void this.report();
  }

  /** A guest (or NIC) that is gone stays gone even when its DHCP entries could not be removed. */
  private async unplugDhcp(uuid: string, portId?: string): Promise<void> {
    await this.dhcp.unplug(uuid, portId).catch((error: unknown) => {
      this.logger.warn(`could not remove the DHCP entries of ${uuid}: ${String(error)}`);
    });
  }

  /** Hypervisor errors become domain errors the caller can tell apart (404 for an unknown instance). */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof HypervisorError && error.code === 'INSTANCE_NOT_FOUND') {
        throw new DomainError(ErrorCode.NotFound, error.message, 'InstanceNotFound');
      }
      if (error instanceof HypervisorError)
        throw new DomainError(ErrorCode.Conflict, error.message, error.code);
      throw error;
    }
  }

  private async publish(
    uuid: string,
    state: Pick<InstanceUpdatedEvent, 'vmState' | 'taskState' | 'powerState' | 'fault' | 'rescheduleable'>,
  ): Promise<void> {
    const event: InstanceUpdatedEvent = {
      uuid,
      host: this.host,
      nodename: this.host,
      at: new Date().toISOString(),
      ...state,
    };
    await this.bus.publishDurable(InstanceUpdated, event).catch((error: unknown) => {
      this.logger.error(`could not publish the state of ${uuid}: ${String(error)}`);
    });
  }
}
