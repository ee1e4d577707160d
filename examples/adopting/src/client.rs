//! The code under test: connect to `server`, insisting that it is `server_spn`
//! (`WSASetSocketSecurity`, then `WSASetSocketPeerTargetName`, then `connect`), as
//! Microsoft's secure TCP client sample does.

use std::net::SocketAddrV4;

use crate::winsock::*;

/// A connected, secured socket to `server`, whose principal must be `server_spn`; or the
/// Winsock error code of the call that failed (the socket is closed then).
///
/// # Safety
/// Calls Winsock: `WSAStartup` must have succeeded on this thread's Winsock.
pub unsafe fn connect_secure(server: SocketAddrV4, server_spn: &str) -> Result<SOCKET, i32> {
    let sock = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP);
    if sock == INVALID_SOCKET {
        return Err(WSAGetLastError());
    }
    let fail = |sock| {
        let error = WSAGetLastError();
        closesocket(sock);
        Err(error)
    };
    // Security first: before the peer is named and before the connect.
    let settings = SOCKET_SECURITY_SETTINGS {
        SecurityProtocol: SOCKET_SECURITY_PROTOCOL_DEFAULT,
        SecurityFlags: SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    };
    let settings_len = size_of::<SOCKET_SECURITY_SETTINGS>() as u32;
    if WSASetSocketSecurity(sock, &settings, settings_len, std::ptr::null(), None) == SOCKET_ERROR {
        return fail(sock);
    }
    // SOCKET_PEER_TARGET_NAME with the name (UTF-16) in its trailing AllStrings.
    let spn: Vec<u16> = server_spn.encode_utf16().collect();
    let header = size_of::<SOCKET_PEER_TARGET_NAME>();
    let total = header + size_of_val(spn.as_slice());
    let mut buffer = vec![0u64; total.div_ceil(8)];
    let name = buffer.as_mut_ptr().cast::<SOCKET_PEER_TARGET_NAME>();
    (*name).SecurityProtocol = SOCKET_SECURITY_PROTOCOL_DEFAULT;
    (*name).PeerTargetNameStringLen = size_of_val(spn.as_slice()) as u32;
    std::ptr::copy_nonoverlapping(
        spn.as_ptr(),
        std::ptr::addr_of_mut!((*name).AllStrings).cast::<u16>(),
        spn.len(),
    );
    if WSASetSocketPeerTargetName(sock, name, total as u32, std::ptr::null(), None) == SOCKET_ERROR
    {
        return fail(sock);
    }
    let address = SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: server.port().to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from(*server.ip()).to_be(),
            },
        },
        sin_zero: [0; 8],
    };
    let address_len = size_of::<SOCKADDR_IN>() as i32;
    if connect(sock, std::ptr::addr_of!(address).cast(), address_len) == SOCKET_ERROR {
        return fail(sock);
    }
    Ok(sock)
}

/// The tests: on Linux and macOS against winsock-emu, each in a network of its own.
#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;
    use winsock_emu::testing::TraceOnFailure;
    use winsock_emu::{Domain, EnterGuard, Network, Socket, Startup, Type};

    const SERVER: &str = "192.0.2.10:27015";

    /// A test's own network, entered and started while this lives. (Keep it in one named
    /// binding: `let (net, ..) = ...` would drop the guards at once.)
    struct TestNetwork {
        // Dropped first: if the test panics, the trace and the socket table are printed
        // while the sockets still exist.
        _trace: TraceOnFailure,
        _wsa: Startup,
        _current: EnterGuard,
        net: Network,
    }

    /// How a test gets its network: a new one, entered (so the `sys` calls of the code
    /// under test use it on this thread), started, and traced (printed if the test fails).
    fn network() -> TestNetwork {
        let net = Network::new();
        TestNetwork {
            _trace: net.trace_on_failure(),
            _wsa: net.startup().expect("WSAStartup"),
            _current: net.enter(),
            net,
        }
    }

    /// A listening server at [`SERVER`] that authenticates as `principal`.
    fn server(net: &Network, principal: &str) -> Socket {
        let server = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
        server.set_security(None).unwrap();
        server.set_principal(principal).unwrap();
        server.bind(SERVER.parse().unwrap()).unwrap();
        server.listen(1).unwrap();
        server
    }

    #[test]
    fn connects_to_the_server_it_names() {
        let test = network();
        let net = &test.net;
        let listener = server(net, "host/server.contoso.com");
        let sock = unsafe { connect_secure(SERVER.parse().unwrap(), "host/server.contoso.com") }
            .expect("the server is who the client named");
        let (accepted, _) = listener.accept().unwrap();
        let security = accepted.query_security().unwrap();
        assert!(
            security.is_secured() && security.is_encrypted(),
            "{security:?}"
        );
        assert_eq!(unsafe { closesocket(sock) }, 0);
    }

    /// The failing case: a server with another identity answers. The code under test
    /// returns Windows's error, and the network says why (`cargo test -- --nocapture`
    /// prints it).
    #[test]
    fn refuses_a_server_with_another_identity_and_says_why() {
        let test = network();
        let net = &test.net;
        let _rogue = server(net, "host/rogue.contoso.com");
        let result = unsafe { connect_secure(SERVER.parse().unwrap(), "host/server.contoso.com") };
        assert_eq!(result, Err(WSAETIMEDOUT));

        let why = &net.security_failures()[0];
        println!("{why}");
        assert_eq!(why.expected.to_string(), "host/server.contoso.com");
        assert_eq!(why.met.to_string(), "host/rogue.contoso.com");
        println!("{}", net.snapshot());
    }
}
