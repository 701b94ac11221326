//! Byte-level helpers of the `untranslated` scans: skipping runs of CJK ideographs 16 bytes
//! at a time, classing the characters `lowercase_words_up_to` looks at, and building the
//! messages without the formatting machinery (the rule fires on a third of Debian pairs).

/// Whether the character at byte `i` (a character boundary) is in U+4E00..=U+9FFF: lead byte
/// E5..=E9, or E4 then B8.. .
#[inline(always)]
pub(super) fn is_cjk_lead(b: &[u8], i: usize) -> bool {
    let x = b[i];
    (0xE5..=0xE9).contains(&x) || (x == 0xE4 && b[i + 1] >= 0xB8)
}

/// The first character boundary at or after `i` (a character boundary) whose character is
/// not in U+4E00..=U+9FFF (`b.len()` if none): the end of a run of ideographs, most of a
/// Chinese text. `b` is valid UTF-8.
///
/// 16 bytes at a time (SSE2): when every byte of a block is a CJK lead byte or a continuation
/// byte, every character starting in the block is an ideograph (a lead byte E4..=E9 is always
/// followed by its two continuation bytes, and `i` is a boundary, so no continuation byte of
/// the block belongs to a character started before it); else the first other byte is the
/// first character that is not (it is ASCII or a lead byte, so a boundary, and every lead
/// before it was checked).
#[inline]
pub(super) fn skip_cjk(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::simd::in_range;
        use std::arch::x86_64::*;
        // `i + 17`: the lane of an E4 looks at the byte after it.
        while i + 17 <= b.len() {
            // SAFETY: SSE2 is part of x86-64; b[i..i + 17] is in bounds (unaligned loads).
            let (m, cont) = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                let next = _mm_loadu_si128(b.as_ptr().add(i + 1) as *const __m128i);
                let e4 = _mm_and_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(0xE4u8 as i8)),
                    in_range(next, 0xB8, 8),
                );
                let cont = in_range(v, 0x80, 0x40);
                let ok = _mm_or_si128(_mm_or_si128(in_range(v, 0xE5, 5), e4), cont);
                (_mm_movemask_epi8(ok) as u32, _mm_movemask_epi8(cont) as u32)
            };
            if m != 0xFFFF {
                return i + (!m).trailing_zeros() as usize;
            }
            // Past the block's last ideograph: its lead byte is the last lane that is not a
            // continuation byte (lane 0 is a lead: `i` is a boundary), and it has three bytes.
            i += (31 - (!cont & 0xFFFF).leading_zeros()) as usize + 3;
        }
    }
    while i < b.len() && is_cjk_lead(b, i) {
        i += 3;
    }
    i
}

/// Whether the byte `x` splits the stretches of `may_hold_words`: the lead byte E5..=E9 of a
/// character in U+5000..=U+9FFF, all Han (`is_han`), so separators of `for_each_zh_chunk`.
/// (Other separators, E4 ideographs and CJK or ASCII punctuation, are left out: a longer
/// stretch only counts more.)
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn splits_stretch(x: u8) -> bool {
    (0xE5..=0xE9).contains(&x)
}

/// Whether the byte `x` may be (the first byte of) a whitespace character: ASCII whitespace
/// (that of `char::is_whitespace`) is among the bytes up to 0x20, and the lead bytes of
/// non-ASCII whitespace (C2, E1, E2, E3: see `may_be_space`) among C2..=E3. Every such byte
/// counts (control characters, other characters with those leads): more than are
/// whitespace, never fewer.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn may_open_space(x: u8) -> bool {
    x <= 0x20 || (0xC2..=0xE3).contains(&x)
}

