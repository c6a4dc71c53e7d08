import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { GetConsoleOutput, PowerAction } from '@stratus/contracts';
import { Auth, AuthContext, badRequest, conflict, notFound, RpcClient } from '@stratus/platform';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { parseBody } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links, RequestId } from '../common/nova-request';
import { overQuota, QuotasService } from '../quotas/quotas.service';
import { InstanceStore } from './instance.store';
import { InstanceEntity, rootVolumeOf, volumeImageOf } from './instance.entity';
import { requireUnlocked } from './server-locks';
import { RECREATE, Requester, ServerOperationsService, requireState } from './server-operations.service';
import { ServerViews } from './server-context';
import { rebuildSchema } from './server-schemas';
import { TaskState, VmState } from './server-state';
import { serverDetail } from './server-view';
import { ServersService, instanceFlavor } from './servers.service';
import { ServerSnapshotsService } from './server-snapshots.service';
import { ServerSecurityGroupsService } from './server-security-groups.service';

const empty = z.null().or(z.object({}).strict());
const ref = z.union([z.string().min(1).max(255), z.number().int()]).transform(String);

const POWER: Record<string, PowerAction> = {
  'os-stop': 'stop',
  'os-start': 'start',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
};

const consoleLength = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
    z.null(),
  ])
  .optional();

/** POST /servers/{id}/action: Nova's server actions, one per request body. */
@Controller('v2.1/servers/:id/action')
export class ServerActionsController {
  constructor(
    private readonly store: InstanceStore,
    private readonly operations: ServerOperationsService,
    private readonly servers: ServersService,
    private readonly quotas: QuotasService,
    private readonly snapshots: ServerSnapshotsService,
    private readonly securityGroups: ServerSecurityGroupsService,
    private readonly views: ServerViews,
    private readonly rpc: RpcClient,
  ) {}

  @Post()
  @HttpCode(202)
  async act(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) {
      throw badRequest('Malformed request body: exactly one action is expected.');
    }
    const [name, argument] = Object.entries(body as Record<string, unknown>)[0];
    const requester: Requester = { auth, requestId };
    computePolicy.member(auth, `os_compute_api:servers:${name}`);
    const instance = await this.store.visible(id, auth);

