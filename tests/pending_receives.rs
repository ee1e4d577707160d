//! Overlapped receives that find nothing to take pend (`WSA_IO_PENDING`) and complete when
//! data comes from another thread, through `hEvent` or the completion routine; several are
//! filled in posting order; the peer's FIN, a reset and a close complete them
//! (`pending-receives`).

mod common;
mod overlapped_support;

use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use overlapped_support::{new_event, Ov};
use winsock_emu::sys::*;
use winsock_emu::{Domain, Network, Type};

/// One overlapped `WSARecv` into `buf` completing through `ov`'s event (or `routine`): the
/// call's return and last error.
fn post(
    s: SOCKET,
    buf: &mut [u8],
    ov: &Ov,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> (i32, i32) {
    let wsabuf = WSABUF {
        len: buf.len() as u32,
        buf: buf.as_mut_ptr(),
    };
    let mut flags = 0u32;
    let rc = unsafe {
        WSARecv(
            s,
            &wsabuf,
            1,
            ptr::null_mut(),
            &mut flags,
            ov.ptr(),
            routine,
        )
    };
    (rc, if rc == 0 { 0 } else { last_error() })
}

/// An OVERLAPPED with a fresh event.
fn with_event() -> Ov {
    Ov::new(new_event())
}

/// `WSAGetOverlappedResult(.., fWait TRUE)`: the byte count or the error.
fn result_of(s: SOCKET, ov: &Ov) -> Result<u32, i32> {
    let (mut bytes, mut flags) = (0u32, 0u32);
    let ok = unsafe { WSAGetOverlappedResult(s, ov.ptr(), &mut bytes, TRUE, &mut flags) };
    if ok == TRUE {
        Ok(bytes)
    } else {
        Err(last_error())
    }
}

#[test]
fn the_wsarecv_page_s_event_sample_with_data_sent_later_by_another_thread() {
    // Under Miri, a few rounds of the two threads (200 take many minutes there).
    for _ in 0..if cfg!(miri) { 3 } else { 200 } {
        let env = env();
        let (client, server) = accepted_pair(&env.net, "127.0.0.1:7400");
        let s = server.as_raw();
        let mut buf = [0u8; 4096];
        let ov = with_event();
        // The sample: WSARecv, and WSA_IO_PENDING is not an error.
        assert_eq!(post(s, &mut buf, &ov, None), (SOCKET_ERROR, WSA_IO_PENDING));
        let sender = env.net.spawn(move || client.send(b"hello from the client"));
        // WSAWaitForMultipleEvents(1, &event, TRUE, INFINITE, TRUE), then the result.
        let event = ov.event();
        let waited = unsafe { WSAWaitForMultipleEvents(1, &event, TRUE, WSA_INFINITE, TRUE) };
        assert_eq!(waited, WSA_WAIT_EVENT_0 as u32);
        assert_eq!(result_of(s, &ov), Ok(21));
        assert_eq!(&buf[..21], b"hello from the client");
        assert_eq!(sender.join().unwrap(), Ok(21));
        unsafe { WSACloseEvent(event as _) };
    }
}

#[test]
fn several_pending_receives_are_filled_in_posting_order() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7401");
    let s = server.as_raw();
    let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
    let (ov_a, ov_b) = (with_event(), with_event());
    assert_eq!(post(s, &mut a, &ov_a, None).1, WSA_IO_PENDING);
    assert_eq!(post(s, &mut b, &ov_b, None).1, WSA_IO_PENDING);
    // One 32-byte send fills both, each completely (facts 1.3).
    let mut data = [b'x'; 32];
    data[16..].fill(b'y');
    client.send(&data).unwrap();
    assert_eq!(result_of(s, &ov_a), Ok(16));
    assert_eq!(result_of(s, &ov_b), Ok(16));
    assert_eq!((a, b), ([b'x'; 16], [b'y'; 16]));
}

static ROUTINE_BYTES: AtomicU32 = AtomicU32::new(0);

