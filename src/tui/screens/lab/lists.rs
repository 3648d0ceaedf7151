//! The worklist's six lists (waiting for collection … rejected today), in
//! the order Tab goes through them, what each is called, and how long an
//! order has waited, in words.

use crate::ops::lab::WorklistView;

/// The lists, in the order Tab shows them.
pub const LISTS: [WorklistView; 6] = [
    WorklistView::Waiting,
    WorklistView::Collected,
    WorklistView::InProgress,
    WorklistView::Resulted,
    WorklistView::Verified,
    WorklistView::Rejected,
];

/// What a list is called in its title.
pub fn title(i: usize) -> &'static str {
    match i {
        0 => "Waiting for collection",
        1 => "Collected",
        2 => "In progress",
        3 => "Resulted: to verify",
        4 => "Verified today",
        _ => "Rejected today",
    }
}

/// A short name for the strip of lists: `Waiting 3`.
pub fn short(i: usize) -> &'static str {
    match i {
        0 => "Waiting",
        1 => "Collected",
        2 => "In progress",
        3 => "To verify",
        4 => "Verified",
        _ => "Rejected",
    }
}

/// How long an order has waited (or took, once verified or rejected):
/// `12 min`, `3 h 05`, `2 d`.
pub fn waited(minutes: i64) -> String {
    match minutes.max(0) {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {:02}", m / 60, m % 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_minutes_hours_then_days() {
        assert_eq!(waited(-2), "0 min");
        assert_eq!(waited(59), "59 min");
        assert_eq!(waited(65), "1 h 05");
        assert_eq!(waited(3 * 24 * 60 + 5), "3 d");
    }

    #[test]
    fn every_list_has_its_own_title_and_name() {
        let titles: std::collections::HashSet<_> = (0..LISTS.len()).map(title).collect();
        let shorts: std::collections::HashSet<_> = (0..LISTS.len()).map(short).collect();
        assert_eq!(titles.len(), LISTS.len());
        assert_eq!(shorts.len(), LISTS.len());
    }
}
