//! The length rules of `getsockopt` and `setsockopt`, per the option table's [`Sizes`],
//! and the bytes of a value: what the C face reads and writes, decided here on plain
//! numbers and slices (the pointers stay in `sys`).
//!
//! Windows' lengths, from sock.c's `test_optsize` table (facts §4.3): the "1B-tolerant"
//! options take 1 or 2 bytes and give 1 back; four options always give 1 byte; every other
//! option needs its full size, and a short `getsockopt` leaves one of four traces.
#![forbid(unsafe_code)]

use std::net::Ipv4Addr;

use windows_sys::Win32::Networking::WinSock::SOL_SOCKET;

use super::table::{Form, OptionSpec, Short, Sizes};
use super::OptionValue;
use crate::error::{Error, Result};

/// What a `getsockopt` whose length fails leaves behind (it fails with `WSAEFAULT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trace {
    /// Nothing written.
    Nothing,
    /// This many zero bytes written into the buffer, `*optlen` unchanged.
    Zeros(usize),
    /// `*optlen` set to this.
    Length(i32),
}

/// A `getsockopt` that may go ahead: how many bytes of the value to write, and what to
/// report in `*optlen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    /// Bytes of the encoded value written to `optval`.
    pub bytes: usize,
    /// The value left in `*optlen`.
    pub reported: i32,
}

/// `getsockopt` with `*optlen` = `declared`: the bytes to write, or the trace of the
/// failure (`WSAEFAULT`). Zero or a negative length always fails and leaves nothing.
pub(crate) fn get(spec: &OptionSpec, declared: i32) -> std::result::Result<Written, Trace> {
    let full = spec.form.size();
    let declared = usize::try_from(declared)
        .ok()
        .filter(|&len| len > 0)
        .ok_or(Trace::Nothing)?;
    match spec.sizes {
        Sizes::OneByte => Ok(Written {
            bytes: 1,
            reported: 1,
        }),
        Sizes::Tolerant { .. } if declared < full => Ok(Written {
            bytes: declared.min(2),
            reported: 1,
        }),
        Sizes::Full(short) if declared < full => Err(match short {
            Short::ZeroFill => Trace::Zeros(declared),
            Short::Untouched => Trace::Nothing,
            Short::LengthZero => Trace::Length(0),
            Short::LengthNeeded => Trace::Length(full as i32),
        }),
        // `SO_PROTOCOL_INFO` leaves a longer `*optlen` as given (sock.c test_set_getsockopt:
        // with twice the structure's size, `ok(size == sizeof(WSAPROTOCOL_INFOA) * 2)`); the
        // other options report their size.
        _ if spec.form == Form::ProtocolInfo => Ok(Written {
            bytes: full,
            reported: declared as i32,
        }),
        _ => Ok(Written {
            bytes: full,
            reported: full as i32,
        }),
    }
}

/// `setsockopt` with `optlen` = `declared`: how many bytes of `optval` to read. Errors:
/// `WSAEFAULT` for a length the option refuses, `WSAENOBUFS` for a negative length where
/// Windows 10 21H2 and later give it ([`crate::choices::OPTION_SHORT_BUFFERS`]).
pub(crate) fn set(spec: &OptionSpec, declared: i32) -> Result<usize> {
    let full = spec.form.size();
    if spec.form == Form::Nothing {
        return Ok(0);
    }
    let Ok(declared) = usize::try_from(declared) else {
        let four_byte_socket_option =
            spec.level == SOL_SOCKET && full == 4 && spec.sizes != Sizes::OneByte;
        return if four_byte_socket_option {
            Ok(full)
        } else {
            Err(Error::NoBufferSpace)
        };
    };
    match spec.sizes {
        Sizes::Tolerant { empty: false } | Sizes::OneByte if declared == 0 => Err(Error::Fault),
        Sizes::OneByte => Ok(1),
        Sizes::Tolerant { .. } => Ok(declared.min(full)),
        Sizes::Full(_) if declared < full => Err(Error::Fault),
        Sizes::Full(_) => Ok(full),
    }
}

