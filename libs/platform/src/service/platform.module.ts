import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthGuard } from '../auth/auth.guard';
import { TokenValidator } from '../auth/token-validator';
import { BusService } from '../bus/bus.service';
import { RpcClient } from '../bus/rpc.client';
import type { PlatformConfig } from '../config/platform-config';
import { databaseOptions, DatabaseSettings } from '../database/database-options';
import type { ErrorStyle } from '../errors/error-style';
import { OpenStackExceptionFilter } from '../errors/openstack-exception.filter';
import { HealthController } from '../health/health.controller';
import { MetricsRegistry } from '../health/metrics.registry';
import { ReadinessChecks } from '../health/readiness';
import { HttpShutdown } from '../http/http-shutdown';

export interface PlatformModuleOptions {
  service: string;
  config: PlatformConfig;
  errorStyle: ErrorStyle;
  /** Omitted for services that keep no database (the scheduler and the compute agent). */
  database?: Pick<DatabaseSettings, 'entities' | 'migrations'>;
  /** False for services without a public API: no token validation and no auth guard. */
  validateTokens?: boolean;
  /** Process-wide metrics (heap, event loop) are off when several services share a process, as in tests. */
  processMetrics?: boolean;
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/**
 * Everything a Stratus service needs besides its own resources: database, bus, token validation
 * on every route, the API's error shape, health and metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { config, service, database } = options;
    const validateTokens = options.validateTokens !== false;
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      {
        provide: MetricsRegistry,
        useFactory: () => new MetricsRegistry(service, options.processMetrics ?? true),
      },
      database
        ? {
            provide: ReadinessChecks,
            inject: [DataSource],
            useFactory: (dataSource: DataSource) => {
              const checks = new ReadinessChecks();
              checks.register({
                name: 'database',
                isReady: async () => (await dataSource.query('SELECT 1'), true),
              });
              return checks;
            },
          }
        : { provide: ReadinessChecks, useFactory: () => new ReadinessChecks() },
      {
        provide: BusService,
        inject: [ReadinessChecks],
        useFactory: async (readiness: ReadinessChecks) => {
          const bus = new BusService({
            url: config.NATS_URL,
            namespace: config.NATS_NAMESPACE,
            name: service,
            streamReplicas: config.NATS_STREAM_REPLICAS,
          });
          await bus.connect();
          readiness.register({ name: 'nats', isReady: () => bus.isConnected });
          return bus;
        },
      },
      {
        provide: RpcClient,
        inject: [BusService, MetricsRegistry],
        useFactory: (bus: BusService, metrics: MetricsRegistry) =>
          new RpcClient(
            { url: config.NATS_URL, name: service, defaultTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS },
            bus,
            metrics,
          ),
      },
      {
        provide: HttpShutdown,
        inject: [HttpAdapterHost, ReadinessChecks],
        useFactory: (adapterHost: HttpAdapterHost, readiness: ReadinessChecks) =>
          new HttpShutdown(adapterHost, readiness, {
            delaySeconds: config.SHUTDOWN_DELAY_SECONDS,
            graceSeconds: config.SHUTDOWN_GRACE_SECONDS,
            keepAliveTimeoutSeconds: config.HTTP_KEEPALIVE_TIMEOUT_SECONDS,
          }),
      },
      { provide: APP_FILTER, useFactory: () => new OpenStackExceptionFilter(options.errorStyle) },
    ];
    if (validateTokens) {
      providers.push(
        {
          provide: TokenValidator,
          inject: [BusService, ReadinessChecks],
          useFactory: (bus: BusService, readiness: ReadinessChecks) =>
            new TokenValidator(
              {
                keyRepository: config.TOKEN_KEY_REPOSITORY,
                tokenExpirationSeconds: config.TOKEN_EXPIRATION_SECONDS,
              },
              bus,
              readiness,
            ),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      );
    }
    return {
      module: PlatformModule,
      imports: database
        ? [
            TypeOrmModule.forRootAsync({
              useFactory: () =>
                databaseOptions({
                  service,
                  url: config.DATABASE_URL,
                  dataDir: config.DATA_DIR,
                  entities: database.entities,
                  migrations: database.migrations,
                }),
            }),
          ]
        : [],
      controllers: [HealthController],
      providers,
      exports: [
        PLATFORM_OPTIONS,
        MetricsRegistry,
        ReadinessChecks,
        BusService,
        RpcClient,
        ...(validateTokens ? [TokenValidator] : []),
        ...(database ? [TypeOrmModule] : []),
      ],
    };
  }
}
