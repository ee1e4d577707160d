//! `WSASendMsg`, called directly and through `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`
//! (docs/rules.md M1, M2).

mod common;

use std::mem::size_of;
use std::net::SocketAddr;
use std::ptr;

use common::{env, raw_socket, sockaddr};
use winsock_emu::sys::*;

/// A UDP socket bound to loopback, and its address.
fn receiver() -> (SOCKET, SocketAddr) {
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let at = sockaddr("127.0.0.1:0".parse().unwrap());
    assert_eq!(unsafe { bind(s, at.as_ptr().cast(), 16) }, 0);
    (s, local(s).unwrap())
}

fn local(s: SOCKET) -> Result<SocketAddr, i32> {
    let mut storage = [0u8; 128];
    let mut len = 128;
    if unsafe { getsockname(s, storage.as_mut_ptr().cast(), &mut len) } != 0 {
        return Err(common::last_error());
    }
    let port = u16::from_be_bytes([storage[2], storage[3]]);
    Ok(SocketAddr::from((
        [storage[4], storage[5], storage[6], storage[7]],
        port,
    )))
}

/// `WSASendMsg(s, msg over `parts` to `to`, flags, &sent)` through `send`: the count or the code.
fn send_msg(
    send: LPFN_WSASENDMSG,
    s: SOCKET,
    to: Option<SocketAddr>,
    parts: &mut [Vec<u8>],
    flags: u32,
) -> Result<u32, i32> {
    let mut bufs: Vec<WSABUF> = parts
        .iter_mut()
        .map(|p| WSABUF {
            len: p.len() as u32,
            buf: p.as_mut_ptr(),
        })
        .collect();
    let mut name = to.map(sockaddr);
    let msg = WSAMSG {
        name: name
            .as_mut()
            .map_or(ptr::null_mut(), |n| n.as_mut_ptr().cast()),
        namelen: name.as_ref().map_or(0, |n| n.len() as i32),
        lpBuffers: bufs.as_mut_ptr(),
        dwBufferCount: bufs.len() as u32,
        Control: WSABUF::default(),
        dwFlags: 0,
    };
    let mut sent = 0;
    let rc = unsafe { send.unwrap()(s, &msg, flags, &mut sent, ptr::null_mut(), None) };
    if rc == SOCKET_ERROR {
        Err(common::last_error())
    } else {
        Ok(sent)
    }
}

fn received(s: SOCKET) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = unsafe { recv(s, buf.as_mut_ptr(), 64, 0) };
    assert!(n >= 0, "{}", common::last_error());
    buf[..n as usize].to_vec()
}

/// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` for `guid` with `room` output bytes: the
/// pointer and the bytes returned, or the code.
fn extension(
    s: SOCKET,
    guid: GUID,
    input_len: u32,
    room: u32,
) -> Result<(LPFN_WSASENDMSG, u32), i32> {
    let mut pointer: LPFN_WSASENDMSG = None;
    let mut returned = 0xABu32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&raw const guid).cast(),
            input_len,
            (&raw mut pointer).cast(),
            room,
            &mut returned,
            ptr::null_mut(),
            None,
        )
    };
    if rc == SOCKET_ERROR {
        assert_eq!(
            (pointer.is_none(), returned),
            (true, 0xAB),
            "a failure wrote nothing"
        );
        return Err(common::last_error());
    }
    Ok((pointer, returned))
}

#[test]
fn wsasendmsg_sends_one_gathered_datagram_and_binds_implicitly() {
    let _env = env();
    let (r, at) = receiver();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let mut parts = vec![b"ab".to_vec(), b"cde".to_vec()];
    let flags = MSG_PARTIAL;
    assert_eq!(
        send_msg(Some(WSASendMsg), s, Some(at), &mut parts, flags),
        Ok(5)
    );
    assert_eq!(received(r), b"abcde");
    let bound = local(s).unwrap();
    assert_eq!(
        (bound.ip().to_string(), bound.port() != 0),
        ("0.0.0.0".into(), true)
    );
    // A connected socket sends to its peer with a NULL name.
    let c = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let peer = sockaddr(at);
    assert_eq!(unsafe { connect(c, peer.as_ptr().cast(), 16) }, 0);
    assert_eq!(
        send_msg(Some(WSASendMsg), c, None, &mut [b"x".to_vec()], 0),
        Ok(1)
    );
    assert_eq!(received(r), b"x");
}

