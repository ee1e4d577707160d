use std::sync::Arc;
use std::time::Duration;

use super::port::Pointer;
use super::*;
use crate::model::waits::Waits;

fn packet(key: usize) -> Packet {
    Packet {
        bytes: key as u32,
        key,
        overlapped: Pointer::default(),
        status: 0,
    }
}

#[test]
fn packets_nobody_waits_for_are_taken_first_in_first_out() {
    let port = Port::new(Waits::default());
    for key in 1..=3 {
        assert!(port.post(packet(key)));
    }
    assert_eq!(
        port.dequeue("test", 2, Some(Duration::ZERO), false),
        Dequeued::Packets(vec![packet(1), packet(2)])
    );
    assert_eq!(
        port.dequeue("test", 5, Some(Duration::ZERO), false),
        Dequeued::Packets(vec![packet(3)])
    );
    assert_eq!(
        port.dequeue("test", 1, Some(Duration::ZERO), false),
        Dequeued::TimedOut
    );
    assert_eq!(
        port.dequeue("test", 1, Some(Duration::from_millis(5)), false),
        Dequeued::TimedOut
    );
}

/// Waits until `count` threads wait on the port, bounded.
fn until_waiting(port: &Port, count: usize) {
    for _ in 0..10_000 {
        if port.counts().0 == count {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("{count} waiters never came");
}

#[test]
fn the_last_thread_to_wait_gets_the_next_packet() {
    let port = Arc::new(Port::new(Waits::default()));
    let wait = |port: &Arc<Port>| {
        let port = Arc::clone(port);
        std::thread::spawn(move || port.dequeue("test", 1, Some(Duration::from_secs(20)), false))
    };
    let first = wait(&port);
    until_waiting(&port, 1);
    let second = wait(&port);
    until_waiting(&port, 2);
    // The first is outrun by the second (it sleeps instead of watching), and a post to
    // it still wakes it, below.
    assert_eq!(port.outrun(), vec![true, false]);
    assert!(port.post(packet(7)));
    assert_eq!(second.join().unwrap(), Dequeued::Packets(vec![packet(7)]));
    assert_eq!(port.counts(), (1, 0));
    assert!(port.post(packet(8)));
    assert_eq!(first.join().unwrap(), Dequeued::Packets(vec![packet(8)]));
}

#[test]
fn closing_wakes_every_waiter_abandoned_and_drops_later_posts() {
    let port = Arc::new(Port::new(Waits::default()));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let port = Arc::clone(&port);
            std::thread::spawn(move || port.dequeue("test", 1, None, false))
        })
        .collect();
    until_waiting(&port, 3);
    port.close();
    for waiter in waiters {
        assert_eq!(waiter.join().unwrap(), Dequeued::Abandoned);
    }
    assert!(!port.post(packet(1)));
    assert_eq!(
        port.dequeue("test", 1, Some(Duration::ZERO), false),
        Dequeued::Abandoned
    );
}

#[test]
fn handles_are_ports_until_closed() {
    let table = SocketTable::default();
    let handle = create(&table).unwrap();
    assert_eq!(handle % 4, choices::FIRST_PORT % 4);
    assert!(get(handle).is_ok());
    assert_eq!(close(handle), Ok(()));
    assert_eq!(close(handle), Err(Error::InvalidHandle));
    assert!(get(handle).is_err());
}

#[test]
fn a_socket_joins_one_port_only() {
    let table = SocketTable::default();
    table.startup(0x0202).unwrap();
    let socket = table.create(2, 1, 0, true).unwrap();
    let (a, b) = (create(&table).unwrap(), create(&table).unwrap());
    assert_eq!(associate(&table, socket, a, 9), Ok(()));
    assert_eq!(
        associate(&table, socket, b, 9),
        Err(Error::InvalidParameter)
    );
    assert_eq!(
        associate(&table, socket, a, 9),
        Err(Error::InvalidParameter)
    );
    assert_eq!(associate(&table, 0x4, a, 9), Err(Error::NotSocket));
    assert_eq!(association(&table, socket).map(|found| found.key), Some(9));
    assert_eq!(skip_on_success(&table, socket), Ok(()));
    assert!(association(&table, socket).unwrap().skip_on_success);
    close(a).unwrap();
    assert!(association(&table, socket).is_none());
    // A closed socket leaves the port it joined.
    let other = table.create(2, 1, 0, true).unwrap();
    assert_eq!(associate(&table, other, b, 1), Ok(()));
    table.close(other).unwrap();
    assert!(association(&table, other).is_none());
    close(b).unwrap();
}
