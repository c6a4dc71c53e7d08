import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  AttachInterfaceToInstance,
  CreatePort,
  DetachInterfaceFromInstance,
  ErrorCode,
  GetNetwork,
  GetPort,
  ListNetworks,
} from '@stratus/contracts';
import { Auth, AuthContext, badRequest, conflict, DomainError, notFound, RpcClient } from '@stratus/platform';
import { isIP } from 'node:net';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { parseBody } from '../common/nova-input';
import { ApiVersion, RequestId } from '../common/nova-request';
import { tagParam, uuidParam } from '../common/nova-schemas';
import { BuildService } from './build.service';
import { InstanceActionsService } from './instance-actions.service';
import type { InstanceEntity, InstanceVif } from './instance.entity';
import { InstanceStore } from './instance.store';
import { NetworkAllocator } from './network-allocator';
import { requireUnlocked } from './server-locks';
import { requireState } from './server-operations.service';
import { VmState } from './server-state';

function attachSchema(version: Microversion) {
  return z
    .object({
      interfaceAttachment: z
        .object({
          net_id: uuidParam.optional(),
          port_id: uuidParam.optional(),
          fixed_ips: z
            .array(
              z
                .object({ ip_address: z.string().refine((ip) => isIP(ip) !== 0, 'not an IP address') })
                .strict(),
            )
            .max(1)
            .optional(),
          ...(version.atLeast('2.49') ? { tag: tagParam.optional() } : {}),
        })
        .strict()
        .optional(),
    })
    .strict();
}

function view(vif: InstanceVif, portState: string) {
  return {
    net_id: vif.networkId,
    port_id: vif.portId,
    mac_addr: vif.macAddress,
    port_state: portState,
    fixed_ips: vif.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.address })),
  };
}

const ATTACHABLE = { vmStates: [VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED] };

/** A hot-plug waits for the guest's device event, and a detach may ask the guest several times. */
const INTERFACE_TIMEOUT_MS = 90_000;

/**
 * os-interface: the server's ports. Attaching binds the port to the server's host and has the
 * host's agent plug the NIC into the guest; detaching unplugs it before the port is released.
 */
