//! `TransmitFile` and `TransmitPackets`, looked up as Windows code looks them up
//! (`WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` on the socket they are called on), then
//! called synchronously with memory only: no file, no `OVERLAPPED`.
use std::ptr;

use windows_sys::Win32::Networking::WinSock::{
    LPFN_TRANSMITFILE, LPFN_TRANSMITPACKETS, SOCKET, TP_ELEMENT_EOP, TP_ELEMENT_MEMORY,
    TRANSMIT_FILE_BUFFERS, TRANSMIT_PACKETS_ELEMENT, WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS,
};

use super::ioctl::extension_function;
use super::peer_name::{pointer, raw_buffer};
use super::{last_error, Winsock};
use crate::backend::{Buffer, CallResult};

/// The Winsock convention of both functions: `TRUE`, or `FALSE` with the last error.
pub(super) fn bool_result(api: &Winsock, ok: i32) -> CallResult {
    last_error::int_result(api, if ok == 0 { -1 } else { 0 })
}

/// `TransmitPackets` looked up on `s`'s provider (`None`: the lookup wrote nothing).
pub(crate) fn transmit_packets_function(
    api: &Winsock,
    s: SOCKET,
) -> CallResult<LPFN_TRANSMITPACKETS> {
    // SAFETY: LPFN_TRANSMITPACKETS is the type WSAID_TRANSMITPACKETS's function has.
    unsafe { extension_function::<LPFN_TRANSMITPACKETS>(api, s, WSAID_TRANSMITPACKETS) }
}

/// `TransmitFile(s, NULL, 0, 0, NULL, buffers, flags)`: `buffers` `None` passes a NULL
/// `lpTransmitBuffers`, otherwise a `TRANSMIT_FILE_BUFFERS` over copies of the head and
/// tail (a [`Buffer::Null`] is a NULL pointer with its length).
pub(crate) fn transmit_file(
    api: &Winsock,
    s: SOCKET,
    buffers: Option<(Buffer<'_>, Buffer<'_>)>,
    flags: u32,
) -> CallResult {
    // SAFETY: LPFN_TRANSMITFILE is the type WSAID_TRANSMITFILE's function has.
    let function = unsafe { extension_function::<LPFN_TRANSMITFILE>(api, s, WSAID_TRANSMITFILE) }?;
    let Some(function) = function else {
        return Ok(());
    };
    let (head, head_len) = raw_buffer(buffers.map_or(Buffer::null(), |(head, _)| head));
    let (tail, tail_len) = raw_buffer(buffers.map_or(Buffer::null(), |(_, tail)| tail));
    let structure = TRANSMIT_FILE_BUFFERS {
        Head: pointer::<u8>(&head).cast_mut().cast(),
        HeadLength: head_len,
        Tail: pointer::<u8>(&tail).cast_mut().cast(),
        TailLength: tail_len,
    };
    let lpbuffers = if buffers.is_some() {
        &raw const structure
    } else {
        ptr::null()
    };
    // SAFETY: `lpbuffers` is NULL or a live structure whose buffers are NULL or copies
    // readable for their lengths, all outliving the call; no file and no OVERLAPPED.
    let ok = unsafe { function(s, ptr::null_mut(), 0, 0, ptr::null_mut(), lpbuffers, flags) };
    bool_result(api, ok)
}

/// `TransmitPackets(s, elements, n, 0, NULL, flags)` with one `TP_ELEMENT_MEMORY` element
/// per `(bytes, end_of_packet)`, `TP_ELEMENT_EOP` added where `end_of_packet`.
pub(crate) fn transmit_packets(
    api: &Winsock,
    s: SOCKET,
    elements: &[(&[u8], bool)],
    flags: u32,
) -> CallResult {
    let function = transmit_packets_function(api, s)?;
    let Some(function) = function else {
        return Ok(());
    };
    let copies: Vec<Vec<u8>> = elements.iter().map(|(bytes, _)| bytes.to_vec()).collect();
    let array: Vec<TRANSMIT_PACKETS_ELEMENT> = copies
        .iter()
        .zip(elements)
        .map(|(copy, &(_, end_of_packet))| {
            let mut element = TRANSMIT_PACKETS_ELEMENT {
                dwElFlags: TP_ELEMENT_MEMORY | if end_of_packet { TP_ELEMENT_EOP } else { 0 },
                cLength: copy.len() as u32,
                ..Default::default()
            };
            element.Anonymous.pBuffer = copy.as_ptr().cast_mut().cast();
            element
        })
        .collect();
    let count = array.len() as u32;
    // SAFETY: `array` holds `count` live elements whose buffers are the copies, readable
    // for their lengths and outliving the call; no OVERLAPPED.
    let ok = unsafe { function(s, array.as_ptr(), count, 0, ptr::null_mut(), flags) };
    bool_result(api, ok)
}
