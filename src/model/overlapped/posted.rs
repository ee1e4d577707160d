//! Overlapped receives that pend until data arrives: posted by an overlapped `WSARecv` or
//! `WSARecvFrom` that found nothing to take, filled in posting order (facts 1.3) by the
//! thread whose change made them satisfiable (data, the peer's FIN or reset, a close),
//! after it released every lock.
//!
//! The model never touches the caller's buffers: `sys` hands it a [`Fill`], which copies
//! the data into the `WSABUF`s and completes the `OVERLAPPED`. A receive is attempted
//! again, under this list's lock, after every change ([`SocketTable::signal`]); with no
//! receive posted that costs one atomic load.
//!
//! Locking: the posted lock is taken after the topology lock (never held here) and before
//! a shard lock; the fills run with no lock held.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::Ordering;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::error::{Error, Result};
use crate::model::data::Received;
use crate::model::SocketTable;

/// Copies a receive's outcome to the caller and completes its overlapped operation.
pub(crate) type Fill = Box<dyn FnOnce(Result<Received>) + Send>;

/// One posted receive.
struct Posted {
    socket: SOCKET,
    /// The caller's `OVERLAPPED` address, for `CancelIoEx`.
    tag: usize,
    max: usize,
    flags: i32,
    fill: Fill,
}

/// A table's posted receives, oldest first.
#[derive(Default)]
pub(crate) struct PostedReceives(VecDeque<Posted>);

impl fmt::Debug for PostedReceives {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostedReceives")
            .field("posted", &self.0.len())
            .finish()
    }
}

impl SocketTable {
    /// Posts an overlapped receive of up to `max` bytes on `socket`, which found nothing to
    /// take: `fill` runs once, when data, the end of the stream or an error comes, or with
    /// `WSAECONNABORTED` when the socket is closed ([`crate::choices::PENDING_RECEIVES`]).
    /// `WSAENOTSOCK` if the socket was closed meanwhile, before `begin` ran. `begin` (run
    /// under the posted lock, so it must not call back into the table) marks the caller's
    /// `OVERLAPPED` pending and builds the fill; `tag` is that `OVERLAPPED`'s address, which
    /// [`Self::take_receives`] matches.
    pub(crate) fn post_receive(
        &self,
        socket: SOCKET,
        max: usize,
        flags: i32,
        tag: usize,
        begin: impl FnOnce() -> Fill,
    ) -> Result<()> {
        // Posted on the socket, whichever of its handles is given.
        let socket = self.socket_of(socket)?;
        {
            let mut posted = self.posted.lock();
            self.with_entry(socket, |entry| {
                entry.overlapped_started = true;
                Ok(())
            })?;
            let fill = begin();
            posted.0.push_back(Posted {
                socket,
                tag,
                max,
                flags,
                fill,
            });
            self.posted_count.fetch_add(1, Ordering::SeqCst);
        }
        // Data may have come between the attempt and the post.
        self.fill_posted();
        Ok(())
    }

    /// After a change: wakes the blocked calls, fills the posted receives that can be, sends
    /// the posted sends that can be and attempts the posted `AcceptEx` operations.
    /// Called with no lock held.
    pub(in crate::model) fn signal(&self) {
        self.waits.changed();
        if self.posted_count.load(Ordering::SeqCst) > 0 {
            self.fill_posted();
        }
        self.room_changed();
        self.fill_accepts();
    }

    /// Takes the receives posted on `socket` (only the one whose `OVERLAPPED` is at `tag`,
    /// when given), for `CancelIoEx`: their fills, to run with `WSA_OPERATION_ABORTED` once
    /// no lock is held.
    pub(crate) fn take_receives(&self, socket: SOCKET, tag: Option<usize>) -> Vec<Fill> {
        let mut posted = self.posted.lock();
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(posted.0.len());
        while let Some(op) = posted.0.pop_front() {
            if op.socket == socket && tag.is_none_or(|tag| tag == op.tag) {
                taken.push(op.fill);
            } else {
                kept.push_back(op);
            }
        }
        posted.0 = kept;
        self.posted_count.store(posted.0.len(), Ordering::SeqCst);
        taken
    }

    /// Attempts every posted receive in posting order (a socket's later ones only once its
    /// earlier ones are filled), then runs the fills of those that ended, with no lock held.
    fn fill_posted(&self) {
        let mut ready = Vec::new();
        {
            let mut posted = self.posted.lock();
            let mut waiting: Vec<SOCKET> = Vec::new();
            let mut kept = VecDeque::with_capacity(posted.0.len());
            while let Some(op) = posted.0.pop_front() {
                if waiting.contains(&op.socket) {
                    kept.push_back(op);
                    continue;
                }
                match self.recv_now(op.socket, op.max, op.flags) {
                    Err(Error::WouldBlock) => {
                        waiting.push(op.socket);
                        kept.push_back(op);
                    }
                    Err(Error::NotSocket | Error::NotInitialised) => {
                        ready.push((op.fill, Err(Error::ConnectionAborted)));
                    }
                    outcome => ready.push((op.fill, outcome)),
                }
            }
            posted.0 = kept;
            self.posted_count.store(posted.0.len(), Ordering::SeqCst);
        }
        if ready.is_empty() {
            return;
        }
        // Room freed for senders.
        self.waits.changed();
        self.room_changed();
        for (fill, outcome) in ready {
            fill(outcome);
        }
    }
}
