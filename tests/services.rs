//! `getservbyname` and `getservbyport` through `sys`, in windows-sys style: the service
//! table, aliases, protocols, network byte order, the errors, and one `SERVENT` per
//! thread (`choices::SERVICE_DATABASE`). Runs under Miri.

mod common;

use std::ffi::CStr;
use std::ptr;

use winsock_emu::sys::*;
use winsock_emu::Network;

/// What a `SERVENT` holds: name, aliases, port (host order), protocol.
unsafe fn read(entry: *const SERVENT) -> (String, Vec<String>, u16, String) {
    let text = |p: *const u8| CStr::from_ptr(p.cast()).to_str().unwrap().to_owned();
    let mut aliases = Vec::new();
    let mut at = (*entry).s_aliases;
    while !(*at).is_null() {
        aliases.push(text((*at).cast()));
        at = at.add(1);
    }
    (
        text((*entry).s_name),
        aliases,
        u16::from_be((*entry).s_port as u16),
        text((*entry).s_proto),
    )
}

fn by_name(name: &CStr, proto: Option<&CStr>) -> Result<(String, Vec<String>, u16, String), i32> {
    // SAFETY: NUL-terminated strings; the answer is read before the next call.
    unsafe {
        let entry = getservbyname(
            name.as_ptr().cast(),
            proto.map_or(ptr::null(), |p| p.as_ptr().cast()),
        );
        if entry.is_null() {
            return Err(WSAGetLastError());
        }
        Ok(read(entry))
    }
}

fn by_port(port: u16, proto: Option<&CStr>) -> Result<(String, Vec<String>, u16, String), i32> {
    // SAFETY: as in `by_name`.
    unsafe {
        let entry = getservbyport(
            i32::from(port.to_be()),
            proto.map_or(ptr::null(), |p| p.as_ptr().cast()),
        );
        if entry.is_null() {
            return Err(WSAGetLastError());
        }
        Ok(read(entry))
    }
}

fn owned(
    name: &str,
    aliases: &[&str],
    port: u16,
    proto: &str,
) -> (String, Vec<String>, u16, String) {
    (
        name.into(),
        aliases.iter().map(|a| (*a).to_owned()).collect(),
        port,
        proto.into(),
    )
}

#[test]
fn rule_getservbyname_matches_names_aliases_and_protocols() {
    let _env = common::env();
    assert_eq!(
        by_name(c"http", Some(c"tcp")),
        Ok(owned("http", &["www", "www-http"], 80, "tcp"))
    );
    assert_eq!(
        by_name(c"WWW", None),
        Ok(owned("http", &["www", "www-http"], 80, "tcp")),
        "an alias, any case, NULL proto"
    );
    assert_eq!(
        by_name(c"domain", Some(c"UDP")),
        Ok(owned("domain", &[], 53, "udp"))
    );
    assert_eq!(by_name(c"domain", None).unwrap().3, "tcp", "TCP first");
    assert_eq!(by_name(c"tftp", None), Ok(owned("tftp", &[], 69, "udp")));
    assert_eq!(by_name(c"http", Some(c"udp")), Err(WSANO_DATA));
    assert_eq!(by_name(c"http", Some(c"icmp")), Err(WSANO_DATA));
    assert_eq!(by_name(c"no-such-service", None), Err(WSANO_DATA));
    assert_eq!(by_name(c"", None), Err(WSANO_DATA));
    // SAFETY: a NULL name is refused before anything is read.
    unsafe {
        assert!(getservbyname(ptr::null(), ptr::null()).is_null());
        assert_eq!(WSAGetLastError(), WSAEFAULT);
    }
}

#[test]
fn rule_getservbyport_takes_the_port_in_network_order() {
    let _env = common::env();
    assert_eq!(
        by_port(443, Some(c"tcp")),
        Ok(owned("https", &[], 443, "tcp"))
    );
    assert_eq!(
        by_port(80, None),
        Ok(owned("http", &["www", "www-http"], 80, "tcp"))
    );
    assert_eq!(by_port(500, None), Ok(owned("isakmp", &[], 500, "udp")));
    assert_eq!(by_port(500, Some(c"tcp")), Err(WSANO_DATA));
    assert_eq!(by_port(27015, None), Err(WSANO_DATA));
    // SAFETY: a plain integer; the high bits are ignored.
    unsafe {
        let entry = getservbyport(0x7FFF_0000 | i32::from(22u16.to_be()), ptr::null());
        assert_eq!(read(entry).0, "ssh");
    }
}

#[test]
fn rule_service_calls_need_startup() {
    let net = Network::new();
    let _current = net.enter();
    assert_eq!(by_name(c"http", None), Err(WSANOTINITIALISED));
    assert_eq!(by_port(80, None), Err(WSANOTINITIALISED));
}

#[test]
fn one_servent_per_thread_apart_from_the_protoent() {
    let env = common::env();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            env.net.spawn(move || {
                for _ in 0..20 {
                    let (name, port) = if i % 2 == 0 {
                        (c"ssh", 22)
                    } else {
                        (c"ldap", 389)
                    };
                    // SAFETY: each answer is read before the thread's next call of either.
                    unsafe {
                        let service = getservbyname(name.as_ptr().cast(), c"tcp".as_ptr().cast());
                        let protocol = getprotobyname(c"udp".as_ptr().cast());
                        // The PROTOENT did not replace the SERVENT.
                        assert_eq!(read(service).2, port);
                        assert_eq!((*protocol).p_proto, 17);
                        let again = getservbyport(i32::from(port.to_be()), ptr::null());
                        assert_eq!(read(again).0, name.to_str().unwrap());
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}
