//! The portal's browser sessions, held in memory: a random token (the
//! cookie) leads to the signed-in patient's session and the CSRF token of
//! its forms. A browser that has not signed in yet gets a session without
//! an account, so that the sign-in form carries a CSRF token too; signing
//! in replaces the token (no session fixation).

use super::csrf;
use crate::auth::Session;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// How long a browser that has not signed in keeps its sign-in form.
pub const ANONYMOUS_FOR: Duration = Duration::hours(1);

/// The most sessions held at once (anonymous ones are dropped first).
const MOST: usize = 10_000;

/// One browser's session.
#[derive(Debug, Clone)]
pub struct Browser {
    pub csrf: String,
    /// The patient's session once signed in.
    pub signed_in: Option<Session>,
    pub last_seen: DateTime<Utc>,
    pub created: DateTime<Utc>,
}

/// Why a session ended on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// No request for the idle time.
    Idle,
    /// The session reached its maximum length.
    Expired,
}

/// Every session of the portal by its token.
#[derive(Default)]
pub struct Sessions {
    by_token: HashMap<String, Browser>,
}

impl Sessions {
    /// A new session without an account; returns its token.
    pub fn start_anonymous(&mut self, now: DateTime<Utc>) -> String {
        self.prune(now);
        let token = csrf::token();
        self.by_token.insert(
            token.clone(),
            Browser {
                csrf: csrf::token(),
                signed_in: None,
                last_seen: now,
                created: now,
            },
        );
        token
    }

    /// Replaces the session of `old` (if any) with a signed-in one under a
    /// new token; returns the new token.
    pub fn sign_in(&mut self, old: Option<&str>, session: Session, now: DateTime<Utc>) -> String {
        if let Some(old) = old {
            self.by_token.remove(old);
        }
        let token = csrf::token();
        self.by_token.insert(
            token.clone(),
            Browser {
                csrf: csrf::token(),
                signed_in: Some(session),
                last_seen: now,
                created: now,
            },
        );
        token
    }

    /// The session of `token` as of `now`: touched (its idle time starts
    /// again) when alive; removed and returned as ended when it was idle
    /// for `idle` or is past its maximum length.
    pub fn touch(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Option<Result<Browser, (Ended, Browser)>> {
        let b = self.by_token.get_mut(token)?;
        let ended = match &b.signed_in {
            Some(s) if s.expired(now) => Some(Ended::Expired),
            Some(_) if now - b.last_seen >= idle => Some(Ended::Idle),
            None if now - b.created >= ANONYMOUS_FOR => Some(Ended::Expired),
            _ => None,
        };
        if let Some(why) = ended {
            let b = self.by_token.remove(token)?;
            return Some(Err((why, b)));
        }
        b.last_seen = now;
        Some(Ok(b.clone()))
    }

    /// Removes the signed-in sessions idle for `idle` or past their maximum
    /// length, returning them to be ended in the file too (a browser that
    /// never came back).
    pub fn sweep(&mut self, now: DateTime<Utc>, idle: Duration) -> Vec<Session> {
        let stale: Vec<String> = self
            .by_token
            .iter()
            .filter(|(_, b)| {
                b.signed_in
                    .as_ref()
                    .is_some_and(|s| s.expired(now) || now - b.last_seen >= idle)
            })
            .map(|(t, _)| t.clone())
            .collect();
        stale
            .into_iter()
            .filter_map(|t| self.by_token.remove(&t)?.signed_in)
            .collect()
    }

    /// The CSRF token of the session of `token`, if there is one.
    pub fn csrf(&self, token: &str) -> Option<String> {
        self.by_token.get(token).map(|b| b.csrf.clone())
    }

    /// Updates the patient's session kept under `token` (a password changed).
    pub fn update(&mut self, token: &str, session: Session) {
        if let Some(b) = self.by_token.get_mut(token) {
            b.signed_in = Some(session);
        }
    }

    /// Ends the session of `token`; returns what it held.
    pub fn end(&mut self, token: &str) -> Option<Browser> {
        self.by_token.remove(token)
    }

    /// Drops anonymous sessions past their time, and the oldest anonymous
    /// ones when there are too many.
    fn prune(&mut self, now: DateTime<Utc>) {
        self.by_token
            .retain(|_, b| b.signed_in.is_some() || now - b.created < ANONYMOUS_FOR);
        if self.by_token.len() >= MOST {
            let mut anonymous: Vec<(DateTime<Utc>, String)> = self
                .by_token
                .iter()
                .filter(|(_, b)| b.signed_in.is_none())
                .map(|(t, b)| (b.created, t.clone()))
                .collect();
            anonymous.sort();
            for (_, t) in anonymous.into_iter().take(MOST / 10) {
                self.by_token.remove(&t);
            }
        }
    }
}
