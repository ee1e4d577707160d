//! The attack a peer target name stops: the same secure client as
//! `secure_client_server`, but the machine answering at the server's address is a rogue
//! with valid credentials of its own (a "trusted man-in-the-middle").
//!
//! Without a peer target name the client happily authenticates the rogue. With one, the
//! secured connect fails and nothing is delivered. Run it with
//! `cargo run --example rogue_server`.

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Network, PeerTargetName, SecuritySettings, Type};

const SERVER_SPN: &str = "host/server.contoso.com";
const ROGUE_SPN: &str = "host/rogue.contoso.com";
const SERVER: &str = "192.0.2.10:27015";

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a valid address")
}

fn main() -> Result<(), Error> {
    let net = Network::new();
    let _enter = net.enter();
    let _wsa = net.startup()?;

    println!("A rogue machine answers at {SERVER}. It is a member of the domain too:");
    println!("its principal is {ROGUE_SPN}, so IPsec can authenticate it.\n");
    net.set_host_principal(addr(SERVER).ip(), ROGUE_SPN);
    let rogue = net.socket(Domain::IPV4, Type::STREAM, None)?;
    rogue.set_security(Some(SecuritySettings::with_flags(
        SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    )))?;
    rogue.bind(addr(SERVER))?;
    rogue.listen(10)?;

    println!("1. A client that applies security but names no one:");
    let naive = net.socket(Domain::IPV4, Type::STREAM, None)?;
    naive.set_security(Some(SecuritySettings::with_flags(
        SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    )))?;
    naive.connect(addr(SERVER))?;
    let flags = naive.query_security()?.flags;
    let peer = naive
        .authenticated_peer()?
        .map(|p| p.to_string())
        .unwrap_or_default();
    println!("   WSAConnect succeeded; Flags = {flags:#x} (SECURED | ENCRYPTED)");
    println!("   ...but the authenticated peer is {peer}: an encrypted line to the attacker.");
    let (stolen, _) = rogue.accept()?;
    naive.send(b"password=hunter2")?;
    let mut buf = [0u8; 64];
    let n = stolen.recv(&mut buf)?;
    println!(
        "   The rogue reads {:?}.\n",
        String::from_utf8_lossy(&buf[..n])
    );

    println!("2. The sample's client, which names the server it expects ({SERVER_SPN}):");
    let client = unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP, ptr::null(), 0, 0) };
    let settings = SOCKET_SECURITY_SETTINGS {
        SecurityProtocol: SOCKET_SECURITY_PROTOCOL_DEFAULT,
        SecurityFlags: SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    };
    let target = PeerTargetName::new(addr("0.0.0.0:0"), SERVER_SPN).to_bytes();
    let server_addr = PeerTargetName::new(addr(SERVER), "x").to_bytes()[8..24].to_vec();
    let rc = unsafe {
        WSASetSocketSecurity(client, &settings, 8, ptr::null(), None)
            | WSASetSocketPeerTargetName(
                client,
                target.as_ptr().cast(),
                target.len() as u32,
                ptr::null(),
                None,
            )
    };
    assert_eq!(rc, 0, "settings and name accepted");
    println!("   WSASetSocketSecurity and WSASetSocketPeerTargetName: ok");
    let rc = unsafe {
        WSAConnect(
            client,
            server_addr.as_ptr().cast(),
            16,
            ptr::null(),
            ptr::null_mut(),
            ptr::null(),
            ptr::null(),
        )
    };
    let code = unsafe { WSAGetLastError() };
    println!("   WSAConnect returned {rc}, WSAGetLastError() = {code}");
    if rc != SOCKET_ERROR || code != WSAETIMEDOUT {
        return Err(Error::from_code(code).unwrap_or(Error::Invalid));
    }
    println!("   -> {}", Error::TimedOut);
    println!();
    println!("   Why: the security protocol uses the peer target name when it authenticates the");
    println!("   peer; that is how WSASetSocketPeerTargetName stops a trusted man-in-the-middle.");
    println!("   The peer proved it is {ROGUE_SPN}, not {SERVER_SPN}, so");
    println!("   authentication fails. Without SOCKET_SETTINGS_ALLOW_INSECURE, packets are never");
    println!(
        "   sent in clear text, even when negotiation fails (SOCKET_SECURITY_SETTINGS), so no"
    );
    println!("   connection is made. The emulator reports WSAETIMEDOUT, as the real connect times");
    println!("   out (docs/choices.md, secure-negotiation).");
    // The error code cannot tell a wrong name from a dead server; the network can.
    let why = net.security_failures();
    let why = why.last().ok_or(Error::Invalid)?;
    if why.met.to_string() != ROGUE_SPN {
        return Err(Error::Invalid);
    }
    println!("   The emulator's record (Network::security_failures): {why}");
    println!();

    // Look without waiting: a blocking accept or recv would wait for what never comes.
    rogue.set_nonblocking(true)?;
    stolen.set_nonblocking(true)?;
    let nothing = rogue.accept().err();
    let mut buf = [0u8; 8];
    let rc = unsafe { send(client, b"secret".as_ptr(), 6, 0) };
    let send_code = unsafe { WSAGetLastError() };
    println!(
        "   The rogue's accept: {}",
        nothing.map_or("a connection?!".into(), |e| e.to_string())
    );
    println!("   The client's send: {rc}, error {send_code} (WSAENOTCONN): nothing was delivered.");
    if nothing != Some(Error::WouldBlock)
        || send_code != WSAENOTCONN
        || stolen.recv(&mut buf) != Err(Error::WouldBlock)
    {
        return Err(Error::Invalid);
    }
    unsafe { closesocket(client) };
    println!("\nThe peer target name turned a silent interception into a refused connection.");
    Ok(())
}
