//! Each case in a process of its own: a crash, an abort or a hang is that case's verdict,
//! and the rest of the table still comes out.
//!
//! The runner (`cargo run --example conformance -- --isolate`) spawns itself once per case
//! and backend, asking the child for one case ([`child_line`]); the child runs it in its
//! own process and prints one line, [`CHILD_PREFIX`] and the observation ([`encode`]). The
//! parent ([`run_isolated`]) reads that line back ([`decode`]) and judges it as an
//! in-process run is judged. A child that ends without the line is [`Stopped::Crashed`],
//! with its exit status and the first line it wrote to stderr (a panic's message); one
//! that gives nothing within the timeout is killed and [`Stopped::TimedOut`].
//!
//! Under Wine, a child that calls a function Wine has only as a stub (the six
//! secure-socket functions of `fwpuclnt.dll`) raises `EXCEPTION_WINE_STUB`: a vectored
//! exception handler in the child prints the case as `n/a: not implemented by Wine
//! <version>: <the function>` and ends it (a child that ends with that exception as its
//! exit code without the line is reported so too): found by running it, never listed.
#![forbid(unsafe_code)]

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::interned::intern;
use super::report::{Report, Row};
use super::select::backend_of_kind;
use super::session::SetupFailure;
use super::verdict::{Observed, Stopped, ValueMismatch};
use super::{cases, Case};
use crate::backend::{
    not_implemented_by_wine, wine_version, BackendKind, CallResult, Code, EXCEPTION_WINE_STUB,
};

/// What starts the child's line on its stdout (wherever it is on its line: a test harness
/// may print before it); the parent ignores every other line.
pub const CHILD_PREFIX: &str = "conformance-child: ";

/// In the child under Wine: a stub called prints the case's line, `n/a` with the stub's
/// name, and ends the process (exit status 0): the stub would have ended it anyway.
#[cfg(windows)]
fn stub_called(function: &str) {
    use std::io::Write as _;
    if let Some(version) = wine_version() {
        let reason = not_implemented_by_wine(version, function);
        let line = encode(&Err(Stopped::NotApplicable(intern(&reason))));
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{CHILD_PREFIX}{line}");
        let _ = stdout.flush();
        std::process::exit(0);
    }
}

/// How often the parent looks whether the child has ended.
const POLL: Duration = Duration::from_millis(5);

/// How long the parent waits for the child's output once the child has ended (a helper
/// the child started, such as Wine's debugger, may hold its pipes a little longer).
const DRAIN: Duration = Duration::from_secs(10);

/// In the child: runs the case `id` on a fresh backend of `kind` in this process and
/// returns the line to print (`Err`: no such case, or no such backend here).
pub fn child_line(id: &str, kind: BackendKind) -> Result<String, String> {
    let case = cases()
        .into_iter()
        .find(|case| case.id == id)
        .ok_or_else(|| format!("no case {id:?}"))?;
    let backend =
        backend_of_kind(kind).ok_or_else(|| format!("no {} backend here", kind.name()))?;
    #[cfg(windows)]
    crate::native::wine::on_stub(stub_called);
    Ok(format!(
        "{CHILD_PREFIX}{}",
        encode(&case.observe(backend.as_ref()))
    ))
}

/// `text` with `\` and line breaks escaped, so it stays on one line.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// The inverse of [`escape`].
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The code of a result: 0 for success.
fn code_of(result: &CallResult) -> i32 {
    result.err().map_or(0, |code| code.0)
}

/// The result a code stands for: 0 is success.
fn result_of(code: i32) -> CallResult {
    match code {
        0 => Ok(()),
        code => Err(Code(code)),
    }
}

