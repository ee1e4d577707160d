//! The case table: one small scripted scenario per documented rule (and per choice the
//! emulator makes where the pages are silent), each with its source and expected result.
//!
//! | file | cases |
//! | --- | --- |
//! | `set.rs` | `WSASetSocketPeerTargetName`, rule by rule |
//! | `delete.rs` | `WSADeleteSocketPeerTargetName`, rule by rule |
//! | `lifecycle.rs` | startup, handles, the order of the checks, `WSAIoctl` |
//! | `security.rs` | `WSASetSocketSecurity`, rule by rule, through `WSAIoctl(SIO_SET_SECURITY)` |
//! | `query.rs` | `WSAQuerySocketSecurity`, rule by rule, with its out-parameters |
//! | `impersonation.rs` | `WSAImpersonateSocketPeer`, `WSARevertImpersonation` |
//! | `data_path.rs` | `send`, `recv`, `sendto`, `recvfrom`, `shutdown`, `ioctlsocket`, secured connects |
//! | `overlapped.rs` | overlapped completion through an event or a routine, event handles |
//! | `pending.rs` | overlapped operations that pend, through the backend's `Deferral` (`n/a` without one) |
//! | `names_in_use.rs` | what a deleted name, or a failed set, does to a later authentication |
//! | `udp_connreset.rs` | the ICMP Port Unreachable a datagram drew, in receives; `SIO_UDP_CONNRESET` |
//! | `resolution.rs` | `getaddrinfo`, `getnameinfo`, `gethostname`, the address text helpers, `WSAConnectByNameW` |
//! | `tokens.rs` | the peer tokens and the IPsec2 form of `WSAQuerySocketSecurity`; `CloseHandle` (`n/a` without an IPsec policy) |
//! | `catalog.rs` | `WSAEnumProtocolsW`, `getprotobyname`, `getprotobynumber`, `WSACancelBlockingCall` |
//! | `duplicate.rs` | `WSADuplicateSocketW`, `WSASocketW` with its structure |
//! | `receive_shutdown.rs` | the reset a TCP receive shutdown makes of queued or later data |
//! | `readiness.rs` | `select`, `WSAPoll`, `WSAEventSelect`, `WSAEnumNetworkEvents` |
//! | `blocking.rs` | blocking `accept` and `recv`: each wait and each way it ends |
//! | `wsa_data.rs` | `WSASend`, `WSARecv`, `WSARecvFrom` over `WSABUF` arrays; `WSAAccept`'s condition function |
//! | `names.rs` | `getsockname`, `getpeername`, the implicit bind |
//! | `options.rs` | `getsockopt`, `setsockopt`: defaults, round trips, lengths, errors, acting options |
//! | `multicast.rs` | IPv4 group membership and delivery |
//! | `wsa_msg.rs` | `WSASendMsg`, `SIO_GET_EXTENSION_FUNCTION_POINTER` |
//! | `conditional_accept.rs` | `SO_CONDITIONAL_ACCEPT`: the handshake waits for `WSAAccept` |
//! | `dual_stack.rs` | `IPV6_V6ONLY` FALSE: dual-stack sockets and IPv4 peers |
//! | `recv_msg.rs` | `WSARecvMsg` and its `IP_PKTINFO`/`IPV6_PKTINFO` control data |
//! | `everyday.rs` | `WSASendDisconnect`, `WSARecvDisconnect`, `WSARecvEx`, `getservbyname`, `getservbyport`, `GetAddrInfoExW`, `WSAConnectByList` |
//! | `completion.rs` | completion ports: packets, timeouts, closed handles, associations; the extension GUIDs |
//! | `transmit.rs` | `TransmitFile` and `TransmitPackets` in their memory forms |
//! | `extensions.rs` | `AcceptEx`, `GetAcceptExSockaddrs`, `ConnectEx`, `DisconnectEx` at work, completing to a port |
//! | `connect_state.rs` | `SO_CONNECT_TIME` on a pending `AcceptEx`'s socket; a second `connect` or `ConnectEx` after `ConnectEx` |
//! | `port_waits.rs` | `CancelIoEx`, `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`, the waiters a packet or a port's close wakes |
//! | `reuse.rs` | every cell of the second-bind table of `SO_REUSEADDR` and `SO_EXCLUSIVEADDRUSE` |
#![forbid(unsafe_code)]