#[test]
fn choice_wsasendmsg_control_errors_bind_nothing() {
    let _env = env();
    let (_, at) = receiver();
    let f = Some(WSASendMsg as unsafe extern "system" fn(_, _, _, _, _, _) -> _);
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    assert_eq!(
        send_msg(f, INVALID_SOCKET, Some(at), &mut [], 0),
        Err(WSAENOTSOCK)
    );
    let mut sent = 0;
    let rc = unsafe { WSASendMsg(s, ptr::null(), 0, &mut sent, ptr::null_mut(), None) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAEFAULT));
    let tcp = raw_socket(AF_INET, SOCK_STREAM, 0);
    assert_eq!(
        send_msg(f, tcp, Some(at), &mut [b"x".to_vec()], 0),
        Err(WSAEINVAL)
    );
    assert_eq!(
        send_msg(f, s, None, &mut [b"x".to_vec()], 0),
        Err(WSAEDESTADDRREQ)
    );
    let oob = MSG_OOB as u32;
    assert_eq!(
        send_msg(f, s, Some(at), &mut [b"x".to_vec()], oob),
        Err(WSAEOPNOTSUPP)
    );
    // A NULL byte count without an OVERLAPPED.
    let mut name = sockaddr(at);
    let msg = WSAMSG {
        name: name.as_mut_ptr().cast(),
        namelen: 16,
        ..WSAMSG::default()
    };
    let rc = unsafe { WSASendMsg(s, &msg, 0, ptr::null_mut(), ptr::null_mut(), None) };
    assert_eq!((rc, common::last_error()), (SOCKET_ERROR, WSAEFAULT));
    assert_eq!(local(s), Err(WSAEINVAL), "no failed call bound the socket");
}

#[test]
fn the_extension_table_gives_wsasendmsg_and_refuses_unknown_guids() {
    let _env = env();
    let (r, at) = receiver();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let (function, returned) = extension(s, WSAID_WSASENDMSG, 16, 8).unwrap();
    assert_eq!(returned, size_of::<usize>() as u32);
    assert!(function.is_some());
    assert_eq!(
        send_msg(function, s, Some(at), &mut [b"via".to_vec()], 0),
        Ok(3)
    );
    assert_eq!(received(r), b"via");
    let code = |result: Result<(LPFN_WSASENDMSG, u32), i32>| result.map(|(_, n)| n);
    let pointer = size_of::<usize>() as u32;
    assert_eq!(code(extension(s, WSAID_ACCEPTEX, 16, 8)), Ok(pointer));
    let unknown = GUID::from_u128(0x0bad_f00d_0000_4000_8000_0000_0000_0001);
    assert_eq!(code(extension(s, unknown, 16, 8)), Err(WSAEINVAL));
    assert_eq!(code(extension(s, WSAID_TRANSMITFILE, 16, 8)), Ok(pointer));
    assert_eq!(code(extension(s, WSAID_WSARECVMSG, 16, 8)), Ok(pointer));
    assert_eq!(code(extension(s, WSAID_WSASENDMSG, 15, 8)), Err(WSAEFAULT));
    // Room for a function pointer: 4 bytes are too few only where pointers are 8.
    #[cfg(target_pointer_width = "64")]
    assert_eq!(code(extension(s, WSAID_WSASENDMSG, 16, 4)), Err(WSAEFAULT));
    let invalid = extension(INVALID_SOCKET, WSAID_WSASENDMSG, 16, 8);
    assert_eq!(code(invalid), Err(WSAENOTSOCK));
}

#[test]
fn an_overlapped_wsasendmsg_completes_through_its_overlapped() {
    let _env = env();
    let (r, at) = receiver();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let mut data = b"ov".to_vec();
    let mut buf = WSABUF {
        len: 2,
        buf: data.as_mut_ptr(),
    };
    let mut name = sockaddr(at);
    let msg = WSAMSG {
        name: name.as_mut_ptr().cast(),
        namelen: 16,
        lpBuffers: &mut buf,
        dwBufferCount: 1,
        ..WSAMSG::default()
    };
    let mut overlapped = OVERLAPPED::default();
    let rc = unsafe { WSASendMsg(s, &msg, 0, ptr::null_mut(), &mut overlapped, None) };
    assert_eq!(rc, 0);
    let (mut count, mut flags) = (0, 0);
    let done = unsafe {
        WSAGetOverlappedResult(
            s,
            (&raw mut overlapped).cast_const(),
            &mut count,
            FALSE,
            &mut flags,
        )
    };
    assert_eq!((done, count), (TRUE, 2));
    assert_eq!(received(r), b"ov");
}
