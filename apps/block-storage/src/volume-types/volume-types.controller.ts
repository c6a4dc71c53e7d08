import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { cinderPolicy } from '../common/actor';
import { cinderBoolean, metadataField, parseBody, parseValue } from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { parseMetadataFilter } from '../common/list-params';
import { VolumeTypesService } from './volume-types.service';

const typeName = z
  .string()
  .max(255)
  .refine((name) => name.trim() !== '', 'must not be empty');

const createSchema = z
  .object({
    name: typeName,
    description: z.string().max(255).nullable().optional(),
    'os-volume-type-access:is_public': cinderBoolean.optional(),
    extra_specs: metadataField.optional(),
  })
  .strict();

const updateSchema = z
  .object({
    name: typeName.nullable().optional(),
    description: z.string().max(255).nullable().optional(),
    is_public: cinderBoolean.optional(),
  })
  .strict();

const accessSchema = z.object({ project: z.string().min(1).max(255) }).strict();

/** is_public for admins: absent means public only, "None" (any case) both kinds. */
function isPublicFilter(text: string | undefined): boolean | null {
  if (text === undefined) return true;
  if (text.toLowerCase() === 'none') return null;
  return parseValue(cinderBoolean, text, 'is_public');
}

@Controller(v3Paths('types'))
export class VolumeTypesController {
  constructor(private readonly types: VolumeTypesService) {}

  @Get()
  async list(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    cinderPolicy.reader(caller, 'volume_extension:types_manage');
    const isPublic = query.get('is_public') ?? undefined;
    const extraSpecs = query.get('extra_specs') ?? undefined;
    const specs =
      extraSpecs !== undefined && caller.version.atLeast('3.52')
        ? parseMetadataFilter(extraSpecs, 'extra_specs')
        : undefined;
    const loaded = await this.types.list(caller, {
      isPublic: caller.isAdmin ? isPublicFilter(isPublic) : true,
      extraSpecs: specs,
    });
    return { volume_types: loaded.map((t) => this.types.view(t, caller)) };
  }

  @Get('default')
  async default(@CallerOf() caller: Caller) {
    cinderPolicy.reader(caller, 'volume_extension:type_get_default');
    const type = await this.types.defaultFor(caller.projectId);
    return { volume_type: this.types.view(await this.types.loadOne(type), caller) };
  }

  @Get(':id')
  async get(@CallerOf() caller: Caller, @Param('id') id: string) {
    cinderPolicy.reader(caller, 'volume_extension:type_get');
    const type = await this.types.find(caller, id);
    return { volume_type: this.types.view(await this.types.loadOne(type), caller) };
  }

  @Post()
  async create(@CallerOf() caller: Caller, @Body() body: unknown) {
    cinderPolicy.admin(caller, 'volume_extension:types_manage');
    const input = parseBody('volume_type', createSchema, body);
    const loaded = await this.types.create({
      name: input.name.trim(),
      description: input.description,
      isPublic: input['os-volume-type-access:is_public'] ?? true,
      extraSpecs: input.extra_specs ?? {},
    });
    return { volume_type: this.types.view(loaded, caller) };
  }

  @Put(':id')
  async update(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    cinderPolicy.admin(caller, 'volume_extension:types_manage');
    const input = parseBody('volume_type', updateSchema, body);
    if (input.name === undefined && input.description === undefined && input.is_public === undefined) {
      throw cinderErrors.invalidVolumeType(
        'Specify volume type name, description, is_public or a combination thereof.',
      );
    }
    const loaded = await this.types.update(caller, id, {
      name: input.name?.trim() ?? undefined,
      description: input.description,
      isPublic: input.is_public,
    });
    return { volume_type: this.types.view(loaded, caller) };
  }

  @Delete(':id')
  @HttpCode(202)
  async delete(@CallerOf() caller: Caller, @Param('id') id: string): Promise<void> {
    cinderPolicy.admin(caller, 'volume_extension:types_manage');
    await this.types.delete(caller, id);
  }

  @Get(':id/extra_specs')
  async extraSpecs(@CallerOf() caller: Caller, @Param('id') id: string) {
    cinderPolicy.reader(caller, 'volume_extension:types_extra_specs:index');
    const loaded = await this.types.loadOne(await this.types.find(caller, id));
    return { extra_specs: this.types.view(loaded, caller).extra_specs };
  }

