//! Known divergences, all in one place, each with its reason.
//!
//! Wine marks the checks its implementation does not yet pass with `todo_wine`; a marked
//! check that starts to pass is reported as a failure, so a fixed difference cannot linger
//! as a marker. Here a [`Divergence`] marks one case on one backend: while the backend
//! still differs, the case is reported as a *known divergence* and does not fail the run;
//! once it gives the expected result, the case fails as a *stale divergence* until the
//! entry below is removed.
//!
//! A difference between real Windows and the emulator that is not listed here fails the
//! run on Windows: it is never hidden.
//!
//! [`WINE_DIVERGENCES`] holds the differences of Wine's `ws2_32` from Windows on calls
//! Wine implements: they mark the `windows` column only when it runs under Wine
//! ([`crate::backend::wine_version`]), each with the evidence that Windows gives the
//! expected result (a Microsoft page, or the Wine conformance tests in
//! `dlls/ws2_32/tests/sock.c` and, for name resolution, `protocol.c`, which run on real
//! Windows, by test function). On real Windows they do not apply: there the case must
//! pass.
//!
//! [`UNREVIEWED_WINE_DIVERGENCES`] holds the differences under Wine not yet checked
//! against Windows: applied as the others (a listed case that stops differing still fails
//! the run), but their evidence reads [`UNREVIEWED`], so the reports never show them as
//! explained. Each one is to be decided (an emulator bug, a wrong case, or a Wine
//! divergence with its evidence) and moved out of that list.
#![forbid(unsafe_code)]

use crate::backend::{wine_version, BackendKind};

/// One case on which one backend is known to differ from the expected result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Divergence {
    /// The case's id.
    pub case: &'static str,
    /// The backend that differs.
    pub backend: BackendKind,
    /// Why, and what would end it.
    pub reason: &'static str,
    /// What shows that the expected result is Windows's: a Microsoft page, or the Wine
    /// conformance test (`dlls/ws2_32/tests/sock.c` or `protocol.c`, by test function) that
    /// records what Windows does where Wine differs.
    pub evidence: &'static str,
}

/// Every known divergence. None today: the last one (`ioctl-set-security-defaults`, from
/// before `WSASetSocketSecurity` was emulated) was removed when it landed.
pub const KNOWN_DIVERGENCES: &[Divergence] = &[];

/// A difference of Wine (8.0) from Windows on a call Wine implements, on the `windows`
/// column.
const fn wine(case: &'static str, reason: &'static str, evidence: &'static str) -> Divergence {
    Divergence {
        case,
        backend: BackendKind::Windows,
        reason,
        evidence,
    }
}

