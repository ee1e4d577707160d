//! The values the name-resolution methods of [`Backend`](super::Backend) take and give.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

/// The `pHints` of a `getaddrinfo` call, as a scenario writes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddrInfoHints {
    /// `ai_flags`.
    pub flags: u32,
    /// `ai_family`.
    pub family: i32,
    /// `ai_socktype`.
    pub socktype: i32,
    /// `ai_protocol`.
    pub protocol: i32,
    /// `ai_addrlen`, which the page says must be 0.
    pub addrlen: usize,
}

/// What a successful `getaddrinfo` gave: each node's address, and the first node's
/// `ai_canonname`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfoList {
    /// `ai_addr` of each node, in order.
    pub addrs: Vec<SocketAddr>,
    /// The first node's `ai_canonname` (`None`: NULL).
    pub canonical: Option<String>,
}

/// What `inet_pton` gave: its return value, the 16-byte buffer after the call (filled with
/// `0xAB` before it, so unwritten bytes show), and the last error after it (set to 0
/// before the call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// The return value: 1, 0 or -1.
    pub rc: i32,
    /// The output buffer after the call.
    pub bytes: [u8; 16],
    /// `WSAGetLastError()` after the call.
    pub last_error: i32,
}
