//! Searches that find exactly what the glossary's leftmost-longest Aho-Corasick automata find,
//! without walking an automaton over every byte (it cost ~20 instructions a byte, most of the
//! `glossary` rule's time).
//!
//! Both repeat the automaton's rule: from the search position, the leftmost place where some
//! pattern occurs, the longest pattern there, then on from its end. They only look at fewer
//! places, and there compare four bytes before the whole pattern:
//!
//! - Chinese renderings (`Starts`): only where a byte that begins some pattern occurs (for Han
//!   renderings a lead byte `E4..=E9`, found 16 bytes at a time), and only where the next two
//!   bytes are those of some pattern (a bit table; for Han, nearly the first character).
//! - English terms (`Words`): only at word starts (a word byte after a non-word byte or the
//!   text's start), which is where `find_en` accepts a match. The automaton also takes matches
//!   inside words and throws them away afterwards, but one of those can still hide a match at a
//!   later word start: the pattern `value function` occurs in `xvalue function` and covers the
//!   word start of `function`. So every pattern occurrence that starts inside a word and
//!   covers a word start of the text (found from that word start: the "inner starts" of each
//!   pattern, after a space in it, are in the bit table too) sends the text back to the
//!   automaton. Otherwise the automaton's matches that start inside words cover no word start,
//!   so they change nothing at word starts, and the accepted matches are the same.
//!
//! Used only when their conditions hold (`Words::new`, `Starts::new` say which); otherwise
//! the automata answer. Tested equal to them on every Debian Reference cell, the interview and
//! generated text.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Which patterns begin with each two-byte key (`b0 << 8 | b1`): a bit per key (8 KiB, read
/// at every candidate place), then the key's bucket.
struct Table<T> {
    bits: Vec<u64>,
    /// Key -> 1 + index in `buckets`, 0 for none.
    slot: Vec<u16>,
    /// Ranges of `entries`.
    buckets: Vec<(u32, u32)>,
    /// By key, longest first within a key.
    entries: Vec<Entry<T>>,
}

struct Entry<T> {
    pattern: Vec<u8>,
    /// Up to four bytes of `pattern` and the mask of those bytes (`first4`, `before`): a
    /// one-word test that rejects nearly every place before the whole compare.
    head: u32,
    mask: u32,
    payload: T,
}

/// Up to four bytes of `b` from `s`, little-endian, ASCII-lowercased when `fold` (missing
/// bytes read 0: a pattern that fits has no byte there).
#[inline(always)]
fn head(b: &[u8], s: usize, fold: bool) -> u32 {
    let h = match b.get(s..s + 4) {
        Some(w) => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
        None => {
            let mut h = 0u32;
            for (k, &x) in b[s.min(b.len())..].iter().enumerate() {
                h |= u32::from(x) << (8 * k);
            }
            h
        }
    };
    if fold { lower4(h) } else { h }
}

/// The four bytes before `s` (the last one highest), ASCII-lowercased; missing ones read 0.
#[inline(always)]
fn tail(b: &[u8], s: usize) -> u32 {
    if s >= 4 {
        return lower4(u32::from_le_bytes([b[s - 4], b[s - 3], b[s - 2], b[s - 1]]));
    }
    let mut h = 0u32;
    for &x in &b[..s] {
        h = (h >> 8) | u32::from(x) << 24;
    }
    lower4(h)
}

/// `to_ascii_lowercase` of each of four bytes: `A..=Z` get 0x20, nothing else changes. On the
/// low seven bits (no carry between bytes) a byte is in `0x41..=0x5A` when adding 0x3F sets
/// its top bit and adding 0x25 does not; bytes with their own top bit set are left alone.
#[inline(always)]
fn lower4(x: u32) -> u32 {
    let low = x & 0x7F7F_7F7F;
    let upper = (low.wrapping_add(0x3F3F_3F3F) & !low.wrapping_add(0x2525_2525)) & !x & 0x8080_8080;
    x | (upper >> 2)
}