/// False when no stretch of `b` between two `splits_stretch` bytes holds `min_spaces` bytes
/// that `may_open_space` (a count of the whitespace characters it may hold, never less). A
/// chunk of `for_each_zh_chunk` lies inside one such stretch (its separators include every
/// `splits_stretch` character), and a chunk of `n` words has at least `n - 1` whitespace
/// characters: false means no chunk of `b` has `min_spaces + 1` words. Most Chinese texts
/// are ruled out here, in one pass 16 bytes at a time (SSE2), instead of the chunk walk.
pub(super) fn may_hold_words(b: &[u8], min_spaces: usize) -> bool {
    if min_spaces == 0 {
        return true;
    }
    #[cfg(target_arch = "x86_64")]
    {
        use crate::text::simd::in_range;
        use std::arch::x86_64::*;
        // Candidate whitespace since the last split.
        let mut run = 0usize;
        let mut i = 0;
        // The masks of 16 bytes: split bytes, candidate spaces (the classes of the byte loop
        // below: bytes up to 0x20 are those whose minimum with 0x20 is themselves).
        let masks = |p: *const u8| {
            // SAFETY: SSE2 is part of x86-64; the caller passes 16 readable bytes.
            unsafe {
                let v = _mm_loadu_si128(p as *const __m128i);
                let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v);
                (
                    _mm_movemask_epi8(in_range(v, 0xE5, 5)) as u32,
                    _mm_movemask_epi8(_mm_or_si128(low, in_range(v, 0xC2, 0x22))) as u32,
                )
            }
        };
        loop {
            let (split, space) = if i + 16 <= b.len() {
                masks(b[i..].as_ptr())
            } else if i < b.len() {
                // The last bytes, padded with a byte of neither class.
                let mut buf = [b'A'; 16];
                buf[..b.len() - i].copy_from_slice(&b[i..]);
                masks(buf.as_ptr())
            } else {
                return false;
            };
            i += 16;
            // Space by space, in order, the count starting again after each split (no
            // popcount: not in the x86-64 baseline, and a block has few spaces).
            let (mut w, mut passed) = (space, 0u32);
            while w != 0 {
                let bit = w & w.wrapping_neg();
                if split & (bit - 1) & !passed != 0 {
                    run = 0;
                }
                run += 1;
                if run >= min_spaces {
                    return true;
                }
                passed = (bit << 1).wrapping_sub(1);
                w &= w - 1;
            }
            if split & !passed != 0 {
                run = 0;
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    may_hold_words_from(b, 0, 0, min_spaces)
}

/// `may_hold_words` byte by byte from `i`, `run` candidates already seen since the last split:
/// the form for other targets, and the tests' reference.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) fn may_hold_words_from(
    b: &[u8],
    mut i: usize,
    mut run: usize,
    min_spaces: usize,
) -> bool {
    while i < b.len() {
        if splits_stretch(b[i]) {
            run = 0;
        } else if may_open_space(b[i]) {
            run += 1;
            if run >= min_spaces {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Whether `x` is a byte of a word of `latin_runs`: an ASCII letter or digit, or one of
/// `- ' + # _ . /`.
#[inline(always)]
pub(super) fn is_run_byte(x: u8) -> bool {
    x.is_ascii_alphanumeric() || matches!(x, b'-' | b'\'' | b'+' | b'#' | b'_' | b'.' | b'/')
}

/// The lanes of the 16 bytes at `p` holding an `is_run_byte`, as a bit mask.
///
/// # Safety
/// `p` must point to 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn run_byte_lanes(p: *const u8) -> u32 {
    use crate::text::simd::{ascii_alnum, in_range};
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller passes 16 readable bytes.
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        // `- . /` are 0x2D..=0x2F.
        let punct = _mm_or_si128(
            _mm_or_si128(in_range(v, b'-', 3), eq(b'\'')),
            _mm_or_si128(_mm_or_si128(eq(b'+'), eq(b'#')), eq(b'_')),
        );
        _mm_movemask_epi8(_mm_or_si128(ascii_alnum(v), punct)) as u32
    }
}

/// The first index at or after `j` whose byte is not `is_run_byte` (`b.len()` if none): the
/// end of the ASCII part of a word of a Latin run, 16 bytes at a time (SSE2).
#[inline]
pub(super) fn run_bytes_end(b: &[u8], mut j: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        // The bytes that are not run bytes. SAFETY: SSE2 is part of x86-64; `first_marked`
        // passes k with b[k..k + 16] in bounds (an unaligned load).
        let others = |k: usize| !unsafe { run_byte_lanes(b.as_ptr().add(k)) } & 0xFFFF;
        match crate::text::simd::first_marked(b, j, others) {
            Ok(found) => return found.unwrap_or(b.len()),
            Err(rest) => j = rest,
        }
    }
    while j < b.len() && is_run_byte(b[j]) {
        j += 1;
    }
    j
}

/// Whether the byte `x` may start a character that changes a word of `is_code_like` once it
/// has both letter bits: an ASCII byte (whitespace, or a special character, dot or digit), or
/// the lead byte of a character that may be whitespace (C2, E1, E2, E3: see `may_be_space`).
#[inline(always)]
pub(super) fn is_word_stop(x: u8) -> bool {
    x < 0x80 || matches!(x, 0xC2 | 0xE1..=0xE3)
}

/// The lanes of the 16 bytes at `p` holding an `is_word_stop` byte, as a bit mask.
///
/// # Safety
/// `p` must point to 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn word_stop_lanes(p: *const u8) -> u32 {
    use crate::text::simd::in_range;
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller passes 16 readable bytes.
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let lead = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0xC2u8 as i8)),
            in_range(v, 0xE1, 3),
        );
        // The high bit of a byte is clear for ASCII bytes.
        (!_mm_movemask_epi8(v) | _mm_movemask_epi8(lead)) as u32 & 0xFFFF
    }
}

