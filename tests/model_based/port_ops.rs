//! Completion ports in the random sequences: `CreateIoCompletionPort` (a new port, or a
//! socket's association with one), `PostQueuedCompletionStatus`, `GetQueuedCompletionStatus`
//! and `GetQueuedCompletionStatusEx` with a zero timeout, and `CloseHandle` on a port, with
//! valid, closed and made-up handles (and a run of them, [`port_piece`]), and the reference's rules for them
//! ([`Ports`], written here from the pages: packets first in, first out; a socket joins one
//! port, until it closes or the port does; a closed or unknown handle is
//! `ERROR_INVALID_HANDLE`).
//!
//! The sockets' own overlapped calls complete to their port when associated. The other
//! calls on an associated socket are made without their overlapped arguments
//! ([`Op::without_overlapped`]); overlapped `WSASend` and `WSARecv` ([`PortOp::Io`],
//! `port_io.rs`) are made with an `OVERLAPPED` when they complete at once, and the
//! reference queues their packets, so every packet in a port is one the reference knows.

use std::collections::{BTreeMap, VecDeque};
use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::{
    self, CloseHandle, CreateIoCompletionPort, GetQueuedCompletionStatus,
    GetQueuedCompletionStatusEx, PostQueuedCompletionStatus, ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER, FALSE, HANDLE, INVALID_HANDLE_VALUE, OVERLAPPED, OVERLAPPED_ENTRY,
    SOCKET, TRUE, WAIT_TIMEOUT,
};

use super::ops::{Op, Seen, H};
use super::port_io::{io_op, run_io, Blocks, IoOp};
use super::reference::{Outcome, Reference};

/// A port argument: one the sequence created (possibly closed since), or a made-up value.
#[derive(Debug, Clone, Copy)]
pub enum PortArg {
    /// The `n`th port created, counting back from the latest.
    Recent(usize),
    /// A value no object has: 0, an unaligned handle, `INVALID_HANDLE_VALUE`.
    Raw(usize),
}

/// One completion-port call.
#[derive(Debug, Clone)]
pub enum PortOp {
    /// `CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)`.
    Create,
    /// `CreateIoCompletionPort(s, port, key, 0)`.
    Associate { port: PortArg, key: usize },
    /// `PostQueuedCompletionStatus(port, bytes, key, overlapped)` (an address, never read).
    Post {
        port: PortArg,
        bytes: u32,
        key: usize,
        overlapped: usize,
    },
    /// `GetQueuedCompletionStatus(port, .., 0)`, or the `Ex` form taking up to `ex` packets.
    Dequeue { port: PortArg, ex: Option<u32> },
    /// `CloseHandle(port)`.
    Close { port: PortArg },
    /// An overlapped `WSASend` or `WSARecv` on the socket (`port_io.rs`).
    Io(IoOp),
}

/// A random port call.
pub fn port_op() -> impl Strategy<Value = PortOp> {
    let port = prop_oneof![
        12 => (0..2usize).prop_map(PortArg::Recent),
        1 => prop::sample::select(vec![0usize, 0x102, usize::MAX]).prop_map(PortArg::Raw),
    ];
    let key = prop::sample::select(vec![0usize, 1, 42, usize::MAX]);
    prop_oneof![
        5 => Just(PortOp::Create),
        4 => (port.clone(), key.clone()).prop_map(|(port, key)| PortOp::Associate { port, key }),
        4 => (port.clone(), prop::sample::select(vec![0u32, 7, u32::MAX]), key, 0x10usize..0x20)
            .prop_map(|(port, bytes, key, at)| PortOp::Post {
                port,
                bytes,
                key,
                overlapped: at * 8,
            }),
        4 => (port.clone(), prop::option::of(1u32..3))
            .prop_map(|(port, ex)| PortOp::Dequeue { port, ex }),
        1 => port.prop_map(|port| PortOp::Close { port }),
        4 => io_op().prop_map(PortOp::Io),
    ]
}

/// A packet as `GetQueuedCompletionStatus` reports it: bytes, key, `OVERLAPPED` address.
pub type Packet = (u32, usize, usize);

/// The reference's ports.
#[derive(Debug, Default, Clone)]
pub struct Ports {
    /// Every port handle the sequence was given, in order.
    created: Vec<usize>,
    /// The open ports' packets, oldest first.
    open: BTreeMap<usize, VecDeque<Packet>>,
    /// Each socket (the reference's key) associated with a port, and the port.
    associated: BTreeMap<SOCKET, usize>,
    /// Each associated socket's completion key.
    keys: BTreeMap<SOCKET, usize>,
    /// The `OVERLAPPED`s of the sockets' overlapped calls (`port_io.rs`), kept at their
    /// addresses for as long as the sequence runs.
    pub blocks: Blocks,
}