impl<T> Table<T> {
    /// `None` over 65,535 keys (not in 16 bits of bucket numbers).
    /// Items are (key, pattern, payload, head, mask).
    fn new(mut items: Vec<(u16, Vec<u8>, T, u32, u32)>) -> Option<Table<T>> {
        items.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.len().cmp(&a.1.len())));
        let mut t = Table {
            bits: vec![0; 1 << 10],
            slot: vec![0; 1 << 16],
            buckets: Vec::new(),
            entries: Vec::with_capacity(items.len()),
        };
        for (k, p, x, head, mask) in items {
            let n = t.entries.len() as u32;
            if t.slot[usize::from(k)] == 0 {
                t.buckets.push((n, n));
                t.slot[usize::from(k)] = u16::try_from(t.buckets.len()).ok()?;
                t.bits[usize::from(k >> 6)] |= 1 << (k & 63);
            }
            t.buckets.last_mut().expect("pushed").1 = n + 1;
            t.entries.push(Entry {
                head,
                mask,
                pattern: p,
                payload: x,
            });
        }
        Some(t)
    }

    #[inline(always)]
    fn has(&self, k: u16) -> bool {
        self.bits[usize::from(k >> 6)] & (1 << (k & 63)) != 0
    }

    /// The entries with key `k`, longest pattern first (`has(k)` is true).
    #[inline(always)]
    fn get(&self, k: u16) -> &[Entry<T>] {
        let (a, b) = self.buckets[usize::from(self.slot[usize::from(k)]) - 1];
        &self.entries[a as usize..b as usize]
    }
}

/// The first (up to) four bytes of `p`, as `head` reads them, and their mask.
fn first4(p: &[u8]) -> (u32, u32) {
    let n = p.len().min(4);
    (head(&p[..n], 0, false), (u64::MAX >> (64 - 8 * n)) as u32)
}

/// The (up to) four bytes of `p` before offset `o` (≥ 1), as `tail` reads them, and their
/// mask.
fn before(p: &[u8], o: usize) -> (u32, u32) {
    let n = o.min(4);
    (
        tail(p, o) >> (8 * (4 - n)) << (8 * (4 - n)),
        u32::MAX << (8 * (4 - n)),
    )
}

#[inline(always)]
fn key(a: u8, b: u8) -> u16 {
    u16::from(a) << 8 | u16::from(b)
}

/// `find_en`'s word byte.
#[inline(always)]
pub fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where a match may start for `find_en` to keep it: the text's start, or after a non-word
/// byte that is not a hyphen joined to a word (`re-learning` is one word).
#[inline(always)]
pub fn boundary(b: &[u8], s: usize) -> bool {
    s == 0 || !(word(b[s - 1]) || (b[s - 1] == b'-' && s > 1 && word(b[s - 2])))
}

/// English terms searched at word starts (see the module docs).
pub struct Words {
    /// By the ASCII-lowercased first two bytes: (lowercased pattern, pattern index).
    pats: Table<usize>,
    /// By the key of an inner start: (lowercased pattern, offset of the inner start), the
    /// word start at that offset of an occurrence of the pattern.
    inner: Table<usize>,
}

