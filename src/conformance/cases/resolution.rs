//! Name resolution and the address helpers (docs/rules.md R1-R20): `getaddrinfo`,
//! `getnameinfo`, `gethostname`, `inet_pton`, `inet_ntop`, `inet_addr`,
//! `WSAStringToAddressW`, `WSAAddressToStringW`, `WSAConnectByNameW`. Only names that
//! resolve on any Windows are used: `localhost` and numeric hosts.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, AF_UNSPEC, AI_CANONNAME, AI_FQDN, AI_NUMERICHOST, NI_NUMERICHOST,
    NI_NUMERICSERV, SOCK_STREAM, WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAESOCKTNOSUPPORT,
    WSAHOST_NOT_FOUND, WSANO_RECOVERY, WSATYPE_NOT_FOUND,
};

use crate::backend::{AddrInfoHints, CallResult, Code, Parsed};
use crate::conformance::session::{addr, Session, SetupFailure};
use crate::conformance::{check_value, Case, Observed};

/// `STATUS_INVALID_PARAMETER`, the last error `inet_ntop` leaves on Windows 8 and later.
const STATUS_INVALID_PARAMETER: i32 = 0xC000_000D_u32 as i32;

fn hints(flags: u32, family: u16) -> Option<AddrInfoHints> {
    Some(AddrInfoHints {
        flags,
        family: family.into(),
        ..AddrInfoHints::default()
    })
}

/// `getaddrinfo` after `WSAStartup`: its result without the list.
fn lookup(
    s: &mut Session<'_>,
    node: Option<&str>,
    service: Option<&str>,
    hints: Option<AddrInfoHints>,
) -> Observed {
    s.startup()?;
    Ok(s.backend().get_addr_info(node, service, hints).map(drop))
}

/// `getaddrinfo` after `WSAStartup`, whose addresses must be `expected`.
fn lookup_gives(
    s: &mut Session<'_>,
    node: &str,
    service: &str,
    family: u16,
    expected: &[&str],
) -> Observed {
    s.startup()?;
    let found = s
        .backend()
        .get_addr_info(Some(node), Some(service), hints(0, family));
    let result = found.as_ref().map(drop).map_err(|code| *code);
    let expected: Vec<SocketAddr> = expected.iter().map(|a| addr(a)).collect();
    let same = found.as_ref().is_ok_and(|list| list.addrs == expected);
    check_value(
        result,
        "the addresses are the expected ones (1: yes)",
        1,
        i64::from(same),
    )?;
    Ok(result)
}

/// An `inet_pton` outcome as a call result: -1 is the last error; 0 and 1 succeed (the
/// scenario checks which).
fn pton_result(parsed: Parsed) -> CallResult {
    if parsed.rc == -1 {
        Err(Code(parsed.last_error))
    } else {
        Ok(())
    }
}

/// A value check on a text result: `text` must be `expected`.
fn text_is(result: &CallResult<String>, what: &'static str, expected: &str) -> Observed {
    let outcome = result.as_ref().map(drop).map_err(|code| *code);
    check_value(
        outcome,
        what,
        1,
        i64::from(result.as_deref() == Ok(expected)),
    )?;
    Ok(outcome)
}

