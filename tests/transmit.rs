//! `TransmitFile` and `TransmitPackets` in their memory forms, reached through
//! `SIO_GET_EXTENSION_FUNCTION_POINTER` as Microsoft's samples reach them: a server that
//! answers with a header and a trailer, then `TF_DISCONNECT | TF_REUSE_SOCKET` and the same
//! socket back to `AcceptEx`; packets of memory elements on streams and datagrams; the
//! overlapped forms through an event and a completion port; the refusals, which send
//! nothing; and blocking senders in several threads.

mod common;
mod iocp_support;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;

const AREA: u32 = (size_of::<SOCKADDR_IN>() + 16) as u32;

type TransmitFileFn = unsafe extern "system" fn(
    SOCKET,
    HANDLE,
    u32,
    u32,
    *mut OVERLAPPED,
    *const TRANSMIT_FILE_BUFFERS,
    u32,
) -> BOOL;

type TransmitPacketsFn = unsafe extern "system" fn(
    SOCKET,
    *const TRANSMIT_PACKETS_ELEMENT,
    u32,
    u32,
    *mut OVERLAPPED,
    u32,
) -> BOOL;

/// `TransmitFile`, looked up on a socket of its own.
fn transmit_file() -> TransmitFileFn {
    let probe = tcp_socket();
    let function = extension::<LPFN_TRANSMITFILE>(probe, WSAID_TRANSMITFILE).unwrap();
    assert_eq!(unsafe { closesocket(probe) }, 0);
    function
}

/// `TransmitPackets`, looked up on a socket of its own.
fn transmit_packets() -> TransmitPacketsFn {
    let probe = tcp_socket();
    let function = extension::<LPFN_TRANSMITPACKETS>(probe, WSAID_TRANSMITPACKETS).unwrap();
    assert_eq!(unsafe { closesocket(probe) }, 0);
    function
}

/// Head and tail buffers over `head` and `tail` (NULL when empty).
fn buffers(head: &[u8], tail: &[u8]) -> TRANSMIT_FILE_BUFFERS {
    let at = |bytes: &[u8]| {
        if bytes.is_empty() {
            ptr::null_mut()
        } else {
            bytes.as_ptr().cast_mut().cast::<c_void>()
        }
    };
    TRANSMIT_FILE_BUFFERS {
        Head: at(head),
        HeadLength: head.len() as u32,
        Tail: at(tail),
        TailLength: tail.len() as u32,
    }
}

/// A memory element over `bytes`, `TP_ELEMENT_EOP` added when `eop`.
fn element(bytes: &[u8], eop: bool) -> TRANSMIT_PACKETS_ELEMENT {
    let mut element = TRANSMIT_PACKETS_ELEMENT {
        dwElFlags: TP_ELEMENT_MEMORY | if eop { TP_ELEMENT_EOP } else { 0 },
        cLength: bytes.len() as u32,
        ..Default::default()
    };
    element.Anonymous.pBuffer = bytes.as_ptr().cast_mut().cast();
    element
}

/// `TransmitFile(s, NULL, 0, 0, ov, buffers, flags)`: its return and last error.
fn file(
    s: SOCKET,
    buffers: Option<&TRANSMIT_FILE_BUFFERS>,
    ov: *mut OVERLAPPED,
    flags: u32,
) -> (BOOL, i32) {
    let buffers = buffers.map_or(ptr::null(), ptr::from_ref);
    let ok = unsafe { transmit_file()(s, ptr::null_mut(), 0, 0, ov, buffers, flags) };
    (ok, unsafe { WSAGetLastError() })
}

/// `TransmitPackets(s, elements, count, 0, ov, flags)`: its return and last error.
fn packets(
    s: SOCKET,
    elements: &[TRANSMIT_PACKETS_ELEMENT],
    ov: *mut OVERLAPPED,
    flags: u32,
) -> (BOOL, i32) {
    let count = elements.len() as u32;
    let ok = unsafe { transmit_packets()(s, elements.as_ptr(), count, 0, ov, flags) };
    (ok, unsafe { WSAGetLastError() })
}

