import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ClaimOnHost, ReleaseAllocation, ReplyOf, RequestOf, SelectDestinations } from '@stratus/contracts';
import { PlacementService } from './placement.service';

@Controller()
export class PlacementRpcController {
  constructor(private readonly placement: PlacementService) {}

  @MessagePattern(SelectDestinations.subject)
  async select(
    @Payload() request: RequestOf<typeof SelectDestinations>,
  ): Promise<ReplyOf<typeof SelectDestinations>> {
    return { selections: await this.placement.selectDestinations(request) };
  }

  @MessagePattern(ClaimOnHost.subject)
  claim(@Payload() request: RequestOf<typeof ClaimOnHost>): Promise<ReplyOf<typeof ClaimOnHost>> {
    return this.placement.claimOnHost(request);
  }

  @MessagePattern(ReleaseAllocation.subject)
  async release(
    @Payload() request: RequestOf<typeof ReleaseAllocation>,
  ): Promise<ReplyOf<typeof ReleaseAllocation>> {
    return {
      released: await this.placement.release(request.instanceUuid, request.host, request.buildFailed),
    };
  }
}
