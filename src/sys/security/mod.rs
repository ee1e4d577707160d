//! `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer` and
//! `WSARevertImpersonation`.
//!
//! The Secure Socket Extensions: `WSASetSocketSecurity`, `WSAQuerySocketSecurity`,
//! `WSAImpersonateSocketPeer`, `WSARevertImpersonation` (this file) and the peer target
//! names (`peer_names.rs`).

pub(super) mod peer_names;

use windows_sys::Win32::Networking::WinSock::{
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKADDR, SOCKET, SOCKET_SECURITY_QUERY_INFO,
    SOCKET_SECURITY_QUERY_TEMPLATE, SOCKET_SECURITY_SETTINGS,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::last_error::int_result;
use super::memory;
use super::overlapped::overlapped_result;
use crate::error::Error;
use crate::model::current::with_current;
use crate::model::{QueryFailure, SocketTable, TemplateArg};
use crate::testing::Call;
use crate::wire::SecurityQueryInfo;

/// [`WSASetSocketSecurity`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsasetsocketsecurity):
/// turns security on for the socket, with *SecuritySettings* (a `SOCKET_SECURITY_SETTINGS`,
/// or a `SOCKET_SECURITY_SETTINGS_IPSEC` cast to it) or, when NULL, the defaults. Returns 0,
/// or `SOCKET_ERROR` with the last error set:
///
/// - `WSAENOTSOCK`: not a socket.
/// - `WSAEINVAL`: the socket is not AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM; the
///   settings hold an incorrect value (illegal protocol, unknown flags, DEFAULT in the
///   IPsec form, an odd string length); the socket is already bound or already has
///   settings ([`crate::choices::SECURITY_TIMING_ERRORS`]).
/// - `WSAEMSGSIZE`: *SecuritySettingsLen* cannot hold the structure or its strings.
/// - `WSAEISCONN`: the socket is connected.
///
/// Overlapped arguments: as for [`super::WSASetSocketPeerTargetName`]. On failure nothing
/// changes.
///
/// # Safety
/// `securitysettings` must be NULL or valid for reads of `securitysettingslen` bytes.
/// `overlapped` is never dereferenced.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSASetSocketSecurity(
    socket: SOCKET,
    securitysettings: *const SOCKET_SECURITY_SETTINGS,
    securitysettingslen: u32,
    overlapped: *const OVERLAPPED,
    completionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let settings = unsafe { memory::security_settings(securitysettings, securitysettingslen) };
    int_result(with_current(|table| {
        let operation = || table.set_security(socket, settings).map(|()| 0);
        // SAFETY: forwarded from the caller.
        unsafe {
            overlapped_result(
                table,
                Call::SetSocketSecurity,
                socket,
                overlapped,
                completionroutine,
                operation,
            )
        }
        .map(drop)
    }))
}

/// Finishes a query for both faces: on success the info is written to the caller's
/// buffer, the call completes through [`overlapped_result`] (24 or 64 bytes transferred)
/// and `*len` receives that count; when the buffer was too small `*len` receives the size
/// needed; other errors write nothing (and close any token the answer opened). Returns 0
/// or `SOCKET_ERROR`.
///
/// # Safety
/// `info` must be NULL or valid for writes of the length the model checked (at least 24
/// when the query succeeded); `len` must be NULL or valid for writes of a `u32`;
/// `overlapped` as for [`overlapped_result`].
pub(super) unsafe fn finish_query(
    table: &SocketTable,
    socket: SOCKET,
    outcome: Result<SecurityQueryInfo, QueryFailure>,
    info: *mut u8,
    len: *mut u32,
    overlapped: *const OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    let answer = match outcome {
        Ok(answer) => answer,
        Err(failure) => {
            if let Some(needed) = failure.needed.filter(|_| !len.is_null()) {
                // SAFETY: non-NULL, and the caller promises a writable u32.
                unsafe { memory::write(len, needed) };
            }
            return int_result(Err(failure.error));
        }
    };
    let bytes = answer.to_bytes();
    // SAFETY: the model checked that `info` is non-NULL and holds the answer's form (24 or
    // 64 bytes); the buffer may be filled before completion, as Windows guarantees it only
    // then.
    unsafe { memory::write_bytes(info, &bytes) };
    let done = Ok(bytes.len() as u32);
    // SAFETY: forwarded from the caller.
    let call = Call::QuerySocketSecurity;
    let result = unsafe { overlapped_result(table, call, socket, overlapped, routine, || done) };
    if matches!(result, Err(error) if error != Error::IoPending) {
        // The call failed after all: the caller never owns the tokens it would have got.
        super::handles::close_tokens(&answer.token_handles());
    }
    int_result(result.map(|transferred| {
        if !len.is_null() {
            // SAFETY: non-NULL, and the caller promises a writable u32.
            unsafe { memory::write(len, transferred) };
        }
    }))
}

