//! A list of diagnosis codes (the shipped ICD-10-CM, or a hospital's own
//! list) and its search as you type, by code or by words in any order.
//!
//! The list is indexed once, in memory (`build`): every description is
//! folded to lower case without accents or apostrophes and cut into words;
//! the sorted vocabulary maps each word to the codes holding it (postings).
//! Entries are numbered in rank order (billable first, then shorter codes,
//! then code order), so the first matches found are the best ones and a
//! search stops after `limit`. A word of the query matches every vocabulary
//! word it begins, which is a contiguous run of the sorted vocabulary, and so
//! of the postings; the words of a query narrow each other as bitsets.

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
    let text = if is_tidy(text) {
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

/// Whether `text` has no spaces to tidy: none at either end, no two in a
/// row, no other kind of white space.
fn is_tidy(text: &str) -> bool {
    !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.contains(|c: char| c.is_whitespace() && c != ' ')
}

/// What a code is compared by: upper case without dots (`e11.9` → `E119`),
/// so that a code typed with or without its dot finds the same entry.
pub fn code_key(code: &str) -> String {
    key_chars(code).collect()
}

fn key_chars(code: &str) -> impl Iterator<Item = char> + '_ {
    code.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
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

/// Where one entry is: its code and description in [`CodeList::text`], its
/// key in [`CodeList::keys`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    code_at: u32,
    description_at: u32,
    key_at: u32,
    description_len: u16,
    code_len: u8,
    key_len: u8,
    billable: bool,
}

/// An indexed code list. Build it once ([`CodeList::build`],
/// [`CodeList::from_tsv`]); every search then reads memory only.
#[derive(Debug, Clone)]
pub struct CodeList {
    /// The code system, e.g. `ICD-10-CM`.
    system: String,
    /// The codes and descriptions, as given (the shipped list's text is
    /// kept as it was read, not copied).
    text: String,
    /// The codes' keys ([`code_key`]).
    keys: String,
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
}

/// Offsets into one text or list, which the index keeps as `u32`.
fn at(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl CodeList {
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

    /// The bytes the index holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        let words = |v: &Vec<u32>| v.capacity() * 4;
        self.system.capacity()
            + self.text.capacity()
            + self.keys.capacity()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + words(&self.by_key)
            + self.vocabulary.capacity()
            + words(&self.word_at)
            + words(&self.postings)
            + words(&self.posting_at)
    }

    /// How many distinct words the descriptions hold.
    pub fn vocabulary_len(&self) -> usize {
        self.word_at.len().saturating_sub(1)
    }

    fn entry(&self, e: u32) -> CodeRef<'_> {
        let s = self.slots[e as usize];
        let part = |from: u32, len: usize| &self.text[from as usize..from as usize + len];
        CodeRef {
            code: part(s.code_at, usize::from(s.code_len)),
            description: part(s.description_at, usize::from(s.description_len)),
            billable: s.billable,
        }
    }

    fn key(&self, e: u32) -> &str {
        let s = self.slots[e as usize];
        &self.keys[s.key_at as usize..s.key_at as usize + usize::from(s.key_len)]
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

    /// The postings of every word in `words`.
    fn postings_of(&self, words: &std::ops::Range<usize>) -> &[u32] {
        &self.postings[self.posting_at[words.start] as usize..self.posting_at[words.end] as usize]
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
        // The codes holding the rarest word, narrowed by each other word.
        ranges.sort_by_key(|r| self.postings_of(r).len());
        let mut bits = self.bits(&ranges[0]);
        let mut other = vec![0u64; bits.len()];
        for r in &ranges[1..] {
            other.fill(0);
            for &e in self.postings_of(r) {
                other[e as usize / 64] |= 1 << (e % 64);
            }
            for (b, o) in bits.iter_mut().zip(&other) {
                *b &= o;
            }
        }
        for &e in &listed {
            bits[e as usize / 64] &= !(1 << (e % 64));
        }
        'all: for (i, &word) in bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let e = at(i * 64) + word.trailing_zeros();
                word &= word - 1;
                if found.hits.len() == limit {
                    found.more = true;
                    break 'all;
                }
                found.hits.push(Hit {
                    entry: self.entry(e),
                    matched: Match::Words,
                });
            }
        }
        found
    }

    /// One bit per entry, set for the entries holding a word of `words`.
    fn bits(&self, words: &std::ops::Range<usize>) -> Vec<u64> {
        let mut bits = vec![0u64; self.slots.len().div_ceil(64)];
        for &e in self.postings_of(words) {
            bits[e as usize / 64] |= 1 << (e % 64);
        }
        bits
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

mod build;
#[cfg(test)]
mod tests;
