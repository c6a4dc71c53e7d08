import { platformConfigSchema } from '@stratus/platform';
import { hostname } from 'node:os';
import { z } from 'zod';

export const agentConfigSchema = platformConfigSchema.extend({
  /** Health and metrics only: the agent is told what to do over NATS. */
  COMPUTE_AGENT_PORT: z.coerce.number().int().min(0).max(65535).default(8781),
  /**
   * The host's name in the scheduler, in os-hypervisors and in its subjects (compute.<host>.*);
   * characters a NATS subject token cannot hold (the dots of a node's DNS name) become '-'.
   */
  COMPUTE_AGENT_HOST: z
    .string()
    .min(1)
    .default(hostname())
    .transform((name) => name.replace(/[^A-Za-z0-9_-]/g, '-')),
  COMPUTE_AGENT_DRIVER: z.enum(['fake', 'libvirt']).default('fake'),
  COMPUTE_AGENT_LIBVIRT_URI: z.string().default('qemu:///system'),
  COMPUTE_AGENT_LIBVIRT_SOCKET: z.string().default('/run/libvirt/libvirt-sock'),
  /** The network namespace libvirtd runs in, where bridges for its taps must be; empty: the agent's own. */
  COMPUTE_AGENT_LIBVIRT_NETNS: z.string().default(''),
  /** Never detected: libvirt reports KVM on hosts where it cannot run guests. */
  COMPUTE_AGENT_VIRT_TYPE: z.enum(['kvm', 'qemu']).default('kvm'),
  COMPUTE_AGENT_INSTANCES_DIR: z.string().optional(),
  /**
   * Who answers the guests' DHCP: `dnsmasq` (one per network with ports on this host, in its own
   * network namespace) or `none`. Unset: dnsmasq with the libvirt driver when the agent runs as
   * root and dnsmasq is installed, else none (fake hosts have no data plane).
   */
  COMPUTE_AGENT_DHCP: z.enum(['dnsmasq', 'none']).optional(),
  /** The lease time given to guests, as Neutron's dhcp_lease_duration. */
  COMPUTE_AGENT_DHCP_LEASE_SECONDS: z.coerce.number().int().min(120).default(86400),
  /** dnsmasq's files, one folder per network under <dir>/<host>; readable by others, as dnsmasq runs as nobody. */
  COMPUTE_AGENT_DHCP_DIR: z.string().default('/run/stratus/dhcp'),
  COMPUTE_AGENT_AVAILABILITY_ZONE: z.string().default('nova'),
  COMPUTE_AGENT_HEARTBEAT_SECONDS: z.coerce.number().positive().default(10),
  COMPUTE_AGENT_CPU_ALLOCATION_RATIO: z.coerce.number().positive().default(4),
  COMPUTE_AGENT_RAM_ALLOCATION_RATIO: z.coerce.number().positive().default(1),
  COMPUTE_AGENT_DISK_ALLOCATION_RATIO: z.coerce.number().positive().default(1),
  COMPUTE_AGENT_RESERVED_HOST_MEMORY_MB: z.coerce.number().int().nonnegative().default(512),
  COMPUTE_AGENT_RESERVED_HOST_DISK_GB: z.coerce.number().int().nonnegative().default(0),
  COMPUTE_AGENT_RESERVED_HOST_CPUS: z.coerce.number().int().nonnegative().default(0),
  /** The fake driver simulates this many hosts in one process: <host>-1 ... <host>-N when above 1. */
  COMPUTE_AGENT_FAKE_HOSTS: z.coerce.number().int().positive().default(1),
  COMPUTE_AGENT_FAKE_VCPUS: z.coerce.number().int().positive().default(16),
  COMPUTE_AGENT_FAKE_MEMORY_MB: z.coerce.number().int().positive().default(32768),
  COMPUTE_AGENT_FAKE_DISK_GB: z.coerce.number().int().positive().default(1000),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const AGENT_CONFIG = Symbol('AGENT_CONFIG');