/// The value in the `bytes` a `setsockopt` read (as many as [`set`] said), little-endian
/// and zero-extended when short.
pub(crate) fn decode(spec: &OptionSpec, bytes: &[u8]) -> OptionValue {
    let number = |bytes: &[u8]| {
        let mut raw = [0u8; 8];
        raw[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
        u64::from_le_bytes(raw)
    };
    match spec.form {
        Form::Linger => OptionValue::Linger {
            onoff: number(bytes.get(..2).unwrap_or(bytes)) as u16,
            linger: number(bytes.get(2..4).unwrap_or(&[])) as u16,
        },
        Form::Socket => OptionValue::Socket(number(bytes) as usize),
        Form::Membership => {
            let address = |at: usize| {
                let mut raw = [0u8; 4];
                raw.copy_from_slice(bytes.get(at..at + 4).unwrap_or(&[0; 4]));
                Ipv4Addr::from(raw)
            };
            OptionValue::Membership {
                group: address(0),
                interface: address(4),
            }
        }
        Form::Nothing => OptionValue::Nothing,
        Form::Bool | Form::Int | Form::ProtocolInfo => OptionValue::Int(number(bytes) as i32),
    }
}

/// The bytes of an integer or linger value as `getsockopt` writes them (the first
/// [`Written::bytes`] of them); `None` for `WSAPROTOCOL_INFOW`, which `sys` lays out.
pub(crate) fn encode(value: OptionValue) -> Option<[u8; 4]> {
    match value {
        OptionValue::Int(value) => Some(value.to_le_bytes()),
        OptionValue::Linger { onoff, linger } => {
            let [a, b] = onoff.to_le_bytes();
            let [c, d] = linger.to_le_bytes();
            Some([a, b, c, d])
        }
        OptionValue::ProtocolInfo(_)
        | OptionValue::Socket(_)
        | OptionValue::Membership { .. }
        | OptionValue::Nothing => None,
    }
}

#[cfg(test)]
mod tests {
    use windows_sys::Win32::Networking::WinSock::{
        IPPROTO_TCP, SO_LINGER, SO_PROTOCOL_INFOW, SO_RCVTIMEO, SO_REUSEADDR, TCP_KEEPCNT,
        TCP_NODELAY,
    };

    use super::super::find;
    use super::*;

    fn row(level: i32, name: i32) -> &'static OptionSpec {
        find(level, name).unwrap()
    }

    #[test]
    fn the_lengths_sock_c_records() {
        let reuse = row(SOL_SOCKET, SO_REUSEADDR);
        assert_eq!(
            get(reuse, 1),
            Ok(Written {
                bytes: 1,
                reported: 1
            })
        );
        assert_eq!(
            get(reuse, 2),
            Ok(Written {
                bytes: 2,
                reported: 1
            })
        );
        assert_eq!(
            get(reuse, 8),
            Ok(Written {
                bytes: 4,
                reported: 4
            })
        );
        assert_eq!(get(reuse, 0), Err(Trace::Nothing));
        assert_eq!(get(reuse, -1), Err(Trace::Nothing));
        assert_eq!(set(reuse, 0), Ok(0));
        assert_eq!(set(reuse, -1), Ok(4));
        let nodelay = row(IPPROTO_TCP, TCP_NODELAY);
        assert_eq!(
            get(nodelay, 4),
            Ok(Written {
                bytes: 1,
                reported: 1
            })
        );
        assert_eq!(set(nodelay, 0), Err(Error::Fault));
        assert_eq!(set(nodelay, 42), Ok(1));
        assert_eq!(set(nodelay, -1), Err(Error::NoBufferSpace));
        assert_eq!(get(row(SOL_SOCKET, SO_LINGER), 1), Err(Trace::Zeros(1)));
        assert_eq!(get(row(SOL_SOCKET, SO_RCVTIMEO), 2), Err(Trace::Nothing));
        assert_eq!(get(row(IPPROTO_TCP, TCP_KEEPCNT), 2), Err(Trace::Length(0)));
        assert_eq!(
            get(row(SOL_SOCKET, SO_PROTOCOL_INFOW), 4),
            Err(Trace::Length(628))
        );
        assert_eq!(set(row(SOL_SOCKET, SO_RCVTIMEO), 2), Err(Error::Fault));
    }

    #[test]
    fn values_are_little_endian_and_short_ones_zero_extended() {
        let reuse = row(SOL_SOCKET, SO_REUSEADDR);
        assert_eq!(decode(reuse, &[1]), OptionValue::Int(1));
        assert_eq!(decode(reuse, &[]), OptionValue::Int(0));
        assert_eq!(decode(reuse, &[0, 1, 0, 0]), OptionValue::Int(0x100));
        let linger = row(SOL_SOCKET, SO_LINGER);
        assert_eq!(
            decode(linger, &[1, 0, 5, 0]),
            OptionValue::Linger {
                onoff: 1,
                linger: 5
            }
        );
        assert_eq!(
            encode(OptionValue::Linger {
                onoff: 1,
                linger: 5
            }),
            Some([1, 0, 5, 0])
        );
    }
}
