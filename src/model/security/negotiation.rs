//! The emulated security negotiation: what IPsec with peer-name verification decides when
//! two endpoints meet ([`crate::choices::SECURE_NEGOTIATION`]). Pure functions of the two
//! ends' settings, principals and the initiator's peer target name.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use crate::choices;
use crate::model::sa::{INITIATOR_FALLBACK_WINERR, RESPONDER_FALLBACK_WINERR};
use crate::model::socket::{Link, Negotiated};
use crate::wire::{SecuritySettings, TargetName};

/// One end of a negotiation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint<'a> {
    /// The settings it applied, if any.
    pub settings: Option<&'a SecuritySettings>,
    /// Its principal.
    pub principal: &'a TargetName,
}

/// Whether two principals are the same: SPNs compare without regard to ASCII case.
pub(crate) fn same_principal(a: &TargetName, b: &TargetName) -> bool {
    let lower = |unit: u16| {
        if (0x41..=0x5A).contains(&unit) {
            unit + 0x20
        } else {
            unit
        }
    };
    a.units().len() == b.units().len()
        && a.units()
            .iter()
            .zip(b.units())
            .all(|(&x, &y)| lower(x) == lower(y))
}

/// The user an endpoint's settings authenticate it as: the `UserName` (and `DomainName`,
/// as `DOMAIN\user`) of a `SOCKET_SECURITY_SETTINGS_IPSEC` that names one
/// ([`choices::TOKEN_KINDS`]).
pub(crate) fn authenticated_user(settings: &SecuritySettings) -> Option<TargetName> {
    let ipsec = settings.ipsec.as_ref()?;
    if ipsec.user_name.units().is_empty() {
        return None;
    }
    let domain = ipsec.domain_name.units();
    let mut units = domain.to_vec();
    if !domain.is_empty() {
        units.push(u16::from(b'\\'));
    }
    units.extend_from_slice(ipsec.user_name.units());
    Some(TargetName::from_units(&units))
}

/// Why a negotiation failed: what the initiator's call fails with
/// ([`choices::NEGOTIATION_FAILURE_ERROR`]) does not say, so the table keeps this for the
/// test ([`crate::testing::SecurityFailure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The initiator's peer target name.
    pub expected: TargetName,
    /// The principal the responder authenticated as.
    pub met: TargetName,
    /// Whether the initiator applied security settings.
    pub initiator_settings: bool,
    /// Whether the responder applied security settings.
    pub responder_settings: bool,
}

impl From<Refusal> for crate::Error {
    fn from(_: Refusal) -> Self {
        choices::NEGOTIATION_FAILURE_ERROR
    }
}

/// Negotiates security between an initiator (which may have named the responder) and a
/// responder, as [`choices::SECURE_NEGOTIATION`] describes. Returns the link as each side
/// sees it (initiator's, responder's), or why the initiator's call fails.
pub(crate) fn negotiate(
    initiator: Endpoint<'_>,
    target_name: Option<&TargetName>,
    responder: Endpoint<'_>,
) -> std::result::Result<(Link, Link), Refusal> {
    let plain = || (Link::default(), Link::default());
    if initiator.settings.is_none() && responder.settings.is_none() {
        return Ok(plain());
    }
    let name_ok = target_name.is_none_or(|name| same_principal(name, responder.principal));
    let optional = initiator
        .settings
        .is_some_and(SecuritySettings::peer_name_verification_optional);
    if name_ok || optional {
        let encrypted = [initiator.settings, responder.settings]
            .iter()
            .flatten()
            .any(|settings| settings.guarantees_encryption());
        let link = |peer: &Endpoint<'_>| Link {
            secured: true,
            encrypted,
            peer_principal: Some(peer.principal.clone()),
            negotiated: Some(Box::new(Negotiated {
                peer_user: peer.settings.and_then(authenticated_user),
                ..Negotiated::default()
            })),
        };
        return Ok((link(&responder), link(&initiator)));
    }
    let fallback = [initiator.settings, responder.settings]
        .iter()
        .flatten()
        .all(|settings| settings.allows_insecure());
    let clear = |winerr| Link {
        negotiated: Some(Box::new(Negotiated {
            winerr,
            ..Negotiated::default()
        })),
        ..Link::default()
    };
    match target_name {
        Some(expected) if !fallback => Err(Refusal {
            expected: expected.clone(),
            met: responder.principal.clone(),
            initiator_settings: initiator.settings.is_some(),
            responder_settings: responder.settings.is_some(),
        }),
        _ => Ok((
            clear(INITIATOR_FALLBACK_WINERR),
            clear(RESPONDER_FALLBACK_WINERR),
        )),
    }
}

