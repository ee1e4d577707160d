//! WSAQuerySocketSecurity's Windows 7 forms (`SOCKET_SECURITY_QUERY_TEMPLATE_IPSEC2`,
//! `SOCKET_SECURITY_QUERY_INFO_IPSEC2`) and the access tokens a query hands out, through
//! the function, `WSAIoctl(SIO_QUERY_SECURITY)` and the safe API.

mod common;

use std::net::SocketAddr;
use std::ptr;

use common::secure::*;
use common::*;
use winsock_emu::sys::*;
use winsock_emu::testing::TOKEN_NOT_CLOSED;
use winsock_emu::{
    token_info, AccessToken, Domain, Ipsec2Query, SecurityProtocol, SecurityQueryTemplate,
    SecuritySettings, Type,
};

/// A template in the IPsec2 form (152 bytes), asking for tokens with `mask`.
fn ipsec2_template(mask: u32, flags: u32, field_mask: u32) -> Vec<u8> {
    let template = SecurityQueryTemplate {
        protocol: SecurityProtocol::Ipsec2,
        peer: None,
        peer_token_access_mask: mask,
    };
    template.to_bytes_with(Some(&Ipsec2Query { flags, field_mask }))
}

/// What a raw query wrote: the result, 72 bytes of buffer (preset to 0xAB) and
/// `*SecurityQueryInfoLen`.
struct Answer {
    result: Result<(), i32>,
    info: [u8; 72],
    len: u32,
}

impl Answer {
    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.info[at..at + 4].try_into().unwrap())
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.info[at..at + 8].try_into().unwrap())
    }

    /// (MmSaId, QmSaId, NegotiationWinerr, SaLookupContext).
    fn ipsec2(&self) -> (u64, u64, u32, [u8; 16]) {
        let guid = self.info[44..60].try_into().unwrap();
        (self.u64_at(24), self.u64_at(32), self.u32_at(40), guid)
    }
}

fn query(face: Face, s: SOCKET, template: &[u8], template_len: u32, info_len: u32) -> Answer {
    let mut info = [0xABu8; 72];
    let mut len = info_len;
    let rc = match face {
        Face::Function => unsafe {
            WSAQuerySocketSecurity(
                s,
                template.as_ptr().cast(),
                template_len,
                info.as_mut_ptr().cast(),
                &mut len,
                ptr::null(),
                None,
            )
        },
        Face::Ioctl => unsafe {
            WSAIoctl(
                s,
                SIO_QUERY_SECURITY,
                template.as_ptr().cast(),
                template_len,
                info.as_mut_ptr().cast(),
                info_len,
                &mut len,
                ptr::null_mut(),
                None,
            )
        },
    };
    Answer {
        result: common::outcome(rc),
        info,
        len,
    }
}

fn close(handle: u64) -> BOOL {
    unsafe { CloseHandle(ptr::without_provenance_mut(handle as usize)) }
}

