import { Injectable } from '@nestjs/common';
import { ErrorCode, GetNetwork, GetPort, ImageRef, ImageSpec, ListNetworks } from '@stratus/contracts';
import {
  AuthContext,
  badRequest,
  conflict,
  DomainError,
  forbidden,
  RpcClient,
  settled,
} from '@stratus/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { FlavorsService } from '../flavors/flavors.service';
import type { FlavorEntity } from '../flavors/flavor.entity';
import { HostsService } from '../hosts/hosts.service';
import { ImagesClient } from '../images/images.client';
import { KeypairsService } from '../keypairs/keypairs.service';
import { QuotasService } from '../quotas/quotas.service';
import { ServerGroupsService } from '../server-groups/server-groups.service';
import { bootPlanOf, bootPlanOfImage, mappingsOfImage } from './block-device-mappings';
import { BlockDevicesService } from './block-devices.service';
import { BUILD_ACTION, BuildService } from './build.service';
import { InstanceActionsService } from './instance-actions.service';
import type {
  InstanceEntity,
  InstanceFlavor,
  KernelBoot,
  RequestedNetwork,
  SchedulerHints,
} from './instance.entity';
import { InstanceStore } from './instance.store';
import type { BlockDeviceMapping, CreateServerBody } from './server-schemas';
import { PowerState, TaskState, VmState } from './server-state';

export interface CreatedServers {
  instances: InstanceEntity[];
  adminPass: string;
  reservationId: string;
}

const GIB = 1024 ** 3;

export function instanceFlavor(flavor: FlavorEntity): InstanceFlavor {
  return {
    id: flavor.id,
    name: flavor.name,
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    rootGb: flavor.rootGb,
    ephemeralGb: flavor.ephemeralGb,
    swap: flavor.swap,
    extraSpecs: flavor.extraSpecs,
  };
}

/** Nova's sanitize_hostname: lower case, letters, digits and dashes, at most 63 characters. */
export function hostnameOf(displayName: string, uuid: string): string {
  const name = displayName
    .toLowerCase()
    .replace(/[ _]/g, '-')
    .replace(/[^a-z0-9.-]/g, '')
    .slice(0, 63)
    .replace(/^[.-]+|[.-]+$/g, '');
  return name || `server-${uuid}`;
}

function refId(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.NotFound;
}

/** Creating servers: everything Nova checks before it answers 202, then the build in the background. */
@Injectable()
export class ServersService {
  constructor(
    private readonly store: InstanceStore,
    private readonly flavors: FlavorsService,
    private readonly images: ImagesClient,
    private readonly keypairs: KeypairsService,
    private readonly quotas: QuotasService,
    private readonly groups: ServerGroupsService,
    private readonly hosts: HostsService,
    private readonly actions: InstanceActionsService,
    private readonly build: BuildService,
    private readonly blockDevices: BlockDevicesService,
    private readonly rpc: RpcClient,
  ) {}

