//! How `sys` touches caller memory: exact-size allocations (so that Miri reports any read
//! one byte past them), unaligned pointers, overstated lengths, dangling pointers the
//! emulator must never dereference, and out-parameters written only on success.
//!
//! `.ci/run` runs this file under `cargo +nightly miri test`.

mod common;

use std::ptr;

use common::*;
use winsock_emu::sys::*;
use winsock_emu::{PeerAddress, SecurityProtocol};

/// `bytes` in an allocation of exactly their length.
fn exact(bytes: &[u8]) -> Box<[u8]> {
    bytes.to_vec().into_boxed_slice()
}

/// A copy of `bytes` starting at an odd address, in a buffer of exactly `bytes.len() + 1`.
fn unaligned(bytes: &[u8]) -> Box<[u8]> {
    let mut out = vec![0u8; bytes.len() + 1];
    out[1..].copy_from_slice(bytes);
    out.into_boxed_slice()
}

fn set_at(s: SOCKET, p: *const u8, len: u32) -> Result<(), i32> {
    let rc = unsafe { WSASetSocketPeerTargetName(s, p.cast(), len, ptr::null(), None) };
    if rc == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// The name's bytes cut to the header plus the name: 140 + n, the smallest valid length.
fn tight_name(peer: &str, name: &str) -> Vec<u8> {
    let mut bytes = name_for(peer, name);
    bytes.truncate(140 + 2 * name.encode_utf16().count());
    bytes
}

#[test]
fn a_name_in_an_allocation_of_exactly_header_plus_name_is_read_in_bounds() {
    let _env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let buffer = exact(&tight_name("192.0.2.1:500", "host/a"));
    assert_eq!(set_at(s, buffer.as_ptr(), buffer.len() as u32), Ok(()));
}

#[test]
fn an_overstated_length_is_never_read_past_the_name_the_header_states() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let buffer = exact(&tight_name("192.0.2.1:500", "host/b"));
    assert_eq!(set_at(s, buffer.as_ptr(), u32::MAX), Ok(()));
    assert_eq!(
        env.net.snapshot().sockets[0].names[0].name.to_string(),
        "host/b"
    );
}

#[test]
fn a_huge_stated_name_length_is_refused_without_reading_past_the_declared_length() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let mut bytes = tight_name("192.0.2.1:500", "host/c");
    bytes[136..140].copy_from_slice(&u32::MAX.to_le_bytes());
    let buffer = exact(&bytes);
    assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
        set_at(s, buffer.as_ptr(), buffer.len() as u32)
    });
}

#[test]
fn buffers_shorter_than_the_header_are_read_only_as_far_as_declared() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let whole = name_for("192.0.2.1:500", "host/d");
    for len in [0usize, 1, 4, 8, 135, 139] {
        let buffer = exact(&whole[..len]);
        assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
            set_at(s, buffer.as_ptr(), len as u32)
        });
    }
}

#[test]
fn unaligned_names_and_addresses_are_read_correctly() {
    let env = env();
    let s = raw_socket(AF_INET6, SOCK_DGRAM, 0);
    let name = unaligned(&tight_name("[2001:db8::1]:500", "host/e"));
    assert_eq!(set_at(s, name[1..].as_ptr(), name.len() as u32 - 1), Ok(()));
    assert_eq!(env.net.snapshot().sockets[0].names.len(), 1);
    let addr = unaligned(&sockaddr("[2001:db8::1]:500".parse().unwrap()));
    let rc = unsafe {
        WSADeleteSocketPeerTargetName(s, addr[1..].as_ptr().cast(), 28, ptr::null(), None)
    };
    assert_eq!(rc, 0);
    assert!(env.net.snapshot().sockets[0].names.is_empty());
}

