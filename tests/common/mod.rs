//! Shared helpers for the integration tests: an isolated, started network per test, and
//! the raw calls of each face written once.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::{self, SOCKADDR, SOCKET, SOCKET_ERROR, SOCKET_PEER_TARGET_NAME};
use winsock_emu::{
    EnterGuard, Network, PeerAddress, PeerTargetName, SecurityProtocol, Startup, TargetName,
};

/// An isolated network, entered on this thread and started: what every test begins with.
pub struct Env {
    pub net: Network,
    _startup: Startup,
    _enter: EnterGuard,
}

/// A fresh network, made current for this thread, with `WSAStartup(2.2)` done.
pub fn env() -> Env {
    let net = Network::new();
    let enter = net.enter();
    let startup = net.startup().expect("WSAStartup");
    Env {
        net,
        _startup: startup,
        _enter: enter,
    }
}

/// Creates a socket through `sys::socket`, panicking on failure.
pub fn raw_socket(af: u16, ty: i32, protocol: i32) -> SOCKET {
    let s = unsafe { sys::socket(af.into(), ty, protocol) };
    assert_ne!(
        s,
        sys::INVALID_SOCKET,
        "socket({af}, {ty}, {protocol}) failed: {}",
        last_error()
    );
    s
}

/// Creates a non-overlapped socket through `sys::WSASocketW` with flags 0.
pub fn raw_socket_non_overlapped(af: u16, ty: i32, protocol: i32) -> SOCKET {
    let s = unsafe { sys::WSASocketW(af.into(), ty, protocol, ptr::null(), 0, 0) };
    assert_ne!(s, sys::INVALID_SOCKET);
    s
}

/// The thread's last error.
pub fn last_error() -> i32 {
    unsafe { sys::WSAGetLastError() }
}

/// `addr` as a SOCKADDR_IN / SOCKADDR_IN6, exactly as long as its form.
pub fn sockaddr(addr: SocketAddr) -> Vec<u8> {
    let bytes = PeerTargetName::new(addr, "x").to_bytes();
    let len = if addr.is_ipv4() { 16 } else { 28 };
    bytes[8..8 + len].to_vec()
}

/// A SOCKET_PEER_TARGET_NAME in the form the structure's page gives.
pub fn name_bytes(protocol: SecurityProtocol, peer: PeerAddress, name: &str) -> Vec<u8> {
    PeerTargetName {
        protocol,
        peer,
        name: TargetName::from(name),
    }
    .to_bytes()
}

/// A SOCKET_PEER_TARGET_NAME for an IP peer with the default protocol.
pub fn name_for(peer: &str, name: &str) -> Vec<u8> {
    PeerTargetName::new(peer.parse().unwrap(), name).to_bytes()
}

/// The way a raw call reaches the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// `WSASetSocketPeerTargetName` / `WSADeleteSocketPeerTargetName`.
    Function,
    /// `WSAIoctl` with `SIO_SET_PEER_TARGET_NAME` / `SIO_DELETE_PEER_TARGET_NAME`.
    Ioctl,
}

pub const RAW_FACES: [Face; 2] = [Face::Function, Face::Ioctl];

/// 0 as `Ok`, `SOCKET_ERROR` as the thread's last error.
pub(crate) fn outcome(rc: i32) -> Result<(), i32> {
    if rc == 0 {
        Ok(())
    } else {
        assert_eq!(rc, SOCKET_ERROR);
        Err(last_error())
    }
}

/// A buffer pointer (NULL for `None`), checking that the test does not overstate its length.
pub(crate) fn buffer_ptr(buffer: Option<&[u8]>, len: u32) -> *const u8 {
    if let Some(buffer) = buffer {
        assert!(
            len as usize <= buffer.len(),
            "a test must not overstate its buffer"
        );
    }
    buffer.map_or(ptr::null(), |b| b.as_ptr())
}

