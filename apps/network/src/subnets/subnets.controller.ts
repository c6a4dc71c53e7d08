import { Controller } from '@nestjs/common';
import { ResourceController } from '../common/resource-controller';
import { subnetCreateSchema, subnetUpdateSchema } from './subnet.schemas';
import { SUBNET_LIST_SPEC, SubnetsService } from './subnets.service';

@Controller('v2.0/subnets')
export class SubnetsController extends ResourceController({
  resource: 'subnet',
  service: SubnetsService,
  listSpec: SUBNET_LIST_SPEC,
  createSchema: subnetCreateSchema,
  updateSchema: subnetUpdateSchema,
}) {}
