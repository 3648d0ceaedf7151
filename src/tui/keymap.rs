//! Every key binding, one table per screen. The help overlay and the hint bar
//! are generated from these tables, so help never drifts from behaviour.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The tabs of the working screen, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Tab {
    Patients,
    Appointments,
    Beds,
    Pharmacy,
    Admin,
}

impl Tab {
    pub fn title(self) -> &'static str {
        match self {
            Tab::Patients => "Patients",
            Tab::Appointments => "Appointments",
            Tab::Beds => "Beds",
            Tab::Pharmacy => "Pharmacy",
            Tab::Admin => "Admin",
        }
    }

    /// The capability a role needs to see the tab.
    pub fn permission(self) -> crate::domain::role::Permission {
        use crate::domain::role::Permission::*;
        match self {
            Tab::Patients => FindPatients,
            Tab::Appointments => ManageAppointments,
            Tab::Beds => ViewBedBoard,
            Tab::Pharmacy => ViewStock,
            Tab::Admin => Administer,
        }
    }

    /// The function key shown in the tab bar.
    pub fn key_label(self) -> &'static str {
        match self {
            Tab::Patients => "F2",
            Tab::Appointments => "F3",
            Tab::Beds => "F4",
            Tab::Pharmacy => "F5",
            Tab::Admin => "F6",
        }
    }
}

/// What a key asks for. Screens and the app perform these; nothing else
/// reacts to keys, except text fields taking the characters typed into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the keys of the current screen.
    ShowHelp,
    /// Close the help overlay.
    CloseHelp,
    /// Lock the screen now.
    Lock,
    /// Leave wardline (signing out).
    Quit,
    /// Switch to a tab.
    GoTo(Tab),
    /// Move to the next field.
    NextField,
    /// Move to the previous field.
    PrevField,
    /// Sign in, unlock, or save the form.
    Submit,
    /// Leave the form (signing out when it is the forced password change).
    Cancel,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Move the selection a page up.
    PageUp,
    /// Move the selection a page down.
    PageDown,
    /// Select the first row.
    Home,
    /// Select the last row.
    End,
    /// Lift the lockout of the selected account.
    UnlockAccount,
    /// Read the screen's data again.
    Refresh,
    /// Answer yes in a confirmation.
    Yes,
    /// Answer no in a confirmation.
    No,
    /// Open the selected record.
    Open,
    /// Put the cursor in the search box.
    FocusSearch,
    /// Move from the search box to the results.
    FocusList,
    /// Register a new patient.
    NewPatient,
    /// Edit the record.
    Edit,
    /// Save the form.
    Save,
    /// Go back to the previous view.
    Back,
    /// Show or hide soft-deleted patients (admin).
    ToggleDeleted,
    /// Mark the patient's identity verified.
    VerifyIdentity,
    /// Delete the record, with a reason (admin).
    DeletePatient,
    /// Restore a deleted record (admin).
    RestorePatient,
    /// Merge another record into this one (admin).
    MergePatient,
    /// Move to the list of possible duplicates.
    FocusDuplicates,
    // pharmacy
    /// Show the next stock filter (all, below reorder, expiring, expired, deactivated).
    CycleFilter,
    /// Add an item to the catalogue.
    NewItem,
    /// Receive a delivery of the item.
    ReceiveStock,
    /// Dispense the item first-expiry-first-out.
    DispenseStock,
    /// Return stock to the selected batch.
    ReturnStock,
    /// Adjust the selected batch, with a reason.
    AdjustStock,
    /// Dispose of the selected expired batch.
    DisposeStock,
    /// Count the item's batches and post the differences.
    CountStock,
    /// Deactivate or reactivate the item.
    ToggleActive,
    /// Choose the patient (of a dispense or a return).
    ChoosePatient,
    // beds
    /// Move the selection left.
    Left,
    /// Move the selection right.
    Right,
    /// Admit a patient into the selected bed.
    Admit,
    /// Move the selected bed's patient to another bed.
    Transfer,
    /// Discharge the selected bed's patient.
    Discharge,
    /// Reserve the selected bed for a patient, or cancel its reservation.
    Reserve,
    /// Mark the selected bed clean: available again.
    MarkClean,
    /// Take the selected bed out of service, or put it back.
    ToggleService,
    /// Show the next ward only (after the last, all wards).
    NextWard,
    /// Show free beds only, or all beds.
    FreeOnly,
    /// Open the census.
    Census,
    /// Set up the tab (admin): wards and beds; appointment types and hours.
    SetUp,
    /// Choose the previous option of the field.
    PrevChoice,
    /// Choose the next option of the field.
    NextChoice,
    /// Add a ward (admin).
    NewWard,
    /// Add a bed to the selected ward (admin).
    NewBed,
    /// Retire the selected ward or bed (admin).
    Retire,
    /// The day before.
    PrevDay,
    /// The day after.
    NextDay,
    /// Type the day to show.
    GoToDate,
    // appointments
    /// Show today.
    Today,
    /// Show one clinician, the next, or all.
    FilterClinician,
    /// Book an appointment.
    NewAppointment,
    /// A patient without an appointment, created checked in now.
    WalkIn,
    /// The patient has arrived.
    CheckIn,
    /// Call the selected patient into consultation.
    StartConsultation,
    /// The consultation is over.
    CompleteConsultation,
    /// Cancel the appointment, with a reason.
    CancelAppointment,
    /// The patient did not come.
    MarkNoShow,
    /// Move the appointment to another time, keeping the history.
    Reschedule,
    /// Undo a wrong status change, with a reason (admin).
    UndoStatus,
    /// Show the queue of arrived patients.
    ShowQueue,
    /// Call the first patient waiting into consultation.
    CallNext,
    /// Find the clinician's next free slot of that length.
    NextFreeSlot,
    /// Add an appointment type.
    NewType,
    /// Stop offering a type, or offer it again.
    ToggleRetired,
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// A key without modifiers (the key tables' shorthand).
pub const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
/// A character key.
pub const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}
/// Ctrl and a character.
pub const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
/// Alt and a character.
pub const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    }
}

