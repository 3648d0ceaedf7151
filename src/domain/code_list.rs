//! A list of diagnosis codes (the shipped ICD-10-CM, or a hospital's own
//! list) and its search as you type, by code or by words in any order.
//!
//! The list is indexed once, in memory: every description is folded to
//! lower case without accents or apostrophes and cut into words; the sorted
//! vocabulary maps each word to the codes holding it (postings), and each
//! code keeps its own word numbers. Entries are numbered in rank order
//! (billable first, then shorter codes, then code order), so the first
//! matches found are the best ones and a search stops after `limit`.
//! A word of the query matches every vocabulary word it begins, which is a
//! contiguous run of the sorted vocabulary, and so of the postings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest code kept (ICD-10-CM's longest is 8 characters with the dot).
pub const CODE_MAX: usize = 16;
/// The longest description kept.
pub const DESCRIPTION_MAX: usize = 500;

/// One code as given to [`CodeList::build`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    /// As printed, e.g. `E11.9` (see [`normalize_code`]).
    pub code: String,
    pub description: String,
    /// Valid for recording and submission (a leaf of the classification),
    /// rather than a heading such as `E11`.
    pub billable: bool,
}

/// Why a code or a description from a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code is empty: every row needs a code")]
    EmptyCode,
    #[error("the code {0:?} is too long: at most {CODE_MAX} characters")]
    CodeTooLong(String),
    #[error(
        "the code {0:?} may hold only letters, digits and dots, and must start with a letter or digit: remove the other characters"
    )]
    CodeCharacters(String),
    #[error("the description is empty: every code needs its text")]
    EmptyDescription,
    #[error("the description is too long: at most {DESCRIPTION_MAX} characters")]
    DescriptionTooLong,
    #[error("the description holds an invisible control character: retype it")]
    DescriptionControl,
}

/// A code as stored and shown: trimmed and upper case (`e11.9` → `E11.9`),
/// letters, digits and dots only, starting with a letter or a digit.
pub fn normalize_code(code: &str) -> Result<String, CodeError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(CodeError::EmptyCode);
    }
    if code.chars().count() > CODE_MAX {
        return Err(CodeError::CodeTooLong(code.to_string()));
    }
    let fits = code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if !fits {
        return Err(CodeError::CodeCharacters(code.to_string()));
    }
    Ok(code.to_ascii_uppercase())
}

/// A description as stored: trimmed, every run of spaces, tabs or line
/// breaks made one space.
pub fn normalize_description(text: &str) -> Result<String, CodeError> {
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(CodeError::DescriptionControl);
    }
    let tidy = !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.contains(|c: char| c.is_whitespace() && c != ' ');
    let text = if tidy {
        text.to_string()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if text.is_empty() {
        return Err(CodeError::EmptyDescription);
    }
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(CodeError::DescriptionTooLong);
    }
    Ok(text)
}

/// What a code is compared by: upper case without dots (`e11.9` → `E119`),
/// so that a code typed with or without its dot finds the same entry.
pub fn code_key(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The folded words of a description or a query: lower case, accents and
/// apostrophes dropped (`Sézary`, `Alzheimer's` → `sezary`, `alzheimers`),
/// cut at everything that is not a letter or a digit.
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::new();
    fold_into(text, &mut folded);
    split_words(&folded).map(str::to_string).collect()
}