#[test]
fn null_pointers_with_any_length_are_never_read() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    for len in [0, 16, 144, u32::MAX] {
        assert_fails_unchanged(&env.net, WSAEFAULT, || set_at(s, ptr::null(), len));
        assert_fails_unchanged(&env.net, WSAEFAULT, || {
            delete_raw(Face::Function, s, None, len)
        });
        assert_fails_unchanged(&env.net, WSAEFAULT, || {
            delete_raw(Face::Ioctl, s, None, len)
        });
    }
    for len in [0, 16, -1, i32::MAX, i32::MIN] {
        assert_eq!(unsafe { bind(s, ptr::null(), len) }, SOCKET_ERROR);
        assert_eq!(last_error(), WSAEFAULT);
        assert_eq!(unsafe { connect(s, ptr::null(), len) }, SOCKET_ERROR);
        assert_eq!(last_error(), WSAEFAULT);
    }
}

#[test]
fn addresses_are_read_no_further_than_sockaddr_storage_or_the_declared_length() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_DGRAM, 0);
    let mut storage = vec![0u8; 128];
    storage[..16].copy_from_slice(&sockaddr("192.0.2.1:500".parse().unwrap()));
    let storage = exact(&storage);
    let rc = unsafe {
        WSADeleteSocketPeerTargetName(s, storage.as_ptr().cast(), u32::MAX, ptr::null(), None)
    };
    assert_eq!(rc, 0);
    let short = exact(&storage[..15]);
    assert_fails_unchanged(&env.net, WSAEMSGSIZE, || {
        delete_raw(Face::Function, s, Some(&short), 15)
    });
    // A negative bind length reads nothing at all.
    assert_eq!(
        unsafe { bind(s, storage.as_ptr().cast(), -1) },
        SOCKET_ERROR
    );
    assert_eq!(last_error(), WSAEFAULT);
    let rc = unsafe { bind(s, storage.as_ptr().cast(), i32::MAX) };
    assert_eq!(
        rc,
        0,
        "bind reads at most SOCKADDR_STORAGE: {}",
        last_error()
    );
}

#[test]
fn pointers_that_are_documented_as_unread_are_never_dereferenced() {
    let _env = env();
    // (WSASocketW's lpProtocolInfo is read: choice wsasocket-protocol-info.)
    let s = raw_socket_non_overlapped(AF_INET, SOCK_DGRAM, 0);
    let target = sockaddr("192.0.2.1:53".parse().unwrap());
    let rc = unsafe {
        WSAConnect(
            s,
            target.as_ptr().cast(),
            16,
            ptr::dangling(),
            ptr::dangling_mut(),
            ptr::dangling(),
            ptr::dangling(),
        )
    };
    assert_eq!((rc, last_error()), (SOCKET_ERROR, WSAEOPNOTSUPP));
    // A non-overlapped socket ignores OVERLAPPED; WSAIoctl never touches the output buffer.
    let name = exact(&name_for("192.0.2.1:500", "host/f"));
    let overlapped: *const OVERLAPPED = ptr::dangling();
    let rc = unsafe {
        WSASetSocketPeerTargetName(s, name.as_ptr().cast(), name.len() as u32, overlapped, None)
    };
    assert_eq!(rc, 0);
    let mut returned = [0xffu8; 5];
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_SET_PEER_TARGET_NAME,
            name.as_ptr().cast(),
            name.len() as u32,
            ptr::dangling_mut(),
            u32::MAX,
            returned[1..].as_mut_ptr().cast(),
            ptr::null_mut(),
            None,
        )
    };
    assert_eq!(rc, 0);
    assert_eq!(
        returned,
        [0xff, 0, 0, 0, 0],
        "an unaligned lpcbBytesReturned gets 0"
    );
}

