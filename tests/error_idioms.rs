//! The Windows error idioms of Rust code, on every OS: `io::Error::last_os_error()` after a
//! failed `sys` call is the Winsock code, and the crate's `Error` converts into the
//! `io::Error` Rust code on Windows checks (docs/choices.md#io-error-conversion).

mod common;

use std::io;

use common::env;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Error, Type};

/// The idiom: `if rc == SOCKET_ERROR { return Err(io::Error::last_os_error()) }`.
fn check(rc: i32) -> io::Result<i32> {
    if rc == SOCKET_ERROR {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

#[test]
fn last_os_error_is_the_winsock_code_after_a_failed_call() {
    let _env = env();
    let s = unsafe { socket(AF_INET.into(), SOCK_DGRAM, 0) };
    let mut buf = [0u8; 4];
    let err = check(unsafe { recv(s, buf.as_mut_ptr(), 4, 0) }).unwrap_err();
    assert_eq!(
        err.raw_os_error(),
        Some(WSAEINVAL),
        "recv on an unbound socket"
    );
    assert_eq!(Error::from_io(&err), Some(Error::Invalid));
    let err = check(unsafe { closesocket(0x4444) }).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(WSAENOTSOCK));
    // WSASetLastError sets it too, as on Windows, where the two are one value.
    unsafe { WSASetLastError(WSAEWOULDBLOCK) };
    assert_eq!(
        io::Error::last_os_error().raw_os_error(),
        Some(WSAEWOULDBLOCK)
    );
    // Per thread.
    std::thread::spawn(|| {
        unsafe { WSASetLastError(WSAETIMEDOUT) };
        assert_eq!(
            io::Error::last_os_error().raw_os_error(),
            Some(WSAETIMEDOUT)
        );
    })
    .join()
    .unwrap();
    // On Windows, spawning and joining a thread are Win32 calls that set this thread's
    // last error themselves.
    #[cfg(not(windows))]
    assert_eq!(
        io::Error::last_os_error().raw_os_error(),
        Some(WSAEWOULDBLOCK)
    );
}

#[test]
fn choice_io_error_conversion_keeps_the_kind_and_the_code() {
    let env = env();
    let s = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    s.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    s.set_nonblocking(true).unwrap();
    let err = io::Error::from(s.recv(&mut [0; 4]).unwrap_err());
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    assert_eq!(Error::from_io(&err), Some(Error::WouldBlock));
    assert_eq!(Error::try_from(&err), Ok(Error::WouldBlock));
    if cfg!(windows) {
        assert_eq!(err.raw_os_error(), Some(WSAEWOULDBLOCK));
    } else {
        assert_eq!(err.raw_os_error(), None);
        assert!(
            err.to_string().starts_with("WSAEWOULDBLOCK (10035)"),
            "{err}"
        );
    }
    for (error, kind) in [
        (Error::TimedOut, io::ErrorKind::TimedOut),
        (Error::ConnectionRefused, io::ErrorKind::ConnectionRefused),
        (Error::ConnectionReset, io::ErrorKind::ConnectionReset),
        (Error::AddressInUse, io::ErrorKind::AddrInUse),
        (Error::NotConnected, io::ErrorKind::NotConnected),
        (Error::AccessDenied, io::ErrorKind::PermissionDenied),
    ] {
        let converted = io::Error::from(error);
        assert_eq!(converted.kind(), kind, "{error}");
        assert_eq!(Error::from_io(&converted), Some(error));
    }
}
