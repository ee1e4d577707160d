//! What the reference says `select` and `WSAPoll` report of each socket, from the `select`
//! page's lists and Wine's record of Windows (facts 2.2, 2.3), written apart from the
//! crate's `model/readiness`.

use winsock_emu::sys::{POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, SOCKET, SOCK_STREAM};

use super::{Reference, St};

/// One socket's expected readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub read: bool,
    pub write: bool,
    /// A refused non-blocking connect, not connected since.
    pub except: bool,
    /// `revents` for `events = POLLIN | POLLOUT`.
    pub revents: i16,
}

impl Reference {
    /// Whether `select` and `WSAPoll` can be asked now (Winsock started, a socket alive).
    pub fn can_poll(&self) -> bool {
        self.startups > 0 && !self.socks.is_empty()
    }

    /// Every open handle of every live socket (a socket with a second handle is asked
    /// about through each), with what `select` and `WSAPoll` must report of it.
    pub fn readiness(&self) -> Vec<(SOCKET, Expected)> {
        self.socks
            .iter()
            .flat_map(|(&h, sock)| {
                let stream = sock.ty == SOCK_STREAM;
                let connection =
                    matches!(&sock.state, St::Listening { pending, .. } if !pending.is_empty());
                let data = if stream {
                    !sock.io.inbound.is_empty()
                } else {
                    !sock.io.datagrams.is_empty()
                };
                let finished = stream && sock.io.peer_finished;
                let reset = stream && sock.reset;
                let refused = sock.refused && !matches!(sock.state, St::Connected(_));
                let write = if stream {
                    matches!(sock.state, St::Connected(_))
                } else {
                    true
                };
                let mut revents = 0;
                if connection || data {
                    revents |= POLLRDNORM;
                }
                if write {
                    revents |= POLLWRNORM;
                }
                if refused {
                    // Windows 10 2004 and later (`wsapoll-failed-connect`).
                    revents |= POLLWRNORM | POLLHUP | POLLERR;
                }
                if finished || reset {
                    revents |= POLLHUP;
                }
                if reset {
                    revents |= POLLERR;
                }
                let expected = Expected {
                    read: connection || data || finished || reset,
                    write,
                    except: refused,
                    revents,
                };
                let open = self.handles.get(&h).cloned().unwrap_or_else(|| vec![h]);
                open.into_iter().map(move |handle| (handle, expected))
            })
            .collect()
    }
}
