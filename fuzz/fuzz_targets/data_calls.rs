//! `send`, `recv`, `recvfrom`, `sendto`, `WSASendTo`, `shutdown` and `ioctlsocket`:
//! arbitrary handles, payloads, lengths, flags, addresses, commands and `how` values, with
//! buffers exactly as long as declared.
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
    flags: i32,
    len: u32,
    null: bool,
    payload: Vec<u8>,
    addr: Vec<u8>,
    null_addr: bool,
    room: u8,
    how: i32,
    cmd: i32,
    null_arg: bool,
    arg: u32,
    buffers: u8,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let flags = input.flags & 0xf; // MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_WAITALL and 0
    let (_payload, p) = buffer(&input.payload, input.null);
    let len = declared_len(input.len, input.payload.len(), input.null) as i32;
    let (_addr, a) = buffer(&input.addr, input.null_addr);
    let alen = declared_len(input.len >> 8, input.addr.len(), input.null_addr) as i32;
    let before = scene.net.snapshot();
    match input.call % 7 {
        0 => check_count(
            &scene.net,
            &before,
            unsafe { send(s, p, len, flags) },
            DATA_CODES,
        ),
        1 => {
            let mut out = vec![0u8; usize::from(input.room)];
            let out_ptr = if input.null {
                std::ptr::null_mut()
            } else {
                out.as_mut_ptr()
            };
            let rc = unsafe { recv(s, out_ptr, out.len() as i32, flags) };
            check_count(&scene.net, &before, rc, DATA_CODES);
        }
        2 => {
            let mut out = vec![0u8; usize::from(input.room)];
            let mut from = [0xabu8; 128];
            let mut from_len = i32::from(input.room % 129);
            let from_ptr = if input.null_addr {
                std::ptr::null_mut()
            } else {
                from.as_mut_ptr()
            };
            let rc = unsafe {
                recvfrom(
                    s,
                    out.as_mut_ptr(),
                    out.len() as i32,
                    flags,
                    from_ptr.cast(),
                    &mut from_len,
                )
            };
            check_count(&scene.net, &before, rc, DATA_CODES);
        }
        3 => {
            let rc = unsafe { sendto(s, p, len, flags, a.cast(), alen) };
            check_count(&scene.net, &before, rc, DATA_CODES);
        }
        4 => {
            let pieces: Vec<WSABUF> = input
                .payload
                .chunks(
                    input
                        .payload
                        .len()
                        .max(1)
                        .div_ceil(usize::from(input.buffers % 4) + 1),
                )
                .map(|chunk| WSABUF {
                    len: chunk.len() as u32,
                    buf: chunk.as_ptr().cast_mut(),
                })
                .collect();
            let mut sent = 0xdead_beef_u32;
            let rc = unsafe {
                WSASendTo(
                    s,
                    pieces.as_ptr(),
                    pieces.len() as u32,
                    &mut sent,
                    0,
                    a.cast(),
                    alen,
                    std::ptr::null_mut(),
                    None,
                )
            };
            check(&scene.net, &before, rc, DATA_CODES);
            if rc != 0 {
                assert_eq!(sent, 0xdead_beef, "WSASendTo wrote the count on failure");
            }
        }
        5 => check(
            &scene.net,
            &before,
            unsafe { shutdown(s, input.how % 4) },
            DATA_CODES,
        ),
        _ => {
            let cmds = [FIONBIO, FIONREAD, input.cmd];
            let cmd = cmds[usize::from(input.buffers % 3)];
            // FIONBIO may only turn non-blocking mode on: the run has one thread.
            let mut arg = if cmd == FIONBIO {
                input.arg | 1
            } else {
                input.arg
            };
            let argp: *mut u32 = if input.null_arg {
                std::ptr::null_mut()
            } else {
                &mut arg
            };
            check(
                &scene.net,
                &before,
                unsafe { ioctlsocket(s, cmd, argp) },
                DATA_CODES,
            );
        }
    }
});
