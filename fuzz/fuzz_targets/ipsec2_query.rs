//! `WSAQuerySocketSecurity` on a secured connection with arbitrary templates: any length
//! (the generic 144 and IPsec2 152 bytes and around them), the IPsec2 protocol or any other,
//! any `PeerTokenAccessMask`, `Flags` and `FieldMask`, and info buffers of any room. A
//! success writes 24 or 64 bytes within the room; every token handle it returns closes
//! exactly once with `CloseHandle`; a failure writes nothing and changes nothing.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu::{Domain, Network, SecuritySettings, Type};
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
struct Input {
    /// Which socket: the secured client, its accepted socket, or a plain one.
    which: u8,
    /// Template bytes after the protocol field.
    bytes: Vec<u8>,
    ipsec2: bool,
    len_delta: i8,
    null_template: bool,
    room: u8,
    null_info: bool,
}

fuzz_target!(|input: Input| {
    let net = Network::new();
    let _enter = net.enter();
    let _startup = net.startup().unwrap();
    let listener = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.set_security(None).unwrap();
    listener.bind("127.0.0.1:80".parse().unwrap()).unwrap();
    listener.listen(2).unwrap();
    let client = net.socket(Domain::IPV4, Type::STREAM, None).unwrap();
    client
        .set_security(Some(SecuritySettings::default()))
        .unwrap();
    client.connect("127.0.0.1:80".parse().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let udp = net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    let s = [client.as_raw(), accepted.as_raw(), udp.as_raw()][usize::from(input.which % 3)];

    let base: i32 = if input.ipsec2 { 152 } else { 144 };
    let len = (base + i32::from(input.len_delta)).max(0) as u32;
    let mut template = vec![0u8; len as usize];
    if template.len() >= 4 {
        let protocol: i32 = if input.ipsec2 { 2 } else { 0 };
        template[..4].copy_from_slice(&protocol.to_le_bytes());
    }
    for (slot, byte) in template.iter_mut().skip(4).zip(&input.bytes) {
        *slot = *byte;
    }
    let template_ptr = if input.null_template {
        std::ptr::null()
    } else {
        template.as_ptr()
    };
    let mut info = vec![0xabu8; usize::from(input.room % 80)];
    let mut room = info.len() as u32;
    let info_ptr = if input.null_info {
        std::ptr::null_mut()
    } else {
        info.as_mut_ptr()
    };
    let before = net.snapshot();
    let rc = unsafe {
        WSAQuerySocketSecurity(
            s,
            template_ptr.cast(),
            len,
            info_ptr.cast(),
            &mut room,
            std::ptr::null(),
            None,
        )
    };
    if rc != 0 {
        check(&net, &before, rc, SECURITY_CODES);
        assert!(info.iter().all(|&b| b == 0xab), "a failed query wrote info");
        return;
    }
    assert!(room == 24 || room == 64, "wrote {room} bytes");
    assert!(room as usize <= info.len());
    assert!(info[room as usize..].iter().all(|&b| b == 0xab));
    for at in [8, 16] {
        let token = u64::from_le_bytes(info[at..at + 8].try_into().unwrap());
        if token != 0 {
            let handle = std::ptr::without_provenance_mut(token as usize);
            assert_eq!(unsafe { CloseHandle(handle) }, TRUE);
            assert_eq!(unsafe { CloseHandle(handle) }, FALSE);
        }
    }
});
