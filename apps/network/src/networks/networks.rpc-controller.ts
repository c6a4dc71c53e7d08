import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetNetwork, ListNetworks, ReplyOf, RequestOf } from '@stratus/contracts';
import { settled } from '@stratus/platform';
import { SERVICE_ACTOR } from '../common/actor';
import { networkRef } from './network.view';
import { NetworksService } from './networks.service';

/** Network lookups for compute: which networks a project's servers may attach to. */
@Controller()
export class NetworksRpcController {
  constructor(private readonly networks: NetworksService) {}

  /** Compute asks this once per server it creates: the network and its subnets are read side by side. */
  @MessagePattern(GetNetwork.subject)
  async get(@Payload() request: RequestOf<typeof GetNetwork>): Promise<ReplyOf<typeof GetNetwork>> {
    const actor = request.projectId ? { projectId: request.projectId, isAdmin: false } : SERVICE_ACTOR;
    const [network, subnets] = await Promise.allSettled([
      this.networks.find(actor, request.networkId),
      this.networks.subnetIds([request.networkId]),
    ]);
    return networkRef(settled(network), settled(subnets).get(request.networkId) ?? []);
  }

  @MessagePattern(ListNetworks.subject)
  async list(@Payload() request: RequestOf<typeof ListNetworks>): Promise<ReplyOf<typeof ListNetworks>> {
    const networks = await this.networks.forProject(request.projectId);
    const subnets = await this.networks.subnetIds(networks.map((n) => n.id));
    return networks.map((n) => networkRef(n, subnets.get(n.id) ?? []));
  }
}
