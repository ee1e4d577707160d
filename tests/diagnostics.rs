//! What a failing test is told: why a secure connect failed (the trace, a `Network` method,
//! strict mode's text), the socket table as a `netstat`-style table, addresses labelled by
//! what they are, the trace as JSON lines, and a forgotten `net.enter()`.
//!
//! No test here starts the process-wide network: the forgotten-enter test needs it never
//! started.

use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};

use winsock_emu::sys::{self, AF_INET, INVALID_SOCKET, SOCK_STREAM, WSANOTINITIALISED};
use winsock_emu::testing::{Call, NETWORK_NOT_ENTERED};
use winsock_emu::{Domain, Error, Network, SecuritySettings, Socket, Startup, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// A network with a listener at 192.0.2.10:27015 whose principal is `principal` (`None`:
/// the default one of its address), and an unconnected client with security settings that
/// names `host/server.contoso.com`.
fn rogue_setup(principal: Option<&str>) -> (Network, Startup, Socket, Socket) {
    let net = Network::new();
    let wsa = net.startup().unwrap();
    let server = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    if let Some(principal) = principal {
        server.set_principal(principal).unwrap();
    }
    server.bind(addr("192.0.2.10:27015")).unwrap();
    server.listen(4).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client
        .set_security(Some(SecuritySettings::default()))
        .unwrap();
    client
        .set_peer_target_name(addr("0.0.0.0:0"), "host/server.contoso.com")
        .unwrap();
    (net, wsa, server, client)
}

#[test]
fn a_refused_secure_connect_keeps_wsaetimedout_and_records_why() {
    let (net, _wsa, _server, client) = rogue_setup(Some("host/rogue.contoso.com"));
    net.start_trace();
    assert_eq!(
        client.connect(addr("192.0.2.10:27015")),
        Err(Error::TimedOut)
    );

    let failures = net.security_failures();
    assert_eq!(failures.len(), 1);
    let failure = &failures[0];
    assert_eq!(failure.call, Call::Connect);
    assert_eq!(failure.socket, client.as_raw());
    assert_eq!(failure.peer, addr("192.0.2.10:27015"));
    assert_eq!(failure.expected.to_string(), "host/server.contoso.com");
    assert_eq!(failure.met.to_string(), "host/rogue.contoso.com");
    assert!(failure.client_has_settings);
    assert!(!failure.server_has_settings);
    assert_eq!(failure.error, Error::TimedOut);
    assert!(!failure.met_default_principal());
    let text = failure.to_string();
    assert!(text.contains("\"host/server.contoso.com\" does not name the server's principal \"host/rogue.contoso.com\""), "{text}");
    assert!(
        text.contains("the client applied WSASetSocketSecurity, the server none"),
        "{text}"
    );

    let trace = net.trace();
    let connect = trace.calls(Call::Connect).next().unwrap();
    assert_eq!(connect.result, Err(Error::TimedOut));
    assert_eq!(connect.note.as_deref(), Some(text.as_str()));
    assert!(trace.to_string().contains("why: connect on socket"));

    net.clear_security_failures();
    assert!(net.security_failures().is_empty());
}

#[test]
fn a_server_without_a_principal_is_named_as_the_likely_cause() {
    let (net, _wsa, _server, client) = rogue_setup(None);
    assert_eq!(
        client.connect(addr("192.0.2.10:27015")),
        Err(Error::TimedOut)
    );
    let failure = &net.security_failures()[0];
    assert_eq!(failure.met.to_string(), "host/192.0.2.10");
    assert!(failure.met_default_principal());
    assert!(failure
        .to_string()
        .contains("the server was given none, with Socket::set_principal"));
}

#[test]
fn a_refused_first_datagram_is_recorded_too() {
    let net = Network::new();
    let _wsa = net.startup().unwrap();
    let receiver = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    receiver.set_principal("host/rogue.contoso.com").unwrap();
    let to = receiver.bind(addr("192.0.2.20:500")).unwrap();
    let sender = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender
        .set_security(Some(SecuritySettings::default()))
        .unwrap();
    sender
        .set_peer_target_name(to, "host/peer.contoso.com")
        .unwrap();
    assert_eq!(sender.send_to(b"hello", to), Err(Error::TimedOut));
    let failure = &net.security_failures()[0];
    assert_eq!(failure.call, Call::SendTo);
    assert_eq!((failure.socket, failure.peer), (sender.as_raw(), to));
    assert_eq!(failure.met.to_string(), "host/rogue.contoso.com");
}

#[test]
fn the_failure_record_is_bounded() {
    let (net, _wsa, _server, client) = rogue_setup(Some("host/rogue.contoso.com"));
    for _ in 0..100 {
        assert_eq!(
            client.connect(addr("192.0.2.10:27015")),
            Err(Error::TimedOut)
        );
    }
    assert_eq!(net.security_failures().len(), 64);
}

#[test]
fn strict_modes_failure_text_says_why_the_connect_failed_and_shows_the_table() {
    let (net, _wsa, _server, client) = rogue_setup(Some("host/rogue.contoso.com"));
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let _strict = net.strict();
        assert_eq!(
            client.connect(addr("192.0.2.10:27015")),
            Err(Error::TimedOut)
        );
        // Misuse strict mode reports: a named socket that connects without settings.
        let other = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        other
            .set_peer_target_name(addr("192.0.2.30:1"), "host/x")
            .unwrap();
        other.connect(addr("192.0.2.30:1")).unwrap();
    }))
    .unwrap_err();
    let text = panic.downcast_ref::<String>().unwrap();
    assert!(text.contains("[name-without-security]"), "{text}");
    assert!(text.contains("secure connects that failed:"), "{text}");
    assert!(
        text.contains("does not name the server's principal"),
        "{text}"
    );
    assert!(text.contains("Handle  Proto"), "{text}");
    assert!(text.contains("LISTENING (0 of 4 waiting)"), "{text}");
}