mod blocking;
mod catalog;
mod completion;
mod conditional_accept;
mod connect_state;
mod data_path;
mod delete;
mod dual_stack;
mod duplicate;
mod everyday;
mod extensions;
mod impersonation;
mod lifecycle;
mod multicast;
mod names;
mod names_in_use;
mod options;
mod overlapped;
mod pending;
mod pending_sends;
mod port_waits;
mod query;
mod readiness;
mod receive_shutdown;
mod recv_msg;
mod resolution;
mod reuse;
mod security;
mod set;
mod tokens;
mod transmit;
mod udp_connreset;
mod wsa_data;
mod wsa_msg;

use super::session::addr;
use super::Case;
use crate::wire::{encode_sockaddr, PeerAddress, PeerTargetName, SecurityProtocol, TargetName};

/// A rule of `docs/rules.md` that no case checks through the backend trait, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncovered {
    /// The rule's id in `docs/rules.md`.
    pub rule: &'static str,
    /// Why the suite cannot check it on both backends, and what proves it instead.
    pub reason: &'static str,
}

/// The rules of `docs/rules.md` outside the suite: each needs something the backend trait
/// cannot make happen, or see, on both backends, so the emulator's own tests prove it.
pub const OUTSIDE_THE_SUITE: &[Uncovered] = &[
    Uncovered {
        rule: "W8",
        reason: "signatures are checked at compile time: the backends' function table is typed \
                 as windows-sys declares the functions and filled with both implementations \
                 (src/native/mod.rs), and tests/signatures.rs",
    },
    Uncovered {
        rule: "R21",
        reason: "freeing a list twice, or a pointer never handed out, is undefined behaviour on \
                 Windows: no scenario may do it there; the emulator's registry and strict mode \
                 are proved by tests/resolution.rs",
    },
    Uncovered {
        rule: "R26",
        reason: "freeing an ADDRINFOEXW list twice, with another kind's function, or a pointer \
                 never handed out is undefined behaviour on Windows: no scenario may do it \
                 there; the registry and strict mode are proved by tests/addrinfo_ex.rs",
    },
    Uncovered {
        rule: "R22",
        reason: "byte order is arithmetic with no Winsock state to observe; the functions are \
                 typed as windows-sys declares them (tests/signatures_resolution.rs) and proved by \
                 tests/address_text.rs",
    },
    Uncovered {
        rule: "E1",
        reason: "io::Error, errno and the io::Error conversion are the host's Rust, not a \
                 Winsock call a backend makes: tests/error_idioms.rs proves them",
    },
    Uncovered {
        rule: "RS5",
        reason: "a set larger than the limit is refused before it is read; on Windows the \
                 same call would read past the caller's memory: tests/select.rs",
    },
    Uncovered {
        rule: "RP5",
        reason: "as RS5, for WSAPoll's array: tests/wsapoll.rs",
    },
    Uncovered {
        rule: "RS11",
        reason: "needs a second thread to close a socket while select waits; the backend \
                 trait is driven from one thread: tests/select.rs",
    },
    Uncovered {
        rule: "RP8",
        reason: "as RS11, for WSAPoll: tests/wsapoll.rs",
    },
    Uncovered {
        rule: "RP4",
        reason: "needs a NULL fdarray, which the backend trait does not pass: tests/wsapoll.rs",
    },
    Uncovered {
        rule: "B3",
        reason: "the backend trait's receives take no flags; MSG_WAITALL is proven by \
                 tests/data_path.rs and tests/wsa_send_recv.rs",
    },
    Uncovered {
        rule: "B7",
        reason: "inheritance needs getsockopt of SO_RCVBUF/SO_RCVTIMEO and FIONBIO's state, \
                 which the backend trait does not read; tests/blocking_calls.rs proves it",
    },
    Uncovered {
        rule: "B10",
        reason: "how much a connection holds before a send waits differs between Windows \
                 versions and its autotuning (facts 1.4, 11), so no case can expect one \
                 outcome of both backends; tests/flow_control.rs proves the emulator's bound",
    },
    Uncovered {
        rule: "B8",
        reason: "queueing a routine to a thread blocked in recv needs a second thread's \
                 overlapped call completing on the first, which the trait cannot arrange; \
                 tests/blocking_calls.rs proves it",
    },
];

