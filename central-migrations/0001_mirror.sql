-- Central migration 1: the hospitals that push, where each one's push has
-- reached, and a mirror of every table a hospital file pushes (hospital
-- schema 27), each row under its hospital's code. The mirror tables carry
-- the file's columns with the same names and values (the same UUIDs), less
-- what never leaves a hospital (password hashes); they have no foreign keys,
-- since a push sends a table's rows in whatever order they changed.
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE hospitals (
    code           text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,8}$'),
    site_id        uuid NOT NULL UNIQUE,
    name           text NOT NULL,
    time_zone      text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    last_push_at   timestamptz,
    pushed_rows    bigint NOT NULL DEFAULT 0,
    schema_version integer NOT NULL
);

-- Where a hospital's push has reached, per stream: 'outbox' (the file's
-- outbox sequence), 'rows:<table>' (the highest rowid sent of a table whose
-- new rows are found by rowid), 'walk:<table>' (the first push's walk
-- through a table without rowids, by its key, until done).
CREATE TABLE push_cursors (
    hospital  text NOT NULL REFERENCES hospitals (code),
    stream    text NOT NULL,
    position  bigint NOT NULL DEFAULT 0,
    walk_key  text,
    done      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (hospital, stream)
);

-- One row per push that ran to its end (a killed push leaves its batches,
-- each whole, and no row here).
CREATE TABLE pushes (
    hospital     text NOT NULL REFERENCES hospitals (code),
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    rows         bigint NOT NULL,
    batches      integer NOT NULL,
    PRIMARY KEY (hospital, started_at)
);

