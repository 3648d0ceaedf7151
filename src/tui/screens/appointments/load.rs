//! Reading the clinic day into the screen's state: the clinicians, their
//! hours and the types; the day shown and today's queue (a day seen for the
//! first time is a READ event); and which of them the view shows.

use super::{Appointments, Ctx, View};
use crate::domain::appointment::{Booked, Status};
use crate::domain::ids::Id;
use crate::error::Error;
use crate::ops::appointments as ops;
use crate::tui::screen::{Said, said_error};

impl Appointments {
    pub(super) fn load_setup(&mut self, ctx: &mut Ctx) -> Said {
        let (db, by) = (&*ctx.db, ctx.session);
        let loaded = (|| -> Result<_, Error> {
            let clinicians = ops::clinicians(db, by)?;
            let hours = clinicians
                .iter()
                .map(|c| ops::hours(db, by, &c.id))
                .collect::<Result<Vec<_>, _>>()?;
            let types = ops::types(db, by, false)?;
            Ok((clinicians, hours, types))
        })();
        match loaded {
            Ok((c, h, t)) => {
                self.bookable = c.len();
                self.clinicians = c;
                self.hours = h;
                self.types = t;
                self.add_former_clinicians(ctx)
            }
            Err(e) => said_error(e),
        }
    }

    /// Adds after the bookable clinicians those with appointments on the day
    /// shown who are not bookable any more.
    fn add_former_clinicians(&mut self, ctx: &mut Ctx) -> Said {
        let filtered = self
            .filter
            .and_then(|i| self.clinicians.get(i))
            .map(|c| c.id.clone());
        self.clinicians.truncate(self.bookable);
        let mut former: Vec<&Id> = Vec::new();
        for b in &self.list {
            let id = &b.appt.clinician_id;
            if !self.clinicians.iter().any(|c| c.id == *id) && !former.contains(&id) {
                former.push(id);
            }
        }
        for id in former {
            match ops::clinician_by_id(ctx.db, ctx.session, id) {
                Ok(Some(c)) => self.clinicians.push(c),
                Ok(None) => {}
                Err(e) => return said_error(e),
            }
        }
        self.filter = filtered.and_then(|id| self.clinician_index(&id));
        Said::Nothing
    }

    /// Whether column `i` is a clinician who takes bookings.
    pub(super) fn is_bookable(&self, i: usize) -> bool {
        i < self.bookable
    }

    /// Reads the day shown (and today's queue). A day seen for the first
    /// time is a READ event.
    pub(super) fn load_day(&mut self, ctx: &mut Ctx, navigated: bool) -> Said {
        self.local_now.set(ctx.clock().local());
        self.loaded_at = ctx.clock().now;
        self.zone = ctx.clock().zone;
        let audit = navigated && !self.audited.contains(&self.day);
        match ops::day(ctx.db, ctx.session, self.day, audit) {
            Ok(list) => {
                self.list = list;
                self.audited.insert(self.day);
            }
            Err(e) => return said_error(e),
        }
        let said = self.add_former_clinicians(ctx);
        if said != Said::Nothing {
            return said;
        }
        let today = ctx.clock().today();
        match ops::queue(ctx.db, ctx.session, today) {
            Ok(q) => self.queue = q,
            Err(e) => return said_error(e),
        }
        if !self.audited.contains(&today) && !self.queue.is_empty() && navigated {
            if let Err(e) = ops::day(ctx.db, ctx.session, today, true) {
                return said_error(e);
            }
            self.audited.insert(today);
        }
        let n = self.shown().len();
        self.selected.clamp(n);
        self.queue_selected.clamp(self.queue_shown().len());
        Said::Nothing
    }

    /// Selects the appointment with this id, if shown.
    pub(super) fn select(&mut self, id: &Id) {
        let shown = self.shown();
        if let Some(i) = shown.iter().position(|b| b.appt.id == *id) {
            let n = shown.len();
            self.selected.select(i, n);
        }
    }

    /// The appointments shown: the filter's clinician (or the one the
    /// narrow list shows), cancelled ones only in a one-clinician list.
    pub(super) fn shown(&self) -> Vec<&Booked> {
        self.list
            .iter()
            .filter(|b| {
                self.filter.is_none_or(|i| {
                    self.clinicians
                        .get(i)
                        .is_some_and(|c| c.id == b.appt.clinician_id)
                })
            })
            .filter(|b| self.filter.is_some() || b.appt.status != Status::Cancelled)
            .collect()
    }

    pub(super) fn queue_shown(&self) -> Vec<&Booked> {
        self.queue
            .iter()
            .filter(|b| {
                self.filter.is_none_or(|i| {
                    self.clinicians
                        .get(i)
                        .is_some_and(|c| c.id == b.appt.clinician_id)
                })
            })
            .collect()
    }

    pub(super) fn current(&self) -> Option<Booked> {
        match &self.view {
            View::Queue => self
                .queue_shown()
                .get(self.queue_selected.index())
                .map(|b| (*b).clone()),
            _ => self
                .shown()
                .get(self.selected.index())
                .map(|b| (*b).clone()),
        }
    }

    /// The type a new booking starts with: a consultation, where there is one.
    pub(super) fn usual_type(&self) -> usize {
        self.types
            .iter()
            .position(|t| t.name == "consultation")
            .unwrap_or(0)
    }

    pub(super) fn clinician_index(&self, id: &Id) -> Option<usize> {
        self.clinicians.iter().position(|c| c.id == *id)
    }

    pub(super) fn today_text(&self) -> String {
        self.local_now
            .get()
            .date()
            .format(self.date_pattern)
            .to_string()
    }
}
