//! The `WSABUF` arrays of `WSASend`, `WSARecv` and `WSARecvFrom`: checked whole, in order,
//! before anything is sent or consumed; a zero count and empty buffers; and the order of
//! the argument checks.

mod common;

use common::wsa::*;
use common::*;
use winsock_emu::sys::*;

#[test]
fn choice_wsabuf_arrays_zero_count_and_empty_buffers() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6006");
    assert_eq!(wsa_send(client.as_raw(), &[], 0), Reported::ok(0, 0));
    client.send(b"kept").unwrap();
    assert_eq!(wsa_recv(server.as_raw(), &[], 0), Reported::ok(0, 0));
    let empty = WSABUF {
        len: 0,
        buf: std::ptr::null_mut(),
    };
    let mut byte = [FILL; 2];
    let bufs = [
        empty,
        WSABUF {
            len: 2,
            buf: byte.as_mut_ptr(),
        },
        empty,
    ];
    assert_eq!(wsa_recv(server.as_raw(), &bufs, 0), Reported::ok(2, 0));
    assert_eq!(&byte, b"ke", "a NULL buffer of length 0 is skipped");
    assert_eq!(
        wsa_send(client.as_raw(), &[empty, empty], 0),
        Reported::ok(0, 0)
    );

    let (udp_client, udp_server) = datagram_pair(&env, "127.0.0.1:6007");
    assert_eq!(wsa_send(udp_client.as_raw(), &[], 0), Reported::ok(0, 0));
    let mut from = Sender::room(16);
    let (reported, _) = recv_from_into(udp_server.as_raw(), &[4], 0, Some(&mut from));
    assert_eq!(reported, Reported::ok(0, 0), "an empty datagram");
    assert_eq!(from.written(), sockaddr(udp_client.local_addr().unwrap()));
}

/// Two buffers whose lengths together exceed `u32::MAX`, at a dangling address: the
/// emulator must refuse them before reading a byte (Miri would report any read).
fn oversized() -> [WSABUF; 2] {
    let dangling = std::ptr::NonNull::<u8>::dangling().as_ptr();
    [WSABUF {
        len: u32::MAX / 2 + 1,
        buf: dangling,
    }; 2]
}

#[test]
fn choice_wsabuf_arrays_are_checked_whole_before_anything_moves() {
    let env = env();
    let (client, server) = stream_pair(&env, "127.0.0.1:6013");
    client.send(b"waiting").unwrap();
    let (c, s) = (client.as_raw(), server.as_raw());
    let null_array = |count| unsafe {
        let (mut sent, mut flags) = (SENTINEL, 0);
        let send = WSASend(
            c,
            std::ptr::null(),
            count,
            &mut sent,
            0,
            std::ptr::null_mut(),
            None,
        );
        let send = outcome(send);
        let recv = WSARecv(
            s,
            std::ptr::null(),
            count,
            &mut sent,
            &mut flags,
            std::ptr::null_mut(),
            None,
        );
        assert_eq!(sent, SENTINEL);
        (send, outcome(recv))
    };
    let before = env.net.snapshot();
    assert_eq!(null_array(2), (Err(WSAEFAULT), Err(WSAEFAULT)));
    assert_eq!(env.net.snapshot(), before);

    let data = *b"sent?";
    let mut room = [FILL; 8];
    let null_second = [
        WSABUF {
            len: 5,
            buf: data.as_ptr().cast_mut(),
        },
        WSABUF {
            len: 1,
            buf: std::ptr::null_mut(),
        },
    ];
    assert_fails_unchanged(&env.net, WSAEFAULT, || wsa_send(c, &null_second, 0).result);
    let null_second_in = [
        WSABUF {
            len: 8,
            buf: room.as_mut_ptr(),
        },
        null_second[1],
    ];
    assert_fails_unchanged(&env.net, WSAEFAULT, || {
        wsa_recv(s, &null_second_in, 0).result
    });
    assert_eq!(room, [FILL; 8], "nothing received into the first buffer");

    assert_fails_unchanged(&env.net, WSAEINVAL, || wsa_send(c, &oversized(), 0).result);
    assert_fails_unchanged(&env.net, WSAEINVAL, || wsa_recv(s, &oversized(), 0).result);

    let one = [null_second_in[0]];
    let no_count = |flags: *mut u32| unsafe {
        let send = WSASend(
            c,
            one.as_ptr(),
            1,
            std::ptr::null_mut(),
            0,
            std::ptr::null_mut(),
            None,
        );
        let recv = WSARecv(
            s,
            one.as_ptr(),
            1,
            std::ptr::null_mut(),
            flags,
            std::ptr::null_mut(),
            None,
        );
        (outcome(send), outcome(recv))
    };
    let mut flags = 0;
    let before = env.net.snapshot();
    assert_eq!(no_count(&mut flags), (Err(WSAEFAULT), Err(WSAEFAULT)));
    let mut count = SENTINEL;
    let null_flags = unsafe {
        WSARecv(
            s,
            one.as_ptr(),
            1,
            &mut count,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            None,
        )
    };
    assert_eq!((outcome(null_flags), count), (Err(WSAEFAULT), SENTINEL));
    assert_eq!(env.net.snapshot(), before);

    // The order: socket, count pointer, flags pointer, array, sender's room, operation.
    let closed = raw_socket(AF_INET, SOCK_STREAM, 0);
    unsafe { closesocket(closed) };
    assert_eq!(
        wsa_recv(closed, &oversized(), 0),
        Reported::failed(WSAENOTSOCK, 0)
    );
    let flags_before_array = unsafe {
        WSARecv(
            s,
            oversized().as_ptr(),
            2,
            &mut count,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            None,
        )
    };
    assert_eq!(outcome(flags_before_array), Err(WSAEFAULT));
    let mut short = Sender::room(15);
    let udp = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let (reported, _) = recv_from_into(udp, &[], 0, Some(&mut short));
    assert_eq!(
        reported,
        Reported::failed(WSAEFAULT, 0),
        "room before WSAEINVAL (unbound)"
    );
    let mut no_len = Sender::room(16);
    let rc = unsafe {
        let mut flags = 0;
        WSARecvFrom(
            udp,
            oversized().as_ptr(),
            2,
            &mut count,
            &mut flags,
            no_len.addr.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            None,
        )
    };
    assert_eq!(outcome(rc), Err(WSAEINVAL), "the array before the room");
    assert_eq!((no_len, count), (Sender::room(16), SENTINEL));
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf), Ok(7), "the data still waits");
}