#[test]
fn the_snapshot_prints_as_a_netstat_table() {
    let net = Network::new();
    let _wsa = net.startup().unwrap();
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.set_principal("host/server.contoso.com").unwrap();
    listener.bind(addr("127.0.0.1:80")).unwrap();
    listener.listen(5).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(addr("127.0.0.1:80")).unwrap();
    client.send(b"queued").unwrap();
    let udp = net.socket(Domain::IPV6, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name(addr("[::1]:500"), "host/peer")
        .unwrap();
    let table = net.snapshot().to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "network: 1 WSAStartup outstanding, 3 sockets");
    let heading: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        heading,
        ["Handle", "Proto", "Local", "Remote", "State", "Names", "Security", "Queued", "Waits"]
    );
    let cells = |line: &str| {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cells(lines[2]),
        [
            "0x100",
            "TCP",
            "127.0.0.1:80",
            "*:*",
            "LISTENING (1 of 5 waiting)",
            "-",
            "is host/server.contoso.com",
            "0",
            "-"
        ]
    );
    assert_eq!(
        cells(lines[3]),
        [
            "0x104",
            "TCP",
            "127.0.0.1:49152",
            "127.0.0.1:80",
            "ESTABLISHED",
            "-",
            "-",
            "6",
            "-"
        ]
    );
    assert_eq!(
        cells(lines[4]),
        [
            "0x108",
            "UDPv6",
            "-",
            "*:*",
            "CREATED",
            "[::1]:500=host/peer",
            "-",
            "0",
            "-"
        ]
    );
    // Every line's columns start where the heading's do.
    let at = lines[1].find("State").unwrap();
    assert!(lines[2..].iter().all(|line| line[at - 2..at] == *"  "));
}

