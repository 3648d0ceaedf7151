//! Finding a medicine to prescribe: the formulary searched as the
//! prescriber types, each item with the stock that can be dispensed today.

use crate::auth::Session;
use crate::domain::clock::Clock;
use crate::domain::role::Permission;
use crate::error::Result;
use crate::store::Db;
pub use crate::store::formulary::FormularyHit;

/// How many items a search shows.
pub const SHOWN: usize = 12;

/// Active items whose name or generic name holds `text`; none for an empty
/// text.
pub fn search(db: &Db, by: &Session, text: &str, clock: Clock) -> Result<Vec<FormularyHit>> {
    by.require(Permission::Prescribe, "prescribe")?;
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(crate::store::formulary::search(
        db.conn(),
        text,
        clock.today(),
        SHOWN,
    )?)
}
