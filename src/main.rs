fn main() {
    std::process::exit(tqa::cli::main());
}
