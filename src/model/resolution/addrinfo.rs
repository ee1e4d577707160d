//! `getaddrinfo`'s rules, on values: the hints, the node and the service in, the list of
//! results out. The `sys` layer reads the caller's strings and `ADDRINFO` hints and builds
//! the list; the lookup of a name goes through the network's resolver and its faults.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6};

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, AI_ADDRCONFIG, AI_ALL, AI_BYPASS_DNS_CACHE, AI_CANONNAME,
    AI_DISABLE_IDN_ENCODING, AI_DNS_ONLY, AI_EXCLUSIVE_CUSTOM_SERVERS, AI_EXTENDED, AI_FILESERVER,
    AI_FORCE_CLEAR_TEXT, AI_FQDN, AI_NON_AUTHORITATIVE, AI_NUMERICHOST, AI_NUMERICSERV, AI_PASSIVE,
    AI_REQUIRE_SECURE, AI_RESOLUTION_HANDLE, AI_RETURN_PREFERRED_NAMES, AI_RETURN_RESPONSE_FLAGS,
    AI_RETURN_TTL, AI_SECURE, AI_SECURE_WITH_FALLBACK, AI_V4MAPPED, SOCK_DGRAM,
};

use super::{services, Answer};
use crate::error::{Error, Result};
use crate::rules::resolution as rules;
use crate::wire::address_text::numeric_host;

/// Every `ai_flags` bit the SDK headers define; any other bit is `EAI_BADFLAGS`.
pub(crate) const KNOWN_FLAGS: u32 = AI_PASSIVE
    | AI_CANONNAME
    | AI_NUMERICHOST
    | AI_NUMERICSERV
    | AI_DNS_ONLY
    | AI_FORCE_CLEAR_TEXT
    | AI_BYPASS_DNS_CACHE
    | AI_RETURN_TTL
    | AI_ALL
    | AI_ADDRCONFIG
    | AI_V4MAPPED
    | AI_NON_AUTHORITATIVE
    | AI_SECURE
    | AI_RETURN_PREFERRED_NAMES
    | AI_FQDN
    | AI_FILESERVER
    | AI_DISABLE_IDN_ENCODING
    | AI_SECURE_WITH_FALLBACK
    | AI_EXCLUSIVE_CUSTOM_SERVERS
    | AI_RETURN_RESPONSE_FLAGS
    | AI_REQUIRE_SECURE
    | AI_RESOLUTION_HANDLE
    | AI_EXTENDED;

/// The `pHints` argument, read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hints {
    /// `ai_flags`.
    pub flags: u32,
    /// `ai_family`.
    pub family: i32,
    /// `ai_socktype`.
    pub socktype: i32,
    /// `ai_protocol`.
    pub protocol: i32,
    /// Whether `ai_addrlen`, `ai_canonname`, `ai_addr` or `ai_next` is not zero/NULL.
    pub tail_set: bool,
}

/// One `getaddrinfo` call's arguments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query<'a> {
    /// `pNodeName` (`None`: NULL).
    pub node: Option<&'a str>,
    /// `pServiceName` (`None`: NULL).
    pub service: Option<&'a str>,
    /// `pHints` (`None`: NULL, the same as `AF_UNSPEC` and zeros).
    pub hints: Option<Hints>,
}

/// One result: an `ADDRINFO` node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `ai_socktype`, echoed from the hints.
    pub socktype: i32,
    /// `ai_protocol`, echoed from the hints.
    pub protocol: i32,
    /// `ai_addr` (`ai_family` and `ai_addrlen` follow from it).
    pub addr: SocketAddr,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Results {
    /// The nodes, in order (never empty).
    pub entries: Vec<Entry>,
    /// The first node's `ai_canonname`, when `AI_CANONNAME` asked for it.
    pub canonical: Option<String>,
}

/// The port a service string names for `socktype` ([`crate::choices::SERVICE_NAMES`]):
/// NULL, `""` and decimal numbers up to 65535 are ports; a known name is its port; anything
/// else is `WSATYPE_NOT_FOUND`.
pub(crate) fn service_port(service: Option<&str>, socktype: i32) -> Result<u16> {
    let Some(service) = service.filter(|s| !s.is_empty()) else {
        return Ok(0);
    };
    if service.bytes().all(|b| b.is_ascii_digit()) {
        return service.parse().map_err(|_| Error::TypeNotFound);
    }
    let udp = socktype == SOCK_DGRAM;
    services::port_of(service, udp)
        .or_else(|| {
            (socktype == 0)
                .then(|| services::port_of(service, true))
                .flatten()
        })
        .ok_or(Error::TypeNotFound)
}