/// The `Waits` column names the threads blocked on each socket and the call they are in;
/// a thread blocked on no one socket gets a line under the table; snapshots compare equal
/// whoever waits.
#[test]
fn the_waits_column_says_who_is_blocked_in_which_call() {
    use std::thread;
    let net = Network::new();
    let _enter = net.enter();
    let _wsa = net.startup().unwrap();
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(addr("127.0.0.1:81")).unwrap();
    listener.listen(1).unwrap();
    let raw = listener.as_raw();
    let quiet = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    quiet.bind(addr("127.0.0.1:82")).unwrap();
    let quiet = quiet.as_raw();
    let idle = net.snapshot();
    let server = {
        let net = net.clone();
        thread::Builder::new()
            .name("server".into())
            .spawn(move || {
                let _enter = net.enter();
                let accepted =
                    unsafe { sys::accept(raw, std::ptr::null_mut(), std::ptr::null_mut()) };
                assert_ne!(accepted, sys::INVALID_SOCKET, "{}", unsafe {
                    sys::WSAGetLastError()
                });
            })
            .unwrap()
    };
    let selector = {
        let net = net.clone();
        thread::Builder::new()
            .name("selector".into())
            .spawn(move || {
                let _enter = net.enter();
                let mut set = sys::FD_SET {
                    fd_count: 1,
                    fd_array: [0; 64],
                };
                set.fd_array[0] = quiet;
                // select waits on its sets, not on one socket; a datagram ends it.
                unsafe {
                    sys::select(
                        0,
                        &mut set,
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                        std::ptr::null(),
                    )
                }
            })
            .unwrap()
    };
    assert!(net.wait_until_blocked(2));
    let snapshot = net.snapshot();
    let table = snapshot.to_string();
    let row = table
        .lines()
        .find(|line| line.starts_with("0x100"))
        .unwrap();
    assert!(row.ends_with("server: accept"), "{table}");
    assert!(
        table
            .lines()
            .any(|line| line.starts_with("selector blocked in select on no one socket")),
        "{table}"
    );
    let mut calls: Vec<_> = snapshot
        .blocked
        .iter()
        .map(|b| (b.thread.as_str(), b.call, b.socket))
        .collect();
    calls.sort();
    assert_eq!(
        calls,
        [
            ("selector", "select", None),
            ("server", "accept", Some(raw))
        ]
    );
    assert_eq!(snapshot, idle, "who waits is not part of the table's state");
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(addr("127.0.0.1:81")).unwrap();
    server.join().unwrap();
    let sender = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender.send_to(b"wake", addr("127.0.0.1:82")).unwrap();
    assert_eq!(selector.join().unwrap(), 1);
}

