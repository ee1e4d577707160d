//! The testing aids: fault injection, call traces, spawning threads on a network, and
//! determinism.

mod common;

use std::net::SocketAddr;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::testing::{Call, CallRecord, Fault};
use winsock_emu::{Domain, Error, Network, Type};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn a_fault_fails_the_next_call_through_either_face_and_changes_nothing() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let name = name_for("192.0.2.1:500", "host/a");
    let _fault = env
        .net
        .inject(Fault::fail(Call::SetPeerTargetName, Error::NoBufferSpace));
    assert_fails_unchanged(&env.net, WSAENOBUFS, || set(Face::Function, s, &name));
    assert_eq!(set(Face::Ioctl, s, &name), Ok(()), "used up after one call");
    let _fault = env
        .net
        .inject(Fault::fail(Call::SetPeerTargetName, Error::NoBufferSpace));
    assert_fails_unchanged(&env.net, WSAENOBUFS, || set(Face::Ioctl, s, &name));
    let safe = winsock_emu::Socket::from_raw(&env.net, s);
    let _fault = env
        .net
        .inject(Fault::fail(Call::SetPeerTargetName, Error::NoBufferSpace));
    assert_eq!(
        safe.set_peer_target_name(addr("192.0.2.1:500"), "host/a"),
        Err(Error::NoBufferSpace)
    );
    let _ = safe.into_raw();
}

#[test]
fn a_counted_fault_fails_n_calls_then_stops() {
    let env = env();
    let _fault = env
        .net
        .inject(Fault::fail(Call::Socket, Error::TooManySockets).times(3));
    for _ in 0..3 {
        assert_eq!(
            env.net
                .socket(Domain::IPV4, Type::STREAM, None)
                .unwrap_err(),
            Error::TooManySockets
        );
    }
    assert!(env.net.socket(Domain::IPV4, Type::STREAM, None).is_ok());
}

#[test]
fn an_always_fault_on_one_socket_leaves_other_sockets_alone() {
    let env = env();
    let faulty = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let healthy = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let id = env
        .net
        .inject(
            Fault::fail(Call::SetPeerTargetName, Error::Invalid)
                .on_socket(faulty.as_raw())
                .always(),
        )
        .forever();
    for _ in 0..5 {
        assert_eq!(
            faulty.set_peer_target_name(addr("192.0.2.1:1"), "host/a"),
            Err(Error::Invalid)
        );
        assert_eq!(
            healthy.set_peer_target_name(addr("192.0.2.1:1"), "host/a"),
            Ok(())
        );
    }
    assert!(env.net.remove_fault(id));
    assert!(!env.net.remove_fault(id));
    assert_eq!(
        faulty.set_peer_target_name(addr("192.0.2.1:1"), "host/a"),
        Ok(())
    );
}

#[test]
fn a_fault_guard_removes_its_rule_when_dropped_and_forever_keeps_it() {
    let env = env();
    let stream = || {
        env.net
            .socket(Domain::IPV4, Type::STREAM, None)
            .map(|s| s.into_raw())
    };
    {
        let guard = env
            .net
            .inject(Fault::fail(Call::Socket, Error::TooManySockets).always());
        assert_eq!(stream(), Err(Error::TooManySockets));
        assert_eq!(stream(), Err(Error::TooManySockets));
        let _ = guard.id();
    }
    assert!(stream().is_ok(), "the dropped guard removed the rule");

    let used_up = env
        .net
        .inject(Fault::fail(Call::Socket, Error::TooManySockets));
    assert_eq!(stream(), Err(Error::TooManySockets));
    assert!(!used_up.remove(), "a used-up rule is already gone");

    let kept = env
        .net
        .inject(Fault::fail(Call::Socket, Error::TooManySockets).always())
        .forever();
    assert_eq!(stream(), Err(Error::TooManySockets));
    assert!(env.net.remove_fault(kept));
    assert!(stream().is_ok());

    // A guard that outlives its network removes nothing and does not panic.
    let network = Network::new();
    let orphan = network.inject(Fault::fail_any(Error::NetworkDown).always());
    drop(network);
    drop(orphan);
}