/// The addresses a resolved name gives for `family` ([`crate::choices::GETADDRINFO_FAMILIES`]):
/// all for `AF_UNSPEC`; for `AF_INET` the IPv4 ones; for `AF_INET6` the IPv6 ones, and with
/// `AI_V4MAPPED` the IPv4 ones as v4-mapped addresses when there are none (with `AI_ALL`,
/// always). None left is `WSANO_DATA`.
fn of_family(addrs: &[IpAddr], family: i32, flags: u32) -> Result<Vec<IpAddr>> {
    let v4 = addrs.iter().filter(|ip| ip.is_ipv4()).copied();
    let v6: Vec<IpAddr> = addrs.iter().filter(|ip| ip.is_ipv6()).copied().collect();
    let chosen: Vec<IpAddr> = match family {
        f if f == i32::from(AF_INET) => v4.collect(),
        f if f == i32::from(AF_INET6) => {
            let map = flags & AI_V4MAPPED != 0 && (v6.is_empty() || flags & AI_ALL != 0);
            let mapped = v4.filter(|_| map).map(|ip| match ip {
                IpAddr::V4(v4) => IpAddr::V6(v4.to_ipv6_mapped()),
                other => other,
            });
            v6.iter().copied().chain(mapped).collect()
        }
        _ => addrs.to_vec(),
    };
    if chosen.is_empty() {
        return Err(Error::NoData);
    }
    Ok(chosen)
}

