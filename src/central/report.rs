//! `wardline central report census|stock|visits`: the cross-hospital
//! views of central migration 3, read as tables of text for the terminal.

use super::CentralError;
use postgres::Client;
use postgres::types::ToSql;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Report {
    /// Beds occupied, free, reserved, being cleaned and out of service, by
    /// hospital and ward.
    Census,
    /// Stock on hand, expiring within each hospital's window, and expired,
    /// by item and hospital.
    Stock,
    /// Visits and patients by month and hospital, and the most frequent
    /// diagnoses of each month.
    Visits,
}

/// A report's sections, each a title, a header and rows of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Reads a report, for one hospital or all, `months` back for visits.
pub fn read(
    client: &mut Client,
    report: Report,
    hospital: Option<&str>,
    months: i32,
) -> Result<Vec<Section>, CentralError> {
    let code: Option<String> = hospital.map(str::to_string);
    let only = |col: &str| format!("($1::text IS NULL OR {col} = $1)");
    match report {
        Report::Census => Ok(vec![section(
            client,
            "Beds by hospital and ward",
            vec!["hospital", "ward", "beds", "occupied", "free", "reserved", "cleaning", "out of service"],
            &format!(
                "SELECT hospital, ward, beds::text, occupied::text, available::text, reserved::text,
                        cleaning::text, out_of_service::text
                   FROM central_census WHERE {} ORDER BY hospital, ward",
                only("hospital")
            ),
            &[&code],
        )?]),
        Report::Stock => Ok(vec![section(
            client,
            "Stock by item and hospital (expiring: within the hospital's expiry window)",
            vec!["item", "hospital", "on hand", "expiring", "next expiry", "expired", "reorder at"],
            &format!(
                "SELECT concat_ws(' ', item, strength, form), hospital, on_hand::text, expiring::text,
                        coalesce(next_expiry::text, '-'), expired::text, reorder_level::text
                   FROM central_stock WHERE {} ORDER BY item, strength, form, hospital",
                only("hospital")
            ),
            &[&code],
        )?]),
        Report::Visits => {
            let since = "(SELECT to_char(now() - make_interval(months => $2 - 1), 'YYYY-MM'))";
            let visits = section(
                client,
                "Visits by month and hospital",
                vec!["month", "hospital", "visits", "patients"],
                &format!(
                    "SELECT month, hospital, visits::text, patients::text FROM central_visits_monthly
                      WHERE {} AND month >= {since} ORDER BY month, hospital",
                    only("hospital")
                ),
                &[&code, &months],
            )?;
            let diagnoses = section(
                client,
                "The ten most frequent diagnoses of each month",
                vec!["month", "code", "diagnosis", "count", "hospitals"],
                &format!(
                    "SELECT month, code, text, n::text, hospitals FROM (
                        SELECT month, code, min(text) AS text, sum(diagnoses) AS n,
                               string_agg(DISTINCT hospital, ' ') AS hospitals,
                               row_number() OVER (PARTITION BY month ORDER BY sum(diagnoses) DESC, code) AS rank
                          FROM central_diagnoses_monthly
                         WHERE {} AND month >= {since}
                         GROUP BY month, code_system, code) ranked
                      WHERE rank <= 10 ORDER BY month, rank",
                    only("hospital")
                ),
                &[&code, &months],
            )?;
            Ok(vec![visits, diagnoses])
        }
    }
}

fn section(
    client: &mut Client,
    title: &str,
    header: Vec<&'static str>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Section, CentralError> {
    let rows = client
        .query(sql, params)?
        .iter()
        .map(|r| {
            (0..header.len())
                .map(|i| r.get::<_, Option<String>>(i).unwrap_or_default())
                .collect()
        })
        .collect();
    Ok(Section {
        title: title.to_string(),
        header,
        rows,
    })
}
