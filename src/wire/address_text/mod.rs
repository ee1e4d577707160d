//! Address text: what `inet_pton`, `inet_addr`, `WSAStringToAddress` and `getaddrinfo` read,
//! and what `inet_ntop`, `inet_ntoa`, `WSAAddressToString` and `getnameinfo` write.
//!
//! Pure functions on `&[u8]`/`&str` (the `sys` layer has already turned the caller's
//! NUL-terminated string into a slice), each following what Wine's `protocol.c` records
//! Windows doing where the pages are silent.
#![forbid(unsafe_code)]

mod ipv4;
mod ipv6;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};

pub(crate) use ipv4::{inet_addr, parse_strict_prefix as parse_ipv4_strict_prefix};
pub(crate) use ipv6::{ipv6_text, parse_ipv6, parse_ipv6_scoped};

/// An IP address as Windows prints it: dotted decimal, or [`ipv6_text`].
pub(crate) fn ip_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => ipv6_text(v6),
    }
}

/// `WSAAddressToString`'s form of a socket address: the address, `%scope` when an IPv6
/// scope id is set, and `:port` when the port is not zero (an IPv6 address then in
/// brackets): "0.0.0.0:65535", "[20ab::2001%4660]:33274", "20ab::2001%4660". The flow
/// label is not shown.
pub(crate) fn socket_addr_text(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) if v4.port() == 0 => v4.ip().to_string(),
        SocketAddr::V4(v4) => format!("{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => {
            let mut host = ipv6_text(*v6.ip());
            if v6.scope_id() != 0 {
                host = format!("{host}%{}", v6.scope_id());
            }
            if v6.port() == 0 {
                host
            } else {
                format!("[{host}]:{}", v6.port())
            }
        }
    }
}

/// A port as `WSAStringToAddress` reads it after `:`: an `inet_aton` number (decimal, hex
/// or octal) from 1 to 65535 that ends the string.
fn port(text: &[u8]) -> Option<u16> {
    let prefix = ipv4::parse_aton_prefix(text)?;
    // One number, the whole text: a dotted "port" is not a port.
    if prefix.consumed != text.len() || text.contains(&b'.') {
        return None;
    }
    u16::try_from(u32::from(prefix.addr))
        .ok()
        .filter(|&p| p != 0)
}

/// `WSAStringToAddress`'s grammar for `family`: for `AF_INET` an `inet_aton` address with an
/// optional `:port`; for `AF_INET6` an address with an optional `%scope`, in brackets when
/// followed by `:port`. No whitespace anywhere. `None`: `WSAEINVAL`.
pub(crate) fn parse_socket_addr(text: &[u8], family: u16) -> Option<SocketAddr> {
    match family {
        AF_INET => {
            let prefix = ipv4::parse_aton_prefix(text)?;
            let port = match &text[prefix.consumed..] {
                [] => 0,
                [b':', rest @ ..] => port(rest)?,
                _ => return None,
            };
            Some(SocketAddr::V4(SocketAddrV4::new(prefix.addr, port)))
        }
        AF_INET6 => {
            let text = std::str::from_utf8(text).ok()?;
            let (host, port) = match text.strip_prefix('[') {
                Some(rest) => {
                    let (host, after) = rest.split_once(']')?;
                    let port = match after.as_bytes() {
                        [] => 0,
                        [b':', rest @ ..] => port(rest)?,
                        _ => return None,
                    };
                    (host, port)
                }
                None => (text, 0),
            };
            let (ip, scope) = parse_ipv6_scoped(host)?;
            Some(SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope)))
        }
        _ => None,
    }
}

/// A node name that is a numeric address for `getaddrinfo`
/// ([`crate::choices::GETADDRINFO_NUMERIC_HOSTS`]): strict dotted-decimal IPv4 (the whole
/// string), or IPv6 with an optional `%scope`, optionally in brackets, which may be
/// followed by `:port` (the port is ignored). `None`: the node is a name.
pub(crate) fn numeric_host(text: &str) -> Option<(IpAddr, u32)> {
    let bytes = text.as_bytes();
    if let Some(prefix) = ipv4::parse_strict_prefix(bytes) {
        return (prefix.consumed == bytes.len()).then_some((IpAddr::V4(prefix.addr), 0));
    }
    let host = match text.strip_prefix('[') {
        Some(rest) => {
            let (host, after) = rest.split_once(']')?;
            match after.strip_prefix(':') {
                Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {}
                None if after.is_empty() => {}
                _ => return None,
            }
            host
        }
        None => text,
    };
    let (ip, scope) = parse_ipv6_scoped(host)?;
    Some((IpAddr::V6(ip), scope))
}