#[test]
fn choice_ipsec2_forms_answer_64_bytes_with_the_connection_sas() {
    let env = env();
    let (_l1, client, accepted) = secured_connection(&env.net, "127.0.0.1:7400");
    let (_l2, other, _other_accepted) = secured_connection(&env.net, "127.0.0.1:7401");
    let template = ipsec2_template(0, 0, 0);
    for face in RAW_FACES {
        let probe = query(face, client.as_raw(), &template, 152, 24);
        assert_eq!(probe.result, Err(WSAEMSGSIZE));
        assert_eq!(probe.len, 64, "the IPsec2 form's size");
        assert_eq!(probe.info, [0xAB; 72], "nothing written");
        let mine = query(face, client.as_raw(), &template, 152, 64);
        assert_eq!((mine.result, mine.len), (Ok(()), 64));
        assert_eq!(mine.u32_at(0), SOCKET_SECURITY_PROTOCOL_IPSEC2 as u32);
        assert_eq!(
            mine.u32_at(4),
            SOCKET_INFO_CONNECTION_SECURED | SOCKET_INFO_CONNECTION_ENCRYPTED
        );
        assert_eq!(&mine.info[64..], &[0xAB; 8], "nothing past the structure");
        let (mm, qm, winerr, guid) = mine.ipsec2();
        assert!(mm != 0 && qm != 0);
        assert_eq!(winerr, 0, "secured: ERROR_SUCCESS");
        assert_ne!(guid, [0; 16]);
        let theirs = query(face, accepted.as_raw(), &template, 152, 64);
        assert_eq!(theirs.ipsec2(), mine.ipsec2(), "both ends see one SA pair");
        let next = query(face, other.as_raw(), &template, 152, 64).ipsec2();
        assert_eq!(next.0, mm, "one main mode per pair of hosts");
        assert_ne!(next.1, qm, "a quick mode per connection");
        assert_ne!(next.3, guid, "a lookup context per connection");
    }
    // The same through the safe API, stable across queries.
    let info = client
        .query_security_ipsec2(SecurityQueryTemplate::default(), Ipsec2Query::default())
        .unwrap();
    let ipsec2 = info.ipsec2.unwrap();
    assert_eq!(info.protocol, SecurityProtocol::Ipsec2);
    let again = query(Face::Function, client.as_raw(), &template, 152, 64).ipsec2();
    assert_eq!(
        (ipsec2.mm_sa_id, ipsec2.qm_sa_id, ipsec2.sa_lookup_context),
        (again.0, again.1, again.3)
    );
}

#[test]
fn choice_ipsec2_forms_short_template_is_wsaemsgsize_and_unknown_bits_wsaeinval() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7402");
    for face in RAW_FACES {
        let short = ipsec2_template(0, 0, 0);
        let before = env.net.snapshot();
        let answer = query(face, client.as_raw(), &short, 151, 64);
        assert_eq!(answer.result, Err(WSAEMSGSIZE));
        assert_eq!(answer.info, [0xAB; 72]);
        let answer = query(face, client.as_raw(), &short, 144, 64);
        assert_eq!(
            answer.result,
            Err(WSAEMSGSIZE),
            "144 bytes cannot hold the form"
        );
        for (flags, mask) in [(2, 0), (0, 4), (0x8000_0000, 3)] {
            let bad = ipsec2_template(0, flags, mask);
            let answer = query(face, client.as_raw(), &bad, 152, 64);
            assert_eq!(
                answer.result,
                Err(WSAEINVAL),
                "flags {flags:#x}, mask {mask:#x}"
            );
        }
        assert_eq!(env.net.snapshot(), before, "failed queries change nothing");
        // The defined bits are accepted; a generic template longer than 144 is generic.
        let all = ipsec2_template(0, 1, 3);
        assert_eq!(query(face, client.as_raw(), &all, 152, 64).result, Ok(()));
        let mut generic = SecurityQueryTemplate::default().to_bytes();
        generic.extend([0xFF; 8]);
        let answer = query(face, client.as_raw(), &generic, 152, 64);
        assert_eq!((answer.result, answer.len), (Ok(()), 24));
    }
    let bad = Ipsec2Query {
        flags: 2,
        field_mask: 0,
    };
    let template = SecurityQueryTemplate::default();
    assert_eq!(
        client.query_security_ipsec2(template, bad),
        Err(winsock_emu::Error::Invalid)
    );
}

