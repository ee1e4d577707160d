//! `listen`, `accept`, `WSAAccept` and `closesocket`: arbitrary handles and backlogs, the
//! accepts' address buffer of arbitrary room with a sentinel that must survive a failure,
//! and `WSAAccept`'s condition function present or not, answering `CF_ACCEPT`, `CF_REJECT`,
//! `CF_DEFER` or an invalid value.
#![no_main]

use std::cell::Cell;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    call: u8,
    backlog: i32,
    null_addr: bool,
    null_len: bool,
    room: i32,
    wsa: bool,
    condition: bool,
    answer: u8,
}

/// What [`condition`] answers: `CF_ACCEPT`, `CF_REJECT`, `CF_DEFER`, or an invalid value.
const ANSWERS: [i32; 4] = [CF_ACCEPT as i32, CF_REJECT as i32, CF_DEFER as i32, 7];

thread_local! {
    /// The answer [`condition`] gives, and whether it was called.
    static ANSWER: Cell<(i32, bool)> = const { Cell::new((0, false)) };
}

/// A condition function that answers ANSWER and notes that it was called.
unsafe extern "system" fn condition(
    _: *mut WSABUF,
    _: *mut WSABUF,
    _: *mut QOS,
    _: *mut QOS,
    _: *mut WSABUF,
    _: *mut WSABUF,
    _: *mut u32,
    _: usize,
) -> i32 {
    let (answer, _) = ANSWER.get();
    ANSWER.set((answer, true));
    answer
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let before = scene.net.snapshot();
    match input.call % 3 {
        0 => check(
            &scene.net,
            &before,
            unsafe { listen(s, input.backlog) },
            LISTEN_CODES,
        ),
        1 => {
            // The room claimed never exceeds the buffer (the caller's promise).
            let mut addr = [0xabu8; 128];
            let mut room = input.room.clamp(i32::MIN, 128);
            let addr_ptr: *mut SOCKADDR = if input.null_addr {
                std::ptr::null_mut()
            } else {
                addr.as_mut_ptr().cast()
            };
            let len_ptr: *mut i32 = if input.null_len {
                std::ptr::null_mut()
            } else {
                &mut room
            };
            let new = if input.wsa {
                let answer = ANSWERS[usize::from(input.answer % 4)];
                ANSWER.set((answer, false));
                let condition: LPCONDITIONPROC = input.condition.then_some(condition);
                let new = unsafe { WSAAccept(s, addr_ptr, len_ptr, condition, 0) };
                let (_, called) = ANSWER.get();
                let code = unsafe { WSAGetLastError() };
                if new == INVALID_SOCKET && code == WSAECONNREFUSED {
                    assert!(called && answer == CF_REJECT as i32, "refused unasked");
                    assert_ne!(scene.net.snapshot(), before, "the rejected one stayed");
                } else {
                    check_socket(&scene.net, &before, new, WSA_ACCEPT_CODES);
                }
                if new != INVALID_SOCKET && condition.is_some() {
                    assert!(called && answer == CF_ACCEPT as i32, "accepted unasked");
                }
                if new == INVALID_SOCKET && code == WSATRY_AGAIN {
                    assert!(called && answer == CF_DEFER as i32, "deferred unasked");
                }
                new
            } else {
                let new = unsafe { accept(s, addr_ptr, len_ptr) };
                check_socket(&scene.net, &before, new, ACCEPT_CODES);
                new
            };
            if new == INVALID_SOCKET {
                assert!(
                    addr.iter().all(|&b| b == 0xab),
                    "accept wrote the address on failure"
                );
                assert_eq!(
                    room,
                    input.room.clamp(i32::MIN, 128),
                    "accept wrote *addrlen on failure"
                );
            } else {
                assert!(!scene.handles.contains(&new), "a handle was reused");
            }
        }
        _ => {
            let rc = unsafe { closesocket(s) };
            check(&scene.net, &before, rc, CLOSE_CODES);
            if rc == 0 {
                assert_eq!(unsafe { closesocket(s) }, SOCKET_ERROR);
                assert_eq!(unsafe { WSAGetLastError() }, WSAENOTSOCK);
            }
        }
    }
});
