//! `bind`, `connect` and `WSAConnect`: arbitrary address bytes and (signed) lengths, and
//! dangling connect-data and QOS pointers that must never be read.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    call: u8,
    null: bool,
    negative: bool,
    len: u32,
    extras: bool,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let (_owned, p) = buffer(&input.bytes, input.null);
    let len = declared_len(input.len, input.bytes.len(), input.null) as i32;
    let len = if input.negative {
        -len.wrapping_abs().max(1)
    } else {
        len
    };
    let before = scene.net.snapshot();
    let (rc, codes) = match input.call % 3 {
        0 => (unsafe { bind(s, p.cast(), len) }, BIND_CODES),
        1 => (unsafe { connect(s, p.cast(), len) }, CONNECT_CODES),
        _ => {
            let d = std::ptr::dangling::<WSABUF>();
            let (caller, callee, sqos, gqos) = if input.extras {
                (
                    d,
                    d.cast_mut(),
                    std::ptr::dangling::<QOS>(),
                    std::ptr::dangling::<QOS>(),
                )
            } else {
                (
                    std::ptr::null(),
                    std::ptr::null_mut(),
                    std::ptr::null(),
                    std::ptr::null(),
                )
            };
            (
                unsafe { WSAConnect(s, p.cast(), len, caller, callee, sqos, gqos) },
                CONNECT_CODES,
            )
        }
    };
    check(&scene.net, &before, rc, codes);
});
