import type { MigrationSets } from '@stratus/platform';
import { migrations as mysql } from './mysql';
import { migrations as sqlite } from './sqlite';

export const NETWORK_MIGRATIONS: MigrationSets = { mysql, sqlite };
