//! Which sockets can be created: an emulated Winsock protocol catalogue.
//!
//! `socket` and `WSASocketW` look up the (family, type, protocol) triple in the catalogue
//! that `WSAEnumProtocols` would list on a typical Windows machine; see
//! [`crate::choices::SOCKET_CATALOG`]. Sockets of families and types the secure-socket functions
//! refuse (AF_UNIX streams, raw IP, NetBIOS sequenced packets, reliable multicast) can be
//! created, so that the documented `WSAEINVAL` rule for them is reachable.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_HYPERV, AF_INET, AF_INET6, AF_IRDA, AF_NETBIOS, AF_UNIX, AF_UNSPEC, IPPROTO_RM, IPPROTO_TCP,
    IPPROTO_UDP, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_STREAM, XP1_CONNECTIONLESS,
    XP1_EXPEDITED_DATA, XP1_GRACEFUL_CLOSE, XP1_GUARANTEED_DELIVERY, XP1_GUARANTEED_ORDER,
    XP1_IFS_HANDLES, XP1_MESSAGE_ORIENTED, XP1_SUPPORT_BROADCAST, XP1_SUPPORT_MULTIPOINT,
};

use crate::error::{Error, Result};

/// A socket's family, type and protocol, fixed at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SocketKind {
    /// `AF_*`.
    pub family: u16,
    /// `SOCK_*`.
    pub socket_type: i32,
    /// `IPPROTO_*`, resolved: a request for protocol 0 gets the type's default.
    pub protocol: i32,
}

/// One catalogue entry: a family offers a type, with a default protocol and a test for
/// which explicit protocols it accepts.
struct Offer {
    family: u16,
    socket_type: i32,
    default_protocol: i32,
    accepts: fn(i32) -> bool,
    /// What `WSAEnumProtocols` reports of the entry.
    info: Info,
}

/// The `WSAPROTOCOL_INFO` fields of an entry that its family, type and protocol do not give.
#[derive(Debug, Clone, Copy)]
struct Info {
    /// `szProtocol`.
    name: &'static str,
    /// `dwServiceFlags1`.
    service_flags: u32,
    /// `iMinSockAddr`, `iMaxSockAddr`.
    sockaddr: (i32, i32),
    /// `iProtocolMaxOffset`: how far above `iProtocol` a socket's protocol may be.
    max_offset: i32,
}

/// `dwServiceFlags1` of TCP over IP, as Windows reports it (Wine's protocol tests check
/// exactly these bits, `XP1_QOS_SUPPORTED` aside).
const TCP_FLAGS: u32 = XP1_GUARANTEED_DELIVERY
    | XP1_GUARANTEED_ORDER
    | XP1_GRACEFUL_CLOSE
    | XP1_EXPEDITED_DATA
    | XP1_IFS_HANDLES;
/// `dwServiceFlags1` of UDP over IP, likewise.
const UDP_FLAGS: u32 = XP1_CONNECTIONLESS
    | XP1_MESSAGE_ORIENTED
    | XP1_SUPPORT_BROADCAST
    | XP1_SUPPORT_MULTIPOINT
    | XP1_IFS_HANDLES;
/// Raw IP: datagrams, as UDP.
const RAW_FLAGS: u32 = UDP_FLAGS;
/// Reliable multicast: ordered, reliable messages to a group.
const RM_FLAGS: u32 = XP1_GUARANTEED_DELIVERY
    | XP1_GUARANTEED_ORDER
    | XP1_MESSAGE_ORIENTED
    | XP1_SUPPORT_MULTIPOINT
    | XP1_IFS_HANDLES;
/// Other streams: reliable, ordered bytes.
const STREAM_FLAGS: u32 =
    XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE | XP1_IFS_HANDLES;
/// Other datagrams.
const DATAGRAM_FLAGS: u32 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_IFS_HANDLES;

/// Shorthand for an entry's [`Info`].
const fn info(
    name: &'static str,
    service_flags: u32,
    sockaddr: (i32, i32),
    max_offset: i32,
) -> Info {
    Info {
        name,
        service_flags,
        sockaddr,
        max_offset,
    }
}

