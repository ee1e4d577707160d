//! Emulated access tokens: the `PeerApplicationAccessTokenHandle` and
//! `PeerMachineAccessTokenHandle` a `WSAQuerySocketSecurity` answer holds when its template
//! sets `PeerTokenAccessMask`, each standing for a principal the negotiation authenticated
//! ([`crate::choices::TOKEN_KINDS`]).
//!
//! Tokens are kernel handles of the process on Windows, closed with `CloseHandle` from any
//! thread, and they outlive the socket they came from. So the registry is process-wide, as
//! the events' is: a token handle is valid until it is closed, exactly once. Handles are
//! [`crate::choices::FIRST_TOKEN`]` + 4n`, never reused, so a token handle never equals a
//! socket or event handle ([`crate::model::handles`]).
//!
//! One `parking_lot::Mutex` guards the registry; it is a leaf, taken with no other lock
//! held.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use parking_lot::Mutex;
use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::error::{Error, Result};
use crate::wire::TargetName;

/// Which of a query answer's two tokens a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    /// `PeerApplicationAccessTokenHandle`: "the account under which the peer application
    /// is running" (the user the peer's settings authenticated).
    Application,
    /// `PeerMachineAccessTokenHandle`: "the peer computer's account" (the principal the
    /// peer's host or socket authenticates as).
    Machine,
}

/// What an emulated access token stands for: read it with [`crate::token_info`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TokenInfo {
    /// Which of the two tokens it is.
    pub kind: TokenKind,
    /// The principal it stands for: an SPN such as `host/client.contoso.com` for a machine
    /// token, `DOMAIN\user` for an application token.
    pub principal: TargetName,
    /// The `PeerTokenAccessMask` it was opened with.
    pub access_mask: u32,
    /// The socket whose query opened it.
    pub socket: SOCKET,
}

/// The registry.
struct Registry {
    /// Each open token.
    open: BTreeMap<usize, TokenInfo>,
    /// How many tokens were ever opened: the next handle is derived from it.
    opened: u64,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    open: BTreeMap::new(),
    opened: 0,
});

/// The `n`th token handle: `FIRST_TOKEN + 4n`.
fn nth_handle(n: u64) -> Option<usize> {
    let offset = usize::try_from(n).ok()?.checked_mul(4)?;
    choices::FIRST_TOKEN.checked_add(offset)
}

/// Opens a token standing for `info`. Once the handle space is spent, `WSAENOBUFS`.
pub(crate) fn open(info: TokenInfo) -> Result<usize> {
    let mut registry = REGISTRY.lock();
    let handle = nth_handle(registry.opened).ok_or(Error::NoBufferSpace)?;
    registry.opened += 1;
    registry.open.insert(handle, info);
    Ok(handle)
}

/// Closes the token `handle`: `ERROR_INVALID_HANDLE` if it names no open token (never
/// opened, or closed already).
pub(crate) fn close(handle: usize) -> Result<()> {
    REGISTRY
        .lock()
        .open
        .remove(&handle)
        .map(drop)
        .ok_or(Error::InvalidHandle)
}

/// What the open token `handle` stands for, or `None` when it names no open token.
pub(crate) fn info(handle: usize) -> Option<TokenInfo> {
    REGISTRY.lock().open.get(&handle).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(name: &str) -> TokenInfo {
        TokenInfo {
            kind: TokenKind::Machine,
            principal: TargetName::from(name),
            access_mask: 4,
            socket: 0x100,
        }
    }

    #[test]
    fn a_token_closes_exactly_once() {
        let handle = open(machine("host/a")).unwrap();
        assert_eq!(handle % 4, choices::FIRST_TOKEN % 4);
        assert_eq!(info(handle).map(|i| i.principal), Some("host/a".into()));
        assert_eq!(close(handle), Ok(()));
        assert_eq!(close(handle), Err(Error::InvalidHandle));
        assert_eq!(info(handle), None);
    }

    #[test]
    fn handles_are_distinct_and_never_reused() {
        let a = open(machine("host/a")).unwrap();
        close(a).unwrap();
        let b = open(machine("host/b")).unwrap();
        assert_ne!(a, b);
        close(b).unwrap();
        assert_eq!(close(0), Err(Error::InvalidHandle));
    }
}
