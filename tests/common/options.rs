//! `getsockopt` and `setsockopt` through `sys`, with their out-parameters shown.
use winsock_emu::sys::{self, SOCKET, SOCKET_ERROR};

/// What a `getsockopt` left: its result, the buffer (filled with 0xDE before the call),
/// and `*optlen` after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Got {
    pub result: Result<(), i32>,
    pub bytes: Vec<u8>,
    pub len: i32,
}

impl Got {
    /// The first four bytes as a little-endian `int`.
    pub fn int(&self) -> i32 {
        i32::from_le_bytes(self.bytes[..4].try_into().unwrap())
    }
}

/// `getsockopt(s, level, name, buf, &len)` with a buffer of `room` bytes (at least 4
/// allocated) and `*optlen` = `len`.
pub fn get_with(s: SOCKET, level: i32, name: i32, room: usize, len: i32) -> Got {
    let mut bytes = vec![0xDE; room.max(4)];
    let mut optlen = len;
    let rc = unsafe { sys::getsockopt(s, level, name, bytes.as_mut_ptr(), &mut optlen) };
    let result = if rc == SOCKET_ERROR {
        Err(unsafe { sys::WSAGetLastError() })
    } else {
        assert_eq!(rc, 0);
        Ok(())
    };
    Got {
        result,
        bytes,
        len: optlen,
    }
}

/// `getsockopt` of an `int` option with a 4-byte buffer: the value.
pub fn get_int(s: SOCKET, level: i32, name: i32) -> Result<i32, i32> {
    let got = get_with(s, level, name, 4, 4);
    got.result.map(|()| got.int())
}

/// `setsockopt(s, level, name, bytes, len)`.
pub fn set_bytes(s: SOCKET, level: i32, name: i32, bytes: &[u8], len: i32) -> Result<(), i32> {
    let rc = unsafe { sys::setsockopt(s, level, name, bytes.as_ptr(), len) };
    if rc == SOCKET_ERROR {
        Err(unsafe { sys::WSAGetLastError() })
    } else {
        Ok(())
    }
}

/// `setsockopt` of an `int` option (4 bytes).
pub fn set_int(s: SOCKET, level: i32, name: i32, value: i32) -> Result<(), i32> {
    set_bytes(s, level, name, &value.to_le_bytes(), 4)
}
