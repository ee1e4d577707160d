//! The data-path calls of a sequence: `send`, `sendto`, `WSASendTo`, `recv`, `recvfrom` and
//! `shutdown`; their arguments (valid and invalid buffers, lengths, flags, addresses and
//! address rooms), how they are generated, and how each is made through `sys` with
//! sentinel-filled out-parameters whose every byte is checked against the reference.

use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::{
    self, MSG_DONTROUTE, MSG_OOB, MSG_PEEK, MSG_WAITALL, OVERLAPPED, SD_BOTH, SD_RECEIVE, SD_SEND,
    SIO_UDP_CONNRESET, SOCKADDR, SOCKET, SOCKET_ERROR, WSABUF, WSAEMSGSIZE,
};

use super::ops::{addr, encode, int, ioctl, overlapped_arg, AddrSpec};
use super::reference::{Outcome, Received, Reference};

/// A `buf`/`len` pair to send from.
#[derive(Debug, Clone)]
pub enum Payload {
    /// `len` bytes: `seed`, `seed + 1`, ... (so each datagram and stream chunk is told apart).
    Bytes { len: usize, seed: u8 },
    /// A NULL `buf` with this length.
    Null(i32),
    /// A readable `buf` with a negative length.
    Negative,
}

impl Payload {
    /// The bytes the buffer holds (none for NULL).
    pub fn bytes(&self) -> Vec<u8> {
        match *self {
            Payload::Bytes { len, seed } => (0..len).map(|i| seed.wrapping_add(i as u8)).collect(),
            Payload::Null(_) => Vec::new(),
            Payload::Negative => vec![0x77; 4],
        }
    }

    /// The buffer (None: NULL) and the length to declare.
    fn arg(&self) -> (Option<Vec<u8>>, i32) {
        match *self {
            Payload::Bytes { len, .. } => (Some(self.bytes()), len as i32),
            Payload::Null(len) => (None, len),
            Payload::Negative => (Some(self.bytes()), -1),
        }
    }
}

/// A receive buffer: NULL or 64 sentinel bytes, and the length declared.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub null: bool,
    pub len: i32,
}

/// `recvfrom`'s `from` (NULL or 128 sentinel bytes) and `fromlen` (None: NULL).
#[derive(Debug, Clone, Copy)]
pub struct FromArg {
    pub null: bool,
    pub len: Option<i32>,
}

/// `sendto`'s `to`, with a negative `tolen` instead of the address's own length if asked.
#[derive(Debug, Clone, Copy)]
pub struct To {
    pub addr: AddrSpec,
    pub negative_len: bool,
}

/// A data-path call.
#[derive(Debug, Clone)]
pub enum DataOp {
    Send {
        payload: Payload,
        flags: i32,
    },
    SendTo {
        payload: Payload,
        flags: i32,
        to: To,
    },
    /// `WSASendTo` with `bufs` as its `WSABUF`s (None: a NULL array with a count of 1).
    WsaSendTo {
        bufs: Option<Vec<Payload>>,
        /// Whether `lpNumberOfBytesSent` is given.
        sent: bool,
        overlapped_args: bool,
        flags: u32,
        to: To,
    },
    /// `recv`, or `recvfrom` when `from` is given.
    Recv {
        room: Room,
        flags: i32,
        from: Option<FromArg>,
    },
    Shutdown {
        how: i32,
    },
    /// `WSAIoctl(SIO_UDP_CONNRESET)` with `input` as its `BOOL` (None: a NULL buffer) and
    /// `len` as `cbInBuffer`.
    UdpConnReset {
        input: Option<i32>,
        len: u32,
    },
}

