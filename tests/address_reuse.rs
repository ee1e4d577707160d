//! A second bind to a port another socket holds, as "Using SO_REUSEADDR and
//! SO_EXCLUSIVEADDRUSE" tabulates it (docs/options.md), through `sys`, for TCP and UDP and
//! both families; and where connections then go.

mod common;

use std::net::SocketAddr;

use common::options::set_int;
use common::{env, raw_socket, sockaddr};
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Network, Type};

/// A bind's option and address kind, as the page's rows and columns name them.
#[derive(Debug, Clone, Copy)]
enum Opt {
    Default,
    Reuse,
    Exclusive,
}

const KINDS: [(Opt, bool); 6] = [
    (Opt::Default, false),
    (Opt::Default, true),
    (Opt::Reuse, false),
    (Opt::Reuse, true),
    (Opt::Exclusive, false),
    (Opt::Exclusive, true),
];

/// The page's table (Windows Server 2003 and later, same user): 0 success, else the code.
const TABLE: [[i32; 6]; 6] = [
    [WSAEADDRINUSE, 0, WSAEACCES, 0, WSAEADDRINUSE, 0],
    [0, WSAEADDRINUSE, 0, WSAEACCES, WSAEADDRINUSE, WSAEADDRINUSE],
    [WSAEADDRINUSE, 0, 0, 0, WSAEADDRINUSE, 0],
    [0, WSAEADDRINUSE, 0, 0, WSAEADDRINUSE, WSAEADDRINUSE],
    [
        WSAEADDRINUSE,
        WSAEACCES,
        WSAEACCES,
        WSAEACCES,
        WSAEADDRINUSE,
        WSAEACCES,
    ],
    [0, WSAEADDRINUSE, 0, WSAEACCES, WSAEADDRINUSE, WSAEADDRINUSE],
];

/// A socket with `opt` set, bound to the wildcard or loopback address of `family` at
/// `port`: the bind's result and the socket.
fn bind_with(family: u16, ty: i32, (opt, specific): (Opt, bool), port: u16) -> (i32, SOCKET) {
    let s = raw_socket(family, ty, 0);
    match opt {
        Opt::Default => {}
        Opt::Reuse => assert_eq!(set_int(s, SOL_SOCKET, SO_REUSEADDR, 1), Ok(())),
        Opt::Exclusive => assert_eq!(set_int(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1), Ok(())),
    }
    let ip = match (family, specific) {
        (AF_INET, false) => "0.0.0.0",
        (AF_INET, true) => "127.0.0.1",
        (_, false) => "::",
        (_, true) => "::1",
    };
    let addr = sockaddr(SocketAddr::new(ip.parse().unwrap(), port));
    let rc = unsafe { bind(s, addr.as_ptr().cast(), addr.len() as i32) };
    (if rc == 0 { 0 } else { common::last_error() }, s)
}

/// The port a bound socket holds.
fn port_of(s: SOCKET) -> u16 {
    let mut storage = [0u8; 128];
    let mut len = 128;
    assert_eq!(
        unsafe { getsockname(s, storage.as_mut_ptr().cast(), &mut len) },
        0
    );
    u16::from_be_bytes([storage[2], storage[3]])
}

#[test]
fn choice_one_user_account_every_cell_of_the_table() {
    for family in [AF_INET, AF_INET6] {
        for ty in [SOCK_STREAM, SOCK_DGRAM] {
            for (row, &first) in KINDS.iter().enumerate() {
                for (column, &second) in KINDS.iter().enumerate() {
                    let _env = env();
                    let (rc, s1) = bind_with(family, ty, first, 0);
                    assert_eq!(rc, 0);
                    let (rc, _) = bind_with(family, ty, second, port_of(s1));
                    assert_eq!(
                        rc, TABLE[row][column],
                        "family {family} type {ty}: {first:?} then {second:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn exclusive_and_reuse_are_mutually_exclusive_and_read_at_bind() {
    let env = env();
    let a = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    a.set_reuse_address(true).unwrap();
    assert_eq!(a.set_exclusive_address_use(true), Err(Error::Invalid));
    assert!(!a.exclusive_address_use().unwrap());
    let at = a.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    // Set after the bind: kept and read back, but the bind keeps its rule.
    a.set_reuse_address(false).unwrap();
    let b = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    b.set_reuse_address(true).unwrap();
    assert_eq!(
        b.bind(at),
        Ok(at),
        "the first bind was made with SO_REUSEADDR"
    );
    // Different specific addresses never conflict.
    let c = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    c.set_exclusive_address_use(true).unwrap();
    let other = SocketAddr::new([127, 0, 0, 2].into(), at.port());
    assert_eq!(c.bind(other), Ok(other));
}

#[test]
fn connections_go_to_the_exact_address_then_the_first_bound() {
    let net = Network::new();
    let _in = net.enter();
    let _wsa = net.startup().unwrap();
    let wildcard = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let port = wildcard.bind("0.0.0.0:0".parse().unwrap()).unwrap().port();
    wildcard.listen(5).unwrap();
    let loopback = SocketAddr::new([127, 0, 0, 1].into(), port);
    let specific = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    specific.bind(loopback).unwrap();
    specific.listen(5).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(loopback).unwrap();
    assert!(
        specific.accept().is_ok(),
        "the more specific socket takes it"
    );
    wildcard.set_nonblocking(true).unwrap();
    assert_eq!(wildcard.accept().unwrap_err(), Error::WouldBlock);
    let elsewhere = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    elsewhere
        .connect(SocketAddr::new([10, 0, 0, 1].into(), port))
        .unwrap();
    assert!(
        wildcard.accept().is_ok(),
        "another address reaches the wildcard socket"
    );
    // Two SO_REUSEADDR sockets on one address: the one bound first takes connections; when
    // it closes, the next one does.
    let first = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    first.set_reuse_address(true).unwrap();
    let at = first.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    first.listen(5).unwrap();
    let second = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    second.set_reuse_address(true).unwrap();
    second.bind(at).unwrap();
    second.listen(5).unwrap();
    net.socket(Domain::IPV4, Type::STREAM, None)
        .unwrap()
        .connect(at)
        .unwrap();
    assert!(first.accept().is_ok());
    second.set_nonblocking(true).unwrap();
    assert_eq!(second.accept().unwrap_err(), Error::WouldBlock);
    first.close().unwrap();
    let late = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    late.connect(at).unwrap();
    assert!(second.accept().is_ok());
    drop(late);
}