CREATE TABLE access_grants (
    hospital text NOT NULL,
    id text NOT NULL,
    session_id text,
    user_id text,
    patient_id text,
    reason text,
    granted_at text,
    expires_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE admission_news2 (
    hospital text NOT NULL,
    admission_id text NOT NULL,
    taken_at text,
    score bigint,
    band text,
    previous bigint,
    PRIMARY KEY (hospital, admission_id)
);

CREATE TABLE admissions (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    bed_id text,
    attending_id text,
    reason text,
    admitted_at text,
    admitted_by text,
    discharged_at text,
    discharged_by text,
    disposition text,
    discharge_note text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE allergies (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    substance text,
    reaction text,
    severity text,
    recorded_by text,
    recorded_at text,
    error_at text,
    error_by text,
    error_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE appointment_types (
    hospital text NOT NULL,
    id text NOT NULL,
    name text,
    minutes bigint,
    retired bigint,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE appointments (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    clinician_id text,
    type_id text,
    day text,
    start_min bigint,
    end_min bigint,
    status text,
    walk_in bigint,
    notes text,
    cancel_reason text,
    rescheduled_from text,
    rescheduled_to text,
    checked_in_at text,
    called_at text,
    completed_at text,
    created_at text,
    created_by text,
    updated_at text,
    updated_by text,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE audit_log (
    hospital text NOT NULL,
    seq bigint NOT NULL,
    at text,
    actor_id text,
    actor_name text,
    actor_role text,
    action text,
    entity text,
    entity_id text,
    patient_id text,
    summary text,
    prev_hash text,
    hash text,
    PRIMARY KEY (hospital, seq)
);

CREATE TABLE bed_stays (
    hospital text NOT NULL,
    id text NOT NULL,
    admission_id text,
    bed_id text,
    ward_id text,
    started_at text,
    started_by text,
    ended_at text,
    ended_by text,
    reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE beds (
    hospital text NOT NULL,
    id text NOT NULL,
    ward_id text,
    label text,
    kind text,
    status text,
    status_since text,
    reserved_for text,
    reserved_until text,
    out_of_service_reason text,
    cleaned_at text,
    created_at text,
    retired_at text,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE bills (
    hospital text NOT NULL,
    id text NOT NULL,
    number bigint,
    patient_id text,
    visit_id text,
    admission_id text,
    opened_at text,
    closed_at text,
    closed_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE cash_ups (
    hospital text NOT NULL,
    id text NOT NULL,
    cashier_id text,
    day text,
    expected_cash bigint,
    expected_mobile_money bigint,
    expected_card bigint,
    expected_scheme bigint,
    counted_cash bigint,
    difference bigint,
    note text,
    closed_at text,
    closed_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE charges (
    hospital text NOT NULL,
    id text NOT NULL,
    bill_id text,
    source_kind text,
    source_id text,
    source_day text,
    tariff_item_id text,
    lab_test_id text,
    batch_id text,
    description text,
    quantity bigint,
    unit_price bigint,
    amount bigint,
    patient_share bigint,
    scheme_share bigint,
    co_payment bigint,
    reverses text,
    reason text,
    posted_at text,
    posted_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE days_off (
    hospital text NOT NULL,
    clinician_id text NOT NULL,
    day text NOT NULL,
    reason text,
    PRIMARY KEY (hospital, clinician_id, day)
);

CREATE TABLE diagnoses (
    hospital text NOT NULL,
    id text NOT NULL,
    visit_id text,
    patient_id text,
    code_system text,
    code text,
    text text,
    rank text,
    certainty text,
    recorded_by text,
    recorded_at text,
    error_at text,
    error_by text,
    error_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE dispense_reversals (
    hospital text NOT NULL,
    movement_seq bigint NOT NULL,
    return_seq bigint,
    reason text,
    reversed_by text,
    reversed_at text,
    PRIMARY KEY (hospital, movement_seq)
);

CREATE TABLE lab_analytes (
    hospital text NOT NULL,
    id text NOT NULL,
    test_id text,
    position bigint,
    code text,
    name text,
    loinc text,
    unit text,
    result_type text,
    decimals bigint,
    min_value double precision,
    max_value double precision,
    choices text,
    abnormal text,
    critical_low double precision,
    critical_high double precision,
    active bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE lab_order_tests (
    hospital text NOT NULL,
    order_id text NOT NULL,
    test_id text NOT NULL,
    position bigint,
    PRIMARY KEY (hospital, order_id, test_id)
);

CREATE TABLE lab_orders (
    hospital text NOT NULL,
    id text NOT NULL,
    accession bigint,
    patient_id text,
    visit_id text,
    admission_id text,
    ordered_by text,
    ordered_at text,
    priority text,
    specimen text,
    clinical_notes text,
    status text,
    collected_at text,
    collected_by text,
    verified_at text,
    ended_at text,
    ended_by text,
    reject_reason text,
    end_note text,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE lab_ranges (
    hospital text NOT NULL,
    analyte_id text NOT NULL,
    position bigint NOT NULL,
    sex text,
    age_from text,
    age_to text,
    low double precision,
    high double precision,
    PRIMARY KEY (hospital, analyte_id, position)
);

CREATE TABLE lab_results (
    hospital text NOT NULL,
    id text NOT NULL,
    order_id text,
    patient_id text,
    analyte_id text,
    value text,
    value_number double precision,
    flag text,
    range_low double precision,
    range_high double precision,
    entered_by text,
    entered_at text,
    verified_by text,
    verified_at text,
    self_verified bigint,
    corrects_id text,
    correction_reason text,
    acknowledged_by text,
    acknowledged_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE lab_tests (
    hospital text NOT NULL,
    id text NOT NULL,
    code text,
    name text,
    specimen text,
    price bigint,
    active bigint,
    version bigint,
    changed_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE medication_administrations (
    hospital text NOT NULL,
    id text NOT NULL,
    prescription_id text,
    patient_id text,
    due_at text,
    outcome text,
    at text,
    recorded_at text,
    by_id text,
    reason text,
    prn_indication text,
    corrects_id text,
    correction_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE no_known_allergies (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    recorded_by text,
    recorded_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE note_addenda (
    hospital text NOT NULL,
    id text NOT NULL,
    visit_id text,
    author_id text,
    reason text,
    body text,
    added_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE patient_merge_moves (
    hospital text NOT NULL,
    merge_id text NOT NULL,
    kind text NOT NULL,
    row_id text NOT NULL,
    PRIMARY KEY (hospital, merge_id, kind, row_id)
);

CREATE TABLE patient_merges (
    hospital text NOT NULL,
    id text NOT NULL,
    survivor_id text,
    other_id text,
    merged_at text,
    merged_by text,
    reason text,
    survivor_before text,
    other_before text,
    survivor_version bigint,
    other_version bigint,
    audit_seq bigint,
    undone_at text,
    undone_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE patient_schemes (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    scheme_id text,
    member_number text,
    valid_from text,
    valid_to text,
    set_at text,
    set_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE patients (
    hospital text NOT NULL,
    id text NOT NULL,
    seq bigint,
    mrn text,
    legacy_mrn text,
    legacy_key text,
    given_name text,
    middle_name text,
    family_name text,
    birth_date text,
    birth_date_estimated bigint,
    sex text,
    phone text,
    phone_key text,
    email text,
    address_line1 text,
    address_line2 text,
    city text,
    region text,
    postal_code text,
    country text,
    national_id text,
    emergency_name text,
    emergency_relation text,
    emergency_phone text,
    insurance_provider text,
    insurance_policy text,
    insurance_valid_until text,
    notes text,
    duplicate_key text,
    verified_by text,
    verified_at text,
    created_at text,
    created_by text,
    updated_at text,
    updated_by text,
    version bigint,
    deleted_at text,
    deleted_by text,
    delete_reason text,
    merged_into text,
    merged_at text,
    died_at text,
    portal_enabled bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE payer_schemes (
    hospital text NOT NULL,
    id text NOT NULL,
    code text,
    name text,
    kind text,
    coverage_bp bigint,
    co_payment bigint,
    active bigint,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE payments (
    hospital text NOT NULL,
    id text NOT NULL,
    receipt bigint,
    bill_id text,
    method text,
    amount bigint,
    reference text,
    tendered bigint,
    change_given bigint,
    reason text,
    cashier_id text,
    taken_at text,
    day text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE prescription_dispenses (
    hospital text NOT NULL,
    movement_seq bigint NOT NULL,
    prescription_id text,
    quantity bigint,
    PRIMARY KEY (hospital, movement_seq)
);

CREATE TABLE prescription_overrides (
    hospital text NOT NULL,
    prescription_id text NOT NULL,
    check_kind text NOT NULL,
    finding text,
    reason text,
    PRIMARY KEY (hospital, prescription_id, check_kind)
);

CREATE TABLE prescriptions (
    hospital text NOT NULL,
    id text NOT NULL,
    visit_id text,
    patient_id text,
    admission_id text,
    prescriber_id text,
    item_id text,
    outside_name text,
    generic_name text,
    dose_milli bigint,
    dose_unit text,
    route text,
    frequency text,
    prn_indication text,
    prn_max_daily bigint,
    duration_days bigint,
    instructions text,
    quantity_computed bigint,
    quantity bigint,
    dispensed bigint,
    quantity_reason text,
    priority text,
    status text,
    starts_at text,
    prescribed_at text,
    ended_at text,
    ended_by text,
    end_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE problems (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    code_system text,
    code text,
    text text,
    onset text,
    resolved_on text,
    resolved_by text,
    recorded_by text,
    recorded_at text,
    error_at text,
    error_by text,
    error_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE settings (
    hospital text NOT NULL,
    key text NOT NULL,
    value text,
    PRIMARY KEY (hospital, key)
);

CREATE TABLE stock_batches (
    hospital text NOT NULL,
    id text NOT NULL,
    item_id text,
    batch_no text,
    expiry text,
    on_hand bigint,
    unit_cost bigint,
    price bigint,
    supplier text,
    received_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE stock_items (
    hospital text NOT NULL,
    id text NOT NULL,
    name text,
    generic_name text,
    strength text,
    form text,
    unit text,
    category text,
    reorder_level bigint,
    identity_key text,
    active bigint,
    created_at text,
    updated_at text,
    version bigint,
    paed_max_mcg_per_kg bigint,
    max_dispense bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE stock_movements (
    hospital text NOT NULL,
    seq bigint NOT NULL,
    batch_id text,
    item_id text,
    kind text,
    quantity bigint,
    reason text,
    reference text,
    patient_id text,
    actor_id text,
    at text,
    PRIMARY KEY (hospital, seq)
);

CREATE TABLE tariff_items (
    hospital text NOT NULL,
    id text NOT NULL,
    code text,
    name text,
    service_group text,
    created_at text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE tariff_prices (
    hospital text NOT NULL,
    item_id text NOT NULL,
    effective_from text NOT NULL,
    price bigint,
    set_at text,
    set_by text,
    PRIMARY KEY (hospital, item_id, effective_from)
);

CREATE TABLE users (
    hospital text NOT NULL,
    id text NOT NULL,
    user_name text,
    full_name text,
    role text,
    must_change_password bigint,
    created_at text,
    updated_at text,
    disabled_at text,
    last_login_at text,
    version bigint,
    patient_id text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE visit_notes (
    hospital text NOT NULL,
    visit_id text NOT NULL,
    presenting_complaint text,
    history text,
    examination text,
    assessment text,
    plan text,
    author_id text,
    saved_at text,
    signed_at text,
    signed_by text,
    version bigint,
    PRIMARY KEY (hospital, visit_id)
);

CREATE TABLE visits (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    clinician_id text,
    kind text,
    appointment_id text,
    admission_id text,
    started_at text,
    started_by text,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE vitals (
    hospital text NOT NULL,
    id text NOT NULL,
    patient_id text,
    visit_id text,
    admission_id text,
    taken_at text,
    taken_by text,
    recorded_at text,
    temperature_dc bigint,
    pulse bigint,
    respiratory_rate bigint,
    systolic bigint,
    diastolic bigint,
    spo2 bigint,
    on_oxygen bigint,
    spo2_scale bigint,
    consciousness text,
    weight_g bigint,
    height_mm bigint,
    muac_mm bigint,
    pain bigint,
    glucose_dmmol bigint,
    news2_score bigint,
    news2_band text,
    error_at text,
    error_by text,
    error_reason text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE ward_staff (
    hospital text NOT NULL,
    id text NOT NULL,
    user_id text,
    ward_id text,
    assigned_at text,
    assigned_by text,
    ended_at text,
    ended_by text,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE wards (
    hospital text NOT NULL,
    id text NOT NULL,
    name text,
    kind text,
    sex_restriction text,
    created_at text,
    retired_at text,
    version bigint,
    PRIMARY KEY (hospital, id)
);

CREATE TABLE working_hours (
    hospital text NOT NULL,
    clinician_id text NOT NULL,
    weekday bigint NOT NULL,
    start_min bigint NOT NULL,
    end_min bigint,
    PRIMARY KEY (hospital, clinician_id, weekday, start_min)
);