const V4: (i32, i32) = (16, 16);
const V6: (i32, i32) = (28, 28);

/// The catalogue, in the order `WSAEnumProtocols` would list it.
const CATALOG: &[Offer] = &[
    Offer {
        family: AF_INET,
        socket_type: SOCK_STREAM,
        default_protocol: IPPROTO_TCP,
        info: info("MSAFD Tcpip [TCP/IP]", TCP_FLAGS, V4, 0),
        accepts: is_tcp,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_DGRAM,
        default_protocol: IPPROTO_UDP,
        info: info("MSAFD Tcpip [UDP/IP]", UDP_FLAGS, V4, 0),
        accepts: is_udp,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_RAW,
        default_protocol: 0,
        info: info("MSAFD Tcpip [RAW/IP]", RAW_FLAGS, V4, 255),
        accepts: is_ip_protocol,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_RDM,
        default_protocol: IPPROTO_RM,
        info: info("MSAFD Pgm (RDM)", RM_FLAGS, V4, 0),
        accepts: is_rm,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_STREAM,
        default_protocol: IPPROTO_TCP,
        info: info("MSAFD Tcpip [TCP/IPv6]", TCP_FLAGS, V6, 0),
        accepts: is_tcp,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_DGRAM,
        default_protocol: IPPROTO_UDP,
        info: info("MSAFD Tcpip [UDP/IPv6]", UDP_FLAGS, V6, 0),
        accepts: is_udp,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_RAW,
        default_protocol: 0,
        info: info("MSAFD Tcpip [RAW/IPv6]", RAW_FLAGS, V6, 255),
        accepts: is_ip_protocol,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_RDM,
        default_protocol: IPPROTO_RM,
        info: info("MSAFD Pgm (RDM/IPv6)", RM_FLAGS, V6, 0),
        accepts: is_rm,
    },
    Offer {
        family: AF_UNIX,
        socket_type: SOCK_STREAM,
        default_protocol: 0,
        info: info("AF_UNIX", STREAM_FLAGS, (2, 110), 0),
        accepts: is_zero,
    },
    Offer {
        family: AF_IRDA,
        socket_type: SOCK_STREAM,
        default_protocol: 0,
        info: info("MSAFD Irda [IrDA]", STREAM_FLAGS, (8, 32), 0),
        accepts: is_zero,
    },
    Offer {
        family: AF_HYPERV,
        socket_type: SOCK_STREAM,
        default_protocol: 1,
        info: info("Hyper-V RAW", STREAM_FLAGS, (36, 36), 0),
        accepts: is_hyperv_raw,
    },
    Offer {
        family: AF_NETBIOS,
        socket_type: SOCK_SEQPACKET,
        default_protocol: 0,
        info: info(
            "MSAFD NetBIOS [SEQPACKET]",
            STREAM_FLAGS | XP1_MESSAGE_ORIENTED,
            (20, 20),
            0,
        ),
        accepts: is_zero,
    },
    Offer {
        family: AF_NETBIOS,
        socket_type: SOCK_DGRAM,
        default_protocol: 0,
        info: info("MSAFD NetBIOS [DATAGRAM]", DATAGRAM_FLAGS, (20, 20), 0),
        accepts: is_zero,
    },
];

fn is_tcp(protocol: i32) -> bool {
    protocol == IPPROTO_TCP
}
fn is_udp(protocol: i32) -> bool {
    protocol == IPPROTO_UDP
}
fn is_rm(protocol: i32) -> bool {
    protocol == IPPROTO_RM
}
fn is_zero(protocol: i32) -> bool {
    protocol == 0
}
fn is_ip_protocol(protocol: i32) -> bool {
    (0..=255).contains(&protocol)
}
/// `HV_PROTOCOL_RAW` is 1, the only Hyper-V socket protocol.
fn is_hyperv_raw(protocol: i32) -> bool {
    protocol == 1
}

