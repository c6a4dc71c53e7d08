import type { ImageCallerContext } from '@stratus/contracts';
import type { AuthContext } from '@stratus/platform';
import { glanceErrors } from '../common/glance-errors';
import type { ImageEntity, ImageMemberEntity } from '../persistence/image.entities';

/** Who is asking, reduced to what Glance's default policy looks at. */
export interface Caller {
  projectId: string | null;
  isAdmin: boolean;
  /** member (or admin) role: may change what its project owns. */
  isMember: boolean;
  /** reader (or member, or admin) role: may look. */
  isReader: boolean;
  /** The service role compute agents carry: may read and download any image. */
  isService: boolean;
}

export function callerOf(auth: AuthContext): Caller {
  return {
    projectId: auth.projectId ?? null,
    isAdmin: auth.isAdmin,
    isMember: auth.isMember,
    isReader: auth.isReader,
    isService: auth.hasRole('service'),
  };
}

export function callerFromContext(context: ImageCallerContext): Caller {
  const roles = new Set(context.roles);
  const isAdmin = roles.has('admin');
  const isMember = isAdmin || roles.has('member');
  return {
    projectId: context.projectId,
    isAdmin,
    isMember,
    isReader: isMember || roles.has('reader'),
    isService: roles.has('service'),
  };
}

/**
 * Glance's default (secure RBAC) image policy:
 * - visible: admin; no owner; public or community; owner; a member of a shared image (any status);
 * - get_image, get_images: reader on a visible image;
 * - add_image, modify_image, delete_image, upload_image, deactivate, reactivate, add_member,
 *   delete_member: admin, or member of the owning project;
 * - publicize_image: admin; communitize_image: as modify_image;
 * - download_image: admin, or member on a visible image (and the service role, for compute);
 * - get_member(s): reader of the owner or of the member project; modify_member: member of the
 *   member project (the consumer accepts or rejects, never the owner).
 */
export const imagePolicy = {
  isVisible(caller: Caller, image: ImageEntity, membership: ImageMemberEntity | null): boolean {
    if (caller.isAdmin || caller.isService) return true;
    if (image.owner === null) return true;
    if (image.visibility === 'public' || image.visibility === 'community') return true;
    if (caller.projectId === null) return false;
    if (image.owner === caller.projectId) return true;
    return image.visibility === 'shared' && membership !== null;
  },

  isOwner(caller: Caller, image: ImageEntity): boolean {
    return caller.projectId !== null && image.owner === caller.projectId;
  },

  requireGet(caller: Caller): void {
    if (!(caller.isReader || caller.isService)) throw glanceErrors.policy('get_image');
  },

  requireList(caller: Caller): void {
    if (!caller.isReader) throw glanceErrors.policy('get_images');
  },

  /** The owner-member-or-admin rule behind most write actions. */
  requireOwnerMember(caller: Caller, image: ImageEntity, action: string): void {
    if (caller.isAdmin) return;
    if (caller.isMember && this.isOwner(caller, image)) return;
    throw glanceErrors.policy(action);
  },

  requireCreate(caller: Caller, owner: string | null): void {
    if (caller.isAdmin) return;
    if (caller.isMember && caller.projectId !== null && owner === caller.projectId) return;
    throw glanceErrors.policy('add_image');
  },

  /** Setting visibility has its own rules on top of add_image or modify_image. */
  requireVisibility(caller: Caller, visibility: unknown): void {
    if (visibility === 'public' && !caller.isAdmin) throw glanceErrors.policy('publicize_image');
    if (visibility === 'community' && !(caller.isAdmin || caller.isMember)) {
      throw glanceErrors.policy('communitize_image');
    }
  },

  requireDownload(caller: Caller): void {
    if (caller.isAdmin || caller.isService || caller.isMember) return;
    throw glanceErrors.policy('download_image');
  },
};
