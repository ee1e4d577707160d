//! Defect 4 of issue 13: no call allocates in proportion to a length it is about to refuse.
//! A gather send on a datagram socket used to concatenate every buffer (up to 4 GiB: one
//! 64 KiB buffer named 65,535 times is legal input) before checking the 65,507-byte limit,
//! and the process aborted on allocation failure instead of returning `WSAEMSGSIZE`.
//!
//! This binary counts the bytes each thread allocates (its own global allocator), so a
//! test sees what the call it makes allocates.
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::SocketAddr;

use winsock_emu::sys::{self, SOCKET_ERROR, WSABUF};
use winsock_emu::{Domain, Type};

/// Counts every byte allocated, per thread.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

/// Adds `bytes` to this thread's count (nothing while the thread is torn down).
fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|allocated| allocated.set(allocated.get() + bytes));
}

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size.saturating_sub(layout.size()));
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The bytes `f` allocated on this thread.
fn allocated_by<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATED.with(Cell::get);
    let result = f();
    (result, ALLOCATED.with(Cell::get) - before)
}

/// `WSASendTo` of `count` `WSABUF`s, each naming all of `buffer`, from a datagram socket:
/// its result, last error, and the bytes it allocated beyond the `WSABUF` array's copy.
fn gather_send_to(count: usize, buffer: &[u8]) -> (i32, i32, usize) {
    let env = common::env();
    let s = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let to = common::sockaddr(SocketAddr::from(([127, 0, 0, 1], 53)));
    let bufs = vec![
        WSABUF {
            len: buffer.len() as u32,
            buf: buffer.as_ptr().cast_mut(),
        };
        count
    ];
    let mut sent = 0xdead_beef_u32;
    let (rc, allocated) = allocated_by(|| unsafe {
        sys::WSASendTo(
            s.as_raw(),
            bufs.as_ptr(),
            count as u32,
            &mut sent,
            0,
            to.as_ptr().cast(),
            16,
            std::ptr::null_mut(),
            None,
        )
    });
    assert_eq!(sent, 0xdead_beef, "nothing written on failure");
    let array = count * std::mem::size_of::<WSABUF>();
    (rc, common::last_error(), allocated.saturating_sub(array))
}

#[test]
fn a_datagram_over_the_limit_is_refused_without_gathering_it() {
    // 1,024 buffers of 64 KiB: 64 MiB named, refused.
    let buffer = vec![0x5Au8; 64 * 1024];
    let count = if cfg!(miri) { 4 } else { 1024 };
    let (rc, error, allocated) = gather_send_to(count, &buffer);
    assert_eq!((rc, error), (SOCKET_ERROR, sys::WSAEMSGSIZE));
    assert!(
        allocated <= 2 * 65_536,
        "{allocated} bytes allocated for a datagram it refused"
    );
}

#[test]
fn a_four_gib_gather_is_refused_with_wsaemsgsize() {
    if cfg!(miri) {
        // Miri would take hours to write the 65,535 WSABUFs; the test above is the same
        // check on four.
        return;
    }
    let buffer = vec![0x5Au8; 65_536];
    let (rc, error, allocated) = gather_send_to(65_535, &buffer);
    assert_eq!((rc, error), (SOCKET_ERROR, sys::WSAEMSGSIZE));
    assert!(allocated <= 2 * 65_536, "{allocated} bytes allocated");
}

#[test]
fn a_datagram_at_the_limit_is_sent_whole() {
    let buffer = vec![0x5Au8; 65_507 / 7 + 1];
    let env = common::env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.bind("127.0.0.1:53".parse().unwrap()).unwrap();
    let s = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let to = common::sockaddr(SocketAddr::from(([127, 0, 0, 1], 53)));
    let mut bufs = [WSABUF {
        len: buffer.len() as u32,
        buf: buffer.as_ptr().cast_mut(),
    }; 7];
    bufs[6].len = (65_507 - 6 * buffer.len()) as u32;
    let mut sent = 0;
    let rc = unsafe {
        sys::WSASendTo(
            s.as_raw(),
            bufs.as_ptr(),
            7,
            &mut sent,
            0,
            to.as_ptr().cast(),
            16,
            std::ptr::null_mut(),
            None,
        )
    };
    assert_eq!((rc, sent), (0, 65_507));
    let mut room = vec![0u8; 70_000];
    assert_eq!(server.recv(&mut room), Ok(65_507));
}