@Controller('v2.1/servers/:id/os-interface')
export class ServerInterfacesController {
  constructor(
    private readonly store: InstanceStore,
    private readonly network: NetworkAllocator,
    private readonly actions: InstanceActionsService,
    private readonly build: BuildService,
    private readonly rpc: RpcClient,
  ) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    computePolicy.reader(auth, 'os_compute_api:os-attach-interfaces:list');
    const instance = await this.store.visible(id, auth);
    return { interfaceAttachments: await Promise.all(instance.vifs.map((v) => this.live(v))) };
  }

  @Get(':portId')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @Param('portId') portId: string) {
    computePolicy.reader(auth, 'os_compute_api:os-attach-interfaces:show');
    const instance = await this.store.visible(id, auth);
    const vif = instance.vifs.find((v) => v.portId === portId);
    if (!vif) throw notFound(`Port ${portId} is not attached`, 'PortNotFound');
    return { interfaceAttachment: await this.live(vif) };
  }

  @Post()
  @HttpCode(200)
  async attach(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
    @RequestId() requestId: string,
  ) {
    computePolicy.member(auth, 'os_compute_api:os-attach-interfaces:create');
    const request = parseBody(attachSchema(version), body).interfaceAttachment ?? {};
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    requireState(instance, 'attach_interface', ATTACHABLE);
    if (!instance.host)
      throw conflict(`Cannot 'attach_interface' instance ${id} while it is in vm_state ${instance.vmState}`);
    if (request.port_id && request.net_id) throw badRequest('Must not input both network_id and port_id');
    if (request.port_id && request.fixed_ips)
      throw badRequest('Specified Fixed IP and port together is not allowed.');
    const tag = (request as { tag?: string }).tag ?? null;
    return this.build.mutex.run(instance.uuid, async () => {
      await this.actions.start(
        {
          instanceUuid: id,
          action: 'attach_interface',
          requestId,
          projectId: instance.projectId,
          userId: auth.userId,
        },
        { name: 'compute_attach_interface', host: instance.host },
      );
      try {
        const host = instance.host!;
        const vif = await this.newVif(instance, auth, request, tag);
        let bound: InstanceVif;
        try {
          [bound] = await this.network.bind({ ...instance, vifs: [vif] } as InstanceEntity, host);
          await this.rpc.request(
            AttachInterfaceToInstance(host),
            { uuid: id, nic: this.network.interfaces([bound])[0], hostname: instance.hostname },
            INTERFACE_TIMEOUT_MS,
          );
        } catch (error) {
          // The guest did not get the NIC: the port goes back as it was (deleted when made here).
          await this.network.release([vif]);
          throw error;
        }
        const current = await this.store.visible(id, auth);
        current.vifs = [...current.vifs, bound];
        await this.store.save(current);
        await this.actions.finishEvent(id, 'attach_interface', 'compute_attach_interface', { ok: true });
        return { interfaceAttachment: view(bound, 'ACTIVE') };
      } catch (error) {
        await this.actions.finishEvent(id, 'attach_interface', 'compute_attach_interface', {
          ok: false,
          traceback: String(error),
        });
        throw error;
      }
    });
  }

  @Delete(':portId')
  @HttpCode(202)
  async detach(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('portId') portId: string,
    @RequestId() requestId: string,
  ): Promise<void> {
    computePolicy.member(auth, 'os_compute_api:os-attach-interfaces:delete');
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    requireState(instance, 'detach_interface', ATTACHABLE);
    const vif = instance.vifs.find((v) => v.portId === portId);
    if (!vif) throw notFound(`Port ${portId} is not attached`, 'PortNotFound');
    await this.build.mutex.run(instance.uuid, async () => {
      await this.actions.start(
        {
          instanceUuid: id,
          action: 'detach_interface',
          requestId,
          projectId: instance.projectId,
          userId: auth.userId,
        },
        { name: 'compute_detach_interface', host: instance.host },
      );
      try {
        if (instance.host) await this.unplug(instance.host, id, vif);
      } catch (error) {
        await this.actions.finishEvent(id, 'detach_interface', 'compute_detach_interface', {
          ok: false,
          traceback: String(error),
        });
        throw error;
      }
      await this.network.release([vif]);
      const current = await this.store.visible(id, auth);
      current.vifs = current.vifs.filter((v) => v.portId !== portId);
      await this.store.save(current);
      await this.actions.finishEvent(id, 'detach_interface', 'compute_detach_interface', { ok: true });
    });
  }

  /** Unplugs the NIC; one the guest does not have (attached before hot-plug existed) is already gone. */
  private async unplug(host: string, uuid: string, vif: InstanceVif): Promise<void> {
    try {
      await this.rpc.request(
        DetachInterfaceFromInstance(host),
        { uuid, portId: vif.portId, macAddress: vif.macAddress },
        INTERFACE_TIMEOUT_MS,
      );
    } catch (error) {
      if (error instanceof DomainError && error.type === 'NIC_NOT_ATTACHED') return;
      throw error;
    }
  }

  private async newVif(
    instance: InstanceEntity,
    auth: AuthContext,
    request: { net_id?: string; port_id?: string; fixed_ips?: { ip_address: string }[] },
    tag: string | null,
  ): Promise<InstanceVif> {
    if (request.port_id) {
      let port;
      try {
        port = await this.rpc.request(GetPort, { portId: request.port_id });
      } catch (error) {
        if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
          throw notFound(`Port ${request.port_id} could not be found.`, 'PortNotFound');
        }
        throw error;
      }
      if (port.projectId !== instance.projectId && !auth.isAdmin) {
        throw notFound(`Port ${request.port_id} could not be found.`, 'PortNotFound');
      }
      if (port.deviceId) throw conflict(`Port ${request.port_id} is still in use.`, 'PortInUse');
      return this.network.vifForPort(port.id, instance.projectId, false, tag);
    }
    let networkId = request.net_id;
    if (!networkId) {
      const available = await this.rpc.request(ListNetworks, { projectId: instance.projectId });
      if (available.length !== 1) {
        throw conflict(
          'Multiple possible networks found, use a Network ID to be more specific.',
          'NetworkAmbiguous',
        );
      }
      networkId = available[0].id;
    }
    try {
      await this.rpc.request(GetNetwork, { networkId, projectId: instance.projectId });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw notFound(`Network ${networkId} could not be found.`, 'NetworkNotFound');
      }
      throw error;
    }
    const port = await this.rpc.request(CreatePort, {
      projectId: instance.projectId,
      networkId,
      deviceId: instance.uuid,
      deviceOwner: `compute:${instance.availabilityZone ?? 'nova'}`,
      fixedIps: request.fixed_ips?.map((ip) => ({ ipAddress: ip.ip_address })),
      securityGroups: instance.securityGroups,
    });
    return this.network.vifForPort(port.id, instance.projectId, true, tag);
  }

  private async live(vif: InstanceVif) {
    try {
      const port = await this.rpc.request(GetPort, { portId: vif.portId });
      return view(vif, port.status);
    } catch {
      return view(vif, 'DOWN');
    }
  }
}