/// Where Wine's `ws2_32` differs from Windows on a call it implements: listed for the
/// `windows` column run under Wine only.
pub const WINE_DIVERGENCES: &[Divergence] = &[
    wine(
        "data-send-unconnected-stream",
        "Wine answers send on a stream socket never connected with WSAECONNRESET.",
        "send page, Return value: WSAENOTCONN, \"The socket is not connected\"; sock.c \
         test_connecting_socket: on Windows send fails with WSAENOTCONN even while a \
         connect is in progress (marked todo_wine: Wine differs there too).",
    ),
    wine(
        "wsasend-unconnected-stream",
        "Wine answers WSASend on a stream socket never connected with WSAECONNRESET, as it \
         does send.",
        "WSASend page, Return value: WSAENOTCONN, \"The socket is not connected\"; sock.c \
         test_connecting_socket: on Windows send fails with WSAENOTCONN even while a \
         connect is in progress (marked todo_wine: Wine differs there too).",
    ),
    wine(
        "wsarecv-unbound-datagram",
        "Wine answers a receive on an unbound datagram socket with WSAEWOULDBLOCK.",
        "sock.c test_connect_udp: recv on an unbound UDP socket gives WSAEINVAL on \
         Windows, marked todo_wine; WSARecv page, Return value: WSAEINVAL, \"The socket \
         has not been bound (for example, with bind)\".",
    ),
    wine(
        "udp-recvfrom-after-port-unreachable",
        "Wine never reports the ICMP Port Unreachable a datagram drew: the later recvfrom \
         receives the next datagram.",
        "recvfrom page, Return value: WSAECONNRESET, \"On a UDP-datagram socket this error \
         indicates a previous send operation resulted in an ICMP Port Unreachable \
         message\"; the SIO_UDP_CONNRESET page (Winsock IOCTLs) turns that report off.",
    ),
    wine(
        "data-sendto-other-family",
        "Wine answers an IPv6 destination on an IPv4 socket with WSAEOPNOTSUPP.",
        "sendto page, Return value: WSAEAFNOSUPPORT, \"Addresses in the specified family \
         cannot be used with this socket\".",
    ),
    wine(
        "data-sendto-null-address",
        "Wine answers sendto with a NULL address on an unconnected datagram socket with \
         WSAEINVAL.",
        "sendto page, Return value: WSAEDESTADDRREQ, \"A destination address is \
         required\" (WSAENOTCONN is listed for connection-oriented sockets only); the \
         stored sock.c asserts no code for this call, so the page decides.",
    ),
    wine(
        "data-sendto-port-zero",
        "Wine 8.0 answers sendto to 127.0.0.1 port 0 with WSAEINVAL (Linux refuses UDP \
         port 0 with EINVAL, and Wine passes that on).",
        "sock.c test_UDP: on Windows, sendto to port 0 on 127.0.0.1 or ::1 succeeds and \
         returns the length (the sendto page's WSAEADDRNOTAVAIL names ADDR_ANY, not port \
         0).",
    ),
    wine(
        "data-sendto-zero-address",
        "Wine 8.0 sends a datagram to 0.0.0.0 (Linux takes the zero address for this host).",
        "sendto page, Return value: WSAEADDRNOTAVAIL, \"The remote address is not a valid \
         address, for example, ADDR_ANY\".",
    ),
    wine(
        "getaddrinfo-hints-tail-set",
        "Wine's getaddrinfo copies only ai_flags, ai_family, ai_socktype and ai_protocol of \
         the hints to the host's getaddrinfo (dlls/ws2_32/unixlib.c, unix_getaddrinfo) and \
         never reads ai_addrlen, so the lookup succeeds.",
        "getaddrinfo page, pHints: the ai_addrlen, ai_canonname, ai_addr and ai_next members \
         \"must be zero or NULL. Otherwise the GetAddrInfoEx function will fail with \
         WSANO_RECOVERY\"; protocol.c test_getaddrinfo asserts no code for such hints, so \
         the page decides.",
    ),
    wine(
        "getaddrinfo-canonname-with-fqdn",
        "Wine has no AI_FQDN: addrinfo_flags_to_unix (dlls/ws2_32/unixlib.c) drops the bits \
         it cannot map, so AI_CANONNAME | AI_FQDN is looked up as AI_CANONNAME alone and \
         succeeds.",
        "getaddrinfo page, AI_FQDN: \"Only one of the AI_FQDN and AI_CANONNAME bits can be \
         set. The getaddrinfo function will fail if both flags are present with \
         EAI_BADFLAGS\" (WSAEINVAL in its Return value table); protocol.c asserts no code \
         for AI_FQDN, so the page decides.",
    ),
    wine(
        "getaddrinfo-canonname-without-node",
        "Wine hands AI_CANONNAME with a NULL node to the host's getaddrinfo, which refuses it \
         with EAI_BADFLAGS, and returns that as WSAEINVAL (dlls/ws2_32/unixlib.c, \
         addrinfo_err_from_unix).",
        "getaddrinfo page, AI_CANONNAME: \"When the AI_CANONNAME bit is set, the pNodeName \
         parameter cannot be NULL. Otherwise the getaddrinfo function will fail with \
         WSANO_RECOVERY\"; protocol.c test_getaddrinfo asserts no code for it, so the page \
         decides.",
    ),
    wine(
        "getnameinfo-both-buffers-null",
        "Wine's getnameinfo passes its arguments to the host's getnameinfo \
         (dlls/ws2_32/unixlib.c, unix_getnameinfo), which succeeds when neither a host nor a \
         service is asked for (without NI_NAMEREQD).",
        "getnameinfo page, Return value: EAI_NONAME (WSAHOST_NOT_FOUND) when \"both the host \
         and serv parameters were NULL\"; the stored protocol.c has no getnameinfo test, so \
         the page decides.",
    ),
    wine(
        "getnameinfo-zero-size-buffer",
        "Wine passes a host buffer of size 0 to the host's getnameinfo (dlls/ws2_32/unixlib.c, \
         unix_getnameinfo), which skips a buffer of length 0 and succeeds.",
        "getnameinfo page, Return value: EAI_BADFLAGS (WSAEINVAL), \"This error is returned \
         if a host name was requested but the hostlen parameter was zero\"; the stored \
         protocol.c has no getnameinfo test, so the page decides.",
    ),
    wine(
        "extension-transmitfile-known",
        "Wine 8.0's SIO_GET_EXTENSION_FUNCTION_POINTER writes TransmitFile's pointer without \
         checking that the output buffer has room for it, and succeeds.",
        "WSAIoctl page, Return value: WSAEFAULT, \"the lpvInBuffer, lpvOutBuffer, \
         lpcbBytesReturned, lpOverlapped, or lpCompletionRoutine parameter is not totally \
         contained in a valid part of the user address space, or the cbInBuffer or \
         cbOutBuffer parameter is too small\"; sock.c test_get_extension_func records \
         WSAEFAULT for the other extension GUIDs, as Wine 8.0 gives it for them \
         (choice `extension-functions`).",
    ),
    wine(
        "transmit-file-connected-udp",
        "Wine 8.0's TransmitFile sends the buffers on a connected datagram socket and \
         succeeds.",
        "TransmitFile page, Return value: WSAEINVAL for \"a socket of type SOCK_DGRAM or \
         SOCK_RAW\" (hSocket: \"a handle to a connected socket ... a connection-oriented \
         socket\"); choice `transmit-checks`.",
    ),
    wine(
        "transmit-file-disconnect",
        "Wine 8.0's TransmitFile with TF_DISCONNECT and no file sends the buffers but does not \
         disconnect: the peer's next receive finds nothing (WSAEWOULDBLOCK), not the end of \
         the stream.",
        "TransmitFile page, dwFlags, TF_DISCONNECT: \"Start a transport-level disconnect \
         after all the file data has been queued for transmission\"; choice \
         `transmit-flags`.",
    ),
    wine(
        "transmit-file-reuse-needs-disconnect",
        "Wine 8.0's TransmitFile accepts TF_REUSE_SOCKET without TF_DISCONNECT on a connected \
         socket.",
        "TransmitFile page, dwFlags, TF_REUSE_SOCKET: \"This flag is only valid if \
         TF_DISCONNECT is also specified\"; Return value: WSAEINVAL for an invalid flag \
         combination; choice `transmit-checks`.",
    ),
    wine(
        "duplicate-socket-info-used-once",
        "Wine 8.0's WSASocketW takes the same duplicated WSAPROTOCOL_INFOW a second time and \
         makes another socket.",
        "WSADuplicateSocketW page, Remarks: \"The special WSAPROTOCOL_INFO structure can \
         only be used once by the target process\"; WSASocketW page, Return value: \
         WSAEINVAL, \"an invalid parameter\" (choice `duplicate-is-a-second-handle`).",
    ),
    wine(
        "shutdown-receive-with-queued-data-resets",
        RECEIVE_SHUTDOWN_KEEPS_THE_CONNECTION,
        RECEIVE_SHUTDOWN_RESETS,
    ),
    wine(
        "shutdown-receive-then-data-resets",
        RECEIVE_SHUTDOWN_KEEPS_THE_CONNECTION,
        RECEIVE_SHUTDOWN_RESETS,
    ),
    wine(
        "recv-disconnect-with-queued-data-resets",
        RECEIVE_SHUTDOWN_KEEPS_THE_CONNECTION,
        RECEIVE_SHUTDOWN_RESETS,
    ),
    wine(
        "extension-needs-room-for-the-pointer",
        EXTENSION_LENGTH_UNCHECKED,
        WSAIOCTL_OUTPUT_TOO_SMALL,
    ),
    wine(
        "extension-acceptex-known",
        EXTENSION_LENGTH_UNCHECKED,
        WSAIOCTL_OUTPUT_TOO_SMALL,
    ),
    wine(
        "extension-connectex-known",
        EXTENSION_LENGTH_UNCHECKED,
        WSAIOCTL_OUTPUT_TOO_SMALL,
    ),
    wine(
        "extension-disconnectex-known",
        EXTENSION_LENGTH_UNCHECKED,
        WSAIOCTL_OUTPUT_TOO_SMALL,
    ),
    wine(
        "extension-getacceptexsockaddrs-known",
        EXTENSION_LENGTH_UNCHECKED,
        WSAIOCTL_OUTPUT_TOO_SMALL,
    ),
    wine(
        "option-default-tcp-keepalive",
        "Wine 8.0 has no TCP_KEEPALIVE at IPPROTO_TCP: getsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-default-tcp-keepintvl",
        "Wine 8.0 has no TCP_KEEPINTVL: getsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-default-tcp-keepcnt",
        "Wine 8.0 has no TCP_KEEPCNT: getsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-set-tcp-keepalive",
        "Wine 8.0 has no TCP_KEEPALIVE at IPPROTO_TCP: setsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-set-tcp-keepintvl",
        "Wine 8.0 has no TCP_KEEPINTVL: setsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-set-tcp-keepcnt",
        "Wine 8.0 has no TCP_KEEPCNT: setsockopt gives WSAENOPROTOOPT.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-short-get-keepcnt-zero-length",
        "Wine 8.0 has no TCP_KEEPCNT: it gives WSAENOPROTOOPT before any length check.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-keepcnt-above-255",
        "Wine 8.0 has no TCP_KEEPCNT: it gives WSAENOPROTOOPT before any value check.",
        "sock.c test_set_getsockopt, which runs on Windows: `ok(!err, \"setsockopt TCP_KEEPALIVE \
         failed\")`, `ok(!err, \"getsockopt TCP_KEEPALIVE failed\")`, and for TCP_KEEPCNT and \
         TCP_KEEPINTVL (\"supported on win10 and later\") setsockopt succeeds; its \
         test_optsize table lists the three options at IPPROTO_TCP with their length \
         checks.",
    ),
    wine(
        "option-set-so-error",
        "Wine 8.0 accepts setsockopt(SO_ERROR) but does not keep the value: getsockopt reads \
         0 back.",
        "sock.c test_set_getsockopt, \"Test SO_ERROR set/get\": after setsockopt of 1234, \
         `todo_wine ok (i == 1234, \"got %d (expected 1234)\")` (Windows reads the value \
         back, Wine does not).",
    ),
    wine(
        "getpeername-unconnected-before-pointers",
        "Wine 8.0 checks the pointers before the connection: getpeername on an unconnected UDP socket with NULL arguments gives WSAEFAULT.",
        "sock.c test_getpeername, which runs on Windows: getpeername on an unconnected UDP socket with NULL name and namelen fails with WSAENOTCONN (the connection state is checked before the pointers); getpeername page, Return value: WSAENOTCONN, \"The socket is not connected\".",
    ),
    wine(
        "reuse-exclusive-wildcard-then-default-wildcard",
        "Wine 8.0 refuses the second wildcard bind with WSAEACCES.",
        "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE (the bind tables for Windows Server 2003 and later, row SO_EXCLUSIVEADDRUSE/Wildcard, column Default/Wildcard): INUSE, WSAEADDRINUSE, for the same and for different user accounts alike.",
    ),
    wine(
        "reuse-exclusive-wildcard-then-exclusive-wildcard",
        "Wine 8.0 refuses the second exclusive wildcard bind with WSAEACCES.",
        "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE (every bind table, row SO_EXCLUSIVEADDRUSE/Wildcard, column SO_EXCLUSIVEADDRUSE/Wildcard): INUSE, WSAEADDRINUSE.",
    ),
    wine(
        "reuse-connection-goes-to-the-specific-socket",
        "Wine 8.0 (on Linux's rules) refuses a loopback bind while a wildcard socket listens on the port: WSAEADDRINUSE.",
        "sock.c test_reuseaddr, which runs on Windows: with s1 listening on the wildcard, s2 with no options binds loopback and listens (marked todo_wine), and a connect to loopback reaches s2 (todo_wine); Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE, Server 2003 and later, row Default/Wildcard, column Default/Specific: Success.",
    ),
    wine(
        "option-default-so-conditional-accept",
        "Wine has no SO_CONDITIONAL_ACCEPT: its getsockopt (dlls/ws2_32/socket.c, the \
         SOL_SOCKET switch) has no case for it and answers \"Unknown SOL_SOCKET optname\" \
         with WSAENOPROTOOPT.",
        "SOL_SOCKET socket options page: SO_CONDITIONAL_ACCEPT, a BOOL that getsockopt and \
         setsockopt both take (the application, not the stack, accepts or rejects through \
         WSAAccept).",
    ),
    wine(
        "qos-by-name-null-name",
        QOS_STUB,
        "WSAGetQOSByName page, Return value: WSAEFAULT, \"The lpQOSName or lpQOS parameter are not a valid part of the user address space, or the buffer length for lpQOS is too small\".",
    ),
    wine(
        "qos-by-name-empty-buffer",
        QOS_STUB,
        "WSAGetQOSByName page, Return value: WSAEFAULT (the buffer length is too small).",
    ),
    wine(
        "select-before-startup",
        "Wine 8.0's select gives WSAENOTSOCK before WSAStartup.",
        "select page, Return value: WSANOTINITIALISED, \"A successful WSAStartup call must \
         occur before using this function\" (first in its table); sock.c \
         test_WithoutWSAStartup: before WSAStartup, Windows fails WSASocketA and \
         gethostbyname with WSANOTINITIALISED (select itself is not called there).",
    ),
    wine(
        "wsapoll-unsupported-events",
        "Wine 8.0's WSAPoll accepts POLLPRI in events and succeeds.",
        "WSAPOLLFD page, events: POLLPRI \"is not supported by the Microsoft Winsock \
         provider\"; sock.c test_WSAPoll: events of POLLPRI (one of its invalid_flags) on a \
         listening and on a connected socket give -1 with WSAEINVAL on Windows, marked \
         todo_wine.",
    ),
    wine(
        "wsapoll-failed-connect",
        "Wine 8.0 reports POLLERR for a refused non-blocking connect, with POLLRDNORM once it \
         looks again, never POLLHUP | POLLERR | POLLWRNORM.",
        "WSAPoll page, Remarks: \"As of Windows 10 version 2004, when a TCP socket fails to \
         connect, (POLLHUP | POLLERR | POLLWRNORM) is indicated\"; sock.c test_WSAPoll, \
         \"Test a failed connection\" (an interactive check): `todo_wine \
         ok(fds[0].revents == (POLLWRNORM | POLLHUP | POLLERR))`.",
    ),
    wine(
        "wsaeventselect-fd-close-after-reset",
        "Wine 8.0 reports iErrorCode[FD_CLOSE_BIT] 0 for FD_CLOSE after the peer's reset.",
        "sock.c test_close_events, \"Trigger RST\": in event mode `check_events(ctx, \
         MAKELONG(FD_CLOSE, WSAECONNABORTED), 0, 200)`, not marked todo_wine (Windows \
         reports WSAECONNABORTED; the WSAEnumNetworkEvents page lists it for FD_CLOSE).",
    ),
    wine(
        "option-linger-on-udp",
        "Wine 8.0 accepts setsockopt(SO_LINGER) on a UDP socket.",
        "SOL_SOCKET socket options page, SO_LINGER: \"This option is only valid for reliable, \
         connection-oriented protocols\"; setsockopt page, WSAENOPROTOOPT: the option is \
         \"unknown or unsupported for the specified provider or socket type\"; sock.c \
         test_extendedSocketOptions: getsockopt(SO_LINGER) on a UDP socket fails with \
         WSAENOPROTOOPT (the set is not asserted there).",
    ),
    wine(
        "option-linger-zero-resets-the-peer",
        "Wine 8.0's recv on the peer succeeds after a close with SO_LINGER {1, 0}.",
        "closesocket page, Remarks (l_onoff nonzero, l_linger zero: a hard close, after which \
         \"any recv call on the remote side of the circuit will fail with WSAECONNRESET\"); \
         sock.c test_tcp_reset: after close_with_rst (SO_LINGER {1, 0}, then closesocket), a \
         new WSARecv and a send on the peer fail with WSAECONNRESET, not marked todo_wine.",
    ),
    wine(
        "wsasendmsg-stream-socket",
        "Wine 8.0's WSASendMsg sends on a stream socket.",
        "sock.c test_WSASendMsg, \"SOCK_STREAM sockets are not supported\": WSASendMsg on a \
         stream socket fails, `todo_wine ok(err == WSAEINVAL)` (Windows gives WSAEINVAL).",
    ),
    wine(
        "select-negative-timeout",
        "Wine 8.0's select accepts a TIMEVAL with a negative tv_sec and succeeds.",
        "no Windows evidence: the select page is silent on which TIMEVAL is not valid (its \
         WSAEINVAL names none) and sock.c passes no negative timeout; choice \
         `select-timeout-validity`.",
    ),
    wine(
        "wsaeventselect-unknown-bits",
        "Wine 8.0's WSAEventSelect accepts a mask bit outside FD_ALL_EVENTS (0x400).",
        "no Windows evidence: the WSAEventSelect page is silent on bits outside \
         FD_ALL_EVENTS (its WSAEINVAL says only \"one of the specified parameters was \
         invalid\") and sock.c passes no such mask; choice `event-select-arguments`.",
    ),
    wine(
        "close-interrupts-a-blocked-recv",
        "Wine 8.0 gives WSAEINVAL to a recv blocked when another thread closes the socket.",
        "no Windows evidence: the closesocket page calls a close concurrent with another \
         call on the socket undefined, and sock.c asserts no code for a blocked recv \
         (facts 1.7, 11); choice `close-interrupts-waits` keeps the Windows Sockets 2 \
         specification's WSAEINTR.",
    ),
    wine(
        "cancel-blocking-call-removed",
        "Wine 8.0's WSACancelBlockingCall returns 0.",
        "no Windows evidence: the WSACancelBlockingCall page says only that the function was \
         removed in compliance with the Windows Sockets 2 specification, revision 2.2.0, not \
         what ws2_32 answers, and sock.c does not call it; choice `blocking-hooks`.",
    ),
    wine(
        "option-default-so-rcvbuf",
        "Wine 8.0 reads 131072.",
        DEFAULTS_UNCONFIRMED,
    ),
    wine(
        "option-default-so-sndbuf",
        "Wine 8.0 reads 16384.",
        DEFAULTS_UNCONFIRMED,
    ),
    wine(
        "option-default-ip-ttl",
        "Wine 8.0 reads 64.",
        DEFAULTS_UNCONFIRMED,
    ),
    wine(
        "option-default-ipv6-unicast-hops",
        "Wine 8.0 reads 64.",
        DEFAULTS_UNCONFIRMED,
    ),
    wine(
        "wsasocket-protocol-info-unknown-entry",
        "Wine 8.0's WSASocket does not look up dwCatalogEntryId: it makes the socket of the \
         structure's triple and succeeds.",
        "no Windows evidence: the WSASocketW page's WSAEINVAL (\"the contents are invalid\") \
         does not say whether a dwCatalogEntryId naming no entry is invalid, and sock.c \
         passes none (test_WSASocket rewrites only the triple); choice \
         `wsasocket-protocol-info`.",
    ),
    wine(
        "multicast-leave-not-joined",
        "Wine 8.0 answers IP_DROP_MEMBERSHIP of a group not joined with WSAEINVAL.",
        "no Windows evidence: the IPPROTO_IP socket options page is silent on \
         IP_DROP_MEMBERSHIP's errors, and sock.c only checks that getsockopt refuses it \
         (test_sockopt_validity); choice `multicast-delivery`.",
    ),
    wine(
        "send-disconnect-data-refused",
        "Wine's WSASendDisconnect is `shutdown(s, SD_SEND)` whatever lpOutboundDisconnectData \
         holds (dlls/ws2_32/socket.c), so the call succeeds and later sends fail.",
        "WSASendDisconnect page, Return value: WSAENOPROTOOPT, \"The parameter \
         lpOutboundDisconnectData is not NULL, and the disconnect data is not supported by \
         the service provider\"; Remarks: \"The native implementation of TCP/IP on Windows \
         does not support disconnect data\".",
    ),
    wine("recv-ex-partial-datagram", RECVEX_STUB, RECVEX_PAGE),
    wine("recv-ex-stream-no-partial", RECVEX_STUB, RECVEX_PAGE),
    wine("recv-ex-stream-zero-length", RECVEX_STUB, RECVEX_PAGE),
    wine(
        "getaddrinfoex-namespace-not-installed",
        "Wine's GetAddrInfoExW resolves in any namespace: it only logs `FIXME( \"Unsupported \
         namespace %lu\\n\" )` (dlls/ws2_32/protocol.c; seen under Wine 8.0 as \
         `fixme:winsock:GetAddrInfoExW Unsupported namespace 40`) and goes on.",
        "GetAddrInfoExW page, Return value: WSASERVICE_NOT_FOUND, \"... the namespace \
         specified in the dwNameSpace parameter is not installed\".",
    ),
    wine(
        "cancel-io-ex-with-nothing-pending",
        "Under Wine 8.0, CancelIoEx(s, NULL) on a socket with no pending operation returns \
         TRUE (seen in the conformance run, not yet traced in Wine's source).",
        "CancelIoEx page, Return value: \"If this function cannot find a request to cancel, \
         the return value is 0 (zero), and GetLastError returns ERROR_NOT_FOUND\".",
    ),
    wine(
        "completion-port-wakes-the-last-waiter-first",
        "Under Wine 8.0 the first packet goes to the thread that began waiting first: the \
         later waiter's wait times out (WAIT_TIMEOUT, seen in the conformance run), so \
         wineserver wakes a port's waiters first in, first out.",
        "I/O Completion Ports page: \"threads that block their execution on an I/O \
         completion port are released in last-in-first-out (LIFO) order\".",
    ),
    wine(
        "closing-a-port-wakes-its-waiter",
        "Under Wine 8.0 closing a completion port does not end a wait on it: the wait runs \
         to its timeout (WAIT_TIMEOUT, seen in the conformance run).",
        "GetQueuedCompletionStatus page, Remarks: \"If a call to GetQueuedCompletionStatus \
         fails because the completion port handle associated with it is closed while the \
         call is outstanding, the function returns FALSE, *lpOverlapped will be NULL, and \
         GetLastError will return ERROR_ABANDONED_WAIT_0\".",
    ),
];

