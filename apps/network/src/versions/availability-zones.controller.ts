import { Controller, Get, Inject } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import type { NetworkConfig } from '../config/network-config';
import { readerOf } from '../common/actor';
import { NETWORK_CONFIG } from '../network.tokens';

/** The configured zones, for networks and routers alike (there are no agents to place them yet). */
@Controller('v2.0/availability_zones')
export class AvailabilityZonesController {
  constructor(@Inject(NETWORK_CONFIG) private readonly config: NetworkConfig) {}

  @Get()
  list(@Auth() auth: AuthContext) {
    readerOf(auth);
    return {
      availability_zones: this.config.NETWORK_AVAILABILITY_ZONES.flatMap((name) =>
        ['network', 'router'].map((resource) => ({ name, resource, state: 'available' })),
      ),
    };
  }
}
