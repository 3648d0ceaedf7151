//! Building a [`CodeList`]: from owned codes, or from the shipped list's
//! text, which the index then keeps as its own.
//!
//! What a terminal's peak memory pays for while it builds is held down:
//! the text is kept as read, not copied; an entry is one 12-byte slot,
//! sorted in place; the postings are counted in a first pass over the
//! descriptions and written in a second, so no list of every word of every
//! description is ever held; each distinct word is named once.

use super::spelling::american_into;
use super::{
    CODE_MAX, CodeList, DESCRIPTION_MAX, NewCode, Slot, at, fold_into, is_tidy, key_chars,
    split_words,
};

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
        let mut slots = Vec::with_capacity(codes.len());
        for c in codes {
            if c.code.len() > usize::from(u8::MAX) || c.description.len() > usize::from(u16::MAX) {
                continue;
            }
            let code_at = at(text.len());
            text.push_str(&c.code);
            let description_at = at(text.len());
            text.push_str(&c.description);
            slots.push(Slot {
                code_at,
                description_at,
                description_len: c.description.len() as u16,
                code_len: c.code.len() as u8,
                billable: c.billable,
            });
        }
        Self::index(system, text, slots)
    }

    /// Reads and indexes the shipped list's text (see
    /// `assets/tools/icd10cm_extract.py`): `#` header lines, then
    /// `CODE<TAB>0|1<TAB>DESCRIPTION` per line, codes and descriptions
    /// already normalized. The text is kept as the index's own. Returns the
    /// first header line and the list, or the first line that does not fit.
    pub fn from_tsv(system: &str, text: String) -> Result<(String, CodeList), String> {
        let (header, slots) = parse_tsv(&text)?;
        Ok((header, Self::index(system, text, slots)))
    }

    /// Indexes the entries of `text` that `slots` point at, in the order
    /// given (which decides the repeated codes left out).
    fn index(system: &str, text: String, mut slots: Vec<Slot>) -> CodeList {
        let code =
            |s: &Slot| &text[s.code_at as usize..s.code_at as usize + usize::from(s.code_len)];
        // Key order, keeping the first of each key (a stable sort).
        slots.retain(|s| key_chars(code(s)).next().is_some());
        slots.sort_by(|a, b| key_chars(code(a)).cmp(key_chars(code(b))));
        slots.dedup_by(|later, first| key_chars(code(later)).eq(key_chars(code(first))));
        let rank = rank_order(&slots, |s| key_chars(code(s)).count());
        let mut by_key = vec![0u32; slots.len()];
        for (e, &p) in rank.iter().enumerate() {
            by_key[p as usize] = at(e);
        }
        permute(&mut slots, rank);

        // First pass: name the words and count the entries holding each.
        let mut names = Names::default();
        let mut mine = Vec::new();
        let mut scratch = Scratch::default();
        for s in &slots {
            names.words_of(description(&text, s), &mut scratch, &mut mine);
            for &w in &mine {
                names.count[w as usize] += 1;
            }
        }

        // Number the words in sorted order.
        let mut sorted: Vec<u32> = (0..at(names.len())).collect();
        sorted.sort_unstable_by(|&a, &b| names.word(a).cmp(names.word(b)));
        let mut renumber = vec![0u32; sorted.len()];
        let mut vocabulary = String::with_capacity(names.text.len());
        let mut word_at = Vec::with_capacity(sorted.len() + 1);
        let mut posting_at = Vec::with_capacity(sorted.len() + 1);
        posting_at.push(0u32);
        for (n, &old) in sorted.iter().enumerate() {
            renumber[old as usize] = at(n);
            word_at.push(at(vocabulary.len()));
            vocabulary.push_str(names.word(old));
            let end = posting_at[n] + names.count[old as usize];
            posting_at.push(end);
        }
        word_at.push(at(vocabulary.len()));
        drop(sorted);

        // Second pass: each word's entries, ascending since entries are
        // visited in order.
        let mut postings = vec![0u32; posting_at.last().map_or(0, |&n| n as usize)];
        let mut fill = posting_at.clone();
        for (e, s) in slots.iter().enumerate() {
            names.words_of(description(&text, s), &mut scratch, &mut mine);
            for &w in &mine {
                let w = renumber[w as usize] as usize;
                postings[fill[w] as usize] = at(e);
                fill[w] += 1;
            }
        }
        drop(names);

        CodeList {
            system: system.to_string(),
            text,
            slots,
            by_key,
            vocabulary,
            word_at,
            postings,
            posting_at,
        }
    }
}

fn description<'a>(text: &'a str, s: &Slot) -> &'a str {
    let from = s.description_at as usize;
    &text[from..from + usize::from(s.description_len)]
}

/// The slots' positions in rank order: billable first, then shorter keys,
/// equal ranks in the order given (a counting sort: there are few ranks).
fn rank_order(slots: &[Slot], key_len: impl Fn(&Slot) -> usize) -> Vec<u32> {
    const LENGTHS: usize = CODE_MAX + 1;
    let bucket = |s: &Slot| usize::from(!s.billable) * LENGTHS + key_len(s).min(CODE_MAX);
    let mut start = [0u32; 2 * LENGTHS + 1];
    for s in slots {
        start[bucket(s) + 1] += 1;
    }
    for b in 0..2 * LENGTHS {
        start[b + 1] += start[b];
    }
    let mut rank = vec![0u32; slots.len()];
    for (p, s) in slots.iter().enumerate() {
        let b = bucket(s);
        rank[start[b] as usize] = at(p);
        start[b] += 1;
    }
    rank
}

