//! `TransmitFile` and `TransmitPackets`, through the pointers
//! `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` gives: any flags, a file handle or none,
//! any `nNumberOfBytesToWrite`, NULL or real head and tail buffers with any declared length
//! a NULL pointer may carry, element arrays with any element flags and a count at most
//! their length, a real or NULL OVERLAPPED, aimed at every socket of the scene.
#![no_main]

use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Piece {
    bytes: Vec<u8>,
    null: bool,
    declared: u32,
}

#[derive(Debug, Arbitrary)]
struct Element {
    flags: u32,
    piece: Piece,
}

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    packets: bool,
    flags: u32,
    file: bool,
    bytes_to_write: u32,
    per_send: u32,
    buffers: Option<(Piece, Piece)>,
    elements: Vec<Element>,
    count: u8,
    null_array: bool,
    overlapped: bool,
}

/// The flags worth aiming at most of the time: the documented ones, and one more bit.
fn flags(raw: u32) -> u32 {
    if raw & 0x8000_0000 != 0 {
        raw
    } else {
        raw & 0x3f
    }
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let probe = scene.handles[2];
    let transmit_file = extension_function::<LPFN_TRANSMITFILE>(probe, WSAID_TRANSMITFILE).unwrap();
    let transmit_packets =
        extension_function::<LPFN_TRANSMITPACKETS>(probe, WSAID_TRANSMITPACKETS).unwrap();
    let s = scene.handle(input.selector, input.raw_handle);

    // Each buffer is exactly as long as it is declared, or NULL with any length.
    let owned = |piece: &Piece| {
        let (storage, p) = buffer(&piece.bytes, piece.null);
        let len = declared_len(piece.declared, piece.bytes.len(), piece.null);
        (storage, p, len)
    };
    let mut block = OVERLAPPED {
        Internal: 0xdead_beef,
        ..Default::default()
    };
    let ov = overlapped_ptr(&mut block, input.overlapped);
    let before = scene.net.snapshot();
    let flags = flags(input.flags);
    let ok = if input.packets {
        let storage: Vec<_> = input.elements.iter().map(|e| owned(&e.piece)).collect();
        let array: Vec<TRANSMIT_PACKETS_ELEMENT> = input
            .elements
            .iter()
            .zip(&storage)
            .map(|(e, (_, p, len))| {
                let mut element = TRANSMIT_PACKETS_ELEMENT {
                    dwElFlags: e.flags & 0x0f,
                    cLength: *len,
                    ..Default::default()
                };
                element.Anonymous.pBuffer = p.cast_mut().cast();
                element
            })
            .collect();
        let count = u32::from(input.count) % (array.len() as u32 + 1);
        let (lparray, count) = if input.null_array {
            (ptr::null(), u32::from(input.count % 3))
        } else {
            (array.as_ptr(), count)
        };
        // SAFETY: the array is NULL (with any count: it is then not read) or holds at
        // least `count` live elements, each buffer NULL or live for its declared length;
        // all outlive the call, which completes before returning.
        unsafe { transmit_packets(s, lparray, count, input.per_send, ov, flags) }
    } else {
        let pieces = input
            .buffers
            .as_ref()
            .map(|(head, tail)| (owned(head), owned(tail)));
        let structure = pieces
            .as_ref()
            .map(
                |((_, head, head_len), (_, tail, tail_len))| TRANSMIT_FILE_BUFFERS {
                    Head: head.cast_mut().cast(),
                    HeadLength: *head_len,
                    Tail: tail.cast_mut().cast(),
                    TailLength: *tail_len,
                },
            );
        let lpbuffers = structure.as_ref().map_or(ptr::null(), ptr::from_ref);
        let file = if input.file {
            ptr::without_provenance_mut(0x1234)
        } else {
            ptr::null_mut()
        };
        // SAFETY: as above; the file handle is never dereferenced.
        unsafe {
            transmit_file(
                s,
                file,
                input.bytes_to_write,
                input.per_send,
                ov,
                lpbuffers,
                flags,
            )
        }
    };
    if ok == TRUE {
        assert!(
            ov.is_null(),
            "an overlapped transmission reports WSA_IO_PENDING"
        );
        return;
    }
    assert_eq!(ok, FALSE, "neither TRUE nor FALSE");
    let code = unsafe { WSAGetLastError() };
    if code == WSA_IO_PENDING {
        assert!(!ov.is_null(), "only an overlapped transmission pends");
        assert_eq!(block.Internal, 0, "completed within the call");
        return;
    }
    assert!(TRANSMIT_CODES.contains(&code), "undocumented error {code}");
    assert_eq!(
        scene.net.snapshot(),
        before,
        "a failed call changed the network"
    );
    assert_eq!(
        block.Internal, 0xdead_beef,
        "a failed call wrote the OVERLAPPED"
    );
});