/// [`WSAQuerySocketSecurity`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaquerysocketsecurity):
/// the security of the socket's connection (stream) or of its exchange with the
/// template's peer (datagram), answered from the emulated connection's real state:
/// `SOCKET_INFO_CONNECTION_SECURED`, `_ENCRYPTED`, and `_IMPERSONATED`
/// ([`crate::choices::IMPERSONATED_FLAG`]). A template whose protocol is
/// `SOCKET_SECURITY_PROTOCOL_IPSEC2` is a `SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2` (152
/// bytes) and is answered with a `SOCKET_SECURITY_QUERY_INFO_IPSEC2` (64 bytes: SA ids,
/// `NegotiationWinerr`, `SaLookupContext`; [`crate::choices::IPSEC2_FORMS`]). Returns 0, or
/// `SOCKET_ERROR` with:
///
/// - `WSAENOTSOCK`; `WSAEFAULT` (*SecurityQueryInfoLen* is NULL);
/// - `WSAEINVAL`: wrong socket family or type, an illegal template protocol, or undefined
///   IPsec2 `Flags`/`FieldMask` bits ([`crate::choices::IPSEC2_FLAGS_AND_FIELD_MASK`]);
/// - `WSAEMSGSIZE`: a datagram socket without a full template, a stream socket with a
///   short non-zero template length, an IPsec2 template shorter than 152 bytes; and, with
///   `*SecurityQueryInfoLen` set to 24 (64 for the IPsec2 form), an info buffer that is
///   NULL or too small ([`crate::choices::QUERY_SIZE_PROBE_CODE`]);
/// - `WSAEAFNOSUPPORT`: a datagram template peer of a family the socket cannot use;
/// - `WSAECONNRESET`: the peer reset the connection;
/// - `WSAENOTCONN`: no connection yet ([`crate::choices::QUERY_BEFORE_CONNECTION`]).
///
/// With a non-zero `PeerTokenAccessMask` and a secured link, the answer holds new access
/// token handles for the authenticated peer ([`crate::choices::TOKEN_KINDS`]), each to be
/// closed once with [`super::CloseHandle`]; otherwise both are 0.
///
/// # Safety
/// `securityquerytemplate` must be NULL or valid for reads of `securityquerytemplatelen`
/// bytes; `securityqueryinfo` NULL or valid for writes of `*securityqueryinfolen` bytes;
/// `securityqueryinfolen` NULL or valid for reads and writes of a `u32`.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAQuerySocketSecurity(
    socket: SOCKET,
    securityquerytemplate: *const SOCKET_SECURITY_QUERY_TEMPLATE,
    securityquerytemplatelen: u32,
    securityqueryinfo: *mut SOCKET_SECURITY_QUERY_INFO,
    securityqueryinfolen: *mut u32,
    overlapped: *const OVERLAPPED,
    completionroutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let template: TemplateArg<'_> =
        unsafe { memory::query_template(securityquerytemplate, securityquerytemplatelen) };
    let info_len = if securityqueryinfolen.is_null() {
        None
    } else {
        // SAFETY: non-NULL, and the caller promises a readable u32.
        Some(unsafe { memory::read(securityqueryinfolen) })
    };
    with_current(|table| {
        let info_given = !securityqueryinfo.is_null();
        let outcome = table.query_security(socket, template, info_given, info_len);
        let (info, len) = (securityqueryinfo.cast(), securityqueryinfolen);
        // SAFETY: forwarded from the caller; the model checked sizes before succeeding.
        unsafe {
            finish_query(
                table,
                socket,
                outcome,
                info,
                len,
                overlapped,
                completionroutine,
            )
        }
    })
}

/// [`WSAImpersonateSocketPeer`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsaimpersonatesocketpeer):
/// the calling thread acts as the socket's authenticated peer until
/// [`WSARevertImpersonation`]: as the user of its application token when it has one, else
/// as its machine principal, as Windows' own code prefers the application token
/// ([`crate::choices::TOKEN_KINDS`]). *PeerAddr* is ignored on stream sockets (NULL and 0 are
/// fine, as Microsoft's server sample passes) and names the peer on datagram sockets.
/// Returns 0, or `SOCKET_ERROR` with:
///
/// - `WSAENOTSOCK`;
/// - `WSAEINVAL`: a non-zero *PeerAddrLen* with NULL, a length over 128, or a socket that is
///   not AF_INET/AF_INET6 stream or datagram ([`crate::choices::IMPERSONATE_NULL_ADDRESS`]);
/// - `WSAEFAULT`: NULL *PeerAddr* on a datagram socket; `WSAEMSGSIZE`: too short for its
///   address; `WSAEAFNOSUPPORT`: a family the socket cannot use;
/// - `WSAECONNRESET`, `WSAENOTCONN` as for [`WSAQuerySocketSecurity`];
/// - `WSAEOPNOTSUPP`: the connection is not secured, so no peer was authenticated
///   ([`crate::choices::IMPERSONATE_NEEDS_SECURED_PEER`]).
///
/// # Safety
/// `peeraddr` must be NULL or valid for reads of `peeraddrlen` bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAImpersonateSocketPeer(
    socket: SOCKET,
    peeraddr: *const SOCKADDR,
    peeraddrlen: u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let addr = unsafe { memory::sockaddr(peeraddr, peeraddrlen.into()) };
    int_result(with_current(|table| {
        table.impersonate_peer(socket, addr, peeraddrlen)
    }))
}

/// [`WSARevertImpersonation`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-wsarevertimpersonation):
/// ends the calling thread's impersonation; with none, nothing happens. Always returns 0
/// ([`crate::choices::REVERT_NEEDS_NOTHING`]).
///
/// # Safety
/// None needed; declared `unsafe extern "system"` to match windows-sys's signature.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSARevertImpersonation() -> i32 {
    crate::model::current::with_current(|table| table.revert_impersonation());
    0
}
