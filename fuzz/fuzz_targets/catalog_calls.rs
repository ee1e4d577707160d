//! The catalogue, database, QoS, handle and Winsock 1.1 calls with arbitrary raw arguments:
//! `WSAEnumProtocolsA`/`W` (any filter, any room), `WSASocketA`/`W` with any
//! `WSAPROTOCOL_INFO` bytes, `getprotobyname` (any NUL-terminated name),
//! `getprotobynumber`, `WSAGetQOSByName`, `CloseHandle` of any value, and the blocking-hook
//! calls. Each returns its convention's success or failure with a documented code.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    call: u8,
    filter: Option<Vec<i32>>,
    room: u8,
    declared: u32,
    null_length: bool,
    triple: (i32, i32, i32),
    info: Vec<u8>,
    name: Vec<u8>,
    number: i32,
    selector: u8,
    raw_handle: u64,
}

const ENUM_CODES: &[i32] = &[WSANOTINITIALISED, WSAEFAULT, WSAENOBUFS];
const PROTOENT_CODES: &[i32] = &[WSANOTINITIALISED, WSAEFAULT, WSANO_DATA];

fuzz_target!(|input: Input| {
    let scene = scene();
    match input.call % 7 {
        0 | 1 => {
            let filter: Option<Vec<i32>> = input
                .filter
                .map(|wanted| wanted.into_iter().filter(|&p| p != 0).chain([0]).collect());
            let filter_ptr = filter.as_ref().map_or(std::ptr::null(), |f| f.as_ptr());
            let entry = if input.call % 7 == 0 { 628 } else { 372 };
            let room = usize::from(input.room % 24);
            // The length claimed never exceeds the buffer.
            let mut len = input.declared.min((room * entry) as u32);
            let len_ptr: *mut u32 = if input.null_length {
                std::ptr::null_mut()
            } else {
                &mut len
            };
            let rc = if input.call % 7 == 0 {
                let mut buffer = vec![WSAPROTOCOL_INFOW::default(); room];
                let ptr = if room == 0 {
                    std::ptr::null_mut()
                } else {
                    buffer.as_mut_ptr()
                };
                unsafe { WSAEnumProtocolsW(filter_ptr, ptr, len_ptr) }
            } else {
                let mut buffer = vec![WSAPROTOCOL_INFOA::default(); room];
                let ptr = if room == 0 {
                    std::ptr::null_mut()
                } else {
                    buffer.as_mut_ptr()
                };
                unsafe { WSAEnumProtocolsA(filter_ptr, ptr, len_ptr) }
            };
            if rc == SOCKET_ERROR {
                assert!(ENUM_CODES.contains(&unsafe { WSAGetLastError() }));
            } else {
                assert!(rc >= 0 && rc as usize <= room);
            }
        }
        2 => {
            let mut raw = [0u8; 628];
            for (slot, byte) in raw.iter_mut().zip(&input.info) {
                *slot = *byte;
            }
            let info: WSAPROTOCOL_INFOW = unsafe { std::ptr::read_unaligned(raw.as_ptr().cast()) };
            let before = scene.net.snapshot();
            let (af, ty, protocol) = input.triple;
            let s = unsafe { WSASocketW(af, ty, protocol, &info, 0, input.declared & 1) };
            if s == INVALID_SOCKET {
                check_socket(&scene.net, &before, s, SOCKET_CODES);
            } else {
                assert_eq!(unsafe { closesocket(s) }, 0);
            }
        }
        3 => {
            let mut name: Vec<u8> = input.name.into_iter().filter(|&b| b != 0).collect();
            name.push(0);
            let entry = unsafe { getprotobyname(name.as_ptr()) };
            if entry.is_null() {
                assert!(PROTOENT_CODES.contains(&unsafe { WSAGetLastError() }));
            } else {
                let number = unsafe { (*entry).p_proto };
                assert_eq!(
                    unsafe { (*getprotobynumber(number.into())).p_proto },
                    number
                );
            }
        }
        4 => {
            let entry = unsafe { getprotobynumber(input.number) };
            if entry.is_null() {
                assert!(PROTOENT_CODES.contains(&unsafe { WSAGetLastError() }));
            } else {
                assert_eq!(i32::from(unsafe { (*entry).p_proto }), input.number);
            }
        }
        5 => {
            let s = scene.handle(input.selector, input.raw_handle);
            let mut bytes = input.name.clone();
            let name = WSABUF {
                len: bytes.len() as u32,
                buf: if bytes.is_empty() {
                    std::ptr::null_mut()
                } else {
                    bytes.as_mut_ptr()
                },
            };
            let mut qos = QOS::default();
            let ok = unsafe { WSAGetQOSByName(s, &name, &mut qos) };
            if ok == FALSE {
                let codes = [WSANOTINITIALISED, WSAENOTSOCK, WSAEFAULT, WSAEINVAL];
                assert!(codes.contains(&unsafe { WSAGetLastError() }));
            }
        }
        _ => {
            let value = if input.selector % 2 == 0 {
                scene.handle(input.selector, input.raw_handle)
            } else {
                input.raw_handle as usize
            };
            let handle = std::ptr::without_provenance_mut(value);
            if unsafe { CloseHandle(handle) } == FALSE {
                assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
            }
            assert_eq!(unsafe { WSACancelBlockingCall() }, SOCKET_ERROR);
            assert_eq!(unsafe { WSAIsBlocking() }, FALSE);
        }
    }
});
