//! Which sockets can be created: an emulated Winsock protocol catalogue.
//!
//! `socket` and `WSASocketW` look up the (family, type, protocol) triple in the catalogue
//! that `WSAEnumProtocols` would list on a typical Windows machine; see
//! [`crate::choices::SOCKET_CATALOG`]. Sockets of families and types the secure-socket functions
//! refuse (AF_UNIX streams, raw IP, NetBIOS sequenced packets, reliable multicast) can be
//! created, so that the documented `WSAEINVAL` rule for them is reachable.
#![forbid(unsafe_code)]

use windows_sys::Win32::Networking::WinSock::{
    AF_HYPERV, AF_INET, AF_INET6, AF_IRDA, AF_NETBIOS, AF_UNIX, IPPROTO_RM, IPPROTO_TCP,
    IPPROTO_UDP, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_STREAM,
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
}

/// The catalogue, in the order `WSAEnumProtocols` would list it.
const CATALOG: &[Offer] = &[
    Offer {
        family: AF_INET,
        socket_type: SOCK_STREAM,
        default_protocol: IPPROTO_TCP,
        accepts: is_tcp,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_DGRAM,
        default_protocol: IPPROTO_UDP,
        accepts: is_udp,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_RAW,
        default_protocol: 0,
        accepts: is_ip_protocol,
    },
    Offer {
        family: AF_INET,
        socket_type: SOCK_RDM,
        default_protocol: IPPROTO_RM,
        accepts: is_rm,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_STREAM,
        default_protocol: IPPROTO_TCP,
        accepts: is_tcp,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_DGRAM,
        default_protocol: IPPROTO_UDP,
        accepts: is_udp,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_RAW,
        default_protocol: 0,
        accepts: is_ip_protocol,
    },
    Offer {
        family: AF_INET6,
        socket_type: SOCK_RDM,
        default_protocol: IPPROTO_RM,
        accepts: is_rm,
    },
    Offer {
        family: AF_UNIX,
        socket_type: SOCK_STREAM,
        default_protocol: 0,
        accepts: is_zero,
    },
    Offer {
        family: AF_IRDA,
        socket_type: SOCK_STREAM,
        default_protocol: 0,
        accepts: is_zero,
    },
    Offer {
        family: AF_HYPERV,
        socket_type: SOCK_STREAM,
        default_protocol: 1,
        accepts: is_hyperv_raw,
    },
    Offer {
        family: AF_NETBIOS,
        socket_type: SOCK_SEQPACKET,
        default_protocol: 0,
        accepts: is_zero,
    },
    Offer {
        family: AF_NETBIOS,
        socket_type: SOCK_DGRAM,
        default_protocol: 0,
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
}
