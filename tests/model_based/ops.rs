//! The calls a random sequence is made of, how they are generated, and how each is made
//! through the raw `sys` face (with buffers laid out by hand here, not by the crate).
//!
//! To cover a new entry point: add a variant to [`Op`], a strategy arm in [`op`], a `run`
//! arm below and the rule in `reference.rs`. Pieces of several calls that random calls
//! would rarely line up are in `pieces.rs`.

use std::net::SocketAddr;
use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::{
    self, AF_INET, AF_INET6, AF_UNIX, INVALID_SOCKET, IPPROTO_TCP, IPPROTO_UDP, OVERLAPPED,
    SOCKADDR, SOCKET, SOCKET_ERROR, SOCKET_PEER_TARGET_NAME, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM,
    WSADATA, WSAEAFNOSUPPORT, WSAEFAULT, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAESOCKTNOSUPPORT,
};

use super::data_ops::{data_op, run_data, DataOp};
use super::port_ops::{port_op, run_port, PortOp};
use super::reference::{Outcome, Reference};
use super::security_ops::{run_security, security_op, SecurityOp};

/// A handle argument: one the sequence was given earlier (possibly closed since), or a raw
/// value no socket ever had.
#[derive(Debug, Clone, Copy)]
pub enum H {
    /// The `n`th handle given, counting from the first.
    Seen(usize),
    /// The `n`th handle given, counting back from the latest.
    Recent(usize),
    Raw(SOCKET),
}

/// A (family, type, protocol) request and what the catalogue resolves it to.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub af: i32,
    pub ty: i32,
    pub protocol: i32,
}

impl Kind {
    /// The catalogue, for the triples the strategy draws (`choices::SOCKET_CATALOG`).
    pub fn resolved(&self) -> Result<(u16, i32, i32), i32> {
        let (af, ty, p) = (self.af, self.ty, self.protocol);
        let ip = af == i32::from(AF_INET) || af == i32::from(AF_INET6);
        match (ip, af == i32::from(AF_UNIX), ty, p) {
            (true, _, SOCK_STREAM, 0 | IPPROTO_TCP) => Ok((af as u16, ty, IPPROTO_TCP)),
            (true, _, SOCK_DGRAM, 0 | IPPROTO_UDP) => Ok((af as u16, ty, IPPROTO_UDP)),
            (true, _, SOCK_STREAM, IPPROTO_UDP) | (true, _, SOCK_DGRAM, IPPROTO_TCP) => {
                Err(WSAEPROTOTYPE)
            }
            (true, _, SOCK_RAW, 0..=255) => Ok((af as u16, ty, p)),
            (true, _, SOCK_STREAM | SOCK_DGRAM, _) => Err(WSAEPROTONOSUPPORT),
            (true, _, _, _) => Err(WSAESOCKTNOSUPPORT),
            (_, true, SOCK_STREAM, 0) => Ok((AF_UNIX, ty, 0)),
            (_, true, SOCK_STREAM, _) => Err(WSAEPROTONOSUPPORT),
            (_, true, _, _) => Err(WSAESOCKTNOSUPPORT),
            _ => Err(WSAEAFNOSUPPORT),
        }
    }
}

/// A `SOCKADDR` argument.
#[derive(Debug, Clone, Copy)]
pub enum AddrSpec {
    /// A NULL pointer (with a plausible length).
    Null,
    /// A length of 0.
    Empty,
    /// The address, one byte short of its form.
    Short(SocketAddr),
    /// A zeroed `SOCKADDR_IN`-sized structure (family `AF_UNSPEC`).
    UnspecifiedZero,
    /// Another family, with non-zero bytes.
    Other(u16),
    /// A well-formed `SOCKADDR_IN` / `SOCKADDR_IN6`.
    Ip(SocketAddr),
}