/// Resolves a `socket(af, type, protocol)` request against the catalogue.
///
/// Errors, as `socket` documents them: an unknown family is `WSAEAFNOSUPPORT`; a type the
/// family does not offer is `WSAESOCKTNOSUPPORT`; a protocol the family offers under
/// another type is `WSAEPROTOTYPE`; any other protocol is `WSAEPROTONOSUPPORT`.
/// See [`crate::choices::SOCKET_CATALOG`].
pub fn resolve(family: i32, socket_type: i32, protocol: i32) -> Result<SocketKind> {
    let family = u16::try_from(family).map_err(|_| Error::AddressFamilyNotSupported)?;
    let offers = || CATALOG.iter().filter(move |offer| offer.family == family);
    if offers().next().is_none() {
        return Err(Error::AddressFamilyNotSupported);
    }
    let offer = offers()
        .find(|offer| offer.socket_type == socket_type)
        .ok_or(Error::SocketTypeNotSupported)?;
    if protocol == 0 {
        return Ok(SocketKind {
            family,
            socket_type,
            protocol: offer.default_protocol,
        });
    }
    if (offer.accepts)(protocol) {
        return Ok(SocketKind {
            family,
            socket_type,
            protocol,
        });
    }
    if offers().any(|other| (other.accepts)(protocol)) {
        return Err(Error::ProtocolType);
    }
    Err(Error::ProtocolNotSupported)
}

/// The first `dwCatalogEntryId`; entries are numbered from it in catalogue order, as
/// Windows numbers its base providers from 1001.
pub(crate) const FIRST_CATALOG_ENTRY_ID: u32 = 1001;

/// One catalogue entry as `WSAEnumProtocols` reports it in a `WSAPROTOCOL_INFO`
/// ([`crate::choices::PROTOCOL_INFO_FIELDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProtocolEntry {
    /// `dwCatalogEntryId`.
    pub catalog_id: u32,
    /// `iAddressFamily`.
    pub family: u16,
    /// `iSocketType`.
    pub socket_type: i32,
    /// `iProtocol`: the protocol a request for 0 gets.
    pub protocol: i32,
    /// `iProtocolMaxOffset`.
    pub max_offset: i32,
    /// `dwServiceFlags1`.
    pub service_flags: u32,
    /// `iMinSockAddr`, `iMaxSockAddr`.
    pub sockaddr: (i32, i32),
    /// `dwMessageSize`: 0 for streams, the largest datagram otherwise.
    pub message_size: u32,
    /// `szProtocol`.
    pub name: &'static str,
}

impl Offer {
    fn entry(&self, index: usize) -> ProtocolEntry {
        let message_size = if self.socket_type == SOCK_STREAM {
            0
        } else {
            crate::choices::MAX_DATAGRAM as u32
        };
        ProtocolEntry {
            catalog_id: FIRST_CATALOG_ENTRY_ID + index as u32,
            family: self.family,
            socket_type: self.socket_type,
            protocol: self.default_protocol,
            max_offset: self.info.max_offset,
            service_flags: self.info.service_flags,
            sockaddr: self.info.sockaddr,
            message_size,
            name: self.info.name,
        }
    }
}

/// The entries `WSAEnumProtocols` lists, in order: every entry when `filter` is `None`,
/// else those whose `iProtocol` is one of `filter`'s values.
pub(crate) fn entries(filter: Option<&[i32]>) -> Vec<ProtocolEntry> {
    CATALOG
        .iter()
        .enumerate()
        .map(|(index, offer)| offer.entry(index))
        .filter(|entry| filter.is_none_or(|wanted| wanted.contains(&entry.protocol)))
        .collect()
}