/// Why the receive-shutdown cases differ under Wine.
const RECEIVE_SHUTDOWN_KEEPS_THE_CONNECTION: &str = "Wine 8.0 passes the receive shutdown \
     to the host's socket (Linux), which does not reset the connection for data queued or \
     arriving afterwards: the peer's next call gets WSAEWOULDBLOCK, not WSAECONNRESET.";

/// What the `shutdown` page says a receive shutdown does to a TCP connection.
const RECEIVE_SHUTDOWN_RESETS: &str = "shutdown page, Remarks: \"For TCP sockets, if there \
     is still data queued on the socket waiting to be received, or data arrives \
     subsequently, the connection is reset, since the data cannot be delivered to the \
     user\" (WSARecvDisconnect shuts the receive side as shutdown(SD_RECEIVE) does; choice \
     `receive-shutdown-resets`).";

/// Why Wine succeeds where an extension function's pointer has no room.
const EXTENSION_LENGTH_UNCHECKED: &str = "Wine 8.0's WSAIoctl writes the extension function \
     pointer through the output pointer without checking its length (dlls/ws2_32/socket.c, \
     SIO_GET_EXTENSION_FUNCTION_POINTER: `*(void **)out_buff = guid_funcs[i].func_ptr`) and \
     succeeds with an output buffer of length 0.";

