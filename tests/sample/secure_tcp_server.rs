// Microsoft's secure TCP server sample (`SecureTcpAcceptConnection` in Windows-classic-
// samples' netds/winsock/securesocket/stcpserver), in Rust against windows-sys's names. Like
// `secure_tcp_client.rs` (whose `security_settings`, `close_on_error`, `wsa_send_buffer` and
// `wsa_recv_buffer` it uses), it has no `use` lines.
//
// The sample's function sets the listener up and then serves connections in a loop; here
// the set-up is `start_secure_listener` and one turn of the loop is
// `secure_tcp_accept_connection`, so that one thread can run the client between them.

/// The first half of `SecureTcpAcceptConnection`: a non-overlapped stream socket, security
/// turned on before `bind` (as the page requires of a server), `bind` to the wildcard
/// address on `port`, `listen(10)`.
pub unsafe fn start_secure_listener(port: u16) -> Result<SOCKET, i32> {
    let listen_sock = WSASocketW(
        AF_INET as i32,
        SOCK_STREAM,
        IPPROTO_TCP,
        core::ptr::null(),
        0,
        0,
    );
    if listen_sock == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    let settings = security_settings();
    let settings_len = core::mem::size_of::<SOCKET_SECURITY_SETTINGS>() as u32;
    if WSASetSocketSecurity(
        listen_sock,
        &settings,
        settings_len,
        core::ptr::null(),
        None,
    ) == SOCKET_ERROR
    {
        return Err(close_on_error(listen_sock));
    }
    // INADDR_ANY: the sample listens on every address.
    let mut addr = SOCKADDR_IN::default();
    addr.sin_family = AF_INET;
    addr.sin_port = port.to_be();
    let name = &addr as *const SOCKADDR_IN as *const SOCKADDR;
    if bind(
        listen_sock,
        name,
        core::mem::size_of::<SOCKADDR_IN>() as i32,
    ) == SOCKET_ERROR
        || listen(listen_sock, 10) == SOCKET_ERROR
    {
        return Err(close_on_error(listen_sock));
    }
    Ok(listen_sock)
}

/// One turn of `SecureTcpAcceptConnection`'s loop: `WSAAccept` the next client, `WSARecv`
/// its request into `request`, `WSAImpersonateSocketPeer(clientSock, NULL, 0)`, run
/// `access_check(clientSock)` as the client (the sample's access checks),
/// `WSARevertImpersonation`, `WSASend` the `reply`, `closesocket`. Returns the bytes of the request.
pub unsafe fn secure_tcp_accept_connection(
    listen_sock: SOCKET,
    request: &mut [u8],
    reply: &[u8],
    access_check: impl FnOnce(SOCKET),
) -> Result<u32, i32> {
    // The sample tests listenSock here by mistake; this tests the accepted socket.
    let client_sock = WSAAccept(
        listen_sock,
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        None,
        0,
    );
    if client_sock == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    let received = wsa_recv_buffer(client_sock, request, 0)?;
    if WSAImpersonateSocketPeer(client_sock, core::ptr::null(), 0) == SOCKET_ERROR {
        return Err(close_on_error(client_sock));
    }
    access_check(client_sock);
    if WSARevertImpersonation() == SOCKET_ERROR {
        return Err(close_on_error(client_sock));
    }
    wsa_send_buffer(client_sock, reply)?;
    closesocket(client_sock);
    Ok(received)
}
