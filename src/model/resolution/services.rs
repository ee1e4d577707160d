//! Service names: the common ports of `%WINDIR%\system32\drivers\etc\services`, which
//! `getaddrinfo` reads a service name from and `getnameinfo` writes one to.
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
}
