//! `WSASetSocketSecurity`, `WSAQuerySocketSecurity`, `WSAImpersonateSocketPeer` and the
//! emulated principals they answer from.
//!
//! Every endpoint of a network has a principal: the one a test gave its socket, else the
//! one given to its host address, else `host/<address>`
//! ([`crate::choices::DEFAULT_PRINCIPALS`]). When either end of a connection (or of a
//! datagram exchange) applied security settings, the two ends negotiate (`negotiation.rs`)
//! as IPsec with peer-name verification would: the client's peer target name must name the
//! server's principal. The outcome, a `Link` on each socket, is what queries report and
//! impersonation acts on.
#![forbid(unsafe_code)]

pub(crate) mod impersonation;
pub(super) mod names;
pub(super) mod negotiation;
pub(super) mod observed_security;
pub(crate) mod peer_names;
pub(super) mod query_answer;
pub(crate) mod refusals;
pub(super) mod sa;
pub(crate) mod tokens;

use std::net::{IpAddr, SocketAddr};

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_STREAM};

use super::lifecycle::{AddrArg, AddrFailure};
use super::negotiation::peer_key;
use super::query_answer::{ipsec2_info, link_flags, PeerTokens};
use super::socket::{Link, SocketEntry, State};
use super::SocketTable;
use crate::error::{Error, Result};
use crate::rules;
use crate::rules::security as srules;
use crate::wire::{
    self, Ipsec2Query, PeerAddress, SecurityProtocol, SecurityQueryInfo, SecurityQueryTemplate,
    SecuritySettings, TargetName, KNOWN_IPSEC_FLAGS, KNOWN_SECURITY_FLAGS,
};
use impersonation::Impersonation;

/// The *SecuritySettings* argument as the caller gave it.
#[derive(Debug, Clone)]
pub(crate) enum SettingsArg<'a> {
    /// A NULL pointer: the default settings.
    Null,
    /// The caller's bytes (what may be read) and the length it declared.
    Bytes {
        /// *SecuritySettingsLen*.
        declared_len: u32,
        /// The readable prefix.
        bytes: &'a [u8],
    },
    /// Settings from the safe API.
    Value(SecuritySettings),
}

/// The *SecurityQueryTemplate* argument as the caller gave it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TemplateArg<'a> {
    /// A NULL pointer.
    Null,
    /// The caller's bytes (at most [`wire::TEMPLATE_IPSEC2_LEN`]) and the length it declared.
    Bytes {
        /// *SecurityQueryTemplateLen*.
        declared_len: u32,
        /// The readable prefix.
        bytes: &'a [u8],
    },
    /// A template from the safe API.
    Value(SecurityQueryTemplate),
    /// An IPsec2 template from the safe API (its protocol is taken to be IPSEC2).
    Ipsec2(SecurityQueryTemplate, Ipsec2Query),
}

/// A failed query: the error, and the size to write back when the buffer was too small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueryFailure {
    /// The Winsock error.
    pub error: Error,
    /// `Some(needed)` when *SecurityQueryInfoLen* must be set to the size needed.
    pub needed: Option<u32>,
}

impl From<Error> for QueryFailure {
    fn from(error: Error) -> Self {
        Self {
            error,
            needed: None,
        }
    }
}

/// The value-level rules of the settings structures, for settings from the safe API.
fn validate_settings(settings: &SecuritySettings) -> Result<()> {
    srules::settings_flags_are_known(settings.flags, KNOWN_SECURITY_FLAGS)?;
    if let Some(ipsec) = &settings.ipsec {
        srules::ipsec_settings_name_ipsec(settings.protocol)?;
        srules::settings_flags_are_known(ipsec.ipsec_flags, KNOWN_IPSEC_FLAGS)?;
        for name in [&ipsec.user_name, &ipsec.domain_name] {
            srules::settings_string_is_well_formed(
                u32::try_from(name.byte_len()).unwrap_or(u32::MAX),
            )?;
        }
    }
    Ok(())
}

/// Whether the socket's connection (or the datagram peer's exchange) was reset.
fn is_reset(entry: &SocketEntry) -> bool {
    entry.io.as_ref().is_some_and(|io| io.reset)
}

/// Whether the last datagram `entry` sent to `peer` drew the emulated ICMP port
/// unreachable ([`crate::choices::UDP_PORT_UNREACHABLE`]).
fn port_unreachable(entry: &SocketEntry, peer: Option<SocketAddr>) -> bool {
    match (entry.io.as_ref(), peer) {
        (Some(io), Some(peer)) => io
            .peers
            .get(&peer_key(peer))
            .is_some_and(|exchange| exchange.unreachable),
        _ => false,
    }
}

