//! Every case the documentation leaves open, decided once, here.
//!
//! Microsoft's pages say what must fail and with which code, but not everything: the order
//! of the checks when several fail, what an odd name length gets, whether a second name for
//! the same peer replaces the first. Each such case is one [`Choice`] below, named, with the
//! answer the emulator gives and why. The code that implements a choice links to it, the
//! tests named in [`docs/choices.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/choices.md) prove it, and changing a choice means changing it here.
#![forbid(unsafe_code)]

/// One decision the documentation leaves to the implementer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Choice {
    /// A short, stable identifier (used in [`docs/choices.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/choices.md) and in test names).
    pub id: &'static str,
    /// The open question.
    pub question: &'static str,
    /// What the emulator does.
    pub answer: &'static str,
}

/// The largest `PeerTargetNameStringLen`, in bytes, that is accepted: 65,534, the most a
/// Windows `UNICODE_STRING` can hold. A longer name gets `WSAEINVAL` (see [`NAME_SHAPE`]).
pub const MAX_TARGET_NAME_BYTES: u32 = 65_534;

/// The first socket handle a network hands out. Handles then grow by 4, as Windows kernel
/// handles do, and are never reused while the network lives.
pub const FIRST_HANDLE: usize = 0x100;

/// The ephemeral port range used by implicit binds and `bind` to port 0: Windows' default
/// dynamic range, 49152 to 65535.
pub const EPHEMERAL_PORTS: std::ops::RangeInclusive<u16> = 49_152..=65_535;

/// The longest listen backlog; `SOMAXCONN` and anything larger mean this many.
pub const MAX_BACKLOG: usize = 200;

/// The order of the checks of `WSASetSocketPeerTargetName` when several would fail.
pub const CHECK_ORDER: Choice = Choice {
    id: "check-order",
    question: "Which error wins when several rules are broken at once?",
    answer: "WSANOTINITIALISED, WSAENOTSOCK, WSAEFAULT (NULL pointer), WSAEINVAL (socket \
             family or type), WSAEMSGSIZE (length), WSAEINVAL (SecurityProtocol), WSAEINVAL \
             (name shape), WSAEAFNOSUPPORT (peer family), WSAEINVAL (zero connectionless \
             peer), WSAEISCONN. Checks of the caller's arguments come before checks of the \
             socket's state, so a malformed call fails the same way whatever the socket is \
             doing. WSADeleteSocketPeerTargetName uses the same order and the same rules \
             (a zero datagram peer is WSAEINVAL there too; a short address is \
             WSAEMSGSIZE), without WSAEISCONN. Overlapped arguments are looked at only \
             after every check has passed.",
};

/// `PeerTargetNameStringLen` counts bytes.
pub const NAME_LENGTH_IN_BYTES: Choice = Choice {
    id: "name-length-in-bytes",
    question: "Does PeerTargetNameStringLen count bytes (the structure's page) or characters \
               (Microsoft's sample)?",
    answer: "Bytes, as the structure's page says. The name starts at offset 140, so the \
             smallest valid PeerTargetNameLen is 140 + PeerTargetNameStringLen. A caller that \
             follows the sample and stores a character count gets the first half of its name \
             (or WSAEINVAL when that count is odd): the emulator does not guess.",
};

/// Names are kept as the UTF-16 units given.
pub const NAMES_KEEP_UTF16_UNITS: Choice = Choice {
    id: "names-keep-utf16-units",
    question: "Is a name with an unpaired surrogate refused?",
    answer: "No. Names are stored as the UTF-16 units given and round-trip unchanged; only \
             their display replaces an unpaired surrogate with U+FFFD. No terminator is \
             needed, and a terminator inside the stated length is part of the name.",
};

/// Which names are malformed.
pub const NAME_SHAPE: Choice = Choice {
    id: "name-shape",
    question: "What do an empty name, an odd byte count or a huge length get?",
    answer: "WSAEINVAL for each: an empty name names no principal, an odd byte count holds \
             half a UTF-16 unit, and a name over 65,534 bytes cannot be a Windows string.",
};

/// The peer family must match the socket's.
pub const PEER_FAMILY_MUST_MATCH: Choice = Choice {
    id: "peer-family-must-match",
    question: "What does an AF_INET peer on an AF_INET6 socket (or the reverse) get?",
    answer: "WSAEAFNOSUPPORT: the socket cannot send to that address form. A dual-stack \
             AF_INET6 socket names an IPv4 peer by its v4-mapped IPv6 address, which is \
             accepted and kept as given. Any family other than AF_INET and AF_INET6 also \
             gets WSAEAFNOSUPPORT.",
};

/// A stream socket's name is for whatever peer it connects to.
pub const STREAM_PEER_ADDRESS_IGNORED: Choice = Choice {
    id: "stream-peer-address-ignored",
    question: "What does PeerAddress mean on a stream socket?",
    answer: "A stream socket holds one name, for the peer it will connect to; a later call \
             replaces it. Microsoft's secure TCP client sample leaves PeerAddress zeroed, so a \
             zeroed (AF_UNSPEC) address is accepted; any other address must still be of the \
             socket's family (WSAEAFNOSUPPORT otherwise) but does not key the name.",
};

/// What counts as a zero connectionless peer.
pub const ZERO_PEER_MEANS_BOTH_ZERO: Choice = Choice {
    id: "zero-peer-means-both-zero",
    question: "Which datagram peers are 'IP address and port are zero'?",
    answer: "A wildcard address with port 0 (0.0.0.0:0 or [::]:0), and a PeerAddress left \
             entirely zeroed (family AF_UNSPEC). An address with only one of the two zero \
             (0.0.0.0:53, 192.0.2.1:0) is accepted, following the page's 'and'.",
};

/// Datagram names are keyed by address and port; a later name replaces an earlier one.
pub const DATAGRAM_NAMES_PER_PEER: Choice = Choice {
    id: "datagram-names-per-peer",
    question: "What is a datagram name keyed by, and what does a second call for the same \
               peer do?",
    answer: "By the whole peer address: IP address, port and (IPv6) scope id; the flow label \
             is not part of the key. A second call for the same peer replaces the name and \
             protocol; calls for other peers add names beside it.",
};

/// Deleting a name that is not there.
pub const DELETE_ABSENT_NAME_SUCCEEDS: Choice = Choice {
    id: "delete-absent-name-succeeds",
    question: "What does WSADeleteSocketPeerTargetName do for a peer with no name?",
    answer: "It succeeds and changes nothing: after it, as the page promises, no name is used \
             for that peer. It matches the peer as the set function keys it (address and \
             port).",
};

/// Delete on stream sockets and connected sockets.
pub const DELETE_ON_STREAM_AND_CONNECTED: Choice = Choice {
    id: "delete-on-stream-and-connected",
    question: "What does the delete function do on a stream socket (the page says it 'should \
               not be called') and on a connected socket (WSAEISCONN is not listed)?",
    answer: "On a stream socket it removes the socket's one name, whatever address is given \
             (after the same family checks as set). It is allowed on connected sockets: it \
             only stops later authentications from using the name.",
};

/// Listening sockets accept names.
pub const NAMES_ON_LISTENING_SOCKETS: Choice = Choice {
    id: "names-on-listening-sockets",
    question: "May a name be set on a listening socket?",
    answer: "Yes: a listening socket is not connected, so no documented rule forbids it \
             (Google Project Zero's NtCoreLib offers exactly that helper).",
};

/// Socket creation outcomes.
pub const SOCKET_CATALOG: Choice = Choice {
    id: "socket-catalog",
    question: "Which (family, type, protocol) triples can be created?",
    answer: "Those of a typical Windows protocol catalogue: AF_INET and AF_INET6 with \
             SOCK_STREAM/TCP, SOCK_DGRAM/UDP, SOCK_RAW (any protocol) and SOCK_RDM/PGM; \
             AF_UNIX, AF_IRDA and AF_HYPERV with SOCK_STREAM; AF_NETBIOS with SOCK_SEQPACKET \
             and SOCK_DGRAM. An unknown family gets WSAEAFNOSUPPORT, a type the family does \
             not offer WSAESOCKTNOSUPPORT, a protocol of the family but of another type \
             WSAEPROTOTYPE, an unknown protocol WSAEPROTONOSUPPORT.",
};

/// One host owns every address.
pub const ONE_HOST_OWNS_EVERY_ADDRESS: Choice = Choice {
    id: "one-host-owns-every-address",
    question: "Which addresses can be bound, and which source address does a connect use?",
    answer: "A network is one host that owns every IPv4 and IPv6 address, so any address can \
             be bound. An unbound socket that connects is bound implicitly to the destination \
             address and the next free ephemeral port (49152 upwards, in order); an unbound \
             socket that sends a datagram, to its family's wildcard address and the next \
             free ephemeral port, before the datagram leaves (so a datagram to that very \
             address reaches the sender).",
};

/// Only IP sockets take part in the network.
pub const ONLY_IP_IS_ADDRESSED: Choice = Choice {
    id: "only-ip-is-addressed",
    question: "What do bind and connect do on an AF_UNIX, AF_NETBIOS or other non-IP socket?",
    answer: "They fail with WSAEAFNOSUPPORT: such sockets exist so that the secure-socket \
             functions' WSAEINVAL rule can be reached, but the emulated network addresses \
             only AF_INET and AF_INET6.",
};

/// How listen treats its backlog.
pub const LISTEN_BACKLOG: Choice = Choice {
    id: "listen-backlog",
    question: "Which backlog does listen use?",
    answer: "The one asked for, clamped to 1..=200: winsock2.h's SOMAXCONN (0x7fffffff) or \
             more gives 200, zero or less gives 1. Listening again changes only the backlog; \
             connections already waiting stay. A connect to a full backlog is refused \
             (WSAECONNREFUSED), as Windows refuses a SYN it cannot queue.",
};

/// Which versions WSAStartup grants.
pub const STARTUP_VERSIONS: Choice = Choice {
    id: "startup-versions",
    question: "Which versions does WSAStartup accept, and what does it count?",
    answer: "Any version from 1.0 up: the granted version is the one asked for, or 2.2 when \
             more is asked; below 1.0 is WSAVERNOTSUPPORTED and is not counted. Each \
             success counts one user; NULL lpWSAData is WSAEFAULT, returned directly as \
             WSAStartup does, and leaves the count unchanged.",
};

/// The last WSACleanup closes every socket.
pub const CLEANUP_CLOSES_SOCKETS: Choice = Choice {
    id: "cleanup-closes-sockets",
    question: "What happens to open sockets at the last WSACleanup?",
    answer: "They are closed, as WSACleanup's page says ('sockets open when WSACleanup is \
             called are reset and automatically deallocated'). Their handles stay retired: \
             a later WSAStartup never hands them out again, so using one is WSAENOTSOCK.",
};

/// Which WSAIoctl codes are answered.
pub const IOCTL_CODES: Choice = Choice {
    id: "ioctl-codes",
    question: "What does WSAIoctl do with codes other than the two peer-name codes, and with \
               a NULL lpcbBytesReturned?",
    answer: "SIO_SET_SECURITY and SIO_QUERY_SECURITY reach WSASetSocketSecurity and \
             WSAQuerySocketSecurity (see security-ioctls), SIO_UDP_CONNRESET turns port-unreachable \
             reporting on or off (see udp-connreset-control); every other code gets WSAEINVAL \
             ('not a valid command'). A call without overlapped arguments needs \
             lpcbBytesReturned (WSAEFAULT otherwise), checked after the socket and the code; \
             on success it is set to 0 for the set and delete codes and \
             SIO_UDP_CONNRESET, which return no output, and to 24 for SIO_QUERY_SECURITY.",
};

/// Arguments of other functions that are not emulated.
pub const UNEMULATED_ARGUMENTS: Choice = Choice {
    id: "unemulated-arguments",
    question: "What do WSASocketW's g, and WSAConnect's connect data and QOS arguments, do?",
    answer: "A non-zero g is WSAEINVAL, as WSASocketW documents for an invalid group (socket \
             groups are reserved); any non-NULL data or QOS pointer in WSAConnect is \
             WSAEOPNOTSUPP, since TCP/IP offers neither, and is never read. (lpProtocolInfo \
             is read: wsasocket-protocol-info.)",
};

/// `WSAAccept`'s condition function: what it is shown.
pub const ACCEPT_CONDITION_FUNCTION: Choice = Choice {
    id: "accept-condition-function",
    question: "What does WSAAccept's condition function (a non-NULL lpfnCondition) get, and \
               when is it called?",
    answer: "It is called about the oldest waiting connection, after every check accept \
             makes (WSANOTINITIALISED, WSAENOTSOCK, WSAEFAULT for addr/addrlen, WSAEINVAL \
             when not listening, WSAEWOULDBLOCK when nothing waits: then it is not called), \
             and with no lock held, so it may call any Winsock function. lpCallerId is a \
             WSABUF over the client's SOCKADDR_IN or SOCKADDR_IN6 (16 or 28 bytes), \
             lpCalleeId one over the address the client connected to (the listener's \
             local address for that connection). lpCallerData, lpCalleeData, lpSQOS and \
             lpGQOS are NULL: the emulator carries no connect data and no QOS, as TCP/IP \
             offers neither. g points to 0 (socket groups are not emulated) and \
             dwCallbackData is passed through. The buffers live only during the call. \
             CF_ACCEPT takes the connection as accept does; CF_DEFER leaves it first in the \
             backlog and fails with WSATRY_AGAIN. With NULL, WSAAccept is accept, and \
             dwCallbackData is ignored.",
};

/// What `CF_REJECT` does to the client.
pub const ACCEPT_CONDITION_REJECT: Choice = Choice {
    id: "accept-condition-reject",
    question: "The emulator's connect succeeds when the connection is queued on the \
               listener; what does the client see when a condition function answers \
               CF_REJECT?",
    answer: "The connection is removed from the backlog and WSAAccept fails with \
             WSAECONNREFUSED. The client's connection is reset, as when a listener closes \
             with connections waiting: its next send or recv fails with WSAECONNRESET. \
             (On Windows, with the TCP/IP provider the handshake has completed before the \
             condition function runs, so the client learns of the rejection by a reset \
             too.) With SO_CONDITIONAL_ACCEPT on the listener the handshake waits for the \
             decision, and CF_REJECT refuses the client's connect instead: \
             WSAECONNREFUSED (choice conditional-accept).",
};

/// A condition function's answer other than `CF_ACCEPT`, `CF_REJECT`, `CF_DEFER`.
pub const ACCEPT_CONDITION_OTHER_VALUE: Choice = Choice {
    id: "accept-condition-other-value",
    question: "What does WSAAccept do when the condition function returns something other \
               than CF_ACCEPT, CF_REJECT or CF_DEFER?",
    answer: "It fails with WSAEINVAL (WSAAccept's page: 'the return value of the \
             condition function is not a valid one') and leaves the connection first in the \
             backlog, so a later accept or WSAAccept can still take it.",
};

/// A condition function racing another thread's accept.
pub const ACCEPT_CONDITION_RACE: Choice = Choice {
    id: "accept-condition-race",
    question: "The condition function runs with no lock held; what if another thread takes \
               the connection it is deciding about?",
    answer: "CF_ACCEPT and CF_REJECT are carried out only if the connection the function \
             was shown is still the oldest waiting one. If it is not (another accept took \
             it), the function is called again about the new oldest connection, or \
             WSAAccept fails with WSAEWOULDBLOCK if none is left; a connection is never \
             taken or rejected without the function having been asked about it. CF_DEFER \
             and other values change nothing, so they are reported as they are.",
};