/// `addr` laid out as Windows does: `SOCKADDR_IN` (16 bytes) or `SOCKADDR_IN6` (28).
pub fn encode(addr: SocketAddr) -> Vec<u8> {
    match addr {
        SocketAddr::V4(v4) => {
            let mut out = vec![0u8; 16];
            out[0..2].copy_from_slice(&AF_INET.to_le_bytes());
            out[2..4].copy_from_slice(&v4.port().to_be_bytes());
            out[4..8].copy_from_slice(&v4.ip().octets());
            out
        }
        SocketAddr::V6(v6) => {
            let mut out = vec![0u8; 28];
            out[0..2].copy_from_slice(&AF_INET6.to_le_bytes());
            out[2..4].copy_from_slice(&v6.port().to_be_bytes());
            out[4..8].copy_from_slice(&v6.flowinfo().to_le_bytes());
            out[8..24].copy_from_slice(&v6.ip().octets());
            out[24..28].copy_from_slice(&v6.scope_id().to_le_bytes());
            out
        }
    }
}

impl AddrSpec {
    /// The bytes to pass (None: NULL) and the length to declare.
    pub fn bytes(&self) -> (Option<Vec<u8>>, usize) {
        match *self {
            AddrSpec::Null => (None, 16),
            AddrSpec::Empty => (Some(vec![0u8; 16]), 0),
            AddrSpec::Short(addr) => {
                let bytes = encode(addr);
                let len = bytes.len() - 1;
                (Some(bytes), len)
            }
            AddrSpec::UnspecifiedZero => (Some(vec![0u8; 16]), 16),
            AddrSpec::Other(family) => {
                let mut bytes = vec![0x5au8; 16];
                bytes[0..2].copy_from_slice(&family.to_le_bytes());
                (Some(bytes), 16)
            }
            AddrSpec::Ip(addr) => {
                let bytes = encode(addr);
                let len = bytes.len();
                (Some(bytes), len)
            }
        }
    }
}

/// How `PeerTargetNameStringLen` relates to the units in the buffer.
#[derive(Debug, Clone, Copy)]
pub enum StrLen {
    Exact,
    Zero,
    Odd,
    /// One unit more than given (the buffer's zero padding is read as the last unit).
    OneMore,
    Huge,
}

/// How `PeerTargetNameLen` relates to the structure.
#[derive(Debug, Clone, Copy)]
pub enum DeclLen {
    /// `sizeof(SOCKET_PEER_TARGET_NAME)` plus the units: what callers usually pass.
    Struct,
    /// Exactly the header plus `PeerTargetNameStringLen`: the smallest valid length.
    Tight,
    /// One byte less than `Tight`.
    TightMinus1,
    /// Shorter than the header.
    HeaderMinus1,
    Zero,
}

/// A `SOCKET_PEER_TARGET_NAME` argument.
#[derive(Debug, Clone)]
pub struct NameSpec {
    pub null: bool,
    pub protocol: i32,
    pub peer: AddrSpec,
    pub units: Vec<u16>,
    pub str_len: StrLen,
    pub decl: DeclLen,
}

impl NameSpec {
    /// `PeerTargetNameStringLen`.
    pub fn string_len(&self) -> u32 {
        let bytes = self.units.len() as u32 * 2;
        match self.str_len {
            StrLen::Exact => bytes,
            StrLen::Zero => 0,
            StrLen::Odd => bytes + 1,
            StrLen::OneMore => bytes + 2,
            StrLen::Huge => 70_000,
        }
    }

    /// `PeerTargetNameLen`.
    pub fn declared_len(&self) -> u32 {
        let tight = 140 + self.string_len();
        match self.decl {
            DeclLen::Struct => 144 + self.units.len() as u32 * 2,
            DeclLen::Tight => tight,
            DeclLen::TightMinus1 => tight - 1,
            DeclLen::HeaderMinus1 => 139,
            DeclLen::Zero => 0,
        }
    }

    /// The units a stored name of `byte_len` bytes holds: the given ones, then the zero padding.
    pub fn stored_units(&self, byte_len: u32) -> Vec<u16> {
        let mut units = self.units.clone();
        units.resize(byte_len as usize / 2, 0);
        units
    }