/// What the `WSAIoctl` page says of an output buffer too small.
const WSAIOCTL_OUTPUT_TOO_SMALL: &str = "WSAIoctl page, Return value: WSAEFAULT, \"The \
     lpvInBuffer, lpvOutBuffer, lpcbBytesReturned, lpOverlapped, or lpCompletionRoutine \
     parameter is not totally contained in a valid part of the user address space, or the \
     cbInBuffer or cbOutBuffer parameter is too small\".";

/// The evidence of the default-value cases the pages leave open.
const DEFAULTS_UNCONFIRMED: &str = "no Windows evidence: the SOL_SOCKET, IPPROTO_IP and \
     IPPROTO_IPV6 socket options pages give no default for SO_RCVBUF, SO_SNDBUF, IP_TTL or \
     IPV6_UNICAST_HOPS, and sock.c asserts none (test_set_getsockopt only skips a check when \
     the default SO_RCVBUF is below 12,288 bytes); choice `option-defaults`.";

/// Why Wine differs on the `WSARecvEx` cases.
const RECVEX_STUB: &str = "Wine 8.0's WSARecvEx (mswsock.dll) is not implemented: it logs \
     `fixme:mswsock:WSARecvEx not implemented` and receives nothing.";

/// What the `WSARecvEx` page says the cases check.
const RECVEX_PAGE: &str = "WSARecvEx page, Return value: the number of bytes received, \
     MSG_PARTIAL set in *flags for a partial message (never for a stream, where it behaves as \
     recv), WSAEINVAL when \"(for byte stream sockets only) len was zero or negative\".";

