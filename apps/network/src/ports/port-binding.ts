import type { JsonObject, NetworkEntity, PortEntity } from '../persistence/network.entities';

export interface VifBinding {
  vifType: string;
  vifDetails: JsonObject;
}

/**
 * What ML2 with the Linux bridge driver answers: a `normal` port on a host plugs a tap into the
 * network's bridge (`brq` + the first 11 characters of the network id, as the agent names it).
 * Other vnic types have no driver here and fail to bind, as they would in Neutron.
 */
export function bindingFor(
  hostId: string,
  vnicType: string,
  network: Pick<NetworkEntity, 'id'>,
  bridgePrefix: string,
): VifBinding {
  if (hostId === '') return { vifType: 'unbound', vifDetails: {} };
  if (vnicType !== 'normal') return { vifType: 'binding_failed', vifDetails: {} };
  return {
    vifType: 'bridge',
    vifDetails: {
      connectivity: 'l2',
      port_filter: true,
      bridge_name: `${bridgePrefix}${network.id.slice(0, 11)}`,
    },
  };
}

/**
 * No agent reports link state yet, so status follows what Neutron would reach: a bound, enabled
 * port is ACTIVE, router ports are ACTIVE, floating IP ports are N/A, everything else DOWN.
 */
export function portStatus(
  port: Pick<PortEntity, 'deviceOwner' | 'adminStateUp' | 'bindingVifType'>,
): string {
  if (port.deviceOwner === 'network:floatingip') return 'N/A';
  if (!port.adminStateUp) return 'DOWN';
  if (port.deviceOwner.startsWith('network:router')) return 'ACTIVE';
  return port.bindingVifType === 'bridge' ? 'ACTIVE' : 'DOWN';
}
