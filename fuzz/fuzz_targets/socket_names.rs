//! `getsockname` and `getpeername`: any handle, NULL or real buffers, any `*namelen`; a
//! success writes at most `*namelen` bytes and reports 16 or 28, a failure is a documented
//! code and leaves `*namelen` and the network as they were.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    peer: bool,
    null: bool,
    null_len: bool,
    len: i32,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let room = input.len.clamp(0, 256) as usize;
    let mut out = vec![0xA5u8; room];
    let name = if input.null {
        std::ptr::null_mut()
    } else {
        out.as_mut_ptr().cast::<SOCKADDR>()
    };
    let mut namelen = input.len.min(256);
    let len_ptr: *mut i32 = if input.null_len {
        std::ptr::null_mut()
    } else {
        &mut namelen
    };
    let before = scene.net.snapshot();
    let call = if input.peer { getpeername } else { getsockname };
    let rc = unsafe { call(s, name, len_ptr) };
    check(&scene.net, &before, rc, NAME_CODES);
    if rc == 0 {
        assert!(namelen == 16 || namelen == 28, "reported {namelen}");
    } else if !input.null_len {
        assert_eq!(namelen, input.len.min(256), "a failure changed *namelen");
    }
});
