//! Building a [`CodeList`]: from owned codes, or from the shipped list's
//! text, which the index then keeps as its own.

use super::{
    CODE_MAX, CodeList, DESCRIPTION_MAX, NewCode, Slot, at, fold_into, is_tidy, key_chars,
    split_words,
};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One code of the text being indexed: byte ranges of its code and
/// description.
#[derive(Debug, Clone, Copy)]
struct Raw {
    code: (u32, u8),
    description: (u32, u16),
    billable: bool,
}

/// Where `part`, a slice of `text`, starts in it.
fn span(text: &str, part: &str) -> Option<u32> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start + part.len() <= text.len()).then(|| at(start))
}

impl CodeList {
    /// Indexes `codes` of `system`. Codes are expected normalized
    /// ([`super::normalize_code`], [`super::normalize_description`]); a code whose key
    /// repeats an earlier one is left out.
    pub fn build(system: &str, codes: Vec<NewCode>) -> CodeList {
        let mut text = String::with_capacity(
            codes
                .iter()
                .map(|c| c.code.len() + c.description.len())
                .sum(),
        );
        let mut raws = Vec::with_capacity(codes.len());
        for c in codes {
            if c.code.len() > usize::from(u8::MAX) || c.description.len() > usize::from(u16::MAX) {
                continue;
            }
            let code_at = at(text.len());
            text.push_str(&c.code);
            let description_at = at(text.len());
            text.push_str(&c.description);
            raws.push(Raw {
                code: (code_at, c.code.len() as u8),
                description: (description_at, c.description.len() as u16),
                billable: c.billable,
            });
        }
        Self::index(system, text, raws)
    }

    /// Reads and indexes the shipped list's text (see
    /// `assets/tools/icd10cm_extract.py`): `#` header lines, then
    /// `CODE<TAB>0|1<TAB>DESCRIPTION` per line, codes and descriptions
    /// already normalized. The text is kept as the index's own. Returns the
    /// first header line and the list, or the first line that does not fit.
    pub fn from_tsv(system: &str, text: String) -> Result<(String, CodeList), String> {
        let (header, raws) = parse_tsv(&text)?;
        Ok((header, Self::index(system, text, raws)))
    }