    /// The structure, laid out by hand (offsets 0, 8, 136, 140), never shorter than declared.
    pub fn bytes(&self) -> Vec<u8> {
        let len = (self.declared_len() as usize).max(144 + 2 * self.units.len());
        let mut out = vec![0u8; len];
        out[0..4].copy_from_slice(&self.protocol.to_le_bytes());
        if let (Some(peer), n) = self.peer.bytes() {
            out[8..8 + n].copy_from_slice(&peer[..n]);
        }
        out[136..140].copy_from_slice(&self.string_len().to_le_bytes());
        for (i, unit) in self.units.iter().enumerate() {
            out[140 + 2 * i..142 + 2 * i].copy_from_slice(&unit.to_le_bytes());
        }
        out
    }
}

/// One call of a sequence.
#[derive(Debug, Clone)]
pub enum Op {
    Startup(u16),
    Cleanup,
    Create {
        kind: Kind,
        overlapped: bool,
    },
    Bind {
        h: H,
        addr: AddrSpec,
    },
    Listen {
        h: H,
        backlog: i32,
    },
    Connect {
        h: H,
        addr: AddrSpec,
        wsa: bool,
    },
    Accept {
        h: H,
        room: Option<i32>,
    },
    Close {
        h: H,
    },
    /// `WSADuplicateSocketW`, then `WSASocketW` with the structure it wrote.
    Duplicate {
        h: H,
    },
    SetName {
        h: H,
        name: NameSpec,
        ioctl: bool,
        overlapped_args: bool,
    },
    DeleteName {
        h: H,
        addr: AddrSpec,
        ioctl: bool,
        overlapped_args: bool,
    },
    /// `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer`,
    /// `WSARevertImpersonation` (which ignores `h`).
    Security {
        h: H,
        op: SecurityOp,
    },
    /// `send`, `sendto`, `WSASendTo`, `recv`, `recvfrom`, `shutdown`.
    Data {
        h: H,
        op: DataOp,
    },
    /// The completion-port calls (`h`: the socket an association names).
    Port {
        h: H,
        op: PortOp,
    },
}

impl Op {
    /// The same call without its overlapped arguments: for a socket associated with a
    /// completion port, whose packets the reference models only for the overlapped
    /// `WSASend` and `WSARecv` of `port_io.rs`.
    fn without_overlapped(&self) -> Op {
        let mut op = self.clone();
        match &mut op {
            Op::SetName {
                overlapped_args, ..
            }
            | Op::DeleteName {
                overlapped_args, ..
            } => {
                *overlapped_args = false;
            }
            Op::Security {
                op:
                    SecurityOp::Set {
                        overlapped_args, ..
                    }
                    | SecurityOp::Query {
                        overlapped_args, ..
                    },
                ..
            } => *overlapped_args = false,
            Op::Data {
                op: DataOp::WsaSendTo {
                    overlapped_args, ..
                },
                ..
            } => *overlapped_args = false,
            _ => {}
        }
        op
    }

    /// The handle the call is made on, if it takes one.
    fn handle(&self) -> Option<H> {
        match self {
            Op::Bind { h, .. }
            | Op::Listen { h, .. }
            | Op::Connect { h, .. }
            | Op::Accept { h, .. }
            | Op::Close { h }
            | Op::Duplicate { h }
            | Op::SetName { h, .. }
            | Op::DeleteName { h, .. }
            | Op::Security { h, .. }
            | Op::Data { h, .. }
            | Op::Port { h, .. } => Some(*h),
            Op::Startup(_) | Op::Cleanup | Op::Create { .. } => None,
        }
    }
}

