//! Raw readiness calls written once, windows-sys style: sockets made through `sys`, `select`
//! over handle lists, `WSAPoll` over (handle, events) lists.

use std::ptr;

use winsock_emu::sys::{
    self, AF_INET, FD_SET, IN_ADDR, IN_ADDR_0, IPPROTO_TCP, SOCKADDR, SOCKADDR_IN, SOCKET,
    SOCKET_ERROR, SOCK_STREAM, TIMEVAL, WSAPOLLFD,
};

/// `127.0.0.1:port` as a SOCKADDR_IN.
pub fn loopback(port: u16) -> SOCKADDR_IN {
    SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: port.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_0 {
                S_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

/// A pointer to `addr` as a SOCKADDR, and its length.
pub fn as_sockaddr(addr: &SOCKADDR_IN) -> (*const SOCKADDR, i32) {
    (
        (addr as *const SOCKADDR_IN).cast(),
        size_of::<SOCKADDR_IN>() as i32,
    )
}

/// A TCP socket, through `sys::socket`.
pub fn tcp() -> SOCKET {
    let s = unsafe { sys::socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP) };
    assert_ne!(s, sys::INVALID_SOCKET, "socket: {}", super::last_error());
    s
}

/// A TCP listener on 127.0.0.1:`port`.
pub fn listener(port: u16) -> SOCKET {
    let s = tcp();
    let addr = loopback(port);
    let (name, len) = as_sockaddr(&addr);
    unsafe {
        assert_eq!(sys::bind(s, name, len), 0, "bind: {}", super::last_error());
        assert_eq!(sys::listen(s, 16), 0, "listen: {}", super::last_error());
    }
    s
}

/// `connect(s, 127.0.0.1:port)`: 0 or the last error.
pub fn connect(s: SOCKET, port: u16) -> Result<(), i32> {
    let addr = loopback(port);
    let (name, len) = as_sockaddr(&addr);
    match unsafe { sys::connect(s, name, len) } {
        0 => Ok(()),
        _ => Err(super::last_error()),
    }
}

/// An accepted connection on a fresh listener at `port`: (listener, client, server).
pub fn tcp_pair(port: u16) -> (SOCKET, SOCKET, SOCKET) {
    let l = listener(port);
    let c = tcp();
    connect(c, port).unwrap();
    let s = unsafe { sys::accept(l, ptr::null_mut(), ptr::null_mut()) };
    assert_ne!(s, sys::INVALID_SOCKET, "accept: {}", super::last_error());
    (l, c, s)
}

/// `send` of all of `data`.
pub fn send(s: SOCKET, data: &[u8]) -> Result<usize, i32> {
    match unsafe { sys::send(s, data.as_ptr(), data.len() as i32, 0) } {
        SOCKET_ERROR => Err(super::last_error()),
        n => Ok(n as usize),
    }
}

/// `recv` of up to `max` bytes.
pub fn recv(s: SOCKET, max: usize) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; max];
    match unsafe { sys::recv(s, buf.as_mut_ptr(), max as i32, 0) } {
        SOCKET_ERROR => Err(super::last_error()),
        n => {
            buf.truncate(n as usize);
            Ok(buf)
        }
    }
}

/// A set holding `handles` (at most 64).
pub fn fd_set(handles: &[SOCKET]) -> FD_SET {
    let mut set = FD_SET::default();
    for &h in handles {
        sys::FD_SET(h, &mut set);
    }
    set
}

/// The handles a set holds.
pub fn members(set: &FD_SET) -> Vec<SOCKET> {
    set.fd_array[..set.fd_count as usize].to_vec()
}

/// What `select` reported: its return value (or the error), and the three sets after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub result: Result<i32, i32>,
    pub read: Vec<SOCKET>,
    pub write: Vec<SOCKET>,
    pub except: Vec<SOCKET>,
}

/// `select` over three handle lists (an empty list passes NULL), with `timeout` in
/// microseconds (`None`: NULL, no limit).
pub fn select(
    read: &[SOCKET],
    write: &[SOCKET],
    except: &[SOCKET],
    timeout: Option<i64>,
) -> Selected {
    let mut sets = [fd_set(read), fd_set(write), fd_set(except)];
    let tv = timeout.map(|us| TIMEVAL {
        tv_sec: (us / 1_000_000) as i32,
        tv_usec: (us % 1_000_000) as i32,
    });
    let [r, w, e] = &mut sets;
    let ptr_of = |set: &mut FD_SET, list: &[SOCKET]| -> *mut FD_SET {
        if list.is_empty() {
            ptr::null_mut()
        } else {
            set
        }
    };
    let rc = unsafe {
        sys::select(
            0,
            ptr_of(r, read),
            ptr_of(w, write),
            ptr_of(e, except),
            tv.as_ref().map_or(ptr::null(), |tv| tv as *const TIMEVAL),
        )
    };
    Selected {
        result: if rc == SOCKET_ERROR {
            Err(super::last_error())
        } else {
            Ok(rc)
        },
        read: if read.is_empty() {
            vec![]
        } else {
            members(&sets[0])
        },
        write: if write.is_empty() {
            vec![]
        } else {
            members(&sets[1])
        },
        except: if except.is_empty() {
            vec![]
        } else {
            members(&sets[2])
        },
    }
}

/// `select` with a zero timeout: what is ready now.
pub fn ready_now(read: &[SOCKET], write: &[SOCKET], except: &[SOCKET]) -> Selected {
    select(read, write, except, Some(0))
}

/// `WSAPoll` over (handle, events): its return value (or the error) and each `revents`.
pub fn poll(entries: &[(SOCKET, i16)], timeout: i32) -> (Result<i32, i32>, Vec<i16>) {
    let mut fds: Vec<WSAPOLLFD> = entries
        .iter()
        .map(|&(fd, events)| WSAPOLLFD {
            fd,
            events,
            revents: 0x5a5a,
        })
        .collect();
    let rc = unsafe { sys::WSAPoll(fds.as_mut_ptr(), fds.len() as u32, timeout) };
    let result = if rc == SOCKET_ERROR {
        Err(super::last_error())
    } else {
        Ok(rc)
    };
    (result, fds.iter().map(|fd| fd.revents).collect())
}
