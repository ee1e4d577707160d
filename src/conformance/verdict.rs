//! How an observed result is judged: pass, fail, a known divergence (Wine's `todo_wine`),
//! or not applicable (the backend lacks a capability the scenario needs).
#![forbid(unsafe_code)]

use std::fmt;

use super::divergences::Divergence;
use super::session::SetupFailure;
use crate::backend::CallResult;

/// What a scenario observed on one backend: the result of the call under test, or why it
/// has no bare result to give ([`Stopped`]).
pub type Observed = Result<CallResult, Stopped>;

/// Why a scenario gave no bare result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// A setup step failed, so the call under test was never made.
    Setup(SetupFailure),
    /// The call under test was made, but a value it returned or wrote (a count, a length
    /// written back, flags, bytes) is not the one the rule gives.
    Value(ValueMismatch),
    /// The backend lacks a capability the scenario needs (it cannot make an overlapped
    /// operation pend): the rule cannot be tested there. The reason, in a few words.
    NotApplicable(&'static str),
    /// The case ran in a process of its own ([`crate::conformance::isolate`]), which ended
    /// without giving a result: how it ended (the exit status, and the first line of what
    /// it printed to stderr, such as a panic's message).
    Crashed(&'static str),
    /// The case ran in a process of its own, which gave no result within this many
    /// seconds and was killed.
    TimedOut(u64),
}

impl From<SetupFailure> for Stopped {
    fn from(failure: SetupFailure) -> Self {
        Stopped::Setup(failure)
    }
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stopped::Setup(failure) => failure.fmt(f),
            Stopped::Value(mismatch) => mismatch.fmt(f),
            Stopped::NotApplicable(reason) => write!(f, "n/a: {reason}"),
            Stopped::Crashed(how) => write!(f, "crashed: {how}"),
            Stopped::TimedOut(seconds) => write!(f, "timed out after {seconds} s"),
        }
    }
}

/// A value of the call under test that differs from the rule's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueMismatch {
    /// The result of the call under test.
    pub result: CallResult,
    /// What the value is (`"*SecurityQueryInfoLen"`).
    pub what: &'static str,
    /// The value the rule gives.
    pub expected: i64,
    /// The value observed.
    pub observed: i64,
}

impl fmt::Display for ValueMismatch {
    /// `WSAEMSGSIZE (10040), but *SecurityQueryInfoLen was 8 (expected 24)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.result {
            Ok(()) => f.write_str("success")?,
            Err(code) => code.fmt(f)?,
        }
        write!(
            f,
            ", but {} was {} (expected {})",
            self.what, self.observed, self.expected
        )
    }
}

/// Checks a value of the call under test that gave `result`: `Ok` when `observed` is
/// `expected`, else the [`ValueMismatch`] (a scenario returns it with `?`).
pub fn check_value(
    result: CallResult,
    what: &'static str,
    expected: i64,
    observed: i64,
) -> Result<(), Stopped> {
    if expected == observed {
        Ok(())
    } else {
        Err(Stopped::Value(ValueMismatch {
            result,
            what,
            expected,
            observed,
        }))
    }
}

/// The judgement of one case on one backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The backend gave the expected result.
    Pass,
    /// The backend gave another result, and no known divergence explains it.
    Fail,
    /// The backend gave another result, as a listed known divergence says it does.
    KnownDivergence,
    /// The backend now gives the expected result although a known divergence is listed:
    /// the divergence was fixed and its marker must go. Counts as a failure, so markers
    /// cannot linger.
    StaleDivergence,
    /// A setup step failed, so the rule was not tested. Counts as a failure.
    SetupFailed,
    /// The backend lacks a capability the scenario needs, so the rule cannot be tested
    /// there ([`Stopped::NotApplicable`]). Neither a pass nor a failure: reports show it,
    /// with its reason. Never given on the emulator, which has every capability.
    NotApplicable,
    /// The case's own process ended without a result ([`Stopped::Crashed`]): an abort, a
    /// panic, an exception. Counts as a failure.
    Crashed,
    /// The case's own process gave no result in time ([`Stopped::TimedOut`]). Counts as a
    /// failure.
    TimedOut,
}