/// Every case, in report order.
pub fn cases() -> Vec<&'static Case> {
    set::CASES
        .iter()
        .chain(delete::CASES)
        .chain(lifecycle::CASES)
        .chain(security::CASES)
        .chain(query::CASES)
        .chain(impersonation::CASES)
        .chain(data_path::CASES)
        .chain(everyday::CASES)
        .chain(overlapped::CASES)
        .chain(pending::CASES)
        .chain(pending_sends::CASES)
        .chain(names_in_use::CASES)
        .chain(udp_connreset::CASES)
        .chain(wsa_data::CASES)
        .chain(resolution::CASES)
        .chain(tokens::CASES)
        .chain(catalog::CASES)
        .chain(duplicate::CASES)
        .chain(receive_shutdown::CASES)
        .chain(names::CASES)
        .chain(options::CASES)
        .chain(reuse::CASES)
        .chain(multicast::CASES)
        .chain(wsa_msg::CASES)
        .chain(recv_msg::CASES)
        .chain(dual_stack::CASES)
        .chain(conditional_accept::CASES)
        .chain(readiness::cases())
        .chain(blocking::CASES)
        .chain(completion::CASES)
        .chain(transmit::CASES)
        .chain(extensions::CASES)
        .chain(connect_state::CASES)
        .chain(port_waits::CASES)
        .collect()
}

/// A GUID's 16 bytes as it lies in memory.
pub(super) fn guid_bytes(guid: windows_sys::core::GUID) -> [u8; 16] {
    let mut raw = [0u8; 16];
    raw[..4].copy_from_slice(&guid.data1.to_le_bytes());
    raw[4..6].copy_from_slice(&guid.data2.to_le_bytes());
    raw[6..8].copy_from_slice(&guid.data3.to_le_bytes());
    raw[8..].copy_from_slice(&guid.data4);
    raw
}

/// A `SOCKET_PEER_TARGET_NAME` for an IP peer with the default protocol, laid out as the
/// structure's page gives it (length in bytes).
fn name(peer: &str, name: &str) -> Vec<u8> {
    PeerTargetName::new(addr(peer), name).to_bytes()
}

/// A `SOCKET_PEER_TARGET_NAME` with `PeerAddress` left zeroed, as Microsoft's TCP client
/// sample sends it.
fn zeroed_peer_name(name: &str) -> Vec<u8> {
    PeerTargetName {
        protocol: SecurityProtocol::Default,
        peer: PeerAddress::Unspecified,
        name: TargetName::from(name),
    }
    .to_bytes()
}

/// `bytes` with `SecurityProtocol` (offset 0) replaced by `raw`.
fn with_protocol(mut bytes: Vec<u8>, raw: i32) -> Vec<u8> {
    bytes[0..4].copy_from_slice(&raw.to_le_bytes());
    bytes
}

/// `bytes` with `PeerTargetNameStringLen` (offset 136) replaced by `len`.
fn with_string_len(mut bytes: Vec<u8>, len: u32) -> Vec<u8> {
    bytes[136..140].copy_from_slice(&len.to_le_bytes());
    bytes
}

/// `peer` as a `SOCKADDR_IN`/`SOCKADDR_IN6`, exactly as long as its form.
fn sockaddr(peer: &str) -> Vec<u8> {
    let (raw, len) = encode_sockaddr(addr(peer));
    raw[..len].to_vec()
}
