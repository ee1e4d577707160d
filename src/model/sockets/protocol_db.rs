//! The protocol database `getprotobyname` and `getprotobynumber` answer from: the entries
//! of Windows' `%SystemRoot%\System32\drivers\etc\protocol` file, as Wine's conformance
//! tests (`dlls/ws2_32/tests/protocol.c`) record them on Windows: official name, alias
//! ([`crate::choices::PROTOCOL_DATABASE`]).
#![forbid(unsafe_code)]

/// One protocol: `p_proto`, `p_name`, and its one alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProtocolRecord {
    /// `p_proto`.
    pub number: i16,
    /// `p_name`.
    pub name: &'static str,
    /// `p_aliases[0]`.
    pub alias: &'static str,
}

/// Shorthand for one record.
const fn record(number: i16, name: &'static str, alias: &'static str) -> ProtocolRecord {
    ProtocolRecord {
        number,
        name,
        alias,
    }
}

/// Every protocol the database knows, in the file's order.
const PROTOCOLS: &[ProtocolRecord] = &[
    record(0, "ip", "IP"),
    record(1, "icmp", "ICMP"),
    record(3, "ggp", "GGP"),
    record(6, "tcp", "TCP"),
    record(8, "egp", "EGP"),
    record(12, "pup", "PUP"),
    record(17, "udp", "UDP"),
    record(20, "hmp", "HMP"),
    record(22, "xns-idp", "XNS-IDP"),
    record(27, "rdp", "RDP"),
    record(41, "ipv6", "IPv6"),
    record(43, "ipv6-route", "IPv6-Route"),
    record(44, "ipv6-frag", "IPv6-Frag"),
    record(50, "esp", "ESP"),
    record(51, "ah", "AH"),
    record(58, "ipv6-icmp", "IPv6-ICMP"),
    record(59, "ipv6-nonxt", "IPv6-NoNxt"),
    record(60, "ipv6-opts", "IPv6-Opts"),
    record(66, "rvd", "RVD"),
];

/// The longest name or alias, in bytes: a longer name cannot match, so no more of it
/// need be read.
pub(crate) const LONGEST_NAME: usize = 10;

/// The protocol whose name or alias is `name`, ASCII case ignored.
pub(crate) fn by_name(name: &[u8]) -> Option<ProtocolRecord> {
    PROTOCOLS.iter().copied().find(|record| {
        record.name.as_bytes().eq_ignore_ascii_case(name)
            || record.alias.as_bytes().eq_ignore_ascii_case(name)
    })
}

/// The protocol numbered `number`.
pub(crate) fn by_number(number: i32) -> Option<ProtocolRecord> {
    PROTOCOLS
        .iter()
        .copied()
        .find(|record| i32::from(record.number) == number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_numbers_find_their_record() {
        assert_eq!(by_name(b"tcp").map(|r| r.number), Some(6));
        assert_eq!(by_name(b"UDP").map(|r| r.number), Some(17));
        assert_eq!(by_name(b"IPV6-ICMP").map(|r| r.number), Some(58));
        assert_eq!(by_name(b"tcp6"), None);
        assert_eq!(by_name(b""), None);
        assert_eq!(by_number(66).map(|r| r.name), Some("rvd"));
        assert_eq!(by_number(2), None);
        assert_eq!(by_number(-1), None);
        assert_eq!(by_number(65_536), None, "not truncated to an i16");
    }

    #[test]
    fn longest_name_is_the_longest() {
        let longest = PROTOCOLS
            .iter()
            .flat_map(|r| [r.name.len(), r.alias.len()])
            .max();
        assert_eq!(longest, Some(LONGEST_NAME));
    }
}