#[test]
fn refused_connections_to_one_address_only() {
    let env = env();
    let (_listener, _) = connected_stream(&env.net, "127.0.0.1:80");
    let _fault = env
        .net
        .inject(Fault::refuse_connections_to(addr("127.0.0.1:80")));
    let client = env.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    let before = env.net.snapshot();
    assert_eq!(
        client.connect(addr("127.0.0.1:80")),
        Err(Error::ConnectionRefused)
    );
    assert_eq!(env.net.snapshot(), before);
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert_eq!(udp.connect(addr("127.0.0.1:81")), Ok(()));
    env.net.clear_faults();
    assert_eq!(client.connect(addr("127.0.0.1:80")), Ok(()));
}

#[test]
fn faults_are_scoped_to_their_network() {
    let faulty = Network::new();
    let other = Network::new();
    let _fault = faulty.inject(Fault::fail_any(Error::NotInitialised).always());
    assert_eq!(faulty.startup().unwrap_err(), Error::NotInitialised);
    let _wsa = other.startup().unwrap();
    assert!(other.socket(Domain::IPV4, Type::DGRAM, None).is_ok());
}

#[test]
fn the_trace_records_every_call_in_order_with_decoded_arguments() {
    let env = env();
    env.net.start_trace();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(
        set(Face::Function, s, &name_for("192.0.2.1:500", "host/a")),
        Ok(())
    );
    assert_eq!(
        set(Face::Ioctl, s, &name_for("0.0.0.0:0", "host/z")),
        Err(WSAEINVAL)
    );
    let _fault = env
        .net
        .inject(Fault::fail(Call::Connect, Error::NetworkDown));
    let safe = winsock_emu::Socket::from_raw(&env.net, s);
    assert_eq!(safe.connect(addr("192.0.2.1:500")), Err(Error::NetworkDown));
    let _ = safe.into_raw();
    let trace = env.net.stop_trace();
    let calls: Vec<Call> = trace.records().iter().map(|r| r.call).collect();
    assert_eq!(
        calls,
        [
            Call::Socket,
            Call::SetPeerTargetName,
            Call::SetPeerTargetName,
            Call::Connect
        ]
    );
    let seqs: Vec<u64> = trace.records().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
    let set_ok = &trace.records()[1];
    assert_eq!(
        (set_ok.socket, set_ok.peer),
        (Some(s), Some(addr("192.0.2.1:500")))
    );
    assert!(set_ok.args.contains("\"host/a\""), "{}", set_ok.args);
    assert_eq!(set_ok.result, Ok("0".into()));
    assert_eq!(trace.records()[2].result, Err(Error::Invalid));
    assert!(trace.records()[3].injected);
    assert_eq!(
        trace.records()[0].thread,
        std::thread::current().name().unwrap()
    );
    let text = trace.to_string();
    assert!(
        text.contains("WSASetSocketPeerTargetName(s=0x100, peer=192.0.2.1:500"),
        "{text}"
    );
    assert!(text.contains("WSAENETDOWN (10050)"), "{text}");
    assert!(text.contains("[injected]"), "{text}");
    assert!(
        env.net.trace().records().is_empty(),
        "stopped: nothing more is recorded"
    );
}

#[test]
fn ordering_assertions_pass_and_fail_with_the_whole_trace() {
    let env = env();
    env.net.start_trace();
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let peer = addr("192.0.2.9:500");
    let named = |r: &CallRecord| {
        r.call == Call::SetPeerTargetName && r.peer == Some(peer) && r.result.is_ok()
    };
    let connected = |r: &CallRecord| r.call == Call::Connect && r.peer == Some(peer);
    udp.connect(peer).unwrap();
    let message = env.net.trace().check_before(named, connected).unwrap_err();
    assert!(
        message.contains("no call matching the earlier condition"),
        "{message}"
    );
    assert!(
        message.contains("connect(s=0x100, peer=192.0.2.9:500) -> 0"),
        "{message}"
    );
    let udp2 = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp2.set_peer_target_name(peer, "host/peer").unwrap();
    udp2.connect(peer).unwrap();
    let udp2_handle = udp2.as_raw();
    let mine = move |r: &CallRecord| r.socket == Some(udp2_handle);
    let trace = env.net.trace();
    trace.assert_before(|r| named(r) && mine(r), |r| connected(r) && mine(r));
    let panic = std::panic::catch_unwind(|| {
        trace.assert_before(|r| connected(r) && mine(r), |r| named(r) && mine(r))
    });
    assert!(panic.is_err(), "a wrong order panics");
}

