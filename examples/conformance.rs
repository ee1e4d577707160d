//! The conformance runner: every documented rule of the secure-socket extensions, run on
//! the emulator and, on Windows, on the real Winsock too.
//!
//! ```sh
//! cargo run --example conformance            # the table, as text
//! cargo run --example conformance -- --json  # the same, as JSON
//! ```
//!
//! Prints one line per case (rule, source, expected result, what each backend observed,
//! the verdict) and exits with status 1 when a case fails on any backend: a rule broken,
//! a setup that failed, or a known divergence that no longer diverges.
use std::process::ExitCode;

use winsock_emu::conformance;

fn main() -> ExitCode {
    let mut json = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => {
                println!("usage: conformance [--json]");
                println!(
                    "Runs the conformance suite on the emulator (and on real Winsock on Windows);"
                );
                println!("exits 1 when a rule fails.");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("conformance: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let report = conformance::run_available();
    if json {
        print!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
