//! `socket` and `WSASocketW`: arbitrary family, type, protocol, flags, group and protocol
//! info (a `WSAPROTOCOL_INFOW` naming any catalogue entry id, the catalogue's own among
//! them, with any triple and `dwProviderReserved`).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    af: i32,
    ty: i32,
    protocol: i32,
    wsa: bool,
    info: bool,
    entry: u32,
    info_triple: (i32, i32, i32),
    reserved: u32,
    group: u32,
    flags: u32,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    // Small values reach the catalogue; the rest are arbitrary.
    let af = if input.af.unsigned_abs() < 1 << 30 {
        input.af % 40
    } else {
        input.af
    };
    let ty = if input.ty.unsigned_abs() < 1 << 30 {
        input.ty % 8
    } else {
        input.ty
    };
    let protocol = if input.protocol.unsigned_abs() < 1 << 30 {
        input.protocol % 300
    } else {
        input.protocol
    };
    let before = scene.net.snapshot();
    let s = if input.wsa {
        let structure = WSAPROTOCOL_INFOW {
            // Mostly the catalogue's ids (1001 on), sometimes any value.
            dwCatalogEntryId: if input.entry < 1 << 31 {
                1000 + input.entry % 16
            } else {
                input.entry
            },
            dwProviderReserved: input.reserved % 2,
            iAddressFamily: input.info_triple.0,
            iSocketType: input.info_triple.1,
            iProtocol: input.info_triple.2,
            ..WSAPROTOCOL_INFOW::default()
        };
        let info: *const WSAPROTOCOL_INFOW = if input.info {
            &structure
        } else {
            std::ptr::null()
        };
        unsafe { WSASocketW(af, ty, protocol, info, input.group, input.flags) }
    } else {
        unsafe { socket(af, ty, protocol) }
    };
    check_socket(&scene.net, &before, s, SOCKET_CODES);
    if s != INVALID_SOCKET {
        assert!(!scene.handles.contains(&s), "a handle was reused");
        assert_eq!(unsafe { closesocket(s) }, 0);
    }
});