impl Key {
    /// Whether a key event is this key. Shift is ignored for characters and
    /// Shift+Tab, since terminals differ in reporting it (`?` is Shift+/).
    pub fn matches(&self, e: &KeyEvent) -> bool {
        let mods = if matches!(e.code, KeyCode::Char(_) | KeyCode::BackTab) {
            e.modifiers - KeyModifiers::SHIFT
        } else {
            e.modifiers
        };
        let code = match e.code {
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && mods == self.mods
    }

    /// How the key is written in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) if self.mods.is_empty() => c.to_string(),
            KeyCode::Char(c) => c.to_ascii_uppercase().to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl+{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt+{base}")
        } else {
            base
        }
    }
}

/// A row of a screen's key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does, in a few words.
    pub does: &'static str,
    /// Whether the bottom hint bar shows it.
    pub hint: bool,
}

/// A row of a key table: its keys, its action, what it does, and whether
/// the hint bar shows it.
pub const fn b(keys: &'static [Key], action: Action, does: &'static str, hint: bool) -> Binding {
    Binding {
        keys,
        action,
        does,
        hint,
    }
}

impl Binding {
    /// All the keys, e.g. "↑, k".
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Keys that work on every tab of the working screen.
pub const GLOBAL: &[Binding] = &[
    b(
        &[plain(KeyCode::F(2)), alt('1')],
        Action::GoTo(Tab::Patients),
        "Patients tab",
        false,
    ),
    b(
        &[plain(KeyCode::F(3)), alt('2')],
        Action::GoTo(Tab::Appointments),
        "Appointments tab",
        false,
    ),
    b(
        &[plain(KeyCode::F(4)), alt('3')],
        Action::GoTo(Tab::Beds),
        "Beds tab",
        false,
    ),
    b(
        &[plain(KeyCode::F(5)), alt('4')],
        Action::GoTo(Tab::Pharmacy),
        "Pharmacy tab",
        false,
    ),
    b(
        &[plain(KeyCode::F(6)), alt('5')],
        Action::GoTo(Tab::Admin),
        "Admin tab",
        false,
    ),
    b(
        &[plain(KeyCode::F(1)), ch('?')],
        Action::ShowHelp,
        "help",
        true,
    ),
    b(&[ctrl('l')], Action::Lock, "lock", true),
    b(&[ctrl('q')], Action::Quit, "quit", true),
];

/// The sign-in screen, and the lock screen (which is a sign-in for the same
/// or another user).
pub const SIGN_IN: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Submit, "sign in", true),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
    b(&[ctrl('q')], Action::Quit, "quit", true),
];

