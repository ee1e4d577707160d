//! The attack a peer target name stops, from its first step: name resolution.
//!
//! A client looks up `server.contoso.com`, but the resolver has been poisoned (a spoofed
//! DNS reply) and answers with a rogue machine's address. The rogue is a member of the
//! domain too, so IPsec authenticates it happily: a client that only asks for security
//! sends its secret to the rogue. A client that also names the server it expects
//! (`WSASetSocketPeerTargetName`) is refused, and nothing is delivered. Once the resolver
//! is repaired, `WSAConnectByNameW` reaches the real server.
//!
//! Run it with `cargo run --example spoofed_name`. It prints what happens at each step and
//! why, then the exchange as a Mermaid sequence diagram drawn from the network's call
//! trace by `Trace::to_mermaid` (the diagram in `docs/guide.md` is this output; a test
//! checks they agree).

use std::net::{IpAddr, SocketAddr};
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::testing::{Fault, Trace};
use winsock_emu::{Network, PeerTargetName};

/// The name the client asks for, and the principal of the machine that really has it.
const NAME: &str = "server.contoso.com";
const SERVER_SPN: &str = "host/server.contoso.com";
const SERVER_IP: &str = "192.0.2.10";
const ROGUE_IP: &str = "203.0.113.66";
const ROGUE_SPN: &str = "host/rogue.contoso.com";
const PORT: u16 = 27015;

fn ip(text: &str) -> IpAddr {
    text.parse().expect("an address")
}

/// Runs `f` on a thread named `party`, with `net` current, and waits for it: each party of
/// the story has its own thread, so the trace (and the diagram) says who did what.
fn as_party<T: Send + 'static>(
    net: &Network,
    party: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let net = net.clone();
    std::thread::Builder::new()
        .name(party.into())
        .spawn(move || {
            let _current = net.enter();
            f()
        })
        .expect("a thread")
        .join()
        .expect("the party's thread")
}

/// `SOCKET_SECURITY_SETTINGS` asking for encryption, as Microsoft's secure samples do.
const ENCRYPT: SOCKET_SECURITY_SETTINGS = SOCKET_SECURITY_SETTINGS {
    SecurityProtocol: SOCKET_SECURITY_PROTOCOL_DEFAULT,
    SecurityFlags: SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
};

/// A secured stream socket (`WSASocketW`, then `WSASetSocketSecurity`).
fn secured_socket() -> SOCKET {
    unsafe {
        let s = WSASocketW(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP, ptr::null(), 0, 0);
        assert_eq!(WSASetSocketSecurity(s, &ENCRYPT, 8, ptr::null(), None), 0);
        s
    }
}

/// A secured listener at `addr`, as the secure TCP server sample makes one.
fn listen_at(addr: SocketAddr) -> SOCKET {
    let s = secured_socket();
    let (raw, len) = sockaddr(addr);
    unsafe {
        assert_eq!(bind(s, raw.as_ptr().cast(), len), 0);
        assert_eq!(listen(s, 10), 0);
        // The story looks whether anything arrived: the listeners must not wait for it.
        let mut on = 1u32;
        assert_eq!(ioctlsocket(s, FIONBIO, &mut on), 0);
    }
    s
}

fn sockaddr(addr: SocketAddr) -> ([u8; 16], i32) {
    let SocketAddr::V4(v4) = addr else {
        unreachable!("the story is IPv4")
    };
    let mut raw = [0u8; 16];
    raw[..2].copy_from_slice(&AF_INET.to_le_bytes());
    raw[2..4].copy_from_slice(&v4.port().to_be_bytes());
    raw[4..8].copy_from_slice(&v4.ip().octets());
    (raw, 16)
}

/// `getaddrinfo(NAME, "27015")` for a TCP/IPv4 client: the first address (the list freed).
fn resolve() -> SocketAddr {
    let hints = ADDRINFOA {
        ai_family: AF_INET.into(),
        ai_socktype: SOCK_STREAM,
        ai_protocol: IPPROTO_TCP,
        ..Default::default()
    };
    let mut list: *mut ADDRINFOA = ptr::null_mut();
    unsafe {
        let rc = getaddrinfo(
            c"server.contoso.com".as_ptr().cast(),
            c"27015".as_ptr().cast(),
            &hints,
            &mut list,
        );
        assert_eq!(rc, 0, "getaddrinfo");
        let addr = *(*list).ai_addr.cast::<SOCKADDR_IN>();
        freeaddrinfo(list);
        let octets = addr.sin_addr.S_un.S_addr.to_ne_bytes();
        SocketAddr::from((octets, ntohs(addr.sin_port)))
    }
}

/// Names the principal expected at the other end (`WSASetSocketPeerTargetName`).
fn expect_principal(s: SOCKET, spn: &str) {
    let name = PeerTargetName::new("0.0.0.0:0".parse().unwrap(), spn).to_bytes();
    let rc = unsafe {
        WSASetSocketPeerTargetName(
            s,
            name.as_ptr().cast(),
            name.len() as u32,
            ptr::null(),
            None,
        )
    };
    assert_eq!(rc, 0);
}

