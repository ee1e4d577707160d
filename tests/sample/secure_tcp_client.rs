// Microsoft's secure TCP client sample (`SecureTcpConnect` in Windows-classic-samples'
// netds/winsock/securesocket/stcpclient), in Rust against windows-sys's names. This file has
// no `use` lines: the module that `include!`s it chooses windows-sys or winsock_emu::sys.
//
// The sample does everything in one function; here it is cut where the client waits for the
// server, so that one thread can run the client and the server (`secure_tcp_server.rs`) in
// turn: `secure_tcp_connect` up to `WSAConnect`, `wsa_send_buffer` for the request
// (`WSASend`), and `secure_tcp_receive_reply` (`WSARecv`, `closesocket`).

/// `sizeof(SOCKET_PEER_TARGET_NAME)`.
const PEER_TARGET_NAME_SIZE: usize = core::mem::size_of::<SOCKET_PEER_TARGET_NAME>();

/// The sample's basic security settings: `SOCKET_SECURITY_PROTOCOL_DEFAULT` with
/// `SOCKET_SETTINGS_GUARANTEE_ENCRYPTION`, as both the client and the server apply them.
pub fn security_settings() -> SOCKET_SECURITY_SETTINGS {
    let mut settings = SOCKET_SECURITY_SETTINGS::default();
    settings.SecurityProtocol = SOCKET_SECURITY_PROTOCOL_DEFAULT;
    settings.SecurityFlags = SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
    settings
}

/// The sample's cleanup on an error: the failed call's code, after `closesocket(sock)`.
pub unsafe fn close_on_error(sock: SOCKET) -> i32 {
    let error = WSAGetLastError();
    closesocket(sock);
    error
}

/// `SecureTcpConnect`, up to the connection: create a non-overlapped socket, turn security
/// on, name the server's principal, connect.
///
/// Follows the sample step by step, except that `PeerTargetNameStringLen` is given in
/// bytes, as the structure's documentation says (the sample stores a character count).
pub unsafe fn secure_tcp_connect(server: &SOCKADDR_IN, server_spn: &[u16]) -> Result<SOCKET, i32> {
    // WSASocket(..., NULL, 0, 0): a non-overlapped socket.
    let sock = WSASocketW(
        AF_INET as i32,
        SOCK_STREAM,
        IPPROTO_TCP,
        core::ptr::null(),
        0,
        0,
    );
    if sock == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    // Security first: before the peer is named and before the connect.
    let settings = security_settings();
    let settings_len = core::mem::size_of::<SOCKET_SECURITY_SETTINGS>() as u32;
    if WSASetSocketSecurity(sock, &settings, settings_len, core::ptr::null(), None) == SOCKET_ERROR
    {
        return Err(close_on_error(sock));
    }
    // HeapAlloc(HEAP_ZERO_MEMORY, sizeof(SOCKET_PEER_TARGET_NAME) + spnLen): PeerAddress stays zero.
    let spn_bytes = core::mem::size_of_val(server_spn);
    let total = PEER_TARGET_NAME_SIZE + spn_bytes;
    let mut buffer = vec![0u64; total.div_ceil(8)];
    let peer_target_name = buffer.as_mut_ptr() as *mut SOCKET_PEER_TARGET_NAME;
    (*peer_target_name).SecurityProtocol = settings.SecurityProtocol;
    (*peer_target_name).PeerTargetNameStringLen = spn_bytes as u32;
    core::ptr::copy_nonoverlapping(
        server_spn.as_ptr(),
        core::ptr::addr_of_mut!((*peer_target_name).AllStrings) as *mut u16,
        server_spn.len(),
    );
    if WSASetSocketPeerTargetName(
        sock,
        peer_target_name,
        total as u32,
        core::ptr::null::<OVERLAPPED>(),
        None,
    ) == SOCKET_ERROR
    {
        return Err(close_on_error(sock));
    }
    let name = server as *const SOCKADDR_IN as *const SOCKADDR;
    let connected = WSAConnect(
        sock,
        name,
        core::mem::size_of::<SOCKADDR_IN>() as i32,
        core::ptr::null(),
        core::ptr::null_mut(),
        core::ptr::null(),
        core::ptr::null(),
    );
    if connected == SOCKET_ERROR {
        return Err(close_on_error(sock));
    }
    Ok(sock)
}

/// `WSASend` of `data` in one `WSABUF`, as both samples send; on failure the socket is
/// closed (the samples' cleanup). Returns the bytes sent.
pub unsafe fn wsa_send_buffer(sock: SOCKET, data: &[u8]) -> Result<u32, i32> {
    let send_buf = WSABUF {
        len: data.len() as u32,
        buf: data.as_ptr() as *mut u8,
    };
    let mut sent = 0u32;
    let rc = WSASend(
        sock,
        &send_buf,
        1,
        &mut sent,
        0,
        core::ptr::null_mut(),
        None,
    );
    if rc == SOCKET_ERROR {
        return Err(close_on_error(sock));
    }
    Ok(sent)
}

/// `WSARecv` into `data` as one `WSABUF` with `flags`, as both samples receive; on failure
/// the socket is closed. Returns the bytes received.
pub unsafe fn wsa_recv_buffer(sock: SOCKET, data: &mut [u8], flags: u32) -> Result<u32, i32> {
    let recv_buf = WSABUF {
        len: data.len() as u32,
        buf: data.as_mut_ptr(),
    };
    let (mut received, mut flags) = (0u32, flags);
    let rc = WSARecv(
        sock,
        &recv_buf,
        1,
        &mut received,
        &mut flags,
        core::ptr::null_mut(),
        None,
    );
    if rc == SOCKET_ERROR {
        return Err(close_on_error(sock));
    }
    Ok(received)
}

/// The end of `SecureTcpConnect`: `WSARecv` the reply with `MSG_WAITALL` into `reply` (the
/// server closes after replying, so the receive ends with what it sent even when `reply` is
/// larger), then `closesocket`. Returns the bytes received.
pub unsafe fn secure_tcp_receive_reply(sock: SOCKET, reply: &mut [u8]) -> Result<u32, i32> {
    let received = wsa_recv_buffer(sock, reply, MSG_WAITALL as u32)?;
    // closesocket also removes the IPsec filters and policy WSASetSocketSecurity added.
    closesocket(sock);
    Ok(received)
}
