/// mimalloc rather than the system allocator: a stream run allocates and frees a handful of
/// small strings per pair (segment texts, findings, evidence), and glibc's malloc/free were
/// ~10 % of the CPU of `audit --stream` (see README, speed).
#[cfg(not(feature = "alloc-stats"))]
#[global_allocator]
static GLOBAL: word_aligned::MiMallocPlain = word_aligned::MiMallocPlain;

/// mimalloc called through its plain `mi_malloc` / `mi_zalloc` / `mi_realloc` when the
/// alignment asked is at most a machine word, which every mimalloc block has (block sizes
/// are whole words): the `mimalloc` crate always calls the `_aligned` entry points, whose
/// alignment checks cost about 20 instructions per allocation, on a path taken a few times
/// per pair and per finding. Larger alignments still go to the crate. The functions come
/// from the mimalloc library the `mimalloc` crate links (as `mi_option_set` below).
#[cfg(not(feature = "alloc-stats"))]
mod word_aligned {
    use std::alloc::{GlobalAlloc, Layout};
    use std::ffi::c_void;

    /// Every mimalloc block is aligned to `MI_INTPTR_SIZE`.
    const WORD: usize = std::mem::size_of::<usize>();

    unsafe extern "C" {
        fn mi_malloc(size: usize) -> *mut c_void;
        fn mi_zalloc(size: usize) -> *mut c_void;
        fn mi_realloc(p: *mut c_void, newsize: usize) -> *mut c_void;
        fn mi_free(p: *mut c_void);
    }

    pub struct MiMallocPlain;

    // SAFETY: word-aligned requests get mimalloc blocks, which are word-aligned; any other
    // request is passed on unchanged to the `mimalloc` crate's allocator; all frees go to
    // `mi_free`, which that allocator uses too.
    unsafe impl GlobalAlloc for MiMallocPlain {
        #[inline]
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            if l.align() <= WORD {
                unsafe { mi_malloc(l.size()) as *mut u8 }
            } else {
                unsafe { mimalloc::MiMalloc.alloc(l) }
            }
        }
        #[inline]
        unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
            if l.align() <= WORD {
                unsafe { mi_zalloc(l.size()) as *mut u8 }
            } else {
                unsafe { mimalloc::MiMalloc.alloc_zeroed(l) }
            }
        }
        #[inline]
        unsafe fn dealloc(&self, p: *mut u8, _l: Layout) {
            unsafe { mi_free(p as *mut c_void) }
        }
        #[inline]
        unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
            if l.align() <= WORD {
                unsafe { mi_realloc(p as *mut c_void, n) as *mut u8 }
            } else {
                unsafe { mimalloc::MiMalloc.realloc(p, l, n) }
            }
        }
    }
}

/// `--features alloc-stats`: the same allocator, counting the bytes the program holds, so
/// that peak RSS can be told apart from peak live heap (the rest is the binary, stacks and
/// memory mimalloc keeps after it was freed). Prints one line to stderr at exit. A diagnostic
/// build only: the counting costs CPU.
#[cfg(feature = "alloc-stats")]
mod alloc_stats {
    use std::alloc::{GlobalAlloc, Layout};
    use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

    pub struct Counting;
    static LIVE: AtomicIsize = AtomicIsize::new(0);
    static PEAK: AtomicIsize = AtomicIsize::new(0);
    static TOTAL: AtomicUsize = AtomicUsize::new(0);

    fn grow(n: usize) {
        TOTAL.fetch_add(n, Relaxed);
        let live = LIVE.fetch_add(n as isize, Relaxed) + n as isize;
        PEAK.fetch_max(live, Relaxed);
    }
    fn shrink(n: usize) {
        LIVE.fetch_sub(n as isize, Relaxed);
    }

    // SAFETY: every call is passed on unchanged to mimalloc; only counters are added.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            grow(l.size());
            unsafe { mimalloc::MiMalloc.alloc(l) }
        }
        unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
            grow(l.size());
            unsafe { mimalloc::MiMalloc.alloc_zeroed(l) }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            shrink(l.size());
            unsafe { mimalloc::MiMalloc.dealloc(p, l) }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
            shrink(l.size());
            grow(n);
            unsafe { mimalloc::MiMalloc.realloc(p, l, n) }
        }
    }

    pub fn report() {
        let mb = |b: f64| b / 1_048_576.0;
        eprintln!(
            "alloc-stats: peak live heap {:.1} MiB, allocated in total {:.1} MiB",
            mb(PEAK.load(Relaxed) as f64),
            mb(TOTAL.load(Relaxed) as f64)
        );
    }
}

#[cfg(feature = "alloc-stats")]
#[global_allocator]
static GLOBAL: alloc_stats::Counting = alloc_stats::Counting;

/// Freed memory goes back to the OS after 100 ms instead of mimalloc's default 1 s, unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. Why: the live heap of `audit --stream` is bounded
/// (about 18 MiB with every rule, flat from 100k to 1M pairs), but the run frees about 14 KB
/// per pair, and with the default every byte freed in the last second still counts in peak
/// RSS; as the audit got faster that reached 65-77 MB in half of the runs at 100k pairs. With
/// 100 ms: 39-53 MB, for about 2 % more wall time (README, speed and memory).
fn purge_freed_memory_sooner() {
    // `mi_option_purge_delay` of mimalloc.h (3.3 and 2.x): the 16th option. libmimalloc-sys
    // declares the function but not this option's constant.
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none()
        && std::env::var_os("MIMALLOC_RESET_DELAY").is_none()
    {
        // SAFETY: sets one integer option; mimalloc reads it at its next purge.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
    }
}

fn main() {
    purge_freed_memory_sooner();
    let code = tqa::cli::main();
    #[cfg(feature = "alloc-stats")]
    alloc_stats::report();
    std::process::exit(code);
}