/// Why Wine differs on the `WSAGetQOSByName` cases.
const QOS_STUB: &str = "Wine's WSAGetQOSByName is a stub (dlls/ws2_32/socket.c: `FIXME( \"socket \
     %#Ix, name %p, qos %p, stub!\\n\" )`, `return FALSE`) that reads no argument and sets no \
     error code, so no WSAEFAULT is reported.";

/// The evidence of every entry of [`UNREVIEWED_WINE_DIVERGENCES`] (each written
/// `wine(case, reason, UNREVIEWED)`): none yet.
pub const UNREVIEWED: &str = "unreviewed: not yet checked against Windows";

/// Differences seen under Wine 8.0 that are not yet decided with evidence: each may be an
/// emulator bug, a wrong case or a Wine divergence. Listed for the `windows` column under
/// Wine only, as [`WINE_DIVERGENCES`] are, but reported as [`UNREVIEWED`], never as
/// explained. None is listed today: the nineteen first found under Wine 8.0 were decided
/// (issue 14) and moved to [`WINE_DIVERGENCES`], or ended by fixing the emulator and its
/// case. A case that newly differs under Wine is listed here, evidence [`UNREVIEWED`],
/// until it is decided in turn.
pub const UNREVIEWED_WINE_DIVERGENCES: &[Divergence] = &[];

/// The known divergence of `case` on `backend`, if one is listed: from
/// [`KNOWN_DIVERGENCES`], or, for the `windows` column under Wine, [`WINE_DIVERGENCES`] and
/// [`UNREVIEWED_WINE_DIVERGENCES`].
pub fn known_divergence(case: &str, backend: BackendKind) -> Option<&'static Divergence> {
    let (wine, unreviewed) = if backend == BackendKind::Windows && wine_version().is_some() {
        (WINE_DIVERGENCES, UNREVIEWED_WINE_DIVERGENCES)
    } else {
        (&[][..], &[][..])
    };
    KNOWN_DIVERGENCES
        .iter()
        .chain(wine)
        .chain(unreviewed)
        .find(|divergence| divergence.case == case && divergence.backend == backend)
}