/// The error a failed security negotiation gives the connect (or first `sendto`) that
/// started it ([`SECURE_NEGOTIATION`]).
pub const NEGOTIATION_FAILURE_ERROR: crate::Error = crate::Error::TimedOut;

/// The error `WSAQuerySocketSecurity` gives for a missing or too small info buffer, with
/// the size needed written back ([`QUERY_SIZE_PROBE_CODE`]).
pub const QUERY_TOO_SMALL_ERROR: crate::Error = crate::Error::MessageSize;

/// `SO_RCVBUF` and `SO_SNDBUF` before a `setsockopt`: 65,536 bytes, what Windows 10 and
/// later report for a TCP socket ([`OPTION_DEFAULTS`]).
pub const DEFAULT_BUFFER_SIZE: usize = 65_536;

/// The largest datagram `sendto` accepts: 65,507 bytes, the most a UDP/IPv4 datagram holds.
pub const MAX_DATAGRAM: usize = 65_507;

/// Which form a `SecuritySettings` buffer holds.
pub const SECURITY_SETTINGS_FORM: Choice = Choice {
    id: "security-settings-form",
    question: "How does WSASetSocketSecurity tell SOCKET_SECURITY_SETTINGS from \
               SOCKET_SECURITY_SETTINGS_IPSEC, and which protocols may each carry?",
    answer: "By the length: below 8 bytes is WSAEMSGSIZE; 8 to 87 bytes is the generic form \
             (its first 8 bytes are read); 88 bytes or more is the IPsec form, whose \
             strings must then fit the length (WSAEMSGSIZE otherwise). The generic form \
             takes DEFAULT, IPSEC or IPSEC2; the IPsec form must not say DEFAULT (the \
             structure's page: it must be IPSEC), and IPSEC2 is accepted there as Google \
             Project Zero's NtCoreLib uses it. A NULL pointer means the defaults, whatever \
             the length. The password is never kept, only whether one was given.",
};

/// Unknown flag bits in the settings.
pub const UNKNOWN_SECURITY_FLAGS: Choice = Choice {
    id: "unknown-security-flags",
    question: "What do SecurityFlags or IpsecFlags bits that no header defines get?",
    answer: "WSAEINVAL: the page's 'the settings structure holds an incorrect value'. \
             SecurityFlags may hold GUARANTEE_ENCRYPTION (0x1) and ALLOW_INSECURE (0x2), \
             IpsecFlags 0x1 to 0x8. An odd user, domain or password byte length is \
             WSAEINVAL too.",
};

/// Late and repeated WSASetSocketSecurity calls.
pub const SECURITY_TIMING_ERRORS: Choice = Choice {
    id: "security-timing-errors",
    question: "Which code does WSASetSocketSecurity give after bind, after listen, or on a \
               second call (the page says they 'should fail' but names no code)?",
    answer: "WSAEISCONN on a connected socket (the listed code); WSAEINVAL on a bound socket \
             (explicit bind, listening, or implicitly bound by sendto) and on a socket that \
             already has settings. Argument errors come first, then WSAEISCONN, then bound, \
             then twice.",
};

/// The size-probe error of WSAQuerySocketSecurity.
pub const QUERY_SIZE_PROBE_CODE: Choice = Choice {
    id: "query-size-probe-code",
    question: "When SecurityQueryInfo is NULL or *SecurityQueryInfoLen is too small, is the \
               error WSAEFAULT (the page's sample) or WSAEMSGSIZE (Windows' own callers)?",
    answer: "WSAEMSGSIZE, with *SecurityQueryInfoLen set to 24, \
             sizeof(SOCKET_SECURITY_QUERY_INFO). fwpuclnt's own WSAImpersonateSocketPeer and \
             NtCoreLib both probe this way and expect WSAEMSGSIZE; the page's sample, which \
             tests for WSAEFAULT, would treat the probe as a failure here as it likely would \
             on Windows. The info buffer is not written. WSAIoctl(SIO_QUERY_SECURITY) \
             answers the same, writing 24 to *lpcbBytesReturned.",
};

/// Query before a connection exists.
pub const QUERY_BEFORE_CONNECTION: Choice = Choice {
    id: "query-before-connection",
    question: "What do WSAQuerySocketSecurity and WSAImpersonateSocketPeer do on an \
               unconnected or listening stream socket, or for a datagram peer never \
               exchanged with?",
    answer: "WSAENOTCONN: there is no connection whose security could be reported. A plain \
             (unsecured) connection answers Flags 0.",
};

/// The IMPERSONATED flag.
pub const IMPERSONATED_FLAG: Choice = Choice {
    id: "impersonated-flag",
    question: "When is the undocumented SOCKET_INFO_CONNECTION_IMPERSONATED flag set?",
    answer: "When the calling thread is impersonating that socket's peer (for a datagram \
             socket, that peer) through WSAImpersonateSocketPeer, until it reverts.",
};

/// NULL PeerAddr for WSAImpersonateSocketPeer.
pub const IMPERSONATE_NULL_ADDRESS: Choice = Choice {
    id: "impersonate-null-address",
    question: "The page lists WSAEFAULT for a NULL PeerAddr yet calls it optional, and its \
               sample passes NULL and 0 on TCP. Which wins?",
    answer: "On a stream socket NULL with length 0 succeeds (the address is ignored). A \
             non-zero length with NULL, or a length over 128, is WSAEINVAL, as Windows' own \
             code checks. On a datagram socket a NULL PeerAddr is WSAEFAULT (the peer cannot \
             be known otherwise), a length too short for the address WSAEMSGSIZE, and a \
             family the socket cannot use WSAEAFNOSUPPORT.",
};

/// Impersonating an unauthenticated peer.
pub const IMPERSONATE_NEEDS_SECURED_PEER: Choice = Choice {
    id: "impersonate-needs-secured-peer",
    question: "What does WSAImpersonateSocketPeer do on a connection that is not secured?",
    answer: "WSAEOPNOTSUPP: no peer was authenticated, so there is no token, which is what \
             Windows' own code returns when neither token handle is available. The thread's \
             impersonation is left as it was.",
};

/// Blocking and overlapped sockets and impersonation.
pub const IMPERSONATION_ANY_SOCKET_MODE: Choice = Choice {
    id: "impersonation-any-socket-mode",
    question: "The page says WSAImpersonateSocketPeer 'may be called only on blocking, \
               non-overlapped sockets' but gives no error. Is that enforced?",
    answer: "No: Windows' own code shows no such check, and enforcing it would fail code that \
             works on Windows (sockets made by socket() are overlapped).",
};

/// WSARevertImpersonation's preconditions.
pub const REVERT_NEEDS_NOTHING: Choice = Choice {
    id: "revert-needs-nothing",
    question: "Does WSARevertImpersonation need WSAStartup, and what does it do with no \
               impersonation?",
    answer: "It always succeeds: it ends the calling thread's impersonation if there is one \
             ('if the thread is not impersonating, nothing happens'), needs no WSAStartup, \
             and never reports WSASYSCALLFAILURE, as the system call it stands for cannot \
             fail here.",
};

/// Default principals.
pub const DEFAULT_PRINCIPALS: Choice = Choice {
    id: "default-principals",
    question: "Whom does an endpoint authenticate as?",
    answer: "As the principal a test gave its socket (Socket::set_principal; accepted sockets \
             inherit the listener's), else the one given to its host address \
             (Network::set_host_principal), else host/<address>, e.g. host/127.0.0.1: every \
             emulated host has credentials, as the default IPsec policy needs.",
};

/// How a secured connection is negotiated.
pub const SECURE_NEGOTIATION: Choice = Choice {
    id: "secure-negotiation",
    question: "What happens on connect when security settings and a peer target name meet a \
               server's principal (the pages do not say what a mismatch does)?",
    answer: "If neither end applied security settings, the connection is plain and the name \
             is not used. Otherwise the ends negotiate as IPsec with peer-name verification: \
             if the client named no one, or its name equals the server's principal (ASCII \
             case ignored), or it set SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION, \
             the connection is secured (and encrypted when either end set \
             GUARANTEE_ENCRYPTION). On a mismatch, if every end with settings set \
             ALLOW_INSECURE, the connection falls back to clear text (queries show Flags 0); \
             otherwise the connect fails with WSAETIMEDOUT, as IPsec drops the unauthenticated \
             traffic and the real connect times out: nothing is queued, bound or delivered.",
};

/// Accepted sockets inherit the listener's security.
pub const ACCEPTED_INHERIT_SECURITY: Choice = Choice {
    id: "accepted-inherit-security",
    question: "What security state does an accepted socket have?",
    answer: "The listener's settings and principal (Microsoft's server sample sets security \
             only on the listening socket and queries and impersonates on the accepted one), \
             and the connection's negotiated security.",
};

/// Datagram security per peer.
pub const DATAGRAM_SECURITY_PER_PEER: Choice = Choice {
    id: "datagram-security-per-peer",
    question: "When are datagram peers authenticated?",
    answer: "On the first datagram from a socket to a peer (sendto, WSASendTo or send on a \
             connected socket), with the name set for that peer and the principal of the \
             socket bound there (or of the host). Success records the result on both \
             sockets for later queries and impersonation; failure fails that send with \
             WSAETIMEDOUT, delivers nothing and records nothing, so the next send tries \
             again. A datagram to an address nobody bound is dropped silently, as UDP does.",
};

/// Supported send and receive flags, and addressing of datagrams.
pub const DATA_FLAGS: Choice = Choice {
    id: "data-flags",
    question: "Which flags do send and recv take, and what do sendto's address arguments do \
               on a connected socket?",
    answer: "send, sendto, WSASend and WSASendTo take MSG_DONTROUTE (ignored); recv, \
             recvfrom, WSARecv and WSARecvFrom take MSG_PEEK, and on streams MSG_WAITALL \
             (WSAEWOULDBLOCK until that many bytes wait, unless the peer finished); WSARecv \
             and WSARecvFrom also take MSG_PUSH_IMMEDIATE on streams, a hint with nothing \
             to hurry in memory. Any other bit (MSG_OOB, MSG_PARTIAL, ...) is \
             WSAEOPNOTSUPP. WSARecv and WSARecvFrom set *lpFlags to 0 on success. On a \
             connected socket sendto ignores its address, as its page says. A datagram \
             longer than the receive buffer fills it and fails with WSAEMSGSIZE, the rest \
             discarded, as on Windows (see datagram-truncation).",
};

/// How `WSABUF` arrays are read and checked.
pub const WSABUF_ARRAYS: Choice = Choice {
    id: "wsabuf-arrays",
    question: "How are the WSABUF arrays of WSASend, WSASendTo, WSARecv and WSARecvFrom \
               checked, and what do a zero count, an empty buffer and a total over 4 GiB \
               get?",
    answer: "The array is read and checked whole, in order, before a byte is sent or \
             consumed: a NULL lpBuffers with a non-zero count, or a WSABUF whose buf is NULL \
             with a non-zero len, is WSAEFAULT; a running total over 4,294,967,295 bytes \
             (more than the DWORD byte count can report) is WSAEINVAL. A zero \
             dwBufferCount is an empty array (lpBuffers is not read) and a NULL buf with \
             len 0 an empty buffer: the sends then send zero bytes (an empty datagram on a \
             datagram socket) and the receives receive as recv does with len 0. \
             lpNumberOfBytesSent and lpNumberOfBytesRecvd may be NULL only with overlapped \
             arguments, and lpFlags never (WSAEFAULT). The order: WSANOTINITIALISED, \
             WSAENOTSOCK, the count pointer, lpFlags, the array, lpFrom's room, then the \
             operation's own errors. A gather send concatenates its buffers into one \
             payload, so a datagram is never split.",
};

/// A datagram longer than a scatter receive's buffers.
pub const DATAGRAM_TRUNCATION: Choice = Choice {
    id: "datagram-truncation",
    question: "What do WSARecv and WSARecvFrom do with a datagram longer than their buffers: \
               MSG_PARTIAL or WSAEMSGSIZE, and which out-parameters are written?",
    answer: "The buffers are filled in order with the datagram's first bytes, the rest is \
             discarded and the call fails with WSAEMSGSIZE: the pages set MSG_PARTIAL only \
             when the provider supports partial messages, and Windows' UDP provider does \
             not (its protocol info lacks XP1_PARTIAL_MESSAGE), so the excess is lost, as \
             the pages say for an unreliable protocol, and MSG_PARTIAL is never set. \
             WSARecvFrom's lpFrom and *lpFromlen are written, as recvfrom writes them; \
             *lpNumberOfBytesRecvd and *lpFlags keep their values, the call having failed. \
             With MSG_PEEK the datagram stays queued. On an overlapped socket the error is \
             reported at once and nothing completes through the OVERLAPPED, as the pages \
             say of any error other than WSA_IO_PENDING.",
};

/// What closing does to the peer.
pub const CLOSE_AND_RESET: Choice = Choice {
    id: "close-and-reset",
    question: "What does the peer see when a connected stream socket closes, or when a \
               listener closes with connections waiting?",
    answer: "A graceful close: the peer's receives return 0 once drained (a client that \
             closes before the server accepts it too: the accepted socket receives what it \
             sent, then 0); but a socket closed with unread data resets the connection, as \
             TCP does, and the peer's recv, send and query then fail with WSAECONNRESET. \
             Connections still waiting in a closed listener's backlog are reset. A send of \
             one byte or more to a peer that is gone is WSAECONNRESET (a zero-byte send \
             moves nothing, and succeeds).",
};

/// The security IOCTLs.
pub const SECURITY_IOCTLS: Choice = Choice {
    id: "security-ioctls",
    question: "How are WSAIoctl's buffers used for SIO_SET_SECURITY and SIO_QUERY_SECURITY?",
    answer: "SIO_SET_SECURITY: the settings are the input buffer (NULL: the defaults), no \
             output, *lpcbBytesReturned set to 0. SIO_QUERY_SECURITY: the template is the \
             input buffer, the info the output buffer with cbOutBuffer as its length, and \
             *lpcbBytesReturned receives 24 on success or the size needed with the \
             too-small error. Both reach the same code as the functions, so the rules and \
             codes are the same.",
};

/// The first event handle `WSACreateEvent` hands out. Event handles then grow by 4 and
/// are never reused; being 2 more than a multiple of 4 they never equal a socket handle
/// ([`FIRST_HANDLE`] and its successors are multiples of 4).
pub const FIRST_EVENT: isize = 0x102;

/// Events belong to the process, not to a network.
pub const EVENTS_ARE_PROCESS_WIDE: Choice = Choice {
    id: "events-are-process-wide",
    question: "Are event objects per network or process-wide, and can an event handle be \
               mistaken for a socket?",
    answer: "Process-wide, as Windows event objects are: an event created while one network \
             is current can be set, waited on and closed from any thread, whatever network \
             it has entered, and survives WSACleanup. The event functions still check \
             WSAStartup on the caller's current network (WSANOTINITIALISED), as their pages \
             list it. Event handles start at 0x102 and grow by 4, socket handles are \
             multiples of 4: a socket handle given as an event is WSA_INVALID_HANDLE, an \
             event handle given as a socket is WSAENOTSOCK.",
};

