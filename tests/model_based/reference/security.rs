//! The reference's security calls, written from `src/rules/security.rs` and the
//! `security-*`, `query-*`, `impersonate-*`, `secure-negotiation` and
//! `accepted-inherit-security` choices: `WSASetSocketSecurity` (with its own decoding of
//! the two settings forms from the documented offsets), `WSAQuerySocketSecurity`,
//! `WSAImpersonateSocketPeer`, `WSARevertImpersonation`, and what a connect or a first
//! datagram negotiates. A datagram socket answers for the peers it exchanged datagrams with
//! (`reference/data.rs`), and with WSAECONNRESET for one whose last datagram found nobody
//! (`udp-port-unreachable`).

use std::net::IpAddr;

use winsock_emu::sys::{
    SOCKET, SOCKET_SETTINGS_ALLOW_INSECURE, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION, SOCK_DGRAM, SOCK_STREAM,
    WSAEAFNOSUPPORT, WSAECONNRESET, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEMSGSIZE, WSAENOTCONN,
    WSAEOPNOTSUPP, WSAETIMEDOUT,
};
use winsock_emu::{IpsecSettings, SecurityProtocol, SecuritySettings, TargetName};

use super::data::key;
use super::{peer_of, Outcome, Peer, Reference, St};
use crate::ops::AddrSpec;

/// The secured link a connection negotiated, as one end sees it: whether it is
/// encrypted, and the principal the other end authenticated as.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub encrypted: bool,
    pub peer: Vec<u16>,
}

/// What a successful query answers: `SecurityProtocol` and `Flags`.
/// A query's answer: `SecurityProtocol`, `Flags`, the bytes written (24, or 64 for the
/// IPsec2 form), and whether token handles are due (a mask on a secured link).
pub type QueryAnswer = (i32, u32, u32, bool);

const SECURED: u32 = 0x1;
const ENCRYPTED: u32 = 0x2;
const IMPERSONATED: u32 = 0x4;
const KNOWN_FLAGS: u32 = 0x3;
const KNOWN_IPSEC_FLAGS: u32 = 0xF;
const TEMPLATE_LEN: u32 = 144;
const INFO_LEN: u32 = 24;
const INFO_IPSEC2_LEN: u32 = 64;

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn protocol(raw: i32) -> Result<SecurityProtocol, i32> {
    match raw {
        0 => Ok(SecurityProtocol::Default),
        1 => Ok(SecurityProtocol::Ipsec),
        2 => Ok(SecurityProtocol::Ipsec2),
        _ => Err(WSAEINVAL),
    }
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect()
}

/// `SOCKET_SECURITY_SETTINGS` (8 bytes) or, from 88 declared bytes on,
/// `SOCKET_SECURITY_SETTINGS_IPSEC` (strings from offset 84), in the documented check order
/// (`security-settings-form`, `unknown-security-flags`).
fn decode_settings(declared: u32, bytes: &[u8]) -> Result<SecuritySettings, i32> {
    if declared < 8 {
        return Err(WSAEMSGSIZE);
    }
    let protocol = protocol(u32_at(bytes, 0) as i32)?;
    let flags = u32_at(bytes, 4);
    if flags & !KNOWN_FLAGS != 0 {
        return Err(WSAEINVAL);
    }
    if declared < 88 {
        return Ok(SecuritySettings {
            protocol,
            flags,
            ipsec: None,
        });
    }
    if protocol == SecurityProtocol::Default {
        return Err(WSAEINVAL);
    }
    let ipsec_flags = u32_at(bytes, 8);
    if ipsec_flags & !KNOWN_IPSEC_FLAGS != 0 {
        return Err(WSAEINVAL);
    }
    let lens = [u32_at(bytes, 72), u32_at(bytes, 76), u32_at(bytes, 80)];
    if lens.iter().any(|&len| len % 2 == 1 || len > 65_534) {
        return Err(WSAEINVAL);
    }
    if u64::from(declared) < 84 + lens.iter().map(|&l| u64::from(l)).sum::<u64>() {
        return Err(WSAEMSGSIZE);
    }
    let user_end = 84 + lens[0] as usize;
    let domain_end = user_end + lens[1] as usize;
    Ok(SecuritySettings {
        protocol,
        flags,
        ipsec: Some(IpsecSettings {
            ipsec_flags,
            mm_policy_key: bytes[12..28].try_into().unwrap(),
            qm_policy_key: bytes[28..44].try_into().unwrap(),
            user_name: TargetName::from_units(&units(&bytes[84..user_end])),
            domain_name: TargetName::from_units(&units(&bytes[user_end..domain_end])),
            password_given: lens[2] != 0,
        }),
    })
}

/// `host/<address>`: every emulated host's principal (`default-principals`).
pub fn host_principal(ip: IpAddr) -> Vec<u16> {
    format!("host/{ip}").encode_utf16().collect()
}