/// `inet_pton`'s answer for `family`: the address bytes when the whole text is one address,
/// or, for an IPv4 text whose address is followed by something else, `Err(Some(bytes))`:
/// Windows writes those bytes and still returns 0 (Wine's `test_inet_pton`,
/// "127.127.127.255:123"). `Err(None)`: nothing is written.
pub(crate) fn pton(family: u16, text: &[u8]) -> Result<Vec<u8>, Option<[u8; 4]>> {
    match family {
        AF_INET => match parse_ipv4_strict_prefix(text) {
            Some(prefix) if prefix.consumed == text.len() => Ok(prefix.addr.octets().to_vec()),
            Some(prefix) => Err(Some(prefix.addr.octets())),
            None => Err(None),
        },
        _ => {
            let text = std::str::from_utf8(text).map_err(|_| None)?;
            parse_ipv6(text).map(|ip| ip.octets().to_vec()).ok_or(None)
        }
    }
}

/// The text `inet_ntop` writes for the address bytes of `family` (4 or 16 of them).
pub(crate) fn ntop(family: u16, bytes: &[u8]) -> String {
    match (family, bytes.len()) {
        (AF_INET, 4) => Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        _ => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&bytes[..16]);
            ipv6_text(Ipv6Addr::from(octets))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> Option<String> {
        parse_socket_addr(text.as_bytes(), AF_INET).map(|a| a.to_string())
    }

    fn v6(text: &str) -> Option<String> {
        parse_socket_addr(text.as_bytes(), AF_INET6).map(|a| a.to_string())
    }

    /// Wine's `test_WSAStringToAddress` cases.
    #[test]
    fn string_to_address_as_windows() {
        assert_eq!(v4("0.0.0.0").as_deref(), Some("0.0.0.0:0"));
        assert_eq!(v4("1").as_deref(), Some("0.0.0.1:0"));
        assert_eq!(v4("1.2").as_deref(), Some("1.0.0.2:0"));
        assert_eq!(v4("1.2.3").as_deref(), Some("1.2.0.3:0"));
        assert_eq!(v4("0x7f.1:0x10").as_deref(), Some("127.0.0.1:16"));
        assert_eq!(v4("127.0.0.1:010").as_deref(), Some("127.0.0.1:8"));
        assert_eq!(v4("127.0.0.1:65535").as_deref(), Some("127.0.0.1:65535"));
        for bad in [
            "127.0.0.1:0",
            "127.0.0.1:65536",
            "127.0.0.1:",
            " 1.2.3.4",
            "1.2.3.4 ",
        ] {
            assert_eq!(v4(bad), None, "{bad:?}");
        }
        assert_eq!(v6("::1").as_deref(), Some("[::1]:0"));
        assert_eq!(v6("[::1]").as_deref(), Some("[::1]:0"));
        assert_eq!(v6("[::1]:65535").as_deref(), Some("[::1]:65535"));
        assert_eq!(v6("2001::1").as_deref(), Some("[2001::1]:0"));
        assert_eq!(v6("::1]:65535"), None);
        assert_eq!(v6("[fe80::1%4]:80").as_deref(), Some("[fe80::1%4]:80"));
    }

    /// Wine's `test_WSAAddressToString` outputs.
    #[test]
    fn address_to_string_as_windows() {
        let text = |s: &str| socket_addr_text(s.parse().unwrap());
        assert_eq!(text("0.0.0.0:0"), "0.0.0.0");
        assert_eq!(text("0.0.0.0:65535"), "0.0.0.0:65535");
        assert_eq!(text("[::1]:0"), "::1");
        assert_eq!(text("[20ab::2001]:33274"), "[20ab::2001]:33274");
        assert_eq!(text("[20ab::2001%4660]:33274"), "[20ab::2001%4660]:33274");
        assert_eq!(text("[20ab::2001%4660]:0"), "20ab::2001%4660");
    }

    /// Wine's `test_getaddrinfo` numeric hosts.
    #[test]
    fn numeric_hosts_as_getaddrinfo_reads_them() {
        assert!(numeric_host("192.168.1.253").is_some());
        assert!(numeric_host("192.168.1.253:1024").is_none());
        assert!(numeric_host("[beef::cafe]").is_some());
        assert!(numeric_host("[beef::cafe]:10239").is_some());
        assert!(numeric_host("[beef::cafe").is_none());
        assert!(numeric_host("beef::cafe]").is_none());
        assert!(numeric_host("localhost").is_none());
        assert!(numeric_host("127.1").is_none());
    }
}