  @Post(':id/extra_specs')
  async addExtraSpecs(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    cinderPolicy.admin(caller, 'volume_extension:types_extra_specs:create');
    const specs = parseBody('extra_specs', metadataField, body);
    return { extra_specs: await this.types.setExtraSpecs(caller, id, specs) };
  }

  @Get(':id/extra_specs/:key')
  async extraSpec(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    cinderPolicy.reader(caller, 'volume_extension:types_extra_specs:show');
    const loaded = await this.types.loadOne(await this.types.find(caller, id));
    const visible = this.types.view(loaded, caller).extra_specs as Record<string, string>;
    if (!(key in visible)) throw cinderErrors.extraSpecNotFound(loaded.type.id, key);
    return { [key]: visible[key] };
  }

  @Put(':id/extra_specs/:key')
  async setExtraSpec(
    @CallerOf() caller: Caller,
    @Param('id') id: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ) {
    cinderPolicy.admin(caller, 'volume_extension:types_extra_specs:update');
    const specs = parseValue(metadataField, body, 'extra_specs');
    const keys = Object.keys(specs);
    if (keys.length !== 1 || keys[0] !== key) {
      throw cinderErrors.invalidInput('Request body and URI mismatch');
    }
    return this.types.setExtraSpecs(caller, id, specs);
  }

  @Delete(':id/extra_specs/:key')
  @HttpCode(202)
  async deleteExtraSpec(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    cinderPolicy.admin(caller, 'volume_extension:types_extra_specs:delete');
    await this.types.deleteExtraSpec(caller, id, key);
  }

  @Get(':id/os-volume-type-access')
  async access(@CallerOf() caller: Caller, @Param('id') id: string) {
    cinderPolicy.admin(caller, 'volume_extension:volume_type_access');
    const rows = await this.types.accessList(caller, id);
    return {
      volume_type_access: rows.map((r) => ({ volume_type_id: r.volumeTypeId, project_id: r.projectId })),
    };
  }

  @Post(':id/action')
  @HttpCode(202)
  async action(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    cinderPolicy.admin(caller, 'volume_extension:volume_type_access');
    const actions = typeof body === 'object' && body !== null ? Object.keys(body) : [];
    if (actions.length !== 1) throw cinderErrors.invalidInput('There is no such action.');
    if (actions[0] === 'addProjectAccess') {
      const { project } = parseBody('addProjectAccess', accessSchema, body);
      await this.types.addAccess(caller, id, project);
    } else if (actions[0] === 'removeProjectAccess') {
      const { project } = parseBody('removeProjectAccess', accessSchema, body);
      await this.types.removeAccess(caller, id, project);
    } else {
      throw cinderErrors.invalidInput(`There is no such action: ${actions[0]}`);
    }
  }
}

const defaultTypeSchema = z.object({ volume_type: z.string().min(1).max(255) }).strict();

/** Per-project default volume types (3.62), admin only. */
@Controller(v3Paths('default-types'))
export class DefaultTypesController {
  constructor(private readonly types: VolumeTypesService) {}

  private check(caller: Caller, action: string): void {
    if (!caller.version.atLeast('3.62')) throw cinderErrors.versionNotFound(caller.version.toString());
    cinderPolicy.admin(caller, action);
  }

  @Put(':target')
  async set(@CallerOf() caller: Caller, @Param('target') target: string, @Body() body: unknown) {
    this.check(caller, 'volume_extension:default_set_or_update');
    const input = parseBody('default_type', defaultTypeSchema, body);
    const row = await this.types.setProjectDefault(caller, target, input.volume_type);
    return { default_type: { project_id: row.projectId, volume_type_id: row.volumeTypeId } };
  }

  @Get()
  async list(@CallerOf() caller: Caller) {
    this.check(caller, 'volume_extension:default_get_all');
    const rows = await this.types.projectDefaults();
    return { default_types: rows.map((r) => ({ project_id: r.projectId, volume_type_id: r.volumeTypeId })) };
  }

  @Get(':target')
  async get(@CallerOf() caller: Caller, @Param('target') target: string) {
    this.check(caller, 'volume_extension:default_get');
    const row = await this.types.projectDefault(target);
    return { default_type: { project_id: row.projectId, volume_type_id: row.volumeTypeId } };
  }

  @Delete(':target')
  @HttpCode(204)
  async delete(@CallerOf() caller: Caller, @Param('target') target: string): Promise<void> {
    this.check(caller, 'volume_extension:default_unset');
    await this.types.clearProjectDefault(target);
  }
}
