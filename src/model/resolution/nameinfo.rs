//! `getnameinfo`'s rules, on values: a socket address and the flags in, the host and
//! service text out.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    NI_DGRAM, NI_NAMEREQD, NI_NOFQDN, NI_NUMERICHOST, NI_NUMERICSERV,
};

use super::services;
use crate::error::{Error, Result};
use crate::wire::address_text::ip_text;

/// Every `NI_*` flag; any other bit is `WSAEINVAL` ([`crate::choices::GETNAMEINFO_TEXT`]).
pub(crate) const KNOWN_FLAGS: u32 =
    NI_NOFQDN | NI_NUMERICHOST | NI_NAMEREQD | NI_NUMERICSERV | NI_DGRAM;

/// The host text for `addr` ([`crate::choices::GETNAMEINFO_TEXT`]): the numeric address
/// with `NI_NUMERICHOST`; else the name `name_of` finds (only its first label with
/// `NI_NOFQDN`); else, unless `NI_NAMEREQD` (then `WSAHOST_NOT_FOUND`), the numeric address.
/// A numeric IPv6 address carries its `%scope`.
pub(crate) fn host_text(
    addr: SocketAddr,
    flags: u32,
    name_of: impl FnOnce() -> Option<String>,
) -> Result<String> {
    let numeric = || match addr {
        SocketAddr::V6(v6) if v6.scope_id() != 0 => {
            format!("{}%{}", ip_text(addr.ip()), v6.scope_id())
        }
        _ => ip_text(addr.ip()),
    };
    if flags & NI_NUMERICHOST != 0 {
        return Ok(numeric());
    }
    match name_of() {
        Some(name) if flags & NI_NOFQDN != 0 => {
            Ok(name.split('.').next().unwrap_or_default().to_owned())
        }
        Some(name) => Ok(name),
        None if flags & NI_NAMEREQD != 0 => Err(Error::HostNotFound),
        None => Ok(numeric()),
    }
}

/// The service text for `addr`'s port: the number with `NI_NUMERICSERV` or when no common
/// service has that port (as Vista and later answer), else the service's name, UDP's with
/// `NI_DGRAM`.
pub(crate) fn service_text(addr: SocketAddr, flags: u32) -> String {
    let port = addr.port();
    if flags & NI_NUMERICSERV != 0 {
        return port.to_string();
    }
    services::name_of(port, flags & NI_DGRAM != 0).map_or_else(|| port.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_services() {
        let addr: SocketAddr = "192.0.2.10:80".parse().unwrap();
        let named = || Some("server.contoso.com".to_owned());
        assert_eq!(host_text(addr, 0, named).unwrap(), "server.contoso.com");
        assert_eq!(host_text(addr, NI_NOFQDN, named).unwrap(), "server");
        assert_eq!(
            host_text(addr, NI_NUMERICHOST, named).unwrap(),
            "192.0.2.10"
        );
        assert_eq!(host_text(addr, 0, || None).unwrap(), "192.0.2.10");
        assert_eq!(
            host_text(addr, NI_NAMEREQD, || None),
            Err(Error::HostNotFound)
        );
        let scoped: SocketAddr = "[fe80::1%4]:0".parse().unwrap();
        assert_eq!(
            host_text(scoped, NI_NUMERICHOST, || None).unwrap(),
            "fe80::1%4"
        );
        assert_eq!(service_text(addr, 0), "http");
        assert_eq!(service_text(addr, NI_NUMERICSERV), "80");
        assert_eq!(service_text("0.0.0.0:27015".parse().unwrap(), 0), "27015");
        assert_eq!(
            service_text("0.0.0.0:500".parse().unwrap(), NI_DGRAM),
            "isakmp"
        );
    }
}
