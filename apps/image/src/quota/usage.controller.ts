import { Controller, Get } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { glanceErrors } from '../common/glance-errors';
import { QuotaService } from './quota.service';

const MIB = 1024 * 1024;

/** GET /v2/info/usage: the caller's project's quota usage, sizes in MiB as Glance reports them. */
@Controller('v2/info')
export class UsageController {
  constructor(private readonly quotas: QuotaService) {}

  @Get('usage')
  async usage(@Auth() auth: AuthContext) {
    const project = auth.projectId;
    if (!project) throw glanceErrors.forbidden('A project-scoped token is required.');
    const limits = this.quotas.limitsFor(project);
    const [count, bytes, staged] = await Promise.all([
      this.quotas.imageCount(project),
      this.quotas.bytesUsed(project),
      this.quotas.stagedBytes(project),
    ]);
    const mib = (n: number) => (n < 0 ? -1 : Math.ceil(n / MIB));
    return {
      usage: {
        image_size_total: { limit: mib(limits.bytes), usage: mib(bytes) },
        image_stage_total: { limit: mib(limits.bytes), usage: mib(staged.bytes) },
        image_count_total: { limit: limits.images, usage: count },
        image_count_uploading: { limit: limits.images, usage: staged.uploading },
      },
    };
  }
}
