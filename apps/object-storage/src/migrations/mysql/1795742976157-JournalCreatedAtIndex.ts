import { MigrationInterface, QueryRunner } from 'typeorm';

export class JournalCreatedAtIndex1795742976157 implements MigrationInterface {
  name = 'JournalCreatedAtIndex1795742976157';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX `ix_swift_data_journal_created_at` ON `swift_data_journal` (`created_at`)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_swift_data_journal_created_at` ON `swift_data_journal`');
  }
}