impl Ports {
    fn resolve(&self, port: PortArg) -> usize {
        match port {
            PortArg::Recent(_) if self.created.is_empty() => 0x7fff_0000,
            PortArg::Recent(n) => self.created[self.created.len() - 1 - n % self.created.len()],
            PortArg::Raw(raw) => raw,
        }
    }

    /// The port socket `m` is associated with, while both are open.
    pub fn port_of(&self, m: SOCKET, model: &Reference) -> Option<usize> {
        let port = *self.associated.get(&m)?;
        (model.is_open(m) && self.open.contains_key(&port)).then_some(port)
    }

    /// The port and completion key of socket `m`, while both are open.
    pub fn key_of(&self, m: SOCKET, model: &Reference) -> Option<(usize, usize)> {
        let port = self.port_of(m, model)?;
        Some((port, *self.keys.get(&m)?))
    }

    /// Queues the packet of an operation that completed on `port`.
    pub fn queue(&mut self, port: usize, packet: Packet) {
        if let Some(queue) = self.open.get_mut(&port) {
            queue.push_back(packet);
        }
    }
}

fn win32_error() -> i32 {
    unsafe { sys::GetLastError() as i32 }
}

fn handle_of(port: usize) -> HANDLE {
    ptr::without_provenance_mut(port)
}

/// Runs `op` (on the socket `s` for an association) against the emulator and the reference.
pub fn run_port(op: &PortOp, h: H, seen: &Seen, model: &mut Reference) -> (Outcome, Outcome) {
    match *op {
        PortOp::Create => {
            let made =
                unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
            let actual = if made.is_null() {
                Err(win32_error())
            } else {
                Ok(made.addr())
            };
            // A new port: any handle no port of the sequence had, never NULL.
            let expected = match actual {
                Ok(port) if port != 0 && !model.ports.created.contains(&port) => {
                    model.ports.created.push(port);
                    model.ports.open.insert(port, VecDeque::new());
                    Ok(port)
                }
                _ => Err(-1),
            };
            (actual, expected)
        }
        PortOp::Associate { port, key } => {
            let s = seen.resolve(h);
            let port = model.ports.resolve(port);
            let got = unsafe { CreateIoCompletionPort(s as HANDLE, handle_of(port), key, 0) };
            let actual = if got.is_null() {
                Err(win32_error())
            } else {
                Ok(got.addr())
            };
            let m = model.socket_of(s);
            let fresh = |model: &mut Reference| match actual {
                Ok(new) if new != 0 && !model.ports.created.contains(&new) => {
                    model.ports.created.push(new);
                    model.ports.open.insert(new, VecDeque::new());
                    Ok(new)
                }
                _ => Err(-1),
            };
            let expected = if s == INVALID_HANDLE_VALUE.addr() {
                // No file: a new port with a NULL port, else the pair is refused.
                if port == 0 {
                    fresh(model)
                } else {
                    Err(ERROR_INVALID_PARAMETER as i32)
                }
            } else if !model.is_open(m) {
                Err(ERROR_INVALID_HANDLE as i32)
            } else if port == 0 {
                // A NULL port: a new one, associated.
                if model.ports.port_of(m, model).is_some() {
                    Err(ERROR_INVALID_PARAMETER as i32)
                } else {
                    let made = fresh(model);
                    if let Ok(new) = made {
                        model.ports.associated.insert(m, new);
                        model.ports.keys.insert(m, key);
                    }
                    made
                }
            } else if !model.ports.open.contains_key(&port) {
                Err(ERROR_INVALID_HANDLE as i32)
            } else if model.ports.port_of(m, model).is_some() {
                Err(ERROR_INVALID_PARAMETER as i32)
            } else {
                model.ports.associated.insert(m, port);
                model.ports.keys.insert(m, key);
                Ok(port)
            };
            (actual, expected)
        }
        PortOp::Post {
            port,
            bytes,
            key,
            overlapped,
        } => {
            let port = model.ports.resolve(port);
            let ov = ptr::without_provenance_mut::<OVERLAPPED>(overlapped);
            let ok = unsafe { PostQueuedCompletionStatus(handle_of(port), bytes, key, ov) };
            let actual = if ok == TRUE {
                Ok(0)
            } else {
                Err(win32_error())
            };
            let expected = match model.ports.open.get_mut(&port) {
                Some(queue) => {
                    queue.push_back((bytes, key, overlapped));
                    Ok(0)
                }
                None => Err(ERROR_INVALID_HANDLE as i32),
            };
            (actual, expected)
        }
        PortOp::Dequeue { port, ex } => {
            let port = model.ports.resolve(port);
            match ex {
                None => dequeue_one(port, model),
                Some(count) => dequeue_ex(port, count, model),
            }
        }
        PortOp::Io(ref io) => run_io(io, seen.resolve(h), model),
        PortOp::Close { port } => {
            let port = model.ports.resolve(port);
            let ok = unsafe { CloseHandle(handle_of(port)) };
            let actual = if ok == TRUE {
                Ok(0)
            } else {
                Err(win32_error())
            };
            let expected = match model.ports.open.remove(&port) {
                Some(_) => {
                    model.ports.associated.retain(|_, p| *p != port);
                    Ok(0)
                }
                None => Err(ERROR_INVALID_HANDLE as i32),
            };
            (actual, expected)
        }
    }
}