    if (name in POWER) {
      parseBody(empty, argument);
      requireUnlocked(instance, auth);
      await this.operations.power(instance, POWER[name], requester);
      return;
    }
    switch (name) {
      case 'reboot': {
        const { type } = parseBody(
          z.object({ type: z.enum(['SOFT', 'HARD', 'soft', 'hard']) }).strict(),
          argument,
        );
        requireUnlocked(instance, auth);
        await this.operations.power(
          instance,
          type.toUpperCase() === 'HARD' ? 'reboot-hard' : 'reboot-soft',
          requester,
        );
        return;
      }
      case 'lock':
        parseBody(empty, argument);
        await this.operations.record(instance, requester, 'lock');
        instance.locked = true;
        // Nova: the owner's lock, or an admin's from outside the project that the owner cannot lift.
        instance.lockedBy = instance.projectId === auth.projectId ? 'owner' : 'admin';
        await this.store.save(instance);
        return;
      case 'unlock':
        parseBody(empty, argument);
        if (instance.locked && instance.lockedBy === 'admin' && !auth.isAdmin) {
          computePolicy.admin(auth, 'os_compute_api:os-lock-server:unlock:unlock_override');
        }
        await this.operations.record(instance, requester, 'unlock');
        instance.locked = false;
        instance.lockedBy = null;
        await this.store.save(instance);
        return;
      case 'rebuild':
        return this.rebuild(instance, argument, requester, version, links, response);
      case 'resize':
        return this.resize(instance, argument, requester);
      case 'confirmResize': {
        parseBody(empty, argument);
        requireUnlocked(instance, auth);
        requireState(instance, 'confirmResize', { vmStates: [VmState.RESIZED] });
        await this.operations.record(instance, requester, 'confirmResize');
        instance.vmState = VmState.ACTIVE;
        instance.oldFlavor = null;
        await this.store.save(instance);
        response.status(204);
        return;
      }
      case 'revertResize': {
        parseBody(empty, argument);
        requireUnlocked(instance, auth);
        await this.operations.start(
          instance,
          'revert-resize',
          {
            flavor: instance.oldFlavor ?? instance.flavor,
            oldFlavor: instance.flavor,
            taskState: TaskState.RESIZE_REVERTING,
            operationToken: auth.token,
          },
          { action: 'revertResize', vmStates: [VmState.RESIZED] },
        );
        await this.operations.record(
          instance,
          requester,
          RECREATE['revert-resize'].action,
          RECREATE['revert-resize'].event,
        );
        this.operations.recreate(instance, 'revert-resize');
        return;
      }
      case 'createImage':
        return this.snapshots.create(instance, argument, requester, version, response);
      case 'os-getConsoleOutput': {
        const { length } = parseBody(z.object({ length: consoleLength }).strict(), argument);
        if (length !== undefined && length !== null && length < -1) {
          throw badRequest(
            'Invalid input for field/attribute length. length must be -1 or a positive integer.',
          );
        }
        if (!instance.host || instance.vmState === VmState.BUILDING) {
          throw conflict(`Instance ${instance.uuid} is not ready yet.`, 'InstanceNotReady');
        }
        const lines = length === undefined || length === null || length === -1 ? undefined : length;
        const { output } = await this.rpc.request(GetConsoleOutput(instance.host), {
          uuid: instance.uuid,
          lines,
        });
        response.status(200);
        return { output };
      }
      case 'addSecurityGroup':
      case 'removeSecurityGroup': {
        const { name: group } = parseBody(z.object({ name: z.string().min(1).max(255) }).strict(), argument);
        if (name === 'addSecurityGroup') await this.securityGroups.add(instance, group, auth.token);
        else await this.securityGroups.remove(instance, group, auth.token);
        return;
      }
      default:
        throw notFound(`There is no such action: ${name}`);
    }
  }

  private async rebuild(
    instance: InstanceEntity,
    argument: unknown,
    requester: Requester,
    version: Microversion,
    links: LinkBuilder,
    response: Response,
  ) {
    const rebuild = parseBody(rebuildSchema(version), argument);
    requireUnlocked(instance, requester.auth);
    requireState(instance, 'rebuild', { vmStates: [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR] });
    if (!instance.host) {
      throw conflict(
        `Cannot 'rebuild' instance ${instance.uuid} while it is in vm_state ${instance.vmState}`,
      );
    }
    const imageId = rebuild.imageRef.split('/').pop()!;
    const rootVolume = rootVolumeOf(instance);
    if (rootVolume && imageId !== volumeImageOf(instance, rootVolume)) {
      throw badRequest('Unable to rebuild with a different image for a volume-backed server.');
    }
    const image = await this.servers.imageFor(
      imageId,
      requester.auth,
      rootVolume ? { ...instance.flavor, rootGb: 0 } : instance.flavor,
    );
    if (rebuild.metadata)
      await this.quotas.checkMetadata(instance.projectId, Object.keys(rebuild.metadata).length);
    const description = (rebuild as { description?: string | null }).description;
    await this.operations.start(
      instance,
      'rebuild',
      {
        ...(rootVolume
          ? {}
          : {
              imageRef: image.id,
              imageProperties: image.properties,
              imageSpec: this.servers.imageSpec(image),
            }),
        kernelBoot: await this.servers.kernelBootFor(image.properties, requester.auth),
        taskState: TaskState.REBUILDING,
        operationToken: requester.auth.token,
        ...(rebuild.name !== undefined ? { displayName: rebuild.name } : {}),
        ...(rebuild.metadata !== undefined ? { metadata: rebuild.metadata } : {}),
        ...(rebuild.accessIPv4 !== undefined ? { accessIpV4: rebuild.accessIPv4 } : {}),
        ...(rebuild.accessIPv6 !== undefined ? { accessIpV6: rebuild.accessIPv6 } : {}),
        ...(rebuild['OS-DCF:diskConfig'] !== undefined ? { diskConfig: rebuild['OS-DCF:diskConfig'] } : {}),
        ...(description !== undefined ? { description } : {}),
      },
      { action: 'rebuild', vmStates: [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR] },
    );
    await this.operations.record(instance, requester, RECREATE.rebuild.action, RECREATE.rebuild.event);
    this.operations.recreate(instance, 'rebuild');
    const view = serverDetail(instance, this.views.context(requester.auth, version, links));
    response.status(202);
    return { server: { ...view, adminPass: rebuild.adminPass ?? randomPassword() } };
  }

  private async resize(instance: InstanceEntity, argument: unknown, requester: Requester) {
    const { flavorRef } = parseBody(
      z.object({ flavorRef: ref, 'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional() }).strict(),
      argument,
    );
    requireUnlocked(instance, requester.auth);
    requireState(instance, 'resize', { vmStates: [VmState.ACTIVE, VmState.STOPPED] });
    if (!instance.host)
      throw conflict(`Cannot 'resize' instance ${instance.uuid} while it is in vm_state ${instance.vmState}`);
    let flavor;
    try {
      flavor = await this.servers.flavorFor(flavorRef, requester.auth);
    } catch {
      throw badRequest('Unable to locate requested flavor.');
    }
    if (flavor.id === instance.flavor.id) throw badRequest('When resizing, instances must change flavor!');
    if (!rootVolumeOf(instance) && flavor.rootGb < instance.flavor.rootGb) {
      throw badRequest('Unable to resize disk down.');
    }
    const limits = await this.quotas.limits(instance.projectId);
    const usage = await this.quotas.usage(instance.projectId);
    for (const [resource, delta] of [
      ['cores', flavor.vcpus - instance.flavor.vcpus],
      ['ram', flavor.memoryMb - instance.flavor.memoryMb],
    ] as const) {
      if (delta > 0 && limits[resource] >= 0 && usage[resource] + delta > limits[resource]) {
        throw overQuota(
          `Quota exceeded for ${resource}: Requested ${delta}, but already used ${usage[resource]} of ${limits[resource]} ${resource}`,
        );
      }
    }
    await this.operations.start(
      instance,
      'resize',
      {
        flavor: instanceFlavor(flavor),
        oldFlavor: instance.flavor,
        taskState: TaskState.RESIZE_PREP,
        operationToken: requester.auth.token,
      },
      { action: 'resize', vmStates: [VmState.ACTIVE, VmState.STOPPED] },
    );
    await this.operations.record(instance, requester, RECREATE.resize.action, RECREATE.resize.event);
    this.operations.recreate(instance, 'resize');
  }
}

function randomPassword(): string {
  return randomBytes(9).toString('base64url');
}
