//! `wardline central find`: a person across every hospital that pushes,
//! by name (any order, misspelt or sounding alike), national ID, phone or
//! birth date, with each hospital's MRN for them. The matching is
//! PostgreSQL's own (central migration 2); every search is recorded in
//! `central_reads` without what was searched for.

use super::CentralError;
use postgres::Client;
use postgres::types::ToSql;

/// Records shown at most.
pub const LIMIT: i64 = 50;

/// What a search asks for, read from its words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Words of names, lower-case.
    pub names: Vec<String>,
    /// A birth date, YYYY-MM-DD.
    pub birth: Option<String>,
    /// National IDs or phone numbers (a word holding digits).
    pub numbers: Vec<String>,
}

impl Query {
    /// Sorts the words: a date is a birth date, a word with digits a
    /// national ID or phone number, anything else a name.
    pub fn parse(text: &str) -> Result<Query, CentralError> {
        let mut q = Query::default();
        let words = text.split_whitespace().map(|w| w.trim_matches(','));
        let mut phone = String::new();
        for word in words.filter(|w| !w.is_empty()) {
            let digits = word.chars().filter(char::is_ascii_digit).count();
            if chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d").is_ok() {
                q.birth = Some(word.to_string());
            } else if digits > 0
                && word
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-().".contains(c))
            {
                // A phone number typed in groups: "+260 97 123 4567".
                phone.push_str(word);
            } else if digits > 0 {
                q.numbers.push(word.to_string());
            } else {
                q.names.push(word.to_lowercase());
            }
        }
        if !phone.is_empty() {
            q.numbers.push(phone);
        }
        if q.names.is_empty() && q.birth.is_none() && q.numbers.is_empty() {
            return Err(CentralError::Central(
                "give a name, a national ID, a phone number or a birth date (YYYY-MM-DD) to find"
                    .into(),
            ));
        }
        if q.names.is_empty() && q.numbers.is_empty() {
            return Err(CentralError::Central(
                "a birth date alone matches too many people: add a name, a national ID or a phone number".into(),
            ));
        }
        Ok(q)
    }
}

/// One hospital's record of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub hospital: String,
    pub hospital_name: String,
    pub mrn: String,
    pub name: String,
    pub birth_date: String,
    pub sex: String,
    pub phone: Option<String>,
    pub national_id: Option<String>,
    sounds: Vec<String>,
    pub score: f32,
}

/// A person as the hospitals hold them: records that share a national ID,
/// or a birth date, sex and the sound of their given and family names.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub records: Vec<Record>,
}

/// Fewer records than this from names that sound alike, and names only
/// spelt alike are looked for too.
const FEW: usize = 10;

/// How alike in trigrams a name only spelt alike must be (pg_trgm's
/// `similarity`, 0 to 1).
const SPELT_ALIKE: &str = "0.45";

