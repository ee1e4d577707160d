//! IPv6 text: the form Windows prints (`RtlIpv6AddressToString`, which `inet_ntop`,
//! `WSAAddressToString` and `getnameinfo` use) and the forms its parsers accept.
use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Writes `addr` as Windows prints it ([`crate::choices::IPV6_TEXT_FORM`]): an address
/// whose first 64 bits are zero and whose last 32 are not ends in dotted IPv4 when it is
/// v4-compatible (`::a.b.c.d`), v4-mapped (`::ffff:a.b.c.d`) or v4-translated
/// (`::ffff:0:a.b.c.d`); otherwise eight lowercase hex groups, the longest run of two or
/// more zero groups (the first, on a tie) written `::`.
pub(crate) fn format_ipv6(addr: Ipv6Addr, out: &mut String) {
    let words = addr.segments();
    let octets = addr.octets();
    let tail = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    if words[..4] == [0, 0, 0, 0] && words[6] != 0 {
        let prefix = match (words[4], words[5]) {
            (0, 0) => Some("::"),
            (0, 0xffff) => Some("::ffff:"),
            (0xffff, 0) => Some("::ffff:0:"),
            _ => None,
        };
        if let Some(prefix) = prefix {
            let _ = write!(out, "{prefix}{tail}");
            return;
        }
    }
    let (mut best_start, mut best_len) = (8, 0);
    let mut i = 0;
    while i < 8 {
        if words[i] == 0 {
            let start = i;
            while i < 8 && words[i] == 0 {
                i += 1;
            }
            if i - start > best_len && i - start > 1 {
                (best_start, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }
    let mut i = 0;
    while i < 8 {
        if i == best_start {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if i > 0 && i != best_start + best_len {
            out.push(':');
        }
        let _ = write!(out, "{:x}", words[i]);
        i += 1;
    }
}

/// The Windows text of `addr`, as a `String`.
pub(crate) fn ipv6_text(addr: Ipv6Addr) -> String {
    let mut out = String::new();
    format_ipv6(addr, &mut out);
    out
}

/// Parses a bare IPv6 address (no brackets, scope or port): eight groups of one to four
/// hex digits, one `::` for a run of zero groups, an optional dotted IPv4 tail
/// ([`crate::choices::IPV6_TEXT_FORM`]).
pub(crate) fn parse_ipv6(text: &str) -> Option<Ipv6Addr> {
    text.parse().ok()
}

/// Parses an IPv6 address with an optional `%scope` (decimal, at most `u32::MAX`).
pub(crate) fn parse_ipv6_scoped(text: &str) -> Option<(Ipv6Addr, u32)> {
    match text.split_once('%') {
        None => Some((parse_ipv6(text)?, 0)),
        Some((addr, scope)) => {
            if scope.is_empty() || !scope.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((parse_ipv6(addr)?, scope.parse().ok()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(addr: &str) -> String {
        ipv6_text(addr.parse().unwrap())
    }

    /// The forms Wine's `test_inet_ntop` and `test_WSAAddressToString` record for Windows.
    #[test]
    fn prints_as_windows_does() {
        assert_eq!(text("::1"), "::1");
        assert_eq!(text("::"), "::");
        assert_eq!(text("20ab::1"), "20ab::1");
        assert_eq!(text("::fffe:cc98:bd74"), "::fffe:cc98:bd74");
        assert_eq!(text("2030:a4b1::"), "2030:a4b1::");
        assert_eq!(text("::cc98:bd74"), "::204.152.189.116");
        assert_eq!(text("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(text("::ffff:0:1.2.3.4"), "::ffff:0:1.2.3.4");
        assert_eq!(text("1:0:2:0:0:3:0:0"), "1:0:2::3:0:0");
        assert_eq!(text("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");
        assert_eq!(text("1:0:2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");
    }

    #[test]
    fn scoped_parsing() {
        assert_eq!(
            parse_ipv6_scoped("fe80::1%4660"),
            Some(("fe80::1".parse().unwrap(), 4660))
        );
        assert_eq!(parse_ipv6_scoped("::%"), None);
        assert_eq!(parse_ipv6_scoped("::%x"), None);
        assert_eq!(parse_ipv6_scoped("[::1]"), None);
    }
}
