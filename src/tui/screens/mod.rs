//! The working areas (one folder each, listed once in [`AREAS`]) and the
//! screens outside them: sign-in, password change, help, the hospital
//! picker. Each holds its own state, draws itself, and turns the actions of
//! its key tables into changes of that state.

pub mod admin;
pub mod appointments;
pub mod beds;
pub mod billing;
pub mod change_password;
pub mod help;
pub mod lab;
pub mod my_record;
pub mod notice;
pub mod patients;
pub mod pharmacy;
pub mod picker;
pub mod round;
pub mod sign_in;
pub mod visits;

use crate::domain::role::Permission;
use crate::tui::keymap::Tab;
use crate::tui::screen::{Ctx, Request, Said, Screen};

/// A working area of the screen: its tab, what the tab is called, the
/// function key that opens it (Alt and its place in this list do too), who
/// may open it, and how its screen opens.
pub struct Area {
    pub tab: Tab,
    pub title: &'static str,
    pub function_key: u8,
    pub permission: Permission,
    pub open: fn(&mut Ctx) -> Opened,
    /// Whether the area takes another screen's [`Request`] (the first in
    /// this list that does is shown with it).
    pub accepts: fn(&Request) -> bool,
}

/// A screen just opened (none when it could not be read), and what it said.
pub type Opened = (Option<Box<dyn Screen>>, Said);

/// Every working area, in the order of the tabs: the one list that names
/// them. Adding an area is a folder here and a line in this list (and its
/// name in [`Tab`]).
pub const AREAS: &[Area] = &[
    Area {
        tab: Tab::Patients,
        title: "Patients",
        function_key: 2,
        permission: Permission::FindPatients,
        open: |ctx| boxed((patients::Patients::new(ctx), Said::Nothing)),
        accepts: patients::accepts,
    },
    Area {
        tab: Tab::Appointments,
        title: "Appointments",
        function_key: 3,
        permission: Permission::ManageAppointments,
        open: |ctx| boxed(appointments::Appointments::open(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::Beds,
        title: "Beds",
        function_key: 4,
        permission: Permission::ViewBedBoard,
        open: |ctx| boxed(beds::Beds::new(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::Pharmacy,
        title: "Pharmacy",
        function_key: 5,
        permission: Permission::ViewStock,
        open: |ctx| boxed(pharmacy::Pharmacy::new(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::Admin,
        title: "Admin",
        function_key: 6,
        permission: Permission::Administer,
        open: |ctx| match admin::Admin::open(ctx) {
            (Some(a), said) => boxed((a, said)),
            (None, said) => (None, said),
        },
        accepts: |_| false,
    },
    Area {
        tab: Tab::Visits,
        title: "Visits",
        function_key: 7,
        permission: Permission::ClinicalWorklist,
        open: |ctx| boxed(visits::Visits::open(ctx)),
        accepts: visits::accepts,
    },
    Area {
        tab: Tab::Round,
        title: "Round",
        function_key: 8,
        permission: Permission::GiveDoses,
        open: |ctx| boxed(round::Round::open(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::Lab,
        title: "Lab",
        function_key: 9,
        permission: Permission::RunLab,
        open: |ctx| boxed(lab::Lab::open(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::Billing,
        title: "Billing",
        function_key: 10,
        permission: Permission::ViewBills,
        open: |ctx| boxed(billing::Billing::open(ctx)),
        accepts: |_| false,
    },
    Area {
        tab: Tab::MyRecord,
        title: "My record",
        function_key: 11,
        permission: Permission::ViewOwnRecord,
        open: |ctx| boxed(my_record::MyRecord::open(ctx)),
        accepts: |_| false,
    },
];

fn boxed<S: Screen + 'static>((screen, said): (S, Said)) -> Opened {
    (Some(Box::new(screen)), said)
}

/// The area of a tab.
fn area(tab: Tab) -> &'static Area {
    AREAS.iter().find(|a| a.tab == tab).unwrap_or(&AREAS[0])
}

impl Tab {
    /// Every tab, in order.
    pub fn all() -> impl Iterator<Item = Tab> {
        AREAS.iter().map(|a| a.tab)
    }

    pub fn title(self) -> &'static str {
        area(self).title
    }

    /// The capability a role needs to see the tab.
    pub fn permission(self) -> Permission {
        area(self).permission
    }

    /// The function key shown in the tab bar.
    pub fn key_label(self) -> String {
        format!("F{}", area(self).function_key)
    }
}

/// The tab a role starts on when it may open it: the cash desk for a
/// cashier, the worklist for a lab technician; the others start on the
/// first tab they may open.
pub fn home(role: crate::domain::role::Role) -> Option<Tab> {
    use crate::domain::role::Role;
    match role {
        Role::Cashier => Some(Tab::Billing),
        Role::LabTech => Some(Tab::Lab),
        _ => None,
    }
}

/// The first area that accepts `request`, among those `allowed`.
pub fn taker(request: &Request, allowed: impl Fn(Tab) -> bool) -> Option<Tab> {
    AREAS
        .iter()
        .find(|a| allowed(a.tab) && (a.accepts)(request))
        .map(|a| a.tab)
}

/// Opens the screen of `tab`. Nothing comes back when the screen cannot be
/// read (what went wrong is said); the tab then shows a notice.
pub fn open(tab: Tab, ctx: &mut Ctx) -> Opened {
    (area(tab).open)(ctx)
}
