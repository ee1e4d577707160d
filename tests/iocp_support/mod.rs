//! Helpers for the completion-port tests, in windows-sys style: the extension functions
//! looked up as a program looks them up, sockets, addresses and a port.
#![allow(dead_code)]

use std::ffi::c_void;
use std::mem::size_of;
use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::*;

/// The pointer `SIO_GET_EXTENSION_FUNCTION_POINTER` gives for `guid` on `s`, typed as
/// its `LPFN_*` (`T`), as a program asks for it.
pub fn extension<T: Copy>(s: SOCKET, guid: GUID) -> T {
    assert_eq!(size_of::<T>(), size_of::<usize>());
    let mut function = std::mem::MaybeUninit::<T>::zeroed();
    let mut bytes = 0u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            ptr::from_ref(&guid).cast::<c_void>(),
            size_of::<GUID>() as u32,
            function.as_mut_ptr().cast::<c_void>(),
            size_of::<T>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(rc, 0, "WSAIoctl: {}", unsafe { WSAGetLastError() });
    assert_eq!(bytes as usize, size_of::<usize>());
    // SAFETY: the call wrote a pointer of the type asked for.
    unsafe { function.assume_init() }
}

/// `AcceptEx`, looked up on `s`.
pub fn accept_ex(
    s: SOCKET,
) -> unsafe extern "system" fn(
    SOCKET,
    SOCKET,
    *mut c_void,
    u32,
    u32,
    u32,
    *mut u32,
    *mut OVERLAPPED,
) -> BOOL {
    extension::<LPFN_ACCEPTEX>(s, WSAID_ACCEPTEX).expect("AcceptEx")
}

/// `ConnectEx`, looked up on `s`.
pub fn connect_ex(
    s: SOCKET,
) -> unsafe extern "system" fn(
    SOCKET,
    *const SOCKADDR,
    i32,
    *const c_void,
    u32,
    *mut u32,
    *mut OVERLAPPED,
) -> BOOL {
    extension::<LPFN_CONNECTEX>(s, WSAID_CONNECTEX).expect("ConnectEx")
}

/// An overlapped TCP socket (`WSA_FLAG_OVERLAPPED`).
pub fn tcp_socket() -> SOCKET {
    let s = unsafe {
        WSASocketW(
            AF_INET.into(),
            SOCK_STREAM,
            IPPROTO_TCP,
            ptr::null(),
            0,
            WSA_FLAG_OVERLAPPED,
        )
    };
    assert_ne!(s, INVALID_SOCKET);
    s
}

/// `addr` as a `SOCKADDR_IN`.
pub fn sockaddr_in(addr: SocketAddr) -> SOCKADDR_IN {
    let SocketAddr::V4(v4) = addr else {
        panic!("IPv4 only")
    };
    SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: v4.port().to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from(*v4.ip()).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

/// Binds `s` to `addr`.
pub fn bind_to(s: SOCKET, addr: &str) {
    let name = sockaddr_in(addr.parse().unwrap());
    let rc = unsafe {
        bind(
            s,
            ptr::from_ref(&name).cast(),
            size_of::<SOCKADDR_IN>() as i32,
        )
    };
    assert_eq!(rc, 0, "bind {addr}: {}", unsafe { WSAGetLastError() });
}

/// A listening overlapped TCP socket on `addr`.
pub fn listener(addr: &str) -> SOCKET {
    let s = tcp_socket();
    bind_to(s, addr);
    assert_eq!(unsafe { listen(s, 200) }, 0);
    s
}

/// A connected pair of overlapped TCP sockets on `addr` (client, server), the server
/// taken by `accept` and the listener closed.
pub fn connected_pair(addr: &str) -> (SOCKET, SOCKET) {
    let l = listener(addr);
    let c = tcp_socket();
    let name = sockaddr_in(addr.parse().unwrap());
    let rc = unsafe { connect(c, ptr::from_ref(&name).cast(), 16) };
    assert_eq!(rc, 0);
    let s = unsafe { accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s, INVALID_SOCKET);
    assert_eq!(unsafe { closesocket(l) }, 0);
    (c, s)
}

/// A new completion port.
pub fn new_port() -> HANDLE {
    let port = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
    assert!(!port.is_null());
    port
}

/// Associates `s` with `port` under `key`.
pub fn associate(s: SOCKET, port: HANDLE, key: usize) {
    let got = unsafe { CreateIoCompletionPort(s as HANDLE, port, key, 0) };
    assert_eq!(got, port, "associate: {}", unsafe { GetLastError() });
}

/// One dequeued packet: `GetQueuedCompletionStatus`'s return, bytes, key, OVERLAPPED and
/// last error (0 after `TRUE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dequeued {
    pub ok: bool,
    pub bytes: u32,
    pub key: usize,
    pub overlapped: *mut OVERLAPPED,
    pub error: u32,
}

/// `GetQueuedCompletionStatus(port, .., milliseconds)`, outputs preset to sentinels.
pub fn dequeue(port: HANDLE, milliseconds: u32) -> Dequeued {
    let (mut bytes, mut key) = (0xdead_beef_u32, 0xdead_beef_usize);
    let mut overlapped = ptr::without_provenance_mut::<OVERLAPPED>(0x1234);
    let ok = unsafe {
        GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut overlapped, milliseconds)
    };
    let error = if ok == TRUE {
        0
    } else {
        unsafe { GetLastError() }
    };
    Dequeued {
        ok: ok == TRUE,
        bytes,
        key,
        overlapped,
        error,
    }
}

/// `ConnectEx(s, addr, data, .., ov)`: its return and last error.
pub fn connect_to(s: SOCKET, addr: &str, data: &[u8], ov: *mut OVERLAPPED) -> (BOOL, i32) {
    // Looked up on a socket of its own: `s` may be no socket.
    let probe = tcp_socket();
    let function = connect_ex(probe);
    assert_eq!(unsafe { closesocket(probe) }, 0);
    let name = sockaddr_in(addr.parse().unwrap());
    let mut sent = 0xdead_beef_u32;
    let ok = unsafe {
        function(
            s,
            ptr::from_ref(&name).cast(),
            16,
            data.as_ptr().cast(),
            data.len() as u32,
            &mut sent,
            ov,
        )
    };
    assert_eq!(sent, 0xdead_beef, "*lpdwBytesSent is never written");
    (ok, unsafe { WSAGetLastError() })
}
