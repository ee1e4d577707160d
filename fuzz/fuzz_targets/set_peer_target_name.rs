//! `WSASetSocketPeerTargetName`: arbitrary structure bytes, declared length, handle and
//! overlapped arguments. The first bytes steer the header so that deep checks are reached.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    null: bool,
    len: u32,
    overlapped: bool,
    /// Written at offset 136 (`PeerTargetNameStringLen`) when the buffer reaches it.
    string_len: Option<u16>,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let mut bytes = input.bytes;
    if let (Some(n), true) = (input.string_len, bytes.len() >= 140) {
        bytes[136..140].copy_from_slice(&u32::from(n).to_le_bytes());
    }
    let (_owned, p) = buffer(&bytes, input.null);
    let len = declared_len(input.len, bytes.len(), input.null);
    // A real OVERLAPPED with no event: an overlapped socket reports through its status.
    let mut block = OVERLAPPED::default();
    let overlapped = overlapped_ptr(&mut block, input.overlapped);
    let before = scene.net.snapshot();
    let rc = unsafe { WSASetSocketPeerTargetName(s, p.cast(), len, overlapped, None) };
    check(&scene.net, &before, rc, SET_NAME_CODES);
});