/// What the emulator writes into an `OVERLAPPED`.
pub const OVERLAPPED_STATUS_FIELDS: Choice = Choice {
    id: "overlapped-status-fields",
    question: "What goes into the OVERLAPPED, and how does WSAGetOverlappedResult read it?",
    answer: "Internal is STATUS_PENDING (0x103) while the operation pends, so \
             HasOverlappedIoCompleted works; then 0 on success or the Winsock error code \
             (where Windows stores an NTSTATUS). InternalHigh is the byte count (0 for \
             the set and delete calls, 24 for a security query, the bytes moved for the \
             data calls). WSAGetOverlappedResult reads those fields: TRUE with the count \
             and flags 0, or FALSE with the stored error; with fWait TRUE it waits for the \
             status to change rather than for hEvent, which must still be a valid event \
             (WSA_INVALID_HANDLE otherwise). A NULL lpOverlapped, lpcbTransfer or \
             lpdwFlags is WSAEFAULT (the answer of Windows Server 2003; later versions \
             crash).",
};

/// A completion routine without an `OVERLAPPED`.
pub const ROUTINE_WITHOUT_OVERLAPPED: Choice = Choice {
    id: "routine-without-overlapped",
    question: "What does an overlapped socket do with a completion routine but a NULL \
               lpOverlapped (WSAIoctl's page is silent)?",
    answer: "The call runs synchronously and the routine is ignored: a routine receives the \
             OVERLAPPED it completes, and there is none to report through. lpcbBytesReturned \
             is written as for any synchronous call.",
};

/// How a test makes an operation pend.
pub const DEFERRED_COMPLETION: Choice = Choice {
    id: "deferred-completion",
    question: "When does a deferred (pending) operation take effect, and what can complete it?",
    answer: "Operations complete at once unless a test calls Network::defer_overlapped(n); \
             then the next n overlapped operations return WSA_IO_PENDING. The operation's \
             checks and its effect happen when the call is made (errors are still reported \
             at once); only the report is deferred. PendingOperation::complete reports \
             success, PendingOperation::fail reports a chosen error without undoing the \
             effect, and closing the socket (or the last WSACleanup) reports \
             WSA_OPERATION_ABORTED. Each operation is reported exactly once.",
};

/// Signalled events and queued routines in one alertable wait.
pub const SIGNALLED_EVENTS_WIN: Choice = Choice {
    id: "signalled-events-win",
    question: "An alertable wait finds both a signalled event and queued completion \
               routines: which ends it?",
    answer: "The signalled event, as the NT kernel tests the objects before the thread's \
             APCs: the wait returns its index and the routines stay queued for the next \
             alertable wait. With nothing signalled, every routine queued to the thread \
             runs (including ones queued by a routine) and the wait returns \
             WAIT_IO_COMPLETION, even with a zero timeout.",
};

/// Bad arguments to `WSAWaitForMultipleEvents`.
pub const WAIT_ARGUMENTS: Choice = Choice {
    id: "wait-arguments",
    question: "What do zero events, more than WSA_MAXIMUM_WAIT_EVENTS, a NULL array or a \
               handle given twice get?",
    answer: "WSA_WAIT_FAILED with WSA_INVALID_PARAMETER, as WaitForMultipleObjectsEx \
             answers them; a handle that is no event gets WSA_INVALID_HANDLE.",
};

/// A datagram to an address where no socket is bound.
pub const UDP_PORT_UNREACHABLE: Choice = Choice {
    id: "udp-port-unreachable",
    question: "When does an emulated UDP send draw an ICMP Port Unreachable, and how is it \
               reported?",
    answer: "When the datagram finds no socket bound at its destination in the network. The \
             sendto (or send) itself succeeds, as on Windows. Two things follow. The \
             sender's receive queue gets a notification, in order with the datagrams it \
             receives: the receive that meets it (recv, recvfrom, WSARecv, WSARecvFrom) \
             fails with WSAECONNRESET and consumes it, once per run of datagrams that \
             found nobody with nothing queued between them (a socket that only sends keeps \
             a bounded queue), and the next receive goes on with the datagrams behind it, \
             as the recvfrom \
             page says ('a previous send operation resulted in an ICMP Port Unreachable \
             message'); a receive with MSG_PEEK fails with WSAECONNRESET too but leaves the \
             notification for the next receive, as it leaves a datagram. \
             WSAIoctl(SIO_UDP_CONNRESET, FALSE) turns this off (see udp-connreset-control). \
             And WSAQuerySocketSecurity for that peer fails with WSAECONNRESET, until a \
             later datagram to the peer is delivered, or a datagram of the socket finds \
             nobody at another address: a socket keeps the record of only the last \
             destination that found nobody (one that sends to many unbound ports keeps one \
             record, not one each). That datagram is a first exchange \
             with the socket it reaches (it negotiates with that socket's settings, and both \
             record it, as datagram-security-per-peer says): what was settled when nobody \
             was there was settled with no socket.",
};

/// `WSAIoctl(SIO_UDP_CONNRESET)`: its input, its errors, and what it does to notifications
/// already queued.
pub const UDP_CONNRESET_CONTROL: Choice = Choice {
    id: "udp-connreset-control",
    question: "What does WSAIoctl(SIO_UDP_CONNRESET) take, when does it fail, and what \
               becomes of port-unreachable notifications already queued?",
    answer: "The input buffer is a BOOL: TRUE (any non-zero value) reports port-unreachable \
             notifications in receives, FALSE stops it; reporting is on when a socket is \
             created, Windows' default. There is no output: lpcbBytesReturned is set to 0. After the checks every \
             WSAIoctl code shares (the socket, then lpcbBytesReturned, see ioctl-codes), a \
             NULL input buffer or one under 4 bytes is WSAEFAULT, the usual Winsock answer \
             for a buffer too small, and then a socket that is not a UDP socket (a datagram \
             socket of AF_INET or AF_INET6) is WSAEINVAL, the answer WSAIoctl gives a code \
             that is no valid command for the socket. Turning reporting off discards the \
             notifications already waiting (the datagrams stay); turning it on again \
             reports only datagrams sent from then on: a send made while it was off drew \
             nothing to report.",
};

/// What `FIONREAD`, the snapshot and `shutdown` make of a queued port-unreachable
/// notification.
pub const PORT_UNREACHABLE_UNCOUNTED: Choice = Choice {
    id: "port-unreachable-uncounted",
    question: "Do FIONREAD and a socket snapshot's waiting count see a port-unreachable \
               notification, and does shutdown(SD_RECEIVE) drop it?",
    answer: "Neither counts it: it carries no data. ioctlsocket(FIONREAD) gives the size of \
             the first datagram waiting, behind any notification (0 if there is none), and \
             SocketInfo::waiting counts datagrams only. After shutdown(SD_RECEIVE) no new \
             notification is queued (as no datagram is), and those already queued stay but \
             are never met: every receive fails with WSAESHUTDOWN first.",
};

/// A datagram exchange ends when either end closes.
pub const EXCHANGES_END_AT_CLOSE: Choice = Choice {
    id: "exchanges-end-at-close",
    question: "How long does a datagram socket remember a peer it exchanged datagrams with?",
    answer: "Until either of the two closes. Closing a datagram socket makes every socket it \
             exchanged with forget it, at every address at which it reached it (a socket \
             bound at a wildcard address is reached at any of its family's addresses), so a \
             later socket bound at the same address is a new \
             peer: its first datagram negotiates security anew, and until an exchange \
             WSAQuerySocketSecurity and WSAImpersonateSocketPeer for that address fail with \
             WSAENOTCONN. An IPsec security association outlives the socket on Windows, \
             but it belongs to the two hosts, not to the next socket that reuses a port; \
             and a server socket that remembered every client it ever heard from would grow \
             without bound over a long test.",
};

/// The machine name of a new network: what `gethostname` returns until
/// `Network::set_machine_name` renames it.
pub const DEFAULT_MACHINE_NAME: &str = "WINSOCK-EMU";

/// What does declaring a host with Network::add_host do besides naming it?
pub const DECLARED_HOSTS: Choice = Choice {
    id: "declared-hosts",
    question: "What does declaring a host with Network::add_host do besides naming it?",
    answer: "It gives each of the host's addresses the principal host/<name>, so a secured socket bound there authenticates as the host, as a domain member's machine account does; a socket's own principal (Socket::set_principal) still wins. Declaring the same name again replaces its addresses. Removing a host forgets its name, not its principals.",
};

/// When are two host names the same name?
pub const NAME_MATCHING: Choice = Choice {
    id: "name-matching",
    question: "When are two host names the same name?",
    answer: "When they are equal ignoring ASCII case and one trailing dot (\"Server.Contoso.com.\" is \"server.contoso.com\"). No DNS suffix is appended: \"server\" does not find \"server.contoso.com\". A name that is not valid UTF-8 (A functions) or UTF-16 (W functions) is WSAHOST_NOT_FOUND.",
};

/// What do localhost, "", ..localmachine and the machine name resolve to, and in which order?
pub const LOCAL_NAMES: Choice = Choice {
    id: "local-names",
    question: "What do localhost, \"\", ..localmachine and the machine name resolve to, and in which order?",
    answer: "localhost to ::1 then 127.0.0.1; \"\", ..localmachine and the machine name to the addresses declared for the machine name, else to ::1 then 127.0.0.1 (the emulator has no interfaces). A NULL node is ::1 then 127.0.0.1, or :: then 0.0.0.0 with AI_PASSIVE. A declared host keeps the order its addresses were given in.",
};

/// Which name does an address have, for getnameinfo and gethostbyaddr?
pub const REVERSE_LOOKUP: Choice = Choice {
    id: "reverse-lookup",
    question: "Which name does an address have, for getnameinfo and gethostbyaddr?",
    answer: "The first declared host holding the address (a v4-mapped IPv6 address counts as its IPv4 address), else localhost for a loopback address, else none (the numeric form, or WSAHOST_NOT_FOUND with NI_NAMEREQD and from gethostbyaddr).",
};

/// Which service names are known, and what does an unknown one get?
pub const SERVICE_NAMES: Choice = Choice {
    id: "service-names",
    question: "Which service names are known, and what does an unknown one get?",
    answer: "The common ports of the services file (echo, ftp, ssh, telnet, smtp, domain, http/www, kerberos, pop3, ntp, epmap, netbios, imap, snmp, ldap, https, microsoft-ds, isakmp, syslog, ldaps, imaps, pop3s, ms-sql-s, ipsec-msft), ASCII case ignored, each for TCP, UDP or both; with ai_socktype SOCK_DGRAM the UDP entry, otherwise the TCP one (then UDP when ai_socktype is 0). NULL, \"\" and decimal numbers up to 65535 are ports; any other service, and a larger number, is WSATYPE_NOT_FOUND. AI_NUMERICSERV is accepted and ignored, as the page says Microsoft providers do.",
};

/// Which error wins when several getaddrinfo rules are broken at once?
pub const GETADDRINFO_CHECK_ORDER: Choice = Choice {
    id: "getaddrinfo-check-order",
    question: "Which error wins when several getaddrinfo rules are broken at once?",
    answer: "WSANOTINITIALISED; WSAHOST_NOT_FOUND for NULL node and service; WSANO_RECOVERY for hints whose ai_addrlen, ai_canonname, ai_addr or ai_next is set; WSAEINVAL for unknown ai_flags bits or AI_CANONNAME with AI_FQDN; WSANO_RECOVERY for AI_CANONNAME or AI_FQDN without a node; WSAEAFNOSUPPORT; WSAESOCKTNOSUPPORT (ai_socktype beyond 0 to 5; ai_protocol is not checked, as Wine records); WSATYPE_NOT_FOUND (service); then the node. An injected resolution fault answers before any of them. ppResult NULL is WSAEFAULT; otherwise *ppResult is set to NULL first, and stays NULL on failure. Success sets the last error to 0.",
};

/// What does a name with no address of the hinted family give, and what does AI_V4MAPPED do?
pub const GETADDRINFO_FAMILIES: Choice = Choice {
    id: "getaddrinfo-families",
    question: "What does a name with no address of the hinted family give, and what does AI_V4MAPPED do?",
    answer: "AF_INET keeps the IPv4 addresses and AF_INET6 the IPv6 ones; none left is WSANO_DATA (\"the requested name is valid, but no data of the requested type was found\"). With AF_INET6 and AI_V4MAPPED, a name without IPv6 addresses gives its IPv4 ones as v4-mapped addresses (with AI_ALL, always, after the IPv6 ones). A numeric host of the other family is WSAHOST_NOT_FOUND, as Wine records for \"[beef::cafe]\" with AF_INET. One node per address, echoing the hinted ai_socktype and ai_protocol.",
};

/// Which node strings are numeric hosts?
pub const GETADDRINFO_NUMERIC_HOSTS: Choice = Choice {
    id: "getaddrinfo-numeric-hosts",
    question: "Which node strings are numeric hosts?",
    answer: "Strict dotted-decimal IPv4 as inet_pton reads it, the whole string (\"192.168.1.253:1024\" is a name, so WSAHOST_NOT_FOUND); IPv6 with an optional %scope (kept as sin6_scope_id), optionally in brackets, which may be followed by :port (ignored: the port comes from the service), as Wine records; unmatched brackets make a name. The BSD short forms (\"127.1\") are names. A numeric host's canonical name (AI_CANONNAME) is the string as given.",
};

/// What host and service text does getnameinfo write, and what does a small buffer get?
pub const GETNAMEINFO_TEXT: Choice = Choice {
    id: "getnameinfo-text",
    question: "What host and service text does getnameinfo write, and what does a small buffer get?",
    answer: "The host: the numeric address with NI_NUMERICHOST (an IPv6 scope as %scope); else the reverse-lookup name, only its first label with NI_NOFQDN (for any host: the emulator has no domain of its own); else the numeric address, or WSAHOST_NOT_FOUND with NI_NAMEREQD. The service: the number with NI_NUMERICSERV or when no common service has the port; else its name, UDP's with NI_DGRAM. A buffer that cannot hold its text and NUL is WSAEFAULT and nothing is written; unknown flags are WSAEINVAL. Success leaves the last error as it was.",
};

/// How does Windows print an IPv6 address, and which IPv6 strings does it read?
pub const IPV6_TEXT_FORM: Choice = Choice {
    id: "ipv6-text-form",
    question: "How does Windows print an IPv6 address, and which IPv6 strings does it read?",
    answer: "As RtlIpv6AddressToString: an address whose first 64 bits are zero and whose last 32 bits are not is printed with a dotted IPv4 tail when it is v4-compatible (::a.b.c.d), v4-mapped (::ffff:a.b.c.d) or v4-translated (::ffff:0:a.b.c.d); otherwise eight lowercase hex groups without leading zeros, the longest run of two or more zero groups (the first on a tie) written ::. ISATAP addresses are printed in hex. Parsing takes eight groups of one to four hex digits, one :: and an optional dotted IPv4 tail (Rust's Ipv6Addr grammar); inet_pton writes nothing for a failed IPv6 string.",
};

/// Which strings does inet_addr accept?
pub const INET_ADDR_FORMS: Choice = Choice {
    id: "inet-addr-forms",
    question: "Which strings does inet_addr accept?",
    answer: "Wine's table of what Windows answers: 1 to 4 parts separated by dots, each hex (0x, at least one digit), octal (leading 0) or decimal, the last filling the bytes the others left (\"1.2\" is 1.0.0.2); the address must be followed by the end of the string or a whitespace character, after which anything is ignored (\"3.4.5.6  7\" is 3.4.5.6); leading whitespace, a dot without a number, a fifth part or an overflowing part is INADDR_NONE; \"\" is INADDR_NONE and \" \" (exactly one space) is 0. Only NULL touches the last error (WSAEFAULT).",
};