/// A connected UDP pair: (sender connected to the receiver, receiver bound to `addr`).
fn udp_pair(addr: &str) -> (SOCKET, SOCKET) {
    let r = unsafe { socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP) };
    bind_to(r, addr);
    let s = unsafe { socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP) };
    let name = sockaddr_in(addr.parse().unwrap());
    assert_eq!(unsafe { connect(s, ptr::from_ref(&name).cast(), 16) }, 0);
    (s, r)
}

fn nonblocking(s: SOCKET) {
    let mut on = 1u32;
    assert_eq!(unsafe { ioctlsocket(s, FIONBIO, &mut on) }, 0);
}

/// One receive of up to `max` bytes: the bytes, or the error.
fn recv_some(s: SOCKET, max: usize) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; max];
    let n = unsafe { recv(s, buf.as_mut_ptr(), max as i32, 0) };
    if n == SOCKET_ERROR {
        return Err(unsafe { WSAGetLastError() });
    }
    buf.truncate(n as usize);
    Ok(buf)
}

/// Everything `s` receives until the peer's end of stream.
fn recv_to_end(s: SOCKET) -> Vec<u8> {
    let mut all = Vec::new();
    loop {
        let got = recv_some(s, 4096).expect("recv");
        if got.is_empty() {
            return all;
        }
        all.extend(got);
    }
}