    fn index(system: &str, text: String, raws: Vec<Raw>) -> CodeList {
        let slice = |(from, len): (u32, usize)| &text[from as usize..from as usize + len];
        let code = |r: &Raw| slice((r.code.0, usize::from(r.code.1)));
        let mut keys = String::with_capacity(raws.iter().map(|r| usize::from(r.code.1)).sum());
        let mut key_of = Vec::with_capacity(raws.len());
        for r in &raws {
            let key_at = at(keys.len());
            keys.extend(key_chars(code(r)));
            let len = keys.len() - key_at as usize;
            key_of.push((key_at, len.min(usize::from(u8::MAX)) as u8));
        }
        let key =
            |i: usize| &keys[key_of[i].0 as usize..key_of[i].0 as usize + usize::from(key_of[i].1)];
        // Key order, keeping the first of each key (a stable sort).
        let mut order: Vec<u32> = (0..at(raws.len()))
            .filter(|&i| !key(i as usize).is_empty())
            .collect();
        order.sort_by(|&a, &b| key(a as usize).cmp(key(b as usize)));
        order.dedup_by(|later, first| key(*later as usize) == key(*first as usize));
        // Rank order; equal ranks stay in key order.
        let mut rank: Vec<u32> = (0..at(order.len())).collect();
        rank.sort_by_key(|&p| {
            let i = order[p as usize] as usize;
            (!raws[i].billable, key_of[i].1)
        });
        let mut by_key = vec![0u32; order.len()];
        for (e, &p) in rank.iter().enumerate() {
            by_key[p as usize] = at(e);
        }

        let mut slots = Vec::with_capacity(order.len());
        let mut ids: HashMap<String, u32, BuildHasherDefault<Fnv>> = HashMap::default();
        let mut names: Vec<String> = Vec::new();
        let mut entry_words: Vec<u32> = Vec::with_capacity(order.len() * 12);
        let mut entry_word_at: Vec<u32> = Vec::with_capacity(order.len() + 1);
        let mut folded = String::new();
        for &p in &rank {
            let i = order[p as usize] as usize;
            let r = raws[i];
            slots.push(Slot {
                code_at: r.code.0,
                description_at: r.description.0,
                key_at: key_of[i].0,
                description_len: r.description.1,
                code_len: r.code.1,
                key_len: key_of[i].1,
                billable: r.billable,
            });
            entry_word_at.push(at(entry_words.len()));
            let first = entry_words.len();
            fold_into(
                slice((r.description.0, usize::from(r.description.1))),
                &mut folded,
            );
            for w in split_words(&folded) {
                let id = match ids.get(w) {
                    Some(&id) => id,
                    None => {
                        let id = at(names.len());
                        ids.insert(w.to_string(), id);
                        names.push(w.to_string());
                        id
                    }
                };
                entry_words.push(id);
            }
            let mine = &mut entry_words[first..];
            mine.sort_unstable();
            let kept = dedup_sorted(mine);
            entry_words.truncate(first + kept);
        }
        entry_word_at.push(at(entry_words.len()));
        drop(ids);

        // Number the words in sorted order.
        let mut sorted: Vec<u32> = (0..at(names.len())).collect();
        sorted.sort_unstable_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
        let mut renumber = vec![0u32; names.len()];
        let mut vocabulary = String::new();
        let mut word_at = Vec::with_capacity(names.len() + 1);
        for (n, &old) in sorted.iter().enumerate() {
            renumber[old as usize] = at(n);
            word_at.push(at(vocabulary.len()));
            vocabulary.push_str(&names[old as usize]);
        }
        word_at.push(at(vocabulary.len()));

        // Postings by counting: entries are visited in order, so each
        // word's list comes out ascending.
        let mut posting_at = vec![0u32; names.len() + 1];
        for &w in &entry_words {
            posting_at[renumber[w as usize] as usize + 1] += 1;
        }
        for w in 0..names.len() {
            posting_at[w + 1] += posting_at[w];
        }
        let mut fill = posting_at.clone();
        let mut postings = vec![0u32; entry_words.len()];
        for e in 0..slots.len() {
            for &w in &entry_words[entry_word_at[e] as usize..entry_word_at[e + 1] as usize] {
                let w = renumber[w as usize] as usize;
                postings[fill[w] as usize] = at(e);
                fill[w] += 1;
            }
        }

        CodeList {
            system: system.to_string(),
            text,
            keys,
            slots,
            by_key,
            vocabulary,
            word_at,
            postings,
            posting_at,
        }
    }
}

/// FNV-1a: the vocabulary's short words hash several times faster than
/// with the standard library's SipHash, which guards against hostile keys
/// that a code list does not hold.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Removes repeats from a sorted slice in place, returning how many remain
/// at its front.
fn dedup_sorted(v: &mut [u32]) -> usize {
    let mut kept = 0;
    for i in 0..v.len() {
        if kept == 0 || v[i] != v[kept - 1] {
            v[kept] = v[i];
            kept += 1;
        }
    }
    kept
}

/// The lines of the shipped list's text as ranges of it, each checked (see
/// [`CodeList::from_tsv`]), and its first header line.
fn parse_tsv(text: &str) -> Result<(String, Vec<Raw>), String> {
    let mut header = String::new();
    let mut raws = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(h) = line.strip_prefix('#') {
            if header.is_empty() {
                header = h.trim().to_string();
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let mut cells = line.splitn(3, '\t');
        let (Some(code), Some(billable), Some(description)) =
            (cells.next(), cells.next(), cells.next())
        else {
            return Err(format!("line {n} has fewer than three columns"));
        };
        let billable = match billable {
            "1" => true,
            "0" => false,
            other => return Err(format!("line {n}: billable is {other:?}, not 0 or 1")),
        };
        // Checked as they are, without copying them: the shipped text is
        // written normalized.
        let code_ok = code.len() <= CODE_MAX
            && code.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
        if !code_ok {
            return Err(format!(
                "line {n}: the code {code:?} is not upper case letters, digits and dots"
            ));
        }
        if description.is_empty()
            || description.chars().count() > DESCRIPTION_MAX
            || !is_tidy(description)
            || description.contains(char::is_control)
        {
            return Err(format!(
                "line {n}: the description is empty, too long or not tidy"
            ));
        }
        let (Some(code_at), Some(description_at)) = (span(text, code), span(text, description))
        else {
            return Err(format!("line {n} could not be read"));
        };
        raws.push(Raw {
            code: (code_at, code.len() as u8),
            description: (
                description_at,
                description.len().min(usize::from(u16::MAX)) as u16,
            ),
            billable,
        });
    }
    Ok((header, raws))
}
