//! Completion ports and the extension functions: a sequence of calls on the scene's
//! sockets and on ports it creates, with arbitrary handles, keys, byte counts and
//! `OVERLAPPED` values (posted and canceled values are carried, never dereferenced),
//! arbitrary entry counts (never more than the array holds), NULL outputs, and
//! `AcceptEx`/`ConnectEx`/`DisconnectEx` with arbitrary lengths over real buffers whose
//! operations are left pending and then aborted by closing their sockets, and a port
//! closed while another thread waits on it. Every dequeue has a timeout of 0 (or is ended
//! by the close), so a run never waits; the checks: no panic, the documented codes, and
//! every packet posted comes out once, in order.
#![no_main]

use std::collections::VecDeque;
use std::ffi::c_void;
use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
enum Step {
    Create,
    Associate { port: u8, selector: u8, raw: u64, key: usize },
    Post { port: u8, bytes: u32, key: usize, overlapped: usize },
    Get { port: u8, null_bytes: bool, null_key: bool, null_overlapped: bool },
    GetEx { port: u8, room: u8, declared: u8, null_removed: bool },
    Cancel { selector: u8, raw: u64, overlapped: usize, all: bool },
    Modes { selector: u8, raw: u64, flags: u8 },
    AcceptEx { selector: u8, raw: u64, lengths: (u32, u32, u32), null_buffer: bool },
    ConnectEx { selector: u8, raw: u64, namelen: i32, data: Vec<u8> },
    DisconnectEx { selector: u8, raw: u64, flags: u32, reserved: u32 },
    Close { port: u8, raw: u64, real: bool },
    CloseWhileWaited { port: u8 },
}

/// A port the run made, with what it expects to come out of it.
struct Made {
    handle: HANDLE,
    open: bool,
    posted: VecDeque<(u32, usize, usize)>,
}

fn pick(ports: &[Made], index: u8) -> Option<usize> {
    (!ports.is_empty()).then(|| usize::from(index) % ports.len())
}

fn extension<T: Copy>(s: SOCKET, guid: GUID) -> T {
    let mut function = std::mem::MaybeUninit::<T>::zeroed();
    let mut bytes = 0u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            ptr::from_ref(&guid).cast::<c_void>(),
            std::mem::size_of::<GUID>() as u32,
            function.as_mut_ptr().cast::<c_void>(),
            std::mem::size_of::<T>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(rc, 0);
    unsafe { function.assume_init() }
}

