//! The conformance runner: every documented rule, run on the emulator and, on Windows, on
//! the real Winsock too (under Wine, Wine's).
//!
//! ```sh
//! cargo run --example conformance                       # the table, as text
//! cargo run --example conformance -- --json             # the same, as JSON
//! cargo run --example conformance -- --markdown         # as Markdown (docs/conformance.md)
//! cargo run --example conformance -- --case 'udp-*'     # the cases whose ids match
//! cargo run --example conformance -- --backend windows --isolate   # a process per case
//! ```
//!
//! Prints one line per case (rule, source, expected result, what each backend observed,
//! the verdict) and exits with status 1 when a case fails on any backend: a rule broken,
//! a setup that failed, a known divergence that no longer diverges, or (with `--isolate`)
//! a case whose process crashed or timed out.
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::{Command, ExitCode};
use std::time::Duration;

use winsock_emu::backend::BackendKind;
use winsock_emu::conformance::{self, isolate, Selection};

const USAGE: &str = "\
usage: conformance [--json | --markdown] [--case PATTERN]... [--backend NAME]...
                   [--isolate [--timeout SECONDS]] [--width COLUMNS]

Runs the conformance suite on the emulator (and on real Winsock on Windows; under Wine,
Wine's). Exits 1 when a case fails.

  --json             the report as JSON (every text in full)
  --markdown         the report as Markdown: a GitHub job summary, docs/conformance.md
  --case PATTERN     only the cases whose id matches (`*` any run, `?` one character);
                     repeat for more
  --backend NAME     only this backend: emulator, windows; repeat for more
  --isolate          each case on each backend in a process of its own, so a crash or a
                     hang is that case's verdict (`crashed`, `timed out`)
  --timeout SECONDS  with --isolate: how long a case's process may take (default 60)
  --width COLUMNS    fit the text table to this width (default: the terminal's, from
                     $COLUMNS or `stty size`; unlimited when not a terminal)";

/// What the command line asks for.
struct Options {
    format: Format,
    selection: Selection,
    isolate: bool,
    timeout: Duration,
    width: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Markdown,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        format: Format::Text,
        selection: Selection::default(),
        isolate: false,
        timeout: Duration::from_secs(60),
        width: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value (try --help)"))
        };
        let parsed: Result<(), String> = match arg.as_str() {
            "--json" => {
                options.format = Format::Json;
                Ok(())
            }
            "--markdown" => {
                options.format = Format::Markdown;
                Ok(())
            }
            "--isolate" => {
                options.isolate = true;
                Ok(())
            }
            "--case" => value("--case").map(|pattern| options.selection.patterns.push(pattern)),
            "--backend" => value("--backend").and_then(|name| {
                let kind = BackendKind::from_name(&name)
                    .ok_or_else(|| format!("no backend {name:?}: emulator or windows"))?;
                options.selection.backends.push(kind);
                Ok(())
            }),
            "--timeout" => value("--timeout").and_then(|text| {
                let seconds = text.parse().map_err(|_| format!("--timeout {text:?}"))?;
                options.timeout = Duration::from_secs(seconds);
                Ok(())
            }),
            "--width" => value("--width").and_then(|text| {
                options.width = Some(text.parse().map_err(|_| format!("--width {text:?}"))?);
                Ok(())
            }),
            // The child of --isolate: one case on one backend, one line out.
            "--run-child" => {
                return run_child(value("--run-child"), value("--run-child"));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?} (try --help)")),
        };
        if let Err(message) = parsed {
            eprintln!("conformance: {message}");
            return ExitCode::from(2);
        }
    }
    let unmatched = options.selection.unmatched();
    if !unmatched.is_empty() {
        eprintln!("conformance: no case matches {unmatched:?}");
        return ExitCode::from(2);
    }
    let cases = options.selection.cases();
    let backends = options.selection.backends();
    if let (Some(version), false) = (winsock_emu::backend::wine_version(), options.isolate) {
        if backends.contains(&BackendKind::Windows) {
            eprintln!(
                "conformance: under Wine {version} the first call to a secure-socket function \
                 ends this process (Wine has them as stubs); add --isolate to run each case \
                 in a process of its own"
            );
        }
    }
    let report = if options.isolate {
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(error) => {
                eprintln!("conformance: --isolate needs this program's path: {error}");
                return ExitCode::from(2);
            }
        };
        let command = |case: &conformance::Case, kind: BackendKind| {
            let mut command = Command::new(&exe);
            command.args([
                OsString::from("--run-child"),
                case.id.into(),
                kind.name().into(),
            ]);
            command
        };
        isolate::run_isolated(&cases, &backends, &command, options.timeout)
    } else {
        let made: Vec<_> = backends
            .iter()
            .filter_map(|&kind| conformance::backend_of_kind(kind))
            .collect();
        let borrowed: Vec<_> = made.iter().map(Box::as_ref).collect();
        conformance::run_cases(&cases, &borrowed)
    };
    match options.format {
        Format::Json => print!("{}", report.to_json()),
        Format::Markdown => print!("{}", report.to_markdown()),
        Format::Text => print!(
            "{}",
            report.to_text_fitted(options.width.or_else(terminal_width))
        ),
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The child of `--isolate`: runs one case on one backend and prints its line.
fn run_child(id: Result<String, String>, backend: Result<String, String>) -> ExitCode {
    let line = id.and_then(|id| {
        let name = backend?;
        let kind = BackendKind::from_name(&name).ok_or_else(|| format!("no backend {name:?}"))?;
        isolate::child_line(&id, kind)
    });
    match line {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("conformance: {message}");
            ExitCode::from(2)
        }
    }
}

/// The terminal's width, when stdout is one: `$COLUMNS`, else what `stty size` says.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    let output = Command::new("stty")
        .arg("size")
        .stdin(std::process::Stdio::inherit())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}
