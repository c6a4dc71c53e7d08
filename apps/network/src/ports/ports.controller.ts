import { Controller } from '@nestjs/common';
import { ResourceController } from '../common/resource-controller';
import { portCreateSchema, portUpdateSchema } from './port.schemas';
import { PORT_LIST_SPEC, PortsService } from './ports.service';

@Controller('v2.0/ports')
export class PortsController extends ResourceController({
  resource: 'port',
  service: PortsService,
  listSpec: PORT_LIST_SPEC,
  createSchema: portCreateSchema,
  updateSchema: portUpdateSchema,
}) {}
