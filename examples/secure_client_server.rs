//! Microsoft's secure TCP client/server sample (`stcpclient.c` / `stcpserver.c`), in memory.
//!
//! The server applies security settings before `bind`, listens, accepts, queries the
//! connection's security and impersonates the client; the client applies settings, names
//! the server it expects with `WSASetSocketPeerTargetName`, connects and queries. Each step
//! and the queried flags are printed. Run it with
//! `cargo run --example secure_client_server`.

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::{impersonated_principal, Network, PeerTargetName};

const SERVER_SPN: &str = "host/server.contoso.com";
const SERVER: &str = "192.0.2.10:27015";
const CLIENT_HOST: &str = "192.0.2.20:0";

/// Fails with the step's name and the Winsock error, as the sample's `printf`s do.
fn check(step: &str, rc: i32) -> Result<(), String> {
    if rc == SOCKET_ERROR {
        let code = unsafe { WSAGetLastError() };
        return Err(format!("{step} failed with error {code}"));
    }
    println!("  ok    {step}");
    Ok(())
}

/// `WSASend` of `data` in one `WSABUF`, as the samples send.
fn wsa_send(s: SOCKET, data: &[u8]) -> i32 {
    let buf = WSABUF {
        len: data.len() as u32,
        buf: data.as_ptr().cast_mut(),
    };
    let mut sent = 0;
    unsafe { WSASend(s, &buf, 1, &mut sent, 0, ptr::null_mut(), None) }
}

/// `WSARecv` into `data` with `flags`, as the samples receive: the bytes received.
fn wsa_recv(step: &str, s: SOCKET, data: &mut [u8], flags: i32) -> Result<usize, String> {
    let buf = WSABUF {
        len: data.len() as u32,
        buf: data.as_mut_ptr(),
    };
    let (mut received, mut flags) = (0, flags as u32);
    let rc = unsafe { WSARecv(s, &buf, 1, &mut received, &mut flags, ptr::null_mut(), None) };
    check(step, rc)?;
    Ok(received as usize)
}

fn sockaddr(addr: &str) -> Vec<u8> {
    let addr: SocketAddr = addr.parse().expect("a valid address");
    PeerTargetName::new(addr, "x").to_bytes()[8..24].to_vec()
}

/// Describes `SOCKET_SECURITY_QUERY_INFO.Flags`.
fn describe(flags: u32) -> String {
    let mut names = Vec::new();
    for (bit, name) in [
        (SOCKET_INFO_CONNECTION_SECURED, "SECURED"),
        (SOCKET_INFO_CONNECTION_ENCRYPTED, "ENCRYPTED"),
        (SOCKET_INFO_CONNECTION_IMPERSONATED, "IMPERSONATED"),
    ] {
        if flags & bit != 0 {
            names.push(name);
        }
    }
    format!(
        "Flags = {flags:#x} ({})",
        if names.is_empty() {
            "clear text".into()
        } else {
            names.join(" | ")
        }
    )
}

/// The sample's `QueryTcpSocketSecurity`: probe for the size, then query.
fn query(who: &str, s: SOCKET) -> Result<u32, String> {
    let mut len = 0u32;
    let rc = unsafe {
        WSAQuerySocketSecurity(
            s,
            ptr::null(),
            0,
            ptr::null_mut(),
            &mut len,
            ptr::null(),
            None,
        )
    };
    let code = unsafe { WSAGetLastError() };
    println!("  probe WSAQuerySocketSecurity({who}, NULL info): error {code} (WSAEMSGSIZE), needs {len} bytes");
    if rc != SOCKET_ERROR || code != WSAEMSGSIZE {
        return Err("the size probe should fail with WSAEMSGSIZE".into());
    }
    let mut info = SOCKET_SECURITY_QUERY_INFO::default();
    check(&format!("WSAQuerySocketSecurity({who})"), unsafe {
        WSAQuerySocketSecurity(s, ptr::null(), 0, &mut info, &mut len, ptr::null(), None)
    })?;
    println!("        {}", describe(info.Flags));
    Ok(info.Flags)
}

