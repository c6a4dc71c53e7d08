import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '@stratus/platform';
import { glanceErrors, nowSeconds } from '../common/glance-errors';
import type { ImageConfig } from '../config/image-config';
import { IMAGE_CONFIG } from '../image.tokens';
import { Caller, imagePolicy } from '../images/image-policy';
import { ImagesService } from '../images/images.service';
import { ImageEntity, ImageMemberEntity } from '../persistence/image.entities';
import { MEMBER_STATUSES } from '../schemas/image-schemas';

/**
 * Glance's image members: the owner shares a 'shared' image with consumer projects, each of
 * which accepts or rejects it; only accepted images appear in the consumer's default list.
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(IMAGE_CONFIG) private readonly config: ImageConfig,
    private readonly images: ImagesService,
  ) {}

  private get members() {
    return this.dataSource.getRepository(ImageMemberEntity);
  }

  private async sharedImage(caller: Caller, imageId: string): Promise<ImageEntity> {
    const { loaded } = await this.images.findVisible(caller, imageId);
    imagePolicy.requireGet(caller);
    if (loaded.image.visibility !== 'shared')
      throw glanceErrors.forbidden('Only shared images have members.');
    return loaded.image;
  }

  private async lookup(imageId: string, memberId: string): Promise<ImageMemberEntity> {
    const member = await this.members.findOneBy({ imageId, memberId });
    if (!member) {
      throw glanceErrors.notFound(`${memberId} not found in the member list of the image ${imageId}.`);
    }
    return member;
  }

  /** get_member(s): a reader of the owning project sees every member; a member project only itself. */
  private canSeeAll(caller: Caller, image: ImageEntity): boolean {
    return caller.isAdmin || imagePolicy.isOwner(caller, image);
  }

  async list(caller: Caller, imageId: string): Promise<ImageMemberEntity[]> {
    const image = await this.sharedImage(caller, imageId);
    const members = await this.members.find({
      where: { imageId },
      order: { createdAt: 'ASC', memberId: 'ASC' },
    });
    if (this.canSeeAll(caller, image)) return members;
    const own = members.filter((m) => m.memberId === caller.projectId);
    if (own.length === 0) throw glanceErrors.forbidden(`You cannot get image member for ${imageId}`);
    return own;
  }

  async get(caller: Caller, imageId: string, memberId: string): Promise<ImageMemberEntity> {
    // Glance answers 404 rather than 403 here, so membership is not disclosed.
    let image: ImageEntity;
    try {
      image = await this.sharedImage(caller, imageId);
    } catch (error) {
      if ((error as { status?: number }).status === 403)
        throw glanceErrors.notFound((error as Error).message);
      throw error;
    }
    if (!this.canSeeAll(caller, image) && memberId !== caller.projectId) {
      throw glanceErrors.notFound(`You cannot get image member for ${memberId}`);
    }
    return this.lookup(imageId, memberId);
  }

  async add(caller: Caller, imageId: string, body: unknown): Promise<ImageMemberEntity> {
    if (body === undefined) throw glanceErrors.badRequest('Body expected in request.');
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (!('member' in input)) throw glanceErrors.badRequest('Member to be added not specified');
    const memberId = input.member;
    if (!memberId) throw glanceErrors.badRequest("Member can't be empty");
    if (typeof memberId !== 'string' || memberId.length > 255) {
      throw glanceErrors.badRequest('Member must be a project id of at most 255 characters.');
    }
    const image = await this.sharedImage(caller, imageId);
    imagePolicy.requireOwnerMember(caller, image, 'add_member');

    const quota = this.config.IMAGE_MEMBER_QUOTA;
    if (quota >= 0) {
      const count = await this.members.countBy({ imageId });
      if (count + 1 > quota) {
        throw glanceErrors.tooLarge(
          `Image member limit exceeded for image ${imageId}: The limit has been exceeded on the number of allowed image members for this image. Attempted: ${count + 1}, Maximum: ${quota}:`,
        );
      }
    }
    const now = nowSeconds();
    const member = this.members.create({
      imageId,
      memberId,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.members.insert(member);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw glanceErrors.conflict(`Member ${memberId} is duplicated for image ${imageId}`);
      }
      throw error;
    }
    return member;
  }

  async update(caller: Caller, imageId: string, memberId: string, body: unknown): Promise<ImageMemberEntity> {
    if (body === undefined) throw glanceErrors.badRequest('Body expected in request.');
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (!('status' in input)) throw glanceErrors.badRequest('Status not specified');
    const image = await this.sharedImage(caller, imageId);
    const member = await this.lookup(imageId, memberId);
    if (!caller.isAdmin) {
      if (imagePolicy.isOwner(caller, image)) {
        throw glanceErrors.forbidden("You are not permitted to modify 'status' on this image member.");
      }
      if (!(caller.isMember && caller.projectId === memberId)) throw glanceErrors.policy('modify_member');
    }
    if (typeof input.status !== 'string' || !MEMBER_STATUSES.includes(input.status)) {
      throw glanceErrors.badRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".');
    }
    member.status = input.status;
    member.updatedAt = nowSeconds();
    await this.members.update({ imageId, memberId }, { status: member.status, updatedAt: member.updatedAt });
    return member;
  }

  async remove(caller: Caller, imageId: string, memberId: string): Promise<void> {
    const image = await this.sharedImage(caller, imageId);
    imagePolicy.requireOwnerMember(caller, image, 'delete_member');
    await this.lookup(imageId, memberId);
    await this.members.delete({ imageId, memberId });
  }
}
