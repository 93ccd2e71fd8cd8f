-- One five-step dispatch cycle as raw SQL on the minimal schema (schema.sql): five transactions, as
-- the product's five requests, one audit insert each.
--   1. create the work order + assign a free unit and a qualified free driver (SKIP LOCKED) + audit
--   2.-4. acknowledged, en_route, on_site: one UPDATE + audit each
--   5. complete + release the unit and the driver + audit
-- pgbench counts one "transaction" per run of this script, so its tps is cycles per second.
-- Yardstick taken from the team's shared benchmark references (shared/bench/limit/cycle5.sql).
\set t random(0, 9)
BEGIN;
WITH wo AS (INSERT INTO work_order(type, priority, status) VALUES (:t, 2, 'dispatched') RETURNING id),
     e AS (SELECT id FROM equipment WHERE type = :t AND status = 'available' LIMIT 1 FOR UPDATE SKIP LOCKED),
     d AS (SELECT id FROM driver WHERE quals @> ARRAY[:t] AND status = 'available' LIMIT 1 FOR UPDATE SKIP LOCKED),
     ue AS (UPDATE equipment SET status = 'dispatched' WHERE id = (SELECT id FROM e)),
     ud AS (UPDATE driver SET status = 'dispatched' WHERE id = (SELECT id FROM d)),
     ins AS (INSERT INTO dispatch(work_order_id, equipment_id, driver_id, status) SELECT wo.id, e.id, d.id, 'active' FROM wo, e, d RETURNING id, equipment_id, driver_id)
INSERT INTO audit(action, entity_id, data) SELECT 'dispatch.created', id, jsonb_build_object('e', equipment_id, 'd', driver_id) FROM ins
RETURNING entity_id AS did \gset
COMMIT;
BEGIN;
WITH x AS (UPDATE dispatch SET step = 'acknowledged' WHERE id = :did AND step = 'assigned' RETURNING id)
INSERT INTO audit(action, entity_id) SELECT 'dispatch.acknowledged', id FROM x;
COMMIT;
BEGIN;
WITH x AS (UPDATE dispatch SET step = 'en_route' WHERE id = :did AND step = 'acknowledged' RETURNING id)
INSERT INTO audit(action, entity_id) SELECT 'dispatch.en_route', id FROM x;
COMMIT;
BEGIN;
WITH x AS (UPDATE dispatch SET step = 'on_site' WHERE id = :did AND step = 'en_route' RETURNING id)
INSERT INTO audit(action, entity_id) SELECT 'dispatch.on_site', id FROM x;
COMMIT;
BEGIN;
WITH x AS (UPDATE dispatch SET status = 'completed', completed_at = now() WHERE id = :did RETURNING equipment_id, driver_id, work_order_id),
     ue AS (UPDATE equipment SET status = 'available' WHERE id = (SELECT equipment_id FROM x)),
     ud AS (UPDATE driver SET status = 'available' WHERE id = (SELECT driver_id FROM x)),
     uw AS (UPDATE work_order SET status = 'completed' WHERE id = (SELECT work_order_id FROM x))
INSERT INTO audit(action, entity_id) VALUES ('dispatch.completed', :did);
COMMIT;
