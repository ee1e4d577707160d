//! A socket's own overlapped calls in the random sequences: `WSASend` and `WSARecv` with
//! an `OVERLAPPED` on a socket associated with a completion port. Each is made only when
//! the reference says it completes within the call (the send fits, data or the end of the
//! stream is waiting, no error): its result, and then the packet it queues to the
//! socket's port (the bytes, the socket's key, the `OVERLAPPED`'s address), which the
//! sequence's `GetQueuedCompletionStatus` calls dequeue and check
//! ([`super::port_ops`]). A call the reference says would pend or fail is not made: a
//! pending one would complete at a moment the reference does not model. Every call
//! returns within itself (the sockets are non-blocking, the port calls' timeouts zero).

use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::{self, OVERLAPPED, SOCKET, WSABUF};

use super::data_ops::{Payload, Room};
use super::ops::int;
use super::reference::{Outcome, Reference};

/// One overlapped call.
#[derive(Debug, Clone)]
pub enum IoOp {
    /// `WSASend` of `len` bytes (`seed`, `seed + 1`, ...).
    Send { len: usize, seed: u8 },
    /// `WSARecv` into 64 sentinel bytes.
    Recv,
}

/// A random overlapped call.
pub fn io_op() -> impl Strategy<Value = IoOp> {
    prop_oneof![
        (prop::sample::select(vec![1usize, 3, 22]), any::<u8>())
            .prop_map(|(len, seed)| IoOp::Send { len, seed }),
        Just(IoOp::Recv),
    ]
}

/// The receive room: 64 bytes, as `recv`'s.
const ROOM: Room = Room {
    null: false,
    len: 64,
};

/// Runs `op` on the socket `s`: with an `OVERLAPPED` when `s` is associated, overlapped
/// and the reference says the call completes at once (then its packet is queued in the
/// reference's port); otherwise no call is made and both sides report `Ok(0)`.
pub fn run_io(op: &IoOp, s: SOCKET, model: &mut Reference) -> (Outcome, Outcome) {
    let m = model.socket_of(s);
    let Some((port, key)) = model.ports.key_of(m, model) else {
        return (Ok(0), Ok(0));
    };
    if !model.is_overlapped(m) {
        return (Ok(0), Ok(0));
    }
    // What the call would do, on a copy of the reference.
    let mut trial = model.clone();
    match op {
        IoOp::Send { len, seed } => {
            let payload = Payload::Bytes {
                len: *len,
                seed: *seed,
            };
            if trial.send(m, &payload, 0) != Ok(*len) {
                return (Ok(0), Ok(0));
            }
            let expected = model.send(m, &payload, 0);
            let bytes = payload.bytes();
            let buf = WSABUF {
                len: bytes.len() as u32,
                buf: bytes.as_ptr().cast_mut(),
            };
            let mut sent = 0xdead_beef_u32;
            let block = new_block(model);
            let rc = unsafe { sys::WSASend(s, &buf, 1, &mut sent, 0, block, None) };
            let actual = int(rc).map(|_| sent as usize);
            model.ports.queue(port, (*len as u32, key, block.addr()));
            (actual, expected)
        }
        IoOp::Recv => {
            let predicted = trial.recv(m, &ROOM, 0, None);
            if !matches!(&predicted, Ok(r) if !r.truncated) {
                return (Ok(0), Ok(0));
            }
            let Ok(received) = model.recv(m, &ROOM, 0, None) else {
                unreachable!("the copy said it succeeds");
            };
            let mut room = [0xcdu8; 64];
            let buf = WSABUF {
                len: 64,
                buf: room.as_mut_ptr(),
            };
            let (mut got, mut flags) = (0xdead_beef_u32, 0u32);
            let block = new_block(model);
            let rc = unsafe { sys::WSARecv(s, &buf, 1, &mut got, &mut flags, block, None) };
            let actual = int(rc).map(|_| got as usize);
            let n = received.data.len();
            assert_eq!(&room[..n], &received.data[..], "the bytes received");
            assert!(room[n..].iter().all(|&b| b == 0xcd), "wrote past the data");
            model.ports.queue(port, (n as u32, key, block.addr()));
            (actual, Ok(n))
        }
    }
}

/// The `OVERLAPPED`s of a sequence's overlapped calls, each at its own address until the
/// sequence ends.
#[derive(Default, Clone)]
// Boxed: a packet holds a block's address, which must not move when the Vec grows.
#[allow(clippy::vec_box)]
pub struct Blocks(Vec<Box<OVERLAPPED>>);

impl std::fmt::Debug for Blocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} OVERLAPPED blocks", self.0.len())
    }
}

/// A zeroed `OVERLAPPED` the reference keeps for the rest of the sequence.
fn new_block(model: &mut Reference) -> *mut OVERLAPPED {
    let blocks = &mut model.ports.blocks.0;
    blocks.push(Box::default());
    let last = blocks.last_mut().expect("just pushed");
    ptr::from_mut(&mut **last)
}
