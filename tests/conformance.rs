//! The conformance suite through the backend trait: every case on the emulator (and, on
//! Windows, on the real Winsock), failing on any failed rule or stale known divergence.

mod common;

use std::sync::OnceLock;

use winsock_emu::backend::{BackendKind, Emulator};
use winsock_emu::conformance::{self, cases, known_divergence, Report, Verdict};

/// The emulator's run of every case, made once for the tests here that only read a report
/// (one run of the suite takes minutes under Miri).
fn emulator_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| conformance::run(&[&Emulator::new()]))
}

/// [`conformance::run_available`]'s report, made once for the tests here that read it.
/// Off Windows that is the emulator's run alone, so under Miri the one above stands for it.
fn available_report() -> &'static Report {
    if cfg!(all(miri, not(windows))) {
        return emulator_report();
    }
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(conformance::run_available)
}

#[test]
fn every_case_passes_on_the_emulator() {
    let report = emulator_report();
    assert!(report.passed(), "\n{}", report.to_text());
    assert_eq!(report.rows.len(), cases().len());
}

#[test]
fn each_case_passes_on_a_fresh_emulator_alone() {
    for case in common::cases_for_a_report(|_| false) {
        let run = case.run(&Emulator::new());
        assert!(!run.verdict.is_failure(), "{}: {:?}", case.id, run);
    }
}

#[test]
fn scenarios_leave_the_emulator_clean() {
    let emulator = Emulator::new();
    for case in common::cases_for_a_report(|_| false) {
        let _observed = case.observe(&emulator);
        assert_eq!(
            emulator.network().startup_count(),
            0,
            "{} left WSAStartup counted",
            case.id
        );
        assert_eq!(
            emulator.network().socket_count(),
            0,
            "{} left a socket open",
            case.id
        );
    }
}

#[test]
fn known_divergences_are_reported_not_hidden() {
    let report = emulator_report();
    for row in &report.rows {
        let run = row.run(BackendKind::Emulator).unwrap();
        let listed = known_divergence(row.case.id, BackendKind::Emulator).is_some();
        assert_eq!(
            run.verdict == Verdict::KnownDivergence,
            listed,
            "{}",
            row.case.id
        );
        if listed {
            assert!(report
                .to_text()
                .contains(&format!("known divergence, {} on emulator", row.case.id)));
        }
    }
}

// The stale-divergence mechanism (a listed divergence that starts to pass fails the run) is
// proved by `conformance::verdict`'s unit tests; no divergence is listed today, since
// `ioctl-set-security-defaults` passes now that WSASetSocketSecurity is emulated.

#[test]
fn the_json_report_has_every_case_and_both_backend_columns() {
    let json = emulator_report().to_json();
    for case in cases() {
        assert!(
            json.contains(&format!("\"id\": \"{}\"", case.id)),
            "{}",
            case.id
        );
    }
    assert!(json.contains(
        "\"windows\": {\"observed\": null, \"observed_code\": null, \"verdict\": \"not run\""
    ));
    assert!(json.starts_with("{\n  \"passed\": true,"));
}

/// Whether the native backend runs under Wine, whose `fwpuclnt.dll` has the six
/// secure-socket functions only as stubs that end the process: a test that runs the
/// native backend in this process skips itself there, saying why. (`.ci/run` runs the
/// Wine column with `--isolate`, a process per case.)
fn skipped_under_wine(test: &str) -> bool {
    let Some(version) = winsock_emu::backend::wine_version() else {
        return false;
    };
    eprintln!(
        "{test}: SKIPPED under Wine {version}: the native backend would call the six \
         secure-socket functions, stubs in Wine that end the process; the Wine column runs \
         a process per case instead (cargo run --example conformance -- --isolate)"
    );
    true
}

#[test]
fn the_text_report_says_windows_was_not_run_off_windows() {
    if skipped_under_wine("the_text_report_says_windows_was_not_run_off_windows") {
        return;
    }
    let text = available_report().to_text();
    if cfg!(windows) {
        assert!(!text.contains("windows: not run"));
    } else {
        assert!(text.contains("windows: not run"));
    }
}

/// On Windows: the same cases against the real Winsock. A difference from the emulator
/// that is not a listed known divergence fails here, with the table.
#[cfg(windows)]
#[test]
fn every_case_passes_on_real_winsock_and_the_emulator() {
    if skipped_under_wine("every_case_passes_on_real_winsock_and_the_emulator") {
        return;
    }
    let report = available_report();
    assert_eq!(
        report.backends,
        [BackendKind::Emulator, BackendKind::Windows]
    );
    assert!(report.passed(), "\n{}", report.to_text());
}

/// The README shows an excerpt of the runner's output; every line of it must be a line the
/// runner prints today (off Windows, where the excerpt was taken).
#[cfg(not(windows))]
#[test]
fn the_readme_excerpt_is_the_runners_real_output() {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## Conformance")
        .nth(1)
        .expect("README has a Conformance section");
    let excerpt = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("an excerpt");
    let output = available_report().to_text();
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    let shown: Vec<&str> = excerpt
        .lines()
        .filter(|line| !line.is_empty() && *line != "...")
        .collect();
    assert!(shown.len() > 10, "the excerpt shows the table");
    for line in shown {
        assert!(
            lines.contains(&line),
            "README shows a line the runner no longer prints:\n{line}"
        );
    }
}
