//! The Winsock 2 data calls over `WSABUF` arrays: `WSASend`, `WSASendTo`, `WSARecv`,
//! `WSARecvFrom`.
//!
//! Each reaches the same model operation as its Winsock 1 sibling (`send`, `sendto`,
//! `recv`/`recvfrom`): a gather send concatenates its buffers into one payload (one
//! datagram), a scatter receive asks for the buffers' total and spreads what arrives over
//! them in order. The array is read and checked before anything is sent or consumed
//! ([`crate::choices::WSABUF_ARRAYS`]). `lpOverlapped` and `lpCompletionRoutine` go
//! through [`overlapped_result`], as for every overlapped call.
use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, MSG_PUSH_IMMEDIATE, SOCKADDR, SOCKET, SOCK_STREAM, WSABUF,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::overlapped::posted_sends::SendTurn;
use crate::model::{Received, SocketTable};
use crate::sys::addr_out;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::overlapped::{overlapped_result, pending_completer, port_of};
use crate::sys::recv_msg::MsgOut;
use crate::testing::Call;

/// Where a completed transfer reports: the overlapped arguments, and the byte count.
#[derive(Clone, Copy)]
pub(in crate::sys) struct Completion {
    overlapped: *mut OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    /// `lpNumberOfBytesSent` / `lpNumberOfBytesRecvd`.
    count: *mut u32,
}

impl Completion {
    /// The overlapped arguments and the count out-parameter, as the caller gave them.
    pub(in crate::sys) fn new(
        overlapped: *mut OVERLAPPED,
        routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        count: *mut u32,
    ) -> Self {
        Self {
            overlapped,
            routine,
            count,
        }
    }

    /// `WSAEFAULT` for a NULL count without overlapped arguments: the pages let it be NULL
    /// only when the result is reported through the `OVERLAPPED`.
    fn check(self) -> Result<()> {
        let overlapped_args = !self.overlapped.is_null() || self.routine.is_some();
        if self.count.is_null() && !overlapped_args {
            return Err(Error::Fault);
        }
        Ok(())
    }

    /// Runs the transfer through [`overlapped_result`] and, when it completed at once,
    /// writes the count; `Err(WSA_IO_PENDING)` (nothing written) when it pends, or the
    /// transfer's own error.
    ///
    /// # Safety
    /// `overlapped` and `routine` as [`overlapped_result`] requires; `count` NULL or valid
    /// for writes of a `u32`.
    unsafe fn finish(
        self,
        table: &SocketTable,
        call: Call,
        s: SOCKET,
        transfer: impl FnOnce() -> Result<usize>,
    ) -> Result<()> {
        let operation = || transfer().map(|count| count as u32);
        // SAFETY: forwarded from the caller.
        let count =
            unsafe { overlapped_result(table, call, s, self.overlapped, self.routine, operation)? };
        if !self.count.is_null() {
            // SAFETY: non-NULL, and the caller promises a writable u32.
            unsafe { memory::write(self.count, count) };
        }
        Ok(())
    }
}

/// What `WSASend` and `WSASendTo` share: the checks, the gathered payload handed to
/// `send` (told whether it may wait in the call), the completion. An overlapped send on
/// an overlapped stream socket does not wait: while the peer's buffer is full, or while
/// earlier sends of the socket pend, it pends ([`crate::choices::PENDING_SENDS`]).
///
/// # Safety
/// As [`WSASend`].
pub(in crate::sys) unsafe fn gather_send(
    s: SOCKET,
    buffers: *const WSABUF,
    count: u32,
    flags: i32,
    completion: Completion,
    call: Call,
    send: impl FnOnce(&SocketTable, &[u8], bool) -> Result<usize>,
) -> i32 {
    int_result(with_current(|table| {
        let limit = table.gather_limit(s)?;
        completion.check()?;
        // SAFETY: forwarded from the caller.
        let data = unsafe { memory::buffer_array(buffers, count)?.gather(limit)? };
        let pends = !completion.overlapped.is_null()
            && table.with_socket(s, |entry| Ok(entry.overlapped && entry.is_stream()))?;
        if !pends {
            // SAFETY: forwarded from the caller.
            return unsafe { completion.finish(table, call, s, || send(table, &data, true)) };
        }
        let begin = || {
            let port = port_of(table, s, completion.routine)?;
            Ok::<_, Error>(move || {
                // SAFETY: forwarded from the caller: a valid OVERLAPPED until completion.
                unsafe { pending_completer(port, completion.overlapped, completion.routine) }
            })
        };
        let tag = completion.overlapped.addr();
        let operation = || {
            if table.send_turn(s, &data, flags, tag, begin()?)? == SendTurn::Queued {
                return Err(Error::IoPending);
            }
            match send(table, &data, false) {
                Err(Error::WouldBlock) => {
                    table.post_send(s, &data, flags, tag, begin()?)?;
                    Err(Error::IoPending)
                }
                sent => sent,
            }
        };
        // SAFETY: forwarded from the caller.
        unsafe { completion.finish(table, call, s, operation) }
    }))
}

