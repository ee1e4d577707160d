// Microsoft's secure TCP client sample (`SecureTcpConnect` in Windows-classic-samples'
// netds/winsock/securesocket/stcpclient), in Rust against windows-sys's names. This file has
// no `use` lines: the module that `include!`s it chooses windows-sys or winsock_emu::sys.
// WSASetSocketSecurity, which the sample calls before naming the peer, is not emulated yet.

/// `sizeof(SOCKET_PEER_TARGET_NAME)`.
const PEER_TARGET_NAME_SIZE: usize = core::mem::size_of::<SOCKET_PEER_TARGET_NAME>();

/// Opens a listening TCP socket on 127.0.0.1:`port` (the server side of the flow).
pub unsafe fn start_listener(port: u16) -> Result<SOCKET, i32> {
    let s = socket(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP);
    if s == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    let mut addr = SOCKADDR_IN::default();
    addr.sin_family = AF_INET;
    addr.sin_port = port.to_be();
    addr.sin_addr.S_un.S_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    let name = &addr as *const SOCKADDR_IN as *const SOCKADDR;
    if bind(s, name, core::mem::size_of::<SOCKADDR_IN>() as i32) == SOCKET_ERROR
        || listen(s, 10) == SOCKET_ERROR
    {
        let error = WSAGetLastError();
        closesocket(s);
        return Err(error);
    }
    Ok(s)
}

/// `SecureTcpConnect`: create a socket, name the server's principal, connect.
///
/// Follows the sample step by step, except that `PeerTargetNameStringLen` is given in
/// bytes, as the structure's documentation says (the sample stores a character count).
pub unsafe fn secure_tcp_connect(server: &SOCKADDR_IN, server_spn: &[u16]) -> Result<SOCKET, i32> {
    // WSASocket(..., NULL, 0, 0): a non-overlapped socket.
    let sock = WSASocketW(AF_INET as i32, SOCK_STREAM, IPPROTO_TCP, core::ptr::null(), 0, 0);
    if sock == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    // HeapAlloc(HEAP_ZERO_MEMORY, sizeof(SOCKET_PEER_TARGET_NAME) + spnLen): PeerAddress stays zero.
    let spn_bytes = core::mem::size_of_val(server_spn);
    let total = PEER_TARGET_NAME_SIZE + spn_bytes;
    let mut buffer = vec![0u64; total.div_ceil(8)];
    let peer_target_name = buffer.as_mut_ptr() as *mut SOCKET_PEER_TARGET_NAME;
    (*peer_target_name).SecurityProtocol = SOCKET_SECURITY_PROTOCOL_DEFAULT;
    (*peer_target_name).PeerTargetNameStringLen = spn_bytes as u32;
    core::ptr::copy_nonoverlapping(
        server_spn.as_ptr(),
        core::ptr::addr_of_mut!((*peer_target_name).AllStrings) as *mut u16,
        server_spn.len(),
    );
    if WSASetSocketPeerTargetName(sock, peer_target_name, total as u32, core::ptr::null::<OVERLAPPED>(), None)
        == SOCKET_ERROR
    {
        let error = WSAGetLastError();
        closesocket(sock);
        return Err(error);
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
        let error = WSAGetLastError();
        closesocket(sock);
        return Err(error);
    }
    Ok(sock)
}
