//! Known divergences, all in one place, each with its reason.
//!
//! Wine marks the checks its implementation does not yet pass with `todo_wine`; a marked
//! check that starts to pass is reported as a failure, so a fixed difference cannot linger
//! as a marker. Here a [`Divergence`] marks one case on one backend: while the backend
//! still differs, the case is reported as a *known divergence* and does not fail the run;
//! once it gives the expected result, the case fails as a *stale divergence* until the
//! entry below is removed.
//!
//! A difference between real Windows and the emulator that is not listed here fails the
//! run on Windows: it is never hidden.
#![forbid(unsafe_code)]

use crate::backend::BackendKind;

/// One case on which one backend is known to differ from the expected result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Divergence {
    /// The case's id.
    pub case: &'static str,
    /// The backend that differs.
    pub backend: BackendKind,
    /// Why, and what would end it.
    pub reason: &'static str,
}

/// Every known divergence. None today: the last one (`ioctl-set-security-defaults`, from
/// before `WSASetSocketSecurity` was emulated) was removed when it landed.
pub const KNOWN_DIVERGENCES: &[Divergence] = &[];

/// The known divergence of `case` on `backend`, if one is listed.
pub fn known_divergence(case: &str, backend: BackendKind) -> Option<&'static Divergence> {
    KNOWN_DIVERGENCES
        .iter()
        .find(|divergence| divergence.case == case && divergence.backend == backend)
}