/// The lock screen: unlock, or sign in as someone else.
pub const LOCKED: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Submit, "unlock", true),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
    b(&[ctrl('q')], Action::Quit, "quit (signs out)", true),
];

/// The forced password change after an admin's reset.
pub const CHANGE_PASSWORD: &[Binding] = &[
    b(
        &[plain(KeyCode::Enter), ctrl('s')],
        Action::Submit,
        "save",
        true,
    ),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "sign out", true),
    b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
    b(&[ctrl('q')], Action::Quit, "quit", true),
];

/// The admin tab: the accounts list.
pub const ADMIN: &[Binding] = &[
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous account",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next account",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(
        &[plain(KeyCode::Home)],
        Action::Home,
        "first account",
        false,
    ),
    b(&[plain(KeyCode::End)], Action::End, "last account", false),
    b(&[ch('u')], Action::UnlockAccount, "unlock account", true),
    b(&[ch('r')], Action::Refresh, "refresh", true),
];

/// Choosing a hospital before signing in.
pub const PICKER: &[Binding] = &[
    b(&[plain(KeyCode::Up), ch('k')], Action::Up, "previous", true),
    b(&[plain(KeyCode::Down), ch('j')], Action::Down, "next", true),
    b(&[plain(KeyCode::Enter)], Action::Submit, "open", true),
    b(
        &[ctrl('q'), plain(KeyCode::Esc)],
        Action::Quit,
        "quit",
        true,
    ),
];

/// The patients tab, typing in the search box.
pub const PATIENT_SEARCH: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Esc)],
        Action::FocusList,
        "to results",
        true,
    ),
    b(&[ctrl('n')], Action::NewPatient, "new patient", true),
];

/// The patients tab, moving in the results.
pub const PATIENT_LIST: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous patient",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next patient",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(
        &[plain(KeyCode::Home)],
        Action::Home,
        "first patient",
        false,
    ),
    b(&[plain(KeyCode::End)], Action::End, "last patient", false),
    b(
        &[ch('/'), plain(KeyCode::Tab)],
        Action::FocusSearch,
        "search",
        true,
    ),
    b(&[ch('n'), ctrl('n')], Action::NewPatient, "new", true),
    b(&[ch('e')], Action::Edit, "edit", true),
    b(
        &[ch('x')],
        Action::ToggleDeleted,
        "show deleted (admin)",
        false,
    ),
];

/// Picking a patient from search results (the record to merge, later the
/// patient of an appointment or an admission).
pub const PATIENT_PICK: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "choose", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
];

/// The patients search as a picker for another screen: choose, or register
/// the patient first.
pub const PATIENT_PICK_OR_REGISTER: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "choose", true),
    b(&[ctrl('n')], Action::NewPatient, "register new", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
];

/// A patient's record.
pub const PATIENT_RECORD: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(&[ch('e')], Action::Edit, "edit", true),
    b(&[ch('v')], Action::VerifyIdentity, "verify identity", true),
    b(&[ch('d')], Action::DeletePatient, "delete (admin)", false),
    b(&[ch('r')], Action::RestorePatient, "restore (admin)", false),
    b(
        &[ch('m')],
        Action::MergePatient,
        "merge another record in (admin)",
        false,
    ),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "scroll up",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "scroll down",
        false,
    ),
];

