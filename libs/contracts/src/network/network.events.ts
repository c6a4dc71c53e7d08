import { event } from '../common/rpc';
import type { PortRef } from './network.rpc';

/** The JetStream stream keeping port changes, so an agent that restarts resumes where it stopped. */
export const NETWORK_PORT_STREAM = 'NETWORK_PORTS';

export type PortChange = 'created' | 'updated' | 'bound' | 'unbound' | 'deleted';

export interface PortChangedEvent {
  change: PortChange;
  at: string;
  port: PortRef;
}

export const PortChanged = event<PortChangedEvent>('evt.network.port.changed');