/// `GetQueuedCompletionStatus` with a zero timeout and sentinel outputs: the packet's
/// outputs exactly, or (no packet) `*lpOverlapped` NULL and the others untouched.
fn dequeue_one(port: usize, model: &mut Reference) -> (Outcome, Outcome) {
    let (mut bytes, mut key) = (0x5e47_u32, 0x5e47_usize);
    let mut ov = ptr::without_provenance_mut::<OVERLAPPED>(0x5e47);
    let ok =
        unsafe { GetQueuedCompletionStatus(handle_of(port), &mut bytes, &mut key, &mut ov, 0) };
    let actual = if ok == TRUE {
        Ok(0)
    } else {
        Err(win32_error())
    };
    let taken = match model.ports.open.get_mut(&port) {
        Some(queue) => queue.pop_front().ok_or(WAIT_TIMEOUT as i32),
        None => Err(ERROR_INVALID_HANDLE as i32),
    };
    match taken {
        Ok(packet) => assert_eq!((bytes, key, ov.addr()), packet, "the packet's outputs"),
        Err(_) => {
            assert_eq!(
                (bytes, key),
                (0x5e47, 0x5e47),
                "outputs written without a packet"
            );
            assert!(ov.is_null(), "*lpOverlapped not NULL without a packet");
        }
    }
    (actual, taken.map(|_| 0))
}

/// `GetQueuedCompletionStatusEx` for up to `count` packets, zero timeout, not alertable:
/// the entries taken, oldest first.
fn dequeue_ex(port: usize, count: u32, model: &mut Reference) -> (Outcome, Outcome) {
    let mut entries = [OVERLAPPED_ENTRY::default(); 2];
    let mut removed = 0x5e47_u32;
    let ok = unsafe {
        GetQueuedCompletionStatusEx(
            handle_of(port),
            entries.as_mut_ptr(),
            count,
            &mut removed,
            0,
            FALSE,
        )
    };
    let actual = if ok == TRUE {
        Ok(removed as usize)
    } else {
        Err(win32_error())
    };
    let expected = match model.ports.open.get_mut(&port) {
        Some(queue) if queue.is_empty() => Err(WAIT_TIMEOUT as i32),
        Some(queue) => {
            let taken: Vec<Packet> = (0..count).map_while(|_| queue.pop_front()).collect();
            if actual.is_ok() {
                let got: Vec<Packet> = entries[..removed as usize]
                    .iter()
                    .map(|e| {
                        let packet = (e.dwNumberOfBytesTransferred, e.lpCompletionKey);
                        (packet.0, packet.1, e.lpOverlapped.addr())
                    })
                    .collect();
                assert_eq!(got, taken, "the entries taken");
            }
            Ok(taken.len())
        }
        None => Err(ERROR_INVALID_HANDLE as i32),
    };
    (actual, expected)
}

/// A run random calls would rarely line up: a port made, the latest socket associated
/// with it (or refused), packets posted, then taken one at a time and several at once,
/// and sometimes the port closed with packets still queued.
pub fn port_piece() -> impl Strategy<Value = Vec<Op>> {
    let key = prop::sample::select(vec![1usize, 42]);
    (key, 1u32..4, any::<bool>()).prop_map(|(key, posts, close)| {
        let recent = PortArg::Recent(0);
        let port = |op| Op::Port {
            h: H::Recent(0),
            op,
        };
        let mut ops = vec![
            port(PortOp::Create),
            port(PortOp::Associate { port: recent, key }),
        ];
        for n in 0..posts {
            ops.push(port(PortOp::Post {
                port: recent,
                bytes: n,
                key,
                overlapped: 0x80 + 8 * n as usize,
            }));
        }
        // The latest socket's own overlapped calls, when it can make them at once.
        ops.push(port(PortOp::Io(IoOp::Send { len: 3, seed: 7 })));
        ops.push(port(PortOp::Io(IoOp::Recv)));
        ops.push(port(PortOp::Dequeue {
            port: recent,
            ex: None,
        }));
        ops.push(port(PortOp::Dequeue {
            port: recent,
            ex: Some(2),
        }));
        if close {
            ops.push(port(PortOp::Close { port: recent }));
        }
        ops
    })
}
