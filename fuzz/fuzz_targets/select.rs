//! `select` and `__WSAFDIsSet` with hostile sets: arbitrary handles (live, closed, garbage),
//! duplicates, `fd_count` larger than the array the caller owns (past the readiness limit,
//! so refused before a handle is read), NULL sets, and zero or negative timeouts (a
//! waiting timeout would make the fuzzer spend its runs asleep). Each call must return a
//! count with every set a subsequence of what it held, or `SOCKET_ERROR` with a documented
//! code, the sets and the network unchanged.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::choices::READINESS_MAX_ENTRIES;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Set {
    null: bool,
    handles: Vec<(u8, u64)>,
    /// Claim more handles than the limit (the memory holds only `handles`).
    huge_count: Option<u32>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    sets: [Set; 3],
    timeout: Option<(i32, i32)>,
    is_set: (u8, u64),
}

/// A set as a caller lays it out: `fd_count`, then the handles (at least one slot).
fn layout(scene: &Scene, set: &Set) -> Vec<usize> {
    let handles: Vec<usize> = set
        .handles
        .iter()
        .map(|&(s, raw)| scene.handle(s, raw))
        .collect();
    let count = match set.huge_count {
        Some(extra) => {
            (READINESS_MAX_ENTRIES as u64 + 1 + u64::from(extra)).min(u64::from(u32::MAX)) as usize
        }
        None => handles.len(),
    };
    let mut memory = vec![count];
    memory.extend(handles);
    memory.push(0);
    memory
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let mut memories: Vec<Vec<usize>> = input.sets.iter().map(|set| layout(&scene, set)).collect();
    let before_sets = memories.clone();
    let before = scene.net.snapshot();
    let pointers: Vec<*mut FD_SET> = memories
        .iter_mut()
        .zip(&input.sets)
        .map(|(memory, set)| {
            if set.null {
                std::ptr::null_mut()
            } else {
                memory.as_mut_ptr().cast()
            }
        })
        .collect();
    // Zero or negative: never a wait.
    let timeout = input.timeout.map(|(sec, usec)| TIMEVAL {
        tv_sec: sec.min(0),
        tv_usec: usec.min(0),
    });
    let tv = timeout.unwrap_or_default();
    let rc = unsafe { select(0, pointers[0], pointers[1], pointers[2], &tv) };
    if rc == SOCKET_ERROR {
        let code = unsafe { WSAGetLastError() };
        assert!(
            [WSAEINVAL, WSAENOTSOCK, WSAEFAULT].contains(&code),
            "undocumented error {code}"
        );
        assert_eq!(memories, before_sets, "a failed select changed a set");
        assert_eq!(
            scene.net.snapshot(),
            before,
            "a failed select changed the network"
        );
        return;
    }
    let mut total = 0;
    for ((after, was), set) in memories.iter().zip(&before_sets).zip(&input.sets) {
        if set.null {
            continue;
        }
        let kept = &after[1..1 + after[0]];
        total += kept.len();
        let mut rest = was[1..1 + was[0]].iter();
        for handle in kept {
            assert!(
                rest.any(|h| h == handle),
                "{handle:#x} was not in the set, or out of order"
            );
        }
    }
    assert_eq!(rc as usize, total, "the count is the sets' sizes");
    let probe = scene.handle(input.is_set.0, input.is_set.1);
    for (memory, set) in memories.iter_mut().zip(&input.sets) {
        if !set.null {
            let member = memory[1..1 + memory[0]].contains(&probe);
            let found = unsafe { __WSAFDIsSet(probe, memory.as_mut_ptr().cast()) };
            assert_eq!(found != 0, member);
        }
    }
});