/// What does inet_pton write when it returns 0?
pub const INET_PTON_PARTIAL_WRITE: Choice = Choice {
    id: "inet-pton-partial-write",
    question: "What does inet_pton write when it returns 0?",
    answer: "For AF_INET, when four strict parts were read and something else follows (\"127.127.127.255:123\", \"3.4.5.6 \", \"1.1.1.0a\"), the address read is written and 0 returned, as Wine records Windows doing; otherwise nothing is written. For AF_INET6 nothing is written. inet_pton leaves the last error alone; InetPtonW sets WSAEINVAL.",
};

/// What last error does inet_ntop leave for a NULL or too small buffer?
pub const INET_NTOP_ERRORS: Choice = Choice {
    id: "inet-ntop-errors",
    question: "What last error does inet_ntop leave for a NULL or too small buffer?",
    answer: "STATUS_INVALID_PARAMETER (0xC000000D), which Wine records Windows 8 and later leaving (the page says ERROR_INVALID_PARAMETER; Windows 7 gave WSAEINVAL); the same for a NULL address. The size counts characters and must hold the text and its NUL: the text's own length decides, not the 16 or 46 the page recommends. A family other than AF_INET and AF_INET6 is WSAEAFNOSUPPORT, checked first.",
};

/// How long do the results of gethostbyname, gethostbyaddr and inet_ntoa live?
pub const PER_THREAD_RESULTS: Choice = Choice {
    id: "per-thread-results",
    question: "How long do the results of gethostbyname, gethostbyaddr and inet_ntoa live?",
    answer: "Each thread has one HOSTENT, shared by gethostbyname and gethostbyaddr, and one inet_ntoa buffer: a call replaces the thread's previous result (its pointer must not be used after that), another thread's calls never touch it, and it is freed when the thread ends. gethostbyname returns IPv4 addresses only (h_addrtype AF_INET, h_length 4), no aliases, the canonical name as h_name; NULL and \"\" are the machine.",
};

/// Which errors and lengths do WSAStringToAddress and WSAAddressToString give?
pub const ADDRESS_STRINGS: Choice = Choice {
    id: "address-strings",
    question: "Which errors and lengths do WSAStringToAddress and WSAAddressToString give?",
    answer: "Both need WSAStartup and never read lpProtocolInfo. WSAStringToAddress: a NULL address or length pointer is WSAEFAULT; a family other than AF_INET and AF_INET6 is WSAEINVAL; a length under 16 (AF_INET) or 28 (AF_INET6) is WSAEFAULT with that size written back; a NULL string or text that is no address is WSAEINVAL, the address then zeroed (family 0) and the length unchanged; success writes the address and sets the length to 16 or 28. Ports are 1 to 65535, in decimal, hex or octal. WSAAddressToString: a NULL address, or a length under its family's size, is WSAEFAULT; another family is WSAEINVAL; a NULL length pointer is WSAEFAULT; a count of characters that cannot hold the text and NUL, or a NULL buffer, is WSAEFAULT with the count needed written back; success sets it to that count.",
};

/// How are ADDRINFO lists allocated and freed, and what does a bad free do?
pub const ADDRINFO_LISTS: Choice = Choice {
    id: "addrinfo-lists",
    question: "How are ADDRINFO lists allocated and freed, and what does a bad free do?",
    answer: "Each getaddrinfo or GetAddrInfoW call returns one allocation, registered by the address of its first node: the nodes, their socket addresses (16 or 28 bytes each) and the canonical name. freeaddrinfo and FreeAddrInfoW never read the pointer: a registered list of their kind is freed, NULL does nothing, and any other pointer (freed already, never handed out, a node inside a list, a list of the other kind) is recorded in the trace as ignored and reported by strict mode (addrinfo-freed-twice). A list never freed is reported by strict mode (addrinfo-not-freed). Freed lists stay allocated in a quarantine of the last 1,024, so a second free of a recent list is always recognised and a read of a freed list reads memory that exists.",
};

/// What do WSAConnectByName's timeout, addresses and failures do in the emulator?
pub const CONNECT_BY_NAME: Choice = Choice {
    id: "connect-by-name",
    question: "What do WSAConnectByName's timeout, addresses and failures do in the emulator?",
    answer: "The socket must be a stream socket (WSAEOPNOTSUPP otherwise), bound or not (the Windows 10 rule). The name is resolved as getaddrinfo does for the socket's family, SOCK_STREAM; each address is tried in order with the model's connect (so a peer target name and security settings apply) and the first that connects wins; when none does, the last address's error is returned. Connects complete at once in the emulator, so a timeout is read (a negative member is WSAEINVAL) and never reached. LocalAddress and RemoteAddress, when not NULL, need a length of at least the family's SOCKADDR size (WSAEFAULT, checked before connecting); they are written, with their lengths, only on success.",
};

/// In which order do packets come out of a completion port, and which of several waiting threads gets the next one?
pub const COMPLETION_PORT_WAKE_ORDER: Choice = Choice {
    id: "completion-port-wake-order",
    question: "In which order do packets come out of a completion port, and \
               which of several waiting threads gets the next one?",
    answer: "Packets nobody waits for are taken first in, first out, as \
             GetQueuedCompletionStatusEx's page says. A packet posted while \
             threads wait goes straight to the thread that began waiting last \
             (last in, first out, as the CreateIoCompletionPort page \
             describes the port's release of threads), so the queue is empty \
             whenever a thread waits. A waiter whose timeout passes just as a \
             packet is handed to it still takes that packet.",
};

/// What do the completion-port calls do with the arguments the emulator cannot act on or Windows leaves undefined?
pub const COMPLETION_PORT_ARGUMENTS: Choice = Choice {
    id: "completion-port-arguments",
    question: "What do the completion-port calls do with the arguments the \
               emulator cannot act on or Windows leaves undefined?",
    answer: "NumberOfConcurrentThreads is accepted and ignored: the emulator \
             releases every waiting thread that has a packet (no concurrency \
             limit), which a correct program cannot tell apart from a limit \
             of the thread count. A NULL output of GetQueuedCompletionStatus \
             (or a NULL array, a count of 0 or a NULL count of \
             GetQueuedCompletionStatusEx) is ERROR_INVALID_PARAMETER with \
             nothing taken, where Windows would crash. A port belongs to the \
             network that created it: its waits are that network's, bounded \
             by its clock and its stall rules; a wait that nothing can end \
             fails with WSAENETDOWN (stall-ends-the-call), FALSE with \
             *lpOverlapped NULL. SetFileCompletionNotificationModes needs the \
             socket to be associated with a port first \
             (ERROR_INVALID_PARAMETER otherwise); \
             FILE_SKIP_SET_EVENT_ON_HANDLE is accepted and changes nothing, \
             since no socket handle is ever signalled.",
};

/// Which error does GetQueuedCompletionStatus report for a failed operation's packet?
pub const PACKET_ERRORS: Choice = Choice {
    id: "completion-packet-errors",
    question: "Which error does GetQueuedCompletionStatus report for a failed \
               operation's packet?",
    answer: "The Win32 error Windows maps the operation's NTSTATUS to (facts \
             7.5): a reset is ERROR_NETNAME_DELETED, a connection aborted \
             (our socket closed under a pending receive) \
             ERROR_CONNECTION_ABORTED, a canceled operation \
             ERROR_OPERATION_ABORTED, a refused ConnectEx \
             ERROR_CONNECTION_REFUSED; any other failure carries its Winsock \
             code. The OVERLAPPED's Internal keeps the Winsock code \
             (overlapped-status-fields), so WSAGetOverlappedResult still \
             reports WSAECONNRESET and the like, as on Windows. \
             GetQueuedCompletionStatusEx puts the same Win32 error in each \
             entry's Internal.",
};

/// Do AcceptEx and ConnectEx ever succeed synchronously?
pub const EXTENSIONS_PEND: Choice = Choice {
    id: "extension-functions-pend",
    question: "Do AcceptEx and ConnectEx ever succeed synchronously?",
    answer: "No: with valid arguments they always return FALSE with \
             ERROR_IO_PENDING and never write *lpdwBytesReceived or \
             *lpdwBytesSent, as Windows does in every sock.c case; the count \
             comes with the completion. A ConnectEx completes before the call \
             returns (connects complete at once in the emulator), an AcceptEx \
             when a connection, and then its first data, arrive. So \
             FILE_SKIP_COMPLETION_PORT_ON_SUCCESS never skips their packets, \
             as on Windows for a pending operation. DisconnectEx, TransmitFile \
             and TransmitPackets with an OVERLAPPED pend the same way (as \
             TransmitFile does in sock.c test_TransmitFile) and complete before \
             the call returns with the bytes sent; without one they return TRUE.",
};

/// In which order do TransmitFile and TransmitPackets check their arguments, and with which codes?
pub const TRANSMIT_CHECKS: Choice = Choice {
    id: "transmit-checks",
    question: "In which order do TransmitFile and TransmitPackets check their arguments, \
               and which codes do the cases the pages leave open get?",
    answer: "WSANOTINITIALISED, WSAENOTSOCK, then WSAENOTCONN for any socket that is not \
             connected (Windows answers so for an unconnected TCP socket given \
             TF_REUSE_SOCKET alone, and for an unconnected UDP socket: sock.c \
             test_TransmitFile), then WSAEINVAL for the flags (unknown bits, \
             TF_REUSE_SOCKET without TF_DISCONNECT, TF_DISCONNECT on a datagram socket) \
             and for a connected datagram socket given to TransmitFile (its page), then \
             the caller's structures in order: TransmitFile's nNumberOfBytesToWrite over \
             2,147,483,646 (WSAEINVAL), hFile (ERROR_INVALID_HANDLE), Head and Tail \
             (WSAEFAULT for NULL with a length); TransmitPackets' elements one by one \
             (WSAEFAULT for a NULL array with a count or a NULL pBuffer with a length, \
             WSAEINVAL for unknown element flags or both TP_ELEMENT_MEMORY and \
             TP_ELEMENT_FILE, ERROR_INVALID_HANDLE for a file element), read only as far \
             as nElementCount says; then WSAEINVAL for more than 2,147,483,646 bytes in \
             all and WSAEMSGSIZE for a packet longer than a datagram. Nothing is sent \
             until all of these passed, and each failure is reported by the call itself \
             (FALSE, the OVERLAPPED untouched); then the data goes as one send goes \
             (WSAESHUTDOWN, WSAECONNRESET, WSAEWOULDBLOCK on a full non-blocking \
             connection, a wait for room on a blocking one).",
};

/// What do TransmitFile and TransmitPackets do with a file?
pub const TRANSMIT_NO_FILES: Choice = Choice {
    id: "transmit-no-files",
    question: "The emulator has no files: what do a non-NULL hFile and a TP_ELEMENT_FILE \
               element get?",
    answer: "ERROR_INVALID_HANDLE (6), the answer Windows gives a handle that names no \
             open object, since no handle names a file in the emulator; nothing is sent \
             and nothing changes. A TRANSMIT_PACKETS_ELEMENT without TP_ELEMENT_MEMORY is \
             a file element (the page makes a file the default). Only the memory forms \
             are emulated: TransmitFile with hFile NULL (Head, then Tail) and \
             TransmitPackets of TP_ELEMENT_MEMORY elements.",
};

/// How do TransmitPackets' elements become datagrams?
pub const TRANSMIT_PACKETS_DATAGRAMS: Choice = Choice {
    id: "transmit-packets-datagrams",
    question: "On a connected datagram socket, which elements of TransmitPackets make one \
               datagram?",
    answer: "Each packet is one datagram: the elements up to and including one marked \
             TP_ELEMENT_EOP (the page: not combined with the next element in one send), \
             and the elements after the last such mark, if any, make the last datagram. \
             nSendSize is ignored, on datagrams and streams alike. On a stream socket the \
             elements' bytes go in order as one send, and TP_ELEMENT_EOP changes nothing \
             the peer can see. TransmitFile refuses a datagram socket (WSAEINVAL, its \
             page), and so does TF_DISCONNECT on one (both pages).",
};

/// Which flags do TransmitFile and TransmitPackets accept, and what do they do?
pub const TRANSMIT_FLAGS: Choice = Choice {
    id: "transmit-flags",
    question: "What do TransmitFile's and TransmitPackets' flags do in the emulator?",
    answer: "TF_DISCONNECT shuts the sending side down after the data is queued, as \
             DisconnectEx(0) does; TF_DISCONNECT | TF_REUSE_SOCKET closes the connection \
             and leaves the handle a fresh socket for AcceptEx or ConnectEx, as \
             DisconnectEx(TF_REUSE_SOCKET) does (choice disconnect-reuse). \
             TF_USE_DEFAULT_WORKER (0), TF_USE_SYSTEM_THREAD, TF_USE_KERNEL_APC and \
             TF_WRITE_BEHIND are accepted by both functions and change nothing, as the \
             emulator has no worker threads and completes every transmission within the \
             call (TF_WRITE_BEHIND's 'do not use with TF_DISCONNECT' is not enforced). \
             Any other bit is WSAEINVAL. nNumberOfBytesPerSend and nSendSize are ignored.",
};

/// What does AcceptEx write to its address areas, and what of address lengths that are too short?
pub const ACCEPT_EX_BUFFER: Choice = Choice {
    id: "accept-ex-buffer",
    question: "What does AcceptEx write to its address areas, and what of \
               address lengths that are too short?",
    answer: "Each area holds the address as a SOCKADDR at its start (the \
             page's 'internal format' is undocumented; only \
             GetAcceptExSockaddrs reads it, and it returns pointers into the \
             buffer with the family's length). A local length of 0 is allowed \
             (GetAcceptExSockaddrs then leaves the local outputs unwritten, \
             as on Windows). A remote length of 0, or a non-zero length below \
             the family's SOCKADDR size + 16, fails at once with WSAEFAULT, \
             with nothing queued and the connection left for a later accept; \
             Windows instead pends a short local area and completes it with \
             ERROR_INSUFFICIENT_BUFFER when a connection arrives, leaving the \
             connection unconsumed.",
};

/// What can a socket AcceptEx accepted into do before SO_UPDATE_ACCEPT_CONTEXT, and what does the option check?
pub const ACCEPT_EX_CONTEXT: Choice = Choice {
    id: "accept-ex-context",
    question: "What can a socket AcceptEx accepted into do before \
               SO_UPDATE_ACCEPT_CONTEXT, and what does the option check?",
    answer: "Data calls work at once (the page lists send, recv, WSASend, \
             WSARecv and closesocket). getpeername fails with WSAENOTCONN and \
             getsockname with WSAEINVAL, as on a socket that is not \
             connected, until setsockopt(SO_UPDATE_ACCEPT_CONTEXT) is given \
             the listening socket (any other handle is WSAEINVAL); then both \
             report the connection's addresses. A socket ConnectEx connected: \
             CONNECT_EX_CONTEXT.",
};