#[test]
fn the_trace_labels_bind_local_and_sendto_to_and_prints_json_lines() {
    let net = Network::new();
    net.start_trace();
    let _wsa = net.startup().unwrap();
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.bind(addr("127.0.0.1:5000")).unwrap();
    udp.send_to(b"x", addr("127.0.0.1:5001")).unwrap();
    udp.connect(addr("127.0.0.1:5001")).unwrap();
    let trace = net.trace();
    let text = trace.to_string();
    assert!(
        text.contains("bind(s=0x100, local=127.0.0.1:5000)"),
        "{text}"
    );
    assert!(text.contains("sendto(s=0x100, to=127.0.0.1:5001"), "{text}");
    assert!(
        text.contains("connect(s=0x100, peer=127.0.0.1:5001)"),
        "{text}"
    );

    let json = trace.to_json_lines();
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), trace.records().len());
    assert_eq!(
        lines[2],
        r#"{"seq":2,"thread":"the_trace_labels_bind_local_and_sendto_to_and_prints_json_lines","call":"bind","socket":256,"local":"127.0.0.1:5000","args":"","ok":"127.0.0.1:5000","injected":false,"note":null}"#
    );
    assert!(lines[3].contains(r#""call":"sendto","socket":256,"to":"127.0.0.1:5001""#));
    let _fault = net.inject(winsock_emu::testing::Fault::fail(
        Call::Listen,
        Error::NetworkDown,
    ));
    assert_eq!(udp.listen(1), Err(Error::NetworkDown));
    let failed = net.trace().records().last().unwrap().to_json();
    assert!(
        failed.ends_with(r#""error":"WSAENETDOWN","code":10050,"injected":true,"note":null}"#),
        "{failed}"
    );
}

#[test]
fn json_strings_are_escaped() {
    let net = Network::new();
    net.start_trace();
    let _wsa = net.startup().unwrap();
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.set_peer_target_name(addr("192.0.2.1:1"), "host/\"quoted\"\\\n")
        .unwrap();
    let line = net.trace().records().last().unwrap().to_json();
    // The args are `name="host/\"quoted\"\\\n"` (the name's Debug form), escaped once more.
    let expected = r#""args":"name=\"host/\\\"quoted\\\"\\\\\\n\", protocol=Default""#;
    assert!(line.contains(expected), "{line}");
    assert!(!line.contains('\n'));
}

#[test]
fn a_forgotten_enter_gets_wsanotinitialised_and_says_why() {
    // Its own thread, so that no other test's entered network is on it.
    std::thread::Builder::new()
        .name("forgot-enter".into())
        .spawn(|| {
            let net = Network::new();
            let _wsa = net.startup().unwrap();
            net.set_strict(true);
            net.start_trace();
            // The code under test calls sys, but the test never entered `net`.
            let s = unsafe { sys::socket(AF_INET.into(), SOCK_STREAM, 0) };
            assert_eq!(s, INVALID_SOCKET);
            assert_eq!(unsafe { sys::WSAGetLastError() }, WSANOTINITIALISED);
            assert_eq!(Network::global().startup_count(), 0);

            let reports = net.take_strict_reports();
            assert_eq!(reports.len(), 1, "{reports:?}");
            assert_eq!(reports[0].rule, NETWORK_NOT_ENTERED);
            assert!(reports[0]
                .what
                .contains("forgot `let _current = net.enter();`"));
            assert_eq!(reports[0].thread, "forgot-enter");
            let trace = net.trace();
            let stray = trace.calls(Call::Socket).next().unwrap();
            assert_eq!(stray.result, Err(Error::NotInitialised));
            assert_eq!(stray.args, "on the process-wide network");
            assert!(stray
                .note
                .as_deref()
                .unwrap()
                .starts_with("socket on this thread reached the process-wide network"));

            // Entered, the same call works and nothing more is reported.
            let _current = net.enter();
            let s = unsafe { sys::socket(AF_INET.into(), SOCK_STREAM, 0) };
            assert_ne!(s, INVALID_SOCKET);
            assert_eq!(unsafe { sys::closesocket(s) }, 0);
            assert!(net.take_strict_reports().is_empty());
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn a_dropped_network_is_not_told_and_a_thread_without_one_tells_no_one() {
    std::thread::spawn(|| {
        let old = Network::new();
        old.set_strict(true);
        let watcher = old.clone();
        drop(old);
        // `watcher` keeps the network alive: still this thread's, so it is told.
        let s = unsafe { sys::socket(AF_INET.into(), SOCK_STREAM, 0) };
        assert_eq!(s, INVALID_SOCKET);
        assert_eq!(watcher.take_strict_reports().len(), 1);
    })
    .join()
    .unwrap();
    let other = Network::new();
    other.set_strict(true);
    std::thread::spawn(|| {
        // This thread made no network: the failure is Windows's alone.
        let s = unsafe { sys::socket(AF_INET.into(), SOCK_STREAM, 0) };
        assert_eq!(s, INVALID_SOCKET);
        assert_eq!(unsafe { sys::WSAGetLastError() }, WSANOTINITIALISED);
    })
    .join()
    .unwrap();
    assert!(other.take_strict_reports().is_empty());
}