unsafe extern "system" fn record(error: u32, bytes: u32, _ov: *mut OVERLAPPED, _flags: u32) {
    assert_eq!(error, 0);
    ROUTINE_BYTES.store(bytes, Ordering::SeqCst);
}

#[test]
fn a_pending_receive_completes_through_its_routine_in_an_alertable_wait() {
    let env = env();
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7402");
    let mut buf = [0u8; 8];
    let ov = Ov::new(ptr::null_mut());
    let posted = post(server.as_raw(), &mut buf, &ov, Some(record));
    assert_eq!(posted, (SOCKET_ERROR, WSA_IO_PENDING));
    let sender = env.net.spawn(move || client.send(b"abc"));
    assert_eq!(sender.join().unwrap(), Ok(3));
    assert_eq!(unsafe { SleepEx(0, TRUE) }, WAIT_IO_COMPLETION);
    assert_eq!(ROUTINE_BYTES.load(Ordering::SeqCst), 3);
    assert_eq!(&buf[..3], b"abc");
}

#[test]
fn choice_pending_receives_end_at_fin_reset_and_close() {
    let env = env();
    let mut buf = [0u8; 8];
    // The peer's FIN: 0 bytes.
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7403");
    let ov = with_event();
    assert_eq!(post(server.as_raw(), &mut buf, &ov, None).1, WSA_IO_PENDING);
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(result_of(server.as_raw(), &ov), Ok(0));
    // A reset: WSAECONNRESET.
    let (client, server) = accepted_pair(&env.net, "127.0.0.1:7404");
    let ov = with_event();
    assert_eq!(post(server.as_raw(), &mut buf, &ov, None).1, WSA_IO_PENDING);
    env.net.reset_connection(&client).unwrap();
    assert_eq!(result_of(server.as_raw(), &ov), Err(WSAECONNRESET));
    // Its own socket closed: WSAECONNABORTED, through the event.
    let (_client, server) = accepted_pair(&env.net, "127.0.0.1:7405");
    let s = server.into_raw();
    let ov = with_event();
    assert_eq!(post(s, &mut buf, &ov, None).1, WSA_IO_PENDING);
    assert_eq!(unsafe { closesocket(s) }, 0);
    let event = ov.event();
    let waited = unsafe { WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) };
    assert_eq!(waited, WSA_WAIT_EVENT_0 as u32, "signalled by the close");
    assert_eq!(
        ov.status().0,
        WSAECONNABORTED as usize,
        "the status in the OVERLAPPED"
    );
}

#[test]
fn a_pending_wsarecvfrom_gets_the_datagram_and_its_sender() {
    let net = Network::new();
    let _current = net.enter();
    let _wsa = net.startup().unwrap();
    let server = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind("127.0.0.1:7406".parse().unwrap()).unwrap();
    let mut buf = [0u8; 16];
    let wsabuf = WSABUF {
        len: 16,
        buf: buf.as_mut_ptr(),
    };
    let mut from = [0u8; 16];
    let mut from_len = 16i32;
    let mut flags = 0u32;
    let ov = with_event();
    let rc = unsafe {
        WSARecvFrom(
            server.as_raw(),
            &wsabuf,
            1,
            ptr::null_mut(),
            &mut flags,
            from.as_mut_ptr().cast(),
            &mut from_len,
            ov.ptr(),
            None,
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSA_IO_PENDING));
    let sender = net.spawn(|| {
        let udp = Network::current()
            .socket(Domain::IPV4, Type::DGRAM, None)
            .unwrap();
        udp.bind("127.0.0.1:7407".parse().unwrap()).unwrap();
        udp.send_to(b"ping", "127.0.0.1:7406".parse().unwrap())
    });
    assert_eq!(sender.join().unwrap(), Ok(4));
    assert_eq!(result_of(server.as_raw(), &ov), Ok(4));
    assert_eq!(&buf[..4], b"ping");
    assert_eq!(from_len, 16);
    assert_eq!(from.to_vec(), sockaddr("127.0.0.1:7407".parse().unwrap()));
}
