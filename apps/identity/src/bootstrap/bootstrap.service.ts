import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { CatalogService, EndpointInterface } from '../catalog/catalog.service';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../identity.tokens';
import { DEFAULT_DOMAIN_ID, ResourceService } from '../projects/resource.service';
import { AssignmentsService } from '../roles/assignments.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';

const catalogSchema = z.array(
  z.object({
    type: z.string(),
    name: z.string(),
    public: z.string().url(),
    internal: z.string().url().optional(),
    admin: z.string().url().optional(),
  }),
);

// As keystone-manage bootstrap makes them: service is for service users, manager for domain managers.
const DEFAULT_ROLES = ['reader', 'member', 'manager', 'admin', 'service'];

/**
 * keystone-manage bootstrap, run at start-up when an admin password is configured. Idempotent,
 * so every replica may run it: it only creates what is missing and corrects what drifted.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly resources: ResourceService,
    private readonly users: UsersService,
    private readonly assignments: AssignmentsService,
    private readonly catalog: CatalogService,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const password = this.config.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD;
    if (!password) return;
    await this.once(() => this.bootstrap(password));
    this.logger.log('bootstrap complete');
  }

  /** Another replica bootstrapping at the same moment can win a unique index; the second pass then finds everything. */
  private async once(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn(`bootstrap retried after: ${String(error)}`);
      await step();
    }
  }

  private async bootstrap(password: string): Promise<void> {
    await this.resources
      .getDomain(DEFAULT_DOMAIN_ID)
      .catch(() =>
        this.resources.createDomain(
          { name: 'Default', description: 'The default domain' },
          DEFAULT_DOMAIN_ID,
        ),
      );
    const roles = new Map<string, string>();
    for (const name of DEFAULT_ROLES) {
      const [existing] = await this.assignments.listRoles({ name });
      roles.set(name, (existing ?? (await this.assignments.createRole({ name }))).id);
    }
    const project = await this.resources
      .findProject({ name: this.config.IDENTITY_BOOTSTRAP_PROJECT_NAME, domainId: DEFAULT_DOMAIN_ID })
      .catch(() =>
        this.resources.createProject({
          name: this.config.IDENTITY_BOOTSTRAP_PROJECT_NAME,
          description: 'Bootstrap project for initializing the cloud.',
        }),
      );
    let admin = await this.users.findUserByName(
      this.config.IDENTITY_BOOTSTRAP_ADMIN_USERNAME,
      DEFAULT_DOMAIN_ID,
    );
    if (!admin) {
      admin = await this.users.createUser({
        name: this.config.IDENTITY_BOOTSTRAP_ADMIN_USERNAME,
        password,
        defaultProjectId: project.id,
      });
    } else if (!(await this.hasher.verify(password, admin.passwordHash)) || !admin.enabled) {
      admin = await this.users.updateUser(admin.id, { password, enabled: true });
    }
    const adminRole = roles.get('admin')!;
    await this.assignments.grant({
      actorType: 'user',
      actorId: admin.id,
      targetType: 'project',
      targetId: project.id,
      roleId: adminRole,
      inherited: false,
    });
    await this.assignments.grant({
      actorType: 'user',
      actorId: admin.id,
      targetType: 'system',
      targetId: 'system',
      roleId: adminRole,
      inherited: false,
    });
    await this.ensureCatalog();
  }

  private async ensureCatalog(): Promise<void> {
    const regionId = this.config.IDENTITY_BOOTSTRAP_REGION_ID;
    await this.catalog.getRegion(regionId).catch(() => this.catalog.createRegion({ id: regionId }));
    if (!this.config.IDENTITY_BOOTSTRAP_CATALOG) return;
    const entries = catalogSchema.parse(JSON.parse(this.config.IDENTITY_BOOTSTRAP_CATALOG));
    for (const entry of entries) {
      const [existing] = await this.catalog.listServices({ type: entry.type, name: entry.name });
      const service = existing ?? (await this.catalog.createService({ type: entry.type, name: entry.name }));
      const endpoints = await this.catalog.listEndpoints({ serviceId: service.id, regionId });
      for (const iface of ['public', 'internal', 'admin'] as EndpointInterface[]) {
        const url = entry[iface] ?? entry.public;
        const current = endpoints.find((e) => e.interface === iface);
        if (!current)
          await this.catalog.createEndpoint({ serviceId: service.id, regionId, interface: iface, url });
        else if (current.url !== url) await this.catalog.updateEndpoint(current.id, { url });
      }
    }
  }
}
