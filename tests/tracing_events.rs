//! The `tracing` feature: every emulated call, through either face, is one `tracing` event
//! with the call, the socket, the address, the arguments and the result code.
//! `cargo test --features tracing --test tracing_events`.
#![cfg(feature = "tracing")]

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use winsock_emu::sys::{self, AF_INET, SOCK_DGRAM, WSAEFAULT};
use winsock_emu::{Domain, Error, Network, Type};

/// One event's fields, as `name=value` strings.
type Fields = Vec<(String, String)>;

/// A subscriber that keeps every event of the `winsock_emu` target.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Fields>>>);

struct Fieldset<'a>(&'a mut Fields);

impl Visit for Fieldset<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push((field.name().into(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().into(), value.into()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.push((field.name().into(), value.to_string()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.push((field.name().into(), value.to_string()));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "winsock_emu"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fieldset(&mut fields));
        self.0.lock().unwrap().push(fields);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field, _)| field == name)
        .map_or("", |(_, value)| value)
}

/// The two tests take turns. `tracing` caches each callsite's interest when the callsite is
/// first hit, from the dispatchers that exist then; a callsite first hit by the test without
/// a subscriber while the other test was making its own could cache "never" after the other
/// test's dispatcher had rebuilt the cache, and the collecting test then saw no event (1 run
/// in about 20 with both on their own threads). In turns, the collecting test's dispatcher
/// is always made after the other test's callsites are registered, and rebuilds them.
static TURNS: Mutex<()> = Mutex::new(());

#[test]
fn every_call_through_either_face_is_one_event() {
    let _turn = TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let collect = Collect::default();
    let events = Arc::clone(&collect.0);
    tracing::subscriber::with_default(collect, || {
        let net = Network::new();
        let _current = net.enter();
        let _wsa = net.startup().unwrap();
        let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
        udp.bind("127.0.0.1:5000".parse().unwrap()).unwrap();
        udp.set_peer_target_name("192.0.2.1:500".parse().unwrap(), "host/peer")
            .unwrap();
        let raw = unsafe { sys::socket(AF_INET.into(), SOCK_DGRAM, 0) };
        let rc = unsafe {
            sys::WSASetSocketPeerTargetName(raw, std::ptr::null(), 0, std::ptr::null(), None)
        };
        assert_eq!(
            (rc, unsafe { sys::WSAGetLastError() }),
            (sys::SOCKET_ERROR, WSAEFAULT)
        );
        assert_eq!(udp.listen(1), Err(Error::OperationNotSupported));
    });
    let events = events.lock().unwrap();
    let calls: Vec<&str> = events.iter().map(|e| field(e, "call")).collect();
    assert_eq!(
        calls,
        [
            "WSAStartup",
            "socket",
            "bind",
            "WSASetSocketPeerTargetName",
            "socket",
            "WSASetSocketPeerTargetName",
            "listen",
            "closesocket", // the safe socket, dropped
            "WSACleanup",  // the startup guard, dropped
        ]
    );
    let bind = &events[2];
    assert_eq!(field(bind, "socket"), "256");
    assert_eq!(field(bind, "address"), "127.0.0.1:5000");
    assert_eq!(field(bind, "code"), "0");
    let named = &events[3];
    assert_eq!(field(named, "address"), "192.0.2.1:500");
    assert!(field(named, "args").contains("\"host/peer\""));
    assert_eq!(field(&events[5], "code"), WSAEFAULT.to_string());
    assert_eq!(field(&events[5], "result"), "WSAEFAULT");
    assert_eq!(field(&events[6], "code"), "10045");
}

#[test]
fn without_a_subscriber_nothing_is_emitted_and_calls_work() {
    let _turn = TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let net = Network::new();
    let _wsa = net.startup().unwrap();
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert!(udp
        .set_peer_target_name("192.0.2.1:500".parse().unwrap(), "host/peer")
        .is_ok());
}
