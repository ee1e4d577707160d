//! `WSAStartup`, `WSACleanup`, `WSAGetLastError` and `WSASetLastError`: arbitrary versions,
//! NULL `lpWSAData`, and calls on a network whose last user has cleaned up.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    version: u16,
    null: bool,
    cleanups: u8,
    last_error: i32,
    selector: u8,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    unsafe { WSASetLastError(input.last_error) };
    assert_eq!(unsafe { WSAGetLastError() }, input.last_error);
    let mut data = [0xabu8; std::mem::size_of::<WSADATA>()];
    let p: *mut WSADATA = if input.null {
        std::ptr::null_mut()
    } else {
        data.as_mut_ptr().cast()
    };
    let before = scene.net.snapshot();
    let rc = unsafe { WSAStartup(input.version, p) };
    if rc != 0 {
        assert!(
            rc == WSAEFAULT || rc == WSAVERNOTSUPPORTED,
            "WSAStartup returned {rc}"
        );
        assert!(
            data.iter().all(|&b| b == 0xab),
            "WSADATA written on failure"
        );
        assert_eq!(scene.net.snapshot(), before);
    }
    // Clean up a few times: past the last user every call is WSANOTINITIALISED and
    // every socket is gone.
    for _ in 0..input.cleanups % 4 {
        let _ = unsafe { WSACleanup() };
    }
    if scene.net.startup_count() == 0 {
        assert_eq!(scene.net.socket_count(), 0);
        let s = scene.handle(input.selector, 0);
        assert_eq!(unsafe { closesocket(s) }, SOCKET_ERROR);
        assert_eq!(unsafe { WSAGetLastError() }, WSANOTINITIALISED);
        assert_eq!(unsafe { WSACleanup() }, SOCKET_ERROR);
        assert_eq!(unsafe { WSAGetLastError() }, WSANOTINITIALISED);
        // The scene's Startup guard will clean up once more; give it a user to release.
        let mut data = WSADATA::default();
        assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
    }
});