/// The registration and edit form.
pub const PATIENT_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[ctrl('d')], Action::FocusDuplicates, "duplicates", true),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The possible duplicates beside the form.
pub const PATIENT_DUPLICATES: &[Binding] = &[
    b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open this record instead",
        true,
    ),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next",
        false,
    ),
    b(
        &[plain(KeyCode::Esc), plain(KeyCode::Tab)],
        Action::Back,
        "back to the form",
        true,
    ),
];

/// A question that needs a typed answer (the reason for a deletion).
pub const PROMPT: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Yes, "confirm", true),
    b(&[plain(KeyCode::Esc)], Action::No, "cancel", true),
];

/// A tab whose screen has no keys of its own yet.
pub const NOTICE: &[Binding] = &[];

/// The help overlay.
pub const HELP: &[Binding] = &[b(
    &[plain(KeyCode::Esc), plain(KeyCode::F(1)), ch('?'), ch('q')],
    Action::CloseHelp,
    "close help",
    true,
)];

/// A yes/no question.
pub const CONFIRM: &[Binding] = &[
    b(&[ch('y'), plain(KeyCode::Enter)], Action::Yes, "yes", true),
    b(&[ch('n'), plain(KeyCode::Esc)], Action::No, "no", true),
];

// pharmacy

/// The pharmacy tab: the stock list.
pub const STOCK_LIST: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", false),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous item",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next item",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(&[plain(KeyCode::Home)], Action::Home, "first item", false),
    b(&[plain(KeyCode::End)], Action::End, "last item", false),
    b(&[ch('/')], Action::FocusSearch, "search", true),
    b(&[ch('f')], Action::CycleFilter, "filter", true),
    b(&[ch('d')], Action::DispenseStock, "dispense", true),
    b(&[ch('r')], Action::ReceiveStock, "receive", true),
    b(&[ch('n')], Action::NewItem, "new item", false),
    b(&[ch('e')], Action::Edit, "edit item", false),
    b(&[ctrl('r')], Action::Refresh, "refresh", false),
];

/// The pharmacy tab, typing in the search box.
pub const STOCK_SEARCH: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous item", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next item", false),
    b(
        &[plain(KeyCode::Esc), plain(KeyCode::Tab)],
        Action::FocusList,
        "to the list",
        true,
    ),
];

/// One item: its batches and its ledger.
pub const STOCK_ITEM: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous batch",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next batch",
        false,
    ),
    b(
        &[plain(KeyCode::PageUp)],
        Action::PageUp,
        "scroll the ledger up",
        false,
    ),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "scroll the ledger down",
        false,
    ),
    b(&[ch('d')], Action::DispenseStock, "dispense", true),
    b(&[ch('r')], Action::ReceiveStock, "receive", true),
    b(&[ch('t')], Action::ReturnStock, "return to batch", false),
    b(&[ch('a')], Action::AdjustStock, "adjust batch", true),
    b(&[ch('x')], Action::DisposeStock, "dispose expired", false),
    b(&[ch('c')], Action::CountStock, "count", true),
    b(&[ch('e')], Action::Edit, "edit item", false),
    b(
        &[ch('o')],
        Action::ToggleActive,
        "deactivate / reactivate",
        false,
    ),
];

/// A pharmacy form: item, receive, adjust, dispose.
pub const STOCK_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// A pharmacy form that may name a patient: dispense, return.
pub const STOCK_PATIENT_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(&[ctrl('p')], Action::ChoosePatient, "choose patient", true),
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
        Action::NextField,
        "next field",
        false,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The batches a dispense will take, shown before it is done.
