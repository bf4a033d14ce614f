//! `tiezheng`: the ledger server and its command line.

mod cli;

/// mimalloc instead of glibc's malloc for the server: every request
/// allocates its body, JSON values, receipt and hyper buffers on one worker
/// thread and many free them on another. Over HTTP it cut the server's CPU per
/// append by 6–14 % in three alternating pairs (docs/performance.md). Only
/// this binary uses it; programs that link the library keep their own.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
