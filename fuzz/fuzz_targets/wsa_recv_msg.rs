//! `WSARecvMsg`, through the pointer `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
//! WSAID_WSARECVMSG)` gives: arbitrary `WSAMSG`s (NULL or short names with any `namelen`,
//! NULL or short control buffers with any `Control.len`, buffer arrays of any room, any
//! `dwFlags`), `IP_PKTINFO`/`IPV6_PKTINFO` on or off, a NULL count and a real or NULL
//! OVERLAPPED, aimed at the scene and at datagram sockets with data waiting.
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
    six: bool,
    pktinfo: bool,
    null_msg: bool,
    /// The name's room (`None`: NULL) and the declared `namelen`.
    name_room: Option<u8>,
    namelen: i8,
    /// The control buffer's room (`None`: NULL) and the declared `Control.len`.
    control_room: Option<u8>,
    control_len: u8,
    buffers: Vec<(u8, bool)>,
    flags: u32,
    null_count: bool,
    overlapped: bool,
    waiting: Vec<u8>,
}

const SENTINEL: u8 = 0xab;

fuzz_target!(|input: Input| {
    let scene = scene();
    let (domain, at) = if input.six {
        (Domain::IPV6, "[::1]:5353")
    } else {
        (Domain::IPV4, "127.0.0.1:5353")
    };
    let receiver = scene.net.socket(domain, Type::DGRAM, None).unwrap();
    receiver.bind(at.parse().unwrap()).unwrap();
    let (level, name) = if input.six {
        (IPPROTO_IPV6, IPV6_PKTINFO)
    } else {
        (IPPROTO_IP, IP_PKTINFO)
    };
    if input.pktinfo {
        let on = 1i32.to_ne_bytes();
        // SAFETY: `on` is 4 readable bytes.
        let rc = unsafe { setsockopt(receiver.as_raw(), level, name, on.as_ptr(), 4) };
        assert_eq!(rc, 0);
    }
    let sender = scene.net.socket(domain, Type::DGRAM, None).unwrap();
    let _ = sender.send_to(&input.waiting, at.parse().unwrap());
    // Non-blocking, as the scene's: a run has one thread and must never wait.
    receiver.set_nonblocking(true).unwrap();
    let s = match input.selector % 3 {
        0 => receiver.as_raw(),
        _ => scene.handle(input.selector, input.raw_handle),
    };

    let function = extension_function::<LPFN_WSARECVMSG>(receiver.as_raw(), WSAID_WSARECVMSG)
        .expect("the lookup wrote the pointer");

    let mut storage: Vec<Vec<u8>> = input
        .buffers
        .iter()
        .take(4)
        .map(|&(room, null)| vec![SENTINEL; if null { 0 } else { usize::from(room % 64) }])
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
    // Each room is exactly what it says: a longer declared length is the caller's lie,
    // which the pages make undefined, so the declared lengths stay within the rooms
    // except where a NULL pointer is what is declared.
    let mut name = vec![SENTINEL; usize::from(input.name_room.unwrap_or(0) % 40)];
    let namelen = match input.name_room {
        Some(_) => i32::from(input.namelen).clamp(i32::MIN, name.len() as i32),
        None => i32::from(input.namelen),
    };
    let mut control = vec![SENTINEL; usize::from(input.control_room.unwrap_or(0) % 64)];
    let control_len = match input.control_room {
        Some(_) => u32::from(input.control_len).min(control.len() as u32),
        None => u32::from(input.control_len % 4),
    };
    let mut msg = WSAMSG {
        name: input
            .name_room
            .map_or(ptr::null_mut(), |_| name.as_mut_ptr().cast()),
        namelen,
        lpBuffers: array.as_mut_ptr(),
        dwBufferCount: array.len() as u32,
        Control: WSABUF {
            len: control_len,
            buf: input
                .control_room
                .map_or(ptr::null_mut(), |_| control.as_mut_ptr()),
        },
        dwFlags: input.flags & 0xff,
    };
    let lpmsg: *mut WSAMSG = if input.null_msg {
        ptr::null_mut()
    } else {
        &mut msg
    };
    let mut count = 0xdead_beefu32;
    let count_ptr: *mut u32 = if input.null_count {
        ptr::null_mut()
    } else {
        &mut count
    };
    let mut block = OVERLAPPED::default();
    let ov = overlapped_ptr(&mut block, input.overlapped);
    let before = scene.net.snapshot();
    // SAFETY: every pointer is NULL or live with the room it declares (the declared
    // lengths were kept within the rooms above), and all outlive the call; an operation
    // that pends is completed below, while they still live.
    let rc = unsafe { function(s, lpmsg, count_ptr, ov, None) };
    if rc == 0 {
        assert_eq!(msg.dwFlags, 0, "dwFlags after a receive");
        assert!(
            msg.Control.len <= control_len,
            "Control.len grew past the room"
        );
        return;
    }
    assert_eq!(rc, SOCKET_ERROR, "neither 0 nor SOCKET_ERROR");
    let code = unsafe { WSAGetLastError() };
    if code == WSA_IO_PENDING {
        assert!(!ov.is_null(), "only an overlapped receive pends");
        assert_eq!(unsafe { closesocket(s) }, 0);
        assert_eq!(block.Internal, WSAECONNABORTED as usize);
        return;
    }
    assert!(
        WSA_BUFFER_CODES.contains(&code),
        "undocumented error {code}"
    );
    if code != WSAEMSGSIZE {
        // Only a datagram or control data that did not fit consumes something while failing.
        assert_eq!(
            scene.net.snapshot(),
            before,
            "a failed call changed the network"
        );
        assert!(
            storage.iter().flatten().all(|&b| b == SENTINEL),
            "a failed call wrote a buffer"
        );
        assert!(
            name.iter().all(|&b| b == SENTINEL),
            "a failed call wrote the name"
        );
        assert!(
            control.iter().all(|&b| b == SENTINEL),
            "a failed call wrote control data"
        );
        assert_eq!(count, 0xdead_beef, "a failed call wrote the count");
    }
});