impl Words {
    /// `None` unless every pattern is ASCII, at least two bytes long and starts with a word
    /// byte, and every inner start has a second byte in the pattern (so that the key of each
    /// word start decides).
    pub fn new(patterns: &[String]) -> Option<Words> {
        let mut pats = Vec::new();
        let mut inner = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let p = p.to_ascii_lowercase().into_bytes();
            if !p.is_ascii() || p.len() < 2 || !word(p[0]) {
                return None;
            }
            let (h, m) = first4(&p);
            pats.push((key(p[0], p[1]), p.clone(), i, h, m));
            // An inner start: a word byte at a boundary inside the pattern (after its first
            // byte, a word byte, so never at offset 1).
            for o in 2..p.len() {
                if word(p[o]) && boundary(&p, o) {
                    let (h, m) = before(&p, o);
                    inner.push((key(p[o], *p.get(o + 1)?), p.clone(), o, h, m));
                }
            }
        }
        Some(Words {
            pats: Table::new(pats)?,
            inner: Table::new(inner)?,
        })
    }

    /// The automaton's matches at word starts, as (pattern, start, end); `None` when an
    /// occurrence starting inside a word covers a word start (then the automaton decides).
    /// Matches are not checked against the boundaries beyond their start: `find_en` does that.
    pub fn find(&self, text: &[u8], mut take: impl FnMut(usize, usize, usize)) -> Option<()> {
        let mut pos = 0;
        let mut inside = false;
        for s in WordStarts::new(text) {
            if s + 1 >= text.len() {
                continue;
            }
            // Lowercased, as the patterns are.
            let k = key(
                text[s].to_ascii_lowercase(),
                text[s + 1].to_ascii_lowercase(),
            );
            if self.inner.has(k) {
                for e in self.inner.get(k) {
                    let (p, o) = (&e.pattern, e.payload);
                    let s0 = s.wrapping_sub(o);
                    if s >= o
                        && tail(text, s) & e.mask == e.head
                        && !boundary(text, s0)
                        && text
                            .get(s0..s0 + p.len())
                            .is_some_and(|t| t.eq_ignore_ascii_case(p))
                    {
                        inside = true;
                    }
                }
            }
            if s < pos || !self.pats.has(k) {
                continue;
            }
            let h = head(text, s, true);
            for e in self.pats.get(k) {
                let p = &e.pattern;
                if h & e.mask == e.head
                    && text
                        .get(s..s + p.len())
                        .is_some_and(|t| t.eq_ignore_ascii_case(p))
                {
                    take(e.payload, s, s + p.len());
                    pos = s + p.len();
                    break;
                }
            }
        }
        (!inside).then_some(())
    }
}

/// The word starts of a text (a word byte at a `boundary`), ascending; 16 bytes at a time.
struct WordStarts<'a> {
    b: &'a [u8],
    /// Start of the next block.
    i: usize,
    /// Word starts of the last block (bit k: byte `i - 16 + k`) not yet returned.
    starts: u32,
    /// 1 when the last byte of the last block is a word byte.
    prev: u32,
}

impl WordStarts<'_> {
    fn new(b: &[u8]) -> WordStarts<'_> {
        WordStarts {
            b,
            i: 0,
            starts: 0,
            prev: 0,
        }
    }
}

impl Iterator for WordStarts<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        let b = self.b;
        loop {
            while self.starts != 0 {
                let s = self.i - 16 + self.starts.trailing_zeros() as usize;
                self.starts &= self.starts - 1;
                // The byte before is not a word byte (the mask): only a joining hyphen is
                // left to rule out.
                if !(s > 1 && b[s - 1] == b'-' && word(b[s - 2])) {
                    return Some(s);
                }
            }
            if self.i + 16 > b.len() {
                break;
            }
            // SAFETY: `i + 16 <= b.len()`: 16 readable bytes (an unaligned load); SSE2 is part
            // of the x86-64 baseline.
            #[cfg(target_arch = "x86_64")]
            let w = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(self.i) as *const __m128i);
                let m = _mm_or_si128(
                    crate::text::simd::ascii_alnum(v),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8)),
                );
                _mm_movemask_epi8(m) as u32
            };
            #[cfg(not(target_arch = "x86_64"))]
            let w = crate::text::mask16(&b[self.i..], |c| c.is_ascii_alphanumeric() || c == b'_');
            self.starts = w & !((w << 1) | self.prev);
            self.prev = w >> 15;
            self.i += 16;
        }
        // The tail, byte by byte (`i` past the end once done).
        while self.i < b.len() {
            let s = self.i;
            self.i += 1;
            if word(b[s]) && boundary(b, s) {
                return Some(s);
            }
        }
        None
    }
}

/// Chinese renderings searched where a pattern's first byte occurs (see the module docs).
pub struct Starts {
    /// First bytes of the patterns span `lo..lo + n`.
    lo: u8,
    n: u8,
    /// By the second and third bytes (the first is one of few lead bytes in Han text):
    /// (pattern, pattern index).
    pats: Table<usize>,
}