/// The first index at or after `i` whose byte `is_word_stop` (`b.len()` if none), 16 bytes
/// at a time (SSE2). A stop byte is ASCII or a lead byte, so a character boundary: inside a
/// Chinese word of `is_code_like` (ideographs and CJK punctuation, most of a Chinese text)
/// the characters before it add nothing, and are stepped over undecoded.
#[inline]
pub(super) fn next_word_stop(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `first_marked` passes k with b[k..k + 16] in bounds (an unaligned load).
        let stops = |k: usize| unsafe { word_stop_lanes(b.as_ptr().add(k)) };
        match crate::text::simd::first_marked(b, i, stops) {
            Ok(found) => return found.unwrap_or(b.len()),
            Err(rest) => i = rest,
        }
    }
    while i < b.len() && !is_word_stop(b[i]) {
        i += 1;
    }
    i
}

/// Byte length of the UTF-8 character whose lead byte is `x` (a lead byte, not a
/// continuation byte).
#[inline(always)]
pub(super) fn utf8_len(x: u8) -> usize {
    match x {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// False when the character at byte `i` (a boundary, non-ASCII) is surely not whitespace:
/// the non-ASCII whitespace of `char::is_whitespace` is U+0085, U+00A0 (lead C2), U+1680
/// (E1), U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F (E2) and U+3000 (E3 80 80).
#[inline(always)]
pub(super) fn may_be_space(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xC2 | 0xE1 | 0xE2 => true,
        0xE3 => b[i + 1] == 0x80 && b[i + 2] == 0x80,
        _ => false,
    }
}

/// `c.is_alphanumeric()`, with the CJK Unified Ideographs (alphabetic) and the CJK and
/// general punctuation of Chinese text (neither alphabetic nor numeric) answered without
/// the Unicode tables; checked on every char in the tests.
#[inline]
pub(super) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    if matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3011}'
        | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
    {
        return false;
    }
    c.is_alphanumeric()
}

/// The glossary matches (`Glossary::find_en`) of each distinct Latin run: `index` gives, by
/// the run's text, the position of its matches in `found` (an index rather than the vector,
/// so a run seen before costs one lookup, and a new one is inserted without a second).
#[derive(Default)]
pub(super) struct RunMatches {
    index: std::collections::HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>,
    found: Vec<Vec<crate::glossary::TermMatch>>,
    /// The words of each run (`super::run_words`), which depend on its text and matches
    /// alone: classed once per distinct run rather than at each of its occurrences.
    words: Vec<Vec<super::RunWord>>,
}

