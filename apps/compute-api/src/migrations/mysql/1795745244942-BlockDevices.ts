import { MigrationInterface, QueryRunner } from 'typeorm';

export class BlockDevices1795745244942 implements MigrationInterface {
  name = 'BlockDevices1795745244942';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `instance` ADD `block_devices` text NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `instance` DROP COLUMN `block_devices`');
  }
}