fn close_all(sockets: &[SOCKET]) {
    for &s in sockets {
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
}

#[test]
fn a_server_answers_with_head_and_tail_then_reuses_the_socket_for_accept_ex() {
    let _env = env();
    let port = new_port();
    let l = listener("127.0.0.1:7001");
    associate(l, port, 1);
    let target = tcp_socket();
    associate(target, port, 2);
    let accept_fn = accept_ex(l);
    let (head, tail) = (b"HTTP/1.0 200 OK\r\n\r\n".as_slice(), b"bye".as_slice());
    let transmit = buffers(head, tail);
    for round in 0..3 {
        let mut buf = [0u8; 128];
        let mut received = 0u32;
        let mut aov = OVERLAPPED::default();
        let ok = unsafe {
            accept_fn(
                l,
                target,
                buf.as_mut_ptr().cast(),
                0,
                AREA,
                AREA,
                &mut received,
                &mut aov,
            )
        };
        assert_eq!((ok, unsafe { WSAGetLastError() }), (FALSE, WSA_IO_PENDING));
        let c = tcp_socket();
        let name = sockaddr_in("127.0.0.1:7001".parse().unwrap());
        assert_eq!(unsafe { connect(c, ptr::from_ref(&name).cast(), 16) }, 0);
        let accepted = dequeue(port, 0);
        assert_eq!((accepted.ok, accepted.key), (true, 1), "round {round}");
        let mut tov = OVERLAPPED::default();
        let flags = TF_DISCONNECT | TF_REUSE_SOCKET;
        assert_eq!(
            file(target, Some(&transmit), &mut tov, flags),
            (FALSE, WSA_IO_PENDING)
        );
        let sent = dequeue(port, 0);
        assert_eq!((sent.ok, sent.bytes, sent.key), (true, 22, 2));
        assert_eq!(sent.overlapped, ptr::from_mut(&mut tov));
        assert_eq!(recv_to_end(c), [head, tail].concat(), "round {round}");
        // The handle is a fresh socket again: not connected.
        assert_eq!(file(target, None, ptr::null_mut(), 0), (FALSE, WSAENOTCONN));
        close_all(&[c]);
    }
    close_all(&[l, target]);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn transmit_file_sends_nothing_without_buffers_and_head_then_tail_with_them() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7002");
    nonblocking(a);
    assert_eq!(file(c, None, ptr::null_mut(), 0).0, TRUE);
    assert_eq!(recv_some(a, 64), Err(WSAEWOULDBLOCK));
    let (head, tail) = (b"hello world\0".as_slice(), b"goodbye!!!\0".as_slice());
    assert_eq!(
        file(c, Some(&buffers(head, tail)), ptr::null_mut(), 0).0,
        TRUE
    );
    assert_eq!(recv_some(a, 64).unwrap(), [head, tail].concat());
    // Either buffer may be missing.
    assert_eq!(
        file(c, Some(&buffers(b"", tail)), ptr::null_mut(), 0).0,
        TRUE
    );
    assert_eq!(
        file(c, Some(&buffers(head, b"")), ptr::null_mut(), 0).0,
        TRUE
    );
    assert_eq!(recv_some(a, 64).unwrap(), [tail, head].concat());
    // TF_DISCONNECT alone: shutdown(SD_SEND), this side still receives.
    assert_eq!(
        file(
            c,
            Some(&buffers(b"last", b"")),
            ptr::null_mut(),
            TF_DISCONNECT
        )
        .0,
        TRUE
    );
    assert_eq!(recv_some(a, 64).unwrap(), b"last");
    assert_eq!(recv_some(a, 64).unwrap(), b"");
    assert_eq!(unsafe { send(a, b"back".as_ptr(), 4, 0) }, 4);
    assert_eq!(recv_some(c, 64).unwrap(), b"back");
    assert_eq!(file(c, None, ptr::null_mut(), 0), (FALSE, WSAESHUTDOWN));
    close_all(&[c, a]);
}

#[test]
fn choice_transmit_checks() {
    let env = env();
    let (c, a) = connected_pair("127.0.0.1:7003");
    nonblocking(a);
    let data = buffers(b"head", b"tail");
    let invalid = ptr::null_mut();
    assert_eq!(
        file(INVALID_SOCKET, Some(&data), invalid, 0),
        (FALSE, WSAENOTSOCK)
    );
    // Not connected comes before the flags, for every socket type (sock.c).
    let idle = tcp_socket();
    assert_eq!(
        file(idle, None, invalid, TF_REUSE_SOCKET),
        (FALSE, WSAENOTCONN)
    );
    let udp = unsafe { socket(AF_INET.into(), SOCK_DGRAM, IPPROTO_UDP) };
    assert_eq!(file(udp, None, invalid, 0), (FALSE, WSAENOTCONN));
    assert_eq!(packets(udp, &[], invalid, 0), (FALSE, WSAENOTCONN));
    let (connected_udp, receiver) = udp_pair("127.0.0.1:7004");
    assert_eq!(file(connected_udp, None, invalid, 0), (FALSE, WSAEINVAL));
    assert_eq!(
        packets(connected_udp, &[], invalid, TF_DISCONNECT),
        (FALSE, WSAEINVAL)
    );
    // The flags.
    assert_eq!(
        file(c, Some(&data), invalid, TF_REUSE_SOCKET),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(file(c, Some(&data), invalid, 0x80), (FALSE, WSAEINVAL));
    let one = [element(b"x", false)];
    assert_eq!(packets(c, &one, invalid, 0x100), (FALSE, WSAEINVAL));
    // TransmitFile's own arguments.
    let f = transmit_file();
    let bytes = |n: u32| unsafe { f(c, ptr::null_mut(), n, 0, invalid, &data, 0) };
    assert_eq!(bytes(0x7FFF_FFFF), FALSE);
    assert_eq!(unsafe { WSAGetLastError() }, WSAEINVAL);
    let null_head = TRANSMIT_FILE_BUFFERS {
        HeadLength: 4,
        ..buffers(b"", b"tail")
    };
    assert_eq!(file(c, Some(&null_head), invalid, 0), (FALSE, WSAEFAULT));
    // TransmitPackets' elements, every one checked before a byte goes.
    let p = transmit_packets();
    assert_eq!(unsafe { p(c, ptr::null(), 1, 0, invalid, 0) }, FALSE);
    assert_eq!(unsafe { WSAGetLastError() }, WSAEFAULT);
    let mut null_buffer = element(b"", false);
    null_buffer.cLength = 3;
    null_buffer.Anonymous.pBuffer = ptr::null_mut();
    assert_eq!(
        packets(c, &[one[0], null_buffer], invalid, 0),
        (FALSE, WSAEFAULT)
    );
    let mut unknown = element(b"y", false);
    unknown.dwElFlags |= 0x8;
    assert_eq!(
        packets(c, &[one[0], unknown], invalid, 0),
        (FALSE, WSAEINVAL)
    );
    let mut both = element(b"y", false);
    both.dwElFlags |= TP_ELEMENT_FILE;
    assert_eq!(packets(c, &[one[0], both], invalid, 0), (FALSE, WSAEINVAL));
    // Nothing of any refused call arrived.
    assert_eq!(recv_some(a, 64), Err(WSAEWOULDBLOCK));
    // The array is read only as far as nElementCount says.
    let array = [one[0], unknown];
    assert_eq!(unsafe { p(c, array.as_ptr(), 1, 0, invalid, 0) }, TRUE);
    assert_eq!(recv_some(a, 64).unwrap(), b"x");
    // A reset connection.
    close_all(&[idle, udp, connected_udp, receiver]);
    let linger = LINGER {
        l_onoff: 1,
        l_linger: 0,
    };
    let rc = unsafe { setsockopt(a, SOL_SOCKET, SO_LINGER, ptr::from_ref(&linger).cast(), 4) };
    assert_eq!(rc, 0);
    close_all(&[a]);
    assert_eq!(file(c, Some(&data), invalid, 0), (FALSE, WSAECONNRESET));
    close_all(&[c]);
    // Before WSAStartup.
    drop(env);
    let net = winsock_emu::Network::new();
    let _current = net.enter();
    let ok = unsafe { f(0x104, ptr::null_mut(), 0, 0, invalid, ptr::null(), 0) };
    assert_eq!(
        (ok, unsafe { WSAGetLastError() }),
        (FALSE, WSANOTINITIALISED)
    );
}

#[test]
fn choice_transmit_no_files() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7005");
    nonblocking(a);
    let f = transmit_file();
    let data = buffers(b"head", b"");
    let handle = ptr::without_provenance_mut::<c_void>(0x1234);
    assert_eq!(
        unsafe { f(c, handle, 0, 0, ptr::null_mut(), &data, 0) },
        FALSE
    );
    assert_eq!(unsafe { WSAGetLastError() }, ERROR_INVALID_HANDLE as i32);
    // A file element, marked or by default (no TP_ELEMENT_MEMORY).
    let mut marked = TRANSMIT_PACKETS_ELEMENT {
        dwElFlags: TP_ELEMENT_FILE,
        ..Default::default()
    };
    marked.Anonymous.Anonymous.hFile = handle;
    let by_default = TRANSMIT_PACKETS_ELEMENT::default();
    for file_element in [marked, by_default] {
        let array = [element(b"first", false), file_element];
        assert_eq!(
            packets(c, &array, ptr::null_mut(), 0),
            (FALSE, ERROR_INVALID_HANDLE as i32)
        );
    }
    assert_eq!(recv_some(a, 64), Err(WSAEWOULDBLOCK));
    close_all(&[c, a]);
}

#[test]
fn transmit_packets_sends_memory_elements_in_order_then_disconnects() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7006");
    let parts: [&[u8]; 4] = [b"GET ", b"/index.html", b" HTTP/1.1\r\n", b"\r\n"];
    let elements: Vec<_> = parts.iter().map(|part| element(part, false)).collect();
    assert_eq!(
        packets(c, &elements, ptr::null_mut(), TF_DISCONNECT).0,
        TRUE
    );
    assert_eq!(recv_to_end(a), parts.concat());
    // On a stream TP_ELEMENT_EOP changes nothing the peer sees.
    let (c2, a2) = connected_pair("127.0.0.1:7007");
    let marked = [element(b"ab", true), element(b"cd", true)];
    assert_eq!(packets(c2, &marked, ptr::null_mut(), 0).0, TRUE);
    assert_eq!(packets(c2, &[], ptr::null_mut(), 0).0, TRUE);
    assert_eq!(recv_some(a2, 64).unwrap(), b"abcd");
    close_all(&[c, a, c2, a2]);
}