/// What can a socket ConnectEx connected do before SO_UPDATE_CONNECT_CONTEXT?
pub const CONNECT_EX_CONTEXT: Choice = Choice {
    id: "connect-ex-context",
    question: "What can a socket ConnectEx connected do before \
               SO_UPDATE_CONNECT_CONTEXT?",
    answer: "The calls the page lists (send, recv, WSASend, WSARecv, \
             TransmitFile, closesocket) work at once, and so do getsockopt, \
             setsockopt (SO_CONNECT_TIME is read while ConnectEx is in \
             progress, as the page shows) and getsockname (the address \
             bound). getpeername and shutdown (with a valid how) fail with \
             WSAENOTCONN, as on a socket that is not connected, until \
             setsockopt(SO_UPDATE_CONNECT_CONTEXT) (any optval and optlen); \
             then the socket is connected like any other. connect, WSAConnect \
             and ConnectEx on it are WSAEISCONN before and after, as the page \
             says of any attempt to reconnect an active connection. A ConnectEx \
             that failed leaves nothing to update: the socket may connect again.",
};

/// What does DisconnectEx with TF_REUSE_SOCKET leave behind?
pub const DISCONNECT_REUSE: Choice = Choice {
    id: "disconnect-reuse",
    question: "What does DisconnectEx with TF_REUSE_SOCKET leave behind?",
    answer: "The connection is closed as closesocket closes it (the peer \
             reads the end of the stream, or a reset when unread data was \
             discarded; pending operations complete with their close errors; \
             the local address is freed) and the same handle then names a \
             new, unbound socket of the same family, type, protocol and \
             modes, still associated with its completion port and key, ready \
             for AcceptEx or ConnectEx. Without the flag DisconnectEx is \
             shutdown(SD_SEND).",
};

/// Which operations do CancelIo and CancelIoEx cancel?
pub const CANCEL_IO_SCOPE: Choice = Choice {
    id: "cancel-io-scope",
    question: "Which operations do CancelIo and CancelIoEx cancel?",
    answer: "CancelIoEx(s, NULL) and CancelIo(s) cancel every pending \
             overlapped operation started on s, whichever thread started it \
             (CancelIo's page limits it to the calling thread's; the emulator \
             does not record the thread), and CancelIoEx(s, &ov) the one \
             whose OVERLAPPED is ov. An AcceptEx is the listener's operation: \
             CancelIo on its accept socket leaves it pending (as sock.c \
             records). Operations a test deferred (Network::defer_overlapped) \
             carry no OVERLAPPED address and are canceled only by the NULL \
             form. Each canceled operation completes with \
             ERROR_OPERATION_ABORTED through its port, event or routine. \
             CancelIoEx with nothing to cancel is FALSE with ERROR_NOT_FOUND; \
             CancelIo is TRUE then.",
};

/// Is an overlapped operation canceled when the thread that started it exits?
pub const THREAD_EXIT_KEEPS_IO: Choice = Choice {
    id: "thread-exit-keeps-io",
    question: "Is an overlapped operation canceled when the thread that \
               started it exits?",
    answer: "No. The AcceptEx and ConnectEx pages say all I/O a thread \
             started is canceled when it exits, but Windows since Vista keeps \
             a socket's pending operations (sock.c test_iocp: a WSARecv whose \
             thread exited completes when data arrives), and the emulator \
             follows Windows: the operation completes later, to its port or \
             event. A completion routine queued to a thread that has exited \
             is discarded, as before.",
};

/// Every choice, in the order [`docs/choices.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/choices.md) lists them.
/// The first access-token handle a query hands out. Token handles then grow by 4 and are
/// never reused; being 1 more than a multiple of 4 they never equal a socket handle
/// ([`FIRST_HANDLE`]), an event handle ([`FIRST_EVENT`]) or a port handle ([`FIRST_PORT`]).
pub const FIRST_TOKEN: usize = 0x101;

/// The first completion-port handle `CreateIoCompletionPort` hands out. Port handles then
/// grow by 4 and are never reused; being 3 more than a multiple of 4 they never equal a
/// socket, event or token handle.
pub const FIRST_PORT: usize = 0x103;

/// Which token handles a query returns, and what each stands for.
pub const TOKEN_KINDS: Choice = Choice {
    id: "tokens-per-authenticated-peer",
    question: "When PeerTokenAccessMask is non-zero, which of the two token handles does the \
               query return, and whom does each stand for?",
    answer: "Only for a secured link, whose peer was authenticated (a plain or fallen-back \
             link answers 0 for both). PeerMachineAccessTokenHandle is then always a new \
             token for the principal the peer authenticated as (its socket's, else its \
             host's: 'the peer computer's account'). PeerApplicationAccessTokenHandle is a \
             new token only when the peer's SOCKET_SECURITY_SETTINGS_IPSEC named a user \
             (UserName, with DomainName as DOMAIN\\user): 'the account under which the peer \
             application is running', which IPsec learns only from user authentication; \
             else 0. Every successful query opens new handles (each to be closed once with \
             CloseHandle); a failed one opens none. WSAImpersonateSocketPeer acts as the \
             application token's user when there is one, else as the machine principal, \
             as Windows' own code prefers the application token.",
};

/// What `CloseHandle` closes.
pub const CLOSE_HANDLE_KINDS: Choice = Choice {
    id: "close-handle-kinds",
    question: "Which handles does the emulated CloseHandle accept?",
    answer: "Access tokens (closed exactly once; a second close is ERROR_INVALID_HANDLE), \
             event objects (as WSACloseEvent, which closes the same kernel object), and \
             sockets of the thread's current network (as closesocket: base-provider sockets \
             are kernel handles, though closesocket is the documented way). Any other value \
             is FALSE with ERROR_INVALID_HANDLE. GetLastError and WSAGetLastError read one \
             per-thread value, as on Windows, so either reports the failure.",
};

/// How the IPsec2 query forms are recognised.
pub const IPSEC2_FORMS: Choice = Choice {
    id: "ipsec2-forms",
    question: "How does WSAQuerySocketSecurity tell SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2 \
               from the generic template, and what does it answer?",
    answer: "By its SecurityProtocol: a template whose protocol is \
             SOCKET_SECURITY_PROTOCOL_IPSEC2 is the 152-byte form, and a shorter \
             SecurityQueryTemplateLen is WSAEMSGSIZE; any other protocol is the generic \
             144-byte form, whatever follows it. An IPsec2 template is answered with the \
             64-byte SOCKET_SECURITY_QUERY_INFO_IPSEC2 (SecurityProtocol IPSEC2), so the \
             size probe reports 64; a generic template with the 24-byte form. This is how \
             Windows' own callers read the answer (they use the IPsec2 fields only when the \
             returned protocol is IPsec2).",
};

/// What the IPsec2 template's `Flags` and `FieldMask` do.
pub const IPSEC2_FLAGS_AND_FIELD_MASK: Choice = Choice {
    id: "ipsec2-flags-and-field-mask",
    question: "What do the IPsec2 template's Flags \
               (SOCKET_QUERY_IPSEC2_ABORT_CONNECTION_ON_FIELD_CHANGE) and FieldMask \
               (SOCKET_QUERY_IPSEC2_FIELD_MASK_MM_SA_ID, _QM_SA_ID) do? No page says.",
    answer: "Bits mstcpip.h does not define are WSAEINVAL. The defined bits are accepted and \
             change nothing: MmSaId and QmSaId are always reported, and an emulated SA never \
             changes during a connection (no rekeying), so there is no change to abort on.",
};

/// The SA identifiers a secured link reports.
pub const SA_IDENTIFIERS: Choice = Choice {
    id: "sa-identifiers",
    question: "What MmSaId, QmSaId and SaLookupContext does the IPsec2 form report?",
    answer: "For a secured link: the main-mode SA of the two hosts (one per pair of \
             addresses, made by their first secured link and kept while the network lives), \
             a quick-mode SA new to each connection or datagram exchange, and a GUID per \
             quick-mode SA (7773656d-7500-4000-8000- and the QmSaId in the last six \
             bytes). Ids count from 1 within a network. Both ends of a link report the same \
             three values (on Windows each host numbers its own SAs: compare ids only \
             between links seen from one side). A link that is not secured reports 0 and a \
             zero GUID.",
};

/// What `NegotiationWinerr` reports.
pub const NEGOTIATION_WINERR: Choice = Choice {
    id: "negotiation-winerr",
    question: "Which Windows error does NegotiationWinerr hold?",
    answer: "0 (ERROR_SUCCESS) for a secured link. For a link in the clear: \
             ERROR_IPSEC_IKE_NO_POLICY (13825) when neither end applied security settings, \
             so no negotiation ran; for a fallback to clear text after the client's peer \
             target name did not match the server's principal, ERROR_IPSEC_IKE_AUTH_FAIL \
             (13801) on the client (it could not authenticate the server under that name) \
             and ERROR_IPSEC_IKE_TIMED_OUT (13805) on the server (the client abandoned the \
             negotiation, so the server's half timed out). A negotiation that fails outright \
             leaves no link to query: the connect itself fails (secure-negotiation).",
};

/// What `WSAEnumProtocols` reports of each catalogue entry.
pub const PROTOCOL_INFO_FIELDS: Choice = Choice {
    id: "protocol-info-fields",
    question: "Which WSAPROTOCOL_INFO values does WSAEnumProtocols report, and how does \
               lpiProtocols filter them?",
    answer: "One base-provider entry (ProtocolChain.ChainLen 1, never PFL_HIDDEN) per \
             catalogue triple socket() accepts (socket-catalog), in that order, numbered \
             from dwCatalogEntryId 1001. TCP and UDP carry the service flags Wine's tests \
             record for Windows (XP1_QOS_SUPPORTED clear); iProtocol is the protocol 0 \
             means (PFL_MATCHES_PROTOCOL_ZERO), iProtocolMaxOffset 255 for raw sockets, \
             iMin/iMaxSockAddr the family's address sizes, dwMessageSize 0 for streams and \
             the largest datagram otherwise, szProtocol the name Windows gives (MSAFD \
             Tcpip [TCP/IP] ...), and ProviderId the emulator's own GUID \
             7773656d-7072-4f76-8000-000000000001. lpiProtocols keeps the entries whose \
             iProtocol it lists exactly, so a raw entry (iProtocol 0, which would end the \
             array) is never selected, as Wine records. *lpdwBufferLength is written only \
             when it is too small.",
};

/// How `WSASocketA`/`WSASocketW` use a `WSAPROTOCOL_INFO`.
pub const WSASOCKET_PROTOCOL_INFO: Choice = Choice {
    id: "wsasocket-protocol-info",
    question: "Which socket does WSASocket make from a WSAPROTOCOL_INFO, and what is an \
               invalid one?",
    answer: "The one socket() makes of the triple, whichever entry the structure names, as \
             Windows makes it (Wine's sock.c test_WSASocket: the TCP entry with its fields \
             rewritten to UDP made a datagram socket, and explicit TCP arguments beside it a \
             stream socket): af, type and protocol that are FROM_PROTOCOL_INFO or 0 take the \
             structure's iAddressFamily, iSocketType and iProtocol, and a family of 0 is then \
             WSAEAFNOSUPPORT, as Windows answers it. A structure whose dwCatalogEntryId names no \
             catalogue entry is WSAEINVAL (the WSASocketW page: the contents are invalid; no \
             Windows evidence decides it: the page does not name it and Wine's tests pass \
             none, and Wine 8.0 makes the socket of an unknown entry anyway), and no socket is \
             made. A structure with a non-zero dwProviderReserved is one from \
             WSADuplicateSocket (duplicate-is-a-second-handle). The other fields are not \
             read.",
};

/// The most duplications (`WSADuplicateSocket` calls whose structure no `WSASocket` has
/// used yet) one network holds; the next is `WSAENOBUFS` ([`DUPLICATE_IS_A_SECOND_HANDLE`]).
pub const MAX_OUTSTANDING_DUPLICATIONS: usize = 4096;

/// What `WSADuplicateSocket` and `WSASocket` with its structure make.
pub const DUPLICATE_IS_A_SECOND_HANDLE: Choice = Choice {
    id: "duplicate-is-a-second-handle",
    question: "Which descriptor does WSASocket give the target of WSADuplicateSocket, what \
               does each descriptor own, and which targets are accepted?",
    answer: "A new handle, from the same handle space as sockets (never the source's value, \
             as on Windows and Wine), naming the same socket: the target process is any \
             thread of the same network. Every call through either handle acts on the one \
             socket (its state is held in common, as the page's Multiple Handles to a Single \
             Socket says: data, options, names, security, readiness). The handle owns \
             nothing but its value: blocking waits, pending overlapped operations (AcceptEx, \
             WSARecv, ...), the WSAEventSelect association (the WSADuplicateSocket page: a \
             call through any descriptor replaces the socket's registration) and the \
             completion port association are the socket's, whichever handle began them, so \
             the close of one handle leaves them all, as the last handle's close alone \
             cancels an AcceptEx on a duplicated listener on Windows (Wine's sock.c \
             test_AcceptEx). closesocket closes one handle: calls through it are then \
             WSAENOTSOCK (closing it again too), calls through the other go on; the socket, \
             with its connection, bindings and pending operations, closes with its last \
             handle, and the last WSACleanup closes every handle. select, WSAPoll and \
             snapshots report the handles the caller holds (a snapshot shows a shared socket \
             under its first open handle, with the others as duplicates). \
             WSADuplicateSocketW/A write the socket's protocol information (as getsockopt \
             SO_PROTOCOL_INFOW reports it) with a duplication key in dwProviderReserved, as \
             providers keep their own data there; any non-zero dwProcessId is accepted \
             (GetCurrentProcessId() or another process's id: every target is this network), \
             and 0, which no process has, is WSAEINVAL. WSASocketA/W with that structure \
             take the key, once (a second use is WSAEINVAL, as the WSASocketW page names \
             it; so is a key never written or whose socket has closed), and ignore af, \
             type, protocol and dwFlags (the socket keeps its own); a spent handle space is \
             WSAEMFILE and leaves the key unused. WSADuplicateSocket on a closed handle is \
             WSAENOTSOCK, with a NULL lpProtocolInfo WSAEFAULT; a network holding 4096 \
             unused duplications refuses the next with WSAENOBUFS, and once 2^32 - 1 keys \
             are spent with WSAEMFILE. Errors are checked in the order WSANOTINITIALISED, \
             WSAEFAULT, WSAEINVAL, WSAENOTSOCK, WSAENOBUFS.",
};

/// What each end of a TCP connection sees once a receive shutdown resets it.
pub const RECEIVE_SHUTDOWN_RESETS: Choice = Choice {
    id: "receive-shutdown-resets",
    question: "When shutdown(SD_RECEIVE), shutdown(SD_BOTH) or WSARecvDisconnect resets a TCP \
               connection because data was waiting or arrives afterwards, what does each end \
               see?",
    answer: "As the shutdown page says, the connection is reset: at the shutdown if data is \
             queued (it is discarded), or when the peer's send delivers data afterwards (that \
             send succeeds, as a TCP send is not told of the RST it draws, and its data is \
             discarded). From then on the peer's send and recv fail with WSAECONNRESET and \
             select/WSAPoll report the reset, as for any reset in the model. The shutting \
             socket's recv keeps failing with WSAESHUTDOWN (the shutdown page: receives are \
             disallowed), and its send, after SD_RECEIVE alone, fails with WSAECONNRESET (the \
             connection is gone; after SD_BOTH it is WSAESHUTDOWN). A receive shutdown with \
             nothing waiting changes nothing for the peer, and datagram sockets drop what \
             arrives after it, as before.",
};

