import { Controller } from '@nestjs/common';
import { ResourceController } from '../common/resource-controller';
import { networkCreateSchema, networkUpdateSchema } from './network.schemas';
import { NETWORK_LIST_SPEC, NetworksService } from './networks.service';

@Controller('v2.0/networks')
export class NetworksController extends ResourceController({
  resource: 'network',
  service: NetworksService,
  listSpec: NETWORK_LIST_SPEC,
  createSchema: networkCreateSchema,
  updateSchema: networkUpdateSchema,
}) {}