#[test]
fn choice_transmit_packets_datagrams() {
    let _env = env();
    let (s, r) = udp_pair("127.0.0.1:7008");
    nonblocking(r);
    let array = [
        element(b"a", false),
        element(b"b", true),
        element(b"c", false),
        element(b"d", false),
    ];
    assert_eq!(packets(s, &array, ptr::null_mut(), 0).0, TRUE);
    assert_eq!(recv_some(r, 64).unwrap(), b"ab");
    assert_eq!(recv_some(r, 64).unwrap(), b"cd");
    assert_eq!(recv_some(r, 64), Err(WSAEWOULDBLOCK));
    // A packet longer than a datagram: WSAEMSGSIZE, and not even the short one goes.
    let big = vec![7u8; 65_508];
    let array = [element(b"short", true), element(&big, false)];
    assert_eq!(packets(s, &array, ptr::null_mut(), 0), (FALSE, WSAEMSGSIZE));
    assert_eq!(recv_some(r, 64), Err(WSAEWOULDBLOCK));
    close_all(&[s, r]);
}

#[test]
fn choice_transmit_flags() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7009");
    let quiet = TF_USE_DEFAULT_WORKER | TF_USE_SYSTEM_THREAD | TF_USE_KERNEL_APC | TF_WRITE_BEHIND;
    assert_eq!(
        file(c, Some(&buffers(b"1", b"2")), ptr::null_mut(), quiet).0,
        TRUE
    );
    assert_eq!(
        packets(c, &[element(b"3", false)], ptr::null_mut(), quiet).0,
        TRUE
    );
    assert_eq!(recv_some(a, 64).unwrap(), b"123");
    // TF_DISCONNECT | TF_REUSE_SOCKET through TransmitPackets: the handle is fresh.
    let flags = TF_DISCONNECT | TF_REUSE_SOCKET | TF_USE_KERNEL_APC;
    assert_eq!(
        packets(c, &[element(b"4", false)], ptr::null_mut(), flags).0,
        TRUE
    );
    assert_eq!(recv_to_end(a), b"4");
    let mut name = SOCKADDR_IN::default();
    let mut len = 16;
    let rc = unsafe { getsockname(c, ptr::from_mut(&mut name).cast(), &mut len) };
    assert_eq!(
        (rc, unsafe { WSAGetLastError() }),
        (SOCKET_ERROR, WSAEINVAL),
        "unbound"
    );
    close_all(&[c, a]);
}