/// The cases of this file.
pub(super) const CASES: &[Case] = &[
    Case {
        id: "getaddrinfo-null-node-and-service",
        rule: "getaddrinfo with both pNodeName and pServiceName NULL fails with WSAHOST_NOT_FOUND",
        docs: &["R1"],
        checks: &["node_or_service_given"],
        choice: None,
        source: "getaddrinfo: Return value (EAI_NONAME)",
        expected: Err(Code(WSAHOST_NOT_FOUND)),
        scenario: |s| lookup(s, None, None, None),
    },
    Case {
        id: "getaddrinfo-hints-tail-set",
        rule: "hints whose ai_addrlen is not zero fail with WSANO_RECOVERY",
        docs: &["R2"],
        checks: &["hints_tail_is_zero"],
        choice: Some("getaddrinfo-check-order"),
        source: "getaddrinfo: Remarks (ai_addrlen, ai_canonname, ai_addr, ai_next must be zero or NULL)",
        expected: Err(Code(WSANO_RECOVERY)),
        scenario: |s| {
            let tail = AddrInfoHints { addrlen: 16, ..AddrInfoHints::default() };
            lookup(s, Some("localhost"), None, Some(tail))
        },
    },
    Case {
        id: "getaddrinfo-canonname-with-fqdn",
        rule: "AI_CANONNAME together with AI_FQDN fails with WSAEINVAL (EAI_BADFLAGS)",
        docs: &["R3"],
        checks: &["flags_are_valid"],
        choice: None,
        source: "getaddrinfo: Remarks (AI_FQDN)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| lookup(s, Some("localhost"), None, hints(AI_CANONNAME | AI_FQDN, AF_UNSPEC)),
    },
    Case {
        id: "getaddrinfo-canonname-without-node",
        rule: "AI_CANONNAME with a NULL pNodeName fails with WSANO_RECOVERY (EAI_FAIL)",
        docs: &["R4"],
        checks: &["canonical_name_needs_a_node"],
        choice: None,
        source: "getaddrinfo: Remarks (AI_CANONNAME)",
        expected: Err(Code(WSANO_RECOVERY)),
        scenario: |s| lookup(s, None, Some("80"), hints(AI_CANONNAME, AF_UNSPEC)),
    },
    Case {
        id: "getaddrinfo-family-unsupported",
        rule: "an ai_family other than AF_UNSPEC, AF_INET and AF_INET6 fails with WSAEAFNOSUPPORT",
        docs: &["R5"],
        checks: &["family_is_supported"],
        choice: None,
        source: "getaddrinfo: Return value (EAI_FAMILY)",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| lookup(s, Some("localhost"), None, hints(0, 99)),
    },
    Case {
        id: "getaddrinfo-socktype-unsupported",
        rule: "an unsupported ai_socktype (999) fails with WSAESOCKTNOSUPPORT",
        docs: &["R6"],
        checks: &["socket_type_is_supported"],
        choice: None,
        source: "getaddrinfo: Return value (EAI_SOCKTYPE); Wine test_getaddrinfo",
        expected: Err(Code(WSAESOCKTNOSUPPORT)),
        scenario: |s| {
            let odd = AddrInfoHints { socktype: 999, ..AddrInfoHints::default() };
            lookup(s, Some("localhost"), None, Some(odd))
        },
    },
    Case {
        id: "getaddrinfo-numerichost-with-a-name",
        rule: "AI_NUMERICHOST with a name that is not numeric fails with WSAHOST_NOT_FOUND",
        docs: &["R7"],
        checks: &["numeric_host_is_numeric"],
        choice: None,
        source: "getaddrinfo: Remarks (AI_NUMERICHOST)",
        expected: Err(Code(WSAHOST_NOT_FOUND)),
        scenario: |s| lookup(s, Some("localhost"), None, hints(AI_NUMERICHOST, AF_UNSPEC)),
    },
    Case {
        id: "getaddrinfo-localhost-is-loopback",
        rule: "localhost resolves to the loopback address, with the service's port",
        docs: &["R8"],
        checks: &[],
        choice: Some("local-names"),
        source: "getaddrinfo: Remarks (localhost: all loopback addresses)",
        expected: Ok(()),
        scenario: |s| lookup_gives(s, "localhost", "80", AF_INET, &["127.0.0.1:80"]),
    },
    Case {
        id: "getaddrinfo-numeric-host",
        rule: "a numeric host is itself, with the numeric service's port",
        docs: &["R8"],
        checks: &[],
        choice: Some("getaddrinfo-numeric-hosts"),
        source: "getaddrinfo: Remarks (numeric host address strings); Wine test_getaddrinfo",
        expected: Ok(()),
        scenario: |s| lookup_gives(s, "192.0.2.1", "27015", AF_UNSPEC, &["192.0.2.1:27015"]),
    },
    Case {
        id: "getaddrinfo-unknown-service",
        rule: "a service name that is not known fails with WSATYPE_NOT_FOUND",
        docs: &["R9"],
        checks: &[],
        choice: Some("service-names"),
        source: "getaddrinfo: Return value (EAI_SERVICE); Wine test_getaddrinfo",
        expected: Err(Code(WSATYPE_NOT_FOUND)),
        scenario: |s| lookup(s, Some("localhost"), Some("nonexistentservice"), None),
    },
    Case {
        id: "getnameinfo-both-buffers-null",
        rule: "getnameinfo with both buffers NULL fails with WSAHOST_NOT_FOUND",
        docs: &["R10"],
        checks: &["host_or_service_wanted"],
        choice: None,
        source: "getnameinfo: Return value (EAI_NONAME)",
        expected: Err(Code(WSAHOST_NOT_FOUND)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().get_name_info(addr("127.0.0.1:80"), None, None, 0).map(drop))
        },
    },
    Case {
        id: "getnameinfo-zero-size-buffer",
        rule: "a host buffer given with size 0 fails with WSAEINVAL",
        docs: &["R11"],
        checks: &["requested_buffer_has_room"],
        choice: None,
        source: "getnameinfo: Return value (EAI_BADFLAGS)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            Ok(s.backend().get_name_info(addr("127.0.0.1:80"), Some(0), None, 0).map(drop))
        },
    },
    Case {
        id: "getnameinfo-numeric-host-and-service",
        rule: "NI_NUMERICHOST and NI_NUMERICSERV give the address and port as text",
        docs: &["R12"],
        checks: &[],
        choice: Some("getnameinfo-text"),
        source: "getnameinfo: Remarks (NI_NUMERICHOST, NI_NUMERICSERV)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let flags = (NI_NUMERICHOST | NI_NUMERICSERV) as i32;
            let got = s.backend().get_name_info(addr("127.0.0.1:80"), Some(64), Some(32), flags);
            let outcome = got.as_ref().map(drop).map_err(|code| *code);
            let want = (Some("127.0.0.1".to_owned()), Some("80".to_owned()));
            check_value(outcome, "host and service are 127.0.0.1 and 80 (1: yes)", 1, i64::from(got == Ok(want)))?;
            Ok(outcome)
        },
    },
    Case {
        id: "gethostname-no-room-for-the-nul",
        rule: "gethostname with namelen equal to the name's length (no room for the NUL) fails with WSAEFAULT",
        docs: &["R13"],
        checks: &["buffer_holds"],
        choice: None,
        source: "gethostname: Return value (WSAEFAULT); Wine test_gethostname",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let name = s
                .backend()
                .host_name(256)
                .map_err(|code| SetupFailure { step: "gethostname(256)", code })?;
            Ok(s.backend().host_name(name.len() as i32).map(drop))
        },
    },
    Case {
        id: "inet-pton-unsupported-family",
        rule: "inet_pton with AF_UNSPEC returns -1 with WSAEAFNOSUPPORT",
        docs: &["R14"],
        checks: &["text_family_is_ip"],
        choice: None,
        source: "inet_pton: Return value; Wine test_inet_pton",
        expected: Err(Code(WSAEAFNOSUPPORT)),
        scenario: |s| Ok(pton_result(s.backend().inet_pton(AF_UNSPEC.into(), Some("127.0.0.1")))),
    },
    Case {
        id: "inet-pton-rejects-leading-zeros",
        rule: "inet_pton returns 0 for \"1.1.1.010\", writing nothing and leaving the last error",
        docs: &["R15"],
        checks: &[],
        choice: Some("inet-pton-partial-write"),
        source: "inet_pton: Return value (0: not a valid IPv4 dotted-decimal string); Wine test_inet_pton",
        expected: Ok(()),
        scenario: |s| {
            let parsed = s.backend().inet_pton(AF_INET.into(), Some("1.1.1.010"));
            let result = pton_result(parsed);
            check_value(result, "return value", 0, parsed.rc.into())?;
            check_value(result, "last error", 0, parsed.last_error.into())?;
            check_value(result, "first byte untouched (0xAB)", 0xAB, parsed.bytes[0].into())?;
            Ok(result)
        },
    },
    Case {
        id: "inet-pton-parses-ipv6",
        rule: "inet_pton returns 1 and the address in network order",
        docs: &["R15"],
        checks: &[],
        choice: None,
        source: "inet_pton: Return value (1)",
        expected: Ok(()),
        scenario: |s| {
            let parsed = s.backend().inet_pton(AF_INET6.into(), Some("2001:db8::1"));
            let result = pton_result(parsed);
            check_value(result, "return value", 1, parsed.rc.into())?;
            check_value(result, "last byte", 1, parsed.bytes[15].into())?;
            check_value(result, "first byte", 0x20, parsed.bytes[0].into())?;
            Ok(result)
        },
    },
    Case {
        id: "inet-ntop-buffer-too-small",
        rule: "inet_ntop with a buffer too small for the text returns NULL",
        docs: &["R16"],
        checks: &[],
        choice: Some("inet-ntop-errors"),
        source: "inet_ntop: Return value (ERROR_INVALID_PARAMETER); Wine test_inet_ntop (STATUS_INVALID_PARAMETER)",
        expected: Err(Code(STATUS_INVALID_PARAMETER)),
        scenario: |s| {
            let mut address = [0u8; 16];
            address[..4].copy_from_slice(&[21, 16, 32, 32]);
            Ok(s.backend().inet_ntop(AF_INET.into(), &address, 6).map(drop))
        },
    },
    Case {
        id: "inet-ntop-v4-compatible-form",
        rule: "inet_ntop prints a v4-compatible IPv6 address with a dotted IPv4 tail",
        docs: &["R16"],
        checks: &[],
        choice: Some("ipv6-text-form"),
        source: "inet_ntop: Remarks; Wine test_inet_ntop (\"::204.152.189.116\")",
        expected: Ok(()),
        scenario: |s| {
            let address = "::204.152.189.116".parse::<std::net::Ipv6Addr>().map_or([0; 16], |ip| ip.octets());
            let text = s.backend().inet_ntop(AF_INET6.into(), &address, 46);
            text_is(&text, "the text is ::204.152.189.116 (1: yes)", "::204.152.189.116")
        },
    },
    Case {
        id: "inet-addr-bsd-forms",
        rule: "inet_addr reads 1 to 4 parts in decimal, octal or hex, ended by the string's end or whitespace",
        docs: &["R17"],
        checks: &[],
        choice: Some("inet-addr-forms"),
        source: "inet_addr: Remarks (the a.b.c.d, a.b.c, a.b and a forms); Wine test_inet_addr",
        expected: Ok(()),
        scenario: |s| {
            let table: [(&str, u32); 8] = [
                ("1.2.3.4", 0x0403_0201),
                ("1.2", 0x0200_0001),
                ("0x2134", 0x3421_0000),
                ("017700000001", 0x0100_007f),
                ("3.4.5.6  7", 0x0605_0403),
                (" 3.4.5.6", u32::MAX),
                ("127.127.127.256", u32::MAX),
                ("", u32::MAX),
            ];
            let wrong = table.iter().filter(|(text, want)| s.backend().inet_addr(text) != *want).count();
            check_value(Ok(()), "answers that differ from Windows'", 0, wrong as i64)?;
            Ok(Ok(()))
        },
    },
    Case {
        id: "wsaaddresstostring-size-probe",
        rule: "WSAAddressToStringW with a length of 0 fails with WSAEFAULT and writes the length needed",
        docs: &["R18"],
        checks: &["buffer_holds"],
        choice: Some("address-strings"),
        source: "WSAAddressToString: Return value (WSAEFAULT); Wine test_WSAAddressToString",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let (result, size) = s.backend().address_to_string(addr("0.0.0.0:0"), 0);
            let result = result.map(drop);
            check_value(result, "*lpdwAddressStringLength after", 8, size.into())?;
            Ok(result)
        },
    },
    Case {
        id: "wsaaddresstostring-appends-the-port",
        rule: "WSAAddressToStringW appends a non-zero port and sets the length to the characters written with the NUL",
        docs: &["R18"],
        checks: &[],
        choice: Some("address-strings"),
        source: "WSAAddressToString; Wine test_WSAAddressToString (\"0.0.0.0:65535\")",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (text, size) = s.backend().address_to_string(addr("0.0.0.0:65535"), 64);
            let outcome = text_is(&text, "the text is 0.0.0.0:65535 (1: yes)", "0.0.0.0:65535")?;
            check_value(outcome, "*lpdwAddressStringLength after", 14, size.into())?;
            Ok(outcome)
        },
    },
    Case {
        id: "wsastringtoaddress-short-length",
        rule: "WSAStringToAddressW with a length under sizeof(SOCKADDR_IN) fails with WSAEFAULT and writes 16",
        docs: &["R19"],
        checks: &["buffer_holds"],
        choice: Some("address-strings"),
        source: "WSAStringToAddress: Return value (WSAEFAULT); Wine test_WSAStringToAddress",
        expected: Err(Code(WSAEFAULT)),
        scenario: |s| {
            s.startup()?;
            let (result, len) = s.backend().string_to_address("127.0.0.1", AF_INET.into(), 0);
            let result = result.map(drop);
            check_value(result, "*lpAddressLength after", 16, len.into())?;
            Ok(result)
        },
    },
    Case {
        id: "wsastringtoaddress-bsd-form-and-port",
        rule: "WSAStringToAddressW reads \"1.2.3:80\" as 1.2.0.3 port 80",
        docs: &["R19"],
        checks: &[],
        choice: Some("address-strings"),
        source: "WSAStringToAddress; Wine test_WSAStringToAddress",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (result, len) = s.backend().string_to_address("1.2.3:80", AF_INET.into(), 16);
            let outcome = result.map(drop);
            check_value(outcome, "the address is 1.2.0.3:80 (1: yes)", 1, i64::from(result == Ok(addr("1.2.0.3:80"))))?;
            check_value(outcome, "*lpAddressLength after", 16, len.into())?;
            Ok(outcome)
        },
    },
    Case {
        id: "wsastringtoaddress-whitespace",
        rule: "WSAStringToAddressW refuses leading whitespace with WSAEINVAL, leaving the length",
        docs: &["R19"],
        checks: &[],
        choice: Some("address-strings"),
        source: "WSAStringToAddress: Return value (WSAEINVAL); Wine test_WSAStringToAddress",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let (result, len) = s.backend().string_to_address(" 1.2.3.4", AF_INET.into(), 28);
            let result = result.map(drop);
            check_value(result, "*lpAddressLength after", 28, len.into())?;
            Ok(result)
        },
    },
    Case {
        id: "wsastringtoaddress-ipv6-brackets",
        rule: "WSAStringToAddressW reads \"[::1]:65535\" for AF_INET6",
        docs: &["R19"],
        checks: &[],
        choice: Some("address-strings"),
        source: "WSAStringToAddress; Wine test_WSAStringToAddress",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (result, len) = s.backend().string_to_address("[::1]:65535", AF_INET6.into(), 28);
            let outcome = result.map(drop);
            check_value(outcome, "the address is [::1]:65535 (1: yes)", 1, i64::from(result == Ok(addr("[::1]:65535"))))?;
            check_value(outcome, "*lpAddressLength after", 28, len.into())?;
            Ok(outcome)
        },
    },
    Case {
        id: "wsaconnectbyname-null-node",
        rule: "WSAConnectByNameW with a NULL nodename fails with WSAEINVAL",
        docs: &["R20"],
        checks: &["connect_by_name_arguments"],
        choice: None,
        source: "WSAConnectByNameW: Return value (WSAEINVAL)",
        expected: Err(Code(WSAEINVAL)),
        scenario: |s| {
            s.startup()?;
            let client = s.tcp4()?;
            Ok(s.backend().connect_by_name(client, None, Some("80")).map(drop))
        },
    },
    Case {
        id: "wsaconnectbyname-reaches-a-listener",
        rule: "WSAConnectByNameW resolves a numeric host, connects, and returns the remote address",
        docs: &["R20"],
        checks: &[],
        choice: Some("connect-by-name"),
        source: "WSAConnectByNameW: Return value (TRUE; RemoteAddress filled in)",
        expected: Ok(()),
        scenario: |s| {
            s.startup()?;
            let (_listener, at) = s.listener4()?;
            let client = s.socket(AF_INET, SOCK_STREAM, 0)?;
            let reached = s.backend().connect_by_name(client, Some("127.0.0.1"), Some(&at.port().to_string()));
            let outcome = reached.map(drop);
            check_value(outcome, "the remote address is the listener's (1: yes)", 1, i64::from(reached == Ok(at)))?;
            Ok(outcome)
        },
    },
];
