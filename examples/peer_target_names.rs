//! The main demonstration: peer target names on stream and datagram sockets, and every
//! documented error of WSASetSocketPeerTargetName met on the way.
//!
//! Run it with `cargo run --example peer_target_names`.

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::{self, SOCKET_PEER_TARGET_NAME};
use winsock_emu::{Domain, Error, Network, PeerTargetName, Protocol, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a valid socket address")
}

/// Prints one step and its outcome, as a Winsock programmer would see it.
fn show(step: &str, result: Result<(), Error>) {
    match result {
        Ok(()) => println!("  ok    {step}"),
        Err(error) => println!("  error {step}\n        -> {error}"),
    }
}

fn main() -> Result<(), Error> {
    let net = Network::new();
    let _enter = net.enter(); // the sys calls below use this network
    let _wsa = net.startup()?;

    println!("A TCP client names the server it expects, before it connects:");
    let server = net.socket(Domain::IPV4, Type::STREAM, Protocol::TCP)?;
    server.bind(addr("127.0.0.1:27015"))?;
    server.listen(10)?;
    let client = net.socket(Domain::IPV4, Type::STREAM, Protocol::TCP)?;
    show(
        "WSASetSocketPeerTargetName(client, host/server.contoso.com)",
        client.set_peer_target_name(addr("127.0.0.1:27015"), "host/server.contoso.com"),
    );
    show(
        "WSAConnect(client, 127.0.0.1:27015)",
        client.connect(addr("127.0.0.1:27015")),
    );
    show(
        "WSASetSocketPeerTargetName after WSAConnect",
        client.set_peer_target_name(addr("127.0.0.1:27015"), "host/other.contoso.com"),
    );

    println!("\nA UDP client names each peer before its first WSASendTo:");
    let udp = net.socket(Domain::IPV6, Type::DGRAM, Protocol::UDP)?;
    show(
        "name for [2001:db8::1]:500",
        udp.set_peer_target_name(addr("[2001:db8::1]:500"), "host/a.contoso.com"),
    );
    show(
        "name for [2001:db8::2]:500",
        udp.set_peer_target_name(addr("[2001:db8::2]:500"), "host/b.contoso.com"),
    );
    show(
        "name for [2001:db8::1]:500 again (replaces)",
        udp.set_peer_target_name(addr("[2001:db8::1]:500"), "host/c"),
    );
    for name in udp.info()?.names {
        println!(
            "        {} -> {}",
            name.peer.map_or("(connection)".into(), |p| p.to_string()),
            name.name
        );
    }
    show(
        "zero address and port",
        udp.set_peer_target_name(addr("[::]:0"), "host/x"),
    );
    show(
        "an IPv4 peer on an IPv6 socket",
        udp.set_peer_target_name(addr("192.0.2.1:500"), "host/x"),
    );
    show(
        "WSADeleteSocketPeerTargetName([2001:db8::2]:500)",
        udp.delete_peer_target_name(addr("[2001:db8::2]:500")),
    );
    udp.connect(addr("[2001:db8::1]:500"))?;
    show(
        "after connect (datagram sockets too)",
        udp.set_peer_target_name(addr("[2001:db8::1]:500"), "host/x"),
    );

    println!("\nOnly AF_INET/AF_INET6 stream or datagram sockets take names:");
    let unix = net.socket(Domain::UNIX, Type::STREAM, None)?;
    show(
        "AF_UNIX stream socket",
        unix.set_peer_target_name(addr("192.0.2.1:1"), "host/x"),
    );
    let raw = net.socket(Domain::IPV4, Type::RAW, Protocol::ICMP)?;
    show(
        "AF_INET raw socket",
        raw.set_peer_target_name(addr("192.0.2.1:1"), "host/x"),
    );

    println!("\nThrough the C-style face, raw pointers and lengths are checked first:");
    let s = net.socket_with_flags(Domain::IPV4, Type::DGRAM, None, 0)?;
    let bytes = PeerTargetName::new(addr("192.0.2.1:500"), "host/peer").to_bytes();
    let call = |buffer: *const u8, len: usize| {
        let rc = unsafe {
            sys::WSASetSocketPeerTargetName(
                s.as_raw(),
                buffer.cast::<SOCKET_PEER_TARGET_NAME>(),
                len as u32,
                ptr::null(),
                None,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(Error::from_code(unsafe { sys::WSAGetLastError() }).expect("a known code"))
        }
    };
    show("a NULL PeerTargetName", call(ptr::null(), 0));
    show(
        "a length of 139 (the header alone is 140)",
        call(bytes.as_ptr(), 139),
    );
    show(
        "a length one byte short of the name",
        call(bytes.as_ptr(), 140 + 17),
    );
    show(
        "the whole structure, 144 + 18 bytes",
        call(bytes.as_ptr(), bytes.len()),
    );
    let closed = net.socket(Domain::IPV4, Type::DGRAM, None)?.into_raw();
    unsafe { sys::closesocket(closed) };
    let rc = unsafe {
        sys::WSASetSocketPeerTargetName(
            closed,
            bytes.as_ptr().cast(),
            bytes.len() as u32,
            ptr::null(),
            None,
        )
    };
    let code = unsafe { sys::WSAGetLastError() };
    println!(
        "  error a closed handle\n        -> rc {rc}, WSAGetLastError() = {code} (WSAENOTSOCK)"
    );
    Ok(())
}
