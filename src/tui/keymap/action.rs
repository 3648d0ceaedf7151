//! Everything a key can ask for, named once: the key tables map keys to
//! these, and the app and the screens perform them.

use super::Tab;

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
    /// Choose the wards the selected doctor or nurse works on.
    SetWards,
    /// Check or uncheck the selected line of a check list.
    ToggleCheck,
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
    /// Take a wrongly recorded death off the record, with a reason (admin).
    CorrectDeath,
    /// Merge another record into this one (admin).
    MergePatient,
    /// Undo the latest merge of this record (admin).
    UndoMerge,
    /// Move to the list of possible duplicates.
    FocusDuplicates,
    /// Open a record outside one's care, with a typed reason.
    BreakGlass,
    /// Switch the patient's record between its details and its clinical page.
    ToggleClinical,
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
    /// Reverse a dispense made in error, named by its ledger number.
    ReverseDispense,
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
    // visits
    /// Start a visit for a patient chosen in the picker.
    StartVisit,
    /// Put the cursor in the note, to write it.
    WriteNote,
    /// A new line in the note.
    NewLine,
    /// Sign the note (after a confirmation).
    SignNote,
    /// Add an addendum to a signed note.
    AddAddendum,
    /// Record a set of vital signs.
    RecordVitals,
    /// Show each vital's trend.
    ShowTrends,
    /// Mark the selected entry (vitals set, diagnosis, allergy, problem)
    /// entered in error.
    MarkInError,
    /// Add a diagnosis found in the code list.
    AddDiagnosis,
    /// Record an allergy, or "no known allergies".
    RecordAllergy,
    /// Add a problem to the problem list.
    AddProblem,
    /// Resolve the selected problem.
    ResolveProblem,
    // prescribing in a visit and the record's medicines (issue #15, part 1)
    /// Prescribe a medicine in the open visit.
    Prescribe,
    /// Stop the selected medicine, with a typed reason.
    StopMedicine,
    // the medication round (issue #15, part 3)
    /// Give the selected dose (after a confirmation naming it).
    GiveDose,
    /// Hold the selected dose, with a reason.
    HoldDose,
    /// Record that the patient refused the selected dose, with a reason.
    RefuseDose,
    /// Record the selected dose not available, with a reason.
    DoseNotAvailable,
    /// Show the selected patient's medication administration record.
    ShowMar,
    /// Correct the selected dose record by a new one naming it.
    CorrectDose,
    // pharmacy: the prescription queue, dispensing against it, labels (#15, part 2)
    /// Show the prescriptions waiting to be dispensed, or the stock again.
    PrescriptionQueue,
    /// Dispense the batches shown against the prescription (after a confirmation).
    DispensePrescription,
    /// Write the selected prescription's label again (text and PDF).
    WriteLabel,
    // the lab's worklist (issue #16)
    /// Show the next list of the lab's worklist (after the last, the first).
    NextLabList,
    /// Show the previous list of the lab's worklist (before the first, the last).
    PrevLabList,
    /// Record the selected order's specimen collected (now, or a time typed).
    CollectSpecimen,
    /// Reject the selected order's specimen, with a reason.
    RejectSpecimen,
    /// Enter (or re-enter) the selected order's results.
    EnterResults,
    /// Verify the selected order's entered results.
    VerifyResults,
    /// Correct a verified result by a new version, with a reason.
    CorrectResult,
    // the laboratory on the clinician's side (issue #16)
    /// Order laboratory tests for the visit's patient.
    OrderLabTests,
    /// Show the patient's laboratory results.
    ShowLabResults,
    /// Acknowledge the first open critical laboratory result (after a
    /// confirmation naming it).
    AcknowledgeCritical,
    // the cash desk (issue #17)
    /// Show the other of the desk's lists (to pay, all today).
    NextBillList,
    /// Close the cashier's day: the cash counted against the takings.
    CashUp,
    /// Set the payer scheme that covers the patient.
    SetScheme,
    TakePayment,
    /// Write the selected payment's receipt (text and PDF).
    PrintReceipt,
    RefundPayment,
    /// Post a manual charge from the tariff.
    PostCharge,
    /// Reverse the selected line, with a reason.
    ReverseCharge,
    /// Close the bill (an interim bill of a long stay, a settled visit's).
    CloseBill,
    // patients' own accounts (issue #18)
    /// The record's portal account: its state, creating it, its switch.
    PortalAccount,
    /// Create the patient's portal account.
    CreatePortalAccount,
    /// Turn the patient's portal access off, or on again.
    TogglePortal,
    /// Give the portal account a new temporary password.
    ResetPortalPassword,
    /// Show one section of a patient's own record (1 = the first).
    ShowSection(u8),
    /// The next page of older entries (who opened my record).
    OlderEntries,
    /// The previous page of newer entries.
    NewerEntries,
    // the administrator's desk (issue #19)
    /// Show the next section of a tab of sections (after the last, the first).
    NextSection,
    /// Show the previous section (before the first, the last).
    PrevSection,
    /// Add a staff account, with a temporary password shown once.
    AddAccount,
    /// Give the selected account another role.
    ChangeRole,
    /// Disable the selected account, or enable it again.
    ToggleAccount,
    /// Give the selected account a new temporary password, shown once.
    ResetPassword,
    /// Make a backup of the hospital now.
    TakeBackup,
    /// Check the selected backup file again.
    CheckBackup,
    // the Admin tab's audit trail section (issue #19)
    /// Filter the trail on a staff member's user name.
    FilterStaff,
    /// Filter the trail on an action code.
    FilterAction,
    /// Filter the trail from a local date.
    FilterFrom,
    /// Filter the trail up to a local date.
    FilterTo,
    /// Clear every filter of the trail.
    ClearFilters,
    /// Who opened the filtered patient's record.
    WhoOpened,
    /// Write the filtered events to a CSV file.
    ExportCsv,
}