/// An observation as one line of words: `result <code>`, `setup <code> <step>`,
/// `value <code> <expected> <observed> <what>`, `n/a <reason>`, `crashed <how>`,
/// `timed-out <seconds>`; the text at the end escaped.
pub fn encode(observed: &Observed) -> String {
    match observed {
        Ok(result) => format!("result {}", code_of(result)),
        Err(Stopped::Setup(failure)) => {
            format!("setup {} {}", failure.code.0, escape(failure.step))
        }
        Err(Stopped::Value(mismatch)) => format!(
            "value {} {} {} {}",
            code_of(&mismatch.result),
            mismatch.expected,
            mismatch.observed,
            escape(mismatch.what)
        ),
        Err(Stopped::NotApplicable(reason)) => format!("n/a {}", escape(reason)),
        Err(Stopped::Crashed(how)) => format!("crashed {}", escape(how)),
        Err(Stopped::TimedOut(seconds)) => format!("timed-out {seconds}"),
    }
}

/// The observation [`encode`] wrote, if `line` is one.
pub fn decode(line: &str) -> Option<Observed> {
    let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
    let text = || intern(&unescape(rest));
    Some(match tag {
        "result" => Ok(result_of(rest.parse().ok()?)),
        "setup" => {
            let (code, step) = rest.split_once(' ')?;
            Err(Stopped::Setup(SetupFailure {
                step: intern(&unescape(step)),
                code: Code(code.parse().ok()?),
            }))
        }
        "value" => {
            let mut fields = rest.splitn(4, ' ');
            let result = result_of(fields.next()?.parse().ok()?);
            let expected = fields.next()?.parse().ok()?;
            let observed = fields.next()?.parse().ok()?;
            let what = intern(&unescape(fields.next()?));
            Err(Stopped::Value(ValueMismatch {
                result,
                what,
                expected,
                observed,
            }))
        }
        "n/a" => Err(Stopped::NotApplicable(text())),
        "crashed" => Err(Stopped::Crashed(text())),
        "timed-out" => Err(Stopped::TimedOut(rest.parse().ok()?)),
        _ => return None,
    })
}

