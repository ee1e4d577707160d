// A secure TCP server that checks its client against its own security descriptor: the way
// Microsoft's server sample says such a server should work ("fetch the client token with
// WSAQuerySocketSecurity instead of impersonating"), in Rust against windows-sys's names.
// Like the other samples it has no `use` lines: the file that includes it chooses the
// emulator's `sys` or windows-sys (plus `CloseHandle` and `HANDLE` from
// `Win32::Foundation`).

/// `TOKEN_QUERY | TOKEN_IMPERSONATE` (winnt.h): the access the server asks for on the
/// client's tokens (`Win32_Security` is not a feature this crate enables).
pub const PEER_TOKEN_ACCESS: u32 = 0x0008 | 0x0004;

/// What the server learnt of one client: the raw token handles (0: none), the answer's
/// `Flags`, and how many bytes `WSAQuerySocketSecurity` said it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientTokens {
    pub application: u64,
    pub machine: u64,
    pub flags: u32,
    pub needed: u32,
}

/// Asks for the accepted socket's peer tokens as C code does: a template with
/// `PeerTokenAccessMask`, a size probe with a NULL buffer (which fails with the size
/// needed), then the query into a buffer of that size.
pub unsafe fn query_client_tokens(client_sock: SOCKET) -> Result<ClientTokens, i32> {
    let mut template = SOCKET_SECURITY_QUERY_TEMPLATE::default();
    template.SecurityProtocol = SOCKET_SECURITY_PROTOCOL_DEFAULT;
    template.PeerTokenAccessMask = PEER_TOKEN_ACCESS;
    let template_len = core::mem::size_of::<SOCKET_SECURITY_QUERY_TEMPLATE>() as u32;
    let mut needed = 0u32;
    let probe = WSAQuerySocketSecurity(
        client_sock,
        &template,
        template_len,
        core::ptr::null_mut(),
        &mut needed,
        core::ptr::null(),
        None,
    );
    if probe != SOCKET_ERROR {
        return Err(0);
    }
    let probe_error = WSAGetLastError();
    if probe_error != WSAEMSGSIZE && probe_error != WSAEFAULT {
        return Err(probe_error);
    }
    let mut info = SOCKET_SECURITY_QUERY_INFO::default();
    if needed as usize > core::mem::size_of::<SOCKET_SECURITY_QUERY_INFO>() {
        return Err(WSAEMSGSIZE);
    }
    let mut len = needed;
    if WSAQuerySocketSecurity(
        client_sock,
        &template,
        template_len,
        &mut info,
        &mut len,
        core::ptr::null(),
        None,
    ) == SOCKET_ERROR
    {
        return Err(WSAGetLastError());
    }
    Ok(ClientTokens {
        application: info.PeerApplicationAccessTokenHandle,
        machine: info.PeerMachineAccessTokenHandle,
        flags: info.Flags,
        needed,
    })
}

/// Closes a token handle the query returned (0: none); `Err(GetLastError())` if
/// `CloseHandle` refuses it.
pub unsafe fn close_token(token: u64) -> Result<(), u32> {
    if token == 0 {
        return Ok(());
    }
    let handle: HANDLE = core::ptr::without_provenance_mut(token as usize);
    if CloseHandle(handle) == 0 {
        return Err(GetLastError());
    }
    Ok(())
}

/// One turn of the server: `WSAAccept` the next client, `WSARecv` its request, query its
/// tokens, run `access_check` on them (the server's own check against its security
/// descriptor), impersonate the client for the work done on its behalf
/// (`WSAImpersonateSocketPeer`, `work`, `WSARevertImpersonation`), `WSASend` the reply,
/// close the tokens (only the machine token when `close_application` is false: the
/// leaky variant) and the socket.
pub unsafe fn serve_with_tokens(
    listen_sock: SOCKET,
    request: &mut [u8],
    reply: &[u8],
    access_check: impl FnOnce(&ClientTokens) -> bool,
    work: impl FnOnce(SOCKET),
    close_application: bool,
) -> Result<ClientTokens, i32> {
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
    wsa_recv_buffer(client_sock, request, 0)?;
    let tokens = match query_client_tokens(client_sock) {
        Ok(tokens) => tokens,
        Err(error) => {
            closesocket(client_sock);
            return Err(error);
        }
    };
    let allowed = access_check(&tokens);
    if allowed {
        if WSAImpersonateSocketPeer(client_sock, core::ptr::null(), 0) == SOCKET_ERROR {
            return Err(close_on_error(client_sock));
        }
        work(client_sock);
        if WSARevertImpersonation() == SOCKET_ERROR {
            return Err(close_on_error(client_sock));
        }
        wsa_send_buffer(client_sock, reply)?;
    }
    if close_application {
        close_token(tokens.application).map_err(|error| error as i32)?;
    }
    close_token(tokens.machine).map_err(|error| error as i32)?;
    closesocket(client_sock);
    Ok(tokens)
}
