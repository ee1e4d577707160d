//! Overlapped stream sends that pend while the peer's receive buffer is full
//! ([`crate::choices::PENDING_SENDS`]): posted by an overlapped `WSASend` or `WSASendTo`
//! on an overlapped socket whose send would block, and sent in posting order by the
//! thread whose change made room (a receive, a larger `SO_RCVBUF`) or ended the
//! connection (a close, a reset, a shutdown), after it released every lock.
//!
//! A send is attempted through the ordinary send path, which takes the topology lock and
//! signals the network itself, so no list lock can be held while it runs. One thread at
//! a time drains the list (the *filler*, [`PostedSends::filler`], only ever `try_lock`ed,
//! so it orders against nothing); a thread that finds it busy leaves a flag that makes
//! the filler go round once more. While a socket has sends posted, later overlapped sends
//! on it queue behind them, so they reach the peer in the order they were made.
//!
//! Locking: the list's lock is a leaf, held only to push, count and take; the filler
//! holds no other lock while it sends, and the completions run after it let go.
#![forbid(unsafe_code)]

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::choices;
use crate::error::{Error, Result};
use crate::model::sync::Mutex;
use crate::model::SocketTable;

/// Reports a posted send's outcome (the bytes sent, or the error) to the caller's
/// `OVERLAPPED`.
pub(crate) type Sent = super::Completer;

/// One posted send.
struct Posted {
    socket: SOCKET,
    /// The caller's `OVERLAPPED` address, for `CancelIoEx`.
    tag: usize,
    data: Vec<u8>,
    flags: i32,
    sent: Sent,
}

/// The sends posted on one table, oldest first, and how many bytes each socket holds.
#[derive(Default)]
struct List {
    posted: VecDeque<Posted>,
    /// For each socket with posted sends: how many, and their bytes (bounded by
    /// [`choices::MAX_POSTED_SEND_BYTES`]). An entry lives until its last send ends, also
    /// while the filler holds the sends outside the list.
    held: HashMap<SOCKET, (usize, usize)>,
}

impl List {
    /// Counts one send of `len` bytes on `socket` as ended.
    fn release(&mut self, socket: SOCKET, len: usize) {
        if let Some((count, bytes)) = self.held.get_mut(&socket) {
            *count -= 1;
            *bytes -= len;
            if *count == 0 {
                self.held.remove(&socket);
            }
        }
    }
}

/// A table's posted sends.
#[derive(Default)]
pub(crate) struct PostedSends {
    list: Mutex<List>,
    /// How many sends are posted: read by every change, so it is a lone atomic.
    count: AtomicUsize,
    /// Held by the one thread draining the list; only ever `try_lock`ed.
    filler: Mutex<()>,
    /// Set by a change that found the filler busy: it goes round once more.
    again: AtomicBool,
}

impl fmt::Debug for PostedSends {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostedSends")
            .field("posted", &self.count.load(Ordering::Relaxed))
            .finish()
    }
}

