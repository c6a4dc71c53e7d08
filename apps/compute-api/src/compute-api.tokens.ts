/** Injection token for the service's validated configuration. */
export const COMPUTE_CONFIG = Symbol('COMPUTE_CONFIG');
