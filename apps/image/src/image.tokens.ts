export const IMAGE_CONFIG = Symbol('IMAGE_CONFIG');
export const IMAGE_STORE = Symbol('IMAGE_STORE');
export const STAGING_STORE = Symbol('STAGING_STORE');