fn main() -> Result<(), String> {
    let net = Network::new();
    let _enter = net.enter();
    net.set_host_principal("192.0.2.10".parse().unwrap(), SERVER_SPN);
    net.set_host_principal("192.0.2.20".parse().unwrap(), "host/client.contoso.com");
    let mut data = WSADATA::default();
    check("WSAStartup(2.2)", unsafe { WSAStartup(0x0202, &mut data) })?;
    let settings = SOCKET_SECURITY_SETTINGS {
        SecurityProtocol: SOCKET_SECURITY_PROTOCOL_DEFAULT,
        SecurityFlags: SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    };
    let settings_len = std::mem::size_of::<SOCKET_SECURITY_SETTINGS>() as u32;

    println!("Server (stcpserver.c), principal {SERVER_SPN}:");
    let listen_socket =
        unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP, ptr::null(), 0, 0) };
    check(
        "WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP)",
        if listen_socket == INVALID_SOCKET {
            -1
        } else {
            0
        },
    )?;
    check(
        "WSASetSocketSecurity(GUARANTEE_ENCRYPTION), before bind",
        unsafe { WSASetSocketSecurity(listen_socket, &settings, settings_len, ptr::null(), None) },
    )?;
    let server_addr = sockaddr(SERVER);
    check(&format!("bind({SERVER})"), unsafe {
        bind(listen_socket, server_addr.as_ptr().cast(), 16)
    })?;
    check("listen(10)", unsafe { listen(listen_socket, 10) })?;

    println!("\nClient (stcpclient.c):");
    let client = unsafe { WSASocketW(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP, ptr::null(), 0, 0) };
    check(
        "WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP)",
        if client == INVALID_SOCKET { -1 } else { 0 },
    )?;
    check("WSASetSocketSecurity(GUARANTEE_ENCRYPTION)", unsafe {
        WSASetSocketSecurity(client, &settings, settings_len, ptr::null(), None)
    })?;
    // The structure with the SPN after it; PeerAddress left zeroed, as the sample does.
    let mut target = PeerTargetName::new(SERVER.parse().unwrap(), SERVER_SPN);
    target.peer = winsock_emu::PeerAddress::Unspecified;
    let target = target.to_bytes();
    check(
        &format!("WSASetSocketPeerTargetName({SERVER_SPN})"),
        unsafe {
            WSASetSocketPeerTargetName(
                client,
                target.as_ptr().cast(),
                target.len() as u32,
                ptr::null(),
                None,
            )
        },
    )?;
    let client_addr = sockaddr(CLIENT_HOST);
    check(&format!("bind({CLIENT_HOST}), the client's host"), unsafe {
        bind(client, client_addr.as_ptr().cast(), 16)
    })?;
    check(
        &format!("WSAConnect({SERVER}): secure connection established"),
        unsafe {
            WSAConnect(
                client,
                server_addr.as_ptr().cast(),
                16,
                ptr::null(),
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
            )
        },
    )?;
    let client_flags = query("client", client)?;
    let request = b"hello, secure server";
    check("WSASend(request)", wsa_send(client, request))?;

    println!("\nServer:");
    let accepted = unsafe { WSAAccept(listen_socket, ptr::null_mut(), ptr::null_mut(), None, 0) };
    check(
        "WSAAccept(listen, NULL, NULL, NULL, 0)",
        if accepted == INVALID_SOCKET { -1 } else { 0 },
    )?;
    let mut buf = [0u8; 64];
    let n = wsa_recv("WSARecv", accepted, &mut buf, 0)?;
    println!("        received {:?}", String::from_utf8_lossy(&buf[..n]));
    query("accepted", accepted)?;
    check("WSAImpersonateSocketPeer(accepted, NULL, 0)", unsafe {
        WSAImpersonateSocketPeer(accepted, ptr::null(), 0)
    })?;
    let acting_as = impersonated_principal().ok_or("impersonation should be in force")?;
    println!("        this thread now acts as {acting_as}");
    let flags = query("accepted, while impersonating", accepted)?;
    check("WSARevertImpersonation", unsafe {
        WSARevertImpersonation()
    })?;
    println!(
        "        acting as after revert: {:?}",
        impersonated_principal().map(|p| p.to_string())
    );
    let reply = b"hello, authenticated client";
    check("WSASend(reply)", wsa_send(accepted, reply))?;
    check("closesocket(accepted)", unsafe { closesocket(accepted) })?;

    println!("\nClient:");
    let n = wsa_recv("WSARecv(MSG_WAITALL)", client, &mut buf, MSG_WAITALL)?;
    println!("        received {:?}", String::from_utf8_lossy(&buf[..n]));
    let end = wsa_recv(
        "WSARecv: 0, the server closed gracefully",
        client,
        &mut buf,
        0,
    )?;
    check(
        "closesocket(client): the IPsec filters and policy go with it",
        unsafe { closesocket(client) },
    )?;
    check("closesocket(listen)", unsafe { closesocket(listen_socket) })?;
    check("WSACleanup", unsafe { WSACleanup() })?;

    let expected = SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED;
    if client_flags != expected
        || flags != expected | SOCKET_INFO_CONNECTION_IMPERSONATED
        || end != 0
    {
        return Err("unexpected outcome".into());
    }
    println!(
        "\nThe client reached the server it named, over an encrypted, authenticated connection."
    );
    Ok(())
}
