//! The labelled evaluation: clean real pairs, known defects injected into them, and the
//! precision and recall of every rule measured against those labels.
//!
//! - `data`: which real pairs count as clean (Debian Reference rows, judged spans of the
//!   interview transcript), and why.
//! - `doc`: documents in the transcript layout, rendered with the line range of every turn.
//! - `text`: the sentence and word spans the injectors cut along (independent of the
//!   tool's own splitter, so the evaluation does not grade the tool with its own ruler).
//! - `inject`: one injector per defect kind, each labelled with the rule that must fire
//!   and the rules allowed to fire too, driven by a seeded PRNG (`Rng`), never the clock.
//! - `measure`: matching findings to labels, the per-rule table, the threshold check.
//!
//! Scoring (per rule R, findings at `info` level excluded):
//! ```text
//! recall(R)    = injected units of R whose expected rule fired on the right pair / units of R
//! precision(R) = findings of R landing on a pair touched by an injection that expects or
//!                allows R / all findings of R
//! clean rate   = uninjected pairs with a finding at major or above / uninjected pairs
//! ```
//! "Landing on a pair" means one of the finding's line ranges overlaps the pair's lines.

pub mod data;
pub mod doc;
pub mod inject;
pub mod measure;
pub mod text;

/// SplitMix64: small, seedable, and the same on every platform, so a run is reproducible
/// from its seed alone.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..hi` (`hi` exclusive); `lo` when the range is empty.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 1.0 < p
    }
    /// A derived generator, so one document's draws do not shift another's.
    pub fn fork(&mut self, salt: u64) -> Rng {
        Rng::new(self.next_u64() ^ salt.wrapping_mul(0xA24B_AED4_963E_E407))
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.range(0, i + 1);
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn rng_is_reproducible_and_spread() {
        let a: Vec<u64> = (0..5)
            .map(|_| 0)
            .scan(Rng::new(7), |r, _: u64| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..5)
            .map(|_| 0)
            .scan(Rng::new(7), |r, _: u64| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        let mut r = Rng::new(1);
        let mut seen = [0usize; 4];
        for _ in 0..4000 {
            seen[r.range(0, 4)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
    }
}