  async create(
    auth: AuthContext,
    requestId: string,
    body: CreateServerBody,
    version: Microversion,
  ): Promise<CreatedServers> {
    const projectId = computePolicy.member(auth, 'os_compute_api:servers:create');
    const { server } = body;
    const hints = body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'] ?? {};
    const min = server.min_count ?? 1;
    const max = server.max_count ?? min;
    if (min > max) throw badRequest('min_count must be <= max_count');

    const metadata = server.metadata ?? {};
    const userData = server.user_data ?? null;
    const groupId = hints.group;
    // The lookups are independent: they run side by side, and their errors are reported in
    // Nova's order, as if they had run one after the other.
    const [image, keypairFound, zone, metadataChecked, groupChecked, networks] = await Promise.allSettled([
      this.flavorFor(server.flavorRef, auth).then(async (flavor) => {
        const boot = await this.bootSourceFor(server.imageRef, server.block_device_mapping_v2, auth, flavor);
        return { flavor, boot, kernelBoot: await this.kernelBootFor(boot.imageProperties, auth) };
      }),
      server.key_name ? this.keypairFor(auth.userId, server.key_name) : Promise.resolve(null),
      this.placementFor(auth, server.availability_zone),
      this.quotas.checkMetadata(projectId, Object.keys(metadata).length),
      groupId
        ? this.groups.get(groupId, auth.isAdmin ? null : projectId).catch(() => {
            throw badRequest(`Invalid server group ${groupId}: it could not be found.`);
          })
        : Promise.resolve(null),
      this.networksFor(auth, projectId, server.networks, version),
    ]);
    const { flavor, boot, kernelBoot } = settled(image);
    const keypair = settled(keypairFound);
    const placement = settled(zone);
    settled(metadataChecked);
    if (userData !== null && !isBase64(userData)) throw badRequest('User data needs to be valid base 64.');
    settled(groupChecked);
    const requested = settled(networks);
    if (max > 1 && requested.some((n) => n.portId)) {
      throw badRequest('Multiple instances cannot be created with the same port.');
    }
    const count = await this.quotas.checkServers(projectId, flavor, min, max);
    if (groupId) await this.quotas.checkGroupMembers(projectId, groupId, count);

    const reservationId = `r-${randomBytes(4).toString('hex')}`;
    const adminPass = server.adminPass ?? randomBytes(9).toString('base64url');
    const securityGroups = [...new Set((server.security_groups ?? [{ name: 'default' }]).map((g) => g.name))];
    const now = new Date();
    const schedulerHints: SchedulerHints = {
      availabilityZone: placement.zone,
      forceHost: placement.host,
      sameHost: hints.same_host as string[] | undefined,
      differentHost: hints.different_host as string[] | undefined,
    };
    const instances: InstanceEntity[] = [];
    for (let index = 0; index < count; index++) {
      const uuid = randomUUID();
      const displayName = count > 1 ? `${server.name}-${index + 1}` : server.name;
      instances.push(
        this.store.repository.create({
          uuid,
          displayName,
          description: (server as { description?: string | null }).description ?? null,
          projectId,
          userId: auth.userId,
          imageRef: boot.imageRef,
          imageProperties: boot.imageProperties,
          imageSpec: boot.imageSpec,
          kernelBoot,
          blockDevices: boot.volumes,
          flavor: instanceFlavor(flavor),
          oldFlavor: null,
          keyName: keypair?.name ?? null,
          keyData: keypair?.publicKey ?? null,
          userData,
          metadata,
          tags: [...new Set((server as { tags?: string[] }).tags ?? [])],
          securityGroups,
          requestedNetworks: requested,
          vifs: [],
          vmState: VmState.BUILDING,
          taskState: TaskState.SCHEDULING,
          powerState: PowerState.NOSTATE,
          host: null,
          node: null,
          availabilityZone: placement.zone ?? null,
          launchedAt: null,
          terminatedAt: null,
          createdAt: now,
          updatedAt: now,
          deleted: false,
          deletedAt: null,
          locked: false,
          lockedBy: null,
          hostname: hostnameOf(displayName, uuid),
          reservationId,
          launchIndex: index,
          configDrive: isTrue(server.config_drive) ? 'True' : '',
          accessIpV4: server.accessIPv4 ?? null,
          accessIpV6: server.accessIPv6 ?? null,
          diskConfig: server['OS-DCF:diskConfig'] ?? 'AUTO',
          serverGroupId: groupId ?? null,
          schedulerHints,
          pendingOperation: 'build',
          operationDeadline: this.build.deadline(),
          buildAttempts: 0,
          triedHosts: [],
          alternates: [],
          operationToken: auth.token,
          lastEventAt: null,
          fault: null,
        }),
      );
    }
    await this.store.repository.save(instances);
    await this.recheckQuota(projectId, flavor, instances);
    for (const instance of instances) {
      await this.actions.start({
        instanceUuid: instance.uuid,
        action: BUILD_ACTION,
        requestId,
        projectId,
        userId: auth.userId,
      });
    }
    this.build.launch(
      instances.map((i) => i.uuid),
      requested,
    );
    return { instances, adminPass, reservationId };
  }

  /** Another replica may have created servers at the same time: if both went over, this one backs out. */
  private async recheckQuota(
    projectId: string,
    flavor: FlavorEntity,
    created: InstanceEntity[],
  ): Promise<void> {
    const [limits, usage] = await Promise.all([this.quotas.limits(projectId), this.quotas.usage(projectId)]);
    const over = (['instances', 'cores', 'ram'] as const).find((r) => limits[r] >= 0 && usage[r] > limits[r]);
    if (!over) return;
    await this.store.repository.delete(created.map((i) => i.id));
    const each = { instances: 1, cores: flavor.vcpus, ram: flavor.memoryMb }[over];
    const requested = each * created.length;
    throw new DomainError(
      ErrorCode.Forbidden,
      `Quota exceeded for ${over}: Requested ${requested}, but already used ${usage[over] - requested} of ${limits[over]} ${over}`,
      'OverQuota',
    );
  }

