//! IPv4 text, in the three grammars Windows has for it: `inet_pton`'s strict dotted
//! decimal, `inet_addr`'s and `WSAStringToAddress`'s BSD `inet_aton` forms (1 to 4 parts,
//! octal and hex), and the dotted decimal every formatting function prints.
//!
//! Both parsers read a *prefix* and report where they stopped, because Windows decides on
//! the terminator afterwards (and `inet_pton` writes the parsed address even when the
//! terminator then makes it fail: Wine's `test_inet_pton`, "127.127.127.255:123").
use std::net::Ipv4Addr;

/// A parsed IPv4 prefix: the address and how many bytes of the text it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ipv4Prefix {
    /// The address.
    pub addr: Ipv4Addr,
    /// How many bytes were consumed; the byte there (if any) is the terminator.
    pub consumed: usize,
}

/// `inet_pton(AF_INET)`'s grammar (RtlIpv4StringToAddress, strict): exactly four decimal
/// parts of at most 255, no leading zeros, no hex. A part beginning `0` followed by a
/// digit or `x` is an error; any other character after the fourth part ends the address.
/// `None` when no complete address could be read.
pub(crate) fn parse_strict_prefix(text: &[u8]) -> Option<Ipv4Prefix> {
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            if text.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let start = at;
        let mut value: u32 = 0;
        while let Some(digit) = text.get(at).filter(|b| b.is_ascii_digit()) {
            if at > start && text[start] == b'0' {
                return None; // a leading zero
            }
            value = value * 10 + u32::from(digit - b'0');
            if value > 255 {
                return None;
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        if text[start] == b'0' && matches!(text.get(at), Some(b'x' | b'X')) {
            return None; // hex is not dotted decimal
        }
        *octet = value as u8;
    }
    if text.get(at) == Some(&b'.') {
        return None; // a fifth part
    }
    Some(Ipv4Prefix {
        addr: Ipv4Addr::from(octets),
        consumed: at,
    })
}

/// One `inet_aton` number: `0x` hex (at least one digit), `0` octal, else decimal; at most
/// `u32::MAX`. Returns the value and the bytes used, or `None`.
fn aton_number(text: &[u8]) -> Option<(u32, usize)> {
    let (radix, mut at) = match text {
        [b'0', b'x' | b'X', ..] => (16, 2),
        [b'0', ..] => (8, 1),
        [b'1'..=b'9', ..] => (10, 0),
        _ => return None,
    };
    let digits_start = at;
    let mut value: u64 = 0;
    while let Some(digit) = text.get(at).and_then(|&b| char::from(b).to_digit(radix)) {
        value = value * u64::from(radix) + u64::from(digit);
        if value > u64::from(u32::MAX) {
            return None;
        }
        at += 1;
    }
    if radix == 16 && at == digits_start {
        return None; // "0x" alone
    }
    Some((value as u32, at))
}

/// The BSD `inet_aton` grammar of `inet_addr` and `WSAStringToAddress` (RtlIpv4StringToAddress,
/// not strict): 1 to 4 numbers separated by dots, each hex, octal or decimal; the last fills
/// the bytes the others left ("1.2" is 1.0.0.2, "1" is 0.0.0.1). A dot must be followed by a
/// number; the prefix ends at any other character.
pub(crate) fn parse_aton_prefix(text: &[u8]) -> Option<Ipv4Prefix> {
    let mut parts = [0u32; 4];
    let mut count = 0;
    let mut at = 0;
    loop {
        let (value, used) = aton_number(&text[at..])?;
        parts[count] = value;
        count += 1;
        at += used;
        if text.get(at) != Some(&b'.') {
            break;
        }
        if count == 4 {
            return None; // a fifth part
        }
        at += 1;
    }
    let (leading, last) = parts[..count].split_at(count - 1);
    if leading.iter().any(|&part| part > 255) {
        return None;
    }
    let last = last[0];
    let room_bits = 8 * (4 - leading.len() as u32);
    if room_bits < 32 && last >> room_bits != 0 {
        return None;
    }
    let mut value = last;
    for (i, &part) in leading.iter().enumerate() {
        value |= part << (24 - 8 * i as u32);
    }
    Some(Ipv4Prefix {
        addr: Ipv4Addr::from(value),
        consumed: at,
    })
}

/// Whether `byte` is C's `isspace` in the "C" locale.
pub(crate) fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `inet_addr`'s answer for `text` (without its NUL), in network order as a `u32` read on a
/// little-endian machine: an `inet_aton` address followed by the end of the string or a
/// whitespace character (what follows it is ignored), else `INADDR_NONE`. A string that is
/// exactly one space is 0, as Windows answers it ([`crate::choices::INET_ADDR_FORMS`]).
pub(crate) fn inet_addr(text: &[u8]) -> u32 {
    const NONE: u32 = u32::MAX;
    if text == b" " {
        return 0;
    }
    match parse_aton_prefix(text) {
        Some(prefix) if text.get(prefix.consumed).is_none_or(|&b| is_c_space(b)) => {
            u32::from_ne_bytes(prefix.addr.octets())
        }
        _ => NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> u32 {
        inet_addr(text.as_bytes())
    }

    /// Wine's `test_inet_addr` table (protocol.c), which records Windows' answers.
    #[test]
    fn inet_addr_answers_as_windows_does() {
        let table: &[(&str, u32)] = &[
            ("1.2.3.4", 0x04030201),
            ("1 2 3 4", 0x01000000),
            ("1.2.3. 4", 0xffffffff),
            ("1.2.3 .4", 0x03000201),
            ("3.4.5.6.7", 0xffffffff),
            ("3.4.5.6  7", 0x06050403),
            (" 3.4.5.6", 0xffffffff),
            ("3.4.5.6 ", 0x06050403),
            ("3 .4.5.6", 0x03000000),
            ("1.2.3", 0x03000201),
            (".1.2.3", 0xffffffff),
            ("", 0xffffffff),
            (" 0", 0xffffffff),
            ("0xa1a2b3b4 ", 0xb4b3a2a1),
            (".", 0xffffffff),
            (" ", 0),
            ("\t", 0xffffffff),
            ("  ", 0xffffffff),
            ("127.127.127.255:123", 0xffffffff),
            ("127.127.127.256", 0xffffffff),
            ("1.2.3.0xaA", 0xaa030201),
            ("1.1.1.0x", 0xffffffff),
            ("1.2.3.010", 0x08030201),
            ("1.2.3.00", 0x00030201),
            ("1.2.3.0a", 0xffffffff),
            ("1.1.1.-2", 0xffffffff),
            ("1", 0x01000000),
            ("1.2", 0x02000001),
            ("203569230", 0x4e38220c),
            ("[0.1.2.3]", 0xffffffff),
            ("0x2134", 0x34210000),
            ("1234BEEF", 0xffffffff),
            ("017700000001", 0x0100007f),
            ("0777", 0xff010000),
            ("::1", 0xffffffff),
        ];
        for &(text, expected) in table {
            assert_eq!(addr(text), expected, "{text:?}");
        }
        for byte in 1..=255u8 {
            if byte.is_ascii_digit() {
                continue;
            }
            let text = [b'1', b'.', b'2', b'.', b'3', byte];
            let expected = if is_c_space(byte) {
                0x03000201
            } else {
                0xffffffff
            };
            assert_eq!(inet_addr(&text), expected, "byte {byte}");
        }
    }

    /// Wine's `test_inet_pton` IPv4 table: which strings give an address, and where a
    /// failing string still wrote one.
    #[test]
    fn strict_prefixes_match_inet_pton() {
        let table: &[(&str, Option<[u8; 4]>, bool)] = &[
            ("1.1.1.1", Some([1, 1, 1, 1]), true),
            ("127.127.127.255:123", Some([127, 127, 127, 255]), false),
            ("127.127.127.256", None, false),
            ("1.1.1.0xaA", None, false),
            ("1.1.1.0x", None, false),
            ("1.1.1.010", None, false),
            ("1.1.1.00", None, false),
            ("1.1.1.0a", Some([1, 1, 1, 0]), false),
            ("1.1.1.0o10", Some([1, 1, 1, 0]), false),
            ("1.2.3", None, false),
            ("3.4.5.6.7", None, false),
            (" 3.4.5.6", None, false),
            ("3.4.5.6 ", Some([3, 4, 5, 6]), false),
            ("", None, false),
            ("::1", None, false),
        ];
        for &(text, written, whole) in table {
            let prefix = parse_strict_prefix(text.as_bytes());
            assert_eq!(prefix.map(|p| p.addr.octets()), written, "{text:?}");
            if let Some(prefix) = prefix {
                assert_eq!(prefix.consumed == text.len(), whole, "{text:?}");
            }
        }
    }
}
