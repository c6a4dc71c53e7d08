import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  COMPUTE_ALLOCATIONS_BUCKET,
  COMPUTE_HOST_SERVICE_BUCKET,
  COMPUTE_HOST_STATE_BUCKET,
  HostAllocations,
  HostServiceState,
  HostStateReport,
} from '@stratus/contracts';
import { BusService, isUniqueViolation, JsonKv } from '@stratus/platform';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { ComputeHostEntity } from './compute-host.entity';

/** One compute host as os-services, os-hypervisors and availability zones show it. */
export interface ComputeHost {
  id: number;
  uuid: string;
  host: string;
  state: HostStateReport;
  allocations: HostAllocations;
  service: HostServiceState;
  /** Heard from within service_down_time and not forced down. */
  up: boolean;
  zone: string;
}

const NO_ALLOCATIONS: HostAllocations = { allocations: {}, failedBuilds: 0 };

/**
 * Follows the agents' host state, the scheduler's allocations and our own service switches from
 * their JetStream buckets, so reads never poll; writes the service switches (os-services).
 */
@Injectable()
export class HostsService implements OnModuleInit, OnApplicationShutdown {
  private readonly states = new Map<string, HostStateReport>();
  private readonly allocations = new Map<string, HostAllocations>();
  private readonly services = new Map<string, HostServiceState>();
  private readonly ids = new Map<string, ComputeHostEntity>();
  private readonly stops: (() => void)[] = [];
  private serviceBucket: JsonKv<HostServiceState>;

  constructor(
    private readonly bus: BusService,
    @InjectRepository(ComputeHostEntity) private readonly hosts: Repository<ComputeHostEntity>,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const row of await this.hosts.find()) this.ids.set(row.host, row);
    this.serviceBucket = await this.bus.keyValue<HostServiceState>(COMPUTE_HOST_SERVICE_BUCKET);
    const states = await this.bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    const allocations = await this.bus.keyValue<HostAllocations>(COMPUTE_ALLOCATIONS_BUCKET);
    this.stops.push(await states.watch((key, value) => mirror(this.states, key, value)));
    this.stops.push(await allocations.watch((key, value) => mirror(this.allocations, key, value)));
    this.stops.push(await this.serviceBucket.watch((key, value) => mirror(this.services, key, value)));
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
  }

  /** Every host an agent has reported, oldest id first. */
  async list(): Promise<ComputeHost[]> {
    const hosts: ComputeHost[] = [];
    for (const [host, state] of this.states) {
      const ids = await this.idsOf(host);
      const service = this.serviceState(host);
      const heardAgo = Date.now() - Date.parse(state.heartbeatAt);
      hosts.push({
        id: ids.id,
        uuid: ids.uuid,
        host,
        state,
        allocations: this.allocations.get(host) ?? NO_ALLOCATIONS,
        service,
        up: !service.forcedDown && heardAgo <= this.config.COMPUTE_SERVICE_DOWN_TIME_SECONDS * 1000,
        zone: state.availabilityZone || this.config.COMPUTE_DEFAULT_AVAILABILITY_ZONE,
      });
    }
    return hosts.sort((a, b) => a.id - b.id);
  }

  async find(host: string): Promise<ComputeHost | undefined> {
    return this.states.has(host) ? (await this.list()).find((h) => h.host === host) : undefined;
  }

  /** Nova's host_status of a server's host (2.16). */
  hostStatus(host: string | null): string {
    if (!host) return '';
    const state = this.states.get(host);
    if (!state) return 'UNKNOWN';
    const service = this.serviceState(host);
    const heardAgo = Date.now() - Date.parse(state.heartbeatAt);
    if (service.forcedDown || heardAgo > this.config.COMPUTE_SERVICE_DOWN_TIME_SECONDS * 1000) return 'DOWN';
    return service.disabled ? 'MAINTENANCE' : 'UP';
  }

  /** Availability zone of a host, for servers that asked for none. */
  zoneOf(host: string): string {
    return this.states.get(host)?.availabilityZone || this.config.COMPUTE_DEFAULT_AVAILABILITY_ZONE;
  }

  async setService(
    host: string,
    change: Partial<Omit<HostServiceState, 'updatedAt'>>,
  ): Promise<HostServiceState> {
    const next: HostServiceState = {
      ...this.serviceState(host),
      ...change,
      updatedAt: new Date().toISOString(),
    };
    if (!next.disabled) next.disabledReason = null;
    await this.serviceBucket.put(host, next);
    this.services.set(host, next);
    return next;
  }

  private serviceState(host: string): HostServiceState {
    return (
      this.services.get(host) ?? {
        disabled: false,
        disabledReason: null,
        forcedDown: false,
        updatedAt: this.states.get(host)?.agentStartedAt ?? new Date(0).toISOString(),
      }
    );
  }

  private async idsOf(host: string): Promise<ComputeHostEntity> {
    const known = this.ids.get(host);
    if (known) return known;
    try {
      await this.hosts.insert({ host, uuid: randomUUID() });
    } catch (error) {
      // Another replica registered the host first: its row is the one to use.
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.hosts.findOneByOrFail({ host });
    this.ids.set(host, row);
    return row;
  }
}

function mirror<T>(map: Map<string, T>, key: string, value: T | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