/// `WSAIoctl(s, code, ptr, len, NULL, 0, &returned, NULL, NULL)`, checking that
/// `lpcbBytesReturned` is 0 on success and untouched on failure.
pub(crate) fn ioctl(s: SOCKET, code: u32, ptr: *const u8, len: u32) -> i32 {
    let mut returned = 0xdead_beef_u32;
    let rc = unsafe {
        sys::WSAIoctl(
            s,
            code,
            ptr.cast(),
            len,
            ptr::null_mut(),
            0,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(
        returned,
        if rc == 0 { 0 } else { 0xdead_beef },
        "lpcbBytesReturned"
    );
    rc
}

/// Sets a name through `face`, from `buffer` (None: NULL) with the declared length `len`.
pub fn set_raw(face: Face, s: SOCKET, buffer: Option<&[u8]>, len: u32) -> Result<(), i32> {
    let ptr = buffer_ptr(buffer, len);
    outcome(match face {
        Face::Function => unsafe {
            sys::WSASetSocketPeerTargetName(
                s,
                ptr.cast::<SOCKET_PEER_TARGET_NAME>(),
                len,
                ptr::null(),
                None,
            )
        },
        Face::Ioctl => ioctl(s, sys::SIO_SET_PEER_TARGET_NAME, ptr, len),
    })
}

/// Sets a whole buffer as the name through `face`.
pub fn set(face: Face, s: SOCKET, buffer: &[u8]) -> Result<(), i32> {
    set_raw(face, s, Some(buffer), buffer.len() as u32)
}

/// Deletes a name through `face`, from a SOCKADDR `buffer` (None: NULL) of length `len`.
pub fn delete_raw(face: Face, s: SOCKET, buffer: Option<&[u8]>, len: u32) -> Result<(), i32> {
    let ptr = buffer_ptr(buffer, len);
    outcome(match face {
        Face::Function => unsafe {
            sys::WSADeleteSocketPeerTargetName(s, ptr.cast::<SOCKADDR>(), len, ptr::null(), None)
        },
        Face::Ioctl => ioctl(s, sys::SIO_DELETE_PEER_TARGET_NAME, ptr, len),
    })
}

/// Deletes the name for `peer` through `face`.
pub fn delete(face: Face, s: SOCKET, peer: &str) -> Result<(), i32> {
    let addr = sockaddr(peer.parse().unwrap());
    delete_raw(face, s, Some(&addr), addr.len() as u32)
}

/// Runs `call`, asserts it failed with `code`, and that the network did not change.
pub fn assert_fails_unchanged(net: &Network, code: i32, call: impl FnOnce() -> Result<(), i32>) {
    let before = net.snapshot();
    assert_eq!(call(), Err(code));
    assert_eq!(net.snapshot(), before, "a failed call changed the network");
}

/// Connects a stream socket to a fresh listener on `addr`.
pub fn connected_stream(net: &Network, addr: &str) -> (winsock_emu::Socket, winsock_emu::Socket) {
    use winsock_emu::{Domain, Type};
    let addr: SocketAddr = addr.parse().unwrap();
    let listener = net
        .socket(Domain::for_address(addr), Type::STREAM, None)
        .unwrap();
    listener.bind(addr).unwrap();
    listener.listen(5).unwrap();
    let client = net
        .socket(Domain::for_address(addr), Type::STREAM, None)
        .unwrap();
    client.connect(addr).unwrap();
    (listener, client)
}
/// A listener on a loopback port of its own, a client connected to it, and the socket
/// `accept` gave for it.
pub fn loopback_stream_pair(
    net: &Network,
) -> (
    winsock_emu::Socket,
    winsock_emu::Socket,
    winsock_emu::Socket,
) {
    use winsock_emu::{Domain, Type};
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let at = listener.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(5).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(at).unwrap();
    let (server, _) = listener.accept().unwrap();
    (listener, client, server)
}

pub mod options;

pub mod readiness;
/// A connected stream pair on `addr`: (client, accepted server), both blocking.
pub fn accepted_pair(net: &Network, addr: &str) -> (winsock_emu::Socket, winsock_emu::Socket) {
    let (listener, client) = connected_stream(net, addr);
    let (server, _) = listener.accept().unwrap();
    (client, server)
}
pub mod secure;
pub mod wsa;

/// The conformance cases a test that reads a whole report runs: every case natively; under
/// Miri, where one run of the suite takes minutes, every 16th and those `keep` names
/// (`tests/conformance.rs`'s `every_case_passes_on_the_emulator` still runs them all there).
pub fn cases_for_a_report(
    keep: impl Fn(&winsock_emu::conformance::Case) -> bool,
) -> Vec<&'static winsock_emu::conformance::Case> {
    let all = winsock_emu::conformance::cases();
    if !cfg!(miri) {
        return all;
    }
    all.into_iter()
        .enumerate()
        .filter(|(i, case)| i % 16 == 0 || keep(case))
        .map(|(_, case)| case)
        .collect()
}
