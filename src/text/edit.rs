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
        let mut d: HashMap<char, i32, BuildKeyHasher> = HashMap::default();
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
