//! Edit-distance helpers shared by the duplicate check and the document alignment.

use crate::lexicon::BuildKeyHasher;
use std::collections::HashMap;

/// A lower bound of the Levenshtein distance: each character of one text beyond its count in
/// the other (as multisets) needs an edit of its own (a deletion or a substitution), so the
/// distance is at least the larger of the two excesses.
pub fn bag_distance(x: &str, y: &str) -> usize {
    let (mut over, mut under) = (0usize, 0usize);
    if x.is_ascii() && y.is_ascii() {
        let mut d = [0i32; 128];
        for b in x.bytes() {
            d[b as usize] += 1;
        }
        for b in y.bytes() {
            d[b as usize] -= 1;
        }
        for v in d {
            if v > 0 {
                over += v as usize;
            } else {
                under += (-v) as usize;
            }
        }
    } else {
        // Characters hash with the cheap key hasher: the counts are only summed, in any order.
        // Sized for the distinct characters of two texts of mostly three-byte characters
        // (Chinese), so that the table rarely grows while it is filled.
        let mut d: HashMap<char, i32, BuildKeyHasher> =
            HashMap::with_capacity_and_hasher((x.len() + y.len()) / 3, BuildKeyHasher::default());
        for c in x.chars() {
            *d.entry(c).or_default() += 1;
        }
        for c in y.chars() {
            *d.entry(c).or_default() -= 1;
        }
        for v in d.into_values() {
            if v > 0 {
                over += v as usize;
            } else {
                under += (-v) as usize;
            }
        }
    }
    over.max(under)
}

/// The Levenshtein distance in characters (insertions, deletions and substitutions of one
/// character each), as `strsim::levenshtein` gives it, by Myers' bit-parallel algorithm
/// (J. ACM 46(3), 1999, with its block extension): the columns of the dynamic-programming
/// table are kept as bit vectors of vertical +1/-1 steps, 64 rows to a word, so each
/// character of the longer text costs a few word operations per 64 characters of the shorter
/// one instead of one table cell per character (600 x 600 characters: 6,000 steps, not
/// 360,000).
pub fn levenshtein(x: &str, y: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
    // The shorter text is the pattern (the rows): fewer blocks per step.
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let m = a.len();
    if m == 0 {
        return b.len();
    }
    let blocks = m.div_ceil(64);
    // The pattern's distinct characters, sorted, and for each one the bit vector of the rows
    // holding it (`peq[id * blocks + block]`).
    let mut alphabet = a.clone();
    alphabet.sort_unstable();
    alphabet.dedup();
    let mut peq = vec![0u64; alphabet.len() * blocks];
    for (i, c) in a.iter().enumerate() {
        let id = alphabet.binary_search(c).expect("a pattern character");
        peq[id * blocks + i / 64] |= 1 << (i % 64);
    }
    let none = vec![0u64; blocks];
    // Per block: the vertical steps down each row of the current column (+1 in `pv`, -1 in
    // `mv`); the first column is 0, 1, 2, ..., m: all +1.
    let mut pv = vec![!0u64; blocks];
    let mut mv = vec![0u64; blocks];
    let last = 1u64 << ((m - 1) % 64);
    let mut score = m;
    for c in &b {
        let eqs = match alphabet.binary_search(c) {
            Ok(id) => &peq[id * blocks..(id + 1) * blocks],
            Err(_) => &none[..],
        };
        // The horizontal step entering the top row: row 0 of the table is 0, 1, 2, ...
        let mut hin: i32 = 1;
        for k in 0..blocks {
            let (p, mm) = (pv[k], mv[k]);
            let mut eq = eqs[k];
            let xv = eq | mm;
            if hin < 0 {
                eq |= 1;
            }
            let xh = (((eq & p).wrapping_add(p)) ^ p) | eq;
            let mut ph = mm | !(xh | p);
            let mut mh = p & xh;
            let high = if k + 1 == blocks { last } else { 1 << 63 };
            let hout = i32::from(ph & high != 0) - i32::from(mh & high != 0);
            ph <<= 1;
            mh <<= 1;
            if hin < 0 {
                mh |= 1;
            } else if hin > 0 {
                ph |= 1;
            }
            pv[k] = mh | !(xv | ph);
            mv[k] = ph & xv;
            hin = hout;
        }
        // `hin` is now the horizontal step of the last row: the distance's change.
        score = score.wrapping_add_signed(hin as isize);
    }
    score
}

/// `strsim::normalized_levenshtein` (1 - distance / the longer length in characters; 1 for
/// two empty texts), with the distance of `levenshtein`.
pub fn normalized_levenshtein(x: &str, y: &str) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    1.0 - (levenshtein(x, y) as f64) / (x.chars().count().max(y.chars().count()) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the comparison covers many texts
    /// without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn levenshtein_is_strsims_distance() {
        let fixed = [
            ("", ""),
            ("", "abc"),
            ("kitten", "sitting"),
            ("flaw", "lawn"),
            ("我们需要一个非常好的解释", "我们需要一个好的解释才行"),
            ("a", "a"),
            ("ab", "ba"),
        ];
        for (x, y) in fixed {
            assert_eq!(levenshtein(x, y), strsim::levenshtein(x, y), "{x} / {y}");
            assert_eq!(
                normalized_levenshtein(x, y).to_bits(),
                strsim::normalized_levenshtein(x, y).to_bits()
            );
        }
        // Random texts over small alphabets (many matches), ASCII and Han, with lengths that
        // cross the 64-row block boundaries (63, 64, 65, 128, 129, ...), and edited copies of
        // each other (the near-same texts the duplicate check compares).
        let alphabets: [&[char]; 3] = [
            &['a', 'b', 'c'],
            &['a', 'b', ' ', 'x', 'y', 'z', '1'],
            &['我', '们', '的', '是', 'a', ' ', '一'],
        ];
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..1500 {
            let al = alphabets[round % 3];
            let len = |r: &mut Rng| match r.below(4) {
                0 => r.below(8),
                1 => 60 + r.below(10),
                2 => 120 + r.below(15),
                _ => r.below(300),
            };
            let (lx, ly) = (len(&mut r), len(&mut r));
            let x: String = (0..lx).map(|_| al[r.below(al.len())]).collect();
            let y: String = if round % 2 == 0 {
                (0..ly).map(|_| al[r.below(al.len())]).collect()
            } else {
                // An edited copy: a few substitutions, insertions and deletions.
                let mut v: Vec<char> = x.chars().collect();
                for _ in 0..r.below(12) {
                    let at = r.below(v.len() + 1);
                    match r.below(3) {
                        0 if at < v.len() => v[at] = al[r.below(al.len())],
                        1 => v.insert(at, al[r.below(al.len())]),
                        _ if at < v.len() => {
                            v.remove(at);
                        }
                        _ => {}
                    }
                }
                v.into_iter().collect()
            };
            assert_eq!(
                levenshtein(&x, &y),
                strsim::levenshtein(&x, &y),
                "{x:?} / {y:?}"
            );
            assert_eq!(
                normalized_levenshtein(&x, &y).to_bits(),
                strsim::normalized_levenshtein(&x, &y).to_bits()
            );
        }
    }
}