/// What the protocol database holds.
pub const PROTOCOL_DATABASE: Choice = Choice {
    id: "protocol-database",
    question: "Which protocols do getprotobyname and getprotobynumber know?",
    answer: "Those of Windows' protocol file, as Wine's tests record them: ip 0, icmp 1, ggp \
             3, tcp 6, egp 8, pup 12, udp 17, hmp 20, xns-idp 22, rdp 27, ipv6 41, \
             ipv6-route 43, ipv6-frag 44, esp 50, ah 51, ipv6-icmp 58, ipv6-nonxt 59, \
             ipv6-opts 60, rvd 66; each with its capitalised alias (TCP, IPv6-ICMP ...). \
             Names and aliases match without regard to ASCII case. Anything else is NULL \
             with WSANO_DATA. The database is not editable: it is the file's stock content.",
};

/// The QoS templates `WSAGetQOSByName` knows.
pub const QOS_TEMPLATES: Choice = Choice {
    id: "qos-templates",
    question: "Which QoS templates does WSAGetQOSByName know?",
    answer: "None: no catalogue entry offers QoS (XP1_QOS_SUPPORTED is clear, as on Windows \
             since the GQoS provider was removed). Asking for the list (an empty name) \
             writes the empty list, one NUL, and succeeds; any name is FALSE with \
             WSAEINVAL, and *lpQOS is never written.",
};

/// The Winsock 1.1 blocking-hook calls.
pub const BLOCKING_HOOKS: Choice = Choice {
    id: "blocking-hooks",
    question: "What do WSACancelBlockingCall, WSASetBlockingHook, WSAUnhookBlockingHook and \
               WSAIsBlocking do? Their pages say only that they were removed from Winsock \
               2.2 and that Winsock 1.1 applications are served by WINSOCK.DLL and \
               WSOCK32.DLL.",
    answer: "What ws2_32 answers a Winsock 2 application, as ReactOS's reimplementation does: \
             after the WSANOTINITIALISED check, WSACancelBlockingCall and WSAUnhookBlockingHook \
             are SOCKET_ERROR and WSASetBlockingHook is NULL, each with WSAEOPNOTSUPP; the hook \
             given is never called. WSAIsBlocking is FALSE. The answer is the same after \
             WSAStartup(1.1), since the 1.1 DLLs are not emulated. No Windows evidence decides \
             it: the pages are silent on the code and Wine's tests do not call these functions; \
             Wine 8.0's WSACancelBlockingCall returns 0.",
};

/// The order of `getsockopt`'s and `setsockopt`'s checks.
pub const OPTION_CHECK_ORDER: Choice = Choice {
    id: "option-check-order",
    question: "Which error wins when several rules of getsockopt or setsockopt are broken?",
    answer: "WSANOTINITIALISED, WSAENOTSOCK (Windows checks the handle first, even with NULL \
             arguments), the level (WSAEINVAL), the option (WSAENOPROTOOPT), whether this \
             socket has the option (WSAENOPROTOOPT or WSAEINVAL, option-applicability), \
             whether the call may read or write it (WSAENOPROTOOPT), then the pointers and \
             the length (WSAEFAULT), then the value and the socket's state (WSAEINVAL, \
             WSAENOTCONN).",
};

/// Lengths the pages and Wine's table leave open.
pub const OPTION_SHORT_BUFFERS: Choice = Choice {
    id: "option-short-buffers",
    question: "What do the lengths sock.c does not record get: a short getsockopt buffer \
               for an option its table does not list, a 3-byte buffer for a 1-byte-tolerant \
               option, a short setsockopt value, a negative setsockopt length?",
    answer: "A short getsockopt buffer for an option sock.c does not list fails with \
             WSAEFAULT and leaves buffer and length untouched. A 1-byte-tolerant option read \
             with 3 bytes is read as with 2 (2 bytes written, length 1). A short setsockopt \
             value that is accepted is read as the bytes given, little-endian, zero-extended \
             (an empty one is 0), as Windows reads IP_MULTICAST_TTL. A negative setsockopt \
             length is read as the option's full size for the 4-byte SOL_SOCKET options \
             (they succeed on Windows) and is WSAENOBUFS for the others, as on Windows 10 \
             21H2 and later.",
};

/// Which sockets have which options.
pub const OPTION_APPLICABILITY: Choice = Choice {
    id: "option-applicability",
    question: "Which sockets have an option the pages do not restrict, and what do the \
               others get?",
    answer: "IPPROTO_TCP options need a TCP socket (WSAENOPROTOOPT otherwise); IPPROTO_IP \
             options need an IP socket of either family, and IPPROTO_IPV6 options an \
             AF_INET6 socket, others getting WSAEINVAL (the level is invalid for them), \
             except IPV6_V6ONLY, which Windows answers on an AF_INET socket too. \
             IP_MULTICAST_TTL and IP_MULTICAST_LOOP need a datagram socket (WSAEINVAL on \
             TCP, as recorded). SO_LINGER, SO_DONTLINGER, SO_CONDITIONAL_ACCEPT and the two \
             update-context options need a stream socket (WSAENOPROTOOPT). Every other \
             SOL_SOCKET option is on every socket; SO_BROADCAST acts only on IPv4 \
             datagram sends.",
};

/// The values a socket starts with where the pages give none.
pub const OPTION_DEFAULTS: Choice = Choice {
    id: "option-defaults",
    question: "What are the defaults the pages leave unconfirmed?",
    answer: "SO_RCVBUF and SO_SNDBUF 65,536; IP_TTL and IPV6_UNICAST_HOPS 128 (Windows' default \
             hop limit); IP_MULTICAST_TTL 1; TCP_KEEPALIVE 7,200 seconds, TCP_KEEPINTVL 1 second \
             (the keep-alive defaults SOL_SOCKET's page gives) and TCP_KEEPCNT 10; SO_KEEPALIVE \
             and SO_CONDITIONAL_ACCEPT off. SO_MAX_MSG_SIZE is 65,507 on a datagram socket of \
             either family (the largest datagram the emulator sends) and 0xFFFFFFFF on a stream \
             socket, which has no message size. No Windows evidence decides SO_RCVBUF, SO_SNDBUF, \
             IP_TTL and IPV6_UNICAST_HOPS: the SOL_SOCKET, IPPROTO_IP and IPPROTO_IPV6 pages give \
             no default, and Wine's tests assert none; Wine 8.0 reads 131,072, 16,384, 64 and 64.",
};

/// The value and state rules the pages leave open.
pub const OPTION_VALUES: Choice = Choice {
    id: "option-values",
    question: "What do values and states the pages do not cover get?",
    answer: "setsockopt of a get-only option (SO_TYPE, SO_PROTOCOL_INFOW, SO_ACCEPTCONN, \
             SO_MAX_MSG_SIZE, SO_CONNECT_TIME) and getsockopt of a set-only one \
             (SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT) are WSAENOPROTOOPT, as \
             the pages say for SO_ACCEPTCONN and IP_ADD_MEMBERSHIP (Windows' WSAEINVAL for \
             SO_TYPE on UDP is not followed). A negative SO_RCVBUF or SO_SNDBUF is \
             WSAEINVAL. IPV6_V6ONLY on a bound socket is WSAEINVAL and the value stays. \
             SO_UPDATE_ACCEPT_CONTEXT takes a listening socket of the network (WSAEINVAL \
             otherwise); SO_UPDATE_CONNECT_CONTEXT takes a connected socket (WSAENOTCONN \
             otherwise), with any optval and optlen. SO_REUSEADDR or SO_EXCLUSIVEADDRUSE \
             set after bind is kept and read back, and the bind already made keeps the \
             rule it was made with.",
};

/// Address reuse: one user.
pub const ONE_USER_ACCOUNT: Choice = Choice {
    id: "one-user-account",
    question: "Which of the page's reuse tables applies: binds by the same user or by \
               different users?",
    answer: "The emulated network has one user, so every second bind follows the table for \
             Windows Server 2003 and later with both binds made by the same user account \
             (the one sock.c's test_reuseaddr records). IPv4 and IPv6 ports are separate: \
             a dual-stack socket reserves nothing on the IPv4 side.",
};

/// Broadcast datagrams.
pub const BROADCAST_DELIVERY: Choice = Choice {
    id: "broadcast-delivery",
    question: "Who receives a datagram sent to 255.255.255.255 with SO_BROADCAST set?",
    answer: "The socket a datagram to that port on the wildcard address would reach (the \
             first IPv4 datagram socket bound to the port): the emulated network is one \
             host. A connect to the broadcast address needs no SO_BROADCAST, as Windows \
             lets it succeed; only sendto to it is WSAEACCES without the option.",
};

/// SO_CONNECT_TIME's clock.
pub const CONNECT_TIME: Choice = Choice {
    id: "connect-time",
    question: "What does SO_CONNECT_TIME count in a network with no wire?",
    answer: "Whole seconds since the stream socket's connect (or accept, or AcceptEx's \
             taking of the connection, before its first data) succeeded, on the \
             network's clock (real time by default; a test clock moves when advanced); \
             0xFFFFFFFF (with success, 4 bytes) on a socket that is not a connected \
             stream, as Windows reports it, not SOCKET_ERROR as the getsockopt page \
             says: an AcceptEx accept socket before a connection arrives, a listener, a \
             datagram socket.",
};

/// Closing with SO_LINGER on and a timeout.
pub const LINGER_TIMEOUT: Choice = Choice {
    id: "linger-timeout",
    question: "What does closesocket do with SO_LINGER {1, n} for n > 0?",
    answer: "A graceful close at once: everything a socket sent is already in its peer's \
             receive queue, so all data is sent within any timeout and closesocket never \
             waits or fails with WSAEWOULDBLOCK. Only {1, 0} (an abortive close) resets the \
             peer.",
};

/// Multicast.
pub const MULTICAST_DELIVERY: Choice = Choice {
    id: "multicast-delivery",
    question: "Who receives a datagram sent to an IPv4 multicast group, from which address, \
               and what do membership calls the pages leave open get?",
    answer: "Every datagram socket bound to the destination port, at the wildcard address or the \
             group's, that joined the group on any interface (the network is one host, so \
             imr_interface is not checked) and has IP_MULTICAST_LOOP on: on Windows it acts on \
             the receiving socket, and every sender is on the receiver's host. The source is the \
             sender's address, loopback when it is bound to the wildcard. A group nobody joined \
             drops the datagram silently (no port-unreachable notice); group traffic is not \
             secured, so no peer exchange is recorded; an injected drop or duplicate applies to \
             every member alike. Joining a group already joined is WSAEADDRINUSE, leaving one not \
             joined WSAEADDRNOTAVAIL (no Windows evidence decides it: the IPPROTO_IP page is \
             silent on IP_DROP_MEMBERSHIP's errors and Wine's tests do not leave a group; Wine \
             8.0 gives WSAEINVAL), a group outside 224.0.0.0/4 WSAEINVAL, an ip_mreq shorter than \
             8 bytes WSAEFAULT.",
};

/// `SIO_GET_EXTENSION_FUNCTION_POINTER`.
pub const EXTENSION_FUNCTIONS: Choice = Choice {
    id: "extension-functions",
    question: "In which order does SIO_GET_EXTENSION_FUNCTION_POINTER check its buffers, and \
               what does it report through an OVERLAPPED?",
    answer: "An input that is NULL or shorter than a GUID is WSAEFAULT, then an unknown GUID \
             WSAEINVAL (as Windows answers one; nothing is written and no completion is \
             reported), then an output that is NULL or shorter than a pointer WSAEFAULT. On \
             success the pointer is written, *lpcbBytesReturned is 8 (a pointer's size) and \
             so is the count an OVERLAPPED's completion reports (Windows queues 0 there). \
             Known GUIDs: WSAID_WSASENDMSG, WSAID_WSARECVMSG, WSAID_ACCEPTEX, \
             WSAID_GETACCEPTEXSOCKADDRS, WSAID_CONNECTEX, WSAID_DISCONNECTEX, \
             WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS.",
};

/// What `WSASendMsg` leaves open.
pub const WSASENDMSG_CONTROL: Choice = Choice {
    id: "wsasendmsg-control",
    question: "What does WSASendMsg do with its control data, with MSG_PARTIAL, and with a \
               call that fails after the socket is known?",
    answer: "The control buffer is never read: the emulator has one route and no source \
             address to choose, so IP_PKTINFO on a send changes nothing. MSG_PARTIAL is \
             accepted and ignored (a datagram is sent whole). A call that fails binds \
             nothing, as every failed call here changes nothing (Windows binds the socket \
             even when a NULL lpNumberOfBytesSent fails the call).",
};

/// What `WSARecvMsg` leaves open.
pub const WSARECVMSG_CONTROL: Choice = Choice {
    id: "wsarecvmsg-control",
    question: "Which control data does WSARecvMsg return, how much room does it need, what \
               does it report when data or control data does not fit, and what does it do \
               on a stream socket?",
    answer: "Only packet information: IN_PKTINFO when IP_PKTINFO is on and the datagram \
             came to an IPv4 address, IN6_PKTINFO when IPV6_PKTINFO is on and it came to an \
             IPv6 one (the option as the datagram arrives and as it is taken), ipi_addr the \
             datagram's destination (the group for multicast), ipi_ifindex 1: the emulated \
             network is one interface. The message needs WSA_CMSG_SPACE bytes (24 for \
             IN_PKTINFO, 40 for IN6_PKTINFO on 64-bit: sock.c's IP_PKTINFO_LEN) and \
             Control.len becomes that, or 0 with none. A Control.len of 0 asks for none: \
             the call succeeds (sock.c). Less room: the data and sender are delivered, \
             Control.len is 0, dwFlags is MSG_CTRUNC, the byte count is written and the \
             call fails with WSAEMSGSIZE (sock.c test_ip_pktinfo); a datagram longer than \
             the buffers sets MSG_TRUNC and fails with WSAEMSGSIZE. MSG_BCAST and MSG_MCAST \
             are not reported. A receive that pends writes the sender, namelen, the control \
             data, Control.len and dwFlags when it completes, as Windows does (sock.c), so \
             the WSAMSG must stay valid until then; its completion reports WSAEMSGSIZE with \
             no count. A stream socket is WSAEINVAL, as for WSASendMsg (the page allows datagram and \
             raw sockets only).",
};

/// `SO_CONDITIONAL_ACCEPT` on a listener.
pub const CONDITIONAL_ACCEPT: Choice = Choice {
    id: "conditional-accept",
    question: "With SO_CONDITIONAL_ACCEPT on a listener, what does a connecting client see \
               before the server decides, and when is the option read?",
    answer: "The option is read as each connection arrives (the facts sheet leaves open \
             whether it must be set before listen). The connection is queued and the \
             listener is readable, but the client is not connected: a blocking connect \
             waits for the decision (no timeout of its own: the network's stall limit ends \
             a wait nobody will end); a non-blocking one returns WSAEWOULDBLOCK and is not \
             writable, getpeername is WSAENOTCONN, a send WSAENOTCONN and another connect \
             WSAEALREADY. accept, or WSAAccept with CF_ACCEPT, completes it (the client \
             becomes writable, FD_CONNECT with 0); CF_REJECT, or the listener's close, \
             refuses it: the blocking connect fails with WSAECONNREFUSED, a non-blocking \
             one's SO_ERROR and FD_CONNECT carry it. CF_DEFER leaves it waiting, first in \
             the backlog. Windows' own connect times out after its SYN retries; the \
             emulator waits for the decision or the stall limit.",
};

