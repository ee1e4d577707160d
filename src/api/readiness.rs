//! The safe face of readiness: [`Network::poll`] over a set of [`Socket`]s, in the spirit
//! of `WSAPoll` (the same model code answers both).
#![forbid(unsafe_code)]

use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{
    POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM, WSAPOLLFD,
};

use super::{Network, Socket};
use crate::error::Result;

/// What a [`PollEntry`] waits for: `POLLRDNORM` (`read`) and `POLLWRNORM` (`write`) of
/// [`WSAPoll`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsapoll).
/// Hang-ups and errors are reported whatever is asked for.
///
/// ```
/// use winsock_emu::Interest;
/// assert!(Interest::BOTH.read && Interest::BOTH.write);
/// assert!(!Interest::READ.write);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interest {
    /// A connection to accept, or data to read.
    pub read: bool,
    /// Room to send.
    pub write: bool,
}

impl Interest {
    /// Readability only.
    pub const READ: Interest = Interest {
        read: true,
        write: false,
    };
    /// Writability only.
    pub const WRITE: Interest = Interest {
        read: false,
        write: true,
    };
    /// Both.
    pub const BOTH: Interest = Interest {
        read: true,
        write: true,
    };

    fn events(self) -> i16 {
        (if self.read { POLLRDNORM } else { 0 }) | (if self.write { POLLWRNORM } else { 0 })
    }
}

/// What [`Network::poll`] found for one entry: `WSAPoll`'s `revents`, by name.
///
/// ```
/// use winsock_emu::Ready;
/// assert!(!Ready::default().any());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ready {
    /// `POLLRDNORM`: a connection to accept, or data to read (asked for).
    pub read: bool,
    /// `POLLWRNORM`: a send would not block (asked for).
    pub write: bool,
    /// `POLLHUP`: the peer finished sending or reset the connection.
    pub hang_up: bool,
    /// `POLLERR`: the connection was reset.
    pub error: bool,
    /// `POLLNVAL`: the socket was closed (before or during the call).
    pub closed: bool,
}

impl Ready {
    /// Whether anything was reported.
    pub fn any(&self) -> bool {
        self.read || self.write || self.hang_up || self.error || self.closed
    }

    fn from_revents(revents: i16) -> Self {
        Ready {
            read: revents & POLLRDNORM != 0,
            write: revents & POLLWRNORM != 0,
            hang_up: revents & POLLHUP != 0,
            error: revents & POLLERR != 0,
            closed: revents & POLLNVAL != 0,
        }
    }
}

/// One socket of a [`Network::poll`] call: what it waits for, and what was found.
#[derive(Debug)]
pub struct PollEntry<'a> {
    /// The socket.
    pub socket: &'a Socket,
    /// What to wait for.
    pub interest: Interest,
    /// What the call found (written by [`Network::poll`]).
    pub ready: Ready,
}

impl<'a> PollEntry<'a> {
    /// An entry for `socket`, waiting for `interest`.
    ///
    /// ```
    /// use winsock_emu::{Domain, Interest, Network, PollEntry, Type};
    /// let net = Network::new();
    /// let _started = net.startup().unwrap();
    /// let socket = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    /// let entry = PollEntry::new(&socket, Interest::WRITE);
    /// assert!(!entry.ready.any(), "nothing found before a poll");
    /// ```
    pub fn new(socket: &'a Socket, interest: Interest) -> Self {
        PollEntry {
            socket,
            interest,
            ready: Ready::default(),
        }
    }
}

impl Network {
    /// [`WSAPoll`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsapoll)
    /// over `entries`: waits until one is ready or `timeout` passes on the network's clock
    /// (`None`: no limit; zero: at once), fills each entry's [`Ready`], and returns how many
    /// entries found something (0 on timeout). The rules are `WSAPoll`'s; a socket of
    /// another network names no socket here.
    ///
    /// Errors: `WSANOTINITIALISED`, `WSAEINVAL` (no entries), `WSAENOTSOCK` (no entry names
    /// a socket of this network: each is then [`Ready::closed`]), `WSAENETDOWN` when the wait
    /// stalls ([`crate::choices::STALL_ENDS_THE_CALL`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use winsock_emu::{Domain, Interest, Network, PollEntry, Type};
    ///
    /// let net = Network::new();
    /// let _started = net.startup().unwrap();
    /// let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    /// let at = listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
    /// listener.listen(5).unwrap();
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    ///
    /// let mut entries = [PollEntry::new(&listener, Interest::READ)];
    /// assert_eq!(net.poll(&mut entries, Some(Duration::ZERO)), Ok(0));
    /// client.connect(at).unwrap();
    /// assert_eq!(net.poll(&mut entries, None), Ok(1));
    /// assert!(entries[0].ready.read, "a connection to accept");
    /// ```
    pub fn poll(&self, entries: &mut [PollEntry<'_>], timeout: Option<Duration>) -> Result<usize> {
        let mut fds: Vec<WSAPOLLFD> = entries
            .iter()
            .map(|entry| WSAPOLLFD {
                fd: entry.socket.as_raw(),
                events: entry.interest.events(),
                revents: 0,
            })
            .collect();
        let outcome = self.table.poll(&mut fds, timeout);
        if matches!(outcome, Ok(_) | Err(crate::Error::NotSocket)) {
            for (entry, fd) in entries.iter_mut().zip(&fds) {
                entry.ready = Ready::from_revents(fd.revents);
            }
        }
        outcome
    }
}
