/** Injection token for the identity service's validated configuration. */
export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