/// `IPV6_V6ONLY` FALSE.
pub const DUAL_STACK: Choice = Choice {
    id: "dual-stack",
    question: "What does a dual-stack IPv6 socket (IPV6_V6ONLY FALSE) hold and reach, and \
               what does an IPv6-only one do with a mapped address?",
    answer: "Bound to [::]:p it also holds 0.0.0.0:p (bound to ::ffff:a.b.c.d:p, also \
             a.b.c.d:p), checked against IPv4 sockets there by the second-bind table, and \
             receives what IPv4 peers send or connect to that port: their addresses, and an \
             accepted connection's local address, come as IPv4-mapped IPv6 addresses. A \
             datagram or connection it sends to a mapped address goes to the IPv4 address \
             from its IPv4 side (an unbound socket is bound at [::]:p and holds 0.0.0.0:p \
             too), and the IPv4 peer sees an IPv4 address. An IPv6-only socket (the \
             default) holds no IPv4 address, and a mapped destination reaches nobody: a \
             datagram is lost as to an unbound port, a connect is WSAECONNREFUSED.",
};

/// The io::Error conversion.
pub const IO_ERROR_CONVERSION: Choice = Choice {
    id: "io-error-conversion",
    question: "An io::Error cannot carry a raw Winsock code and the kind Windows gives it on \
               Linux and macOS: which does the conversion keep?",
    answer: "On Windows, both (io::Error::from_raw_os_error). Elsewhere the kind std gives \
             the code on Windows, with this crate's message, and the code through \
             Error::from_io: Rust code checks kind() far more than raw_os_error(). After a \
             failed sys call, io::Error::last_os_error() carries the raw code on every OS, \
             since errno is set to it.",
};

/// How long a wait may see nothing change on its network before it ends as a stall:
/// five seconds of real time, settable per network ([`STALL_ENDS_THE_CALL`]).
pub const STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A wait nothing can end fails its call.
pub const STALL_ENDS_THE_CALL: Choice = Choice {
    id: "stall-ends-the-call",
    question: "What happens to a blocking call that nothing can ever complete: every thread \
               known to the network waits (a deadlock of the code under test), or nothing \
               changed on the network for the stall limit?",
    answer: "Windows would hang. The emulator ends the wait: at once for a deadlock (every \
             thread that entered the network, that Network::spawn started, or that made \
             it, while it lives, waits in one of the network's calls, none was woken since \
             it looked, and no deadline can end a wait), or after the stall limit (five \
             seconds of real time with nothing changing on the network; \
             Network::set_stall_limit) otherwise, which is the only rule on the \
             process-wide network, whose threads are not known. The call fails with \
             WSAENETDOWN, a code no caller takes for a timeout, a would-block or a closed \
             peer, so the code under test treats it as the failure it is. The thread that \
             found the stall prints a diagnosis to stderr (which call on which socket \
             waited for what, every other waiting thread, the network's sockets) and the \
             network keeps it (Network::stalls); strict mode makes it a test failure. A \
             thread that acts on a network without being known to it can make a wait look \
             deadlocked: such threads should enter the network or be started by \
             Network::spawn.",
};

/// Timeouts can run on a test clock.
pub const TEST_CLOCK: Choice = Choice {
    id: "test-clock",
    question: "On what clock do SO_RCVTIMEO, SO_SNDTIMEO and the other timeouts run?",
    answer: "On the network's clock: real time by default; Network::set_clock(Clock::Manual) \
             gives a clock that moves only when Network::advance moves it, and \
             Clock::Auto one that also jumps to the earliest deadline of a waiting call \
             when every thread known to the network waits, so a 30-second timeout expires \
             at once and deterministically. A deadline is fixed when the call starts. The \
             stall limit is always real time.",
};

/// The most handles one `select` set or one `WSAPoll` array may hold:
/// [`READINESS_LIMITS`].
pub const READINESS_MAX_ENTRIES: usize = 1 << 16;

/// How large a set `select` and `WSAPoll` take.
pub const READINESS_LIMITS: Choice = Choice {
    id: "readiness-limits",
    question: "How many handles may one select set or one WSAPoll array hold? fd_count is \
               any u_int and a caller may build a set larger than FD_SETSIZE (64), as Windows \
               code does; WSAPoll's fds is any ULONG.",
    answer: "Up to 65,536 per select set and per WSAPoll array, far beyond what any Windows \
             program polls at once (Windows itself was seen with 200, facts 2.1). Beyond \
             that the call fails before a handle is read or anything is allocated: select \
             with WSAEFAULT (its page: unable to allocate needed resources), WSAPoll with \
             WSAENOBUFS (its page: no buffer space). Only the first fd_count entries of a \
             set are read, so a caller-allocated set cut short after its last entry works.",
};

/// A negative `select` timeout is invalid.
pub const SELECT_TIMEOUT_VALIDITY: Choice = Choice {
    id: "select-timeout-validity",
    question: "Which TIMEVAL does select refuse as \"not valid\" (WSAEINVAL)?",
    answer: "One with a negative tv_sec or tv_usec. A tv_usec of a million or more is accepted \
             and carries into seconds, as BSD code that builds {0, 1500000} expects. The TIMEVAL \
             is never written. No Windows evidence decides it: the select page does not say which \
             TIMEVAL is not valid, and Wine's tests pass no negative one; Wine 8.0 accepts a \
             negative tv_sec and succeeds.",
};

/// What `select` does with a socket closed while it waits.
pub const SELECT_CLOSED_DURING_WAIT: Choice = Choice {
    id: "select-closed-during-wait",
    question: "What does select report when another thread closes a socket of its sets while \
               it waits? The page calls the closing undefined behaviour.",
    answer: "What Windows does (facts 1.7): a socket in readfds is reported readable (the \
             call returns, counting it); a closed socket that is in writefds or exceptfds \
             and not reported through readfds ends the call with WSAENOTSOCK, and then the \
             sets are left as they were. A handle that names no socket when the call begins \
             is WSAENOTSOCK in any set, the sets unchanged.",
};

/// The emulator has no urgent data.
pub const NO_URGENT_DATA: Choice = Choice {
    id: "no-urgent-data",
    question: "When are FD_OOB, POLLRDBAND and the out-of-band half of exceptfds reported?",
    answer: "Never: the emulator carries no urgent data (send and recv refuse MSG_OOB with \
             WSAEOPNOTSUPP, data-flags), so the condition cannot arise. POLLRDBAND is still \
             accepted in events, as Windows accepts it, and FD_OOB in a WSAEventSelect mask; \
             recv-type calls still re-enable FD_OOB as the page's table says.",
};

/// `WSAEventSelect` keeps the record of events already recorded.
pub const EVENT_SELECT_KEEPS_THE_RECORD: Choice = Choice {
    id: "event-select-keeps-the-record",
    question: "The WSAEventSelect page says a new call \"clears the internal record of network \
               events\"; Windows (facts 2.4) reports, once selected, an event that happened \
               while it was not in the mask, and does not report again an event already \
               reported and not re-enabled. Which is followed?",
    answer: "Windows: a socket's record lives from its first WSAEventSelect to its close. A new \
             WSAEventSelect (with a new mask, 0 then the mask, or the same mask) keeps the events \
             recorded and not enumerated, and sets the new event object at once if one of them is \
             selected; an event enumerated and not re-enabled is not reported again. \
             WSAEnumNetworkEvents reports and clears only the selected events. The event object \
             is not reset by WSAEventSelect. A connect that succeeded before the socket's first \
             WSAEventSelect, blocking or not, is reported then as FD_CONNECT (error 0) beside \
             FD_WRITE, as Windows does in event mode (sock.c test_connect_events: connect, then \
             select); an accepted socket reports FD_WRITE alone. The record is brought up to date \
             after every call of either face (the calls that change what a socket offers), by the \
             thread that made the call; FD_READ and FD_ACCEPT are recorded again when more data \
             or another connection arrives before the re-enabling call, as Windows does in event \
             mode.",
};

/// What `WSAEventSelect` and `WSAEnumNetworkEvents` refuse.
pub const EVENT_SELECT_ARGUMENTS: Choice = Choice {
    id: "event-select-arguments",
    question: "Which arguments are \"invalid\" (WSAEINVAL) for WSAEventSelect and \
               WSAEnumNetworkEvents?",
    answer: "WSAEventSelect: a mask with a bit outside FD_ALL_EVENTS (0x3FF), or a non-zero mask \
             with a handle that names no event (lNetworkEvents 0 ignores the event, as the page \
             says). WSAEnumNetworkEvents: a non-NULL hEventObject that names no event; a NULL one \
             is allowed (facts 2.4). The checks come after WSANOTINITIALISED and WSAENOTSOCK, and \
             a failed call changes nothing: the socket stays blocking, the record is not cleared, \
             no event is reset. No Windows evidence decides the mask bits: the WSAEventSelect \
             page does not say whether a bit outside FD_ALL_EVENTS is invalid, and Wine's tests \
             pass none; Wine 8.0 accepts one.",
};

/// `FD_CLOSE` after a reset carries `WSAECONNABORTED`.
pub const FD_CLOSE_AFTER_RESET: Choice = Choice {
    id: "fd-close-after-reset",
    question: "Which error does FD_CLOSE carry when the peer reset the connection: the \
               page's WSAECONNRESET, or Windows's WSAECONNABORTED (facts 8.2, DOC≠WIN)?",
    answer: "WSAECONNABORTED, as Windows does; a graceful close (the peer's FIN) carries 0. \
             FD_CLOSE is recorded once and never re-enabled, also while unread data remains \
             (then with FD_READ). The emulator resets a connection whose peer closed with \
             data unread (close-and-reset).",
};

/// `SO_RCVBUF` and `SO_SNDBUF` of a new socket, in bytes: 65,536 (the facts sheet marks
/// Windows' defaults unconfirmed; 64 KiB is what current Windows versions report).
pub const DEFAULT_BUFFER: usize = 65_536;

/// What one queued datagram costs its receive buffer beyond its bytes: its queue entry.
pub const DATAGRAM_OVERHEAD: usize = 64;

/// How full buffers behave.
pub const FLOW_CONTROL: Choice = Choice {
    id: "flow-control",
    question: "How much may a sender queue before a stream send waits, or a datagram is \
               dropped, and what are SO_RCVBUF and SO_SNDBUF by default?",
    answer: "SO_RCVBUF and SO_SNDBUF are 65,536 bytes on a new socket (the facts sheet marks \
             Windows' defaults unconfirmed) and may be set to any value, 0 included. A \
             stream connection holds the receiver's SO_RCVBUF plus the sender's SO_SNDBUF \
             in flight, at least 65,536 bytes (Windows accepts sends beyond small buffer \
             settings: three 4,096-byte sends with SO_SNDBUF 0 and SO_RCVBUF 1,024); a send \
             is accepted whole whenever less than that is queued, as Windows accepts whole \
             sends (facts 1.4), and otherwise waits for room on a blocking socket \
             (SO_SNDTIMEO: WSAETIMEDOUT) or fails with WSAEWOULDBLOCK. Bytes sent before \
             the connection is accepted wait with the client under the same bound. A \
             datagram arriving while its receiver's queue holds SO_RCVBUF bytes or more \
             (each datagram counting its length plus 64 bytes for its entry) is dropped \
             silently, as on Windows. So a socket's memory stays bounded by its buffers \
             plus one send, whatever a test sends. MSG_WAITALL longer than SO_RCVBUF is \
             gathered in turns as the sender refills the buffer.",
};

/// Overlapped receives that find nothing to take.
pub const PENDING_RECEIVES: Choice = Choice {
    id: "pending-receives",
    question: "How does an overlapped WSARecv or WSARecvFrom that finds nothing to take \
               complete, and what does it report when its socket is closed?",
    answer: "It returns WSA_IO_PENDING, blocking socket or not (facts 1.1), with nothing \
             written; SO_RCVTIMEO does not apply (facts 1.6). Several pending receives are \
             filled in the order they were posted, each with what one receive would take \
             (facts 1.3), by the thread whose send, shutdown, close or reset made them \
             satisfiable, after it released every lock: the data goes into the buffers \
             (and the sender into lpFrom), then the status into the OVERLAPPED, then hEvent \
             is signalled or the routine queued to the posting thread. The peer's FIN \
             completes them with 0 bytes, a reset with WSAECONNRESET; closing the socket \
             (or the last WSACleanup) completes them with WSAECONNABORTED, the Winsock \
             form of the ERROR_CONNECTION_ABORTED Windows reports (facts 1.7, 8.2; the \
             closesocket page's WSA_OPERATION_ABORTED is what older Windows gave). \
             Overlapped sends pend too: see pending-sends.",
};

/// Overlapped stream sends while the peer's receive buffer is full.
pub const PENDING_SENDS: Choice = Choice {
    id: "pending-sends",
    question: "How does an overlapped WSASend or WSASendTo on a stream complete while the \
               peer's receive buffer is full, in what order, and what bounds what it holds?",
    answer: "It returns WSA_IO_PENDING, blocking socket or not (overlapped operations ignore \
             the nonblocking flag, facts 1.1), with nothing written; SO_SNDTIMEO does not \
             apply. Its bytes (copied when the call is made) go to the peer once the peer's \
             receive buffer has room (the peer reads, or raises SO_RCVBUF), whole, as a send \
             that does not block queues them, sent by the thread that made the room, after it \
             released every lock; then the status (the byte count) goes into the OVERLAPPED \
             and hEvent is signalled, the routine queued to the posting thread or a packet \
             posted to the socket's completion port, as Windows completes the 1 MB overlapped \
             send of Wine's test_send once the peer reads. While a socket has sends pending, \
             its later overlapped sends queue behind them (a blocking send from another thread \
             is not ordered against them). The peer's close or reset completes them with \
             WSAECONNRESET; closing the socket (or the last WSACleanup) with \
             WSAECONNABORTED, as pending receives (pending-receives); CancelIo/CancelIoEx \
             with WSA_OPERATION_ABORTED. A socket's pending sends hold at most \
             MAX_POSTED_SEND_BYTES (16 MiB); a send that would hold more fails at once with \
             WSAENOBUFS, the code the WSASend page gives for \"the Windows Sockets provider \
             reports a buffer deadlock\", and nothing is sent. Datagram sends never pend: a \
             datagram that finds the buffer full is dropped (flow-control).",
};

/// The most bytes one socket's pending overlapped sends hold ([`PENDING_SENDS`]).
pub const MAX_POSTED_SEND_BYTES: usize = 16 << 20;

/// Closing a socket another thread waits on.
pub const CLOSE_INTERRUPTS_WAITS: Choice = Choice {
    id: "close-interrupts-waits",
    question: "What does a blocking recv, recvfrom, send, accept or WSAAccept report when \
               another thread closes its socket, or calls the last WSACleanup, while it \
               waits?",
    answer: "WSAEINTR, as the Windows Sockets 2 specification says for a blocking call whose \
             socket is closed (the closesocket page calls the situation undefined and Wine's \
             tests assert only that accept fails, so no Windows evidence decides it; Wine 8.0 \
             gives a blocked recv WSAEINVAL). The wait ends at once: the close wakes every waiter \
             of the network.",
};

