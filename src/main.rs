/// mimalloc rather than the system allocator: a stream run allocates and frees a handful of
/// small strings per pair (segment texts, findings, evidence), and glibc's malloc/free were
/// ~10 % of the CPU of `audit --stream` (see README, speed).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(tqa::cli::main());
}
