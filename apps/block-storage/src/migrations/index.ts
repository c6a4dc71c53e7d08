import type { MigrationSets } from '@stratus/platform';
import { migrations as mysql } from './mysql';
import { migrations as sqlite } from './sqlite';

export const BLOCK_STORAGE_MIGRATIONS: MigrationSets = { mysql, sqlite };
