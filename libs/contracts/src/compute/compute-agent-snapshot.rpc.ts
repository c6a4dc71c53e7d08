import { rpc, RpcContract } from '../common/rpc';

export interface SnapshotInstanceRequest {
  uuid: string;
  /** The image record compute-api created in the image service, still queued. */
  imageId: string;
  /** Where to PUT the disk: the image service's /v2/images/{id}/file. */
  uploadUrl: string;
  /** The disk format the upload must have (qcow2 for libvirt's overlays, raw otherwise). */
  diskFormat: string;
  /** The requester's token, for the upload. */
  authToken: string;
}

/**
 * Snapshots the guest's root disk on its host and uploads it to the image record; answers once the
 * upload is done. compute-api's createImage calls it.
 */
export const SnapshotInstance = (host: string): RpcContract<SnapshotInstanceRequest, { size: number }> =>
  rpc<SnapshotInstanceRequest, { size: number }>(`compute.${host}.instance.snapshot`);
