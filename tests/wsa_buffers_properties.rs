//! Property tests: random `WSABUF` arrays (lengths, NULL buffers, NULL arrays, counts
//! shorter than the array, totals over `u32::MAX`), flags, NULL out-parameters and handles
//! given to `WSASend`, `WSARecv` and `WSARecvFrom` never panic, fail only with a code the
//! call can return, leave the network and every out-parameter as they were when they fail,
//! and on success move exactly what they report.

mod common;

use std::ptr;

use common::wsa::{FILL, SENTINEL};
use common::*;
use proptest::prelude::*;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Type};

/// A network with data waiting on a stream and on a datagram socket, and sockets in other
/// states; returns their handles.
fn scene() -> (Env, Vec<SOCKET>) {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:6300");
    let (server, _) = listener.accept().unwrap();
    client.send(b"stream bytes waiting").unwrap();
    let udp_server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp_server.bind("127.0.0.1:6301".parse().unwrap()).unwrap();
    let udp_client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp_client
        .connect("127.0.0.1:6301".parse().unwrap())
        .unwrap();
    udp_client.send(b"a datagram of 29 bytes waits").unwrap();
    let idle = raw_socket(AF_INET6, SOCK_STREAM, 0);
    let closed = raw_socket(AF_INET, SOCK_DGRAM, 0);
    unsafe { closesocket(closed) };
    // Polled: a receive with nothing (left) to take is WSAEWOULDBLOCK.
    for socket in [&client, &server, &udp_client, &udp_server, &listener] {
        socket.set_nonblocking(true).unwrap();
    }
    let handles = vec![
        client.into_raw(),
        server.into_raw(),
        udp_client.into_raw(),
        udp_server.into_raw(),
        listener.into_raw(),
        idle,
        closed,
        INVALID_SOCKET,
    ];
    (env, handles)
}

/// One buffer: `Some(len)` (an allocation of exactly `len` bytes) or `None` (NULL) with
/// the length to declare for it.
fn buffer() -> impl Strategy<Value = (Option<usize>, u32)> {
    prop_oneof![
        4 => (0usize..48).prop_map(|len| (Some(len), len as u32)),
        1 => (0u32..3).prop_map(|len| (None, len)),
    ]
}

/// Every code the three calls can return.
const CODES: &[i32] = &[
    WSAENOTSOCK,
    WSAEFAULT,
    WSAEINVAL,
    WSAEOPNOTSUPP,
    WSAENOTCONN,
    WSAESHUTDOWN,
    WSAECONNRESET,
    WSAEWOULDBLOCK,
    WSAEMSGSIZE,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_wsabuf_arrays(
        shape in prop::collection::vec(buffer(), 0..6),
        cut in 0usize..3,
        null_array in prop::bool::weighted(0.1),
        oversized in prop::bool::weighted(0.1),
        pick in 0usize..8,
        call in 0u8..3,
        flags in prop::sample::select(vec![0u32, 2, 8, 32, 1, 0x8000, 6]),
        null_count in prop::bool::weighted(0.1),
        null_flags in prop::bool::weighted(0.1),
        from_room in prop::sample::select(vec![None, Some(0i32), Some(15), Some(16), Some(28)]),
    ) {
        let (env, handles) = scene();
        let s = handles[pick];
        let mut storage: Vec<Box<[u8]>> = shape
            .iter()
            .map(|(len, _)| vec![FILL; len.unwrap_or(0)].into_boxed_slice())
            .collect();
        let mut array: Vec<WSABUF> = shape
            .iter()
            .zip(storage.iter_mut())
            .map(|((len, declared), bytes)| WSABUF {
                len: *declared,
                buf: if len.is_some() { bytes.as_mut_ptr() } else { ptr::null_mut() },
            })
            .collect();
        let mut count = array.len().saturating_sub(cut) as u32;
        if oversized {
            // Lengths that overflow u32 together, at an address never to be read.
            let dangling = ptr::NonNull::<u8>::dangling().as_ptr();
            let huge = WSABUF { len: u32::MAX / 2 + 1, buf: dangling };
            array.splice(0..0, [huge, huge]);
            count += 2;
        }
        let array_ptr = if null_array { ptr::null() } else { array.as_ptr() };
        let (mut reported, mut out_flags) = (SENTINEL, flags);
        let count_ptr: *mut u32 = if null_count { ptr::null_mut() } else { &mut reported };
        let flags_ptr: *mut u32 = if null_flags { ptr::null_mut() } else { &mut out_flags };
        let mut from = [0x5Au8; 28];
        let mut from_len = from_room.unwrap_or(0);
        let (from_ptr, from_len_ptr): (*mut SOCKADDR, *mut i32) = match from_room {
            Some(_) => (from.as_mut_ptr().cast(), &mut from_len),
            None => (ptr::null_mut(), ptr::null_mut()),
        };
        let sent: Vec<u8> = storage.iter().flat_map(|bytes| bytes.iter().copied()).collect();
        let before = env.net.snapshot();
        let rc = unsafe {
            match call {
                0 => WSASend(s, array_ptr, count, count_ptr, flags, ptr::null_mut(), None),
                1 => WSARecv(s, array_ptr, count, count_ptr, flags_ptr, ptr::null_mut(), None),
                _ => WSARecvFrom(s, array_ptr, count, count_ptr, flags_ptr, from_ptr, from_len_ptr, ptr::null_mut(), None),
            }
        };
        let received: Vec<u8> = storage.iter().flat_map(|bytes| bytes.iter().copied()).collect();
        if oversized || null_count || (null_array && count > 0) || (call > 0 && null_flags) {
            prop_assert_ne!(rc, 0, "an argument error must fail");
        }
        if rc != 0 {
            prop_assert_eq!(rc, SOCKET_ERROR);
            let code = last_error();
            prop_assert!(CODES.contains(&code), "unexpected error {}", code);
            prop_assert_eq!((reported, out_flags), (SENTINEL, flags), "out-parameters written");
            if code != WSAEMSGSIZE {
                prop_assert_eq!(&env.net.snapshot(), &before, "a failed call changed the network");
                prop_assert_eq!(&received, &sent, "a failed call wrote a buffer");
                prop_assert_eq!((from, from_len), ([0x5A; 28], from_room.unwrap_or(0)));
            }
        } else {
            let total: usize = array[..count as usize].iter().map(|b| b.len as usize).sum();
            prop_assert!(reported as usize <= total);
            if call == 0 {
                prop_assert_eq!(reported as usize, total, "a send is whole");
            } else {
                prop_assert_eq!(out_flags, 0);
                let untouched = received.iter().skip(reported as usize).all(|&b| b == FILL);
                prop_assert!(untouched, "written past the count");
            }
        }
    }
}
