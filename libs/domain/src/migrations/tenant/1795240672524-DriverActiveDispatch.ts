import { MigrationInterface, QueryRunner } from 'typeorm';

export class DriverActiveDispatch1795240672524 implements MigrationInterface {
  name = 'DriverActiveDispatch1795240672524';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "drivers"
            ADD "active_dispatch_id" uuid
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "drivers_active_dispatch_unique" ON "drivers" ("active_dispatch_id")
            WHERE active_dispatch_id IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "drivers_active_dispatch_unique"
        `);
    await queryRunner.query(`
            ALTER TABLE "drivers" DROP COLUMN "active_dispatch_id"
        `);
  }
}