/// Mostly small payloads (inline and heap-sized datagrams), sometimes empty, NULL,
/// negative, or one byte over the largest datagram.
pub fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        30 => (prop::sample::select(vec![1usize, 3, 5, 22, 23, 40]), any::<u8>())
            .prop_map(|(len, seed)| Payload::Bytes { len, seed }),
        3 => Just(Payload::Bytes { len: 0, seed: 0 }),
        2 => prop::sample::select(vec![0i32, 4]).prop_map(Payload::Null),
        2 => Just(Payload::Negative),
        1 => Just(Payload::Bytes { len: 65_508, seed: 9 }),
    ]
}

pub fn send_flags() -> impl Strategy<Value = i32> {
    prop_oneof![12 => Just(0), 2 => Just(MSG_DONTROUTE), 1 => prop::sample::select(vec![MSG_OOB, MSG_PEEK])]
}

pub fn recv_flags() -> impl Strategy<Value = i32> {
    prop_oneof![
        10 => Just(0),
        3 => Just(MSG_PEEK),
        2 => Just(MSG_WAITALL),
        1 => prop::sample::select(vec![MSG_PEEK | MSG_WAITALL, MSG_OOB, MSG_DONTROUTE]),
    ]
}

pub fn to() -> impl Strategy<Value = To> {
    (addr(), prop::bool::weighted(0.03)).prop_map(|(addr, negative_len)| To { addr, negative_len })
}

pub fn room() -> impl Strategy<Value = Room> {
    prop_oneof![
        8 => Just(Room { null: false, len: 64 }),
        3 => prop::sample::select(vec![1i32, 3, 22]).prop_map(|len| Room { null: false, len }),
        1 => prop::sample::select(vec![
            Room { null: false, len: 0 },
            Room { null: true, len: 0 },
            Room { null: true, len: 8 },
            Room { null: false, len: -1 },
        ]),
    ]
}

pub fn from_arg() -> impl Strategy<Value = Option<FromArg>> {
    let given = prop_oneof![
        6 => prop::sample::select(vec![128i32, 16, 28]).prop_map(|len| FromArg { null: false, len: Some(len) }),
        1 => prop::sample::select(vec![
            FromArg { null: false, len: Some(15) },
            FromArg { null: false, len: Some(27) },
            FromArg { null: false, len: None },
            FromArg { null: true, len: None },
            FromArg { null: true, len: Some(0) },
        ]),
    ];
    prop::option::weighted(0.6, given)
}

/// A `recvfrom` with room for any sender.
pub fn recv_from_any() -> DataOp {
    DataOp::Recv {
        room: Room {
            null: false,
            len: 64,
        },
        flags: 0,
        from: Some(FromArg {
            null: false,
            len: Some(128),
        }),
    }
}

fn wsabufs() -> impl Strategy<Value = Option<Vec<Payload>>> {
    let buf = prop_oneof![
        8 => (prop::sample::select(vec![0usize, 2, 7]), any::<u8>())
            .prop_map(|(len, seed)| Payload::Bytes { len, seed }),
        1 => Just(Payload::Null(3)),
    ];
    prop_oneof![
        10 => prop::collection::vec(buf, 0..3).prop_map(Some),
        1 => Just(None),
    ]
}

/// One random data-path call.
pub fn data_op() -> impl Strategy<Value = DataOp> {
    prop_oneof![
        6 => (payload(), send_flags()).prop_map(|(payload, flags)| DataOp::Send { payload, flags }),
        8 => (payload(), send_flags(), to())
            .prop_map(|(payload, flags, to)| DataOp::SendTo { payload, flags, to }),
        3 => (
            wsabufs(),
            prop::bool::weighted(0.9),
            prop::bool::weighted(0.2),
            send_flags(),
            to()
        )
            .prop_map(|(bufs, sent, overlapped_args, flags, to)| DataOp::WsaSendTo {
                bufs,
                sent,
                overlapped_args,
                flags: flags as u32,
                to,
            }),
        10 => (room(), recv_flags(), from_arg())
            .prop_map(|(room, flags, from)| DataOp::Recv { room, flags, from }),
        2 => prop_oneof![8 => prop::sample::select(vec![SD_RECEIVE, SD_SEND, SD_BOTH]), 1 => Just(7)]
            .prop_map(|how| DataOp::Shutdown { how }),
        2 => (
            prop_oneof![4 => prop::sample::select(vec![0, 1, -2]).prop_map(Some), 1 => Just(None)],
            prop_oneof![8 => Just(4u32), 1 => prop::sample::select(vec![0u32, 3, 8])],
        )
            .prop_map(|(input, len)| DataOp::UdpConnReset { input, len }),
    ]
}