/// The link a query or an impersonation asks about: the stream connection's (plain when
/// nothing was negotiated), or the datagram peer's; `None` when there is no such exchange.
fn link_for(entry: &SocketEntry, peer: Option<SocketAddr>) -> Option<Link> {
    let security = entry.security.as_ref();
    if entry.kind.socket_type == SOCK_STREAM {
        return match entry.state {
            State::Connected { .. } => Some(
                security
                    .and_then(|security| security.link.clone())
                    .unwrap_or_default(),
            ),
            _ => None,
        };
    }
    let exchange = entry.io.as_ref()?.peers.get(&peer_key(peer?))?;
    Some(exchange.link.clone())
}

impl SocketTable {
    /// `WSASetSocketSecurity`: applies `arg` (NULL: the defaults), checking, in order: the
    /// socket's family and type (`WSAEINVAL`), the structure
    /// (`WSAEMSGSIZE`, `WSAEINVAL`), that the socket is not connected (`WSAEISCONN`), not
    /// bound (`WSAEINVAL`) and has no settings yet (`WSAEINVAL`).
    pub(super) fn set_security_unobserved(
        &self,
        handle: SOCKET,
        arg: SettingsArg<'_>,
    ) -> Result<()> {
        // Under the topology lock, as a connect or a datagram send holds it from its look at
        // the socket to its commit: settings never arrive half-way through the negotiation
        // that ignored them (found by the audit of issue 13).
        self.require_startup()?;
        let _topology = self.topology.lock();
        self.with_socket(handle, |entry| {
            rules::socket_is_ip_stream_or_datagram(entry.kind.family, entry.kind.socket_type)?;
            let settings = match arg {
                SettingsArg::Null => SecuritySettings::default(),
                SettingsArg::Bytes {
                    declared_len,
                    bytes,
                } => wire::decode_settings(declared_len, bytes)?,
                SettingsArg::Value(settings) => {
                    validate_settings(&settings)?;
                    settings
                }
            };
            srules::security_set_before_connect(entry.is_connected())?;
            srules::security_set_before_bind(entry.local.is_some())?;
            srules::security_set_once(entry.settings().is_some())?;
            entry.security_mut().settings = Some(settings);
            Ok(())
        })
    }

    /// `WSAQuerySocketSecurity`: the security of the socket's connection (stream) or of its
    /// exchange with the template's peer (datagram). `info_len` is *SecurityQueryInfoLen*
    /// (`None`: NULL) and `info_given` whether *SecurityQueryInfo* is non-NULL. When the
    /// template sets `PeerTokenAccessMask` and the link is secured, the answer holds new
    /// token handles ([`crate::choices::TOKEN_KINDS`]), opened once every check passed.
    pub(super) fn query_security_unobserved(
        &self,
        handle: SOCKET,
        template: TemplateArg<'_>,
        info_given: bool,
        info_len: Option<u32>,
    ) -> std::result::Result<SecurityQueryInfo, QueryFailure> {
        let impersonating = impersonation::current();
        let me = self.identity;
        // The impersonation is the socket's, whichever of its handles began it.
        let socket = self.canonical(handle);
        let answer = self.with_socket(handle, |entry| {
            srules::query_info_len_present(info_len.is_none())?;
            rules::socket_is_ip_stream_or_datagram(entry.kind.family, entry.kind.socket_type)?;
            let (given, len) = match template {
                TemplateArg::Null => (false, 0),
                TemplateArg::Bytes { declared_len, .. } => (true, declared_len as usize),
                TemplateArg::Value(_) => (true, wire::TEMPLATE_LEN),
                TemplateArg::Ipsec2(..) => (true, wire::TEMPLATE_IPSEC2_LEN),
            };
            srules::query_template_fits(entry.kind.socket_type, given, len)?;
            let (template, peer, ipsec2) = match template {
                TemplateArg::Bytes {
                    bytes,
                    declared_len,
                } if declared_len != 0 => wire::decode_template(declared_len, bytes)?,
                TemplateArg::Value(value) => {
                    let peer = value.peer.map_or(PeerAddress::Unspecified, PeerAddress::Ip);
                    (value, peer, None)
                }
                TemplateArg::Ipsec2(value, query) => {
                    wire::validate_ipsec2_query(&query)?;
                    let peer = value.peer.map_or(PeerAddress::Unspecified, PeerAddress::Ip);
                    let value = SecurityQueryTemplate {
                        protocol: SecurityProtocol::Ipsec2,
                        ..value
                    };
                    (value, peer, Some(query))
                }
                _ => (
                    SecurityQueryTemplate::default(),
                    PeerAddress::Unspecified,
                    None,
                ),
            };
            if entry.kind.socket_type != SOCK_STREAM {
                rules::peer_family_is_usable(entry.kind.family, &peer)?;
                rules::connectionless_peer_is_not_zero(entry.kind.socket_type, &peer)?;
            }
            let unreachable =
                entry.kind.socket_type != SOCK_STREAM && port_unreachable(entry, template.peer);
            srules::connection_not_reset(is_reset(entry) || unreachable)?;
            let link = link_for(entry, template.peer);
            srules::query_has_a_connection(link.is_some())?;
            let link = link.unwrap_or_default();
            let needed = if ipsec2.is_some() {
                wire::INFO_IPSEC2_LEN
            } else {
                wire::INFO_LEN
            };
            if let Err(error) = srules::query_info_fits(info_given, info_len.unwrap_or(0), needed) {
                return Ok(Err((error, needed)));
            }
            let this_peer = if entry.kind.socket_type == SOCK_STREAM {
                None
            } else {
                template.peer.map(peer_key)
            };
            let impersonated = impersonating.as_ref().is_some_and(|now| {
                now.table == me && now.socket == socket && now.peer == this_peer
            });
            let protocol = match entry.settings() {
                _ if ipsec2.is_some() => SecurityProtocol::Ipsec2,
                Some(settings) if settings.protocol != SecurityProtocol::Default => {
                    settings.protocol
                }
                _ if link.secured => SecurityProtocol::Ipsec,
                _ => SecurityProtocol::Default,
            };
            let info = SecurityQueryInfo {
                protocol,
                flags: link_flags(&link, impersonated),
                peer_application_token: 0,
                peer_machine_token: 0,
                ipsec2: ipsec2.map(|_| ipsec2_info(&link)),
            };
            let mask = template.peer_token_access_mask;
            let tokens = (mask != 0 && link.secured).then(|| PeerTokens {
                mask,
                application: link.peer_user().cloned(),
                machine: link.peer_principal.clone(),
            });
            Ok(Ok((info, tokens)))
        })?;
        let (mut info, tokens) = answer.map_err(|(error, needed)| QueryFailure {
            error,
            needed: Some(needed as u32),
        })?;
        if let Some(tokens) = tokens {
            let [application, machine] = tokens.open(handle)?;
            info.peer_application_token = application as u64;
            info.peer_machine_token = machine as u64;
            self.observer.tokens_opened(handle, &info.token_handles());
        }
        Ok(info)
    }