#[test]
fn overlapped_transmissions_complete_through_an_event_and_a_port() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7010");
    let event = unsafe { WSACreateEvent() };
    let handle = event as HANDLE;
    let mut ov = OVERLAPPED {
        hEvent: handle,
        ..Default::default()
    };
    let data = buffers(b"head", b"tail");
    assert_eq!(file(c, Some(&data), &mut ov, 0), (FALSE, WSA_IO_PENDING));
    let waited = unsafe { WSAWaitForMultipleEvents(1, &handle, TRUE, 10_000, FALSE) };
    assert_eq!(waited, WSA_WAIT_EVENT_0 as u32);
    let (mut bytes, mut flags) = (0u32, 0u32);
    let ok = unsafe { WSAGetOverlappedResult(c, &ov, &mut bytes, FALSE, &mut flags) };
    assert_eq!((ok, bytes), (TRUE, 8));
    assert_eq!(recv_some(a, 64).unwrap(), b"headtail");
    // The same through a completion port, for TransmitPackets.
    let port = new_port();
    associate(c, port, 9);
    let mut pov = OVERLAPPED::default();
    let array = [element(b"one", false), element(b"two", false)];
    assert_eq!(packets(c, &array, &mut pov, 0), (FALSE, WSA_IO_PENDING));
    let got = dequeue(port, 0);
    assert_eq!((got.ok, got.bytes, got.key), (true, 6, 9));
    assert_eq!(got.overlapped, ptr::from_mut(&mut pov));
    assert_eq!(recv_some(a, 64).unwrap(), b"onetwo");
    // A refusal reports at once: no packet, the OVERLAPPED untouched.
    let mut refused = OVERLAPPED::default();
    assert_eq!(
        file(c, None, &mut refused, TF_REUSE_SOCKET),
        (FALSE, WSAEINVAL)
    );
    assert_eq!(refused.Internal, 0);
    assert_eq!(dequeue(port, 0).error, WAIT_TIMEOUT);
    close_all(&[c, a]);
    assert_eq!(unsafe { WSACloseEvent(event) }, TRUE);
    assert_eq!(unsafe { CloseHandle(port) }, TRUE);
}