impl Verdict {
    /// Whether this verdict fails the run.
    pub const fn is_failure(self) -> bool {
        matches!(
            self,
            Verdict::Fail
                | Verdict::StaleDivergence
                | Verdict::SetupFailed
                | Verdict::Crashed
                | Verdict::TimedOut
        )
    }

    /// The word printed in reports.
    pub const fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::KnownDivergence => "known divergence",
            Verdict::StaleDivergence => "FAIL: stale divergence",
            Verdict::SetupFailed => "FAIL: setup",
            Verdict::NotApplicable => "n/a",
            Verdict::Crashed => "FAIL: crashed",
            Verdict::TimedOut => "FAIL: timed out",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Judges `observed` against `expected`, given the known divergence listed for this case
/// and backend, if any. A value that differs fails as a wrong result does (or is a known
/// divergence, when one is listed). A scenario the backend cannot run is not applicable,
/// and a case whose process crashed or hung is that, whatever is listed.
pub fn judge(expected: CallResult, observed: &Observed, known: Option<&Divergence>) -> Verdict {
    match (observed, known) {
        (Err(Stopped::Setup(_)), _) => Verdict::SetupFailed,
        (Err(Stopped::NotApplicable(_)), _) => Verdict::NotApplicable,
        (Err(Stopped::Crashed(_)), _) => Verdict::Crashed,
        (Err(Stopped::TimedOut(_)), _) => Verdict::TimedOut,
        (Ok(result), None) if *result == expected => Verdict::Pass,
        (Ok(_) | Err(Stopped::Value(_)), None) => Verdict::Fail,
        (Ok(result), Some(_)) if *result == expected => Verdict::StaleDivergence,
        (Ok(_) | Err(Stopped::Value(_)), Some(_)) => Verdict::KnownDivergence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{BackendKind, Code};
    use windows_sys::Win32::Networking::WinSock::{
        WSAEFAULT, WSAEINVAL, WSAEMSGSIZE, WSAEOPNOTSUPP,
    };

    const MARKER: Divergence = Divergence {
        case: "some-case",
        backend: BackendKind::Emulator,
        reason: "for the test",
        evidence: "none",
    };

    #[test]
    fn the_expected_result_passes() {
        assert_eq!(
            judge(Err(Code(WSAEFAULT)), &Ok(Err(Code(WSAEFAULT))), None),
            Verdict::Pass
        );
        assert_eq!(judge(Ok(()), &Ok(Ok(())), None), Verdict::Pass);
    }

    #[test]
    fn another_result_fails() {
        assert_eq!(
            judge(Err(Code(WSAEFAULT)), &Ok(Err(Code(WSAEINVAL))), None),
            Verdict::Fail
        );
        assert_eq!(
            judge(Err(Code(WSAEFAULT)), &Ok(Ok(())), None),
            Verdict::Fail
        );
        assert_eq!(
            judge(Ok(()), &Ok(Err(Code(WSAEFAULT))), None),
            Verdict::Fail
        );
        assert!(Verdict::Fail.is_failure());
    }

    #[test]
    fn a_listed_divergence_that_still_diverges_is_reported_but_does_not_fail() {
        let verdict = judge(Ok(()), &Ok(Err(Code(WSAEOPNOTSUPP))), Some(&MARKER));
        assert_eq!(verdict, Verdict::KnownDivergence);
        assert!(!verdict.is_failure());
    }

    #[test]
    fn a_listed_divergence_that_now_passes_fails_the_run() {
        let verdict = judge(Ok(()), &Ok(Ok(())), Some(&MARKER));
        assert_eq!(verdict, Verdict::StaleDivergence);
        assert!(verdict.is_failure());
        let verdict = judge(
            Err(Code(WSAEFAULT)),
            &Ok(Err(Code(WSAEFAULT))),
            Some(&MARKER),
        );
        assert_eq!(verdict, Verdict::StaleDivergence);
    }

    #[test]
    fn a_failed_setup_fails_even_when_a_divergence_is_listed() {
        let setup = Err(Stopped::from(SetupFailure {
            step: "socket()",
            code: Code(WSAEINVAL),
        }));
        assert_eq!(judge(Ok(()), &setup, None), Verdict::SetupFailed);
        assert_eq!(judge(Ok(()), &setup, Some(&MARKER)), Verdict::SetupFailed);
        assert!(Verdict::SetupFailed.is_failure());
        assert!(!Verdict::Pass.is_failure());
    }

    #[test]
    fn a_missing_capability_is_not_applicable_neither_pass_nor_failure() {
        let observed = Err(Stopped::NotApplicable("cannot pend"));
        for expected in [Ok(()), Err(Code(WSAEFAULT))] {
            assert_eq!(judge(expected, &observed, None), Verdict::NotApplicable);
            assert_eq!(
                judge(expected, &observed, Some(&MARKER)),
                Verdict::NotApplicable,
                "not stale: the rule was not tested"
            );
        }
        assert!(!Verdict::NotApplicable.is_failure());
        assert_ne!(Verdict::NotApplicable, Verdict::Pass);
        assert_eq!(Verdict::NotApplicable.to_string(), "n/a");
        assert_eq!(
            Stopped::NotApplicable("cannot pend").to_string(),
            "n/a: cannot pend"
        );
    }

    #[test]
    fn a_crash_or_a_hang_fails_whatever_is_listed() {
        for (observed, verdict, text) in [
            (
                Stopped::Crashed("exit code: 3; boom"),
                Verdict::Crashed,
                "crashed: exit code: 3; boom",
            ),
            (
                Stopped::TimedOut(30),
                Verdict::TimedOut,
                "timed out after 30 s",
            ),
        ] {
            assert_eq!(observed.to_string(), text);
            for known in [None, Some(&MARKER)] {
                assert_eq!(judge(Ok(()), &Err(observed), known), verdict);
            }
            assert!(verdict.is_failure());
        }
        assert_eq!(Verdict::Crashed.label(), "FAIL: crashed");
        assert_eq!(Verdict::TimedOut.label(), "FAIL: timed out");
    }

    const SHORT: ValueMismatch = ValueMismatch {
        result: Err(Code(WSAEMSGSIZE)),
        what: "*SecurityQueryInfoLen",
        expected: 24,
        observed: 8,
    };

    #[test]
    fn a_wrong_value_fails_even_with_the_expected_code() {
        let observed = Err(Stopped::Value(SHORT));
        assert_eq!(
            judge(Err(Code(WSAEMSGSIZE)), &observed, None),
            Verdict::Fail
        );
        assert_eq!(judge(Ok(()), &observed, None), Verdict::Fail);
        assert_eq!(
            judge(Err(Code(WSAEMSGSIZE)), &observed, Some(&MARKER)),
            Verdict::KnownDivergence
        );
        assert_eq!(
            Stopped::Value(SHORT).to_string(),
            "WSAEMSGSIZE (10040), but *SecurityQueryInfoLen was 8 (expected 24)"
        );
    }

    #[test]
    fn check_value_passes_equal_values_and_names_different_ones() {
        assert_eq!(check_value(Ok(()), "flags", 3, 3), Ok(()));
        assert_eq!(
            check_value(Err(Code(WSAEMSGSIZE)), "*SecurityQueryInfoLen", 24, 8),
            Err(Stopped::Value(SHORT))
        );
        let mismatch = check_value(Ok(()), "count", 6, 3).unwrap_err();
        assert_eq!(
            mismatch.to_string(),
            "success, but count was 3 (expected 6)"
        );
    }
}