pub fn ip() -> impl Strategy<Value = SocketAddr> {
    let common = prop::sample::select(vec!["127.0.0.1:80", "[::1]:80", "0.0.0.0:0", "[::]:0"]);
    let any = prop::sample::select(vec![
        "127.0.0.1:80",
        "0.0.0.0:80",
        "127.0.0.1:0",
        "0.0.0.0:0",
        "192.0.2.1:53",
        "192.0.2.1:0",
        "0.0.0.0:53",
        "127.0.0.1:49152",
        "[::1]:80",
        "[::]:80",
        "[::]:0",
        "[::1]:0",
        "[2001:db8::1]:53",
        "[2001:db8::1%3]:53",
        "[::ffff:127.0.0.1]:80",
    ]);
    prop_oneof![common, any]
        .prop_map(|text| text.parse().unwrap())
        .prop_flat_map(|addr: SocketAddr| match addr {
            SocketAddr::V6(v6) => prop::sample::select(vec![0u32, 7])
                .prop_map(move |flow| {
                    let mut v6 = v6;
                    v6.set_flowinfo(flow);
                    SocketAddr::V6(v6)
                })
                .boxed(),
            v4 => Just(v4).boxed(),
        })
}

pub fn addr() -> impl Strategy<Value = AddrSpec> {
    prop_oneof![
        8 => ip().prop_map(AddrSpec::Ip),
        1 => Just(AddrSpec::Null),
        1 => Just(AddrSpec::Empty),
        1 => ip().prop_map(AddrSpec::Short),
        1 => Just(AddrSpec::UnspecifiedZero),
        1 => prop::sample::select(vec![0u16, AF_UNIX, 0xffff]).prop_map(AddrSpec::Other),
    ]
}

pub fn name() -> impl Strategy<Value = NameSpec> {
    let peer = prop_oneof![
        6 => ip().prop_map(AddrSpec::Ip),
        2 => Just(AddrSpec::UnspecifiedZero),
        1 => prop::sample::select(vec![0u16, AF_UNIX]).prop_map(AddrSpec::Other),
    ];
    // Random units, or a principal the emulated hosts have (or not quite).
    let units = prop_oneof![
        4 => prop::collection::vec(
            prop::sample::select(vec![0x68u16, 0x2f, 0xd800, 0xdc00, 0, 0xffff]),
            0..5,
        ),
        1 => prop::sample::select(vec![
            "host/127.0.0.1",
            "HOST/127.0.0.1",
            "host/::1",
            "host/2001:db8::1",
            "host/rogue",
        ])
        .prop_map(|text| text.encode_utf16().collect()),
    ];
    let protocol = prop_oneof![8 => 0..3i32, 1 => Just(3), 1 => Just(-1)];
    let str_len = prop_oneof![
        8 => Just(StrLen::Exact),
        1 => Just(StrLen::Zero),
        1 => Just(StrLen::Odd),
        1 => Just(StrLen::OneMore),
        1 => Just(StrLen::Huge),
    ];
    let decl = prop_oneof![
        5 => Just(DeclLen::Struct),
        3 => Just(DeclLen::Tight),
        1 => Just(DeclLen::TightMinus1),
        1 => Just(DeclLen::HeaderMinus1),
        1 => Just(DeclLen::Zero),
    ];
    (
        prop::bool::weighted(0.05),
        protocol,
        peer,
        units,
        str_len,
        decl,
    )
        .prop_map(|(null, protocol, peer, units, str_len, decl)| NameSpec {
            null,
            protocol,
            peer,
            units,
            str_len,
            decl,
        })
}