impl Starts {
    /// `None` when a pattern is shorter than three bytes, or the first bytes span all 256.
    pub fn new(patterns: &[String]) -> Option<Starts> {
        let mut pats = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let p = p.as_bytes();
            if p.len() < 3 {
                return None;
            }
            let (h, m) = first4(p);
            pats.push((key(p[1], p[2]), p.to_vec(), i, h, m));
        }
        let lo = pats.iter().map(|p| p.1[0]).min()?;
        let hi = pats.iter().map(|p| p.1[0]).max()?;
        // UTF-8 never begins with 0x80..=0xBF or 0xF5..: `in_range` takes at most 255 bytes.
        let n = u8::try_from(u16::from(hi - lo) + 1).ok()?;
        Some(Starts {
            lo,
            n,
            pats: Table::new(pats)?,
        })
    }

    /// The automaton's matches as (pattern, start, end), in order.
    pub fn find(&self, text: &[u8], mut take: impl FnMut(usize, usize, usize)) {
        let mut pos = 0;
        let (lo, n) = (self.lo, self.n);
        let mut i = 0;
        let mut m = 0u32; // candidates of the block before `i`, bit k: byte `i - 16 + k`
        loop {
            let s = if m != 0 {
                let s = i - 16 + m.trailing_zeros() as usize;
                m &= m - 1;
                s
            } else if i + 16 <= text.len() {
                // SAFETY: as in `WordStarts::next`.
                #[cfg(target_arch = "x86_64")]
                {
                    m = unsafe {
                        let v = _mm_loadu_si128(text.as_ptr().add(i) as *const __m128i);
                        _mm_movemask_epi8(crate::text::simd::in_range(v, lo, n)) as u32
                    };
                }
                #[cfg(not(target_arch = "x86_64"))]
                {
                    m = crate::text::mask16(&text[i..], |c| c.wrapping_sub(lo) < n);
                }
                i += 16;
                continue;
            } else if i < text.len() {
                i += 1;
                if text[i - 1].wrapping_sub(lo) >= n {
                    continue;
                }
                // The tail, byte by byte (`m` stays 0).
                i - 1
            } else {
                break;
            };
            if s < pos || s + 2 >= text.len() {
                continue;
            }
            let k = key(text[s + 1], text[s + 2]);
            if !self.pats.has(k) {
                continue;
            }
            let h = head(text, s, false);
            for e in self.pats.get(k) {
                let p = &e.pattern;
                if h & e.mask == e.head && text.get(s..s + p.len()) == Some(p.as_slice()) {
                    take(e.payload, s, s + p.len());
                    pos = s + p.len();
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte in every lane, and the windows against byte-by-byte definitions.
    #[test]
    fn four_byte_words_are_the_bytes() {
        for x in 0..=255u8 {
            for lane in 0..4 {
                for other in [0u8, b'A', b'z', 0xC1, 0xFF] {
                    let mut w = [other; 4];
                    w[lane] = x;
                    let want = u32::from_le_bytes(w.map(|b| b.to_ascii_lowercase()));
                    assert_eq!(lower4(u32::from_le_bytes(w)), want, "{w:?}");
                }
            }
        }
        let b = b"Ab-Cd E\xC3\xA9F";
        let le = |v: &[u8]| v.iter().rev().fold(0u32, |h, &x| h << 8 | u32::from(x));
        for s in 0..=b.len() {
            let fold = |v: &[u8]| v.iter().map(u8::to_ascii_lowercase).collect::<Vec<u8>>();
            let ahead = &b[s..(s + 4).min(b.len())];
            assert_eq!(head(b, s, false), le(ahead));
            assert_eq!(head(b, s, true), le(&fold(ahead)));
            let back = &b[s.saturating_sub(4)..s];
            assert_eq!(
                tail(b, s),
                le(&fold(back)) << (8 * (4 - back.len()) % 32),
                "{s}"
            );
        }
    }
}