fn same_principal(a: &[u16], b: &[u16]) -> bool {
    let lower = |u: u16| {
        if (0x41..=0x5a).contains(&u) {
            u + 0x20
        } else {
            u
        }
    };
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| lower(x) == lower(y))
}

/// `secure-negotiation`: `Ok(None)` for a plain connection, `Ok(Some((client's view,
/// server's view)))` for a secured one, or the connect's error.
pub fn negotiate(
    client: Option<&SecuritySettings>,
    name: Option<&[u16]>,
    client_principal: Vec<u16>,
    server: Option<&SecuritySettings>,
    server_principal: Vec<u16>,
) -> Result<Option<(Link, Link)>, i32> {
    if client.is_none() && server.is_none() {
        return Ok(None);
    }
    let name_ok = name.is_none_or(|name| same_principal(name, &server_principal));
    let optional = client.and_then(|s| s.ipsec.as_ref()).is_some_and(|ipsec| {
        ipsec.ipsec_flags & SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION != 0
    });
    let ends = [client, server];
    if name_ok || optional {
        let encrypted = ends
            .iter()
            .flatten()
            .any(|s| s.flags & SOCKET_SETTINGS_GUARANTEE_ENCRYPTION != 0);
        return Ok(Some((
            Link {
                encrypted,
                peer: server_principal,
            },
            Link {
                encrypted,
                peer: client_principal,
            },
        )));
    }
    if ends
        .iter()
        .flatten()
        .all(|s| s.flags & SOCKET_SETTINGS_ALLOW_INSECURE != 0)
    {
        return Ok(None);
    }
    Err(WSAETIMEDOUT)
}

impl Reference {
    /// `WSASetSocketSecurity` (and `SIO_SET_SECURITY`): `None` is a NULL pointer (the
    /// defaults), else the declared length and the buffer.
    pub fn set_security(&mut self, h: SOCKET, settings: Option<(u32, &[u8])>) -> Outcome {
        let s = self.sock(h)?;
        if !s.is_ip_stream_or_dgram() {
            return Err(WSAEINVAL);
        }
        let settings = match settings {
            None => SecuritySettings {
                protocol: SecurityProtocol::Default,
                flags: 0,
                ipsec: None,
            },
            Some((declared, bytes)) => decode_settings(declared, bytes)?,
        };
        if matches!(s.state, St::Connected(_)) {
            return Err(WSAEISCONN);
        }
        if s.local.is_some() || s.settings.is_some() {
            return Err(WSAEINVAL);
        }
        self.socks.get_mut(&h).unwrap().settings = Some(settings);
        Ok(0)
    }

    /// `WSAQuerySocketSecurity`: `template` is NULL or (declared length, 144 bytes);
    /// `info_len` is `*SecurityQueryInfoLen` (None: NULL). On failure, `Some(24)` when the
    /// size needed is written back.
    pub fn query(
        &self,
        h: SOCKET,
        template: Option<(u32, &[u8])>,
        info_given: bool,
        info_len: Option<u32>,
    ) -> Result<QueryAnswer, (i32, Option<u32>)> {
        let s = self.sock(h).map_err(|e| (e, None))?;
        let fail = |e| Err((e, None));
        let Some(info_len) = info_len else {
            return fail(WSAEFAULT);
        };
        if !s.is_ip_stream_or_dgram() {
            return fail(WSAEINVAL);
        }
        let declared = template.map_or(0, |(len, _)| len);
        let stream = s.ty == SOCK_STREAM;
        if !(stream && declared == 0) && (template.is_none() || declared < TEMPLATE_LEN) {
            return fail(WSAEMSGSIZE);
        }
        let mut ipsec2 = false;
        let mut mask = 0;
        let peer = match template {
            Some((len, bytes)) if len != 0 => {
                let raw = u32_at(bytes, 0) as i32;
                protocol(raw).map_err(|e| (e, None))?;
                if raw == 2 {
                    // The IPsec2 form (choice ipsec2-forms): 152 bytes, defined bits only.
                    if len < 152 {
                        return fail(WSAEMSGSIZE);
                    }
                    if u32_at(bytes, 140) & !1 != 0 || u32_at(bytes, 144) & !3 != 0 {
                        return fail(WSAEINVAL);
                    }
                    ipsec2 = true;
                }
                mask = u32_at(bytes, 136);
                template_peer(&bytes[8..136])
            }
            _ => Peer::Unspecified,
        };
        if s.ty == SOCK_DGRAM {
            match peer {
                Peer::Ip(a) if (a.is_ipv4()) != (s.family == winsock_emu::sys::AF_INET) => {
                    return fail(WSAEAFNOSUPPORT)
                }
                Peer::Other => return fail(WSAEAFNOSUPPORT),
                Peer::Unspecified => return fail(WSAEINVAL),
                Peer::Ip(a) if a.ip().is_unspecified() && a.port() == 0 => return fail(WSAEINVAL),
                _ => {}
            }
        }
        let (link, this_peer) = if s.ty == SOCK_DGRAM {
            let Peer::Ip(peer) = peer else { unreachable!() };
            let exchange = s.io.peers.get(&key(peer));
            if exchange.is_some_and(|e| e.unreachable) {
                return fail(WSAECONNRESET);
            }
            let Some(exchange) = exchange else {
                return fail(WSAENOTCONN);
            };
            (&exchange.link, Some(key(peer)))
        } else {
            if s.reset {
                return fail(WSAECONNRESET);
            }
            if !matches!(s.state, St::Connected(_)) {
                return fail(WSAENOTCONN);
            }
            (&s.link, None)
        };
        let needed = if ipsec2 { INFO_IPSEC2_LEN } else { INFO_LEN };
        if !info_given || info_len < needed {
            return Err((WSAEMSGSIZE, Some(needed)));
        }
        let mut flags = 0;
        if let Some(link) = link {
            flags |= SECURED;
            if link.encrypted {
                flags |= ENCRYPTED;
            }
        }
        if self.impersonating == Some((h, this_peer)) {
            flags |= IMPERSONATED;
        }
        let protocol = match &s.settings {
            _ if ipsec2 => SecurityProtocol::Ipsec2,
            Some(settings) if settings.protocol != SecurityProtocol::Default => settings.protocol,
            _ if link.is_some() => SecurityProtocol::Ipsec,
            _ => SecurityProtocol::Default,
        };
        let raw = match protocol {
            SecurityProtocol::Default => 0,
            SecurityProtocol::Ipsec => 1,
            _ => 2,
        };
        Ok((raw, flags, needed, mask != 0 && link.is_some()))
    }