fn handle() -> impl Strategy<Value = H> {
    prop_oneof![
        12 => (0..3usize).prop_map(H::Recent),
        6 => (0..16usize).prop_map(H::Seen),
        1 => prop::sample::select(vec![0, 1, 0x102, 0xfffc, INVALID_SOCKET]).prop_map(H::Raw),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    let triple = prop_oneof![
        10 => prop::sample::select(vec![
            (AF_INET as i32, SOCK_STREAM, 0),
            (AF_INET as i32, SOCK_DGRAM, 0),
            (AF_INET6 as i32, SOCK_STREAM, IPPROTO_TCP),
            (AF_INET6 as i32, SOCK_DGRAM, IPPROTO_UDP),
        ]),
        1 => prop::sample::select(vec![
            (AF_UNIX as i32, SOCK_STREAM, 0),
            (AF_INET as i32, SOCK_RAW, 1),
            (AF_INET as i32, SOCK_STREAM, IPPROTO_UDP),
            (AF_INET6 as i32, SOCK_DGRAM, 4242),
            (9999, SOCK_STREAM, 0),
            (-1, SOCK_DGRAM, 0),
            (AF_INET as i32, 77, 0),
            (AF_UNIX as i32, SOCK_DGRAM, 0),
        ]),
    ];
    triple.prop_map(|(af, ty, protocol)| Kind { af, ty, protocol })
}

/// One random call.
pub fn op() -> impl Strategy<Value = Op> {
    let backlog = prop::sample::select(vec![-1, 0, 1, 2, 5, 1000, i32::MAX]);
    let room = prop::option::weighted(0.3, prop::sample::select(vec![128i32, 16, 8]));
    prop_oneof![
        1 => prop::sample::select(vec![0x0202u16, 0x0101, 0x0000]).prop_map(Op::Startup),
        1 => Just(Op::Cleanup),
        20 => (kind(), any::<bool>()).prop_map(|(kind, overlapped)| Op::Create { kind, overlapped }),
        12 => (handle(), addr()).prop_map(|(h, addr)| Op::Bind { h, addr }),
        10 => (handle(), backlog).prop_map(|(h, backlog)| Op::Listen { h, backlog }),
        12 => (handle(), addr(), any::<bool>()).prop_map(|(h, addr, wsa)| Op::Connect { h, addr, wsa }),
        10 => (handle(), room).prop_map(|(h, room)| Op::Accept { h, room }),
        6 => handle().prop_map(|h| Op::Close { h }),
        8 => handle().prop_map(|h| Op::Duplicate { h }),
        24 => (handle(), name(), any::<bool>(), prop::bool::weighted(0.1))
            .prop_map(|(h, name, ioctl, overlapped_args)| Op::SetName { h, name, ioctl, overlapped_args }),
        10 => (handle(), addr(), any::<bool>(), prop::bool::weighted(0.1))
            .prop_map(|(h, addr, ioctl, overlapped_args)| Op::DeleteName { h, addr, ioctl, overlapped_args }),
        24 => (handle(), security_op()).prop_map(|(h, op)| Op::Security { h, op }),
        30 => (handle(), data_op()).prop_map(|(h, op)| Op::Data { h, op }),
        20 => (handle(), port_op()).prop_map(|(h, op)| Op::Port { h, op }),
    ]
}

/// The handles a sequence has been given, in order.
#[derive(Debug, Default)]
pub struct Seen(pub Vec<SOCKET>);

impl Seen {
    pub fn resolve(&self, h: H) -> SOCKET {
        match h {
            H::Seen(i) | H::Recent(i) if self.0.is_empty() => 0x100 + 4 * i,
            H::Seen(i) => self.0[i % self.0.len()],
            H::Recent(i) => self.0[self.0.len() - 1 - i % self.0.len()],
            H::Raw(raw) => raw,
        }
    }
}

fn last_error() -> i32 {
    unsafe { sys::WSAGetLastError() }
}

pub fn int(rc: i32) -> Outcome {
    if rc == 0 {
        Ok(0)
    } else {
        assert_eq!(
            rc, SOCKET_ERROR,
            "an int call returned neither 0 nor SOCKET_ERROR"
        );
        Err(last_error())
    }
}

fn handle_result(s: SOCKET) -> Outcome {
    if s == INVALID_SOCKET {
        Err(last_error())
    } else {
        Ok(s)
    }
}

/// `overlapped` (with no event: completion is reported through its status fields), or NULL.
pub fn overlapped_arg(on: bool, overlapped: &mut OVERLAPPED) -> *mut OVERLAPPED {
    if on {
        overlapped
    } else {
        ptr::null_mut()
    }
}

/// `WSAIoctl` with a sentinel in `lpcbBytesReturned`, which must become 0 on success only.
pub fn ioctl(s: SOCKET, code: u32, input: *const u8, len: u32, overlapped: bool) -> Outcome {
    let mut returned = 0xdead_beef_u32;
    let mut block = OVERLAPPED::default();
    let o = overlapped_arg(overlapped, &mut block);
    let rc = unsafe {
        sys::WSAIoctl(
            s,
            code,
            input.cast(),
            len,
            ptr::null_mut(),
            0,
            &mut returned,
            o,
            None,
        )
    };
    assert_eq!(
        returned,
        if rc == 0 { 0 } else { 0xdead_beef },
        "lpcbBytesReturned"
    );
    int(rc)
}

/// Runs `op` on the emulator (through `sys`) and on the reference; returns both outcomes.
pub fn run(op: &Op, seen: &mut Seen, model: &mut Reference) -> (Outcome, Outcome) {
    let stripped;
    let associated = op.handle().is_some_and(|h| {
        let m = model.socket_of(seen.resolve(h));
        model.ports.port_of(m, model).is_some()
    });
    let op = if associated {
        stripped = op.without_overlapped();
        &stripped
    } else {
        op
    };
    let (actual, expected) = match op {
        Op::Startup(version) => {
            let mut data = WSADATA::default();
            let rc = unsafe { sys::WSAStartup(*version, &mut data) };
            let actual = if rc == 0 { Ok(0) } else { Err(rc) };
            (actual, model.startup(*version).map(|()| 0))
        }
        Op::Cleanup => (int(unsafe { sys::WSACleanup() }), model.cleanup()),
        Op::Create { kind, overlapped } => {
            let s = if *overlapped {
                unsafe { sys::socket(kind.af, kind.ty, kind.protocol) }
            } else {
                unsafe { sys::WSASocketW(kind.af, kind.ty, kind.protocol, ptr::null(), 0, 0) }
            };
            if s != sys::INVALID_SOCKET {
                // Non-blocking: the sequences run on one thread, where a blocking call
                // would wait for nobody (the blocking calls are checked across threads in
                // `concurrency_stress.rs`).
                let mut on = 1u32;
                assert_eq!(unsafe { sys::ioctlsocket(s, sys::FIONBIO, &mut on) }, 0);
            }
            (handle_result(s), model.create(kind, *overlapped))
        }
        Op::Bind { h, addr } => {
            let s = seen.resolve(*h);
            let (bytes, len) = addr.bytes();
            let p = bytes
                .as_ref()
                .map_or(ptr::null(), |b| b.as_ptr().cast::<SOCKADDR>());
            (
                int(unsafe { sys::bind(s, p, len as i32) }),
                model.bind(model.socket_of(s), addr),
            )
        }
        Op::Listen { h, backlog } => {
            let s = seen.resolve(*h);
            (
                int(unsafe { sys::listen(s, *backlog) }),
                model.listen(model.socket_of(s), *backlog),
            )
        }
        Op::Connect { h, addr, wsa } => {
            let s = seen.resolve(*h);
            let (bytes, len) = addr.bytes();
            let p = bytes
                .as_ref()
                .map_or(ptr::null(), |b| b.as_ptr().cast::<SOCKADDR>());
            let rc = if *wsa {
                unsafe {
                    sys::WSAConnect(
                        s,
                        p,
                        len as i32,
                        ptr::null(),
                        ptr::null_mut(),
                        ptr::null(),
                        ptr::null(),
                    )
                }
            } else {
                unsafe { sys::connect(s, p, len as i32) }
            };
            (int(rc), model.connect(model.socket_of(s), addr))
        }
        Op::Accept { h, room } => accept(seen.resolve(*h), *room, model),
        Op::Close { h } => {
            let s = seen.resolve(*h);
            (int(unsafe { sys::closesocket(s) }), model.close_handle(s))
        }
        Op::Duplicate { h } => (
            duplicate(seen.resolve(*h)),
            model.duplicate(seen.resolve(*h)),
        ),
        Op::SetName {
            h,
            name,
            ioctl: via_ioctl,
            overlapped_args,
        } => {
            let s = seen.resolve(*h);
            let bytes = name.bytes();
            let p = if name.null {
                ptr::null()
            } else {
                bytes.as_ptr()
            };
            let len = name.declared_len();
            let actual = if *via_ioctl {
                ioctl(s, sys::SIO_SET_PEER_TARGET_NAME, p, len, *overlapped_args)
            } else {
                let mut block = OVERLAPPED::default();
                let o = overlapped_arg(*overlapped_args, &mut block);
                int(unsafe {
                    sys::WSASetSocketPeerTargetName(
                        s,
                        p.cast::<SOCKET_PEER_TARGET_NAME>(),
                        len,
                        o,
                        None,
                    )
                })
            };
            (actual, model.set_name(model.socket_of(s), name))
        }
        Op::DeleteName {
            h,
            addr,
            ioctl: via_ioctl,
            overlapped_args,
        } => {
            let s = seen.resolve(*h);
            let (bytes, len) = addr.bytes();
            let p = bytes.as_ref().map_or(ptr::null(), |b| b.as_ptr());
            let actual = if *via_ioctl {
                ioctl(
                    s,
                    sys::SIO_DELETE_PEER_TARGET_NAME,
                    p,
                    len as u32,
                    *overlapped_args,
                )
            } else {
                let mut block = OVERLAPPED::default();
                let o = overlapped_arg(*overlapped_args, &mut block);
                int(unsafe {
                    sys::WSADeleteSocketPeerTargetName(s, p.cast::<SOCKADDR>(), len as u32, o, None)
                })
            };
            (actual, model.delete_name(model.socket_of(s), addr))
        }
        Op::Security { h, op } => run_security(op, seen.resolve(*h), model),
        Op::Data { h, op } => run_data(op, seen.resolve(*h), model),
        Op::Port { h, op } => run_port(op, *h, seen, model),
    };
    if let (Ok(s), Op::Create { .. } | Op::Accept { .. } | Op::Duplicate { .. }) = (actual, op) {
        seen.0.push(s);
    }
    (actual, expected)
}

/// `WSADuplicateSocketW(s)` for process 1, then `WSASocketW` with the structure: the new
/// handle, or the first error.
fn duplicate(s: SOCKET) -> Outcome {
    let mut info = sys::WSAPROTOCOL_INFOW::default();
    int(unsafe { sys::WSADuplicateSocketW(s, 1, &mut info) })?;
    let flags = sys::WSA_FLAG_OVERLAPPED;
    handle_result(unsafe { sys::WSASocketW(-1, -1, -1, &info, 0, flags) })
}

/// `accept`, with an address buffer of `room` bytes (None: NULL) filled with a sentinel:
/// untouched on failure; on success the client's address, as the reference has it.
fn accept(s: SOCKET, room: Option<i32>, model: &mut Reference) -> (Outcome, Outcome) {
    let mut buffer = [0xabu8; 128];
    let mut len = room.unwrap_or(-7);
    let (p, plen) = match room {
        Some(_) => (buffer.as_mut_ptr().cast::<SOCKADDR>(), &mut len as *mut i32),
        None => (ptr::null_mut(), ptr::null_mut()),
    };
    let actual = handle_result(unsafe { sys::accept(s, p, plen) });
    let m = model.socket_of(s);
    let expected = match (room, model.check_accept_room(m)) {
        (Some(room), Ok(needed)) if room < needed => Err(WSAEFAULT),
        _ => model.accept(m),
    };
    match (actual, room) {
        (Ok(new), Some(_)) => {
            let peer = model
                .connected_peer(new)
                .expect("the accepted socket is connected");
            let want = encode(peer);
            assert_eq!(len as usize, want.len(), "accept's *addrlen");
            assert_eq!(&buffer[..want.len()], &want[..], "accept's address");
        }
        (Err(_), Some(room)) => {
            assert_eq!(len, room, "accept wrote *addrlen on failure");
            assert!(
                buffer.iter().all(|&b| b == 0xab),
                "accept wrote the address on failure"
            );
        }
        _ => {}
    }
    (actual, expected)
}
