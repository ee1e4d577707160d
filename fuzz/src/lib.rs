//! What every fuzz target shares: a scene of sockets in every state to aim calls at, the
//! documented error codes of each entry point, and the checks every call must pass.
//!
//! Each target builds a fresh scene per input (so inputs are independent), makes one raw
//! call with arbitrary handles, codes, lengths and bytes, and then [`check`]s it: the
//! return convention, a documented error code, and on failure a table left as it was.

use std::mem::size_of;
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::{Domain, EnterGuard, Network, NetworkSnapshot, Startup, Type};

/// A started network, entered on this thread, with sockets of every kind and state.
pub struct Scene {
    /// The network.
    pub net: Network,
    /// Handles: live sockets of each kind and state, then one closed handle.
    pub handles: Vec<SOCKET>,
    _startup: Startup,
    _enter: EnterGuard,
}

/// Builds the scene: UDP and TCP on both families, a listener with a waiting connection,
/// a connected client, a connected datagram socket, a non-IP socket, a raw socket, a
/// non-overlapped socket and a closed handle.
pub fn scene() -> Scene {
    let net = Network::new();
    let enter = net.enter();
    let startup = net.startup().expect("WSAStartup");
    let mut handles = Vec::new();
    let mut add = |socket: winsock_emu::Socket| handles.push(socket.into_raw());
    add(net.socket(Domain::IPV4, Type::DGRAM, None).unwrap());
    add(net.socket(Domain::IPV6, Type::DGRAM, None).unwrap());
    add(net.socket(Domain::IPV4, Type::STREAM, None).unwrap());
    add(net.socket(Domain::IPV6, Type::STREAM, None).unwrap());
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
    listener.listen(2).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect("127.0.0.1:80".parse().unwrap()).unwrap();
    add(listener);
    add(client);
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.connect("192.0.2.1:53".parse().unwrap()).unwrap();
    add(udp);
    add(net.socket(Domain(AF_UNIX), Type::STREAM, None).unwrap());
    add(net.socket(Domain::IPV4, Type(SOCK_RAW), None).unwrap());
    add(net
        .socket_with_flags(Domain::IPV6, Type::DGRAM, None, 0)
        .unwrap());
    let closed = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let closed_handle = closed.as_raw();
    closed.close().unwrap();
    // Every socket non-blocking: a fuzz run has one thread, and must never wait.
    for &s in &handles {
        nonblocking(s);
    }
    handles.push(closed_handle);
    Scene {
        net,
        handles,
        _startup: startup,
        _enter: enter,
    }
}

/// The extension function `guid` names on `s`, typed as its `LPFN_*` (`T`), looked up as
/// a program looks it up; the lookup must succeed.
pub fn extension_function<T: Default>(s: SOCKET, guid: GUID) -> T {
    let mut function = T::default();
    let mut returned = 0u32;
    // SAFETY: a live GUID in, a live `T` (a pointer-sized LPFN_*) out, each of its size.
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&raw const guid).cast(),
            size_of::<GUID>() as u32,
            (&raw mut function).cast(),
            size_of::<T>() as u32,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(rc, 0);
    function
}

/// Makes `s` non-blocking (`ioctlsocket(FIONBIO, 1)`), so no call on it waits.
pub fn nonblocking(s: SOCKET) {
    let mut on = 1u32;
    // SAFETY: `on` is a valid u32 for the call.
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
}

impl Scene {
    /// A handle of the scene (most selectors), or the raw value itself.
    pub fn handle(&self, selector: u8, raw: u64) -> SOCKET {
        if selector < 224 {
            self.handles[usize::from(selector) % self.handles.len()]
        } else {
            raw as SOCKET
        }
    }
}

/// The `OVERLAPPED` a target passes: `block` (a real one the target owns, which an
/// overlapped socket's completion writes to) when `wanted`, else NULL.
pub fn overlapped_ptr(block: &mut OVERLAPPED, wanted: bool) -> *mut OVERLAPPED {
    if wanted {
        block
    } else {
        ptr::null_mut()
    }
}

/// `bytes` as a pointer (NULL when `null`) into an allocation of exactly their length.
pub fn buffer(bytes: &[u8], null: bool) -> (Box<[u8]>, *const u8) {
    let owned: Box<[u8]> = bytes.into();
    let p = if null { ptr::null() } else { owned.as_ptr() };
    (owned, p)
}

/// A declared length for a buffer of `available` bytes: anything up to it (never more, as
/// the prototypes' `_In_reads_bytes_` demand), or any value at all with a NULL pointer.
pub fn declared_len(raw: u32, available: usize, null: bool) -> u32 {
    if null {
        raw
    } else {
        raw % (available as u32 + 1)
    }
}

