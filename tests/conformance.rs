//! The conformance suite through the backend trait: every case on the emulator (and, on
//! Windows, on the real Winsock), failing on any failed rule or stale known divergence.

use winsock_emu::backend::{Backend, BackendKind, Buffer, CallResult, Code, Emulator};
use winsock_emu::conformance::{self, cases, known_divergence, Verdict};

#[test]
fn every_case_passes_on_the_emulator() {
    let report = conformance::run(&[&Emulator::new()]);
    assert!(report.passed(), "\n{}", report.to_text());
    assert_eq!(report.rows.len(), cases().len());
}

#[test]
fn each_case_passes_on_a_fresh_emulator_alone() {
    for case in cases() {
        let run = case.run(&Emulator::new());
        assert!(!run.verdict.is_failure(), "{}: {:?}", case.id, run);
    }
}

#[test]
fn scenarios_leave_the_emulator_clean() {
    let emulator = Emulator::new();
    for case in cases() {
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
    let report = conformance::run(&[&Emulator::new()]);
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

/// A backend that wraps the emulator but answers one case's call as the expected result,
/// as if the known divergence had been fixed: the run must then fail.
struct FixedSecurity(Emulator);

impl Backend for FixedSecurity {
    fn kind(&self) -> BackendKind {
        BackendKind::Emulator
    }
    fn startup(&self, version: u16) -> CallResult<u16> {
        self.0.startup(version)
    }
    fn cleanup(&self) -> CallResult {
        self.0.cleanup()
    }
    fn last_error(&self) -> i32 {
        self.0.last_error()
    }
    fn set_last_error(&self, code: i32) {
        self.0.set_last_error(code)
    }
    fn socket(&self, af: u16, ty: i32, protocol: i32) -> CallResult<usize> {
        self.0.socket(af, ty, protocol)
    }
    fn wsa_socket(&self, af: u16, ty: i32, protocol: i32, flags: u32) -> CallResult<usize> {
        self.0.wsa_socket(af, ty, protocol, flags)
    }
    fn close(&self, s: usize) -> CallResult {
        self.0.close(s)
    }
    fn bind(&self, s: usize, addr: std::net::SocketAddr) -> CallResult {
        self.0.bind(s, addr)
    }
    fn local_addr(&self, s: usize) -> CallResult<std::net::SocketAddr> {
        self.0.local_addr(s)
    }
    fn listen(&self, s: usize, backlog: i32) -> CallResult {
        self.0.listen(s, backlog)
    }
    fn connect(&self, s: usize, addr: std::net::SocketAddr) -> CallResult {
        self.0.connect(s, addr)
    }
    fn accept(&self, s: usize) -> CallResult<usize> {
        self.0.accept(s)
    }
    fn set_peer_target_name(&self, s: usize, name: Buffer<'_>) -> CallResult {
        self.0.set_peer_target_name(s, name)
    }
    fn set_peer_target_name_with_overlapped(&self, s: usize, name: Buffer<'_>) -> CallResult {
        self.0.set_peer_target_name_with_overlapped(s, name)
    }
    fn delete_peer_target_name(&self, s: usize, addr: Buffer<'_>) -> CallResult {
        self.0.delete_peer_target_name(s, addr)
    }
    fn ioctl(&self, s: usize, code: u32, input: Buffer<'_>) -> CallResult<u32> {
        match self.0.ioctl(s, code, input) {
            Err(Code(winsock_emu::sys::WSAEOPNOTSUPP))
                if code == winsock_emu::sys::SIO_SET_SECURITY =>
            {
                Ok(0)
            }
            other => other,
        }
    }
}

#[test]
fn a_known_divergence_that_starts_to_pass_fails_the_run() {
    let report = conformance::run(&[&FixedSecurity(Emulator::new())]);
    assert!(!report.passed());
    let failures: Vec<_> = report
        .failures()
        .map(|(case, run)| (case.id, run.verdict))
        .collect();
    assert_eq!(
        failures,
        [("ioctl-set-security-defaults", Verdict::StaleDivergence)]
    );
    assert!(report
        .to_text()
        .contains("remove the entry from KNOWN_DIVERGENCES"));
    assert!(report.to_json().contains("\"passed\": false"));
}

#[test]
fn the_json_report_has_every_case_and_both_backend_columns() {
    let json = conformance::run(&[&Emulator::new()]).to_json();
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

#[test]
fn the_text_report_says_windows_was_not_run_off_windows() {
    let text = conformance::run_available().to_text();
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
    let report = conformance::run_available();
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
    let output = conformance::run_available().to_text();
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