pub const STOCK_DISPENSE_CONFIRM: &[Binding] = &[
    b(
        &[ch('y'), plain(KeyCode::Enter)],
        Action::Yes,
        "dispense",
        true,
    ),
    b(
        &[ch('n'), plain(KeyCode::Esc)],
        Action::No,
        "back to the form",
        true,
    ),
];

/// A stock count: the counted quantity of each batch.
pub const STOCK_COUNT: &[Binding] = &[
    b(
        &[plain(KeyCode::Up), plain(KeyCode::BackTab)],
        Action::Up,
        "previous batch",
        true,
    ),
    b(
        &[
            plain(KeyCode::Down),
            plain(KeyCode::Tab),
            plain(KeyCode::Enter),
        ],
        Action::Down,
        "next batch",
        true,
    ),
    b(&[ctrl('s')], Action::Save, "post differences", true),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The action a table binds to a key event, if any.
pub fn lookup(table: &[Binding], e: &KeyEvent) -> Option<Action> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(e)))
        .map(|b| b.action)
}

// beds

/// The bed board.
pub const BEDS_BOARD: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "bed", true),
    b(&[ch('a')], Action::Admit, "admit", true),
    b(&[ch('t')], Action::Transfer, "transfer", true),
    b(&[ch('d')], Action::Discharge, "discharge", true),
    b(&[ch('c')], Action::MarkClean, "clean", true),
    b(&[ch('r')], Action::Reserve, "reserve / cancel", false),
    b(
        &[ch('o')],
        Action::ToggleService,
        "out of service / back",
        false,
    ),
    b(&[ch('w')], Action::NextWard, "ward", true),
    b(&[ch('f')], Action::FreeOnly, "free only", true),
    b(&[ch('s')], Action::Census, "census", false),
    b(&[ch('m')], Action::SetUp, "wards, beds (admin)", false),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "bed above",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "bed below",
        false,
    ),
    b(
        &[plain(KeyCode::Left), ch('h')],
        Action::Left,
        "previous bed",
        false,
    ),
    b(
        &[plain(KeyCode::Right), ch('l')],
        Action::Right,
        "next bed",
        false,
    ),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "next ward",
        false,
    ),
    b(
        &[plain(KeyCode::PageUp)],
        Action::PageUp,
        "previous ward",
        false,
    ),
    b(&[plain(KeyCode::Home)], Action::Home, "first bed", false),
    b(&[plain(KeyCode::End)], Action::End, "last bed", false),
    b(&[ctrl('r')], Action::Refresh, "refresh", false),
];

/// Choosing the bed a patient is transferred to.
pub const BEDS_MOVE: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "move here", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
    b(&[ch('w')], Action::NextWard, "ward", true),
    b(&[ch('f')], Action::FreeOnly, "free only", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "bed above",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "bed below",
        false,
    ),
    b(
        &[plain(KeyCode::Left), ch('h')],
        Action::Left,
        "previous bed",
        false,
    ),
    b(
        &[plain(KeyCode::Right), ch('l')],
        Action::Right,
        "next bed",
        false,
    ),
    b(&[plain(KeyCode::Home)], Action::Home, "first bed", false),
    b(&[plain(KeyCode::End)], Action::End, "last bed", false),
];

/// A bed's detail and history.
pub const BEDS_DETAIL: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "scroll up",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "scroll down",
        false,
    ),
];

/// A beds form with the cursor in a text field.
pub const BEDS_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// A beds form on a field with options.
pub const BEDS_FORM_CHOICE: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[plain(KeyCode::Left)],
        Action::PrevChoice,
        "previous option",
        false,
    ),
    b(
        &[plain(KeyCode::Right)],
        Action::NextChoice,
        "next option",
        true,
    ),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The census of one day.
