//! `getsockopt` and `setsockopt`: the pointers and lengths, around the model's option
//! table (`model/options/`).
use windows_sys::core::{PCSTR, PSTR};
use windows_sys::Win32::Networking::WinSock::{
    SOCKET, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT, WSAPROTOCOL_INFOW,
};

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::options::sizes::{self, Trace};
use crate::model::options::{Direction, Form, OptionValue};
use crate::model::SocketTable;
use crate::sys::last_error::int_result;
use crate::sys::memory;
use crate::sys::protocol_info::protocol_info;

/// [`getsockopt`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getsockopt):
/// the value of an option, for every option of the table in `docs/options.md`.
///
/// On entry `*optlen` is the buffer's size; on success it is the size of the value
/// written. The lengths are Windows' (`docs/options.md`): the "1B-tolerant" options answer
/// 1- and 2-byte buffers with one byte, `SO_KEEPALIVE`, `TCP_NODELAY` and `IPV6_V6ONLY`
/// always answer with one byte, every other option needs its full size and fails with
/// `WSAEFAULT`, leaving what Windows leaves (zeros for `SO_LINGER`, `SO_RCVBUF` and
/// `SO_SNDBUF`, `*optlen` 0 for the TCP keep-alive options, the size needed for
/// `SO_PROTOCOL_INFOW`). Errors, in order ([`crate::choices::OPTION_CHECK_ORDER`]):
/// `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAEINVAL` (unknown level, or a level the socket
/// does not have), `WSAENOPROTOOPT` (unknown option, one this socket does not have, or a
/// set-only one), `WSAEFAULT` (NULL `optval` or `optlen`, or a length too short).
///
/// # Safety
/// `optlen` must be NULL or valid for reads and writes of an `i32`; `optval` NULL or valid
/// for writes of `*optlen` bytes.
///
/// # The options (`docs/options.md`)
#[doc = include_str!("../../../docs/options.md")]
pub unsafe extern "system" fn getsockopt(
    s: SOCKET,
    level: i32,
    optname: i32,
    optval: PSTR,
    optlen: *mut i32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    int_result(with_current(|table| unsafe {
        get(table, s, level, optname, optval, optlen)
    }))
}

/// The body of [`getsockopt`].
///
/// # Safety
/// As [`getsockopt`].
unsafe fn get(
    table: &SocketTable,
    s: SOCKET,
    level: i32,
    optname: i32,
    optval: PSTR,
    optlen: *mut i32,
) -> Result<()> {
    let spec = table.option_for(s, level, optname, Direction::Get)?;
    if optval.is_null() || optlen.is_null() {
        return Err(Error::Fault);
    }
    // SAFETY: non-NULL, and the caller promises an i32 there.
    let declared = unsafe { memory::read(optlen) };
    let written = match sizes::get(spec, declared) {
        Ok(written) => written,
        Err(trace) => {
            match trace {
                Trace::Nothing => {}
                // SAFETY: `declared` bytes are writable, as the caller promises.
                Trace::Zeros(count) => unsafe { memory::write_bytes(optval, &[0; 4][..count]) },
                // SAFETY: as above.
                Trace::Length(len) => unsafe { memory::write(optlen, len) },
            }
            return Err(Error::Fault);
        }
    };
    let value = table.get_option(s, spec)?;
    match (value, sizes::encode(value)) {
        (OptionValue::ProtocolInfo(kind), _) => {
            // SAFETY: `sizes::get` allowed the write, so `*optlen` >= the structure's size.
            unsafe { memory::write(optval.cast::<WSAPROTOCOL_INFOW>(), protocol_info(kind)) }
        }
        // SAFETY: `written.bytes` <= `declared`, the writable size.
        (_, Some(bytes)) => unsafe { memory::write_bytes(optval, &bytes[..written.bytes]) },
        (_, None) => return Err(Error::NoProtocolOption),
    }
    // SAFETY: non-NULL and writable, as the caller promises.
    unsafe { memory::write(optlen, written.reported) };
    Ok(())
}

/// [`setsockopt`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-setsockopt):
/// sets an option, for every option of the table in `docs/options.md`.
///
/// The lengths are Windows': the "1B-tolerant" options take 1 or 2 bytes (the `SOL_SOCKET`
/// booleans even 0), the 1-byte options read one byte, a negative length is the full size
/// for the 4-byte `SOL_SOCKET` options and `WSAENOBUFS` for the others
/// ([`crate::choices::OPTION_SHORT_BUFFERS`]). Errors, in order: those of [`getsockopt`]
/// (a get-only option is `WSAENOPROTOOPT`), `WSAENOBUFS`, then `WSAEINVAL` for a value
/// above 255 where the option caps it, `SO_REUSEADDR` with `SO_EXCLUSIVEADDRUSE` (or the
/// other way round), `IPV6_V6ONLY` after `bind`, and `WSAENOTCONN`
/// ([`crate::choices::OPTION_VALUES`]). On failure nothing changes.
///
/// # Safety
/// `optval` must be NULL or valid for reads of `optlen` bytes (of the option's full size
/// when `optlen` is negative).
pub unsafe extern "system" fn setsockopt(
    s: SOCKET,
    level: i32,
    optname: i32,
    optval: PCSTR,
    optlen: i32,
) -> i32 {
    int_result(with_current(|table| {
        let spec = table.option_for(s, level, optname, Direction::Set)?;
        if optval.is_null() && spec.form != Form::Nothing {
            return Err(Error::Fault);
        }
        let readable = sizes::set(spec, optlen)?;
        // SAFETY: `readable` is at most `optlen` (or the full size for a negative one), as
        // the caller promises to be readable; 0 for an option with no value.
        let bytes = unsafe { memory::data_in(optval, readable as i64)? };
        table.set_option(s, spec, sizes::decode(spec, bytes))?;
        if level == SOL_SOCKET
            && (optname == SO_UPDATE_ACCEPT_CONTEXT || optname == SO_UPDATE_CONNECT_CONTEXT)
        {
            table.await_accept_context(s, false);
        }
        Ok(())
    }))
}