/// A count-returning call's outcome: the count, or `SOCKET_ERROR` and the last error.
fn count(rc: i32) -> Outcome {
    match usize::try_from(rc) {
        Ok(n) => Ok(n),
        Err(_) => {
            assert_eq!(rc, SOCKET_ERROR, "a count call returned a negative count");
            Err(unsafe { sys::WSAGetLastError() })
        }
    }
}

/// The address bytes and the length to declare (negative if asked).
fn to_arg(to: &To) -> (Option<Vec<u8>>, i32) {
    let (bytes, len) = to.addr.bytes();
    let len = if to.negative_len { -1 } else { len as i32 };
    (bytes, len)
}

fn ptr_of(bytes: &Option<Vec<u8>>) -> *const u8 {
    bytes.as_ref().map_or(ptr::null(), |b| b.as_ptr())
}

/// Runs a data-path call on `s` through `sys` and on the reference.
pub fn run_data(op: &DataOp, s: SOCKET, model: &mut Reference) -> (Outcome, Outcome) {
    match op {
        DataOp::Send { payload, flags } => {
            let (buf, len) = payload.arg();
            let actual = count(unsafe { sys::send(s, ptr_of(&buf), len, *flags) });
            (actual, model.send(model.socket_of(s), payload, *flags))
        }
        DataOp::SendTo { payload, flags, to } => {
            let (buf, len) = payload.arg();
            let (addr, tolen) = to_arg(to);
            let p = ptr_of(&addr).cast::<SOCKADDR>();
            let actual = count(unsafe { sys::sendto(s, ptr_of(&buf), len, *flags, p, tolen) });
            (
                actual,
                model.send_to(model.socket_of(s), payload, *flags, to),
            )
        }
        DataOp::WsaSendTo {
            bufs,
            sent,
            overlapped_args,
            flags,
            to,
        } => wsa_send_to(
            s,
            bufs.as_deref(),
            *sent,
            *overlapped_args,
            *flags,
            to,
            model,
        ),
        DataOp::Recv { room, flags, from } => recv(s, *room, *flags, *from, model),
        DataOp::Shutdown { how } => (
            int(unsafe { sys::shutdown(s, *how) }),
            model.shutdown(model.socket_of(s), *how),
        ),
        DataOp::UdpConnReset { input, len } => {
            // Room for the 8 bytes the longest `len` declares.
            let bytes = input.map(|v| [v.to_ne_bytes(), [0; 4]].concat());
            let actual = ioctl(s, SIO_UDP_CONNRESET, ptr_of(&bytes), *len, false);
            (
                actual,
                model.udp_connreset(model.socket_of(s), *input, *len),
            )
        }
    }
}

