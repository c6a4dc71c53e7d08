/**
 * The JSON schemas Glance serves under /v2/schemas, and the validator the API uses for request
 * bodies: clients (glanceclient, openstackclient) validate against the same documents, so what
 * the schema says and what the service accepts are one definition.
 */

export type JsonSchema = Record<string, unknown>;

export const UUID_PATTERN =
  '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

/** Glance's [image_format] defaults. */
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
export const DISK_FORMATS = [
  'ami',
  'ari',
  'aki',
  'vhd',
  'vhdx',
  'vmdk',
  'raw',
  'qcow2',
  'vdi',
  'iso',
  'ploop',
];

export const IMAGE_STATUSES = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'uploading',
  'importing',
  'pending_delete',
  'deactivated',
];
export const VISIBILITIES = ['community', 'public', 'private', 'shared'];
export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'];

/** Glance stores min_disk and min_ram in 32-bit signed columns. */
export const MAX_DB_INT = 2 ** 31 - 1;

function baseProperties(): Record<string, JsonSchema> {
  return {
    id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
    name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
    status: {
      type: 'string',
      readOnly: true,
      description: 'Status of the image',
      enum: IMAGE_STATUSES,
    },
    visibility: { type: 'string', description: 'Scope of image accessibility', enum: VISIBILITIES },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: {
      type: 'boolean',
      description: 'If true, image will not appear in default image list response.',
    },
    checksum: {
      type: ['null', 'string'],
      readOnly: true,
      description: 'md5 hash of image contents.',
      maxLength: 32,
    },
    os_hash_algo: {
      type: ['null', 'string'],
      readOnly: true,
      description: 'Algorithm to calculate the os_hash_value',
      maxLength: 64,
    },
    os_hash_value: {
      type: ['null', 'string'],
      readOnly: true,
      description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
      maxLength: 128,
    },
    owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
    size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: {
      type: ['null', 'integer'],
      readOnly: true,
      description: 'Virtual size of image in bytes',
    },
    container_format: {
      type: ['null', 'string'],
      description: 'Format of the container',
      enum: [null, ...CONTAINER_FORMATS],
    },
    disk_format: {
      type: ['null', 'string'],
      description: 'Format of the disk',
      enum: [null, ...DISK_FORMATS],
    },
    created_at: { type: 'string', readOnly: true, description: 'Date and time of image registration' },
    updated_at: {
      type: 'string',
      readOnly: true,
      description: 'Date and time of the last image modification',
    },
    tags: {
      type: 'array',
      description: 'List of strings related to the image',
      items: { type: 'string', maxLength: 255 },
    },
    min_ram: {
      type: 'integer',
      description: 'Amount of ram (in MB) required to boot image.',
      minimum: 0,
      maximum: MAX_DB_INT,
    },
    min_disk: {
      type: 'integer',
      description: 'Amount of disk space (in GB) required to boot image.',
      minimum: 0,
      maximum: MAX_DB_INT,
    },
    self: { type: 'string', readOnly: true, description: 'An image self url' },
    file: { type: 'string', readOnly: true, description: 'An image file url' },
    schema: { type: 'string', readOnly: true, description: 'An image schema url' },
  };
}

/** Glance's etc/schema-image.json: custom properties with a documented meaning. */
function customProperties(): Record<string, JsonSchema> {
  const props: Record<string, JsonSchema> = {
    kernel_id: {
      type: ['null', 'string'],
      pattern: UUID_PATTERN,
      description:
        'ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.',
    },
    ramdisk_id: {
      type: ['null', 'string'],
      pattern: UUID_PATTERN,
      description:
        'ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.',
    },
    instance_uuid: {
      type: 'string',
      description:
        'Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)',
    },
    architecture: {
      description:
        'Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
      type: 'string',
    },
    os_distro: {
      description:
        'Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
      type: 'string',
    },
    os_version: { description: 'Operating system version as specified by the distributor.', type: 'string' },
    description: { description: 'A human-readable string describing this image.', type: 'string' },
  };
  for (const value of Object.values(props)) value.is_base = false;
  return props;
}

