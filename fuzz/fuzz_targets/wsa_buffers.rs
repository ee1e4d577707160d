//! `WSASend`, `WSARecv` and `WSARecvFrom`: arbitrary `WSABUF` arrays (buffers of any room,
//! NULL buffers with any length, NULL arrays, counts that stop short, totals over
//! `u32::MAX` at an address never to be read), flags, NULL out-parameters, the sender's
//! room and a real or NULL OVERLAPPED, aimed at the scene and at two sockets with data
//! waiting.
#![no_main]

use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Type};
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    call: u8,
    /// Each buffer: its room (0..64) and whether it is NULL (then `room % 3` is declared).
    buffers: Vec<(u8, bool)>,
    cut: u8,
    null_array: bool,
    oversized: bool,
    flags: u32,
    null_count: bool,
    null_flags: bool,
    from_room: Option<u8>,
    overlapped: bool,
    waiting: Vec<u8>,
}

const SENTINEL: u32 = 0xdead_beef;

fuzz_target!(|input: Input| {
    let scene = scene();
    // Two receivers with `waiting` queued: a bound datagram socket and an accepted stream.
    let udp = scene.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    udp.bind("127.0.0.1:5353".parse().unwrap()).unwrap();
    let sender = scene.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let _ = sender.send_to(&input.waiting, "127.0.0.1:5353".parse().unwrap());
    let listener = scene.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind("127.0.0.1:81".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let client = scene.net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect("127.0.0.1:81".parse().unwrap()).unwrap();
    client.send(&input.waiting).unwrap();
    let (server, _) = listener.accept().unwrap();
    // Non-blocking, as the scene's: a run has one thread and must never wait.
    udp.set_nonblocking(true).unwrap();
    server.set_nonblocking(true).unwrap();
    let s = match input.selector % 4 {
        0 => udp.as_raw(),
        1 => server.as_raw(),
        _ => scene.handle(input.selector, input.raw_handle),
    };

    let mut storage: Vec<Vec<u8>> = input
        .buffers
        .iter()
        .take(6)
        .map(|&(room, null)| vec![0xab; if null { 0 } else { usize::from(room % 64) }])
        .collect();
    let mut array: Vec<WSABUF> = input
        .buffers
        .iter()
        .zip(storage.iter_mut())
        .map(|(&(room, null), bytes)| WSABUF {
            len: if null {
                u32::from(room % 3)
            } else {
                bytes.len() as u32
            },
            buf: if null {
                ptr::null_mut()
            } else {
                bytes.as_mut_ptr()
            },
        })
        .collect();
    let mut count = array.len().saturating_sub(usize::from(input.cut % 3)) as u32;
    if input.oversized {
        let huge = WSABUF {
            len: u32::MAX / 2 + 1,
            buf: ptr::NonNull::<u8>::dangling().as_ptr(),
        };
        array.splice(0..0, [huge, huge]);
        count += 2;
    }
    let array_ptr = if input.null_array {
        ptr::null()
    } else {
        array.as_ptr()
    };
    let flags = input.flags & (0xf | MSG_PUSH_IMMEDIATE as u32 | MSG_PARTIAL);
    let (mut reported, mut out_flags) = (SENTINEL, flags);
    let count_ptr: *mut u32 = if input.null_count {
        ptr::null_mut()
    } else {
        &mut reported
    };
    let flags_ptr: *mut u32 = if input.null_flags {
        ptr::null_mut()
    } else {
        &mut out_flags
    };
    let mut from = [0xabu8; 28];
    let mut from_len = i32::from(input.from_room.unwrap_or(0) % 29);
    let (from_ptr, from_len_ptr): (*mut SOCKADDR, *mut i32) = match input.from_room {
        Some(_) => (from.as_mut_ptr().cast(), &mut from_len),
        None => (ptr::null_mut(), ptr::null_mut()),
    };
    let mut block = OVERLAPPED::default();
    let ov = overlapped_ptr(&mut block, input.overlapped);
    let receive = input.call % 3 != 0;
    let before = scene.net.snapshot();
    let rc = unsafe {
        match input.call % 3 {
            0 => WSASend(s, array_ptr, count, count_ptr, flags, ov, None),
            1 => WSARecv(s, array_ptr, count, count_ptr, flags_ptr, ov, None),
            _ => WSARecvFrom(
                s,
                array_ptr,
                count,
                count_ptr,
                flags_ptr,
                from_ptr,
                from_len_ptr,
                ov,
                None,
            ),
        }
    };
    if input.oversized {
        assert_eq!(rc, SOCKET_ERROR, "buffers over u32::MAX were accepted");
    }
    if rc == 0 {
        if receive {
            assert_eq!(out_flags, 0, "*lpFlags after a receive");
        }
        return;
    }
    assert_eq!(rc, SOCKET_ERROR, "neither 0 nor SOCKET_ERROR");
    let code = unsafe { WSAGetLastError() };
    if code == WSA_IO_PENDING {
        // An overlapped receive with nothing to take pends (`pending-receives`): closing
        // its socket completes it now, while its buffers and OVERLAPPED still live.
        assert!(receive && !ov.is_null(), "only an overlapped receive pends");
        assert_eq!(unsafe { closesocket(s) }, 0);
        assert_eq!(block.Internal, WSAECONNABORTED as usize);
        return;
    }
    assert!(
        WSA_BUFFER_CODES.contains(&code),
        "undocumented error {code}"
    );
    assert_eq!(
        (reported, out_flags),
        (SENTINEL, flags),
        "out-parameters written"
    );
    if !(receive && code == WSAEMSGSIZE) {
        // Only a truncated datagram consumes something while failing.
        assert_eq!(
            scene.net.snapshot(),
            before,
            "a failed call changed the network"
        );
        assert!(
            storage.iter().flatten().all(|&b| b == 0xab),
            "a failed call wrote a buffer"
        );
        assert!(
            from.iter().all(|&b| b == 0xab),
            "a failed call wrote lpFrom"
        );
    }
});
