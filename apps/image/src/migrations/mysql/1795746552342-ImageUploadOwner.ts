import { MigrationInterface, QueryRunner } from 'typeorm';

export class ImageUploadOwner1795746552342 implements MigrationInterface {
  name = 'ImageUploadOwner1795746552342';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `image` ADD `upload_owner` varchar(255) NULL');
    await queryRunner.query('ALTER TABLE `image` ADD `upload_heartbeat_at` datetime NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `image` DROP COLUMN `upload_heartbeat_at`');
    await queryRunner.query('ALTER TABLE `image` DROP COLUMN `upload_owner`');
  }
}
