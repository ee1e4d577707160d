//! Every case the documentation leaves open, decided once, here.
//!
//! Microsoft's pages say what must fail and with which code, but not everything: the order
//! of the checks when several fail, what an odd name length gets, whether a second name for
//! the same peer replaces the first. Each such case is one [`Choice`] below, named, with the
//! answer the emulator gives and why. The code that implements a choice links to it, the
//! tests named in `docs/choices.md` prove it, and changing a choice means changing it here.
#![forbid(unsafe_code)]

/// One decision the documentation leaves to the implementer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// A short, stable identifier (used in `docs/choices.md` and in test names).
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
             address and the next free ephemeral port (49152 upwards, in order).",
};

/// Calls that would block forever.
pub const NEVER_BLOCK: Choice = Choice {
    id: "never-block",
    question: "What does accept do when nothing is waiting?",
    answer: "It fails with WSAEWOULDBLOCK at once, even on a blocking socket: an in-memory \
             network with nothing pending would wait forever, and a test must never hang.",
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
    answer: "SIO_SET_SECURITY and SIO_QUERY_SECURITY get WSAEOPNOTSUPP until security settings \
             are emulated (Wine answers them the same way); every other code gets WSAEINVAL \
             ('not a valid command'). A call without overlapped arguments needs \
             lpcbBytesReturned (WSAEFAULT otherwise), checked after the socket; on success \
             it is set to 0, as these codes return no output.",
};

/// Arguments of other functions that are not emulated.
pub const UNEMULATED_ARGUMENTS: Choice = Choice {
    id: "unemulated-arguments",
    question: "What do WSASocketW's lpProtocolInfo and g, and WSAConnect's connect data and \
               QOS arguments, do?",
    answer: "They must be NULL (or 0 for g). A non-NULL lpProtocolInfo or non-zero g is \
             WSAEINVAL, as WSASocketW documents for an invalid group or protocol info; any \
             non-NULL data or QOS pointer in WSAConnect is WSAEOPNOTSUPP, since TCP/IP \
             offers neither. None of these pointers is ever read.",
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
             these calls). WSAGetOverlappedResult reads those fields: TRUE with the count \
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
    NEVER_BLOCK,
    ONLY_IP_IS_ADDRESSED,
    LISTEN_BACKLOG,
    STARTUP_VERSIONS,
    CLEANUP_CLOSES_SOCKETS,
    IOCTL_CODES,
    UNEMULATED_ARGUMENTS,
    EVENTS_ARE_PROCESS_WIDE,
    OVERLAPPED_STATUS_FIELDS,
    ROUTINE_WITHOUT_OVERLAPPED,
    DEFERRED_COMPLETION,
    SIGNALLED_EVENTS_WIN,
    WAIT_ARGUMENTS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let doc = include_str!("../docs/choices.md");
        for (i, choice) in ALL.iter().enumerate() {
            assert!(
                ALL[i + 1..].iter().all(|other| other.id != choice.id),
                "{} twice",
                choice.id
            );
            assert!(
                doc.contains(&format!("`{}`", choice.id)),
                "docs/choices.md misses {}",
                choice.id
            );
        }
    }
}