#[test]
fn trace_on_failure_keeps_tracing_while_it_lives() {
    let env = env();
    {
        let _guard = env.net.trace_on_failure();
        raw_socket(AF_INET, SOCK_STREAM, 0);
    }
    assert_eq!(env.net.trace().calls(Call::Socket).count(), 1);
}

#[test]
fn spawned_threads_use_the_network_and_are_traced_with_their_names() {
    let env = env();
    env.net.start_trace();
    let net = env.net.clone();
    let handle = std::thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            net.spawn(|| unsafe { socket(AF_INET.into(), SOCK_DGRAM, 0) })
                .join()
                .unwrap()
        })
        .unwrap();
    let s = handle.join().unwrap();
    assert_ne!(
        s, INVALID_SOCKET,
        "the spawned thread saw the started network"
    );
    assert_eq!(env.net.socket_count(), 1);
    assert_eq!(
        Network::global().socket_count(),
        0,
        "nothing leaked into the process-wide network"
    );
}

/// One traced call without its thread and sequence number: what must repeat exactly.
type Observed = (
    Call,
    Option<SOCKET>,
    Option<SocketAddr>,
    String,
    Result<String, Error>,
);

/// A script of calls mixing both faces and several errors.
fn script() -> (Vec<Observed>, winsock_emu::NetworkSnapshot) {
    let env = env();
    env.net.start_trace();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:8000");
    let (accepted, _) = listener.accept().unwrap();
    let udp = raw_socket(AF_INET6, SOCK_DGRAM, 0);
    let _ = set(
        Face::Function,
        udp,
        &name_for("[2001:db8::1]:53", "host/dns"),
    );
    let _ = set(Face::Ioctl, udp, &name_for("192.0.2.1:53", "host/bad"));
    let _ = client.set_peer_target_name(addr("127.0.0.1:8000"), "host/late");
    let ephemeral = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    ephemeral.bind(addr("0.0.0.0:0")).unwrap();
    drop(accepted);
    let trace = env.net.stop_trace();
    let calls = trace
        .records()
        .iter()
        .map(|r| (r.call, r.socket, r.peer, r.args.clone(), r.result.clone()))
        .collect();
    (calls, env.net.snapshot())
}

#[test]
fn the_same_calls_give_the_same_handles_ports_and_results() {
    let first = script();
    for _ in 0..3 {
        assert_eq!(script(), first);
    }
    let runs: Vec<_> = (0..4).map(|_| std::thread::spawn(script)).collect();
    for run in runs {
        assert_eq!(
            run.join().unwrap(),
            first,
            "parallel runs on their own networks agree"
        );
    }
}