    /// `WSAImpersonateSocketPeer` with *PeerAddr* `addr` and *PeerAddrLen* `len`
    /// (`impersonate-null-address`, `impersonate-needs-secured-peer`).
    pub fn impersonate(&mut self, h: SOCKET, addr: &AddrSpec, len: u32) -> Outcome {
        let s = self.sock(h)?;
        let null = matches!(addr, AddrSpec::Null);
        if (null && len != 0) || len > 128 {
            return Err(WSAEINVAL);
        }
        if !s.is_ip_stream_or_dgram() {
            return Err(WSAEINVAL);
        }
        let peer = if s.ty == SOCK_DGRAM {
            if null {
                return Err(WSAEFAULT);
            }
            match peer_of(addr) {
                Peer::TooShort => return Err(WSAEMSGSIZE),
                Peer::Ip(a) if a.is_ipv4() != (s.family == winsock_emu::sys::AF_INET) => {
                    return Err(WSAEAFNOSUPPORT)
                }
                Peer::Other => return Err(WSAEAFNOSUPPORT),
                Peer::Unspecified => return Err(WSAEINVAL),
                Peer::Ip(a) if a.ip().is_unspecified() && a.port() == 0 => return Err(WSAEINVAL),
                Peer::Ip(a) => Some(key(a)),
                Peer::Null => unreachable!(),
            }
        } else {
            None
        };
        if s.reset {
            return Err(WSAECONNRESET);
        }
        // The port-unreachable mark answers queries only (`udp-port-unreachable`).
        let link = match peer {
            Some(peer) => &s.io.peers.get(&peer).ok_or(WSAENOTCONN)?.link,
            None if matches!(s.state, St::Connected(_)) => &s.link,
            None => return Err(WSAENOTCONN),
        };
        if link.is_none() {
            return Err(WSAEOPNOTSUPP);
        }
        self.impersonating = Some((h, peer));
        Ok(0)
    }

    /// `WSARevertImpersonation`: always succeeds (`revert-needs-nothing`).
    pub fn revert(&mut self) -> Outcome {
        self.impersonating = None;
        Ok(0)
    }
}

/// The 128 bytes of a template's `PeerAddress`, decoded as the rules see them.
fn template_peer(bytes: &[u8]) -> Peer {
    let family = u16::from_le_bytes([bytes[0], bytes[1]]);
    let port = u16::from_be_bytes([bytes[2], bytes[3]]);
    match family {
        winsock_emu::sys::AF_INET => {
            let ip: [u8; 4] = bytes[4..8].try_into().unwrap();
            Peer::Ip((ip, port).into())
        }
        winsock_emu::sys::AF_INET6 => {
            let ip: [u8; 16] = bytes[8..24].try_into().unwrap();
            let addr = std::net::SocketAddrV6::new(
                ip.into(),
                port,
                u32::from_le_bytes(bytes[4..8].try_into().unwrap()),
                u32::from_le_bytes(bytes[24..28].try_into().unwrap()),
            );
            Peer::Ip(addr.into())
        }
        0 if bytes.iter().all(|&b| b == 0) => Peer::Unspecified,
        _ => Peer::Other,
    }
}