/// Writes `text` folded (see [`words`]) into `out`, replacing what it held.
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.extend(
            text.bytes()
                .filter(|b| !matches!(b, b'\'' | b'`'))
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        out.extend(
            text.nfd()
                .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’' | '`'))
                .flat_map(char::to_lowercase),
        );
    }
}

/// The words of folded text.
fn split_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// How a found code matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The query is this code (with or without its dot).
    Code,
    /// The code starts with the query.
    CodePrefix,
    /// Every word of the query begins a word of the description.
    Words,
}

/// One entry of a list, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRef<'a> {
    pub code: &'a str,
    pub description: &'a str,
    pub billable: bool,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    pub entry: CodeRef<'a>,
    pub matched: Match,
}

/// The results of one search, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found<'a> {
    pub hits: Vec<Hit<'a>>,
    /// Whether more codes matched than were asked for.
    pub more: bool,
}

/// Where one entry's texts are in [`CodeList::text`]: the code as printed,
/// its key, then its description, one after the other.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u32,
    code_len: u8,
    key_len: u8,
    description_len: u16,
    billable: bool,
}

/// An indexed code list. Build it once ([`CodeList::build`]); every search
/// then reads memory only.
#[derive(Debug, Clone)]
pub struct CodeList {
    /// The code system, e.g. `ICD-10-CM`.
    system: String,
    text: String,
    /// By entry number, in rank order.
    slots: Vec<Slot>,
    /// Entry numbers in key order.
    by_key: Vec<u32>,
    /// The vocabulary, sorted: word `w` is `vocabulary[word_at[w]..word_at[w + 1]]`.
    vocabulary: String,
    word_at: Vec<u32>,
    /// The entries holding word `w`, ascending: `postings[posting_at[w]..posting_at[w + 1]]`.
    postings: Vec<u32>,
    posting_at: Vec<u32>,
    /// The words of entry `e`, ascending: `entry_words[entry_word_at[e]..entry_word_at[e + 1]]`.
    entry_words: Vec<u32>,
    entry_word_at: Vec<u32>,
}

/// Offsets into one text or list, which the index keeps as `u32`.
fn at(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl CodeList {
    /// Indexes `codes` of `system`. Codes are expected normalized
    /// ([`normalize_code`], [`normalize_description`]); a code whose key
    /// repeats an earlier one is left out.
    pub fn build(system: &str, codes: Vec<NewCode>) -> CodeList {
        let mut keyed: Vec<(String, NewCode)> = codes
            .into_iter()
            .map(|c| (code_key(&c.code), c))
            .filter(|(key, c)| {
                !key.is_empty()
                    && key.len() <= usize::from(u8::MAX)
                    && c.code.len() <= usize::from(u8::MAX)
                    && c.description.len() <= usize::from(u16::MAX)
            })
            .collect();
        // Keep the first of each key (a stable sort, then dedup by key).
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.dedup_by(|later, first| later.0 == first.0);
        // Entry numbers in rank order; equal ranks stay in key order.
        let mut rank: Vec<u32> = (0..at(keyed.len())).collect();
        rank.sort_by_key(|&i| {
            let (key, c) = &keyed[i as usize];
            (!c.billable, key.len())
        });
        let mut by_key = vec![0u32; keyed.len()];
        for (e, &i) in rank.iter().enumerate() {
            by_key[i as usize] = at(e);
        }

        let mut text = String::with_capacity(
            keyed
                .iter()
                .map(|(k, c)| k.len() + c.code.len() + c.description.len())
                .sum(),
        );
        let mut slots = Vec::with_capacity(keyed.len());
        let mut ids: HashMap<String, u32, BuildHasherDefault<Fnv>> = HashMap::default();
        let mut names: Vec<String> = Vec::new();
        let mut entry_words: Vec<u32> = Vec::with_capacity(keyed.len() * 12);
        let mut entry_word_at: Vec<u32> = Vec::with_capacity(keyed.len() + 1);
        let mut folded = String::new();
        for &i in &rank {
            let (key, c) = &keyed[i as usize];
            slots.push(Slot {
                start: at(text.len()),
                code_len: c.code.len() as u8,
                key_len: key.len() as u8,
                description_len: c.description.len() as u16,
                billable: c.billable,
            });
            text.push_str(&c.code);
            text.push_str(key);
            text.push_str(&c.description);
            entry_word_at.push(at(entry_words.len()));
            let first = entry_words.len();
            fold_into(&c.description, &mut folded);
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
        let mut order: Vec<u32> = (0..at(names.len())).collect();
        order.sort_unstable_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
        let mut renumber = vec![0u32; names.len()];
        let mut vocabulary = String::new();
        let mut word_at = Vec::with_capacity(names.len() + 1);
        for (sorted, &old) in order.iter().enumerate() {
            renumber[old as usize] = at(sorted);
            word_at.push(at(vocabulary.len()));
            vocabulary.push_str(&names[old as usize]);
        }
        word_at.push(at(vocabulary.len()));
        for e in 0..slots.len() {
            let range = entry_word_at[e] as usize..entry_word_at[e + 1] as usize;
            let mine = &mut entry_words[range];
            for w in mine.iter_mut() {
                *w = renumber[*w as usize];
            }
            mine.sort_unstable();
        }

        // Postings by counting: entries are visited in order, so each
        // word's list comes out ascending.
        let mut posting_at = vec![0u32; names.len() + 1];
        for &w in &entry_words {
            posting_at[w as usize + 1] += 1;
        }
        for w in 0..names.len() {
            posting_at[w + 1] += posting_at[w];
        }
        let mut fill = posting_at.clone();
        let mut postings = vec![0u32; entry_words.len()];
        for e in 0..slots.len() {
            for &w in &entry_words[entry_word_at[e] as usize..entry_word_at[e + 1] as usize] {
                postings[fill[w as usize] as usize] = at(e);
                fill[w as usize] += 1;
            }
        }

        CodeList {
            system: system.to_string(),
            text,
            slots,
            by_key,
            vocabulary,
            word_at,
            postings,
            posting_at,
            entry_words,
            entry_word_at,
        }
    }

    /// The code system's name.
    pub fn system(&self) -> &str {
        &self.system
    }

    /// How many codes the list holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// How many distinct words the descriptions hold.
    pub fn vocabulary_len(&self) -> usize {
        self.word_at.len().saturating_sub(1)
    }

    fn entry(&self, e: u32) -> CodeRef<'_> {
        let s = self.slots[e as usize];
        let code_at = s.start as usize;
        let description_at = code_at + usize::from(s.code_len) + usize::from(s.key_len);
        CodeRef {
            code: &self.text[code_at..code_at + usize::from(s.code_len)],
            description: &self.text
                [description_at..description_at + usize::from(s.description_len)],
            billable: s.billable,
        }
    }

    fn key(&self, e: u32) -> &str {
        let s = self.slots[e as usize];
        let from = s.start as usize + usize::from(s.code_len);
        &self.text[from..from + usize::from(s.key_len)]
    }

    fn word(&self, w: usize) -> &str {
        &self.vocabulary[self.word_at[w] as usize..self.word_at[w + 1] as usize]
    }

    /// The entry of a code typed with or without its dot, in any case.
    pub fn lookup(&self, code: &str) -> Option<CodeRef<'_>> {
        let key = code_key(code);
        self.by_key
            .binary_search_by(|&e| self.key(e).cmp(&key))
            .ok()
            .map(|i| self.entry(self.by_key[i]))
    }

    /// Every entry, in rank order.
    pub fn iter(&self) -> impl Iterator<Item = CodeRef<'_>> {
        (0..at(self.slots.len())).map(|e| self.entry(e))
    }

    /// The entries whose key starts with `key`, in key order (the code
    /// itself first).
    fn by_code(&self, key: &str) -> &[u32] {
        let lo = self.by_key.partition_point(|&e| self.key(e) < key);
        let hi = self
            .by_key
            .partition_point(|&e| self.key(e) < key || self.key(e).starts_with(key));
        &self.by_key[lo..hi.max(lo)]
    }

    /// The vocabulary words that `prefix` begins: a run of word numbers.
    fn words_starting(&self, prefix: &str) -> std::ops::Range<usize> {
        let n = self.vocabulary_len();
        let lo = partition(n, |w| self.word(w) < prefix);
        let hi = partition(n, |w| {
            let word = self.word(w);
            word < prefix || word.starts_with(prefix)
        });
        lo..hi.max(lo)
    }

    /// The best `limit` codes for what was typed: the code itself, then
    /// codes starting with it (when the query is one word holding a digit,
    /// such as `e119`, `E11.9` or `b5`), then codes whose description has
    /// a word beginning with each word of the query, in any order (`diab
    /// typ 2`), billable and shorter codes first. An empty query finds
    /// nothing.
    pub fn search(&self, query: &str, limit: usize) -> Found<'_> {
        let mut found = Found::default();
        if limit == 0 {
            return found;
        }
        let query = query.trim();
        let one_word = !query.is_empty() && !query.contains(char::is_whitespace);
        let mut listed: Vec<u32> = Vec::new();
        if one_word && query.contains(|c: char| c.is_ascii_digit()) {
            let key = code_key(query);
            let codes = self.by_code(&key);
            for &e in codes.iter().take(limit) {
                let matched = if self.key(e) == key {
                    Match::Code
                } else {
                    Match::CodePrefix
                };
                found.hits.push(Hit {
                    entry: self.entry(e),
                    matched,
                });
                listed.push(e);
            }
            if codes.len() > limit {
                found.more = true;
                return found;
            }
        }
        let mut ranges: Vec<std::ops::Range<usize>> = words(query)
            .iter()
            .map(|w| self.words_starting(w))
            .collect();
        if ranges.is_empty() || ranges.iter().any(|r| r.is_empty()) {
            return found;
        }
        // The word with the fewest postings picks the candidates; the
        // others are checked against each candidate's own words.
        let postings = |r: &std::ops::Range<usize>| {
            self.posting_at[r.end] as usize - self.posting_at[r.start] as usize
        };
        ranges.sort_by_key(postings);
        let first = &ranges[0];
        let candidates = &self.postings
            [self.posting_at[first.start] as usize..self.posting_at[first.end] as usize];
        let rest = &ranges[1..];
        let mut visit = |e: u32| -> bool {
            if listed.contains(&e) || !rest.iter().all(|r| self.has_word_in(e, r)) {
                return true;
            }
            if found.hits.len() == limit {
                found.more = true;
                return false;
            }
            found.hits.push(Hit {
                entry: self.entry(e),
                matched: Match::Words,
            });
            true
        };
        if first.len() == 1 {
            for &e in candidates {
                if !visit(e) {
                    break;
                }
            }
        } else {
            let mut bits = vec![0u64; self.slots.len().div_ceil(64)];
            for &e in candidates {
                bits[e as usize / 64] |= 1 << (e % 64);
            }
            'all: for (i, &word) in bits.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let e = at(i * 64) + word.trailing_zeros();
                    word &= word - 1;
                    if !visit(e) {
                        break 'all;
                    }
                }
            }
        }
        found
    }

    /// Whether entry `e` holds a word numbered within `words`.
    fn has_word_in(&self, e: u32, words: &std::ops::Range<usize>) -> bool {
        let mine = &self.entry_words
            [self.entry_word_at[e as usize] as usize..self.entry_word_at[e as usize + 1] as usize];
        let i = mine.partition_point(|&w| (w as usize) < words.start);
        mine.get(i).is_some_and(|&w| (w as usize) < words.end)
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

/// The first of `0..n` for which `before` is false (`before` true then false).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
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

/// Reads the shipped list's text (see `assets/tools/icd10cm_extract.py`):
/// `#` header lines, then `CODE<TAB>0|1<TAB>DESCRIPTION` per line. Returns
/// the header's text and the codes, or the first line that does not fit.
pub fn parse_tsv(text: &str) -> Result<(String, Vec<NewCode>), String> {
    let mut header = String::new();
    let mut codes = Vec::new();
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
        let mut cells = line.splitn(3, '\t');
        let (Some(code), Some(billable), Some(description)) =
            (cells.next(), cells.next(), cells.next())
        else {
            return Err(format!("line {} has fewer than three columns", i + 1));
        };
        let billable = match billable {
            "1" => true,
            "0" => false,
            other => return Err(format!("line {}: billable is {other:?}, not 0 or 1", i + 1)),
        };
        codes.push(NewCode {
            code: normalize_code(code).map_err(|e| format!("line {}: {e}", i + 1))?,
            description: normalize_description(description)
                .map_err(|e| format!("line {}: {e}", i + 1))?,
            billable,
        });
    }
    Ok((header, codes))
}

#[cfg(test)]
mod tests;