fuzz_target!(|steps: Vec<Step>| {
    let scene = scene();
    let probe = scene.handle(0, 0);
    let accept_ex = extension::<LPFN_ACCEPTEX>(probe, WSAID_ACCEPTEX).unwrap();
    let connect_ex = extension::<LPFN_CONNECTEX>(probe, WSAID_CONNECTEX).unwrap();
    let disconnect_ex = extension::<LPFN_DISCONNECTEX>(probe, WSAID_DISCONNECTEX).unwrap();
    let mut ports: Vec<Made> = Vec::new();
    // Buffers and OVERLAPPEDs of operations that may still pend: they outlive the run's
    // sockets (closed at the end, which aborts the operations) before they are freed.
    let mut kept: Vec<Box<([u8; 256], OVERLAPPED)>> = Vec::new();
    let mut fresh: Vec<SOCKET> = Vec::new();
    for step in steps.into_iter().take(64) {
        match step {
            Step::Create => {
                let handle = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
                assert!(!handle.is_null());
                ports.push(Made { handle, open: true, posted: VecDeque::new() });
            }
            Step::Associate { port, selector, raw, key } => {
                let Some(i) = pick(&ports, port) else { continue };
                let s = scene.handle(selector, raw);
                let got = unsafe { CreateIoCompletionPort(s as HANDLE, ports[i].handle, key, 0) };
                if got.is_null() {
                    let code = unsafe { GetLastError() };
                    assert!([ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER].contains(&code), "{code}");
                } else {
                    assert!(ports[i].open);
                    assert_eq!(got, ports[i].handle);
                }
            }
            Step::Post { port, bytes, key, overlapped } => {
                let Some(i) = pick(&ports, port) else { continue };
                let ok = unsafe { PostQueuedCompletionStatus(ports[i].handle, bytes, key, ptr::without_provenance(overlapped)) };
                assert_eq!(ok == TRUE, ports[i].open);
                if ports[i].open {
                    ports[i].posted.push_back((bytes, key, overlapped));
                }
            }
            Step::Get { port, null_bytes, null_key, null_overlapped } => {
                let Some(i) = pick(&ports, port) else { continue };
                let (mut bytes, mut key, mut ov) = (0u32, 0usize, ptr::null_mut());
                let pb = if null_bytes { ptr::null_mut() } else { &mut bytes };
                let pk = if null_key { ptr::null_mut() } else { &mut key };
                let po = if null_overlapped { ptr::null_mut() } else { &mut ov };
                let ok = unsafe { GetQueuedCompletionStatus(ports[i].handle, pb, pk, po, 0) };
                if null_bytes || null_key || null_overlapped {
                    assert_eq!((ok, unsafe { GetLastError() }), (FALSE, ERROR_INVALID_PARAMETER));
                    continue;
                }
                let code = unsafe { GetLastError() };
                match ports[i].posted.front().copied() {
                    _ if !ports[i].open => assert_eq!((ok, code), (FALSE, ERROR_INVALID_HANDLE)),
                    Some(expected) if ok == TRUE && ov.addr() == expected.2 && key == expected.1 => {
                        assert_eq!(bytes, expected.0);
                        ports[i].posted.pop_front();
                    }
                    // An operation's packet (a socket of the scene associated with it).
                    _ if !ov.is_null() => {}
                    _ => assert_eq!((ok, code), (FALSE, WAIT_TIMEOUT)),
                }
            }
            Step::GetEx { port, room, declared, null_removed } => {
                let Some(i) = pick(&ports, port) else { continue };
                let mut entries = vec![OVERLAPPED_ENTRY::default(); usize::from(room % 8)];
                let count = u32::from(declared) % (entries.len() as u32 + 1);
                let mut removed = 0u32;
                let pr = if null_removed { ptr::null_mut() } else { &mut removed };
                let array = if entries.is_empty() { ptr::null_mut() } else { entries.as_mut_ptr() };
                let ok = unsafe { GetQueuedCompletionStatusEx(ports[i].handle, array, count, pr, 0, FALSE) };
                if ok == TRUE {
                    assert!(removed >= 1 && removed <= count);
                    // Packets the run posted come out in order (operations' may interleave).
                    for entry in &entries[..removed as usize] {
                        let posted = ports[i].posted.front().copied();
                        if posted.is_some_and(|p| p.2 == entry.lpOverlapped.addr() && p.1 == entry.lpCompletionKey) {
                            ports[i].posted.pop_front();
                        }
                    }
                } else {
                    let code = unsafe { GetLastError() };
                    assert!([WAIT_TIMEOUT, ERROR_INVALID_PARAMETER, ERROR_INVALID_HANDLE].contains(&code), "{code}");
                }
            }
            Step::Cancel { selector, raw, overlapped, all } => {
                let s = scene.handle(selector, raw);
                let ok = if all {
                    unsafe { CancelIo(s as HANDLE) }
                } else {
                    unsafe { CancelIoEx(s as HANDLE, ptr::without_provenance(overlapped)) }
                };
                if ok == FALSE {
                    let code = unsafe { GetLastError() };
                    assert!([ERROR_INVALID_HANDLE, ERROR_NOT_FOUND].contains(&code), "{code}");
                }
            }
            Step::Modes { selector, raw, flags } => {
                let s = scene.handle(selector, raw);
                if unsafe { SetFileCompletionNotificationModes(s as HANDLE, flags) } == FALSE {
                    let code = unsafe { GetLastError() };
                    assert!([ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER].contains(&code), "{code}");
                }
            }
            Step::AcceptEx { selector, raw, lengths, null_buffer } => {
                let listener = scene.handle(selector, raw);
                let target = unsafe { socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP) };
                fresh.push(target);
                let mut block = Box::new(([0u8; 256], OVERLAPPED::default()));
                // Declared lengths never exceed the buffer.
                let data = lengths.0 % 257;
                let local = lengths.1 % (257 - data + 1);
                let remote = lengths.2 % (257 - data - local + 1);
                let buffer = if null_buffer { ptr::null_mut() } else { block.0.as_mut_ptr().cast() };
                let mut received = 0u32;
                let ok = unsafe { accept_ex(listener, target, buffer, data, local, remote, &mut received, &mut block.1) };
                assert_eq!(ok, FALSE);
                let code = unsafe { WSAGetLastError() };
                assert!([WSA_IO_PENDING, WSAEFAULT, WSAEINVAL, WSAENOTSOCK].contains(&code), "{code}");
                kept.push(block);
            }
            Step::ConnectEx { selector, raw, namelen, data } => {
                let s = scene.handle(selector, raw);
                let name = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
                let namelen = namelen.clamp(i32::MIN, name.len() as i32);
                let mut block = Box::new(([0u8; 256], OVERLAPPED::default()));
                let mut sent = 0u32;
                let ok = unsafe {
                    connect_ex(s, name.as_ptr().cast(), namelen, data.as_ptr().cast(), data.len() as u32, &mut sent, &mut block.1)
                };
                assert_eq!(ok, FALSE);
                kept.push(block);
            }
            Step::DisconnectEx { selector, raw, flags, reserved } => {
                let s = scene.handle(selector, raw);
                let mut block = Box::new(([0u8; 256], OVERLAPPED::default()));
                let _ = unsafe { disconnect_ex(s, &mut block.1, flags, reserved) };
                kept.push(block);
            }
            Step::Close { port, raw, real } => {
                if real {
                    let Some(i) = pick(&ports, port) else { continue };
                    let ok = unsafe { CloseHandle(ports[i].handle) };
                    assert_eq!(ok == TRUE, ports[i].open);
                    ports[i].open = false;
                } else if ports.iter().all(|made| made.handle.addr() as u64 != raw)
                    && scene.handle(0, 0) as u64 != raw
                {
                    // Any other value: a handle the run never made, or one of the scene's.
                    let _ = unsafe { CloseHandle(ptr::without_provenance_mut(raw as usize)) };
                }
            }
            Step::CloseWhileWaited { port } => {
                let Some(i) = pick(&ports, port) else { continue };
                if !ports[i].open || !ports[i].posted.is_empty() {
                    continue;
                }
                let handle = ports[i].handle.addr();
                let waiter = scene.net.spawn(move || {
                    let (mut bytes, mut key, mut ov) = (0u32, 0usize, ptr::null_mut());
                    let ok = unsafe { GetQueuedCompletionStatus(ptr::without_provenance_mut(handle), &mut bytes, &mut key, &mut ov, 60_000) };
                    (ok, unsafe { GetLastError() }, ov.is_null())
                });
                assert!(scene.net.wait_until_blocked(1));
                assert_eq!(unsafe { CloseHandle(ports[i].handle) }, TRUE);
                ports[i].open = false;
                let (ok, code, null) = waiter.join().unwrap();
                // An operation's packet may have come first; otherwise the wait was abandoned.
                assert!(ok == TRUE || !null || code == ERROR_ABANDONED_WAIT_0, "{code}");
            }
        }
    }
    for s in fresh {
        unsafe { closesocket(s) };
    }
    for &s in &scene.handles {
        unsafe { closesocket(s) };
    }
    for made in &ports {
        if made.open {
            assert_eq!(unsafe { CloseHandle(made.handle) }, TRUE);
        }
    }
    drop(kept);
});
