/** Injection token for the network service's validated configuration. */
export const NETWORK_CONFIG = Symbol('NETWORK_CONFIG');