/// [`WSASend`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasend):
/// [`send`](crate::sys::send) with the data gathered from `dwbuffercount` `WSABUF`s (one
/// datagram on a datagram socket), the count written to `*lpnumberofbytessent`.
///
/// Errors, in this order: `WSANOTINITIALISED`, `WSAENOTSOCK`; `WSAEFAULT` for a NULL
/// `lpnumberofbytessent` without overlapped arguments; the array's `WSAEFAULT` and
/// `WSAEINVAL` ([`crate::choices::WSABUF_ARRAYS`]); then those of `send`: `WSAEOPNOTSUPP`
/// (flags other than `MSG_DONTROUTE`, such as `MSG_OOB` or `MSG_PARTIAL`), `WSAENOTCONN`,
/// `WSAESHUTDOWN`, `WSAECONNRESET`, `WSAEMSGSIZE` (a datagram over 65,507 bytes) and a
/// datagram's first-exchange negotiation error. On an overlapped socket with
/// `lpoverlapped` the send completes through it (a deferred completion leaves
/// `*lpnumberofbytessent` unwritten and reports `WSA_IO_PENDING`); on a non-overlapped
/// socket both overlapped arguments are ignored.
///
/// # Safety
/// `lpbuffers` must be NULL or valid for reads of `dwbuffercount` `WSABUF`s whose buffers
/// are readable; `lpnumberofbytessent` NULL or valid for writes of a `u32`; `lpoverlapped`
/// NULL or aligned and valid for reads and writes of an `OVERLAPPED` until the operation
/// completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASend(
    s: SOCKET,
    lpbuffers: *const WSABUF,
    dwbuffercount: u32,
    lpnumberofbytessent: *mut u32,
    dwflags: u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpnumberofbytessent);
    let flags = dwflags as i32;
    let send =
        |table: &SocketTable, data: &[u8], may_wait| table.send_waiting(s, data, flags, may_wait);
    // SAFETY: forwarded from the caller.
    unsafe {
        gather_send(
            s,
            lpbuffers,
            dwbuffercount,
            flags,
            completion,
            Call::Send,
            send,
        )
    }
}

/// [`WSASendTo`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasendto):
/// [`sendto`](crate::sys::sendto) with the data gathered from `dwbuffercount` `WSABUF`s into one
/// datagram, the count written to `*lpnumberofbytessent`. Argument and overlapped handling
/// as [`WSASend`]; then the errors of `sendto` (`WSAEDESTADDRREQ`, `WSAEFAULT` for a short
/// address, `WSAEAFNOSUPPORT`, `WSAEADDRNOTAVAIL`, `WSAEMSGSIZE`, ...).
///
/// # Safety
/// As [`WSASend`]; `lpto` NULL or valid for reads of `itolen` bytes.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSASendTo(
    s: SOCKET,
    lpbuffers: *const WSABUF,
    dwbuffercount: u32,
    lpnumberofbytessent: *mut u32,
    dwflags: u32,
    lpto: *const SOCKADDR,
    itolen: i32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpnumberofbytessent);
    let flags = dwflags as i32;
    let send = |table: &SocketTable, data: &[u8], may_wait| {
        // SAFETY: forwarded from the caller.
        let to = (!lpto.is_null()).then(|| unsafe { memory::sockaddr(lpto, itolen.into()) });
        table.send_to_waiting(s, data, flags, to, may_wait)
    };
    let call = Call::SendTo;
    // SAFETY: forwarded from the caller.
    unsafe { gather_send(s, lpbuffers, dwbuffercount, flags, completion, call, send) }
}

/// The sender's out-parameters of `WSARecvFrom` (both NULL for `WSARecv`).
#[derive(Clone, Copy)]
pub(in crate::sys) struct FromOut {
    pub(in crate::sys) addr: *mut SOCKADDR,
    pub(in crate::sys) len: *mut i32,
}