/// Finds people across every hospital, best matches first: names that
/// sound alike first (an index on each record's sounds), then, when those
/// are few, names only spelt alike (a trigram index), each step one
/// index-led query whatever the size of the store.
pub fn find(client: &mut Client, text: &str) -> Result<Vec<Person>, CentralError> {
    let q = Query::parse(text)?;
    let mut records = Vec::new();
    if q.names.is_empty() {
        records = step(client, &q, Names::None, LIMIT)?;
    } else {
        records.extend(step(client, &q, Names::SoundAlike, LIMIT)?);
        if records.len() < FEW {
            let more = step(client, &q, Names::SpeltAlike, LIMIT - records.len() as i64)?;
            records.extend(more);
        }
    }
    client.execute(
        "INSERT INTO central_reads (os_user, action, shown) VALUES ($1, 'FIND', $2)",
        &[&std::env::var("USER").ok(), &(records.len() as i32)],
    )?;
    Ok(group(records))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Names {
    None,
    SoundAlike,
    /// Spelt alike and not sounding alike (those were found already).
    SpeltAlike,
}

fn step(
    client: &mut Client,
    q: &Query,
    names: Names,
    limit: i64,
) -> Result<Vec<Record>, CentralError> {
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    let mut wheres = vec![
        "p.deleted_at IS NULL".to_string(),
        "p.merged_into IS NULL".to_string(),
    ];
    let mut param = |v: Box<dyn ToSql + Sync>| {
        params.push(v);
        params.len()
    };
    let score = if names == Names::None {
        "1.0::real".to_string()
    } else {
        let words = param(Box::new(q.names.clone()));
        let whole = param(Box::new(q.names.join(" ")));
        let sounds = format!(
            "p.central_name_sounds @> (SELECT array_agg(dmetaphone(w)) FROM unnest(${words}::text[]) AS w)"
        );
        if names == Names::SoundAlike {
            wheres.push(sounds);
            format!("(1 + similarity(p.central_full_name, ${whole}))::real")
        } else {
            wheres.push(format!("p.central_full_name % ${whole} AND NOT ({sounds})"));
            format!("similarity(p.central_full_name, ${whole})")
        }
    };
    if let Some(birth) = &q.birth {
        let n = param(Box::new(birth.clone()));
        wheres.push(format!("p.birth_date = ${n}"));
    }
    for number in &q.numbers {
        let n = param(Box::new(number.clone()));
        wheres.push(format!(
            "(upper(p.national_id) = upper(${n}) OR p.central_phone_key = wardline_phone_key(${n}))"
        ));
    }
    let sql = format!(
        "SELECT p.hospital, h.name, p.mrn,
                concat_ws(' ', nullif(p.given_name, ''), nullif(p.middle_name, ''), nullif(p.family_name, '')),
                p.birth_date, p.sex, nullif(p.phone, ''), nullif(p.national_id, ''),
                wardline_name_sounds(p.given_name, NULL, p.family_name), {score}
           FROM patients p JOIN hospitals h ON h.code = p.hospital
          WHERE {}
          ORDER BY 10 DESC, p.hospital, p.mrn
          LIMIT {limit}",
        wheres.join(" AND ")
    );
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
    let mut tx = client.transaction()?;
    if names == Names::SpeltAlike {
        tx.batch_execute(&format!(
            "SET LOCAL pg_trgm.similarity_threshold = {SPELT_ALIKE}"
        ))?;
    }
    let rows = tx.query(&sql, &refs)?;
    tx.commit()?;
    Ok(rows
        .iter()
        .map(|r| Record {
            hospital: r.get(0),
            hospital_name: r.get(1),
            mrn: r.get(2),
            name: r.get(3),
            birth_date: r.get(4),
            sex: r.get(5),
            phone: r.get(6),
            national_id: r.get(7),
            sounds: r.get(8),
            score: r.get(9),
        })
        .collect())
}

/// Puts each record with the person it is, keeping the best match first.
fn group(records: Vec<Record>) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    for record in records {
        let same = |other: &Record| {
            let id = |r: &Record| {
                r.national_id
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_uppercase)
            };
            (id(&record).is_some() && id(&record) == id(other))
                || (record.birth_date == other.birth_date
                    && record.sex == other.sex
                    && !record.sounds.is_empty()
                    && sorted(&record.sounds) == sorted(&other.sounds))
        };
        match people.iter_mut().find(|p| p.records.iter().any(same)) {
            Some(person) => person.records.push(record),
            None => people.push(Person {
                records: vec![record],
            }),
        }
    }
    people
}

fn sorted(v: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_sorts_its_words_into_names_numbers_and_a_birth_date() {
        let q = Query::parse("Okafor, Aminata 1980-04-01 +260 97 123 4567").unwrap();
        assert_eq!(q.names, ["okafor", "aminata"]);
        assert_eq!(q.birth.as_deref(), Some("1980-04-01"));
        assert_eq!(q.numbers, ["+260971234567"]);
        let q = Query::parse("ZB123456").unwrap();
        assert_eq!(q.numbers, ["ZB123456"]);
        assert!(Query::parse("   ").is_err());
        assert!(Query::parse("1980-04-01").is_err());
    }
}