#[test]
fn choice_negotiation_winerr_explains_links_in_the_clear() {
    let env = env();
    let template = ipsec2_template(0, 0, 0);
    // No settings at either end: no policy.
    let (listener, client) = connected_stream(&env.net, "127.0.0.1:7403");
    let (accepted, _) = listener.accept().unwrap();
    for s in [client.as_raw(), accepted.as_raw()] {
        let answer = query(Face::Function, s, &template, 152, 64);
        assert_eq!(answer.u32_at(4), 0);
        assert_eq!(answer.ipsec2(), (0, 0, ERROR_IPSEC_IKE_NO_POLICY, [0; 16]));
    }
    // A mismatched name with ALLOW_INSECURE at both ends: a fallback to clear text.
    let insecure = SecuritySettings::with_flags(SOCKET_SETTINGS_ALLOW_INSECURE);
    let listener = secure_listener(
        &env.net,
        "127.0.0.1:7404",
        Some(insecure.clone()),
        "host/rogue.contoso.com",
    );
    let client = secure_client(
        &env.net,
        Domain::IPV4,
        Some(insecure),
        Some("host/server.contoso.com"),
    );
    client.connect("127.0.0.1:7404".parse().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let mine = query(Face::Function, client.as_raw(), &template, 152, 64);
    assert_eq!(mine.u32_at(4), 0, "in the clear");
    assert_eq!(mine.ipsec2(), (0, 0, ERROR_IPSEC_IKE_AUTH_FAIL, [0; 16]));
    let theirs = query(Face::Ioctl, accepted.as_raw(), &template, 152, 64);
    assert_eq!(theirs.ipsec2(), (0, 0, ERROR_IPSEC_IKE_TIMED_OUT, [0; 16]));
    // No tokens for a peer that was not authenticated.
    let tokens = client.peer_tokens(4).unwrap();
    assert!(tokens.application.is_none() && tokens.machine.is_none());
}

#[test]
fn ipsec2_form_on_a_secured_datagram_exchange() {
    let env = env();
    let server = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    server.set_security(Some(encrypting())).unwrap();
    server.set_principal("host/server.contoso.com").unwrap();
    let at: SocketAddr = "127.0.0.1:7405".parse().unwrap();
    server.bind(at).unwrap();
    let client = env.net.socket(Domain::IPV4, Type::DGRAM, None).unwrap();
    client.send_to(b"hi", at).unwrap();
    let template = SecurityQueryTemplate {
        peer: Some(at),
        ..SecurityQueryTemplate::default()
    };
    let info = client
        .query_security_ipsec2(template, Ipsec2Query::default())
        .unwrap();
    let ipsec2 = info.ipsec2.unwrap();
    assert!(info.is_secured());
    assert!(ipsec2.mm_sa_id != 0 && ipsec2.qm_sa_id != 0);
    assert_eq!(ipsec2.negotiation_winerr, 0);
    let tokens = client.peer_tokens_at(at, 4).unwrap();
    let machine = tokens.machine.as_ref().unwrap();
    assert_eq!(
        machine.principal().unwrap().to_string(),
        "host/server.contoso.com"
    );
    assert!(tokens.application.is_none(), "the server named no user");
}

#[test]
fn choice_tokens_per_authenticated_peer_each_query_opens_new_handles() {
    let env = env();
    let (_listener, client, accepted) = secured_connection(&env.net, "127.0.0.1:7406");
    let no_mask = ipsec2_template(0, 0, 0);
    let answer = query(Face::Function, accepted.as_raw(), &no_mask, 152, 64);
    assert_eq!(
        (answer.u64_at(8), answer.u64_at(16)),
        (0, 0),
        "mask 0: none"
    );
    let with_mask = ipsec2_template(TOKEN_MASK, 0, 0);
    let first = query(Face::Function, accepted.as_raw(), &with_mask, 152, 64);
    let second = query(Face::Ioctl, accepted.as_raw(), &with_mask, 152, 64);
    let (a, b) = (first.u64_at(16), second.u64_at(16));
    assert!(a != 0 && b != 0 && a != b, "a new machine token each time");
    assert_eq!(
        first.u64_at(8),
        0,
        "the client named no user: no application token"
    );
    let info = token_info(a).unwrap();
    assert_eq!(
        info.principal.to_string(),
        "host/127.0.0.1",
        "the client's host"
    );
    assert_eq!(
        (info.access_mask, info.socket),
        (TOKEN_MASK, accepted.as_raw())
    );
    // Tokens outlive their socket, and close exactly once.
    drop(accepted);
    assert_eq!(close(a), TRUE);
    assert_eq!(close(a), FALSE);
    assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
    let owned = AccessToken::from_raw(b).unwrap();
    assert_eq!(owned.info().unwrap().socket, info.socket);
    assert_eq!(owned.close(), Ok(()));
    assert_eq!(token_info(b), None);
    assert!(AccessToken::from_raw(b).is_none());
    // The safe face owns what it returns: dropped, the token is closed.
    let tokens = client.peer_tokens(TOKEN_MASK).unwrap();
    let raw = tokens.machine.as_ref().unwrap().as_raw();
    drop(tokens);
    assert_eq!(token_info(raw), None);
}

const TOKEN_MASK: u32 = 0x4;

#[test]
fn a_failed_query_opens_no_token() {
    let env = env();
    let (_listener, client, _accepted) = secured_connection(&env.net, "127.0.0.1:7407");
    let guard = env.net.strict();
    let with_mask = SecurityQueryTemplate {
        peer_token_access_mask: TOKEN_MASK,
        ..SecurityQueryTemplate::default()
    }
    .to_bytes();
    for face in RAW_FACES {
        let probe = query(face, client.as_raw(), &with_mask, 144, 8);
        assert_eq!((probe.result, probe.len), (Err(WSAEMSGSIZE), 24));
    }
    assert_eq!(guard.reports(), Vec::new(), "no token was opened");
    // A query that succeeds and is never closed is reported.
    let leaked = query(Face::Function, client.as_raw(), &with_mask, 144, 24).u64_at(16);
    let reports = guard.reports();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].rule, TOKEN_NOT_CLOSED);
    assert_eq!(reports[0].socket, Some(client.as_raw()));
    assert_eq!(close(leaked), TRUE);
    assert_eq!(guard.reports(), Vec::new());
}

