//! `WSAPoll` with hostile arrays: arbitrary handles (live, closed, negative, garbage) and
//! `events` flags, `fds` past the readiness limit (refused before an entry is read), a NULL
//! array, and a 0 ms timeout. Each call must return a count of the entries it reported,
//! with every `revents` made of the flags asked for plus POLLHUP, POLLERR, POLLNVAL, or
//! `SOCKET_ERROR` with a documented code and nothing written (but the POLLNVAL of
//! WSAENOTSOCK), the network unchanged.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::choices::READINESS_MAX_ENTRIES;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    entries: Vec<(u8, u64, i16)>,
    null: bool,
    huge_count: Option<u32>,
    zero_count: bool,
}

/// A sentinel `revents` no call writes.
const UNTOUCHED: i16 = 0x7a7a;

fuzz_target!(|input: Input| {
    let scene = scene();
    let mut fds: Vec<WSAPOLLFD> = input
        .entries
        .iter()
        .map(|&(s, raw, events)| WSAPOLLFD {
            fd: scene.handle(s, raw),
            events,
            revents: UNTOUCHED,
        })
        .collect();
    let count = match (input.huge_count, input.zero_count) {
        (Some(extra), _) => {
            (READINESS_MAX_ENTRIES as u64 + 1 + u64::from(extra)).min(u64::from(u32::MAX)) as u32
        }
        (None, true) => 0,
        (None, false) => fds.len() as u32,
    };
    let pointer = if input.null {
        std::ptr::null_mut()
    } else {
        fds.as_mut_ptr()
    };
    let before = scene.net.snapshot();
    let rc = unsafe { WSAPoll(pointer, count, 0) };
    if rc == SOCKET_ERROR {
        let code = unsafe { WSAGetLastError() };
        assert!(
            [WSAEINVAL, WSAEFAULT, WSAENOBUFS, WSAENOTSOCK].contains(&code),
            "undocumented error {code}"
        );
        let expected = if code == WSAENOTSOCK {
            POLLNVAL
        } else {
            UNTOUCHED
        };
        assert!(
            fds.iter().all(|fd| fd.revents == expected),
            "{code}: revents written"
        );
        assert_eq!(
            scene.net.snapshot(),
            before,
            "a failed WSAPoll changed the network"
        );
        return;
    }
    let mut reported = 0;
    for fd in &fds {
        let allowed = (fd.events & (POLLRDNORM | POLLWRNORM)) | POLLHUP | POLLERR | POLLNVAL;
        assert_eq!(fd.revents & !allowed, 0, "events {:#x}", fd.events);
        reported += usize::from(fd.revents != 0 && fd.revents != POLLNVAL);
    }
    assert_eq!(rc as usize, reported, "the count is the entries reported");
});