/// Where a pending receive's data goes: the caller's buffers and sender out-parameters,
/// carried to the thread that fills it.
struct Destination {
    array: memory::BufferArray,
    from: FromOut,
    /// `WSARecvMsg`'s control data.
    msg: Option<MsgOut>,
}

// SAFETY: the pointers are written only by the fill, once, which the caller of the
// overlapped receive allowed until the operation completes ("the buffers and the
// OVERLAPPED must stay valid until completion"), from whichever thread completes it.
unsafe impl Send for Destination {}

impl Destination {
    /// Copies what arrived to the caller; the byte count, or `WSAEMSGSIZE` for a datagram
    /// longer than the buffers (their first bytes written).
    fn deliver(self, received: Received) -> Result<u32> {
        // SAFETY: the buffers are writable and the sender's room was checked when the call
        // started (the caller's promise holds until completion); the data is at most the
        // buffers' total, as asked.
        unsafe {
            self.array.scatter(received.data.as_slice());
            addr_out::write(self.from.addr, self.from.len, received.from);
        }
        if let Some(msg) = self.msg {
            // SAFETY: the WSAMSG and its control buffer stay valid until completion (the
            // caller's promise).
            unsafe { msg.deliver(&received, None)? };
        } else if received.truncated {
            return Err(Error::MessageSize);
        }
        Ok(received.data.len() as u32)
    }
}

/// Posts an overlapped receive that found nothing to take: `WSA_IO_PENDING`, and the
/// operation completes through `completion`'s `OVERLAPPED` when data (or the end, or an
/// error) comes ([`crate::choices::PENDING_RECEIVES`]).
///
/// # Safety
/// As [`WSARecvFrom`], with a non-NULL `lpOverlapped` on an overlapped socket.
unsafe fn post(
    table: &SocketTable,
    s: SOCKET,
    destination: Destination,
    flags: i32,
    completion: Completion,
) -> Result<()> {
    let max = destination.array.total();
    let port = port_of(table, s, completion.routine)?;
    let tag = completion.overlapped.addr();
    table.post_receive(s, max, flags, tag, || {
        // SAFETY: forwarded from the caller: a valid OVERLAPPED until completion.
        let completer =
            unsafe { pending_completer(port, completion.overlapped, completion.routine) };
        Box::new(move |outcome: Result<Received>| {
            completer(outcome.and_then(|received| destination.deliver(received)));
        })
    })?;
    Err(Error::IoPending)
}

/// What `WSARecv`, `WSARecvFrom` and `WSARecvMsg` share: checks, the receive, the
/// scatter, the sender, the control data (`msg`), the completion, the flags out.
///
/// # Safety
/// As [`WSARecvFrom`]; `msg` as [`MsgOut::deliver`] requires.
pub(in crate::sys) unsafe fn receive(
    s: SOCKET,
    buffers: *const WSABUF,
    count: u32,
    flags: *mut u32,
    from: FromOut,
    msg: Option<MsgOut>,
    completion: Completion,
) -> i32 {
    int_result(with_current(|table| {
        let (kind, kind_overlapped) =
            table.with_socket(s, |entry| Ok((entry.kind, entry.overlapped)))?;
        completion.check()?;
        if flags.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: forwarded from the caller.
        let array = unsafe { memory::buffer_array(buffers, count)? };
        // SAFETY: forwarded from the caller.
        unsafe { addr_out::check_room(kind.family, from.addr, from.len)? };
        // SAFETY: non-NULL, and the caller promises a readable u32.
        let mut asked = unsafe { memory::read(flags) } as i32;
        if kind.socket_type == SOCK_STREAM {
            asked &= !MSG_PUSH_IMMEDIATE;
        }
        // An overlapped receive on an overlapped socket does not wait in the call: with
        // nothing to take it pends (blocking or not, facts 1.1).
        let overlapped = !completion.overlapped.is_null() && kind_overlapped;
        let received = match table.recv_waiting(s, array.total(), asked, !overlapped) {
            Err(Error::WouldBlock) if overlapped => {
                let destination = Destination { array, from, msg };
                // SAFETY: forwarded from the caller.
                return unsafe { post(table, s, destination, asked, completion) };
            }
            received => received?,
        };
        // SAFETY: the buffers are writable (the caller's promise) and the data is at most
        // their total, as asked; the sender's room was checked above.
        unsafe {
            array.scatter(received.data.as_slice());
            addr_out::write(from.addr, from.len, received.from);
        }
        if let Some(msg) = msg {
            // SAFETY: forwarded from the caller.
            unsafe { msg.deliver(&received, Some(completion.count))? };
        } else if received.truncated {
            return Err(Error::MessageSize);
        }
        let transfer = || Ok(received.data.len());
        // SAFETY: forwarded from the caller.
        unsafe { completion.finish(table, Call::Recv, s, transfer)? };
        // SAFETY: non-NULL, and the caller promises a writable u32.
        unsafe { memory::write(flags, 0) };
        Ok(())
    }))
}