pub const BEDS_CENSUS: &[Binding] = &[
    b(
        &[plain(KeyCode::Left), ch('h')],
        Action::PrevDay,
        "day before",
        true,
    ),
    b(
        &[plain(KeyCode::Right), ch('l')],
        Action::NextDay,
        "day after",
        true,
    ),
    b(&[ch('g')], Action::GoToDate, "go to date", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
];

/// Setting up wards and beds (admin).
pub const BEDS_SETUP: &[Binding] = &[
    b(&[ch('n')], Action::NewWard, "new ward", true),
    b(&[ch('b')], Action::NewBed, "new bed", true),
    b(&[ch('e')], Action::Edit, "rename", true),
    b(&[ch('x')], Action::Retire, "retire", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
];

/// Fails when a table binds one key twice. Every key table is checked
/// with it, in the tests beside the table.
#[cfg(test)]
pub fn assert_no_key_twice(table: &[Binding]) {
    let keys: Vec<Key> = table.iter().flat_map(|b| b.keys.iter().copied()).collect();
    for (i, k) in keys.iter().enumerate() {
        assert!(!keys[i + 1..].contains(k), "{} bound twice", k.label());
    }
}

/// Fails when a screen's table takes a key that works on every tab.
#[cfg(test)]
pub fn assert_no_global_key_shadowed(table: &[Binding]) {
    let global: Vec<Key> = GLOBAL.iter().flat_map(|b| b.keys.iter().copied()).collect();
    for b in table {
        for k in b.keys {
            assert!(!global.contains(k), "{} shadows a global key", k.label());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            GLOBAL,
            SIGN_IN,
            CHANGE_PASSWORD,
            ADMIN,
            HELP,
            CONFIRM,
            PICKER,
            PATIENT_SEARCH,
            PATIENT_LIST,
            PATIENT_PICK,
            PATIENT_PICK_OR_REGISTER,
            PATIENT_RECORD,
            PATIENT_FORM,
            PATIENT_DUPLICATES,
            STOCK_LIST,
            STOCK_SEARCH,
            STOCK_ITEM,
            STOCK_FORM,
            STOCK_PATIENT_FORM,
            STOCK_DISPENSE_CONFIRM,
            STOCK_COUNT,
            BEDS_BOARD,
            BEDS_MOVE,
            BEDS_DETAIL,
            BEDS_FORM,
            BEDS_FORM_CHOICE,
            BEDS_CENSUS,
            BEDS_SETUP,
        ] {
            let keys: Vec<Key> = table.iter().flat_map(|b| b.keys.iter().copied()).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{} bound twice", k.label());
            }
        }
    }

    #[test]
    fn screen_keys_do_not_shadow_global_keys() {
        let global: Vec<Key> = GLOBAL.iter().flat_map(|b| b.keys.iter().copied()).collect();
        for b in [
            ADMIN,
            PATIENT_LIST,
            PATIENT_RECORD,
            PATIENT_DUPLICATES,
            PATIENT_PICK_OR_REGISTER,
            STOCK_LIST,
            STOCK_ITEM,
            BEDS_BOARD,
            BEDS_MOVE,
            BEDS_DETAIL,
            BEDS_FORM,
            BEDS_FORM_CHOICE,
            BEDS_CENSUS,
            BEDS_SETUP,
        ]
        .concat()
        {
            for k in b.keys {
                assert!(!global.contains(k), "{} shadows a global key", k.label());
            }
        }
    }

    #[test]
    fn control_keys_match_either_case_and_question_mark_ignores_shift() {
        let e = KeyEvent::new(
            KeyCode::Char('L'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(lookup(GLOBAL, &e), Some(Action::Lock));
        let e = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT);
        assert_eq!(lookup(GLOBAL, &e), None);
        let e = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::CONTROL);
        assert_eq!(lookup(GLOBAL, &e), Some(Action::Lock));
        let e = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(SIGN_IN, &e), Some(Action::PrevField));
        let e = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(GLOBAL, &e), Some(Action::ShowHelp));
        assert_eq!(ctrl('q').label(), "Ctrl+Q");
        assert_eq!(alt('1').label(), "Alt+1");
    }
}
