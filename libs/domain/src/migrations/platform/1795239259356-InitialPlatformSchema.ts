import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialPlatformSchema1795239259356 implements MigrationInterface {
  name = 'InitialPlatformSchema1795239259356';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "organizations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "slug" character varying(40) NOT NULL,
                "name" character varying(200) NOT NULL,
                "schema_name" character varying(63) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_963693341bd612aa01ddf3a4b68" UNIQUE ("slug"),
                CONSTRAINT "UQ_7136f125a3839f583cd8657a5ea" UNIQUE ("schema_name"),
                CONSTRAINT "organizations_slug_format" CHECK (slug ~ '^[a-z]([a-z0-9]|-[a-z0-9]){1,39}$'),
                CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "organizations"
        `);
  }
}
