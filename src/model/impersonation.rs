//! Per-thread impersonation: whom `WSAImpersonateSocketPeer` made this thread act as.
//!
//! On Windows impersonation sets a token on the calling thread; here it is a thread-local
//! record of the peer's principal, kept until `WSARevertImpersonation` (or another
//! impersonation) replaces it.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::wire::TargetName;

/// Who the thread acts as, and on behalf of which socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Impersonation {
    /// The address of the table the socket belongs to (an identity, never dereferenced).
    pub table: usize,
    /// The socket whose peer is impersonated.
    pub socket: SOCKET,
    /// The peer, for a datagram socket.
    pub peer: Option<SocketAddr>,
    /// The peer's principal: who the thread acts as.
    pub principal: TargetName,
}

thread_local! {
    static CURRENT: RefCell<Option<Impersonation>> = const { RefCell::new(None) };
}

/// Makes the thread act as `impersonation`.
pub(crate) fn begin(impersonation: Impersonation) {
    CURRENT.with(|current| *current.borrow_mut() = Some(impersonation));
}

/// Ends the thread's impersonation, if any.
pub(crate) fn revert() {
    // A thread being torn down has nothing left to revert.
    let _ = CURRENT.try_with(|current| current.borrow_mut().take());
}

/// The thread's impersonation, if any.
pub(crate) fn current() -> Option<Impersonation> {
    CURRENT
        .try_with(|current| current.borrow().clone())
        .ok()
        .flatten()
}