impl RunMatches {
    /// `g.find_en(run)` and `super::run_words` of the run and its matches, computed once per
    /// distinct run.
    pub(super) fn get(
        &mut self,
        g: &crate::glossary::Glossary,
        run: &str,
    ) -> (&[crate::glossary::TermMatch], &[super::RunWord]) {
        let i = match self.index.get(run) {
            Some(&i) => i,
            None => {
                let found = g.find_en(run);
                self.words.push(super::run_words(run, &found));
                self.found.push(found);
                self.index.insert(run.to_string(), self.found.len() - 1);
                self.found.len() - 1
            }
        };
        (&self.found[i], &self.words[i])
    }

    fn len(&self) -> usize {
        self.found.len()
    }

    fn clear(&mut self) {
        self.index.clear();
        self.found.clear();
        self.words.clear();
    }
}

/// [`RunMatches`] for the glossary whose terms are `terms`: `find_en` depends only on the
/// terms (every other field of a `Glossary` is built from them) and on the text.
#[derive(Default)]
pub(super) struct RunCache {
    terms: Vec<crate::glossary::Term>,
    pub(super) matches: RunMatches,
}

/// Runs kept at most: past this the cache is emptied at the next document (Debian 100k has
/// about 2,600 distinct). It bounds the memory the cache keeps across a stream (about 100
/// bytes a run, so under 1 MB a thread: the stream's peak RSS must stay flat) and the cost of
/// a run of FNV collisions in hostile input (lookups in a table of at most this many runs).
const RUN_CACHE_MAX: usize = 1 << 13;

thread_local! {
    /// One cache per thread, kept across the documents it audits: the stream cuts its input
    /// into chunks of 1,024 pairs, each a document, and they share most of their runs
    /// (Debian 20k: ~8,000 runs looked up chunk by chunk, ~2,600 distinct in all).
    static RUN_CACHE: std::cell::Cell<RunCache> = std::cell::Cell::new(RunCache::default());
}

/// Runs `f` with this thread's run cache for glossary `g` (emptied when `g` has other terms
/// than the glossary it was filled for). The cache is taken out of the thread-local while `f`
/// runs, so a nested call (none is expected) would start from an empty one: matches are the
/// same either way.
pub(super) fn with_run_cache<R>(
    g: &crate::glossary::Glossary,
    f: impl FnOnce(&mut RunMatches) -> R,
) -> R {
    let mut cache = RUN_CACHE.with(|c| c.take());
    if cache.terms != g.terms || cache.matches.len() > RUN_CACHE_MAX {
        cache.matches.clear();
        cache.terms.clone_from(&g.terms);
    }
    let r = f(&mut cache.matches);
    RUN_CACHE.with(|c| c.set(cache));
    r
}

/// FNV-1a: runs are a few bytes, for which SipHash (the default) costs more than the lookup
/// saves. The table it keys holds at most `RUN_CACHE_MAX` runs, which bounds what colliding
/// input could cost.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &x in bytes {
            h = (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The concatenation of `parts`, in one allocation of the exact size: the messages and
/// suggestions of the hits, which `format!` builds several times slower.
pub(super) fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Adds `s` to `seen` unless a term with the same lower case is there already (then false):
/// `BTreeSet<String>::insert(lowercase(s))` without a string per term. ASCII terms (almost
/// all: runs are ASCII but for `’`) are compared ignoring ASCII case, which is what their
/// lower cases compare.
pub(super) fn insert_lower<'a>(seen: &mut Vec<&'a str>, s: &'a str) -> bool {
    let ascii = s.is_ascii();
    let dup = seen.iter().any(|t| {
        if ascii && t.is_ascii() {
            t.eq_ignore_ascii_case(s)
        } else {
            lowercase(t) == lowercase(s)
        }
    });
    if !dup {
        seen.push(s);
    }
    !dup
}

