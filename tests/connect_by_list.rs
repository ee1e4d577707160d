//! `WSAConnectByList` through `sys`, in windows-sys style, as its page's `OpenAndConnect`
//! sample uses it: a list of candidate peers, the first that accepts is connected, both
//! addresses written back; the argument checks (`choices::CONNECT_BY_LIST`). Runs under
//! Miri.

mod common;

use std::net::SocketAddr;
use std::ptr;

use winsock_emu::sys::*;

/// A `SOCKET_ADDRESS_LIST` of `addrs`: the header and its `Address` array in one
/// allocation of `SOCKET_ADDRESS`-aligned words, with the `SOCKADDR`s alongside (the
/// entries point into them).
struct AddressList {
    words: Vec<SOCKET_ADDRESS>,
    _sockaddrs: Vec<Vec<u8>>,
}

impl AddressList {
    fn new(addrs: &[SocketAddr]) -> Self {
        let mut sockaddrs: Vec<Vec<u8>> = addrs.iter().map(|&a| common::sockaddr(a)).collect();
        // Room for the header and one SOCKET_ADDRESS per address, whatever the padding.
        let mut list = AddressList {
            words: vec![SOCKET_ADDRESS::default(); addrs.len() + 1],
            _sockaddrs: Vec::new(),
        };
        let head = list.words.as_mut_ptr().cast::<SOCKET_ADDRESS_LIST>();
        // SAFETY: `words` holds the header and `addrs.len()` entries at `Address`, laid out
        // as SOCKET_ADDRESS_LIST lays them (the array follows the count, pointer-aligned).
        unsafe {
            (&raw mut (*head).iAddressCount).write(addrs.len() as i32);
            let first = (&raw mut (*head).Address).cast::<SOCKET_ADDRESS>();
            for (i, raw) in sockaddrs.iter_mut().enumerate() {
                first.add(i).write(SOCKET_ADDRESS {
                    lpSockaddr: raw.as_mut_ptr().cast(),
                    iSockaddrLength: raw.len() as i32,
                });
            }
        }
        list._sockaddrs = sockaddrs;
        list
    }

    fn as_ptr(&self) -> *const SOCKET_ADDRESS_LIST {
        self.words.as_ptr().cast()
    }

    /// Sets the first entry's `iSockaddrLength`.
    fn set_first_len(&mut self, len: i32) {
        let head = self.words.as_mut_ptr().cast::<SOCKET_ADDRESS_LIST>();
        // SAFETY: the list holds at least one entry when this is called.
        unsafe { (*(&raw mut (*head).Address).cast::<SOCKET_ADDRESS>()).iSockaddrLength = len };
    }
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// `WSAConnectByList(s, list, ...)` with room for both addresses: the result, the last
/// error, and the remote address written.
fn connect_by_list(s: SOCKET, list: *const SOCKET_ADDRESS_LIST) -> (BOOL, i32, Option<u16>) {
    let mut local = SOCKADDR_STORAGE::default();
    let mut remote = SOCKADDR_STORAGE::default();
    let (mut local_len, mut remote_len) = (128u32, 128u32);
    // SAFETY: every pointer is valid for the call.
    unsafe {
        let ok = WSAConnectByList(
            s,
            list,
            &mut local_len,
            (&raw mut local).cast(),
            &mut remote_len,
            (&raw mut remote).cast(),
            ptr::null(),
            ptr::null(),
        );
        if ok == FALSE {
            return (ok, WSAGetLastError(), None);
        }
        assert_eq!((local_len, remote_len), (16, 16));
        let remote = *(&raw const remote).cast::<SOCKADDR_IN>();
        (ok, 0, Some(ntohs(remote.sin_port)))
    }
}

#[test]
fn wsaconnectbylist_connects_to_the_first_peer_that_accepts_across_threads() {
    for round in 0..3u16 {
        let env = common::env();
        let port = 27020 + round;
        let server = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        let at = common::sockaddr(addr(&format!("127.0.0.1:{port}")));
        // SAFETY: a valid SOCKADDR_IN.
        unsafe {
            assert_eq!(bind(server, at.as_ptr().cast(), at.len() as i32), 0);
            assert_eq!(listen(server, 5), 0);
        }
        let acceptor = env.net.spawn(move || {
            // SAFETY: a listening socket; no address wanted.
            let accepted = unsafe { accept(server, ptr::null_mut(), ptr::null_mut()) };
            assert_ne!(accepted, INVALID_SOCKET);
            let mut buf = [0u8; 5];
            // SAFETY: `buf` holds 5 bytes.
            let n = unsafe { recv(accepted, buf.as_mut_ptr(), 5, MSG_WAITALL) };
            assert_eq!(&buf[..n as usize], b"hello");
            // SAFETY: handles of this network.
            unsafe {
                closesocket(accepted);
                closesocket(server);
            }
        });
        let list = AddressList::new(&[
            addr("127.0.0.1:1"), // nothing listens: refused, the next is tried
            addr(&format!("127.0.0.1:{port}")),
        ]);
        let client = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assert_eq!(
            connect_by_list(client, list.as_ptr()),
            (TRUE, 0, Some(port))
        );
        // SAFETY: a connected socket.
        unsafe {
            assert_eq!(send(client, b"hello".as_ptr(), 5, 0), 5);
        }
        acceptor.join().unwrap();
        // SAFETY: a handle of this network.
        unsafe { closesocket(client) };
    }
}

#[test]
fn choice_connect_by_list() {
    let _env = common::env();
    let client = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let refused = AddressList::new(&[addr("127.0.0.1:1"), addr("127.0.0.1:2")]);
    assert_eq!(
        connect_by_list(client, refused.as_ptr()),
        (FALSE, WSAECONNREFUSED, None),
        "the last attempt's error"
    );
    let fresh = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let empty = AddressList::new(&[]);
    assert_eq!(connect_by_list(fresh, empty.as_ptr()).1, WSAEHOSTUNREACH);
    assert_eq!(connect_by_list(fresh, ptr::null()).1, WSAEINVAL);
    let mut broken = AddressList::new(&[addr("127.0.0.1:3")]);
    broken.set_first_len(4); // shorter than a SOCKADDR_IN
    assert_eq!(connect_by_list(fresh, broken.as_ptr()).1, WSAEFAULT);
    let udp = common::raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    assert_eq!(connect_by_list(udp, empty.as_ptr()).1, WSAEOPNOTSUPP);
    let bound = common::raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    let here = common::sockaddr(addr("127.0.0.1:0"));
    // SAFETY: a valid SOCKADDR_IN; the reserved OVERLAPPED is only compared with NULL.
    unsafe {
        assert_eq!(bind(bound, here.as_ptr().cast(), here.len() as i32), 0);
        assert_eq!(connect_by_list(bound, empty.as_ptr()).1, WSAEINVAL, "bound");
        let reserved = OVERLAPPED::default();
        let rc = WSAConnectByList(
            fresh,
            empty.as_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null(),
            &reserved,
        );
        assert_eq!((rc, WSAGetLastError()), (FALSE, WSAEINVAL));
    }
    assert_eq!(connect_by_list(0xDEAD, empty.as_ptr()).1, WSAENOTSOCK);
}
