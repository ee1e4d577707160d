//! The security calls of a sequence: their arguments (laid out by hand at the documented
//! offsets, not by the crate), how they are generated, and how each is made through `sys`
//! with sentinel-filled out-parameters.

use std::ptr;

use proptest::prelude::*;
use winsock_emu::sys::{
    self, OVERLAPPED, SOCKADDR, SOCKET, SOCKET_SECURITY_QUERY_TEMPLATE, SOCKET_SECURITY_SETTINGS,
};

use super::ops::{addr, int, ioctl, ip, overlapped_arg, AddrSpec};
use super::reference::{Outcome, Reference};

/// How `SecuritySettingsLen` relates to the structure.
#[derive(Debug, Clone, Copy)]
pub enum SetDecl {
    /// The structure's own length (8, or the IPsec header, strings and padding).
    Natural,
    /// 8: only the generic part, whatever the buffer holds.
    Generic8,
    /// Shorter than the generic structure.
    Short(u32),
    /// One byte less than natural.
    OneShort,
    /// 16 bytes more than natural.
    Longer,
}

/// How `UserNameStringLen` relates to the user name given.
#[derive(Debug, Clone, Copy)]
pub enum UserLen {
    Exact,
    Odd,
    Huge,
}

/// The IPsec part of the settings.
#[derive(Debug, Clone)]
pub struct IpsecSpec {
    pub ipsec_flags: u32,
    pub key: u8,
    pub user: Vec<u16>,
    pub user_len: UserLen,
    pub domain: Vec<u16>,
    pub password_len: u32,
}

/// A *SecuritySettings* argument.
#[derive(Debug, Clone)]
pub struct SettingsSpec {
    pub null: bool,
    pub protocol: i32,
    pub flags: u32,
    pub ipsec: Option<IpsecSpec>,
    pub decl: SetDecl,
}

impl SettingsSpec {
    fn natural_len(&self) -> u32 {
        match &self.ipsec {
            None => 8,
            Some(i) => (84 + 2 * (i.user.len() + i.domain.len()) as u32 + i.password_len).max(88),
        }
    }

    /// *SecuritySettingsLen*.
    pub fn declared(&self) -> u32 {
        let natural = self.natural_len();
        match self.decl {
            SetDecl::Natural => natural,
            SetDecl::Generic8 => 8,
            SetDecl::Short(n) => n,
            SetDecl::OneShort => natural - 1,
            SetDecl::Longer => natural + 16,
        }
    }

    /// The buffer: offsets 0 (protocol), 4 (flags); IPsec: 8 (flags), 12 and 28 (policy
    /// keys), 72, 76, 80 (string lengths), 84 (strings); never shorter than declared.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; self.natural_len().max(self.declared()) as usize];
        out[0..4].copy_from_slice(&self.protocol.to_le_bytes());
        out[4..8].copy_from_slice(&self.flags.to_le_bytes());
        if let Some(i) = &self.ipsec {
            out[8..12].copy_from_slice(&i.ipsec_flags.to_le_bytes());
            out[12..28].fill(i.key);
            out[28..44].fill(i.key.wrapping_add(1));
            let user = 2 * i.user.len() as u32;
            let stated = match i.user_len {
                UserLen::Exact => user,
                UserLen::Odd => user + 1,
                UserLen::Huge => 70_000,
            };
            out[72..76].copy_from_slice(&stated.to_le_bytes());
            out[76..80].copy_from_slice(&(2 * i.domain.len() as u32).to_le_bytes());
            out[80..84].copy_from_slice(&i.password_len.to_le_bytes());
            for (n, unit) in i.user.iter().chain(&i.domain).enumerate() {
                out[84 + 2 * n..86 + 2 * n].copy_from_slice(&unit.to_le_bytes());
            }
        }
        out
    }
}

/// A *SecurityQueryTemplate* argument (144 bytes: protocol at 0, peer at 8, mask at 136).
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    pub null: bool,
    pub protocol: i32,
    pub peer: AddrSpec,
    pub mask: u32,
    pub declared: u32,
}

impl TemplateSpec {
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; (self.declared as usize).max(144)];
        out[0..4].copy_from_slice(&self.protocol.to_le_bytes());
        if let (Some(peer), n) = self.peer.bytes() {
            out[8..8 + n].copy_from_slice(&peer[..n]);
        }
        out[136..140].copy_from_slice(&self.mask.to_le_bytes());
        out
    }
}

/// A security call.
#[derive(Debug, Clone)]
pub enum SecurityOp {
    Set {
        settings: SettingsSpec,
        ioctl: bool,
        overlapped_args: bool,
    },
    Query {
        template: TemplateSpec,
        /// `*SecurityQueryInfoLen` (None: a NULL pointer).
        room: Option<u32>,
        null_info: bool,
        overlapped_args: bool,
    },
    /// *PeerAddr* and, when given, a *PeerAddrLen* other than the address's own.
    Impersonate {
        addr: AddrSpec,
        len: Option<u32>,
    },
    Revert,
}