/// Runs each of `cases` on each of `backends`, each in a process of its own that
/// `command` makes for it (a command that runs [`child_line`] for that case and backend,
/// and prints the line), killed after `timeout`.
pub fn run_isolated(
    cases: &[&'static Case],
    backends: &[BackendKind],
    command: &dyn Fn(&Case, BackendKind) -> Command,
    timeout: Duration,
) -> Report {
    let rows = cases
        .iter()
        .map(|&case| Row {
            case,
            runs: backends
                .iter()
                .map(|&kind| case.judged(kind, observe_child(command(case, kind), timeout)))
                .collect(),
        })
        .collect();
    Report::new(backends.to_vec(), rows)
}

/// Everything `source` gives until it ends, on a thread of its own, through a channel.
fn collect(mut source: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = source.read_to_end(&mut bytes);
        let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receiver
}

/// Waits for `child` until `deadline`: its exit status, or `None` (then it is killed).
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// How many times a case's process is started before a failure to start is its verdict.
/// Nothing of the case has run when a start fails, so trying again changes no result: under
/// Wine 8.0 a start now and then fails with `ERROR_INTERNAL_ERROR` (os error 1359) and the
/// next one succeeds.
const STARTS: usize = 3;

/// Runs the child `command` makes and reads its observation.
fn observe_child(mut command: Command, timeout: Duration) -> Observed {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut started = command.spawn();
    for _ in 1..STARTS {
        if started.is_ok() {
            break;
        }
        started = command.spawn();
    }
    let mut child = match started {
        Ok(child) => child,
        Err(error) => {
            return Err(Stopped::Crashed(intern(&format!(
                "could not start the case's process ({STARTS} tries): {error}"
            ))))
        }
    };
    let stdout = child.stdout.take().map(collect);
    let stderr = child.stderr.take().map(collect);
    let Some(status) = wait_until(&mut child, Instant::now() + timeout) else {
        return Err(Stopped::TimedOut(timeout.as_secs()));
    };
    let drained = |receiver: Option<mpsc::Receiver<String>>| {
        receiver
            .and_then(|receiver| receiver.recv_timeout(DRAIN).ok())
            .unwrap_or_default()
    };
    let (stdout, stderr) = (drained(stdout), drained(stderr));
    classify(status, &stdout, &stderr)
}

/// What a child that ended with `status`, having printed `stdout` and `stderr`, observed.
fn classify(status: ExitStatus, stdout: &str, stderr: &str) -> Observed {
    if let Some(line) = stdout
        .lines()
        .filter_map(|line| Some(line.trim_end().split_once(CHILD_PREFIX)?.1))
        .next_back()
    {
        return decode(line).unwrap_or_else(|| {
            Err(Stopped::Crashed(intern(&format!(
                "an unreadable result line: {line:?}"
            ))))
        });
    }
    let exit_code = status.code().map(|code| code as u32);
    if let (Some(EXCEPTION_WINE_STUB), Some(version)) = (exit_code, wine_version()) {
        let function = stub_function(stderr).unwrap_or("a stub");
        return Err(Stopped::NotApplicable(intern(&not_implemented_by_wine(
            version, function,
        ))));
    }
    Err(Stopped::Crashed(intern(&crash_text(&status, stderr))))
}

/// The function Wine names in `wine: Call from ... to unimplemented function
/// fwpuclnt.dll.WSAQuerySocketSecurity, aborting`.
fn stub_function(stderr: &str) -> Option<&str> {
    let after = stderr.split("unimplemented function ").nth(1)?;
    let name = after.split([',', ' ', '\n', '\r']).next()?;
    (!name.is_empty()).then_some(name)
}

/// How a child ended without a result: its status, and the line that says why (a panic's
/// message, else the first line of stderr), cut to 200 characters.
fn crash_text(status: &ExitStatus, stderr: &str) -> String {
    let mut lines = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let why = match stderr.lines().position(|line| line.contains("panicked at")) {
        Some(at) => stderr
            .lines()
            .skip(at)
            .take(2)
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" "),
        None => lines.next().unwrap_or("nothing on stderr").to_owned(),
    };
    let why: String = why.chars().take(200).collect();
    format!("{status}; {why}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinSock::{WSAEFAULT, WSAEMSGSIZE};

    #[test]
    fn every_observation_survives_the_line() {
        let all: [Observed; 8] = [
            Ok(Ok(())),
            Ok(Err(Code(WSAEFAULT))),
            Err(Stopped::Setup(SetupFailure {
                step: "connect(tcp, listener)",
                code: Code(10061),
            })),
            Err(Stopped::Value(ValueMismatch {
                result: Err(Code(WSAEMSGSIZE)),
                what: "*SecurityQueryInfoLen",
                expected: 24,
                observed: -8,
            })),
            Err(Stopped::NotApplicable("the backend cannot pend")),
            Err(Stopped::Crashed("exit code: 3; a\\b\nc")),
            Err(Stopped::TimedOut(30)),
            Err(Stopped::Setup(SetupFailure {
                step: "",
                code: Code(1),
            })),
        ];
        for observed in all {
            let line = encode(&observed);
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(decode(&line), Some(observed), "{line}");
        }
    }

    #[test]
    fn a_line_that_is_not_an_observation_decodes_to_nothing() {
        for line in [
            "",
            "result",
            "result x",
            "setup 5",
            "value 1 2",
            "timed-out soon",
            "other 1",
        ] {
            assert_eq!(decode(line), None, "{line:?}");
        }
    }

    #[test]
    fn the_child_line_runs_the_case_here() {
        let case = cases()[0];
        let line = child_line(case.id, BackendKind::Emulator).unwrap();
        let observed = decode(line.strip_prefix(CHILD_PREFIX).unwrap()).unwrap();
        assert_eq!(observed, case.observe(&crate::backend::Emulator::new()));
        assert!(child_line("no-such-case", BackendKind::Emulator).is_err());
    }

    #[test]
    fn wines_stub_message_names_the_function() {
        let stderr = "wine: Call from 000000007B013D7E to unimplemented function \
                      fwpuclnt.dll.WSASetSocketPeerTargetName, aborting\nwine: more";
        assert_eq!(
            stub_function(stderr),
            Some("fwpuclnt.dll.WSASetSocketPeerTargetName")
        );
        assert_eq!(stub_function("no such message"), None);
    }
}