export const IMAGE_PROPERTIES: Record<string, JsonSchema> = { ...baseProperties(), ...customProperties() };
/** Attributes that are columns of the image, not custom properties. */
export const BASE_PROPERTY_NAMES = new Set(Object.keys(baseProperties()));

const IMAGE_LINKS = [
  { rel: 'self', href: '{self}' },
  { rel: 'enclosure', href: '{file}' },
  { rel: 'describedby', href: '{schema}' },
];

/** The longest custom property value kept (a TEXT column), in characters. */
export const MAX_PROPERTY_VALUE = 65535;

/**
 * Custom properties not in the schema must be strings: Glance's PermissiveSchema. Unlike
 * Glance's, this schema leaves out what the service never accepts nor shows (locations,
 * direct_url, stores: there is no location API), and states the bounds it enforces.
 */
export function imageSchema(): JsonSchema {
  return {
    name: 'image',
    properties: IMAGE_PROPERTIES,
    additionalProperties: { type: 'string', maxLength: MAX_PROPERTY_VALUE },
    links: IMAGE_LINKS,
  };
}

export function imagesSchema(): JsonSchema {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema() },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

const MEMBER_PROPERTIES: Record<string, JsonSchema> = {
  member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
  image_id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
  created_at: { type: 'string', description: 'Date and time of image member creation' },
  updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
  status: { type: 'string', description: 'The status of this image member', enum: MEMBER_STATUSES },
  schema: { readOnly: true, type: 'string' },
};

export function memberSchema(): JsonSchema {
  return { name: 'member', properties: MEMBER_PROPERTIES, additionalProperties: false };
}

export function membersSchema(): JsonSchema {
  return {
    name: 'members',
    properties: {
      members: { type: 'array', items: memberSchema() },
      schema: { type: 'string' },
    },
    links: [{ rel: 'describedby', href: '{schema}' }],
  };
}

/** Python's repr of a JSON value, as jsonschema's messages show it. */
function repr(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.length > 80 ? value.slice(0, 80) + '...' : value}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/** The subset of JSON Schema these documents use; returns the first violation, as jsonschema does. */
export function violation(schema: JsonSchema, value: unknown): string | undefined {
  const type = schema.type as string | string[] | undefined;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => typeMatches(t, value))) {
      return `${repr(value)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`;
    }
  }
  const enumeration = schema.enum as unknown[] | undefined;
  if (enumeration && !enumeration.includes(value)) {
    return `${repr(value)} is not one of ${repr(enumeration)}`;
  }
  if (typeof value === 'string') {
    const maxLength = schema.maxLength as number | undefined;
    if (maxLength !== undefined && [...value].length > maxLength) return `${repr(value)} is too long`;
    const minLength = schema.minLength as number | undefined;
    if (minLength !== undefined && [...value].length < minLength) return `${repr(value)} is too short`;
    const pattern = schema.pattern as string | undefined;
    if (pattern && !new RegExp(pattern).test(value)) {
      return `${repr(value)} does not match '${pattern}'`;
    }
  }
  if (typeof value === 'number') {
    const minimum = schema.minimum as number | undefined;
    if (minimum !== undefined && value < minimum) return `${value} is less than the minimum of ${minimum}`;
    const maximum = schema.maximum as number | undefined;
    if (maximum !== undefined && value > maximum) return `${value} is greater than the maximum of ${maximum}`;
  }
  if (Array.isArray(value) && schema.items) {
    for (const item of value) {
      const problem = violation(schema.items as JsonSchema, item);
      if (problem) return problem;
    }
  }
  if (typeMatches('object', value) && (schema.properties || schema.additionalProperties !== undefined)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in object)) return `'${name}' is a required property`;
    }
    for (const [key, item] of Object.entries(object)) {
      const sub = properties[key];
      if (sub) {
        const problem = violation(sub, item);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return `Additional properties are not allowed ('${key}' was unexpected)`;
      } else if (typeof schema.additionalProperties === 'object') {
        const problem = violation(schema.additionalProperties as JsonSchema, item);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}
