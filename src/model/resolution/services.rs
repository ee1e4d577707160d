//! Service names: the common ports of `%WINDIR%\system32\drivers\etc\services`, which
//! `getaddrinfo` reads a service name from, `getnameinfo` writes one to, and
//! `getservbyname`/`getservbyport` answer from ([`ServiceEntry`]).
#![forbid(unsafe_code)]

/// Which transport a service entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Both TCP and UDP.
    Both,
    /// TCP only.
    Tcp,
    /// UDP only.
    Udp,
}

/// The services the emulator knows ([`crate::choices::SERVICE_NAMES`]): name, port,
/// transport. The first name listed for a port is the one `getnameinfo` writes.
pub(crate) const SERVICES: &[(&str, u16, Transport)] = &[
    ("echo", 7, Transport::Both),
    ("ftp-data", 20, Transport::Tcp),
    ("ftp", 21, Transport::Tcp),
    ("ssh", 22, Transport::Tcp),
    ("telnet", 23, Transport::Tcp),
    ("smtp", 25, Transport::Tcp),
    ("domain", 53, Transport::Both),
    ("bootps", 67, Transport::Udp),
    ("bootpc", 68, Transport::Udp),
    ("tftp", 69, Transport::Udp),
    ("http", 80, Transport::Tcp),
    ("www", 80, Transport::Tcp),
    ("www-http", 80, Transport::Tcp),
    ("kerberos", 88, Transport::Both),
    ("pop3", 110, Transport::Tcp),
    ("ntp", 123, Transport::Udp),
    ("epmap", 135, Transport::Both),
    ("netbios-ns", 137, Transport::Both),
    ("netbios-dgm", 138, Transport::Udp),
    ("netbios-ssn", 139, Transport::Tcp),
    ("imap", 143, Transport::Tcp),
    ("snmp", 161, Transport::Udp),
    ("ldap", 389, Transport::Tcp),
    ("https", 443, Transport::Both),
    ("microsoft-ds", 445, Transport::Both),
    ("isakmp", 500, Transport::Udp),
    ("syslog", 514, Transport::Udp),
    ("ldaps", 636, Transport::Tcp),
    ("imaps", 993, Transport::Tcp),
    ("pop3s", 995, Transport::Tcp),
    ("ms-sql-s", 1433, Transport::Tcp),
    ("ipsec-msft", 4500, Transport::Udp),
];

fn carries(transport: Transport, udp: bool) -> bool {
    match transport {
        Transport::Both => true,
        Transport::Tcp => !udp,
        Transport::Udp => udp,
    }
}

/// The port of the service `name` (ASCII case ignored) for `udp` or TCP.
pub(crate) fn port_of(name: &str, udp: bool) -> Option<u16> {
    SERVICES
        .iter()
        .find(|(service, _, transport)| {
            service.eq_ignore_ascii_case(name) && carries(*transport, udp)
        })
        .map(|&(_, port, _)| port)
}

/// The name of the service at `port` for `udp` or TCP.
pub(crate) fn name_of(port: u16, udp: bool) -> Option<&'static str> {
    SERVICES
        .iter()
        .find(|&&(_, p, transport)| p == port && carries(transport, udp))
        .map(|&(name, _, _)| name)
}

/// The longest service name the table holds, in bytes: a longer name cannot match.
pub(crate) const LONGEST_SERVICE: usize = 12;

/// One answer of `getservbyname`/`getservbyport`: a port's entry for one transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceEntry {
    /// The port's first name for the transport (`s_name`).
    pub(crate) name: &'static str,
    /// The port's other names for the transport, in table order (`s_aliases`).
    pub(crate) aliases: Vec<&'static str>,
    /// The port, in host order (`s_port` holds it in network order).
    pub(crate) port: u16,
    /// `"tcp"` or `"udp"` (`s_proto`).
    pub(crate) proto: &'static str,
}

/// Which transports a `proto` argument asks for: `None` for a protocol the table has no
/// entry for. A NULL `proto` asks for either, TCP first, as the services file lists a
/// port's `tcp` line before its `udp` line.
fn transports(proto: Option<&[u8]>) -> Option<&'static [bool]> {
    match proto {
        None => Some(&[false, true]),
        Some(p) if p.eq_ignore_ascii_case(b"tcp") => Some(&[false]),
        Some(p) if p.eq_ignore_ascii_case(b"udp") => Some(&[true]),
        Some(_) => None,
    }
}

/// The entry of `port` for the transport `udp` (or TCP), if the table has one.
fn entry(port: u16, udp: bool) -> Option<ServiceEntry> {
    let mut names = SERVICES
        .iter()
        .filter(|&&(_, p, transport)| p == port && carries(transport, udp))
        .map(|&(name, _, _)| name);
    let name = names.next()?;
    Some(ServiceEntry {
        name,
        aliases: names.collect(),
        port,
        proto: if udp { "udp" } else { "tcp" },
    })
}

/// `getservbyname`: the entry whose name or alias is `name` (ASCII case ignored), for
/// `proto` (`"tcp"`, `"udp"`, any case; NULL: the first transport that has it)
/// ([`crate::choices::SERVICE_DATABASE`]).
pub(crate) fn service_by_name(name: &[u8], proto: Option<&[u8]>) -> Option<ServiceEntry> {
    let name = std::str::from_utf8(name).ok()?;
    transports(proto)?
        .iter()
        .find_map(|&udp| entry(port_of(name, udp)?, udp))
}

/// `getservbyport`: the entry of `port` (host order) for `proto`, as [`service_by_name`].
pub(crate) fn service_by_port(port: u16, proto: Option<&[u8]>) -> Option<ServiceEntry> {
    transports(proto)?.iter().find_map(|&udp| entry(port, udp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_ports_both_ways() {
        assert_eq!(port_of("HTTP", false), Some(80));
        assert_eq!(port_of("http", true), None);
        assert_eq!(port_of("domain", true), Some(53));
        assert_eq!(name_of(80, false), Some("http"));
        assert_eq!(name_of(500, true), Some("isakmp"));
        assert_eq!(name_of(27015, false), None);
    }

    #[test]
    fn entries_hold_the_first_name_and_the_aliases() {
        let www = service_by_name(b"WWW", Some(b"TCP")).unwrap();
        assert_eq!(
            (www.name, www.aliases, www.port, www.proto),
            ("http", vec!["www", "www-http"], 80, "tcp")
        );
        assert_eq!(service_by_name(b"http", Some(b"udp")), None);
        assert_eq!(service_by_name(b"tftp", None).unwrap().proto, "udp");
        assert_eq!(service_by_name(b"domain", None).unwrap().proto, "tcp");
        assert_eq!(service_by_port(53, Some(b"udp")).unwrap().name, "domain");
        assert_eq!(service_by_port(80, Some(b"icmp")), None);
        assert_eq!(service_by_name(b"\xff", None), None);
        let longest = SERVICES.iter().map(|s| s.0.len()).max().unwrap();
        assert_eq!(longest, LONGEST_SERVICE);
    }
}