/// [`WSARecv`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecv):
/// [`recv`](crate::sys::recv) into `dwbuffercount` `WSABUF`s, filled in order; the count goes to
/// `*lpnumberofbytesrecvd` and `*lpflags` (in: `MSG_PEEK`, and on streams `MSG_WAITALL`
/// and the hint `MSG_PUSH_IMMEDIATE`) is set to 0 on success.
///
/// Errors, in this order: `WSANOTINITIALISED`, `WSAENOTSOCK`; `WSAEFAULT` for a NULL
/// `lpnumberofbytesrecvd` without overlapped arguments or a NULL `lpflags`; the array's
/// `WSAEFAULT` and `WSAEINVAL` ([`crate::choices::WSABUF_ARRAYS`]); then those of `recv`:
/// `WSAEOPNOTSUPP` (other flags, [`crate::choices::DATA_FLAGS`]), `WSAENOTCONN`,
/// `WSAEINVAL` (unbound datagram socket), `WSAESHUTDOWN`, `WSAECONNRESET`,
/// and, with nothing to receive, `WSAEWOULDBLOCK` on a non-blocking socket or, for an
/// overlapped receive, at once (an overlapped receive does not wait in the call), while a
/// blocking non-overlapped receive waits as [`recv`](crate::sys::recv) does. A datagram longer than the
/// buffers fills them and fails with `WSAEMSGSIZE`, the rest discarded
/// ([`crate::choices::DATAGRAM_TRUNCATION`]). Overlapped arguments as [`WSASend`]: a
/// deferred completion leaves `*lpnumberofbytesrecvd` and `*lpflags` unwritten (the data is
/// in the buffers at once).
///
/// # Safety
/// `lpbuffers` must be NULL or valid for reads of `dwbuffercount` `WSABUF`s whose buffers
/// are writable; `lpnumberofbytesrecvd` NULL or valid for writes of a `u32`; `lpflags` NULL
/// or valid for reads and writes of a `u32`; `lpoverlapped` NULL or aligned and valid for
/// reads and writes of an `OVERLAPPED` until the operation completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSARecv(
    s: SOCKET,
    lpbuffers: *const WSABUF,
    dwbuffercount: u32,
    lpnumberofbytesrecvd: *mut u32,
    lpflags: *mut u32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let from = FromOut {
        addr: std::ptr::null_mut(),
        len: std::ptr::null_mut(),
    };
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpnumberofbytesrecvd);
    // SAFETY: forwarded from the caller.
    unsafe { receive(s, lpbuffers, dwbuffercount, lpflags, from, None, completion) }
}

/// [`WSARecvFrom`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecvfrom):
/// [`WSARecv`], also giving the sender, as [`recvfrom`](crate::sys::recvfrom) does: if `lpfrom`
/// is not NULL, `lpfromlen` must be non-NULL and hold at least the socket family's address
/// size (`WSAEFAULT` otherwise, checked after the array and before anything is consumed);
/// the address and its length are written when data is received, also for a truncated
/// datagram.
///
/// # Safety
/// As [`WSARecv`]; `lpfrom` NULL or valid for writes of `*lpfromlen` bytes; `lpfromlen`
/// NULL or valid for reads and writes of an `i32`.
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "system" fn WSARecvFrom(
    s: SOCKET,
    lpbuffers: *const WSABUF,
    dwbuffercount: u32,
    lpnumberofbytesrecvd: *mut u32,
    lpflags: *mut u32,
    lpfrom: *mut SOCKADDR,
    lpfromlen: *mut i32,
    lpoverlapped: *mut OVERLAPPED,
    lpcompletionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let from = FromOut {
        addr: lpfrom,
        len: lpfromlen,
    };
    let completion = Completion::new(lpoverlapped, lpcompletionroutine, lpnumberofbytesrecvd);
    // SAFETY: forwarded from the caller.
    unsafe { receive(s, lpbuffers, dwbuffercount, lpflags, from, None, completion) }
}
