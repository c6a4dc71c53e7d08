import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { callerOf } from '../images/image-policy';
import { memberView } from '../images/image-view';
import { MembersService } from './members.service';

@Controller('v2/images/:id/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    const members = await this.members.list(callerOf(auth), id);
    return { members: members.map(memberView), schema: '/v2/schemas/members' };
  }

  @Post()
  @HttpCode(200)
  async add(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return memberView(await this.members.add(callerOf(auth), id, body));
  }

  @Get(':member')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @Param('member') member: string) {
    return memberView(await this.members.get(callerOf(auth), id, member));
  }

  @Put(':member')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('member') member: string,
    @Body() body: unknown,
  ) {
    return memberView(await this.members.update(callerOf(auth), id, member, body));
  }

  @Delete(':member')
  @HttpCode(204)
  async remove(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('member') member: string,
  ): Promise<void> {
    await this.members.remove(callerOf(auth), id, member);
  }
}