  async flavorFor(flavorRef: string, auth: AuthContext): Promise<FlavorEntity> {
    try {
      const flavor = await this.flavors.get(refId(flavorRef), {
        projectId: auth.projectId,
        isAdmin: auth.isAdmin,
      });
      if (flavor.disabled) throw badRequest('Flavor is disabled.');
      return flavor;
    } catch (error) {
      if (isNotFound(error)) throw badRequest('Invalid flavorRef provided.');
      throw error;
    }
  }

  /**
   * What the server boots from: the image for a local root disk, or a root volume (whose image
   * metadata, or its source image's properties, stand for the image's). A root volume does not use
   * the flavor's disk, so only the volume's size is checked against the image. An image of a
   * volume-backed server brings its own mappings: its snapshots become the new server's volumes.
   */
  private async bootSourceFor(
    imageRef: string | undefined,
    mappings: BlockDeviceMapping[] | undefined,
    auth: AuthContext,
    flavor: FlavorEntity,
  ) {
    let plan = bootPlanOf(imageRef, mappings);
    let rootVolume = plan.volumes.find((volume) => volume.bootIndex === 0);
    let image: ImageRef | null = null;
    let imageCarriesVolumes = false;
    if (plan.imageId) {
      image = await this.imageFor(
        plan.imageId,
        auth,
        rootVolume ? { ...instanceFlavor(flavor), rootGb: 0 } : flavor,
      );
      const imageMappings = rootVolume ? [] : mappingsOfImage(image.properties);
      if (imageMappings.length > 0) {
        imageCarriesVolumes = true;
        plan = bootPlanOfImage(image.id, imageMappings, mappings);
        rootVolume = plan.volumes.find((volume) => volume.bootIndex === 0);
      }
      const volumeGb = rootVolume?.sourceType === 'image' ? rootVolume.volumeSize : null;
      const needed = Math.max(image.minDisk * GIB, image.size ?? 0);
      if (volumeGb && needed > volumeGb * GIB) {
        throw badRequest(
          `Volume is smaller than the minimum size specified in image metadata. Volume size is ${volumeGb * GIB} bytes, minimum size is ${needed} bytes.`,
        );
      }
    }
    const volumeMetadata = await this.blockDevices.checkRequested(plan.volumes, auth);
    return {
      // As in Nova, a server booted from a volume shows no image, unless an image brought the volume.
      imageRef: rootVolume && !imageCarriesVolumes ? '' : (image?.id ?? ''),
      imageSpec: rootVolume ? null : this.imageSpec(image!),
      volumes: plan.volumes,
      imageProperties: image?.properties ?? volumeMetadata ?? {},
    };
  }

  async imageFor(
    imageId: string,
    auth: AuthContext,
    flavor: InstanceFlavor | FlavorEntity,
  ): Promise<ImageRef> {
    let image: ImageRef;
    try {
      image = await this.images.get(imageId, auth);
    } catch (error) {
      if (isNotFound(error)) throw badRequest(`Image ${imageId} could not be found.`);
      throw error;
    }
    if (image.status !== 'active') throw badRequest(`Image ${imageId} is not active.`);
    if (image.minRam > flavor.memoryMb) throw badRequest("Flavor's memory is too small for requested image.");
    if (flavor.rootGb > 0) {
      if ((image.size ?? 0) > flavor.rootGb * GIB) {
        throw badRequest(
          `Flavor's disk is too small for requested image. Flavor disk is ${flavor.rootGb * GIB} bytes, image is ${image.size} bytes.`,
        );
      }
      if (image.minDisk > flavor.rootGb) {
        throw badRequest(
          `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavor.rootGb * GIB} bytes, minimum size is ${image.minDisk * GIB} bytes.`,
        );
      }
    }
    return image;
  }

