//! The district's central store: every hospital's records pushed one way to
//! a PostgreSQL database the district office runs, for a patient index and
//! reports across hospitals. Each hospital file stays whole and works
//! offline; nothing is ever written back to it from the central store.

pub mod cell;
pub mod compare;
pub mod connect;
pub mod find;
pub mod push;
pub mod report;
pub mod schema;
pub mod source;
pub mod state;
pub mod tables;
pub mod verify;

/// What can go wrong between a hospital file and the central store; each
/// message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("{0}")]
    Url(String),
    #[error(
        "cannot reach the central store at {url}: {why}. Check the address, that the server runs, and the password (~/.pgpass or PGPASSWORD)"
    )]
    Connect { url: String, why: String },
    #[error("{0}")]
    Schema(String),
    #[error("{0}")]
    NotThisHospital(String),
    #[error("{0}")]
    Behind(String),
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    Central(String),
    #[error("the central store refused or lost the connection: {}", describe_postgres(.0))]
    Postgres(#[from] postgres::Error),
    #[error("the hospital file could not be read: {0}")]
    Local(#[from] rusqlite::Error),
}

pub(crate) fn describe_postgres(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}
