-- Central migration 3: reports across hospitals, as views a district
-- office can also query with its own tools. Times are the hospitals' own:
-- a month is the hospital's month, today the hospital's today.
-- Shipped: never edit; add a new numbered file instead.

-- Beds in use, by hospital and ward (retired beds and wards left out).
CREATE VIEW central_census AS
SELECT b.hospital, w.name AS ward, w.kind,
       count(*) AS beds,
       count(*) FILTER (WHERE b.status = 'occupied') AS occupied,
       count(*) FILTER (WHERE b.status = 'available') AS available,
       count(*) FILTER (WHERE b.status = 'reserved') AS reserved,
       count(*) FILTER (WHERE b.status = 'cleaning') AS cleaning,
       count(*) FILTER (WHERE b.status = 'out_of_service') AS out_of_service
  FROM beds b
  JOIN wards w ON w.hospital = b.hospital AND w.id = b.ward_id
 WHERE b.retired_at IS NULL AND w.retired_at IS NULL
 GROUP BY b.hospital, w.name, w.kind;

-- Stock by item and hospital: usable on hand, the part of it expiring
-- within the hospital's expiry window, and expired stock still on the shelf.
CREATE VIEW central_stock AS
SELECT i.hospital, i.name AS item, i.strength, i.form, i.unit, i.reorder_level,
       coalesce(sum(b.on_hand) FILTER (WHERE b.expiry::date >= d.today), 0) AS on_hand,
       coalesce(sum(b.on_hand) FILTER (WHERE b.expiry::date >= d.today
                                         AND b.expiry::date < d.today + d.window_days), 0) AS expiring,
       coalesce(sum(b.on_hand) FILTER (WHERE b.expiry::date < d.today), 0) AS expired,
       min(b.expiry::date) FILTER (WHERE b.expiry::date >= d.today) AS next_expiry,
       d.window_days
  FROM stock_items i
  JOIN hospitals h ON h.code = i.hospital
  CROSS JOIN LATERAL (
      SELECT (now() AT TIME ZONE h.time_zone)::date AS today,
             coalesce((SELECT s.value::integer FROM settings s
                        WHERE s.hospital = i.hospital AND s.key = 'expiry_window_days'), 90) AS window_days
  ) d
  LEFT JOIN stock_batches b ON b.hospital = i.hospital AND b.item_id = i.id AND b.on_hand > 0
 WHERE i.active = 1
 GROUP BY i.hospital, i.id, i.name, i.strength, i.form, i.unit, i.reorder_level, d.today, d.window_days;

-- Visits by hospital and month.
CREATE VIEW central_visits_monthly AS
SELECT v.hospital,
       to_char(v.started_at::timestamptz AT TIME ZONE h.time_zone, 'YYYY-MM') AS month,
       count(*) AS visits,
       count(DISTINCT v.patient_id) AS patients
  FROM visits v
  JOIN hospitals h ON h.code = v.hospital
 GROUP BY v.hospital, 2;

-- Diagnoses by hospital, month and code (those entered in error left out).
CREATE VIEW central_diagnoses_monthly AS
SELECT d.hospital,
       to_char(d.recorded_at::timestamptz AT TIME ZONE h.time_zone, 'YYYY-MM') AS month,
       d.code_system, d.code, min(d.text) AS text,
       count(*) AS diagnoses
  FROM diagnoses d
  JOIN hospitals h ON h.code = d.hospital
 WHERE d.error_at IS NULL
 GROUP BY d.hospital, 2, d.code_system, d.code;
