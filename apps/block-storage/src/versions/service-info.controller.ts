import { Controller, Get, Inject } from '@nestjs/common';
import { Database } from '@stratus/platform';
import type { VolumeDriver } from '../backend/volume-driver';
import { BLOCK_STORAGE_CONFIG, VOLUME_DRIVER } from '../block-storage.tokens';
import { cinderPolicy } from '../common/actor';
import { cinderBoolean, parseValue } from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import type { ListSpec } from '../common/list-params';
import { cinderTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { VolumeEntity } from '../persistence/block-storage.entities';
import { ATTACHMENT_LIST_SPEC } from '../attachments/attachments.service';
import { MESSAGE_LIST_SPEC } from '../messages/messages.controller';
import { ServiceLiveness, VOLUME_BINARY } from '../services/service-liveness';
import { SNAPSHOT_LIST_SPEC } from '../snapshots/snapshots.service';
import { VolumeTypesService } from '../volume-types/volume-types.service';
import { VolumeManager } from '../volumes/volume-manager';
import { VOLUME_LIST_SPEC } from '../volumes/volumes.service';

const EXTENSIONS = [
  ['AvailabilityZones', 'os-availability-zone', 'Describe Availability Zones.'],
  ['ExtendedSnapshotAttributes', 'os-extended-snapshot-attributes', 'Extended SnapshotAttributes support.'],
  ['VolumeHostAttribute', 'os-vol-host-attr', 'Expose host as an attribute of a volume.'],
  [
    'VolumeTenantAttribute',
    'os-vol-tenant-attr',
    'Expose the internal project_id as an attribute of a volume.',
  ],
  [
    'VolumeMigStatusAttribute',
    'os-vol-mig-status-attr',
    'Expose migration_status as an attribute of a volume.',
  ],
  ['VolumeImageMetadata', 'os-vol-image-meta', 'Show image metadata associated with the volume.'],
  ['VolumeActions', 'os-volume-actions', 'Enable volume actions.'],
  ['AdminActions', 'os-admin-actions', 'Enable admin actions.'],
  ['Quotas', 'os-quota-sets', 'Quota management support.'],
  ['QuotaClasses', 'os-quota-class-sets', 'Quota classes management support.'],
  ['UsedLimits', 'os-used-limits', 'Provide data on limited resources that are being used.'],
  ['Types_manage', 'os-types-manage', 'Types manage support.'],
  ['Types_extra_specs', 'os-types-extra-specs', 'Type extra specs support.'],
  ['VolumeTypeAccess', 'os-volume-type-access', 'Volume type access support.'],
  ['Scheduler_stats', 'scheduler-stats', 'Scheduler stats support.'],
  ['Services', 'os-services', 'Services support.'],
].map(([name, alias, description]) => ({
  name,
  alias,
  description,
  links: [],
  updated: '2022-08-31T00:00:00+00:00',
}));

/** What each list accepts as filters (3.33), from the same specs the lists use. */
const FILTERS: Record<string, ListSpec> = {
  volume: VOLUME_LIST_SPEC,
  snapshot: SNAPSHOT_LIST_SPEC,
  attachment: ATTACHMENT_LIST_SPEC,
  message: MESSAGE_LIST_SPEC,
};

/** Availability zones, extensions, pools, services and resource filters: what the backend offers. */
@Controller()
export class ServiceInfoController {
  constructor(
    private readonly db: Database,
    private readonly manager: VolumeManager,
    private readonly types: VolumeTypesService,
    private readonly liveness: ServiceLiveness,
    @Inject(VOLUME_DRIVER) private readonly driver: VolumeDriver,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  @Get(v3Paths('os-availability-zone'))
  zones(@CallerOf() caller: Caller) {
    cinderPolicy.reader(caller, 'volume_extension:availability_zone_list');
    return {
      availabilityZoneInfo: [
        { zoneName: this.config.BLOCK_STORAGE_AVAILABILITY_ZONE, zoneState: { available: true } },
      ],
    };
  }

  @Get(v3Paths('extensions'))
  extensions(@CallerOf() caller: Caller) {
    cinderPolicy.reader(caller, 'volume_extension:extensions');
    return { extensions: EXTENSIONS };
  }

  @Get(v3Paths('scheduler-stats/get_pools'))
  async pools(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    cinderPolicy.admin(caller, 'scheduler_extension:scheduler_stats:get_pools');
    const detailText = query.get('detail');
    const detail = detailText !== null && parseValue(cinderBoolean, detailText, 'detail');
    if (caller.version.atLeast('3.28') && !(await this.poolMatches(caller, query))) return { pools: [] };
    if (!detail) return { pools: [{ name: this.manager.host }] };
    const capacity = await this.driver.capacity();
    const allocated = await this.db.manager
      .createQueryBuilder(VolumeEntity, 'v')
      .select('COALESCE(SUM(v.size), 0)', 'total')
      .where('v.host = :host', { host: this.manager.host })
      .getRawOne<{ total: string | number }>();
    return {
      pools: [
        {
          name: this.manager.host,
          capabilities: {
            pool_name: this.driver.backendName,
            volume_backend_name: this.driver.backendName,
            vendor_name: 'Stratus',
            driver_version: '1.0.0',
            storage_protocol: this.driver.storageProtocol,
            total_capacity_gb: capacity.totalGb,
            free_capacity_gb: capacity.freeGb,
            allocated_capacity_gb: Number(allocated?.total ?? 0),
            provisioned_capacity_gb: Number(allocated?.total ?? 0),
            thin_provisioning_support: true,
            thick_provisioning_support: false,
            max_over_subscription_ratio: '20.0',
            reserved_percentage: 0,
            multiattach: true,
            online_extend_support: this.manager.format === 'raw',
            timestamp: cinderTime(new Date()),
          },
        },
      ],
    };
  }

  /** 3.28 pool filters: the pool's name, and a volume type it could hold. */
  private async poolMatches(caller: Caller, query: URLSearchParams): Promise<boolean> {
    const name = query.get('name');
    if (name !== null && name !== this.manager.host) return false;
    const typeName = query.get('volume_type');
    if (typeName === null) return true;
    const type = await this.types.find(caller, typeName).catch(() => undefined);
    if (!type) return false;
    const backend = (await this.types.loadOne(type)).extraSpecs.volume_backend_name;
    return backend === undefined || backend === this.driver.backendName;
  }

  /** Cinder's service list: every process's scheduler and volume service, down once silent. */
  @Get(v3Paths('os-services'))
  async services(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    cinderPolicy.admin(caller, 'volume_extension:services:index');
    const host = query.get('host');
    const binary = query.get('binary');
    const services = (await this.liveness.list()).filter(
      (s) => (host === null || s.host === host) && (binary === null || s.binary === binary),
    );
    return {
      services: services.map((s) => ({
        binary: s.binary,
        host: s.host,
        zone: s.availabilityZone,
        status: 'enabled',
        state: s.up ? 'up' : 'down',
        updated_at: cinderTime(s.updatedAt),
        disabled_reason: null,
        ...(s.binary === VOLUME_BINARY && caller.version.atLeast('3.49')
          ? { backend_state: s.up ? 'up' : 'down' }
          : {}),
      })),
    };
  }

  @Get(v3Paths('resource_filters'))
  filters(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    if (!caller.version.atLeast('3.33')) throw cinderErrors.versionNotFound(caller.version.toString());
    cinderPolicy.reader(caller, 'volume:resource_filters');
    const resource = query.get('resource');
    const entries = Object.entries(FILTERS).filter(([name]) => resource === null || resource === name);
    return {
      resource_filters: entries.map(([name, spec]) => ({
        resource: name,
        filters: Object.keys(spec.filters).sort(),
      })),
    };
  }
}
