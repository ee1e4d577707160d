//! What a stored peer target name does to a later authentication, seen through a secured
//! datagram's first `sendto` (which checks the name stored for that peer, N7): a deleted
//! name is no longer used (D7), and a failed set leaves the stored name as it was (S14).
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOCKET_SECURITY_PROTOCOL_INVALID, SOCKET_SETTINGS_GUARANTEE_ENCRYPTION, WSAEINVAL,
};

use super::{name, sockaddr, with_protocol};
use crate::backend::{Buffer, CallResult, Code};
use crate::conformance::session::{addr, Session, Setup};
use crate::conformance::{check_value, Case, Observed};

/// The loopback receiver's principal by default (`host/<address>`).
const RECEIVER: &str = "host/127.0.0.1";

/// A name no loopback receiver has.
const ROGUE: &str = "host/rogue.contoso.com";

/// A secured UDP receiver on loopback and a secured UDP sender that has not sent yet: the
/// sender and the receiver's address.
fn secured_datagram_peers(s: &mut Session<'_>) -> Setup<(SOCKET, SocketAddr)> {
    s.startup()?;
    let encrypt = SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
    let receiver = s.udp4()?;
    s.secured_with(receiver, encrypt)?;
    s.bind(receiver, addr("127.0.0.1:0"))?;
    let at = s.local_addr(receiver)?;
    let sender = s.udp4()?;
    s.secured_with(sender, encrypt)?;
    Ok((sender, at))
}

/// After the call under test gave `result`: the first datagram to `at` must be sent (1),
/// which it is only if the name then stored for `at` is the receiver's or none.
fn first_datagram_sent(
    s: &Session<'_>,
    result: CallResult,
    sender: SOCKET,
    at: SocketAddr,
) -> Observed {
    let to = sockaddr(&at.to_string());
    let sent = s.backend().send_to(sender, b"x", Buffer::Bytes(&to));
    check_value(
        result,
        "first sendto to that peer succeeded (1: yes)",
        1,
        i64::from(sent.is_ok()),
    )?;
    Ok(result)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "delete-name-unused-by-later-authentication",
        rule: "after a delete, the removed name is not used to authenticate that peer",
        docs: &["D7"],
        checks: &[],
        choice: Some("datagram-security-per-peer"),
        source: "WSADeleteSocketPeerTargetName: Remarks (the name is no longer used)",
        expected: Ok(()),
        scenario: |s| {
            let (sender, at) = secured_datagram_peers(s)?;
            s.named(sender, &name(&at.to_string(), ROGUE))?;
            let result = s.delete(sender, &sockaddr(&at.to_string()));
            first_datagram_sent(s, result, sender, at)
        },
    },
    Case {
        id: "set-failure-keeps-the-stored-name",
        rule: "a failed set leaves the name already stored for that peer in use",
        docs: &["S14"],
        checks: &["protocol_is_legal"],
        choice: Some("datagram-security-per-peer"),
        source: "WSASetSocketPeerTargetName: Return value (on error nothing is set)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            let (sender, at) = secured_datagram_peers(s)?;
            s.named(sender, &name(&at.to_string(), RECEIVER))?;
            let rogue = with_protocol(
                name(&at.to_string(), ROGUE),
                SOCKET_SECURITY_PROTOCOL_INVALID,
            );
            let result = s.set(sender, &rogue);
            first_datagram_sent(s, result, sender, at)
        },
    },
];
