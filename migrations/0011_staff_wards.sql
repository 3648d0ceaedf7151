-- Migration 11: the wards each doctor and nurse works on. A clinician on a
-- ward is in the care of the patients admitted to its beds, and their
-- worklist holds those patients. Assignments are made and ended by an
-- administrator and kept as history: never updated but to end them, never
-- deleted. Shipped: never edit; add a new numbered file instead.

CREATE TABLE ward_staff (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    ward_id      TEXT NOT NULL REFERENCES wards (id),
    assigned_at  TEXT NOT NULL CHECK (assigned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    assigned_by  TEXT NOT NULL REFERENCES users (id),
    ended_at     TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_by     TEXT REFERENCES users (id),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= assigned_at)
) STRICT;
-- One open assignment per clinician and ward; the care rule finds a
-- clinician's open assignment to a ward through it.
CREATE UNIQUE INDEX ward_staff_open ON ward_staff (user_id, ward_id) WHERE ended_at IS NULL;
CREATE INDEX ward_staff_ward ON ward_staff (ward_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX ward_staff_user ON ward_staff (user_id, assigned_at);

-- Only doctors and nurses work on wards, and only on wards in use.
CREATE TRIGGER ward_staff_clinicians_only BEFORE INSERT ON ward_staff
WHEN (SELECT role FROM users WHERE id = NEW.user_id) NOT IN ('doctor', 'nurse')
BEGIN
    SELECT RAISE(ABORT, 'only doctors and nurses are assigned to wards');
END;
CREATE TRIGGER ward_staff_ward_in_use BEFORE INSERT ON ward_staff
WHEN (SELECT retired_at FROM wards WHERE id = NEW.ward_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'that ward is retired: assign the clinician to a ward in use');
END;
-- An assignment only gains its end, once.
CREATE TRIGGER ward_staff_only_ended BEFORE UPDATE ON ward_staff
WHEN OLD.ended_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id OR NEW.ward_id IS NOT OLD.ward_id
  OR NEW.assigned_at IS NOT OLD.assigned_at OR NEW.assigned_by IS NOT OLD.assigned_by
BEGIN
    SELECT RAISE(ABORT, 'a ward assignment only gains its end, once: assign the clinician again instead');
END;
CREATE TRIGGER ward_staff_no_delete BEFORE DELETE ON ward_staff
BEGIN
    SELECT RAISE(ABORT, 'ward assignments are never deleted: end the assignment instead');
END;
-- A clinician still assigned to a ward keeps a clinician's role.
CREATE TRIGGER users_role_keeps_wards BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('doctor', 'nurse')
 AND EXISTS (SELECT 1 FROM ward_staff WHERE user_id = NEW.id AND ended_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'this account is assigned to wards: end its ward assignments before changing its role');
END;
