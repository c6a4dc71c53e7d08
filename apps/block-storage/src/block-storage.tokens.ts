/** Injection tokens of the block-storage service. */
export const BLOCK_STORAGE_CONFIG = Symbol('BLOCK_STORAGE_CONFIG');
export const VOLUME_DRIVER = Symbol('VOLUME_DRIVER');
export const QEMU_IMG = Symbol('QEMU_IMG');