/// `s.to_lowercase()`, by the ASCII mapping when `s` is ASCII (the same string).
pub(super) fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalar loop `skip_cjk` replaced: the reference.
    fn skip_cjk_by_chars(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && is_cjk_lead(b, i) {
            i += 3;
        }
        i
    }

    fn check(t: &str) {
        let b = t.as_bytes();
        for i in (0..=b.len()).filter(|&i| t.is_char_boundary(i)) {
            assert_eq!(skip_cjk(b, i), skip_cjk_by_chars(b, i), "{t:?} {i}");
        }
    }

    #[test]
    fn skip_cjk_agrees_with_the_char_loop() {
        // Runs of ideographs of every length around 16 bytes, ended by every kind of
        // character, in particular the neighbours of the range (U+4DFF, U+A000), other
        // E4..=E9 characters and four-byte ones.
        let ends = [
            "",
            "a",
            " ",
            "。",
            "\u{4DFF}",
            "\u{4DBF}",
            "\u{A000}",
            "\u{3400}",
            "𠀀",
            "é",
            "\u{E000}",
            "\u{4000}",
            "\u{9FFF}x",
        ];
        for n in 0..40 {
            let run: String = "中一\u{9FFF}\u{4E00}文".chars().cycle().take(n).collect();
            for e in ends {
                for lead in ["", "x", "中"] {
                    check(&format!("{lead}{run}{e}"));
                }
            }
        }
        let parts = [
            "中", "一", "\u{4E00}", "\u{9FFF}", "\u{4DFF}", "\u{A000}", "\u{4000}", "\u{E000}",
            "𠀀", "a", " ", "é", "。", "，", "\u{3000}",
        ];
        let mut rng = crate::test_support::XorShift::new(0x5C1B);
        for _ in 0..20_000 {
            let n = rng.index(40);
            let t: String = (0..n)
                .map(|_| {
                    // Mostly ideographs, as in Chinese text.
                    let k = rng.index(parts.len() * 2);
                    parts[if k < parts.len() { k } else { rng.index(4) }]
                })
                .collect();
            check(&t);
        }
        for c in crate::test_support::every_non_ascii_char().step_by(3) {
            check(&format!("中文中文中文{c}中文"));
            check(&format!("{c}中文中文中文中文中文中文中文"));
        }
        crate::test_support::each_debian_cell(check);
    }

    #[test]
    fn run_bytes_end_agrees_with_a_byte_search() {
        // Every byte value at every offset of blocks of word bytes longer than 16.
        let word = b"ab-c'd+e#f_g.h/i0j9kZ";
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for x in 0..=255u8 {
            for k in 0..=word.len() {
                let mut t = word[..k].to_vec();
                t.push(x);
                t.extend_from_slice(word);
                texts.push(t);
            }
        }
        let mut rng = crate::test_support::XorShift::new(0x2_0000_0005);
        for _ in 0..5_000 {
            let n = rng.index(50);
            texts.push(
                (0..n)
                    .map(|_| word[rng.index(word.len())].max(rng.index(3) as u8 * 0x7F))
                    .collect(),
            );
        }
        for t in &texts {
            for j in 0..=t.len() {
                let want = t[j..]
                    .iter()
                    .position(|&x| !is_run_byte(x))
                    .map_or(t.len(), |k| j + k);
                assert_eq!(run_bytes_end(t, j), want, "{t:?} {j}");
            }
        }
        for x in 0..=255u8 {
            let want = x.is_ascii_alphanumeric() || b"-'+#_./".contains(&x);
            assert_eq!(is_run_byte(x), want, "{x}");
        }
    }

    #[test]
    fn next_word_stop_agrees_with_a_byte_search() {
        // Every byte value at every offset of runs of non-stop bytes around 16 long.
        let filler = "中，文）".as_bytes();
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for x in 0..=255u8 {
            for k in 0..40 {
                let mut t: Vec<u8> = filler.iter().cycle().take(k).copied().collect();
                t.push(x);
                t.extend(filler.iter().cycle().take(k % 23));
                texts.push(t);
            }
        }
        let parts: [&[u8]; 8] = [
            b"a",
            b" ",
            "中".as_bytes(),
            "。".as_bytes(),
            "\u{3000}".as_bytes(),
            "é".as_bytes(),
            "（".as_bytes(),
            "𠀀".as_bytes(),
        ];
        let mut rng = crate::test_support::XorShift::new(0x5709);
        for _ in 0..5_000 {
            let n = rng.index(40);
            texts.push(
                (0..n)
                    .flat_map(|_| parts[rng.index(parts.len())].iter().copied())
                    .collect(),
            );
        }
        for t in &texts {
            for i in 0..=t.len() {
                let want = t[i..]
                    .iter()
                    .position(|&x| is_word_stop(x))
                    .map_or(t.len(), |k| i + k);
                assert_eq!(next_word_stop(t, i), want, "{t:?} {i}");
            }
        }
        // A stop is at every byte that may open whitespace (`may_be_space`).
        for c in crate::test_support::every_non_ascii_char() {
            let mut buf = [0u8; 4];
            let t = c.encode_utf8(&mut buf).as_bytes();
            if may_be_space(t, 0) {
                assert!(is_word_stop(t[0]), "{c:?}");
            }
        }
    }

    #[test]
    fn may_be_space_and_utf8_len_hold_for_every_char() {
        for c in crate::test_support::every_non_ascii_char() {
            let mut buf = [0u8; 4];
            let t = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(utf8_len(t[0]), c.len_utf8(), "{c:?}");
            if c.is_whitespace() {
                assert!(may_be_space(t, 0), "{c:?}");
            }
        }
        for x in 0..0x80u8 {
            assert_eq!(utf8_len(x), 1);
        }
    }

    #[test]
    fn alphanumeric_fast_path_agrees_on_every_char() {
        for c in crate::test_support::every_char() {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn run_matches_are_keyed_by_text() {
        use std::hash::{BuildHasher, Hasher};
        let b = std::hash::BuildHasherDefault::<Fnv>::default();
        assert_eq!(
            b.hash_one("sudo"),
            b.hash_one(String::from("sudo").as_str())
        );
        assert_ne!(b.hash_one("sudo"), b.hash_one("root"));
        let mut h = Fnv::default();
        h.write(b"");
        assert_eq!(h.finish(), 0xcbf2_9ce4_8422_2325);
        let g = crate::glossary::Glossary::parse(
            "g.toml",
            "[terms.\"shell\"]\nzh = [\"外壳\"]\n[terms.\"root\"]\nkeep = true\n",
        )
        .unwrap();
        let mut m = RunMatches::default();
        for run in ["the shell", "root shell", "x", "the shell", "Root", "x"] {
            let found = g.find_en(run);
            let (matches, words) = m.get(&g, run);
            assert_eq!(matches, found.as_slice(), "{run:?}");
            assert_eq!(words, super::super::run_words(run, &found), "{run:?}");
        }
        assert_eq!(m.len(), 4);
        // The thread's cache gives the same matches, and is emptied for other terms.
        for _ in 0..2 {
            with_run_cache(&g, |m| {
                assert_eq!(m.get(&g, "root shell").0, g.find_en("root shell"))
            });
        }
        let empty = crate::glossary::Glossary::default();
        with_run_cache(&empty, |m| {
            assert!(m.get(&empty, "root shell").0.is_empty())
        });
    }

    #[test]
    fn insert_lower_agrees_with_a_set_of_lowered_strings() {
        let parts = [
            "a", "A", "b", "B", "’", "É", "é", "İ", "i\u{307}", "ß", "SS", "-", " ", "Σ",
        ];
        let mut rng = crate::test_support::XorShift::new(0x5EE4);
        let terms: Vec<String> = (0..40_000)
            .map(|_| {
                let n = 1 + rng.index(3);
                (0..n).map(|_| parts[rng.index(parts.len())]).collect()
            })
            .collect();
        for group in terms.chunks(8) {
            let mut seen = Vec::new();
            let mut set = std::collections::BTreeSet::new();
            for t in group {
                assert_eq!(
                    insert_lower(&mut seen, t),
                    set.insert(t.to_lowercase()),
                    "{t:?}"
                );
            }
        }
    }

    #[test]
    fn concat_and_lowercase_are_the_plain_forms() {
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["a `", "b", "` c"]), format!("a `{}` c", "b"));
        for s in ["", "Sudo", "APT-GET", "İstanbul", "Straße", "ΣΑ", "a b"] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s:?}");
        }
    }
}
