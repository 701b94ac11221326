//! Whether the document work running on this thread may fan out on rayon.
//!
//! A document's audit is parallel inside (rules beside one another, the alignment's per-pair
//! preparation and rows). The stream already keeps every worker busy with a chunk of its
//! own, and there that inner parallelism only costs: a worker whose part was stolen waits in
//! the join and meanwhile starts another chunk, burying the older one under it (so it is
//! written later and more chunks stay in memory). `on_one_thread` runs a closure with the
//! inner parallelism off; every result is the same either way (parallel parts are collected
//! in order).

use std::cell::Cell;

thread_local! {
    static ONE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with this thread's document work kept on it. Nothing of it is handed to other
/// threads, so the flag (thread-local) holds for all of that work.
pub fn on_one_thread<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ONE_THREAD.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(ONE_THREAD.with(|c| c.replace(true)));
    f()
}

/// True inside `on_one_thread`.
pub fn one_thread() -> bool {
    ONE_THREAD.with(Cell::get)
}

/// The minimum length of a parallel iterator's pieces: `min`, or `usize::MAX` on one thread,
/// with which `with_min_len` never splits it (its items run in order, here).
pub fn grain(min: usize) -> usize {
    if one_thread() { usize::MAX } else { min }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_holds_inside_only_and_survives_a_panic() {
        assert!(!one_thread());
        assert_eq!(grain(8), 8);
        on_one_thread(|| {
            assert!(one_thread());
            assert_eq!(grain(8), usize::MAX);
            on_one_thread(|| assert!(one_thread()));
            assert!(one_thread());
        });
        assert!(!one_thread());
        let r = std::panic::catch_unwind(|| on_one_thread(|| panic!("inside")));
        assert!(r.is_err());
        assert!(!one_thread());
    }

    #[test]
    fn an_iterator_that_may_not_split_runs_on_this_thread() {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        pool.install(|| {
            let me = std::thread::current().id();
            let ids: Vec<_> = on_one_thread(|| {
                (0..10_000)
                    .into_par_iter()
                    .with_min_len(grain(1))
                    .map(|_| std::thread::current().id())
                    .collect()
            });
            assert!(ids.iter().all(|&t| t == me));
        });
    }
}