/// Checks a `WSASocket` request made with a `WSAPROTOCOL_INFO` naming catalogue entry
/// `catalog_id`, once `af` has taken the structure's value where it was
/// `FROM_PROTOCOL_INFO` or 0: the entry must exist (`WSAEINVAL` otherwise), and a family of
/// 0 is `WSAEAFNOSUPPORT`, as Windows answers both (sock.c `test_WSASocket`); the socket is
/// then the one `socket()` makes of the triple, whichever entry it is
/// ([`crate::choices::WSASOCKET_PROTOCOL_INFO`]).
pub(crate) fn check_entry(catalog_id: u32, family: i32) -> Result<()> {
    let known = catalog_id
        .checked_sub(FIRST_CATALOG_ENTRY_ID)
        .is_some_and(|index| (index as usize) < CATALOG.len());
    crate::rules::catalog::protocol_info_is_valid(known)?;
    if family == i32::from(AF_UNSPEC) {
        // Unlike socket(), which picks a family for AF_UNSPEC, Windows refuses a family of
        // 0 with a structure (sock.c test_WSASocket).
        return Err(Error::AddressFamilyNotSupported);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_sockets_get_their_default_protocol() {
        let kind = resolve(AF_INET.into(), SOCK_STREAM, 0).unwrap();
        assert_eq!(kind.protocol, IPPROTO_TCP);
        let kind = resolve(AF_INET6.into(), SOCK_DGRAM, IPPROTO_UDP).unwrap();
        assert_eq!(kind.protocol, IPPROTO_UDP);
    }

    #[test]
    fn every_listed_type_is_creatable_somewhere() {
        for socket_type in [SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_RDM] {
            assert!(CATALOG
                .iter()
                .any(|offer| resolve(offer.family.into(), socket_type, 0).is_ok()));
        }
        assert!(resolve(AF_UNIX.into(), SOCK_STREAM, 0).is_ok());
        assert!(resolve(AF_NETBIOS.into(), SOCK_SEQPACKET, 0).is_ok());
        assert!(resolve(AF_INET.into(), SOCK_RDM, 0).is_ok());
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        assert_eq!(
            resolve(9999, SOCK_STREAM, 0),
            Err(Error::AddressFamilyNotSupported)
        );
        assert_eq!(
            resolve(-1, SOCK_STREAM, 0),
            Err(Error::AddressFamilyNotSupported)
        );
        assert_eq!(
            resolve(0, SOCK_STREAM, 0),
            Err(Error::AddressFamilyNotSupported)
        );
        assert_eq!(
            resolve(AF_UNIX.into(), SOCK_DGRAM, 0),
            Err(Error::SocketTypeNotSupported)
        );
        assert_eq!(
            resolve(AF_INET.into(), SOCK_SEQPACKET, 0),
            Err(Error::SocketTypeNotSupported)
        );
        assert_eq!(
            resolve(AF_INET.into(), 77, 0),
            Err(Error::SocketTypeNotSupported)
        );
        assert_eq!(
            resolve(AF_INET.into(), SOCK_STREAM, IPPROTO_UDP),
            Err(Error::ProtocolType)
        );
        assert_eq!(
            resolve(AF_INET.into(), SOCK_STREAM, 4242),
            Err(Error::ProtocolNotSupported)
        );
    }

    #[test]
    fn entries_list_the_catalogue_and_filter_by_protocol() {
        let all = entries(None);
        assert_eq!(all.len(), CATALOG.len());
        assert_eq!(all[0].catalog_id, FIRST_CATALOG_ENTRY_ID);
        assert_eq!(all[0].service_flags, TCP_FLAGS);
        assert_eq!(all[1].service_flags, UDP_FLAGS);
        let some = entries(Some(&[0xdead, IPPROTO_TCP, IPPROTO_UDP]));
        assert_eq!(some.len(), 4, "TCP and UDP over IPv4 and IPv6");
        assert!(entries(Some(&[0xbeef])).is_empty());
    }

    #[test]
    fn a_structure_must_name_an_entry_and_a_family() {
        let tcp4 = entries(None)[0];
        assert_eq!(check_entry(tcp4.catalog_id, AF_INET6.into()), Ok(()));
        assert_eq!(
            check_entry(tcp4.catalog_id, 0),
            Err(Error::AddressFamilyNotSupported)
        );
        assert_eq!(check_entry(0, AF_INET.into()), Err(Error::Invalid));
        assert_eq!(check_entry(u32::MAX, AF_INET.into()), Err(Error::Invalid));
        let past = FIRST_CATALOG_ENTRY_ID + CATALOG.len() as u32;
        assert_eq!(check_entry(past, AF_INET.into()), Err(Error::Invalid));
        let last = past - 1;
        assert_eq!(check_entry(last, AF_INET.into()), Ok(()));
    }
}
