//! Strict mode: misuse that Windows accepts silently is reported with its rule and source,
//! returned to the test, and (with the guard) turned into a panic.

mod common;

use std::net::SocketAddr;

use common::secure::{secure_client, secure_listener};
use common::*;
use winsock_emu::sys::SOCKET_SETTINGS_GUARANTEE_ENCRYPTION;
use winsock_emu::testing::{
    IMPERSONATION_NOT_REVERTED, NAME_AFTER_FIRST_SEND, NAME_WITHOUT_SECURITY,
    SETTINGS_AFTER_CONNECT, STRICT_RULES,
};
use winsock_emu::{revert_impersonation, Domain, SecuritySettings, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

fn encrypted() -> Option<SecuritySettings> {
    Some(SecuritySettings::with_flags(
        SOCKET_SETTINGS_GUARANTEE_ENCRYPTION,
    ))
}

#[test]
fn a_correct_secure_client_and_server_draw_no_report() {
    let env = env();
    let strict = env.net.strict();
    let server = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    server.set_security(encrypted()).unwrap();
    server.set_principal("host/server.contoso.com").unwrap();
    server.bind(addr("127.0.0.1:27015")).unwrap();
    server.listen(5).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.set_security(encrypted()).unwrap();
    client
        .set_peer_target_name(addr("127.0.0.1:27015"), "host/server.contoso.com")
        .unwrap();
    client.connect(addr("127.0.0.1:27015")).unwrap();
    let (accepted, _) = server.accept().unwrap();
    accepted.impersonate_peer().unwrap();
    revert_impersonation();
    assert_eq!(strict.reports(), vec![]);
}

#[test]
fn strict_name_after_first_send() {
    let env = env();
    env.net.set_strict(true);
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_security(None).unwrap();
    let peer = addr("192.0.2.1:500");
    udp.send_to(b"hello", peer).unwrap();
    // Windows accepts it; the name simply came too late for the first datagram.
    udp.set_peer_target_name(peer, "host/peer").unwrap();
    let reports = env.net.take_strict_reports();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].rule, NAME_AFTER_FIRST_SEND);
    assert_eq!(
        (reports[0].socket, reports[0].peer),
        (Some(udp.as_raw()), Some(peer))
    );
    assert!(reports[0]
        .to_string()
        .contains("WSASetSocketPeerTargetName, Remarks"));
    // Another peer, named before its first datagram: fine.
    udp.set_peer_target_name(addr("192.0.2.2:500"), "host/192.0.2.2")
        .unwrap(); // its default principal
    udp.send_to(b"hi", addr("192.0.2.2:500")).unwrap();
    assert!(env.net.take_strict_reports().is_empty());
}

#[test]
fn strict_name_without_security_on_connect_and_on_send() {
    let env = env();
    env.net.set_strict(true);
    let _server = secure_listener(&env.net, "127.0.0.1:80", None, "host/server");
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client
        .set_peer_target_name(addr("127.0.0.1:80"), "host/server")
        .unwrap();
    assert!(
        env.net.strict_reports().is_empty(),
        "reported when the name would be used, not before"
    );
    client.connect(addr("127.0.0.1:80")).unwrap();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name(addr("192.0.2.1:53"), "host/dns")
        .unwrap();
    udp.send_to(b"q", addr("192.0.2.1:53")).unwrap();
    udp.send_to(b"q", addr("192.0.2.1:53")).unwrap();
    let rules: Vec<_> = env
        .net
        .take_strict_reports()
        .into_iter()
        .map(|r| (r.rule, r.socket))
        .collect();
    assert_eq!(
        rules,
        [
            (NAME_WITHOUT_SECURITY, Some(client.as_raw())),
            (NAME_WITHOUT_SECURITY, Some(udp.as_raw()))
        ],
        "once per socket"
    );
}

#[test]
fn strict_settings_after_connect_even_when_the_call_fails() {
    let env = env();
    env.net.set_strict(true);
    let (_listener, client) = connected_stream(&env.net, "127.0.0.1:81");
    assert!(
        client.set_security(encrypted()).is_err(),
        "Windows refuses it too"
    );
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.send_to(b"x", addr("192.0.2.1:9")).unwrap();
    let _ = udp.set_security(None);
    let reports = env.net.take_strict_reports();
    let rules: Vec<_> = reports.iter().map(|r| (r.rule, r.socket)).collect();
    assert_eq!(
        rules,
        [
            (SETTINGS_AFTER_CONNECT, Some(client.as_raw())),
            (SETTINGS_AFTER_CONNECT, Some(udp.as_raw()))
        ]
    );
    assert!(reports[1].what.contains("sent datagrams"), "{}", reports[1]);
}

#[test]
fn strict_impersonation_not_reverted_is_reported_until_reverted() {
    let env = env();
    env.net.set_strict(true);
    let server = secure_listener(&env.net, "127.0.0.1:82", encrypted(), "host/server");
    let client = secure_client(&env.net, Domain::IPV4, encrypted(), Some("host/server"));
    client.connect(addr("127.0.0.1:82")).unwrap();
    let (accepted, _) = server.accept().unwrap();
    accepted.impersonate_peer().unwrap();
    let reports = env.net.strict_reports();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].rule, IMPERSONATION_NOT_REVERTED);
    assert!(reports[0].what.contains("still impersonating"));
    // A second impersonation on the same thread without a revert is reported at once.
    accepted.impersonate_peer().unwrap();
    assert_eq!(env.net.strict_reports().len(), 2);
    revert_impersonation();
    let left: Vec<_> = env
        .net
        .strict_reports()
        .iter()
        .map(|r| r.what.clone())
        .collect();
    assert_eq!(
        left.len(),
        1,
        "the open one is closed by the revert: {left:?}"
    );
    assert!(left[0].contains("never reverted"));
}

#[test]
fn the_guard_panics_with_every_report_and_stays_quiet_when_clean() {
    let outcome = std::panic::catch_unwind(|| {
        let env = env();
        let _strict = env.net.strict();
        let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        udp.send_to(b"x", addr("192.0.2.1:9")).unwrap();
        udp.set_peer_target_name(addr("192.0.2.1:9"), "host/late")
            .unwrap();
    });
    let message = outcome.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("strict mode found 1 misuse"), "{message}");
    assert!(message.contains("[name-after-first-send]"), "{message}");
    let env = env();
    let guard = env.net.strict();
    drop(guard);
    assert!(env.net.strict_reports().is_empty());
}

#[test]
fn strict_mode_off_records_nothing_and_every_rule_has_a_source() {
    let env = env();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.send_to(b"x", addr("192.0.2.1:9")).unwrap();
    udp.set_peer_target_name(addr("192.0.2.1:9"), "host/late")
        .unwrap();
    assert!(env.net.strict_reports().is_empty());
    for rule in STRICT_RULES {
        assert!(!rule.source.is_empty() && !rule.rule.is_empty() && !rule.id.is_empty());
    }
}
