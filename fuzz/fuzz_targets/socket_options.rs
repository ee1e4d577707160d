//! `getsockopt` and `setsockopt`: any level, option, length and pointer (NULL or a buffer
//! of exactly the declared size), on every socket of the scene; each failure must be a
//! documented code and leave the network as it was, and a failed `getsockopt` may write
//! only what Windows writes (within the declared length).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

/// Levels and options the table knows, so most inputs reach its rows.
const LEVELS: [i32; 5] = [
    SOL_SOCKET,
    IPPROTO_TCP,
    IPPROTO_IP,
    IPPROTO_IPV6,
    IPPROTO_UDP,
];
const NAMES: [i32; 27] = [
    SO_TYPE,
    SO_PROTOCOL_INFOW,
    SO_ACCEPTCONN,
    SO_ERROR,
    SO_REUSEADDR,
    SO_EXCLUSIVEADDRUSE,
    SO_BROADCAST,
    SO_KEEPALIVE,
    SO_LINGER,
    SO_DONTLINGER,
    SO_RCVBUF,
    SO_SNDBUF,
    SO_RCVTIMEO,
    SO_SNDTIMEO,
    SO_CONDITIONAL_ACCEPT,
    SO_UPDATE_ACCEPT_CONTEXT,
    SO_UPDATE_CONNECT_CONTEXT,
    SO_CONNECT_TIME,
    SO_MAX_MSG_SIZE,
    SO_OOBINLINE,
    TCP_NODELAY,
    TCP_KEEPALIVE,
    TCP_KEEPCNT,
    TCP_KEEPINTVL,
    IP_MULTICAST_TTL,
    IPV6_V6ONLY,
    IP_ADD_MEMBERSHIP,
];

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    level: (u8, i32),
    name: (u8, i32),
    set: bool,
    null: bool,
    null_len: bool,
    len: i32,
    bytes: Vec<u8>,
}

/// A level or name: from `known` for most selectors, else the raw value.
fn pick(known: &[i32], (selector, raw): (u8, i32)) -> i32 {
    if selector < 200 {
        known[usize::from(selector) % known.len()]
    } else {
        raw
    }
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let level = pick(&LEVELS, input.level);
    let name = pick(&NAMES, input.name);
    let before = scene.net.snapshot();
    if input.set {
        // A negative length reads the option's full size (at most 8 bytes): pad to 8.
        let mut bytes = input.bytes.clone();
        if input.len < 0 && bytes.len() < 8 {
            bytes.resize(8, 0);
        }
        let (_owned, p) = buffer(&bytes, input.null);
        let len = if input.null || input.len < 0 {
            input.len
        } else {
            declared_len(input.len as u32, bytes.len(), false) as i32
        };
        let rc = unsafe { setsockopt(s, level, name, p, len) };
        check(&scene.net, &before, rc, OPTION_CODES);
    } else {
        let room = input.len.clamp(0, 1024) as usize;
        let mut out = vec![0xA5u8; room];
        let optval = if input.null {
            std::ptr::null_mut()
        } else {
            out.as_mut_ptr()
        };
        let mut optlen = input.len.min(1024);
        let len_ptr: *mut i32 = if input.null_len {
            std::ptr::null_mut()
        } else {
            &mut optlen
        };
        let rc = unsafe { getsockopt(s, level, name, optval, len_ptr) };
        check(&scene.net, &before, rc, OPTION_CODES);
        if rc == 0 {
            assert!(
                (1..=input.len).contains(&optlen),
                "reported {optlen} of {}",
                input.len
            );
        }
    }
});