/// `WSASetSocketPeerTargetName`'s documented codes (and WSAEOPNOTSUPP for overlapped calls).
pub const SET_NAME_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEOPNOTSUPP,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMSGSIZE,
    WSAEAFNOSUPPORT,
    WSAEISCONN,
];
/// `WSADeleteSocketPeerTargetName`'s.
pub const DELETE_NAME_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEOPNOTSUPP,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMSGSIZE,
    WSAEAFNOSUPPORT,
];
/// `WSAIoctl` with any code: the peer-name and security functions' codes.
pub const IOCTL_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEOPNOTSUPP,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMSGSIZE,
    WSAEAFNOSUPPORT,
    WSAEISCONN,
    WSAENOTCONN,
    WSAECONNRESET,
];
/// `WSASetSocketSecurity`, `WSAQuerySocketSecurity` and `WSAImpersonateSocketPeer`.
pub const SECURITY_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEAFNOSUPPORT,
    WSAECONNRESET,
    WSAEFAULT,
    WSAEINVAL,
    WSAEISCONN,
    WSAEMSGSIZE,
    WSAENOTCONN,
    WSAEOPNOTSUPP,
];
/// `send`, `recv`, `recvfrom`, `sendto`, `WSASendTo`, `shutdown` and `ioctlsocket`.
pub const DATA_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEADDRNOTAVAIL,
    WSAEAFNOSUPPORT,
    WSAECONNRESET,
    WSAEDESTADDRREQ,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMSGSIZE,
    WSAENOTCONN,
    WSAEOPNOTSUPP,
    WSAESHUTDOWN,
    WSAEWOULDBLOCK,
];
/// `WSASend`, `WSARecv` and `WSARecvFrom`.
pub const WSA_BUFFER_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEOPNOTSUPP,
    WSAENOTCONN,
    WSAESHUTDOWN,
    WSAECONNRESET,
    WSAEWOULDBLOCK,
    WSAEMSGSIZE,
];
/// `TransmitFile` and `TransmitPackets` (`ERROR_INVALID_HANDLE`: a file; `WSAENOBUFS`: no
/// room for the payload).
pub const TRANSMIT_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAENOTCONN,
    WSAEINVAL,
    WSAEFAULT,
    ERROR_INVALID_HANDLE as i32,
    WSAEMSGSIZE,
    WSAESHUTDOWN,
    WSAECONNRESET,
    WSAEWOULDBLOCK,
    WSAENOBUFS,
];
/// `socket` and `WSASocketW`.
pub const SOCKET_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAEAFNOSUPPORT,
    WSAESOCKTNOSUPPORT,
    WSAEPROTOTYPE,
    WSAEPROTONOSUPPORT,
    WSAEINVAL,
];
/// `bind`.
pub const BIND_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEADDRINUSE,
    WSAEAFNOSUPPORT,
    WSAENOBUFS,
];
/// `connect` and `WSAConnect`.
pub const CONNECT_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEAFNOSUPPORT,
    WSAEISCONN,
    WSAEINVAL,
    WSAEADDRNOTAVAIL,
    WSAECONNREFUSED,
    WSAENOBUFS,
    WSAEOPNOTSUPP,
    // A non-blocking stream connect's answer (`nonblocking-connect`).
    WSAEWOULDBLOCK,
];
/// `listen`.
pub const LISTEN_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEOPNOTSUPP,
    WSAEISCONN,
    WSAEINVAL,
];
/// `accept`.
pub const ACCEPT_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEWOULDBLOCK,
];
/// `WSAAccept` that leaves the network as it was: those of `accept`, and `WSATRY_AGAIN`
/// for a deferred connection (`WSAECONNREFUSED`, for a rejected one, changes it).
pub const WSA_ACCEPT_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEWOULDBLOCK,
    WSATRY_AGAIN,
];
/// `getsockopt` and `setsockopt`.
pub const OPTION_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAENOPROTOOPT,
    WSAENOBUFS,
    WSAENOTCONN,
];
/// `getsockname` and `getpeername`.
pub const NAME_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAENOTCONN,
];
/// `closesocket`.
pub const CLOSE_CODES: &[i32] = &[WSANOTINITIALISED, WSAENOTSOCK];

/// Checks an `int`-returning call: 0, or `SOCKET_ERROR` with a code from `codes` and the
/// network exactly as `before`.
pub fn check(net: &Network, before: &NetworkSnapshot, rc: i32, codes: &[i32]) {
    if rc == 0 {
        return;
    }
    assert_eq!(rc, SOCKET_ERROR, "neither 0 nor SOCKET_ERROR");
    let code = unsafe { WSAGetLastError() };
    assert!(codes.contains(&code), "undocumented error {code}");
    assert_eq!(&net.snapshot(), before, "a failed call changed the network");
}

/// Checks a call that returns a byte count: a count, or `SOCKET_ERROR` with a code from
/// `codes` and the network as `before`.
pub fn check_count(net: &Network, before: &NetworkSnapshot, rc: i32, codes: &[i32]) {
    check(net, before, rc.min(0), codes);
}

/// Checks a `SOCKET`-returning call the same way.
pub fn check_socket(net: &Network, before: &NetworkSnapshot, s: SOCKET, codes: &[i32]) {
    check(
        net,
        before,
        if s == INVALID_SOCKET { SOCKET_ERROR } else { 0 },
        codes,
    );
}