/// `connect`, then the secret `send`: the connect's result.
fn connect_and_send(s: SOCKET, to: SocketAddr, secret: &[u8]) -> Result<(), i32> {
    let (raw, len) = sockaddr(to);
    unsafe {
        if connect(s, raw.as_ptr().cast(), len) != 0 {
            return Err(WSAGetLastError());
        }
        assert_eq!(
            send(s, secret.as_ptr(), secret.len() as i32, 0),
            secret.len() as i32
        );
    }
    Ok(())
}

/// What a listener has received: accept one connection and read it, or the accept's error.
fn take_delivery(listener: SOCKET) -> Result<String, i32> {
    unsafe {
        let conn = accept(listener, ptr::null_mut(), ptr::null_mut());
        if conn == INVALID_SOCKET {
            return Err(WSAGetLastError());
        }
        let mut buf = [0u8; 64];
        let n = recv(conn, buf.as_mut_ptr(), buf.len() as i32, 0);
        closesocket(conn);
        Ok(String::from_utf8_lossy(&buf[..n.max(0) as usize]).into_owned())
    }
}

/// Plays the story on a fresh network, telling each step through `say`, and returns the
/// network's call trace.
pub fn run(say: &mut dyn FnMut(&str)) -> Trace {
    let net = Network::new();
    let _wsa = net.startup().expect("WSAStartup");
    net.add_host(NAME, [ip(SERVER_IP)]);
    net.set_host_principal(ip(ROGUE_IP), ROGUE_SPN);
    net.start_trace();

    say(&format!(
        "{NAME} is {SERVER_IP}; its machine's principal is {SERVER_SPN}."
    ));
    let server = as_party(&net, "server", || {
        listen_at(SocketAddr::from(([192, 0, 2, 10], PORT)))
    });
    say(&format!(
        "A rogue machine listens at {ROGUE_IP}:{PORT}. It is a domain member too ({ROGUE_SPN}),"
    ));
    say("so IPsec will authenticate it: it has real credentials, just not the server's.");
    let rogue = as_party(&net, "rogue", || {
        listen_at(SocketAddr::from(([203, 0, 113, 66], PORT)))
    });

    let poison = net.inject(Fault::poison_name(NAME, ip(ROGUE_IP)));
    say(&format!(
        "\nThe resolver is poisoned: lookups of {NAME} now answer {ROGUE_IP}."
    ));

    say("\n1. A client that asks for security but names no one:");
    let stolen = as_party(&net, "client", || {
        let at = resolve();
        let s = secured_socket();
        let sent = connect_and_send(s, at, b"password=hunter2");
        unsafe { closesocket(s) };
        (at, sent)
    });
    say(&format!(
        "   getaddrinfo answered {}, the poisoned address; connect succeeded: IPsec",
        stolen.0
    ));
    say(&format!(
        "   authenticated the peer as {ROGUE_SPN}, and nothing asked whether that was the server."
    ));
    let loot = as_party(&net, "rogue", move || take_delivery(rogue));
    say(&format!(
        "   The rogue reads {:?}: the secret went to the attacker.",
        loot.as_deref().unwrap_or("")
    ));

    say(&format!(
        "\n2. A client that also names the server it expects ({SERVER_SPN}):"
    ));
    let refused = as_party(&net, "client", || {
        let at = resolve();
        let s = secured_socket();
        expect_principal(s, SERVER_SPN);
        let sent = connect_and_send(s, at, b"password=hunter2");
        unsafe { closesocket(s) };
        (at, sent)
    });
    let code = refused.1.err().unwrap_or(0);
    say(&format!(
        "   getaddrinfo again answered {}; but connect failed with {code}",
        refused.0
    ));
    say("   (WSAETIMEDOUT): the peer proved it is host/rogue.contoso.com, not the name the client");
    say("   set, so IPsec never completed and the send was never made.");
    let nothing = as_party(&net, "rogue", move || take_delivery(rogue));
    say(&format!(
        "   The rogue's accept finds nothing waiting ({}): nothing was delivered.",
        nothing.err().unwrap_or(0)
    ));

    poison.remove();
    say(&format!(
        "\nThe resolver is repaired: {NAME} is {SERVER_IP} again."
    ));

    say("\n3. The careful client again, connecting by name with WSAConnectByNameW:");
    let reached = as_party(&net, "client", || {
        let s = secured_socket();
        expect_principal(s, SERVER_SPN);
        let node: Vec<u16> = NAME.encode_utf16().chain([0]).collect();
        let port: Vec<u16> = PORT.to_string().encode_utf16().chain([0]).collect();
        let ok = unsafe {
            WSAConnectByNameW(
                s,
                node.as_ptr(),
                port.as_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
            )
        };
        assert_eq!(ok, TRUE, "WSAConnectByNameW");
        let secret = b"password=hunter2";
        unsafe {
            assert_eq!(
                send(s, secret.as_ptr(), secret.len() as i32, 0),
                secret.len() as i32
            )
        };
        s
    });
    let delivered = as_party(&net, "server", move || take_delivery(server));
    say(&format!(
        "   It resolved {NAME} to {SERVER_IP}, the server proved it is {SERVER_SPN}, and the server reads {:?}.",
        delivered.as_deref().unwrap_or("")
    ));
    as_party(&net, "client", move || unsafe { closesocket(reached) });
    net.stop_trace()
}

fn main() {
    let trace = run(&mut |line| println!("{line}"));
    println!("\nThe exchange, drawn from the network's call trace by Trace::to_mermaid():\n");
    println!("```mermaid\n{}```", trace.to_mermaid());
}