fn utf16(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// Settings: mostly well formed (both forms), sometimes with an illegal protocol, unknown
/// flags, DEFAULT in the IPsec form, odd or huge string lengths, or a short length.
pub fn settings() -> impl Strategy<Value = SettingsSpec> {
    let ipsec = (
        prop_oneof![6 => prop::sample::select(vec![0u32, 0x2, 0x1, 0xf]), 1 => Just(0x10)],
        any::<u8>(),
        prop::sample::select(vec![vec![], utf16("alice"), vec![0xd800]]),
        prop_oneof![8 => Just(UserLen::Exact), 1 => Just(UserLen::Odd), 1 => Just(UserLen::Huge)],
        prop::sample::select(vec![vec![], utf16("CONTOSO")]),
        prop::sample::select(vec![0u32, 0, 4, 3]),
    )
        .prop_map(
            |(ipsec_flags, key, user, user_len, domain, password_len)| IpsecSpec {
                ipsec_flags,
                key,
                user,
                user_len,
                domain,
                password_len,
            },
        );
    let decl = prop_oneof![
        12 => Just(SetDecl::Natural),
        1 => Just(SetDecl::Generic8),
        1 => prop::sample::select(vec![0u32, 4, 7]).prop_map(SetDecl::Short),
        1 => Just(SetDecl::OneShort),
        1 => Just(SetDecl::Longer),
    ];
    (
        prop::bool::weighted(0.15),
        prop_oneof![10 => 0..3i32, 1 => prop::sample::select(vec![3, -1])],
        prop_oneof![10 => 0..4u32, 1 => prop::sample::select(vec![4u32, 0x8000_0000])],
        prop::option::weighted(0.4, ipsec),
        decl,
    )
        .prop_map(|(null, protocol, flags, ipsec, decl)| SettingsSpec {
            null,
            protocol,
            flags,
            ipsec,
            decl,
        })
}

fn template() -> impl Strategy<Value = TemplateSpec> {
    let peer = prop_oneof![
        6 => ip().prop_map(AddrSpec::Ip),
        1 => Just(AddrSpec::UnspecifiedZero),
        1 => prop::sample::select(vec![0u16, winsock_emu::sys::AF_UNIX]).prop_map(AddrSpec::Other),
    ];
    (
        prop::bool::weighted(0.3),
        prop_oneof![10 => 0..3i32, 1 => Just(7)],
        peer,
        prop::sample::select(vec![0u32, 4]),
        prop_oneof![6 => Just(144u32), 2 => Just(0), 1 => Just(143), 1 => Just(152), 1 => Just(200)],
    )
        .prop_map(|(null, protocol, peer, mask, declared)| TemplateSpec {
            null,
            protocol,
            peer,
            mask,
            declared,
        })
}

/// One random security call.
pub fn security_op() -> impl Strategy<Value = SecurityOp> {
    let room = prop_oneof![
        6 => Just(Some(24u32)),
        1 => Just(Some(32)),
        1 => Just(Some(64)),
        1 => prop::sample::select(vec![0u32, 8, 23]).prop_map(Some),
        1 => Just(None),
    ];
    let imp_len = prop_oneof![
        4 => Just(None),
        2 => Just(Some(0u32)),
        1 => prop::sample::select(vec![129u32, 200]).prop_map(Some),
    ];
    prop_oneof![
        10 => (settings(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(
            |(settings, ioctl, overlapped_args)| SecurityOp::Set { settings, ioctl, overlapped_args }
        ),
        10 => (template(), room, prop::bool::weighted(0.1), prop::bool::weighted(0.1)).prop_map(
            |(template, room, null_info, overlapped_args)| SecurityOp::Query {
                template,
                room,
                null_info,
                overlapped_args,
            }
        ),
        6 => (prop_oneof![1 => Just(AddrSpec::Null), 2 => addr()], imp_len)
            .prop_map(|(addr, len)| SecurityOp::Impersonate { addr, len }),
        2 => Just(SecurityOp::Revert),
    ]
}

/// Runs a security call on `s` through `sys` and on the reference.
pub fn run_security(op: &SecurityOp, s: SOCKET, model: &mut Reference) -> (Outcome, Outcome) {
    match op {
        SecurityOp::Set {
            settings,
            ioctl: via_ioctl,
            overlapped_args,
        } => {
            let bytes = settings.bytes();
            let len = settings.declared();
            let p = if settings.null {
                ptr::null()
            } else {
                bytes.as_ptr()
            };
            let actual = if *via_ioctl {
                ioctl(s, sys::SIO_SET_SECURITY, p, len, *overlapped_args)
            } else {
                let mut block = OVERLAPPED::default();
                let o = overlapped_arg(*overlapped_args, &mut block);
                int(unsafe {
                    sys::WSASetSocketSecurity(s, p.cast::<SOCKET_SECURITY_SETTINGS>(), len, o, None)
                })
            };
            let arg = (!settings.null).then_some((len, &bytes[..]));
            (actual, model.set_security(model.socket_of(s), arg))
        }
        SecurityOp::Query {
            template,
            room,
            null_info,
            overlapped_args,
        } => query(s, template, *room, *null_info, *overlapped_args, model),
        SecurityOp::Impersonate { addr, len } => {
            let (bytes, natural) = addr.bytes();
            let len = len.unwrap_or(natural as u32);
            let mut buffer = [0u8; 200];
            let p = match &bytes {
                Some(b) => {
                    buffer[..b.len()].copy_from_slice(b);
                    buffer.as_ptr().cast::<SOCKADDR>()
                }
                None => ptr::null(),
            };
            // A length of 0 with an address is an empty address to the rules.
            let seen = match addr {
                AddrSpec::Null => AddrSpec::Null,
                _ if len == 0 => AddrSpec::Empty,
                other => *other,
            };
            (
                int(unsafe { sys::WSAImpersonateSocketPeer(s, p, len) }),
                model.impersonate(model.socket_of(s), &seen, len),
            )
        }
        SecurityOp::Revert => (
            int(unsafe { sys::WSARevertImpersonation() }),
            model.revert(),
        ),
    }
}

/// `WSAQuerySocketSecurity` into a 72-byte sentinel-filled buffer: on success the answer
/// (24 bytes, or 64 in the IPsec2 form) and `*SecurityQueryInfoLen` its size, with token
/// handles exactly when a mask met a secured link (closed here); on a too-small buffer only
/// the length; otherwise nothing written.
fn query(
    s: SOCKET,
    template: &TemplateSpec,
    room: Option<u32>,
    null_info: bool,
    overlapped_args: bool,
    model: &mut Reference,
) -> (Outcome, Outcome) {
    let bytes = template.bytes();
    let t = if template.null {
        ptr::null()
    } else {
        bytes.as_ptr()
    };
    let mut info = [0xabu8; 72];
    let mut len = room.unwrap_or(0);
    let info_ptr = if null_info {
        ptr::null_mut()
    } else {
        info.as_mut_ptr()
    };
    let len_ptr = if room.is_some() {
        &mut len as *mut u32
    } else {
        ptr::null_mut()
    };
    let mut block = OVERLAPPED::default();
    let o = overlapped_arg(overlapped_args, &mut block);
    let actual = int(unsafe {
        sys::WSAQuerySocketSecurity(
            s,
            t.cast::<SOCKET_SECURITY_QUERY_TEMPLATE>(),
            template.declared,
            info_ptr.cast(),
            len_ptr,
            o,
            None,
        )
    });
    let arg = (!template.null).then_some((template.declared, &bytes[..]));
    let expected = model.query(model.socket_of(s), arg, !null_info, room);
    match &expected {
        Ok((protocol, flags, written, tokens)) => {
            let mut want = [0u8; 8];
            want[0..4].copy_from_slice(&protocol.to_le_bytes());
            want[4..8].copy_from_slice(&flags.to_le_bytes());
            if actual.is_ok() {
                let written = *written as usize;
                assert_eq!(&info[..8], &want[..], "the query's answer");
                assert!(
                    info[written..].iter().all(|&b| b == 0xab),
                    "wrote past the answer"
                );
                assert_eq!(len as usize, written, "*SecurityQueryInfoLen");
                let token = |at: usize| u64::from_le_bytes(info[at..at + 8].try_into().unwrap());
                let (application, machine) = (token(8), token(16));
                assert_eq!(machine != 0, *tokens, "a machine token exactly when due");
                if !*tokens {
                    assert_eq!(application, 0, "no application token when none is due");
                }
                for handle in [application, machine].into_iter().filter(|&h| h != 0) {
                    let handle = ptr::without_provenance_mut(handle as usize);
                    assert_eq!(unsafe { sys::CloseHandle(handle) }, sys::TRUE);
                }
            }
        }
        Err((_, needed)) => {
            if actual.is_err() {
                assert!(info.iter().all(|&b| b == 0xab), "info written on failure");
                assert_eq!(
                    len,
                    needed.unwrap_or(room.unwrap_or(0)),
                    "*SecurityQueryInfoLen"
                );
            }
        }
    }
    (actual, expected.map(|_| 0).map_err(|(code, _)| code))
}
