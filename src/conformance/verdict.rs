//! How an observed result is judged: pass, fail, or a known divergence (Wine's `todo_wine`).
#![forbid(unsafe_code)]

use std::fmt;

use super::divergences::Divergence;
use super::session::SetupFailure;
use crate::backend::CallResult;

/// What a scenario observed on one backend: the result of the call under test, or the
/// setup step that failed first.
pub type Observed = Result<CallResult, SetupFailure>;

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
}

impl Verdict {
    /// Whether this verdict fails the run.
    pub const fn is_failure(self) -> bool {
        matches!(
            self,
            Verdict::Fail | Verdict::StaleDivergence | Verdict::SetupFailed
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
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Judges `observed` against `expected`, given the known divergence listed for this case
/// and backend, if any.
pub fn judge(expected: CallResult, observed: &Observed, known: Option<&Divergence>) -> Verdict {
    match (observed, known) {
        (Err(_), _) => Verdict::SetupFailed,
        (Ok(result), None) if *result == expected => Verdict::Pass,
        (Ok(_), None) => Verdict::Fail,
        (Ok(result), Some(_)) if *result == expected => Verdict::StaleDivergence,
        (Ok(_), Some(_)) => Verdict::KnownDivergence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{BackendKind, Code};
    use windows_sys::Win32::Networking::WinSock::{WSAEFAULT, WSAEINVAL, WSAEOPNOTSUPP};

    const MARKER: Divergence = Divergence {
        case: "some-case",
        backend: BackendKind::Emulator,
        reason: "for the test",
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
        let setup = Err(SetupFailure {
            step: "socket()",
            code: Code(WSAEINVAL),
        });
        assert_eq!(judge(Ok(()), &setup, None), Verdict::SetupFailed);
        assert_eq!(judge(Ok(()), &setup, Some(&MARKER)), Verdict::SetupFailed);
        assert!(Verdict::SetupFailed.is_failure());
        assert!(!Verdict::Pass.is_failure());
    }
}
