//! The runner's process per case (`--isolate`): a case whose process aborts, panics or hangs
//! is that case's verdict, and the other cases' rows still come out, judged as in-process
//! runs are.
//!
//! The children are this test binary itself, started on the ignored test [`child`] with
//! the behaviour in an environment variable.

use std::process::Command;
use std::time::Duration;

use winsock_emu::backend::{BackendKind, Emulator};
use winsock_emu::conformance::{cases, isolate, Case, Stopped, Verdict};

/// The environment variable that tells [`child`] what to do.
const BEHAVIOUR: &str = "WINSOCK_EMU_ISOLATION_CHILD";

/// In a child: run the case named by [`BEHAVIOUR`] (`run:<id>`) and print its line, or
/// abort, panic, or hang (for at most a minute: the parent kills it long before).
#[test]
#[ignore = "a child process of the tests below, started by them"]
fn child() {
    let Ok(behaviour) = std::env::var(BEHAVIOUR) else {
        return;
    };
    match behaviour.split_once(':') {
        Some(("run", id)) => println!(
            "{}",
            isolate::child_line(id, BackendKind::Emulator).expect("a case of the suite")
        ),
        _ if behaviour == "abort" => std::process::abort(),
        _ if behaviour == "panic" => panic!("the case's own panic"),
        _ if behaviour == "hang" => std::thread::sleep(Duration::from_secs(60)),
        _ => unreachable!("unknown behaviour {behaviour}"),
    }
}

/// A command that starts [`child`] with `behaviour`.
fn child_doing(behaviour: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([
            "--exact",
            "child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(BEHAVIOUR, behaviour);
    command
}

/// Long enough for any case's process, however loaded the machine: only a hang meets it.
const GENEROUS: Duration = Duration::from_secs(120);

#[test]
fn a_crash_is_that_cases_verdict_and_the_rest_still_runs() {
    let chosen: Vec<&'static Case> = cases().into_iter().take(4).collect();
    let behaviours = |case: &Case| match chosen.iter().position(|c| c.id == case.id) {
        Some(1) => "abort".to_owned(),
        Some(2) => "panic".to_owned(),
        _ => format!("run:{}", case.id),
    };
    let command = |case: &Case, _kind: BackendKind| child_doing(&behaviours(case));
    let report = isolate::run_isolated(&chosen, &[BackendKind::Emulator], &command, GENEROUS);
    assert_eq!(report.rows.len(), 4, "every row comes out");
    let run = |i: usize| report.rows[i].run(BackendKind::Emulator).unwrap();
    for i in [0, 3] {
        let in_process = chosen[i].run(&Emulator::new());
        assert_eq!(run(i).observed, in_process.observed, "{}", chosen[i].id);
        assert_eq!(run(i).verdict, in_process.verdict, "{}", chosen[i].id);
    }
    assert_eq!(run(1).verdict, Verdict::Crashed, "{:?}", run(1));
    assert_eq!(run(2).verdict, Verdict::Crashed, "{:?}", run(2));
    match run(2).observed {
        Err(Stopped::Crashed(how)) => assert!(how.contains("the case's own panic"), "{how}"),
        ref other => panic!("{other:?}"),
    }
    assert!(!report.passed());
    let text = report.to_text();
    assert!(text.contains("FAIL: crashed"), "{text}");
    let json = report.to_json();
    assert!(json.contains("\"verdict\": \"FAIL: crashed\""), "{json}");
}

#[test]
fn a_case_whose_process_hangs_is_killed_and_timed_out() {
    let chosen = [cases()[0]];
    // The child sleeps a minute; the parent waits two seconds: no race either way.
    let command = |_: &Case, _: BackendKind| child_doing("hang");
    let report = isolate::run_isolated(
        &chosen,
        &[BackendKind::Emulator],
        &command,
        Duration::from_secs(2),
    );
    let run = report.rows[0].run(BackendKind::Emulator).unwrap();
    assert_eq!(run.verdict, Verdict::TimedOut, "{run:?}");
    assert_eq!(run.observed, Err(Stopped::TimedOut(2)));
    assert!(report
        .to_json()
        .contains("\"verdict\": \"FAIL: timed out\""));
    assert!(report.to_text().contains("timed out after 2 s"));
}

#[test]
fn a_child_that_cannot_start_is_a_crash_not_a_panic() {
    let chosen = [cases()[0]];
    let command =
        |_: &Case, _: BackendKind| Command::new("/no/such/program/winsock-emu-conformance");
    let report = isolate::run_isolated(&chosen, &[BackendKind::Emulator], &command, GENEROUS);
    let run = report.rows[0].run(BackendKind::Emulator).unwrap();
    assert_eq!(run.verdict, Verdict::Crashed, "{run:?}");
}
