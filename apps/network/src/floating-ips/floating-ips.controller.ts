import { Controller } from '@nestjs/common';
import { ResourceController } from '../common/resource-controller';
import { floatingIpCreateSchema, floatingIpUpdateSchema } from './floating-ip.schemas';
import { FLOATING_IP_LIST_SPEC, FloatingIpsService } from './floating-ips.service';

@Controller('v2.0/floatingips')
export class FloatingIpsController extends ResourceController({
  resource: 'floatingip',
  service: FloatingIpsService,
  listSpec: FLOATING_IP_LIST_SPEC,
  createSchema: floatingIpCreateSchema,
  updateSchema: floatingIpUpdateSchema,
}) {}
