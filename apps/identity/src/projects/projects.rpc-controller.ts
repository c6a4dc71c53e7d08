import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetProject, ProjectRef, ReplyOf, RequestOf } from '@stratus/contracts';
import { ResourceService } from './resource.service';

/** Project lookups for other services over NATS. */
@Controller()
export class ProjectsRpcController {
  constructor(private readonly resources: ResourceService) {}

  @MessagePattern(GetProject.subject)
  async get(@Payload() request: RequestOf<typeof GetProject>): Promise<ReplyOf<typeof GetProject>> {
    const project = await this.resources.getProject(request.projectId);
    const reply: ProjectRef = {
      id: project.id,
      name: project.name,
      domainId: project.domainId,
      enabled: project.enabled,
    };
    return reply;
  }
}
