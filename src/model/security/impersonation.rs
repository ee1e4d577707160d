//! Per-thread impersonation: whom `WSAImpersonateSocketPeer` made this thread act as.
//!
//! On Windows impersonation sets a token on the calling thread; here it is a thread-local
//! record of the peer's principal, kept until `WSARevertImpersonation` (or another
//! impersonation) replaces it.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::sync::thread_local;
use crate::wire::TargetName;

/// Who the thread acts as, and on behalf of which socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Impersonation {
    /// The identity of the table the socket belongs to (never another table's, also after
    /// that table is dropped: an address would be reused).
    pub table: u64,
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

/// Makes the thread act as `impersonation`. A thread whose locals are being torn down (a
/// call from a thread-local destructor) can keep no impersonation: `WSAENOBUFS`, nothing
/// changed (`with` would panic there, and a panic cannot cross `extern "system"`).
pub(crate) fn begin(impersonation: Impersonation) -> Result<()> {
    CURRENT
        .try_with(|current| *current.borrow_mut() = Some(impersonation))
        .map_err(|_| Error::NoBufferSpace)
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// A thread-local destructor that impersonates: registered before the thread's
    /// impersonation record, so it runs after that record is gone. The call fails with
    /// `WSAENOBUFS` (or, should the record outlive it, succeeds); it used to panic, which
    /// aborts the process across `extern "system"`.
    #[test]
    fn an_impersonation_begun_while_the_thread_ends_never_panics() {
        struct Late(mpsc::Sender<Result<()>>);
        impl Drop for Late {
            fn drop(&mut self) {
                let record = Impersonation {
                    table: 0,
                    socket: 0x100,
                    peer: None,
                    principal: TargetName::from("host/late"),
                };
                let _ = self.0.send(begin(record));
            }
        }
        std::thread_local! {
            static LATE: RefCell<Option<Late>> = const { RefCell::new(None) };
        }
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            LATE.with(|late| *late.borrow_mut() = Some(Late(tx)));
            revert();
        })
        .join()
        .unwrap();
        let outcome = rx.recv().unwrap();
        assert!(
            matches!(outcome, Ok(()) | Err(Error::NoBufferSpace)),
            "{outcome:?}"
        );
    }
}
