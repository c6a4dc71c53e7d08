/** An API extension as Neutron lists it. */
export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated: string;
  links: never[];
}

const ext = (alias: string, name: string, description: string): Extension => ({
  alias,
  name,
  description,
  updated: '2023-01-01T00:00:00-00:00',
  links: [],
});

/**
 * Only what this service implements: clients probe this list to decide which attributes they may
 * send, so listing something missing would make them send what we refuse.
 */
export const EXTENSIONS: readonly Extension[] = [
  ext('allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'),
  ext('availability_zone', 'Availability Zone', 'The availability zone extension.'),
  ext('network_availability_zone', 'Network Availability Zone', 'Availability zone support for network.'),
  ext('router_availability_zone', 'Router Availability Zone', 'Availability zone support for router.'),
  ext('binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'),
  ext('external-net', 'Neutron external network', 'Adds external network attribute to network resource.'),
  ext(
    'ext-gw-mode',
    'Neutron L3 Configurable external gateway mode',
    'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
  ),
  ext('extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'),
  ext(
    'extraroute-atomic',
    'Atomically add/remove extra routes',
    'Edit extra routes of a router on server side by atomically adding/removing extra routes',
  ),
  ext('filter-validation', 'Filter parameters validation', 'Provides validation on filter parameters.'),
  ext('net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'),
  ext(
    'net-mtu-writable',
    'Network MTU (writable)',
    'Provides a writable MTU attribute for a network resource.',
  ),
  ext('pagination', 'Pagination support', 'Extension that indicates that pagination is enabled.'),
  ext('sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'),
  ext('port-security', 'Port Security', 'Provides port security'),
  ext(
    'port-security-groups-filtering',
    'Port filtering on security groups',
    'Provides security groups filtering when listing ports',
  ),
  ext('project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'),
  ext('provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks'),
  ext('quotas', 'Quota management support', 'Expose functions for quotas management per tenant'),
  ext(
    'quota_details',
    'Quota details management support',
    'Expose functions for quotas usage statistics per project',
  ),
  ext(
    'quota-check-limit',
    'Quota engine limit check',
    'Support for checking the resource usage before applying a new quota limit',
  ),
  ext(
    'revision-if-match',
    'If-Match constraints based on revision_number',
    'Extension indicating that If-Match based on revision_number is supported.',
  ),
  ext(
    'router',
    'Neutron L3 Router',
    'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
  ),
  ext('security-group', 'security-group', 'The security groups extension.'),
  ext(
    'security-groups-normalized-cidr',
    'Security group rule normalized CIDR',
    'Add new field with normalized remote_ip_prefix cidr in SG rule',
  ),
  ext(
    'stateful-security-group',
    'Stateful security group',
    'Indicates if the security group is stateful or not',
  ),
  ext(
    'standard-attr-description',
    'standard-attr-description',
    'Extension to add descriptions to standard attributes',
  ),
  ext(
    'standard-attr-revisions',
    'Resource revision numbers',
    'This extension will display the revision number of neutron resources.',
  ),
  ext(
    'standard-attr-timestamp',
    'Resource timestamps',
    'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
  ),
  ext(
    'standard-attr-tag',
    'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip',
    'Enables to set tag on resources with standard attribute.',
  ),
];