#[test]
fn out_parameters_are_written_in_bounds_and_only_on_success() {
    let env = env();
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:9000");
    let mut room = [0xabu8; 16];
    let mut len_bytes = [0u8; 5];
    len_bytes[1..].copy_from_slice(&15i32.to_le_bytes());
    let len_ptr = len_bytes[1..].as_mut_ptr().cast::<i32>();
    let s = unsafe { accept(listener.as_raw(), room.as_mut_ptr().cast(), len_ptr) };
    assert_eq!((s, last_error()), (INVALID_SOCKET, WSAEFAULT));
    assert_eq!(room, [0xab; 16], "nothing written on failure");
    len_bytes[1..].copy_from_slice(&16i32.to_le_bytes());
    let len_ptr = len_bytes[1..].as_mut_ptr().cast::<i32>();
    let s = unsafe { accept(listener.as_raw(), room.as_mut_ptr().cast(), len_ptr) };
    assert_ne!(s, INVALID_SOCKET);
    assert_eq!(i32::from_le_bytes(len_bytes[1..].try_into().unwrap()), 16);
    assert_eq!(&room[..], &sockaddr(client.local_addr().unwrap())[..]);

    let mut data = vec![0xabu8; std::mem::size_of::<WSADATA>() + 1];
    assert_eq!(
        unsafe { WSAStartup(0x0000, data[1..].as_mut_ptr().cast()) },
        WSAVERNOTSUPPORTED
    );
    assert!(
        data.iter().all(|&b| b == 0xab),
        "WSADATA written on failure"
    );
    assert_eq!(
        unsafe { WSAStartup(0x0202, data[1..].as_mut_ptr().cast()) },
        0
    );
    assert_eq!(&data[1..5], &[2, 2, 2, 2], "wVersion and wHighVersion");
    assert_eq!(data[0], 0xab);
    assert_eq!(unsafe { WSAStartup(0x0202, ptr::null_mut()) }, WSAEFAULT);
    assert_eq!(unsafe { WSACleanup() }, 0);
}

#[test]
fn invalid_utf16_and_unterminated_names_round_trip_through_raw_memory() {
    let env = env();
    let s = raw_socket(AF_INET, SOCK_STREAM, 0);
    let mut bytes = name_bytes(SecurityProtocol::Ipsec2, PeerAddress::Unspecified, "ab");
    bytes[140..142].copy_from_slice(&0xdc00u16.to_le_bytes());
    bytes.truncate(144);
    let buffer = exact(&bytes);
    assert_eq!(set_at(s, buffer.as_ptr(), 144), Ok(()));
    assert_eq!(
        env.net.snapshot().sockets[0].names[0].name.units(),
        &[0xdc00, u16::from(b'b')]
    );
}

/// Regression: the overlapped layer read `hEvent` through `lpOverlapped` before it knew the
/// socket was overlapped, so a non-NULL garbage pointer crashed a call on a non-overlapped
/// socket, which must ignore it ("This parameter is ignored for non-overlapped sockets").
#[test]
fn a_non_overlapped_socket_never_reads_lp_overlapped() {
    let _env = env();
    let s = raw_socket_non_overlapped(AF_INET, SOCK_DGRAM, 0);
    let garbage: *mut OVERLAPPED = ptr::dangling_mut();
    let name = exact(&name_for("192.0.2.1:500", "host/g"));
    let rc = unsafe {
        WSASetSocketPeerTargetName(s, name.as_ptr().cast(), name.len() as u32, garbage, None)
    };
    assert_eq!(rc, 0);
    let addr = exact(&sockaddr("192.0.2.1:500".parse().unwrap()));
    let rc = unsafe { WSADeleteSocketPeerTargetName(s, addr.as_ptr().cast(), 16, garbage, None) };
    assert_eq!(rc, 0);
    let mut returned = 7u32;
    let rc = unsafe {
        WSAIoctl(
            s,
            SIO_SET_PEER_TARGET_NAME,
            name.as_ptr().cast(),
            name.len() as u32,
            ptr::null_mut(),
            0,
            &mut returned,
            garbage,
            None,
        )
    };
    assert_eq!((rc, returned), (0, 0));
}
