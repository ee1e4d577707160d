//! Deferred overlapped completion, a testing aid on [`Network`]: make operations pend,
//! then complete them ([`PendingOperation`]).
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::Network;
use crate::error::Error;

/// An overlapped operation that returned `WSA_IO_PENDING` because its network was told to
/// defer it ([`Network::defer_overlapped`]). Completing it reports the outcome as Windows
/// would: the `OVERLAPPED`'s status fields are written, then its `hEvent` is signalled or
/// its completion routine is queued to the thread that made the call, which runs it in its
/// next alertable wait.
///
/// Each operation is reported once: by [`complete`](Self::complete), by
/// [`fail`](Self::fail), or with `WSA_OPERATION_ABORTED` when its socket is closed.
///
/// ```
/// use winsock_emu::{sys::*, Network};
///
/// let net = Network::new();
/// let _current = net.enter();
/// let _wsa = net.startup()?;
/// unsafe {
///     let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP); // overlapped
///     let name = winsock_emu::PeerTargetName::new("0.0.0.0:0".parse().unwrap(), "host/a").to_bytes();
///     let mut overlapped = OVERLAPPED { hEvent: WSACreateEvent() as HANDLE, ..Default::default() };
///     // One writable pointer for the whole operation: the completion writes through it
///     // (`&mut overlapped` passed as `*const` would be a read-only reborrow).
///     let ov = std::ptr::addr_of_mut!(overlapped);
///     let event = (*ov).hEvent;
///
///     net.defer_overlapped(1);
///     let rc = WSASetSocketPeerTargetName(s, name.as_ptr().cast(), name.len() as u32, ov, None);
///     assert_eq!((rc, WSAGetLastError()), (SOCKET_ERROR, WSA_IO_PENDING));
///
///     let (mut bytes, mut flags) = (0, 0);
///     assert_eq!(WSAGetOverlappedResult(s, ov, &mut bytes, FALSE, &mut flags), FALSE);
///     assert_eq!(WSAGetLastError(), WSA_IO_INCOMPLETE);
///
///     assert!(net.pending_operations()[0].complete());
///     assert_eq!(WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE), WSA_WAIT_EVENT_0 as u32);
///     assert_eq!(WSAGetOverlappedResult(s, ov, &mut bytes, FALSE, &mut flags), TRUE);
///     WSACloseEvent(event as WSAEVENT);
///     closesocket(s);
/// }
/// # Ok::<(), winsock_emu::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PendingOperation {
    network: Network,
    id: u64,
    socket: SOCKET,
}

impl PendingOperation {
    /// Wraps the model's record of a pending operation.
    pub(crate) fn new(network: Network, id: u64, socket: SOCKET) -> Self {
        Self {
            network,
            id,
            socket,
        }
    }

    /// The socket the operation was started on.
    pub fn socket(&self) -> SOCKET {
        self.socket
    }

    /// Completes the operation successfully. `false` if it was no longer pending (already
    /// completed, or aborted by closing its socket).
    pub fn complete(&self) -> bool {
        self.network.table.complete_pending(self.id, None)
    }

    /// Completes the operation with `error`, as the network stack may fail an operation
    /// after it started: `WSAGetOverlappedResult` then reports `error`, and the completion
    /// routine gets its code as `dwError`. What the call did is not undone
    /// ([`crate::choices::DEFERRED_COMPLETION`]). `false` if it was no longer pending.
    pub fn fail(&self, error: Error) -> bool {
        self.network.table.complete_pending(self.id, Some(error))
    }
}

impl Network {
    /// Makes the next `count` overlapped operations on this network pend: each call
    /// returns `SOCKET_ERROR` with `WSA_IO_PENDING` and completes when the test completes
    /// it through [`pending_operations`](Self::pending_operations) (or closes its socket).
    /// 0 restores the default, in which every operation completes at once, as on Windows.
    /// Only calls with an `OVERLAPPED` on overlapped sockets count.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.defer_overlapped(1); // the next overlapped call pends (see PendingOperation)
    /// assert!(net.pending_operations().is_empty());
    /// net.defer_overlapped(0);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn defer_overlapped(&self, count: usize) {
        self.table.defer_overlapped(count);
    }

    /// The operations pending on this network, oldest first.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert!(net.pending_operations().is_empty());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn pending_operations(&self) -> Vec<PendingOperation> {
        self.table
            .pending_operations()
            .into_iter()
            .map(|info| PendingOperation::new(self.clone(), info.id, info.socket))
            .collect()
    }
}
