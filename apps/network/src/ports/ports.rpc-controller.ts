import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BindPort,
  CreatePort,
  DeletePort,
  GetPort,
  ReplyOf,
  RequestOf,
  UnbindPort,
} from '@stratus/contracts';
import { PortsService } from './ports.service';

/** Ports for compute over NATS: create for a server, bind to a host, unbind, delete. */
@Controller()
export class PortsRpcController {
  constructor(private readonly ports: PortsService) {}

  @MessagePattern(CreatePort.subject)
  create(@Payload() request: RequestOf<typeof CreatePort>): Promise<ReplyOf<typeof CreatePort>> {
    return this.ports.createForServer(request);
  }

  @MessagePattern(GetPort.subject)
  get(@Payload() request: RequestOf<typeof GetPort>): Promise<ReplyOf<typeof GetPort>> {
    return this.ports.ref(request.portId);
  }

  @MessagePattern(BindPort.subject)
  bind(@Payload() request: RequestOf<typeof BindPort>): Promise<ReplyOf<typeof BindPort>> {
    return this.ports.bind(request);
  }

  @MessagePattern(UnbindPort.subject)
  unbind(@Payload() request: RequestOf<typeof UnbindPort>): Promise<ReplyOf<typeof UnbindPort>> {
    return this.ports.unbind(request.portId, request.releaseDevice ?? false);
  }

  @MessagePattern(DeletePort.subject)
  async delete(@Payload() request: RequestOf<typeof DeletePort>): Promise<ReplyOf<typeof DeletePort>> {
    await this.ports.deletePort(request.portId);
    return { deleted: true };
  }
}