/// Puts `slots[rank[e]]` at `e` for every `e`, in place (following each
/// cycle of the permutation, marking `rank` as it goes).
fn permute(slots: &mut [Slot], mut rank: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..rank.len() {
        if rank[start] == DONE {
            continue;
        }
        let first = slots[start];
        let mut e = start;
        loop {
            let p = rank[e] as usize;
            rank[e] = DONE;
            if p == start {
                slots[e] = first;
                break;
            }
            slots[e] = slots[p];
            e = p;
        }
    }
}

const NONE: u32 = u32::MAX;

/// The distinct words of the descriptions, each numbered once, in order of
/// first sight: their text in one string, found through an open-addressing
/// table of their numbers (no string of its own per word).
#[derive(Default)]
struct Names {
    /// Word `n` is `text[at[n]..at[n + 1]]`.
    text: String,
    at: Vec<u32>,
    /// The number of each word's American spelling, or [`NONE`] when the
    /// word is spelt the American way.
    alias: Vec<u32>,
    /// How many entries hold each word.
    count: Vec<u32>,
    /// Word numbers or [`NONE`], by hash; a power of two long, at most
    /// half full.
    table: Vec<u32>,
}

/// Buffers reused from one description to the next.
#[derive(Default)]
struct Scratch {
    folded: String,
    spelled: String,
}

impl Names {
    fn len(&self) -> usize {
        self.count.len()
    }

    fn word(&self, n: u32) -> &str {
        let from = self.at[n as usize] as usize;
        let to = self
            .at
            .get(n as usize + 1)
            .map_or(self.text.len(), |&to| to as usize);
        &self.text[from..to]
    }

    /// The numbers of the words of `description` and of their American
    /// spellings, ascending and each once, into `mine`; new words are named.
    fn words_of(&mut self, description: &str, scratch: &mut Scratch, mine: &mut Vec<u32>) {
        mine.clear();
        fold_into(description, &mut scratch.folded);
        for w in split_words(&scratch.folded) {
            let n = self.name(w, &mut scratch.spelled);
            mine.push(n);
            let alias = self.alias[n as usize];
            if alias != NONE {
                mine.push(alias);
            }
        }
        mine.sort_unstable();
        mine.dedup();
    }

    /// The number of `word`, named now if new, with its American spelling.
    fn name(&mut self, word: &str, spelled: &mut String) -> u32 {
        let (slot, found) = self.find(word);
        if found != NONE {
            return found;
        }
        let n = self.add(slot, word);
        // American spelling folds to itself: the alias has none of its own.
        if american_into(word, spelled) {
            let (slot, found) = self.find(spelled);
            self.alias[n as usize] = if found != NONE {
                found
            } else {
                self.add(slot, spelled)
            };
        }
        n
    }

    /// Where `word` is in the table, or the empty place where it would go,
    /// and its number or [`NONE`].
    fn find(&mut self, word: &str) -> (usize, u32) {
        if self.table.len() < 2 * (self.len() + 1) {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut i = hash(word) & mask;
        loop {
            let n = self.table[i];
            if n == NONE || self.word(n) == word {
                return (i, n);
            }
            i = (i + 1) & mask;
        }
    }

    fn add(&mut self, slot: usize, word: &str) -> u32 {
        let n = at(self.len());
        self.at.push(at(self.text.len()));
        self.text.push_str(word);
        self.alias.push(NONE);
        self.count.push(0);
        self.table[slot] = n;
        n
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(1024);
        self.table = vec![NONE; size];
        for n in 0..at(self.len()) {
            let mut i = hash(self.word(n)) & (size - 1);
            while self.table[i] != NONE {
                i = (i + 1) & (size - 1);
            }
            self.table[i] = n;
        }
    }
}

/// A multiply-rotate hash taking eight bytes at a time (as rustc's
/// FxHash): the vocabulary's short words hash several times faster than
/// with the standard library's SipHash, which guards against hostile keys
/// that a code list does not hold. The high half is the well-mixed one.
fn hash(word: &str) -> usize {
    let mut h = 0u64;
    for chunk in word.as_bytes().chunks(8) {
        let mut eight = [0u8; 8];
        eight[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(eight)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    (h >> 32) as usize
}

/// The lines of the shipped list's text as slots of it, each checked (see
/// [`CodeList::from_tsv`]), and its first header line.
fn parse_tsv(text: &str) -> Result<(String, Vec<Slot>), String> {
    let mut header = String::new();
    // One allocation of the right size, not a vector doubling through the
    // sizes below it.
    let mut slots = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
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
        slots.push(Slot {
            code_at,
            description_at,
            description_len: description.len().min(usize::from(u16::MAX)) as u16,
            code_len: code.len() as u8,
            billable,
        });
    }
    Ok((header, slots))
}