impl PostedSends {
    /// Checks the socket's bound, then queues the send (its data copied only then), with
    /// `list` (this table's list) locked.
    fn push(
        &self,
        list: &mut List,
        socket: SOCKET,
        data: &[u8],
        flags: i32,
        tag: usize,
        begin: impl FnOnce() -> Sent,
    ) -> Result<()> {
        let (_, held) = list.held.get(&socket).copied().unwrap_or((0, 0));
        if data.len() > choices::MAX_POSTED_SEND_BYTES.saturating_sub(held) {
            return Err(Error::NoBufferSpace);
        }
        let sent = begin();
        let entry = list.held.entry(socket).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += data.len();
        list.posted.push_back(Posted {
            socket,
            tag,
            data: data.to_vec(),
            flags,
            sent,
        });
        self.count.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Whether an overlapped send on `socket` goes behind posted ones, or may be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendTurn {
    /// No send is posted on the socket: the send is attempted in the call.
    Now,
    /// Sends are posted on the socket: this one was posted behind them.
    Queued,
}

impl SocketTable {
    /// Whether `socket` has overlapped sends posted; if so, posts this one behind them
    /// (`begin` marks the caller's `OVERLAPPED` pending and builds its report), so it is
    /// sent after them. `WSAENOBUFS` when the socket's posted sends would hold more than
    /// [`choices::MAX_POSTED_SEND_BYTES`].
    pub(crate) fn send_turn(
        &self,
        socket: SOCKET,
        data: &[u8],
        flags: i32,
        tag: usize,
        begin: impl FnOnce() -> Sent,
    ) -> Result<SendTurn> {
        if self.posted_sends.count.load(Ordering::SeqCst) == 0 {
            return Ok(SendTurn::Now);
        }
        // The socket's sends, whichever of its handles is given.
        let socket = self.socket_of(socket)?;
        let mut list = self.posted_sends.list.lock();
        if !list.held.contains_key(&socket) {
            return Ok(SendTurn::Now);
        }
        self.posted_sends
            .push(&mut list, socket, data, flags, tag, begin)?;
        Ok(SendTurn::Queued)
    }

    /// Posts an overlapped send of `data` on `socket`, whose attempt would block:
    /// `sent` runs once, when the bytes are queued to the peer or the connection ends
    /// (with `WSAECONNABORTED` when the socket is closed). `begin` runs under the list's
    /// lock, so it must not call back into the table; `tag` is the caller's `OVERLAPPED`
    /// address, which [`Self::take_sends`] matches. `WSAENOBUFS` as [`Self::send_turn`].
    pub(crate) fn post_send(
        &self,
        socket: SOCKET,
        data: &[u8],
        flags: i32,
        tag: usize,
        begin: impl FnOnce() -> Sent,
    ) -> Result<()> {
        let socket = self.socket_of(socket)?;
        {
            let mut list = self.posted_sends.list.lock();
            self.posted_sends
                .push(&mut list, socket, data, flags, tag, begin)?;
        }
        // Room may have come between the attempt and the post.
        self.fill_sends();
        Ok(())
    }

    /// Takes the sends posted on `socket` (only the one whose `OVERLAPPED` is at `tag`,
    /// when given), for `CancelIoEx`: their reports, to run with `WSA_OPERATION_ABORTED`
    /// once no lock is held. A send the filler is attempting at that instant is not
    /// taken: it completes as it would have.
    pub(crate) fn take_sends(&self, socket: SOCKET, tag: Option<usize>) -> Vec<Sent> {
        let mut list = self.posted_sends.list.lock();
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(list.posted.len());
        while let Some(op) = list.posted.pop_front() {
            if op.socket == socket && tag.is_none_or(|tag| tag == op.tag) {
                list.release(op.socket, op.data.len());
                self.posted_sends.count.fetch_sub(1, Ordering::SeqCst);
                taken.push(op.sent);
            } else {
                kept.push_back(op);
            }
        }
        list.posted = kept;
        taken
    }

    /// After a change that may make room or end a connection: sends what can be sent.
    /// Called with no lock held; one atomic load when nothing is posted.
    pub(in crate::model) fn room_changed(&self) {
        if self.posted_sends.count.load(Ordering::SeqCst) > 0 {
            self.fill_sends();
        }
    }

    /// Drains the posted sends if no other thread is doing so; otherwise makes that
    /// thread go round once more.
    fn fill_sends(&self) {
        let posted = &self.posted_sends;
        loop {
            posted.again.store(true, Ordering::SeqCst);
            let Some(filler) = posted.filler.try_lock() else {
                return;
            };
            let mut ended = Vec::new();
            while posted.again.swap(false, Ordering::SeqCst) {
                self.fill_sends_once(&mut ended);
            }
            drop(filler);
            for (sent, outcome) in ended {
                sent(outcome);
            }
            // A change that found the filler busy after its last round: go again.
            if !posted.again.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// One round: attempts every posted send in posting order (a socket's later ones only
    /// once its earlier ones are sent), with no list lock held while sending; those that
    /// ended go to `ended`, the rest back to the front of the list.
    fn fill_sends_once(&self, ended: &mut Vec<(Sent, Result<u32>)>) {
        let round = std::mem::take(&mut self.posted_sends.list.lock().posted);
        let mut waiting: Vec<SOCKET> = Vec::new();
        let mut kept = VecDeque::with_capacity(round.len());
        for op in round {
            if waiting.contains(&op.socket) {
                kept.push_back(op);
                continue;
            }
            let outcome = match self.send_unobserved(op.socket, &op.data, op.flags) {
                Err(Error::WouldBlock) => {
                    waiting.push(op.socket);
                    kept.push_back(op);
                    continue;
                }
                Err(Error::NotSocket | Error::NotInitialised) => Err(Error::ConnectionAborted),
                // At most MAX_POSTED_SEND_BYTES, so the count fits.
                outcome => outcome.map(|sent| sent as u32),
            };
            let mut list = self.posted_sends.list.lock();
            list.release(op.socket, op.data.len());
            self.posted_sends.count.fetch_sub(1, Ordering::SeqCst);
            ended.push((op.sent, outcome));
        }
        let mut list = self.posted_sends.list.lock();
        // Sends posted meanwhile (on sockets with none held) go after the kept ones.
        kept.append(&mut list.posted);
        list.posted = kept;
    }
}