    /// `WSAImpersonateSocketPeer`: makes the calling thread act as the authenticated peer.
    /// `addr_is_null` and `addr_len` are *PeerAddr* and *PeerAddrLen* as given.
    pub(super) fn impersonate_peer_unobserved(
        &self,
        handle: SOCKET,
        arg: AddrArg<'_>,
        addr_len: u32,
    ) -> Result<()> {
        let is_null = matches!(arg, AddrArg::Null);
        let me = self.identity;
        let socket = self.canonical(handle);
        let impersonation = self.with_socket(handle, |entry| {
            srules::impersonate_address_arguments(is_null, addr_len)?;
            rules::socket_is_ip_stream_or_datagram(entry.kind.family, entry.kind.socket_type)?;
            srules::impersonate_datagram_names_peer(entry.kind.socket_type, is_null)?;
            let peer = if entry.kind.socket_type == SOCK_STREAM {
                None
            } else {
                let decoded = arg.decode();
                rules::peer_address_fits(decoded != Err(AddrFailure::TooShort))?;
                let peer = decoded.map_err(|_| Error::Fault)?;
                rules::peer_family_is_usable(entry.kind.family, &peer)?;
                rules::connectionless_peer_is_not_zero(entry.kind.socket_type, &peer)?;
                match peer {
                    PeerAddress::Ip(addr) => Some(peer_key(addr)),
                    _ => None,
                }
            };
            srules::connection_not_reset(is_reset(entry))?;
            let link = link_for(entry, peer);
            srules::query_has_a_connection(link.is_some())?;
            let principal = link.filter(|link| link.secured).and_then(|link| {
                link.peer_user()
                    .cloned()
                    .or_else(|| link.peer_principal.clone())
            });
            srules::impersonation_needs_authenticated_peer(principal.is_some())?;
            let principal = principal.ok_or(Error::OperationNotSupported)?;
            Ok(Impersonation {
                table: me,
                socket,
                peer,
                principal,
            })
        })?;
        impersonation::begin(impersonation)
    }

    /// Gives the socket its own emulated principal (a server socket's SPN, say). Accepted
    /// sockets inherit their listener's.
    pub(crate) fn set_socket_principal(&self, handle: SOCKET, name: TargetName) -> Result<()> {
        self.with_socket(handle, |entry| {
            entry.security_mut().principal = Some(name);
            Ok(())
        })
    }

    /// Gives the host at `ip` an emulated principal.
    pub(crate) fn set_host_principal(&self, ip: IpAddr, name: TargetName) {
        self.topology.lock().set_host_principal(ip, name);
    }

    /// The principal of the host at `ip`.
    pub(crate) fn host_principal(&self, ip: IpAddr) -> TargetName {
        self.topology.lock().host_principal(ip)
    }

    /// The principal the socket's stream peer authenticated as (or, on a datagram socket,
    /// the given peer), if the exchange was secured.
    pub(crate) fn authenticated_peer(
        &self,
        handle: SOCKET,
        peer: Option<SocketAddr>,
    ) -> Result<Option<TargetName>> {
        self.with_socket(handle, |entry| {
            Ok(link_for(entry, peer)
                .filter(|link| link.secured)
                .and_then(|link| link.peer_principal))
        })
    }
}