/// The key a datagram peer's link is kept under (the IPv6 flow label is not part of it).
pub(crate) fn peer_key(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(mut v6) => {
            v6.set_flowinfo(0);
            SocketAddr::V6(v6)
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinSock::{
        SOCKET_SETTINGS_ALLOW_INSECURE, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
        SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION,
    };

    fn name(text: &str) -> TargetName {
        TargetName::from(text)
    }

    #[test]
    fn principals_compare_without_ascii_case() {
        assert!(same_principal(
            &name("host/Server.Contoso.COM"),
            &name("HOST/server.contoso.com")
        ));
        assert!(!same_principal(&name("host/a"), &name("host/b")));
        assert!(!same_principal(&name("host/a"), &name("host/a.")));
    }

    #[test]
    fn negotiation_outcomes() {
        let client = name("host/client");
        let server = name("host/server");
        let rogue = name("host/rogue");
        let encrypt = SecuritySettings::with_flags(SOCKET_SETTINGS_GUARANTEE_ENCRYPTION);
        let insecure = SecuritySettings::with_flags(SOCKET_SETTINGS_ALLOW_INSECURE);
        let optional =
            SecuritySettings::ipsec(0, SOCKET_SETTINGS_IPSEC_OPTIONAL_PEER_NAME_VERIFICATION);
        let side = |settings, principal| Endpoint {
            settings,
            principal,
        };

        let (plain, _) = negotiate(side(None, &client), Some(&server), side(None, &rogue)).unwrap();
        assert!(!plain.secured);
        let (mine, theirs) = negotiate(
            side(Some(&encrypt), &client),
            Some(&server),
            side(None, &server),
        )
        .unwrap();
        assert!(mine.secured && mine.encrypted);
        assert_eq!(mine.peer_principal, Some(server.clone()));
        assert_eq!(theirs.peer_principal, Some(client.clone()));
        assert_eq!(
            negotiate(
                side(Some(&encrypt), &client),
                Some(&server),
                side(None, &rogue)
            ),
            Err(Refusal {
                expected: server.clone(),
                met: rogue.clone(),
                initiator_settings: true,
                responder_settings: false,
            })
        );
        let (fallback, _) = negotiate(
            side(Some(&insecure), &client),
            Some(&server),
            side(None, &rogue),
        )
        .unwrap();
        assert!(!fallback.secured);
        assert_eq!(
            negotiate(
                side(Some(&insecure), &client),
                Some(&server),
                side(Some(&encrypt), &rogue)
            )
            .map_err(crate::Error::from),
            Err(choices::NEGOTIATION_FAILURE_ERROR)
        );
        let (relaxed, _) = negotiate(
            side(Some(&optional), &client),
            Some(&server),
            side(None, &rogue),
        )
        .unwrap();
        assert!(relaxed.secured && !relaxed.encrypted);
        assert_eq!(relaxed.peer_principal, Some(rogue.clone()));
        let (unnamed, _) =
            negotiate(side(Some(&encrypt), &client), None, side(None, &server)).unwrap();
        assert!(unnamed.secured);
    }
}
