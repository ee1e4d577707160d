//! `WSADuplicateSocketW`/`A` with arbitrary raw arguments (any handle, any process id, a
//! NULL or real structure), then `WSASocketW`/`A` with the structure written, any number of
//! times, its bytes possibly altered: each call returns success or a documented code, a
//! failure changes no socket, a structure is used at most once, and the socket closes with
//! its last descriptor.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    process_id: u32,
    null_info: bool,
    ansi: bool,
    uses: u8,
    /// (offset, byte) changes to the written structure before it is used.
    changes: Vec<(u16, u8)>,
    triple: (i32, i32, i32),
}

const DUPLICATE_CODES: &[i32] = &[
    WSANOTINITIALISED,
    WSAEFAULT,
    WSAEINVAL,
    WSAENOTSOCK,
    WSAENOBUFS,
    WSAEMFILE,
];

/// Applies `changes` to the bytes of `info`.
fn altered<T: Copy>(info: T, changes: &[(u16, u8)]) -> T {
    let mut bytes = vec![0u8; std::mem::size_of::<T>()];
    // SAFETY: `bytes` holds a `T`; both are plain data.
    unsafe { std::ptr::write_unaligned(bytes.as_mut_ptr().cast(), info) };
    for &(offset, byte) in changes.iter().take(8) {
        let at = usize::from(offset) % bytes.len();
        bytes[at] = byte;
    }
    // SAFETY: every bit pattern is a valid `T` (integers, arrays and a GUID).
    unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast()) }
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let before = scene.net.snapshot();
    let mut wide = WSAPROTOCOL_INFOW::default();
    let mut ansi = WSAPROTOCOL_INFOA::default();
    let rc = match (input.ansi, input.null_info) {
        (false, false) => unsafe { WSADuplicateSocketW(s, input.process_id, &mut wide) },
        (true, false) => unsafe { WSADuplicateSocketA(s, input.process_id, &mut ansi) },
        (false, true) => unsafe { WSADuplicateSocketW(s, input.process_id, std::ptr::null_mut()) },
        (true, true) => unsafe { WSADuplicateSocketA(s, input.process_id, std::ptr::null_mut()) },
    };
    check(&scene.net, &before, rc, DUPLICATE_CODES);
    assert_eq!(
        scene.net.snapshot(),
        before,
        "a duplication changes no socket"
    );
    if rc != 0 {
        assert_eq!((wide.dwProviderReserved, ansi.dwProviderReserved), (0, 0));
        return;
    }
    let (af, ty, protocol) = input.triple;
    let (wide, ansi) = (altered(wide, &input.changes), altered(ansi, &input.changes));
    let mut opened = 0;
    for _ in 0..input.uses % 4 {
        let before = scene.net.snapshot();
        let made = if input.ansi {
            unsafe { WSASocketA(af, ty, protocol, &ansi, 0, 0) }
        } else {
            unsafe { WSASocketW(af, ty, protocol, &wide, 0, 0) }
        };
        check_socket(&scene.net, &before, made, SOCKET_CODES);
        if made != INVALID_SOCKET {
            opened += 1;
            assert_eq!(unsafe { closesocket(made) }, 0);
        }
    }
    let key = if input.ansi {
        ansi.dwProviderReserved
    } else {
        wide.dwProviderReserved
    };
    if key != 0 {
        assert!(opened <= 1, "a duplication is used once");
    }
    // The source's descriptor is still there: closing it succeeds once.
    assert_eq!(unsafe { closesocket(s) }, 0);
});