#[test]
fn close_handle_dispatches_on_the_kind_of_handle() {
    let env = env();
    // Events close as with WSACloseEvent.
    let event = unsafe { WSACreateEvent() };
    assert_eq!(
        unsafe { CloseHandle(ptr::without_provenance_mut(event as usize)) },
        TRUE
    );
    assert_eq!(unsafe { WSACloseEvent(event) }, FALSE, "already closed");
    // Sockets close as with closesocket.
    let s = raw_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_eq!(unsafe { CloseHandle(ptr::without_provenance_mut(s)) }, TRUE);
    assert_eq!(unsafe { closesocket(s) }, SOCKET_ERROR);
    assert_eq!(env.net.snapshot().sockets.len(), 0);
    // Anything else is ERROR_INVALID_HANDLE, through both last-error readers.
    for value in [0usize, 3, 0x103, usize::MAX] {
        unsafe { SetLastError(0) };
        assert_eq!(
            unsafe { CloseHandle(ptr::without_provenance_mut(value)) },
            FALSE
        );
        assert_eq!(unsafe { GetLastError() }, ERROR_INVALID_HANDLE);
        assert_eq!(unsafe { WSAGetLastError() }, WSA_INVALID_HANDLE);
    }
    // One per-thread value: SetLastError is what WSAGetLastError reads, and back.
    unsafe { SetLastError(WSAEINVAL as u32) };
    assert_eq!(unsafe { WSAGetLastError() }, WSAEINVAL);
    unsafe { WSASetLastError(WSAENOTSOCK) };
    assert_eq!(unsafe { GetLastError() }, WSAENOTSOCK as u32);
}

#[test]
fn threads_query_and_close_tokens_at_once() {
    let env = env();
    let (_listener, _client, accepted) = secured_connection(&env.net, "127.0.0.1:7408");
    let handle = accepted.as_raw();
    let net = env.net.clone();
    let per_thread: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let net = net.clone();
                scope.spawn(move || {
                    let _enter = net.enter();
                    let template = ipsec2_template(TOKEN_MASK, 0, 0);
                    (0..if cfg!(miri) { 3 } else { 50 })
                        .map(|_| {
                            let token =
                                query(Face::Function, handle, &template, 152, 64).u64_at(16);
                            assert_eq!(close(token), TRUE);
                            token
                        })
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<u64> = per_thread.into_iter().flatten().collect();
    all.sort_unstable();
    let count = all.len();
    all.dedup();
    assert_eq!(all.len(), count, "no handle handed out twice");
}
