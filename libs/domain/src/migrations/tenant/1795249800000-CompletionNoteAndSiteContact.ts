import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A driver's field basics (issue 12):
 *
 * - `dispatches.completion_note`: what the driver (or a dispatcher) wrote on completing the job,
 *   shown on the dispatch and in the work order's timeline. Only a completed dispatch carries one:
 *   the database refuses a note on any other status even if the code were wrong.
 * - `sites.contact_name` / `sites.contact_phone`: whom a driver calls at the site.
 *
 * All three are nullable without a default, so adding them rewrites no table; the check is
 * validated against a column that is empty everywhere. The constraint is a statement of its own:
 * on a tenant schema Citus already distributes, an ALTER TABLE that adds a constraint may have no
 * other subcommand ("cannot execute ADD CONSTRAINT command with other subcommands").
 */
export class CompletionNoteAndSiteContact1795249800000 implements MigrationInterface {
  name = 'CompletionNoteAndSiteContact1795249800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dispatches ADD COLUMN completion_note varchar(2000)`);
    await queryRunner.query(`
      ALTER TABLE dispatches ADD CONSTRAINT dispatches_completion_note_when_completed
        CHECK (completion_note IS NULL OR status = 'completed')`);
    await queryRunner.query(`
      ALTER TABLE sites
        ADD COLUMN contact_name varchar(200),
        ADD COLUMN contact_phone varchar(40)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE sites DROP COLUMN contact_phone, DROP COLUMN contact_name`,
    );
    await queryRunner.query(
      `ALTER TABLE dispatches DROP CONSTRAINT dispatches_completion_note_when_completed`,
    );
    await queryRunner.query(`ALTER TABLE dispatches DROP COLUMN completion_note`);
  }
}
