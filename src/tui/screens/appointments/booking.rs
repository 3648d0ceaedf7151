//! Booking, walk-ins and rescheduling: opening the form (with the patient
//! picker for a new booking), its keys, finding the next free slot, and
//! saving it (asking first when the time is outside working hours).

use super::form::{BookingForm, Chosen, Purpose, Slot};
use super::prompts::{Asking, BookingPatient, Pending};
use super::{Appointments, Ctx, View, nothing_selected};
use crate::domain::appointment::{self as rules, Status, hhmm};
use crate::domain::role::Permission;
use crate::ops::appointments::{self as ops, Booking};
use crate::tui::keymap::Action;
use crate::tui::popups::{Answer, Question};
use crate::tui::screen::{Said, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::Prompt;
use chrono::NaiveTime;

impl Appointments {
    /// `n` books an appointment on the day shown, `w` takes a walk-in today:
    /// the form opens with the filter's (or the selection's) clinician and
    /// the usual type, and the picker asks for the patient.
    pub(super) fn open_booking(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let doing = if action == Action::WalkIn {
            "check in walk-ins"
        } else {
            "book appointments"
        };
        if let Some(r) = Self::refused(ctx, Permission::ManageAppointments, doing) {
            return r;
        }
        if self.bookable == 0 || self.types.is_empty() {
            return Said::Error(
                "There are no doctor or nurse accounts, or no appointment types: an administrator adds them first (Admin tab, or h here)."
                    .into(),
            );
        }
        let purpose = if action == Action::WalkIn {
            Purpose::WalkIn
        } else {
            Purpose::Book
        };
        let day = if action == Action::WalkIn {
            ctx.clock().today()
        } else {
            self.day
        };
        let mut form = BookingForm::new(purpose, day, self.date_pattern);
        form.clinician = self
            .filter
            .or_else(|| {
                self.current()
                    .and_then(|b| self.clinician_index(&b.appt.clinician_id))
            })
            .filter(|&i| self.is_bookable(i))
            .unwrap_or(0);
        form.set_type(self.usual_type(), &self.types);
        form.touched = false;
        self.view = View::Form(Box::new(form));
        let purpose = if action == Action::WalkIn {
            "Walk-in: who has arrived?"
        } else {
            "Book an appointment for"
        };
        Question::patient(ctx, purpose, BookingPatient).into()
    }

    /// `r`: the form again for the selected (scheduled) appointment, with
    /// its patient, clinician, type, time, length and notes.
    pub(super) fn open_reschedule(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.current() else {
            return nothing_selected();
        };
        if let Some(r) = Self::refused(
            ctx,
            Permission::ManageAppointments,
            "reschedule appointments",
        ) {
            return r;
        }
        if b.appt.status != Status::Scheduled {
            return Said::Error(format!(
                "Only a scheduled appointment can be rescheduled; this one is {}.",
                b.appt.status.label()
            ));
        }
        let mut form = BookingForm::new(
            Purpose::Reschedule {
                id: b.appt.id.clone(),
                version: b.appt.version,
            },
            b.appt.day,
            self.date_pattern,
        );
        form.patient = Some(Chosen {
            id: b.appt.patient_id.clone(),
            name: b.patient_name.clone(),
            mrn: b.mrn.clone(),
        });
        form.clinician = self
            .clinician_index(&b.appt.clinician_id)
            .filter(|&i| self.is_bookable(i))
            .unwrap_or(0);
        let kind = self
            .types
            .iter()
            .position(|t| t.id == b.appt.type_id)
            .unwrap_or(0);
        form.set_type(kind, &self.types);
        form.minutes = TextField::new("Minutes")
            .wide(4)
            .with_value(&b.appt.span.minutes().to_string());
        form.time = TextField::new("Time")
            .wide(6)
            .with_value(&hhmm(b.appt.span.start));
        form.notes = TextField::new("Notes").wide(50).with_value(&b.appt.notes);
        form.focus_on(Slot::Date);
        form.touched = false;
        self.view = View::Form(Box::new(form));
        Said::Nothing
    }

    /// The picker answered: its patient goes into the form.
    pub(super) fn after_pick(&mut self, answer: Answer) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match answer {
            Answer::Patient(p) => {
                form.patient = Some(Chosen {
                    id: p.id.clone(),
                    name: p.details.full_name(),
                    mrn: p.mrn.clone(),
                });
                form.touched = true;
                form.focus_on(Slot::Clinician);
                Said::Info(format!(
                    "{} {}: now the clinician and type.",
                    p.mrn,
                    p.details.full_name()
                ))
            }
            _ => {
                if form.patient.is_none() {
                    self.view = View::Day;
                    Said::Info("Nothing booked.".into())
                } else {
                    Said::Nothing
                }
            }
        }
    }

    pub(super) fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::Open => match form.focused() {
                Slot::Patient if !matches!(form.purpose, Purpose::Reschedule { .. }) => {
                    let purpose = "Book an appointment for";
                    return Question::patient(ctx, purpose, BookingPatient).into();
                }
                _ => form.next_field(),
            },
            Action::NextChoice | Action::PrevChoice => {
                let step = |i: usize, n: usize| -> usize {
                    if n == 0 {
                        0
                    } else if action == Action::NextChoice {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }
                };
                match form.focused() {
                    Slot::Clinician => {
                        form.clinician = step(form.clinician, self.bookable);
                        form.touched = true;
                        form.error = None;
                    }
                    Slot::Type => {
                        let i = step(form.kind, self.types.len());
                        form.set_type(i, &self.types);
                        form.touched = true;
                        form.error = None;
                    }
                    _ => {}
                }
            }
            Action::NextFreeSlot => return self.find_free(ctx),
            Action::Cancel => {
                if form.touched {
                    let question = "Leave the form and throw away what was typed?";
                    return Question::confirm(question, Pending::DiscardForm).into();
                } else {
                    self.view = View::Day;
                }
            }
            Action::Save => return self.save_form(ctx, ops::Allow::default()),
            _ => {}
        }
        Said::Nothing
    }

    /// The booking the form describes, or what to correct.
    fn read_form(&self, form: &BookingForm) -> Result<Booking, String> {
        let patient = form
            .patient
            .as_ref()
            .ok_or("Choose the patient first: Enter on the Patient field.")?;
        let clinician = self
            .clinicians
            .get(form.clinician)
            .ok_or("Choose a clinician.")?;
        let kind = self
            .types
            .get(form.kind)
            .ok_or("Choose an appointment type.")?;
        let day = crate::domain::patient::read_date(form.date.value(), self.date_pattern)
            .map_err(|why| why.sentence(form.date.value()))?;
        let when = rules::check_when(day, form.time.value(), form.minutes.value())
            .map_err(|m| sentence(&m))?;
        Ok(Booking {
            patient: patient.id.clone(),
            clinician: clinician.id.clone(),
            type_id: kind.id.clone(),
            day: when.day,
            span: when.span,
            notes: form.notes.value().to_string(),
        })
    }

    fn find_free(&mut self, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        let Some(clinician) = self.clinicians.get(form.clinician) else {
            return Said::Nothing;
        };
        let minutes = match rules::check_minutes(form.minutes.value()) {
            Ok(m) => m,
            Err(m) => return Said::Error(sentence(&m)),
        };
        let now = ctx.clock().local();
        let typed_day = crate::domain::patient::parse_date(form.date.value(), self.date_pattern);
        let typed_time = rules::parse_time(form.time.value()).filter(|m| *m < rules::DAY_END);
        let from = match (typed_day, typed_time) {
            (Some(d), Some(t)) => {
                d.and_time(NaiveTime::MIN) + chrono::Duration::minutes(i64::from(t))
            }
            (Some(d), None) if d > now.date() => d.and_time(NaiveTime::MIN),
            _ => now,
        }
        .max(now);
        let except = match &form.purpose {
            Purpose::Reschedule { id, .. } => Some(id.clone()),
            _ => None,
        };
        let patient = form.patient.as_ref().map(|p| p.id.clone());
        let name = clinician.name().to_string();
        let found = ops::next_free(
            ctx.db,
            &clinician.id,
            patient.as_ref(),
            minutes,
            from,
            except.as_ref(),
        );
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match found {
            Ok(Some((day, span))) => {
                form.set_when(day, span.start, self.date_pattern);
                form.error = None;
                form.info = Some(format!(
                    "Next free {minutes} min for {name}: {} {}.",
                    day.format("%a %d %b"),
                    span
                ));
                form.focus_on(Slot::Time);
                Said::Nothing
            }
            Ok(None) => {
                form.info = None;
                form.error = Some(format!(
                    "{name} has no free {minutes} minutes in working hours in the next {} days: check their hours (h), or type a time.",
                    rules::SEARCH_DAYS
                ));
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    /// Saves the booking form, asking once for each rule the booking
    /// passes only knowingly (`allow` holds what was agreed so far).
    pub(super) fn save_form(&mut self, ctx: &mut Ctx, allow: ops::Allow) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        if form.purpose == Purpose::WalkIn {
            return self.save_walk_in(ctx);
        }
        let booking = match self.read_form(form) {
            Ok(b) => b,
            Err(m) => {
                if let View::Form(form) = &mut self.view {
                    form.error = Some(m);
                    form.info = None;
                }
                return Said::Nothing;
            }
        };
        let today = ctx.clock().today();
        let day = rules::booking_day(booking.day, today, ctx.settings.booking_horizon_days);
        if day == rules::BookingDay::Past && allow.back_entry.is_none() {
            if ctx.session.role().can(Permission::Administer) {
                let p = Prompt::new(
                    format!(
                        "{} is in the past. Why is this booking entered now? (kept in the audit trail)",
                        rules::long_day(booking.day)
                    ),
                    "Reason",
                );
                return Question::prompt(p, Asking::BackEntry(allow)).into();
            }
            let m = day.concern(booking.day).unwrap_or_default();
            if let View::Form(form) = &mut self.view {
                form.error = Some(sentence(&m));
                form.info = None;
            }
            return Said::Nothing;
        }
        if let rules::BookingDay::BeyondHorizon { .. } = day
            && !allow.far_ahead
        {
            let question = format!(
                "{} Book anyway?",
                sentence(&day.concern(booking.day).unwrap_or_default())
            );
            return Question::confirm(
                question,
                Pending::Book(ops::Allow {
                    far_ahead: true,
                    ..allow
                }),
            )
            .into();
        }
        let ci = form.clinician;
        if !allow.outside_hours
            && let (Some(hours), Some(c)) = (self.hours.get(ci), self.clinicians.get(ci))
            && !hours.covers(booking.day, &booking.span)
        {
            let question = format!(
                "{} {} is outside {}'s working hours ({} that day). Book anyway?",
                rules::long_day(booking.day),
                booking.span,
                c.name(),
                hours.describe(booking.day)
            );
            return Question::confirm(
                question,
                Pending::Book(ops::Allow {
                    outside_hours: true,
                    ..allow
                }),
            )
            .into();
        }
        let allow = ops::Allow {
            outside_hours: true,
            ..allow
        };
        let result = match &form.purpose {
            Purpose::Reschedule { id, version } => ops::reschedule(
                ctx.db,
                ctx.session,
                id,
                *version,
                &booking,
                &allow,
                ctx.clock().now,
            ),
            _ => ops::book(ctx.db, ctx.session, &booking, &allow, ctx.clock().now),
        };
        match result {
            Ok(b) => {
                let rescheduled = matches!(form.purpose, Purpose::Reschedule { .. });
                self.view = View::Day;
                self.day = b.appt.day;
                let said = self.load_day(ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                self.select(&b.appt.id);
                Said::Info(format!(
                    "{} {} {} {} with {}.",
                    if rescheduled { "Moved to" } else { "Booked" },
                    rules::long_day(b.appt.day),
                    b.appt.span,
                    b.patient_name,
                    b.clinician_name
                ))
            }
            Err(e) => {
                let message = match said_error(e) {
                    Said::Error(m) => m,
                    _ => String::new(),
                };
                if let View::Form(form) = &mut self.view {
                    form.error = Some(message.clone());
                    form.info = None;
                }
                Said::Error(message)
            }
        }
    }

    fn save_walk_in(&mut self, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        let Some(patient) = form.patient.clone() else {
            if let View::Form(form) = &mut self.view {
                form.error = Some("Choose the patient first: Enter on the Patient field.".into());
            }
            return Said::Nothing;
        };
        let (Some(c), Some(t)) = (
            self.clinicians[..self.bookable].get(form.clinician),
            self.types.get(form.kind),
        ) else {
            return Said::Error("Choose a clinician and a type.".into());
        };
        match ops::walk_in(
            ctx.db,
            ctx.session,
            &patient.id,
            &c.id.clone(),
            &t.id.clone(),
            ctx.clock(),
        ) {
            Ok(b) => {
                self.view = View::Day;
                self.day = b.appt.day;
                let said = self.load_day(ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                self.select(&b.appt.id);
                Said::Info(format!(
                    "{} checked in as a walk-in for {}, {} {}.",
                    b.patient_name, b.clinician_name, b.appt.span, b.type_name
                ))
            }
            Err(e) => {
                let said = said_error(e);
                if let (View::Form(form), Said::Error(m)) = (&mut self.view, &said) {
                    form.error = Some(m.clone());
                }
                said
            }
        }
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().chain(c).collect();
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}
