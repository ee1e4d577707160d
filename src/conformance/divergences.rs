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
        "extension-needs-room-for-the-pointer",
        "Wine 8.0's WSAIoctl writes the extension function pointer through the output \
         pointer without checking its length (dlls/ws2_32/socket.c, \
         SIO_GET_EXTENSION_FUNCTION_POINTER: `*(void **)out_buff = guid_funcs[i].func_ptr`) \
         and succeeds with an output buffer of length 0.",
        "WSAIoctl page, Return value: WSAEFAULT, \"The lpvInBuffer, lpvOutBuffer, \
         lpcbBytesReturned, lpOverlapped, or lpCompletionRoutine parameter is not totally \
         contained in a valid part of the user address space, or the cbInBuffer or \
         cbOutBuffer parameter is too small\".",
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
];

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

/// The evidence of every entry of [`UNREVIEWED_WINE_DIVERGENCES`]: none yet.
pub const UNREVIEWED: &str = "unreviewed: not yet checked against Windows";

/// A difference seen under Wine (8.0), not yet checked against Windows.
const fn unreviewed(case: &'static str, reason: &'static str) -> Divergence {
    wine(case, reason, UNREVIEWED)
}

/// Differences seen under Wine 8.0 that are not yet decided with evidence: each may be an
/// emulator bug, a wrong case or a Wine divergence. Listed for the `windows` column under
/// Wine only, as [`WINE_DIVERGENCES`] are, but reported as [`UNREVIEWED`], never as
/// explained.
pub const UNREVIEWED_WINE_DIVERGENCES: &[Divergence] = &[
    unreviewed(
        "select-before-startup",
        "Wine 8.0 gives WSAENOTSOCK (the select page lists WSANOTINITIALISED first).",
    ),
    unreviewed("select-negative-timeout", "Wine 8.0 gives success."),
    unreviewed("wsapoll-unsupported-events", "Wine 8.0 gives success."),
    unreviewed(
        "wsapoll-failed-connect",
        "Wine 8.0 reports revents 1 (POLLRDNORM only) for a failed non-blocking connect.",
    ),
    unreviewed("wsaeventselect-unknown-bits", "Wine 8.0 gives success."),
    unreviewed(
        "wsaeventselect-fd-write-once",
        "Wine 8.0 reports lNetworkEvents 18 (FD_WRITE | FD_CONNECT) where the case expects \
         FD_WRITE alone.",
    ),
    unreviewed(
        "wsaeventselect-fd-close-after-reset",
        "Wine 8.0 reports iErrorCode 0 for FD_CLOSE after a reset.",
    ),
    unreviewed(
        "close-interrupts-a-blocked-recv",
        "Wine 8.0 gives WSAEINVAL to a recv blocked when another thread closes the socket \
         (facts 1.7: Windows's own code for this is unconfirmed).",
    ),
    unreviewed(
        "cancel-blocking-call-removed",
        "Wine 8.0 gives success (its WSACancelBlockingCall returns 0); the page says the \
         function was removed, but not which code Windows gives.",
    ),
    unreviewed(
        "wsasocket-protocol-info-other-family",
        "Wine 8.0 gives success.",
    ),
    unreviewed("option-default-so-rcvbuf", "Wine 8.0 reads 131072."),
    unreviewed("option-default-so-sndbuf", "Wine 8.0 reads 16384."),
    unreviewed("option-default-ip-ttl", "Wine 8.0 reads 64."),
    unreviewed("option-default-ipv6-unicast-hops", "Wine 8.0 reads 64."),
    unreviewed(
        "option-set-so-conditional-accept",
        "Wine 8.0 gives WSAENOPROTOOPT.",
    ),
    unreviewed("option-linger-on-udp", "Wine 8.0 gives success."),
    unreviewed(
        "option-linger-zero-resets-the-peer",
        "Wine 8.0 gives success.",
    ),
    unreviewed("multicast-leave-not-joined", "Wine 8.0 gives WSAEINVAL."),
    unreviewed("wsasendmsg-stream-socket", "Wine 8.0 gives success."),
];

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