  /** An image with kernel_id (and ramdisk_id) boots that kernel directly: the host needs those images too. */
  async kernelBootFor(properties: Record<string, string>, auth: AuthContext): Promise<KernelBoot | null> {
    const kernelId = properties.kernel_id;
    if (!kernelId) return null;
    const companion = async (id: string) => {
      try {
        return this.imageSpec(await this.images.get(id, auth));
      } catch (error) {
        if (isNotFound(error)) throw badRequest(`Image ${id} could not be found.`);
        throw error;
      }
    };
    const ramdiskId = properties.ramdisk_id;
    return {
      kernel: await companion(kernelId),
      ramdisk: ramdiskId ? await companion(ramdiskId) : null,
      commandLine: properties.os_command_line ?? null,
    };
  }

  imageSpec(image: ImageRef): ImageSpec {
    return {
      id: image.id,
      url: `${this.images.endpoint}${image.file}`,
      checksum: image.checksum,
      osHashAlgo: image.osHashAlgo,
      osHashValue: image.osHashValue,
      diskFormat: image.diskFormat ?? 'raw',
      size: image.size,
      properties: image.properties,
    };
  }

  private async keypairFor(userId: string, name: string) {
    try {
      return await this.keypairs.get(userId, name);
    } catch (error) {
      if (isNotFound(error)) throw badRequest('Invalid key_name provided.');
      throw error;
    }
  }

  /** availability_zone is "zone", or for admins "zone:host" (a forced host) and "zone:host:node". */
  private async placementFor(
    auth: AuthContext,
    requested: string | undefined,
  ): Promise<{ zone?: string; host?: string }> {
    if (!requested) return {};
    const [zone, host] = requested.split(':');
    if (host) {
      if (!auth.isAdmin)
        throw forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
    }
    if (zone) {
      const zones = new Set((await this.hosts.list()).map((h) => h.zone));
      if (!zones.has(zone)) throw badRequest('The requested availability zone is not available');
    }
    return { zone: zone || undefined, host: host || undefined };
  }

  /** Resolves the request's networks now, so the client hears about unknown networks and ports at once. */
  private async networksFor(
    auth: AuthContext,
    projectId: string,
    networks: CreateServerBody['server']['networks'],
    version: Microversion,
  ): Promise<RequestedNetwork[]> {
    if (networks === 'none') return [];
    if (networks === undefined && version.atLeast('2.37')) {
      throw badRequest(
        "Invalid input for field/attribute server. Value: None. 'networks' is a required property",
      );
    }
    if (networks === 'auto' || networks === undefined || networks.length === 0) {
      const available = await this.rpc.request(ListNetworks, { projectId });
      if (available.length > 1) {
        throw conflict(
          'Multiple possible networks found, use a Network ID to be more specific.',
          'NetworkAmbiguous',
        );
      }
      if (available.length === 0) {
        if (networks === 'auto') {
          throw badRequest(`Unable to automatically allocate a network for project ${projectId}`);
        }
        return [];
      }
      return [{ networkId: available[0].id, networkName: available[0].name }];
    }
    const requested: RequestedNetwork[] = [];
    for (const entry of networks) {
      const tag = (entry as { tag?: string }).tag;
      if (entry.port) {
        if (entry.fixed_ip) throw badRequest('Specified Fixed IP and port together is not allowed.');
        let port;
        try {
          port = await this.rpc.request(GetPort, { portId: entry.port });
        } catch (error) {
          if (isNotFound(error)) throw badRequest(`Port ${entry.port} could not be found.`);
          throw error;
        }
        if (port.projectId !== projectId && !auth.isAdmin)
          throw badRequest(`Port ${entry.port} could not be found.`);
        if (port.deviceId) throw conflict(`Port ${entry.port} is still in use.`, 'PortInUse');
        requested.push({ portId: port.id, networkId: port.networkId, tag });
        continue;
      }
      let network;
      try {
        network = await this.rpc.request(GetNetwork, { networkId: entry.uuid!, projectId });
      } catch (error) {
        if (isNotFound(error)) throw badRequest(`Network ${entry.uuid} could not be found.`);
        throw error;
      }
      requested.push({ networkId: network.id, networkName: network.name, fixedIp: entry.fixed_ip, tag });
    }
    return requested;
  }
}

function isBase64(text: string): boolean {
  const compact = text.replace(/\s/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0;
}

function isTrue(value: boolean | string | undefined): boolean {
  if (typeof value === 'boolean') return value;
  return ['true', '1', 'yes', 'on', 't', 'y'].includes((value ?? '').toLowerCase());
}
