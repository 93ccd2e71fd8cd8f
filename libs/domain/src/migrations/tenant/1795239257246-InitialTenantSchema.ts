import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialTenantSchema1795239257246 implements MigrationInterface {
  name = 'InitialTenantSchema1795239257246';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
                "actor_subject" character varying(64) NOT NULL,
                "actor_name" character varying(255) NOT NULL,
                "actor_role" character varying(20),
                "action" character varying(80) NOT NULL,
                "entity_type" character varying(40) NOT NULL,
                "entity_id" uuid,
                "before" jsonb,
                "after" jsonb,
                "request_id" character varying(100),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_actor_idx" ON "audit_events" ("actor_subject", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_entity_idx" ON "audit_events" ("entity_type", "entity_id", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events" ("occurred_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "qualifications" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(50) NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_abf9c7b4325223e71ef0d8222b1" UNIQUE ("code"),
                CONSTRAINT "PK_9ed4d526ac3b76ba3f1c1080433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "driver_qualifications" (
                "driver_id" uuid NOT NULL,
                "qualification_id" uuid NOT NULL,
                "expires_at" date NOT NULL,
                CONSTRAINT "PK_22519350e7378e3c867c751b3a1" PRIMARY KEY ("driver_id", "qualification_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "driver_qualifications_qualification_idx" ON "driver_qualifications" ("qualification_id", "expires_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "drivers" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "phone" character varying(40),
                "email" character varying(320),
                "keycloak_subject" character varying(64),
                "username" character varying(255),
                "duty_status" character varying(20) NOT NULL DEFAULT 'off_duty',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_12b7ae6be889f41a28bec591848" UNIQUE ("username"),
                CONSTRAINT "drivers_duty_status_valid" CHECK (duty_status IN ('on_duty', 'off_duty')),
                CONSTRAINT "PK_92ab3fb69e566d3eb0cae896047" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "drivers_keycloak_subject_unique" ON "drivers" ("keycloak_subject")
            WHERE keycloak_subject IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "sites" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "address" character varying(500) NOT NULL,
                "latitude" numeric(9, 6) NOT NULL,
                "longitude" numeric(9, 6) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_7a7dbd4513de54a315d97e1a7de" UNIQUE ("name"),
                CONSTRAINT "sites_longitude_range" CHECK (
                    longitude BETWEEN -180 AND 180
                ),
                CONSTRAINT "sites_latitude_range" CHECK (
                    latitude BETWEEN -90 AND 90
                ),
                CONSTRAINT "PK_4f5eccb1dfde10c9170502595a7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "work_orders" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "number" SERIAL NOT NULL,
                "title" character varying(200) NOT NULL,
                "site_id" uuid NOT NULL,
                "equipment_type_id" uuid NOT NULL,
                "priority" character varying(20) NOT NULL,
                "window_start" TIMESTAMP WITH TIME ZONE,
                "window_end" TIMESTAMP WITH TIME ZONE,
                "notes" text,
                "external_ref" character varying(100),
                "status" character varying(20) NOT NULL DEFAULT 'queued',
                "created_by" character varying(64) NOT NULL,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_220071f1ff980b208220860c176" UNIQUE ("number"),
                CONSTRAINT "work_orders_window_valid" CHECK (
                    (
                        window_start IS NULL
                        AND window_end IS NULL
                    )
                    OR (
                        window_start IS NOT NULL
                        AND window_end IS NOT NULL
                        AND window_end > window_start
                    )
                ),
                CONSTRAINT "work_orders_priority_valid" CHECK (
                    priority IN ('emergency', 'urgent', 'standard', 'low')
                ),
                CONSTRAINT "work_orders_status_valid" CHECK (
                    status IN ('queued', 'dispatched', 'completed', 'cancelled')
                ),
                CONSTRAINT "PK_29f6c1884082ee6f535aed93660" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "work_orders_status_priority_idx" ON "work_orders" ("status", "priority", "created_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "work_orders_external_ref_unique" ON "work_orders" ("external_ref")
            WHERE external_ref IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "equipment_type_required_qualifications" (
                "equipment_type_id" uuid NOT NULL,
                "qualification_id" uuid NOT NULL,
                CONSTRAINT "PK_c883ed9d7a514195b630a56baac" PRIMARY KEY ("equipment_type_id", "qualification_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "work_order_required_qualifications" (
                "work_order_id" uuid NOT NULL,
                "qualification_id" uuid NOT NULL,
                CONSTRAINT "PK_633527790042282d755484ee760" PRIMARY KEY ("work_order_id", "qualification_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "equipment_types" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(50) NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_890c6866a43b19bd612288eec9e" UNIQUE ("code"),
                CONSTRAINT "PK_837e6ae15084eed0f1d4b394303" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "equipment" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(50) NOT NULL,
                "name" character varying(200) NOT NULL,
                "equipment_type_id" uuid NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'available',
                "latitude" numeric(9, 6),
                "longitude" numeric(9, 6),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_28ff1c401cb1a3bc16e28ec3dff" UNIQUE ("code"),
                CONSTRAINT "equipment_longitude_range" CHECK (
                    longitude BETWEEN -180 AND 180
                ),
                CONSTRAINT "equipment_latitude_range" CHECK (
                    latitude BETWEEN -90 AND 90
                ),
                CONSTRAINT "equipment_status_valid" CHECK (
                    status IN (
                        'available',
                        'dispatched',
                        'maintenance',
                        'retired'
                    )
                ),
                CONSTRAINT "PK_0722e1b9d6eb19f5874c1678740" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "equipment_type_status_idx" ON "equipment" ("equipment_type_id", "status")
        `);
    await queryRunner.query(`
            CREATE TABLE "dispatches" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "work_order_id" uuid NOT NULL,
                "equipment_id" uuid NOT NULL,
                "driver_id" uuid NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'assigned',
                "dispatched_by" character varying(64) NOT NULL,
                "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                "en_route_at" TIMESTAMP WITH TIME ZONE,
                "on_site_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "dispatches_status_valid" CHECK (
                    status IN (
                        'assigned',
                        'acknowledged',
                        'en_route',
                        'on_site',
                        'completed',
                        'cancelled'
                    )
                ),
                CONSTRAINT "PK_e4f5defc12b20b66acf58f5c8b9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "dispatches_equipment_idx" ON "dispatches" ("equipment_id", "assigned_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "dispatches_driver_idx" ON "dispatches" ("driver_id", "assigned_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "dispatches_work_order_idx" ON "dispatches" ("work_order_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "dispatches_one_open_per_work_order" ON "dispatches" ("work_order_id")
            WHERE status IN (
                    'assigned',
                    'acknowledged',
                    'en_route',
                    'on_site'
                )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "dispatches_one_open_per_driver" ON "dispatches" ("driver_id")
            WHERE status IN (
                    'assigned',
                    'acknowledged',
                    'en_route',
                    'on_site'
                )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "dispatches_one_open_per_equipment" ON "dispatches" ("equipment_id")
            WHERE status IN (
                    'assigned',
                    'acknowledged',
                    'en_route',
                    'on_site'
                )
        `);
    await queryRunner.query(`
            ALTER TABLE "driver_qualifications"
            ADD CONSTRAINT "FK_fbc29e79792e841680d0b70a8c8" FOREIGN KEY ("driver_id") REFERENCES "drivers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "driver_qualifications"
            ADD CONSTRAINT "FK_865cddc66b1a8e27405b4fb78ee" FOREIGN KEY ("qualification_id") REFERENCES "qualifications"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "work_orders"
            ADD CONSTRAINT "FK_489134c29e90387612b2cab8c85" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "work_orders"
            ADD CONSTRAINT "FK_95ae302bfb1d89c704a30c4a0fe" FOREIGN KEY ("equipment_type_id") REFERENCES "equipment_types"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment_type_required_qualifications"
            ADD CONSTRAINT "FK_1515468b08064648851c1ee60d7" FOREIGN KEY ("equipment_type_id") REFERENCES "equipment_types"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment_type_required_qualifications"
            ADD CONSTRAINT "FK_dee2cde7d91fc5d05bb9c37ed7b" FOREIGN KEY ("qualification_id") REFERENCES "qualifications"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "work_order_required_qualifications"
            ADD CONSTRAINT "FK_d7aa32ccf0d60643639f1b6acdb" FOREIGN KEY ("work_order_id") REFERENCES "work_orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "work_order_required_qualifications"
            ADD CONSTRAINT "FK_a7a5e7717e962fe6411abb0d066" FOREIGN KEY ("qualification_id") REFERENCES "qualifications"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment"
            ADD CONSTRAINT "FK_3a73cb0e6695b05e28cedcc3d23" FOREIGN KEY ("equipment_type_id") REFERENCES "equipment_types"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "dispatches"
            ADD CONSTRAINT "FK_5343aae7fbdbb4ad3298b2cc1f8" FOREIGN KEY ("work_order_id") REFERENCES "work_orders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "dispatches"
            ADD CONSTRAINT "FK_fe975253c00bae0edf354bffc4f" FOREIGN KEY ("equipment_id") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "dispatches"
            ADD CONSTRAINT "FK_dc06b42148ec23df8e458ba2893" FOREIGN KEY ("driver_id") REFERENCES "drivers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "dispatches" DROP CONSTRAINT "FK_dc06b42148ec23df8e458ba2893"
        `);
    await queryRunner.query(`
            ALTER TABLE "dispatches" DROP CONSTRAINT "FK_fe975253c00bae0edf354bffc4f"
        `);
    await queryRunner.query(`
            ALTER TABLE "dispatches" DROP CONSTRAINT "FK_5343aae7fbdbb4ad3298b2cc1f8"
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment" DROP CONSTRAINT "FK_3a73cb0e6695b05e28cedcc3d23"
        `);
    await queryRunner.query(`
            ALTER TABLE "work_order_required_qualifications" DROP CONSTRAINT "FK_a7a5e7717e962fe6411abb0d066"
        `);
    await queryRunner.query(`
            ALTER TABLE "work_order_required_qualifications" DROP CONSTRAINT "FK_d7aa32ccf0d60643639f1b6acdb"
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment_type_required_qualifications" DROP CONSTRAINT "FK_dee2cde7d91fc5d05bb9c37ed7b"
        `);
    await queryRunner.query(`
            ALTER TABLE "equipment_type_required_qualifications" DROP CONSTRAINT "FK_1515468b08064648851c1ee60d7"
        `);
    await queryRunner.query(`
            ALTER TABLE "work_orders" DROP CONSTRAINT "FK_95ae302bfb1d89c704a30c4a0fe"
        `);
    await queryRunner.query(`
            ALTER TABLE "work_orders" DROP CONSTRAINT "FK_489134c29e90387612b2cab8c85"
        `);
    await queryRunner.query(`
            ALTER TABLE "driver_qualifications" DROP CONSTRAINT "FK_865cddc66b1a8e27405b4fb78ee"
        `);
    await queryRunner.query(`
            ALTER TABLE "driver_qualifications" DROP CONSTRAINT "FK_fbc29e79792e841680d0b70a8c8"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_one_open_per_equipment"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_one_open_per_driver"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_one_open_per_work_order"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_work_order_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_driver_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "dispatches_equipment_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "dispatches"
        `);
    await queryRunner.query(`
            DROP INDEX "equipment_type_status_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "equipment"
        `);
    await queryRunner.query(`
            DROP TABLE "equipment_types"
        `);
    await queryRunner.query(`
            DROP TABLE "work_order_required_qualifications"
        `);
    await queryRunner.query(`
            DROP TABLE "equipment_type_required_qualifications"
        `);
    await queryRunner.query(`
            DROP INDEX "work_orders_external_ref_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "work_orders_status_priority_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "work_orders"
        `);
    await queryRunner.query(`
            DROP TABLE "sites"
        `);
    await queryRunner.query(`
            DROP INDEX "drivers_keycloak_subject_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "drivers"
        `);
    await queryRunner.query(`
            DROP INDEX "driver_qualifications_qualification_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "driver_qualifications"
        `);
    await queryRunner.query(`
            DROP TABLE "qualifications"
        `);
    await queryRunner.query(`
            DROP INDEX "audit_events_occurred_at_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "audit_events_entity_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "audit_events_actor_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
  }
}
