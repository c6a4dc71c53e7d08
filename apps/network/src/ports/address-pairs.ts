import { badRequest, conflict } from '@stratus/platform';
import { formatCidr, formatIp, parseCidr, BITS } from '../ipam/ip-address';
import { normaliseMac } from '../ipam/mac-address';
import type { AddressPairRequest } from './port.schemas';

export const MAX_ADDRESS_PAIRS = 10;

/** An allowed address pair before the port's MAC is known: a missing MAC means "the port's own". */
export interface PendingAddressPair {
  ip_address: string;
  mac_address?: string;
}

/** Validates allowed_address_pairs (an address or a CIDR, and an optional MAC), as Neutron does. */
export function validateAddressPairs(pairs: readonly AddressPairRequest[]): PendingAddressPair[] {
  if (pairs.length > MAX_ADDRESS_PAIRS) {
    throw badRequest(
      `The number of allowed address pair exceeds the maximum ${MAX_ADDRESS_PAIRS}.`,
      'AllowedAddressPairExhausted',
    );
  }
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const parsed = parseCidr(pair.ip_address);
    if (!parsed) {
      throw badRequest(
        `Invalid input for allowed_address_pairs. Reason: '${pair.ip_address}' is not a valid IP address.`,
      );
    }
    const isHost = parsed.cidr.prefix === BITS[parsed.cidr.version];
    const ip = isHost
      ? formatIp({ version: parsed.cidr.version, value: parsed.cidr.network })
      : formatCidr(parsed.cidr);
    let mac: string | undefined;
    if (pair.mac_address !== undefined) {
      mac = normaliseMac(pair.mac_address);
      if (!mac) {
        throw badRequest(
          `Invalid input for allowed_address_pairs. Reason: '${pair.mac_address}' is not a valid MAC address.`,
        );
      }
    }
    const key = `${ip}|${mac ?? ''}`;
    if (seen.has(key)) {
      throw badRequest(
        `Request contains duplicate address pair: mac_address ${mac ?? '(port)'} ip_address ${ip}.`,
        'DuplicateAddressPairInRequest',
      );
    }
    seen.add(key);
    return mac === undefined ? { ip_address: ip } : { ip_address: ip, mac_address: mac };
  });
}

export function addressPairsNeedPortSecurity() {
  return conflict(
    'Port Security must be enabled in order to have allowed address pairs on a port.',
    'AddressPairAndPortSecurityRequired',
  );
}