/// A non-blocking connect.
pub const NONBLOCKING_CONNECT: Choice = Choice {
    id: "nonblocking-connect",
    question: "What does connect on a non-blocking stream socket return, and when does the \
               connection complete?",
    answer: "WSAEWOULDBLOCK, always, as the page says (Wine's tests accept 0 too on \
             loopback). The emulated handshake completes within the call: the connection \
             is queued at the listener (or refused) before connect returns, so a second \
             connect gives WSAEISCONN (never WSAEALREADY), and a refused one leaves \
             SO_ERROR at WSAECONNREFUSED (not cleared by reading it, reset to 0 by a later \
             successful connect) with the socket unconnected, free to connect again. A \
             blocking connect returns the outcome itself: 0 once queued (before accept, \
             as TCP completes the handshake first), WSAECONNREFUSED with no listener or a \
             full backlog; it never waits.",
};

/// `WSAPoll` reports a failed connect as current Windows does.
pub const WSAPOLL_FAILED_CONNECT: Choice = Choice {
    id: "wsapoll-failed-connect",
    question: "WSAPoll's page documents a defect: before Windows 10 version 2004 a TCP socket \
               whose connect failed was reported with nothing (the call timed out). Which \
               behaviour does the emulator give?",
    answer: "Current Windows's: a failed non-blocking connect is POLLHUP | POLLERR, plus \
             POLLWRNORM when asked for, at once; SO_ERROR holds the error. Code written for \
             the old defect (a timeout, then SO_ERROR) still works; code that relies on the \
             defect does not, as on any supported Windows. select reports the same socket \
             in exceptfds only, and WSAEventSelect records FD_CONNECT with the error and no \
             FD_WRITE.",
};

/// Disconnect data on TCP/IP.
pub const DISCONNECT_DATA: Choice = Choice {
    id: "disconnect-data",
    question: "TCP/IP on Windows carries no disconnect data (no XP1_DISCONNECT_DATA). What do \
               WSASendDisconnect and WSARecvDisconnect do with a disconnect-data WSABUF, and \
               on a datagram socket?",
    answer: "WSASendDisconnect with a non-NULL lpOutboundDisconnectData whose len is not 0 \
             fails with WSAENOPROTOOPT, as its page says for a provider without disconnect \
             data, and changes nothing; a NULL one, or one of length 0, is shutdown(SD_SEND). \
             WSARecvDisconnect never reads or writes lpInboundDisconnectData (its page lets \
             a TCP/IP provider succeed without WSAENOPROTOOPT) and is shutdown(SD_RECEIVE). \
             The checks: WSANOTINITIALISED, WSAENOTSOCK, WSAENOPROTOOPT, then shutdown's \
             (WSAENOTCONN for an unconnected stream). On a datagram socket both act as \
             shutdown does there, as Wine's do. Both are traced as shutdown.",
};

/// `WSARecvEx`'s partial datagrams and its flags pointer.
pub const RECVEX_PARTIAL: Choice = Choice {
    id: "recvex-partial",
    question: "What does WSARecvEx give for a datagram longer than its buffer, and for a NULL \
               flags pointer?",
    answer: "The first len bytes, their count as the result (no WSAEMSGSIZE) and MSG_PARTIAL \
             in *flags; the rest of a datagram is lost, as recv loses it (UDP keeps no \
             partial datagram). A whole datagram, and every stream receive, sets *flags to 0. \
             *flags is ignored on input. A NULL flags is WSAEFAULT, checked before anything \
             is received; a stream with len 0 or less is WSAEINVAL, as the page says.",
};

/// `getservbyname` and `getservbyport`.
pub const SERVICE_DATABASE: Choice = Choice {
    id: "service-database",
    question: "What do getservbyname and getservbyport answer from, how are names and \
               protocols matched, and what does a NULL name or an unknown service get?",
    answer: "The service table getaddrinfo reads (service-names): a port's entry for one \
             transport has the port's first name as s_name and its other names as \
             s_aliases (www and www-http are aliases of http), s_proto \"tcp\" or \"udp\", \
             s_port in network byte order. Names and protocols match with ASCII case \
             ignored; a NULL proto takes the TCP entry first, as the services file lists \
             tcp before udp; a protocol other than tcp or udp has no entries. A service \
             the table lacks is NULL with WSANO_DATA (as Wine gives), a NULL name \
             WSAEFAULT. getservbyport reads the low 16 bits of port. One SERVENT per thread, \
             apart from the thread's PROTOENT and HOSTENT.",
};

/// The first handle `GetAddrInfoExW` gives an asynchronous lookup (`lpHandle`); the next
/// ones grow by 4. High above the socket, token and event handles, which start at 0x100,
/// 0x101 and 0x102 and grow by 4 too, and apart from the residue 3 they leave to
/// completion ports until 2^28 of those.
pub const FIRST_LOOKUP_HANDLE: usize = 0x4000_0003;

/// `GetAddrInfoExW`'s namespaces, reserved arguments and lists.
pub const GETADDRINFOEX_ARGUMENTS: Choice = Choice {
    id: "getaddrinfoex-arguments",
    question: "Which namespaces and namespace providers does GetAddrInfoExW answer for, what \
               do its ADDRINFOEXW nodes hold beyond getaddrinfo's, and how is its timeout \
               applied?",
    answer: "NS_ALL and NS_DNS are the network's resolver; any other namespace is not \
             installed: WSASERVICE_NOT_FOUND. lpNspId is accepted and ignored (the resolver \
             is the one provider). Hints and results follow getaddrinfo's rules \
             (getaddrinfo-check-order); each node's ai_blob, ai_bloblen and ai_provider are \
             NULL and 0. A timeout (a TIMEVAL with no negative field, else WSAEINVAL) bounds \
             how long a lookup may take on the network clock: a lookup slowed past it \
             (Fault::slow_lookup) fails with WSAETIMEDOUT; one that answers at the same \
             moment succeeds. Lists are freed with FreeAddrInfoExW through the registry of \
             getaddrinfo's lists (addrinfo-lists): a list of another kind, freed twice or \
             never freed is reported by strict mode, never undefined behaviour.",
};

/// `GetAddrInfoExW`'s asynchronous forms.
pub const GETADDRINFOEX_ASYNC: Choice = Choice {
    id: "getaddrinfoex-async",
    question: "When does an asynchronous GetAddrInfoExW complete, on which thread, and what \
               do GetAddrInfoExOverlappedResult and GetAddrInfoExCancel report?",
    answer: "With lpOverlapped it always returns WSA_IO_PENDING (also when the answer is \
             known at once) and completes on a thread of its own, as Windows completes on a \
             thread-pool thread: *ppResult is written, then the status, then hEvent is set \
             (no routine) or the routine is called on that thread (dwError the code, \
             dwBytes 0). hEvent must be an event when there is no routine and NULL when \
             there is one, and a routine needs an OVERLAPPED: WSAEINVAL otherwise, with \
             nothing started. GetAddrInfoExOverlappedResult gives WSAEINPROGRESS until the \
             completion, then its code (WSAEINVAL for NULL). *lpHandle (if not NULL) gets a \
             handle valid until the completion; GetAddrInfoExCancel(&handle) cancels the \
             lookup, which completes with WSA_E_CANCELLED, and answers WSA_INVALID_HANDLE \
             for a handle that names no lookup in flight (NULL lpHandle: WSAEFAULT).",
};

/// `WSAConnectByList`.
pub const CONNECT_BY_LIST: Choice = Choice {
    id: "connect-by-list",
    question: "In which order does WSAConnectByList try its addresses, what does it give for \
               a bound socket, an empty or malformed list, and how is its timeout applied?",
    answer: "In the list's order (the emulated network has one local address per family, \
             so no pair is likelier than another), with the model's connect, so a peer \
             target name and security settings apply; the first that accepts wins, and when \
             none does the last attempt's error is returned (WSAEHOSTUNREACH for an empty \
             list). The checks, in order: WSANOTINITIALISED, WSAENOTSOCK, WSAEINVAL for a \
             non-NULL Reserved or a negative timeout member; the address buffers as \
             WSAConnectByName's (connect-by-name); WSAEINVAL for a NULL list or a negative \
             iAddressCount, WSAEFAULT for an entry whose lpSockaddr is NULL or shorter than \
             its family's SOCKADDR, WSAEAFNOSUPPORT for one that is not IP; WSAEOPNOTSUPP \
             for a socket that is not a stream; WSAEINVAL for a bound socket, as the page requires an unbound one. \
             Every entry is checked before the first connect, so a bad list changes \
             nothing. Connects complete at once, so the timeout is read but never reached.",
};

/// Every choice, in the order `docs/choices.md` lists them.
pub const ALL: &[Choice] = &[
    CHECK_ORDER,
    NAME_LENGTH_IN_BYTES,
    NAMES_KEEP_UTF16_UNITS,
    NAME_SHAPE,
    PEER_FAMILY_MUST_MATCH,
    STREAM_PEER_ADDRESS_IGNORED,
    ZERO_PEER_MEANS_BOTH_ZERO,
    DATAGRAM_NAMES_PER_PEER,
    DELETE_ABSENT_NAME_SUCCEEDS,
    DELETE_ON_STREAM_AND_CONNECTED,
    NAMES_ON_LISTENING_SOCKETS,
    SOCKET_CATALOG,
    ONE_HOST_OWNS_EVERY_ADDRESS,
    ONLY_IP_IS_ADDRESSED,
    LISTEN_BACKLOG,
    STARTUP_VERSIONS,
    CLEANUP_CLOSES_SOCKETS,
    IOCTL_CODES,
    UNEMULATED_ARGUMENTS,
    ACCEPT_CONDITION_FUNCTION,
    ACCEPT_CONDITION_REJECT,
    ACCEPT_CONDITION_OTHER_VALUE,
    ACCEPT_CONDITION_RACE,
    SECURITY_SETTINGS_FORM,
    UNKNOWN_SECURITY_FLAGS,
    SECURITY_TIMING_ERRORS,
    QUERY_SIZE_PROBE_CODE,
    QUERY_BEFORE_CONNECTION,
    IMPERSONATED_FLAG,
    IMPERSONATE_NULL_ADDRESS,
    IMPERSONATE_NEEDS_SECURED_PEER,
    IMPERSONATION_ANY_SOCKET_MODE,
    REVERT_NEEDS_NOTHING,
    DEFAULT_PRINCIPALS,
    SECURE_NEGOTIATION,
    ACCEPTED_INHERIT_SECURITY,
    DATAGRAM_SECURITY_PER_PEER,
    EXCHANGES_END_AT_CLOSE,
    DATA_FLAGS,
    WSABUF_ARRAYS,
    DATAGRAM_TRUNCATION,
    CLOSE_AND_RESET,
    SECURITY_IOCTLS,
    EVENTS_ARE_PROCESS_WIDE,
    OVERLAPPED_STATUS_FIELDS,
    ROUTINE_WITHOUT_OVERLAPPED,
    DEFERRED_COMPLETION,
    SIGNALLED_EVENTS_WIN,
    WAIT_ARGUMENTS,
    UDP_PORT_UNREACHABLE,
    UDP_CONNRESET_CONTROL,
    PORT_UNREACHABLE_UNCOUNTED,
    DECLARED_HOSTS,
    NAME_MATCHING,
    LOCAL_NAMES,
    REVERSE_LOOKUP,
    SERVICE_NAMES,
    GETADDRINFO_CHECK_ORDER,
    GETADDRINFO_FAMILIES,
    GETADDRINFO_NUMERIC_HOSTS,
    GETNAMEINFO_TEXT,
    IPV6_TEXT_FORM,
    INET_ADDR_FORMS,
    INET_PTON_PARTIAL_WRITE,
    INET_NTOP_ERRORS,
    PER_THREAD_RESULTS,
    ADDRESS_STRINGS,
    ADDRINFO_LISTS,
    CONNECT_BY_NAME,
    TOKEN_KINDS,
    CLOSE_HANDLE_KINDS,
    IPSEC2_FORMS,
    IPSEC2_FLAGS_AND_FIELD_MASK,
    SA_IDENTIFIERS,
    NEGOTIATION_WINERR,
    PROTOCOL_INFO_FIELDS,
    WSASOCKET_PROTOCOL_INFO,
    DUPLICATE_IS_A_SECOND_HANDLE,
    RECEIVE_SHUTDOWN_RESETS,
    PROTOCOL_DATABASE,
    QOS_TEMPLATES,
    BLOCKING_HOOKS,
    OPTION_CHECK_ORDER,
    OPTION_SHORT_BUFFERS,
    OPTION_APPLICABILITY,
    OPTION_DEFAULTS,
    OPTION_VALUES,
    ONE_USER_ACCOUNT,
    BROADCAST_DELIVERY,
    CONNECT_TIME,
    LINGER_TIMEOUT,
    IO_ERROR_CONVERSION,
    MULTICAST_DELIVERY,
    EXTENSION_FUNCTIONS,
    WSASENDMSG_CONTROL,
    WSARECVMSG_CONTROL,
    DUAL_STACK,
    CONDITIONAL_ACCEPT,
    STALL_ENDS_THE_CALL,
    TEST_CLOCK,
    READINESS_LIMITS,
    SELECT_TIMEOUT_VALIDITY,
    SELECT_CLOSED_DURING_WAIT,
    NO_URGENT_DATA,
    EVENT_SELECT_KEEPS_THE_RECORD,
    EVENT_SELECT_ARGUMENTS,
    FD_CLOSE_AFTER_RESET,
    WSAPOLL_FAILED_CONNECT,
    CLOSE_INTERRUPTS_WAITS,
    NONBLOCKING_CONNECT,
    FLOW_CONTROL,
    PENDING_RECEIVES,
    PENDING_SENDS,
    DISCONNECT_DATA,
    RECVEX_PARTIAL,
    SERVICE_DATABASE,
    GETADDRINFOEX_ARGUMENTS,
    GETADDRINFOEX_ASYNC,
    CONNECT_BY_LIST,
    COMPLETION_PORT_WAKE_ORDER,
    COMPLETION_PORT_ARGUMENTS,
    PACKET_ERRORS,
    EXTENSIONS_PEND,
    ACCEPT_EX_BUFFER,
    ACCEPT_EX_CONTEXT,
    CONNECT_EX_CONTEXT,
    DISCONNECT_REUSE,
    TRANSMIT_CHECKS,
    TRANSMIT_NO_FILES,
    TRANSMIT_PACKETS_DATAGRAMS,
    TRANSMIT_FLAGS,
    CANCEL_IO_SCOPE,
    THREAD_EXIT_KEEPS_IO,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let doc = include_str!("../docs/choices.md");
        // What stands between two consecutive backquotes, gathered in one pass: `{id}`
        // is in the page exactly when one of these is the id (ids have no backquote).
        // Searching the 100 kB page once per choice took many minutes under Miri.
        let segments: Vec<&str> = doc.split('`').collect();
        let quoted: std::collections::BTreeSet<&str> = segments
            .get(1..segments.len().saturating_sub(1))
            .unwrap_or_default()
            .iter()
            .copied()
            .collect();
        for (i, choice) in ALL.iter().enumerate() {
            assert!(
                ALL[i + 1..].iter().all(|other| other.id != choice.id),
                "{} twice",
                choice.id
            );
            assert!(
                quoted.contains(choice.id),
                "docs/choices.md misses {}",
                choice.id
            );
        }
    }
}
