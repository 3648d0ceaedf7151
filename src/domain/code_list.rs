//! A list of diagnosis codes (the shipped ICD-10-CM, or a hospital's own
//! list) and its search as you type, by code or by words in any order.
//!
//! The list is indexed once, in memory (`build`): every description is
//! folded to lower case without accents or apostrophes and cut into words;
//! the sorted vocabulary maps each word to the codes holding it (postings).
//! A word in British spelling is indexed in American spelling too
//! (`spelling`), and each word of a query is looked up in both, so that
//! `anaemia` finds ICD-10-CM's "Anemia" and `anemia` a hospital list's
//! "Anaemia".
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
        out.push_str(text);
        out.make_ascii_lowercase();
        if memchr::memchr2(b'\'', b'`', out.as_bytes()).is_some() {
            out.retain(|c| !matches!(c, '\'' | '`'));
        }
    } else {
        out.extend(
            text.nfd()
                .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’' | '`'))
                .flat_map(char::to_lowercase),
        );
    }
}

/// The words of folded text: its runs of letters and digits (ASCII text,
/// nearly every description, is cut byte by byte).
fn split_words(folded: &str) -> impl Iterator<Item = &str> {
    let ascii = folded.is_ascii();
    let mut rest = folded;
    std::iter::from_fn(move || {
        let (start, len) = if ascii {
            let b = rest.as_bytes();
            let start = b.iter().position(u8::is_ascii_alphanumeric)?;
            let len = b[start..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(b.len() - start);
            (start, len)
        } else {
            let start = rest.find(char::is_alphanumeric)?;
            let len = rest[start..]
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len() - start);
            (start, len)
        };
        let word = &rest[start..start + len];
        rest = &rest[start + len..];
        Some(word)
    })
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

/// Where one entry is: its code and description in [`CodeList::text`]
/// (twelve bytes an entry; its key is read off its code when compared).
#[derive(Debug, Clone, Copy)]
struct Slot {
    code_at: u32,
    description_at: u32,
    description_len: u16,
    code_len: u8,
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

    /// The key of entry `e` ([`code_key`]) compared with `key`.
    fn key_cmp(&self, e: u32, key: &str) -> std::cmp::Ordering {
        key_chars(self.entry(e).code).cmp(key.chars())
    }

    /// Whether the key of entry `e` starts with `key`.
    fn key_starts(&self, e: u32, key: &str) -> bool {
        let mut mine = key_chars(self.entry(e).code);
        key.chars().all(|c| mine.next() == Some(c))
    }

    fn word(&self, w: usize) -> &str {
        &self.vocabulary[self.word_at[w] as usize..self.word_at[w + 1] as usize]
    }

    /// The entry of a code typed with or without its dot, in any case.
    pub fn lookup(&self, code: &str) -> Option<CodeRef<'_>> {
        let key = code_key(code);
        self.by_key
            .binary_search_by(|&e| self.key_cmp(e, &key))
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
        let before = |e: u32| self.key_cmp(e, key).is_lt();
        let lo = self.by_key.partition_point(|&e| before(e));
        let hi = self
            .by_key
            .partition_point(|&e| before(e) || self.key_starts(e, key));
        &self.by_key[lo..hi.max(lo)]
    }

    /// The vocabulary words that `prefix` begins: a run of word numbers.
    fn words_starting(&self, prefix: &str) -> Words {
        let n = self.vocabulary_len();
        let lo = partition(n, |w| self.word(w) < prefix);
        let hi = partition(n, |w| {
            let word = self.word(w);
            word < prefix || word.starts_with(prefix)
        });
        lo..hi.max(lo)
    }

    /// The vocabulary words that `typed` begins as typed, and those its
    /// American spelling begins (an empty run when it has none).
    fn words_matching(&self, typed: &str, spelled: &mut String) -> [Words; 2] {
        let other = if spelling::american_into(typed, spelled) {
            self.words_starting(spelled)
        } else {
            0..0
        };
        [self.words_starting(typed), other]
    }

    /// The postings of every word in `words`.
    fn postings_of(&self, words: &Words) -> &[u32] {
        &self.postings[self.posting_at[words.start] as usize..self.posting_at[words.end] as usize]
    }

    /// The best `limit` codes for what was typed: the code itself, then
    /// codes starting with it (when the query is one word holding a digit,
    /// such as `e119`, `E11.9` or `b5`), then codes whose description has
    /// a word beginning with each word of the query, in any order (`diab
    /// typ 2`), in British or American spelling (`anaem`), billable and
    /// shorter codes first. An empty query finds nothing.
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
                let matched = if self.key_cmp(e, &key).is_eq() {
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
        let mut spelled = String::new();
        let mut ranges: Vec<[Words; 2]> = words(query)
            .iter()
            .map(|w| self.words_matching(w, &mut spelled))
            .collect();
        if ranges.is_empty() || ranges.iter().any(|r| r.iter().all(Words::is_empty)) {
            return found;
        }
        // The codes holding the rarest word, narrowed by each other word.
        ranges.sort_by_key(|r| r.iter().map(|w| self.postings_of(w).len()).sum::<usize>());
        let mut bits = vec![0u64; self.slots.len().div_ceil(64)];
        self.set_bits(&ranges[0], &mut bits);
        let mut other = vec![0u64; bits.len()];
        for r in &ranges[1..] {
            other.fill(0);
            self.set_bits(r, &mut other);
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

    /// Sets the bit of every entry holding a word of `words`.
    fn set_bits(&self, words: &[Words], bits: &mut [u64]) {
        for w in words {
            for &e in self.postings_of(w) {
                bits[e as usize / 64] |= 1 << (e % 64);
            }
        }
    }
}

/// A run of word numbers of the sorted vocabulary.
type Words = std::ops::Range<usize>;

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
pub mod spelling;
#[cfg(test)]
mod tests;