/// `WSASendTo` with a sentinel in `*lpNumberOfBytesSent`: the count on success, untouched
/// on failure. The outcome is the count written (0 when no pointer was given).
fn wsa_send_to(
    s: SOCKET,
    bufs: Option<&[Payload]>,
    sent: bool,
    overlapped_args: bool,
    flags: u32,
    to: &To,
    model: &mut Reference,
) -> (Outcome, Outcome) {
    let contents: Vec<Vec<u8>> = bufs
        .unwrap_or_default()
        .iter()
        .map(Payload::bytes)
        .collect();
    let array: Vec<WSABUF> = bufs
        .unwrap_or_default()
        .iter()
        .zip(&contents)
        .map(|(payload, bytes)| match payload {
            Payload::Null(len) => WSABUF {
                len: *len as u32,
                buf: ptr::null_mut(),
            },
            _ => WSABUF {
                len: bytes.len() as u32,
                buf: bytes.as_ptr().cast_mut(),
            },
        })
        .collect();
    let (p, n) = match bufs {
        Some(_) => (array.as_ptr(), array.len() as u32),
        None => (ptr::null(), 1),
    };
    let (addr, tolen) = to_arg(to);
    let mut count_sent = 0xdead_beef_u32;
    let sent_ptr = if sent {
        &mut count_sent as *mut u32
    } else {
        ptr::null_mut()
    };
    let mut block = OVERLAPPED::default();
    let o = overlapped_arg(overlapped_args, &mut block);
    let rc = unsafe {
        sys::WSASendTo(
            s,
            p,
            n,
            sent_ptr,
            flags,
            ptr_of(&addr).cast::<SOCKADDR>(),
            tolen,
            o,
            None,
        )
    };
    let actual = int(rc).map(|_| if sent { count_sent as usize } else { 0 });
    if actual.is_err() {
        assert_eq!(
            count_sent, 0xdead_beef,
            "*lpNumberOfBytesSent written on failure"
        );
    }
    let m = model.socket_of(s);
    let expected = model
        .wsa_send_to(m, bufs, sent, overlapped_args, flags, to)
        .map(|n| if sent { n } else { 0 });
    (actual, expected)
}

/// `recv` or `recvfrom` into sentinel-filled buffers: on success (and on a truncated
/// datagram) exactly the reference's bytes and sender, nothing past them; on any other
/// failure nothing written.
fn recv(
    s: SOCKET,
    room: Room,
    flags: i32,
    from: Option<FromArg>,
    model: &mut Reference,
) -> (Outcome, Outcome) {
    let mut buf = [0xcdu8; 64];
    let mut addr = [0xabu8; 128];
    let mut addr_len = from.and_then(|f| f.len).unwrap_or(-7);
    let b = if room.null {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let rc = match from {
        None => unsafe { sys::recv(s, b, room.len, flags) },
        Some(f) => {
            let a = if f.null {
                ptr::null_mut()
            } else {
                addr.as_mut_ptr().cast::<SOCKADDR>()
            };
            let l = if f.len.is_some() {
                &mut addr_len as *mut i32
            } else {
                ptr::null_mut()
            };
            unsafe { sys::recvfrom(s, b, room.len, flags, a, l) }
        }
    };
    let actual = count(rc);
    let expected = model.recv(model.socket_of(s), &room, flags, from.as_ref());
    if let Ok(Received {
        data,
        from: sender,
        truncated,
    }) = &expected
    {
        assert_eq!(&buf[..data.len()], &data[..], "the bytes received");
        assert!(
            buf[data.len()..].iter().all(|&b| b == 0xcd),
            "wrote past the data"
        );
        let want = encode(*sender);
        match from {
            Some(FromArg {
                null: false,
                len: Some(_),
            }) => {
                assert_eq!(&addr[..want.len()], &want[..], "the sender");
                assert!(
                    addr[want.len()..].iter().all(|&b| b == 0xab),
                    "wrote past the sender"
                );
                assert_eq!(addr_len as usize, want.len(), "*fromlen");
            }
            _ => assert!(addr.iter().all(|&b| b == 0xab), "wrote a sender to no room"),
        }
        let expected = if *truncated {
            Err(WSAEMSGSIZE)
        } else {
            Ok(data.len())
        };
        return (actual, expected);
    }
    assert!(buf.iter().all(|&b| b == 0xcd), "wrote data on failure");
    assert!(addr.iter().all(|&b| b == 0xab), "wrote a sender on failure");
    assert_eq!(
        addr_len,
        from.and_then(|f| f.len).unwrap_or(-7),
        "wrote *fromlen on failure"
    );
    (actual, expected.map(|r| r.data.len()))
}