/// `getaddrinfo`, after `WSAStartup` was checked: the checks in the order of
/// [`crate::choices::GETADDRINFO_CHECK_ORDER`], then the node (NULL: the wildcard or
/// loopback addresses; numeric: itself; else `lookup`) and the service.
pub(crate) fn resolve(
    query: Query<'_>,
    lookup: impl FnOnce(&str) -> Result<Answer>,
) -> Result<Results> {
    let hints = query.hints.unwrap_or_default();
    rules::node_or_service_given(query.node.is_some(), query.service.is_some())?;
    rules::hints_tail_is_zero(hints.tail_set)?;
    rules::flags_are_valid(hints.flags, KNOWN_FLAGS)?;
    rules::canonical_name_needs_a_node(hints.flags, query.node.is_some())?;
    rules::family_is_supported(hints.family)?;
    rules::socket_type_is_supported(hints.socktype)?;
    let port = service_port(query.service, hints.socktype)?;
    let (addrs, canonical) = match query.node {
        None => {
            let wildcard = hints.flags & AI_PASSIVE != 0;
            let addrs: Vec<IpAddr> = if wildcard {
                vec![
                    Ipv6Addr::UNSPECIFIED.into(),
                    std::net::Ipv4Addr::UNSPECIFIED.into(),
                ]
            } else {
                super::LOOPBACK.to_vec()
            };
            (
                of_family(&addrs, hints.family, 0)?
                    .into_iter()
                    .map(|ip| (ip, 0))
                    .collect(),
                None,
            )
        }
        Some(node) => match numeric_host(node) {
            Some((ip, scope)) => {
                let ips =
                    of_family(&[ip], hints.family, hints.flags).map_err(|_| Error::HostNotFound)?;
                (
                    ips.into_iter().map(|ip| (ip, scope)).collect(),
                    Some(node.to_owned()),
                )
            }
            None => {
                rules::numeric_host_is_numeric(hints.flags)?;
                let answer = lookup(node)?;
                let ips = of_family(&answer.addrs, hints.family, hints.flags)?;
                (
                    ips.into_iter().map(|ip| (ip, 0)).collect::<Vec<_>>(),
                    Some(answer.canonical),
                )
            }
        },
    };
    let entries = addrs
        .into_iter()
        .map(|(ip, scope)| Entry {
            socktype: hints.socktype,
            protocol: hints.protocol,
            addr: match ip {
                IpAddr::V6(v6) => SocketAddr::V6(SocketAddrV6::new(v6, port, 0, scope)),
                IpAddr::V4(v4) => SocketAddr::new(v4.into(), port),
            },
        })
        .collect();
    Ok(Results {
        entries,
        canonical: canonical.filter(|_| hints.flags & AI_CANONNAME != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinSock::AF_UNSPEC;

    fn query<'a>(
        node: Option<&'a str>,
        service: Option<&'a str>,
        hints: Option<Hints>,
    ) -> Result<Results> {
        resolve(
            Query {
                node,
                service,
                hints,
            },
            |name| {
                if name == "server.contoso.com" || name.is_empty() {
                    Ok(Answer {
                        canonical: name.into(),
                        addrs: vec!["192.0.2.10".parse().unwrap()],
                    })
                } else {
                    Err(Error::HostNotFound)
                }
            },
        )
    }

    fn hints(flags: u32, family: u16) -> Option<Hints> {
        Some(Hints {
            flags,
            family: family.into(),
            ..Hints::default()
        })
    }

    #[test]
    fn wine_getaddrinfo_cases() {
        assert_eq!(query(None, None, None), Err(Error::HostNotFound));
        assert!(query(Some(""), Some("0"), None).is_ok());
        assert_eq!(
            query(Some("localhost"), None, hints(AI_NUMERICHOST, AF_UNSPEC)),
            Err(Error::HostNotFound)
        );
        assert_eq!(
            query(Some("localhost"), Some("nonexistentservice"), None),
            Err(Error::TypeNotFound)
        );
        let bad_type = Some(Hints {
            socktype: 999,
            ..Hints::default()
        });
        assert_eq!(
            query(Some("localhost"), None, bad_type),
            Err(Error::SocketTypeNotSupported)
        );
        assert_eq!(
            query(Some("[beef::cafe]"), None, hints(0, AF_INET)),
            Err(Error::HostNotFound)
        );
        let port_ignored = query(Some("[beef::cafe]:10239"), None, None).unwrap();
        assert_eq!(port_ignored.entries[0].addr.port(), 0);
        assert_eq!(
            query(Some("[beef::cafe"), None, None),
            Err(Error::HostNotFound)
        );
        assert_eq!(
            query(None, Some("80"), hints(AI_CANONNAME, AF_UNSPEC)),
            Err(Error::NoRecovery)
        );
        let tail = Some(Hints {
            tail_set: true,
            ..Hints::default()
        });
        assert_eq!(query(Some("localhost"), None, tail), Err(Error::NoRecovery));
        assert_eq!(
            query(Some("localhost"), None, hints(0, 99)),
            Err(Error::AddressFamilyNotSupported)
        );
        assert_eq!(
            query(
                Some("localhost"),
                None,
                hints(AI_FQDN | AI_CANONNAME, AF_UNSPEC)
            ),
            Err(Error::Invalid)
        );
    }

    #[test]
    fn names_families_and_services() {
        let found = query(
            Some("server.contoso.com"),
            Some("http"),
            hints(AI_CANONNAME, AF_UNSPEC),
        )
        .unwrap();
        assert_eq!(found.entries[0].addr, "192.0.2.10:80".parse().unwrap());
        assert_eq!(found.canonical.as_deref(), Some("server.contoso.com"));
        assert_eq!(
            query(Some("server.contoso.com"), None, hints(0, AF_INET6)),
            Err(Error::NoData)
        );
        let mapped = query(
            Some("server.contoso.com"),
            None,
            hints(AI_V4MAPPED, AF_INET6),
        )
        .unwrap();
        assert_eq!(
            mapped.entries[0].addr,
            "[::ffff:192.0.2.10]:0".parse().unwrap()
        );
        let passive = query(None, Some("27015"), hints(AI_PASSIVE, AF_INET)).unwrap();
        assert_eq!(passive.entries[0].addr, "0.0.0.0:27015".parse().unwrap());
        let loopback = query(None, Some("27015"), hints(0, AF_INET)).unwrap();
        assert_eq!(loopback.entries[0].addr, "127.0.0.1:27015".parse().unwrap());
        assert_eq!(service_port(Some("65536"), 0), Err(Error::TypeNotFound));
    }
}