#[test]
fn a_full_connection_refuses_a_non_blocking_transmission_whole() {
    let _env = env();
    let (c, a) = connected_pair("127.0.0.1:7011");
    nonblocking(c);
    let chunk = vec![1u8; 16 * 1024];
    while unsafe { send(c, chunk.as_ptr(), chunk.len() as i32, 0) } != SOCKET_ERROR {}
    assert_eq!(unsafe { WSAGetLastError() }, WSAEWOULDBLOCK);
    assert_eq!(
        file(c, Some(&buffers(b"late", b"")), ptr::null_mut(), 0),
        (FALSE, WSAEWOULDBLOCK)
    );
    nonblocking(a);
    let mut drained = 0usize;
    while let Ok(got) = recv_some(a, 64 * 1024) {
        assert!(got.iter().all(|&b| b == 1), "no byte of the refused call");
        drained += got.len();
    }
    assert!(drained > 0);
    close_all(&[c, a]);
}

#[test]
fn blocking_transmissions_in_several_threads_wait_for_room_and_lose_no_byte() {
    let env = env();
    // Natively the packets fill more than a connection holds (64 KiB), so the tail's send
    // waits for the reader; Miri, which interprets every byte, runs a smaller payload.
    let len = if cfg!(miri) { 70_000 } else { 200_000 };
    let payload: Vec<u8> = (0..len).map(|i: u32| i as u8).collect();
    // Fewer rounds under Miri, which interprets every step.
    let (rounds, senders) = if cfg!(miri) { (1, 2) } else { (3, 4) };
    for round in 0..rounds {
        let threads: Vec<_> = (0..senders)
            .map(|n| {
                let net = env.net.clone();
                let payload = payload.clone();
                std::thread::spawn(move || {
                    let _current = net.enter();
                    let (c, a) = connected_pair(&format!("127.0.0.1:{}", 7100 + round * 10 + n));
                    let reader = {
                        let net = net.clone();
                        std::thread::spawn(move || {
                            let _current = net.enter();
                            recv_to_end(a)
                        })
                    };
                    let (head, rest) = payload.split_at(1000);
                    let (middle, tail) = rest.split_at(rest.len() * 3 / 4);
                    let elements = [element(head, false), element(middle, false)];
                    assert_eq!(packets(c, &elements, ptr::null_mut(), 0).0, TRUE);
                    let data = buffers(b"", tail);
                    assert_eq!(file(c, Some(&data), ptr::null_mut(), TF_DISCONNECT).0, TRUE);
                    let got = reader.join().unwrap();
                    assert_eq!(got, payload, "round {round}, thread {n}");
                    close_all(&[c, a]);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
}