#[test]
fn a_pend_fault_makes_one_overlapped_call_pend_until_the_test_completes_it() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0); // socket() is overlapped
    let name = name_for("192.0.2.1:500", "host/a");
    let _fault = env
        .net
        .inject(Fault::pend(Call::SetPeerTargetName).on_socket(s));
    // The safe API passes no OVERLAPPED: it completes as usual and leaves the rule alone.
    let safe = winsock_emu::Socket::from_raw(&env.net, s);
    assert_eq!(
        safe.set_peer_target_name(addr("192.0.2.2:500"), "host/b"),
        Ok(())
    );
    let _ = safe.into_raw();
    let mut overlapped = OVERLAPPED {
        hEvent: unsafe { WSACreateEvent() } as _,
        ..OVERLAPPED::default()
    };
    let call = |overlapped: &mut OVERLAPPED| unsafe {
        WSASetSocketPeerTargetName(s, name.as_ptr().cast(), name.len() as u32, overlapped, None)
    };
    assert_eq!(call(&mut overlapped), SOCKET_ERROR);
    assert_eq!(last_error(), WSA_IO_PENDING);
    let pending = env.net.pending_operations();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].socket(), s);
    let (mut transferred, mut flags) = (0u32, 0u32);
    let incomplete =
        unsafe { WSAGetOverlappedResult(s, &overlapped, &mut transferred, FALSE, &mut flags) };
    assert_eq!((incomplete, last_error()), (FALSE, WSA_IO_INCOMPLETE));
    assert!(pending[0].complete());
    let done =
        unsafe { WSAGetOverlappedResult(s, &overlapped, &mut transferred, FALSE, &mut flags) };
    assert_eq!(done, TRUE);
    // Used up: the next overlapped call completes at once.
    assert_eq!(call(&mut overlapped), 0);
    unsafe { WSACloseEvent(overlapped.hEvent as _) };
}

/// Two datagram sockets: a receiver bound at `at`, and a sender.
fn datagram_pair(net: &Network, at: &str) -> (winsock_emu::Socket, winsock_emu::Socket) {
    let receiver = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    receiver.bind(addr(at)).unwrap();
    let sender = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    (receiver, sender)
}

fn received(socket: &winsock_emu::Socket) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok((n, _)) = socket.recv_from(&mut buf) {
        out.push(buf[..n].to_vec());
    }
    out
}

#[test]
fn datagrams_can_be_dropped_duplicated_and_delayed() {
    let env = env();
    let (receiver, sender) = datagram_pair(&env.net, "127.0.0.1:5353");
    let to = addr("127.0.0.1:5353");
    let _fault = env.net.inject(Fault::drop_datagrams_to(to));
    assert_eq!(sender.send_to(b"lost", to), Ok(4), "the sender cannot tell");
    let _fault = env.net.inject(Fault::duplicate_datagrams_to(to));
    sender.send_to(b"twice", to).unwrap();
    let _fault = env.net.inject(Fault::delay_datagrams_to(to));
    sender.send_to(b"late", to).unwrap();
    sender.send_to(b"on time", to).unwrap();
    assert_eq!(
        received(&receiver),
        [b"twice".to_vec(), b"twice".to_vec(), b"on time".to_vec()]
    );
    assert_eq!(env.net.deliver_delayed(), 1);
    assert_eq!(received(&receiver), [b"late".to_vec()]);
    assert_eq!(env.net.deliver_delayed(), 0);
}

#[test]
fn datagram_faults_follow_their_filters() {
    let env = env();
    let (receiver, sender) = datagram_pair(&env.net, "127.0.0.1:6000");
    let other = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let to = addr("127.0.0.1:6000");
    let _fault = env.net.inject(
        Fault::drop_datagrams_to(to)
            .on_socket(sender.as_raw())
            .always(),
    );
    let _fault = env
        .net
        .inject(Fault::drop_datagrams_to(addr("127.0.0.1:6001")).always());
    sender.send_to(b"a", to).unwrap();
    other.send_to(b"b", to).unwrap();
    sender.send_to(b"c", to).unwrap();
    assert_eq!(received(&receiver), [b"b".to_vec()]);
}

#[test]
fn a_connection_can_be_reset_from_the_network() {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:7070");
    let (accepted, _) = listener.accept().unwrap();
    env.net.reset_connection(&client).unwrap();
    assert_eq!(client.send(b"x"), Err(Error::ConnectionReset));
    let mut buf = [0u8; 4];
    assert_eq!(accepted.recv(&mut buf), Err(Error::ConnectionReset));
    let udp = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert_eq!(env.net.reset_connection(&udp), Err(Error::NotConnected));
    assert_eq!(
        env.net.reset_connection(&listener),
        Err(Error::NotConnected)
    );
}
