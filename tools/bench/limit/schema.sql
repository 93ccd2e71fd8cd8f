-- The minimal-SQL limit of a dispatch cycle: the least a five-step dispatch cycle can cost on a
-- PostgreSQL server, with no application, ORM, HTTP or auth in between. Loaded into a throw-away
-- database by tools/bench/minimal-limit.ts; tools/bench/dispatch-cycle.ts measures it on the same
-- server, in the same run, as the product's own statements and prints the ratio.
--
-- Yardstick taken from the team's shared benchmark references (shared/bench/limit/schema.sql,
-- run there by limit/run.sh); kept as is so the figures compare with the ones quoted there.
-- `equipment` holds the units; 2000 units and 2000 drivers over 10 types, so matching never runs
-- dry at any sensible number of workers.
DROP TABLE IF EXISTS audit, dispatch, work_order, equipment, driver CASCADE;
CREATE TABLE equipment (id serial PRIMARY KEY, type int NOT NULL, status text NOT NULL DEFAULT 'available');
CREATE TABLE driver (id serial PRIMARY KEY, quals int[] NOT NULL, status text NOT NULL DEFAULT 'available');
CREATE TABLE work_order (id bigserial PRIMARY KEY, type int NOT NULL, priority int NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE dispatch (id bigserial PRIMARY KEY, work_order_id bigint NOT NULL REFERENCES work_order, equipment_id int NOT NULL REFERENCES equipment, driver_id int NOT NULL REFERENCES driver, status text NOT NULL, step text NOT NULL DEFAULT 'assigned', assigned_at timestamptz NOT NULL DEFAULT now(), completed_at timestamptz);
CREATE UNIQUE INDEX dispatch_one_active_equipment ON dispatch(equipment_id) WHERE status = 'active';
CREATE UNIQUE INDEX dispatch_one_active_driver ON dispatch(driver_id) WHERE status = 'active';
CREATE INDEX equipment_free ON equipment(type) WHERE status = 'available';
CREATE INDEX driver_free ON driver USING gin(quals) WHERE status = 'available';
CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), action text NOT NULL, entity_id bigint, data jsonb);
INSERT INTO equipment(type) SELECT (g % 10) FROM generate_series(1, 2000) g;
INSERT INTO driver(quals) SELECT ARRAY[(g % 10)] FROM generate_series(1, 2000) g;
