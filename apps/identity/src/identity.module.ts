import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@stratus/platform';
import { ApplicationCredentialsController } from './application-credentials/application-credentials.controller';
import { ApplicationCredentialsService } from './application-credentials/application-credentials.service';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { EndpointsController, RegionsController, ServicesController } from './catalog/catalog.controllers';
import { CatalogService } from './catalog/catalog.service';
import { RevocationsService } from './common/revocations.service';
import type { IdentityConfig } from './config/identity-config';
import { DomainsController } from './domains/domains.controller';
import { GroupsController } from './groups/groups.controller';
import { IDENTITY_CONFIG } from './identity.tokens';
import { IDENTITY_MIGRATIONS } from './migrations';
import { IDENTITY_ENTITIES } from './persistence/identity.entities';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsRpcController } from './projects/projects.rpc-controller';
import { ResourceService } from './projects/resource.service';
import { AssignmentsService } from './roles/assignments.service';
import { GrantsController } from './roles/grants.controller';
import { RoleAssignmentsController } from './roles/role-assignments.controller';
import { RolesController } from './roles/roles.controller';
import { AuthController } from './tokens/auth.controller';
import { TokensService } from './tokens/tokens.service';
import { PasswordHasher } from './users/password-hasher';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { VersionsController } from './versions/versions.controller';

/** Keystone v3: identity, resources, assignments, catalog and tokens. */
@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        PlatformModule.forRoot({
          service: 'identity',
          config,
          errorStyle: 'keystone',
          database: { entities: IDENTITY_ENTITIES, migrations: IDENTITY_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [
        VersionsController,
        AuthController,
        DomainsController,
        ProjectsController,
        UsersController,
        ApplicationCredentialsController,
        GroupsController,
        RolesController,
        RoleAssignmentsController,
        RegionsController,
        ServicesController,
        EndpointsController,
        GrantsController,
        ProjectsRpcController,
      ],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        PasswordHasher,
        RevocationsService,
        ResourceService,
        UsersService,
        AssignmentsService,
        CatalogService,
        ApplicationCredentialsService,
        TokensService,
        BootstrapService,
      ],
    };
  }
}
