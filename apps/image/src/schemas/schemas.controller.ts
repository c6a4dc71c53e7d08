import { Controller, Get } from '@nestjs/common';
import { imageSchema, imagesSchema, memberSchema, membersSchema } from './image-schemas';

@Controller('v2/schemas')
export class SchemasController {
  @Get('image')
  image() {
    return imageSchema();
  }

  @Get('images')
  images() {
    return imagesSchema();
  }

  @Get('member')
  member() {
    return memberSchema();
  }

  @Get('members')
  members() {
    return membersSchema();
  }
}
