//! Nix's own base-32 encoding, used for store path hash parts and `sha256:…` hashes.
//!
//! It is *not* RFC 4648 base32: the alphabet drops `e`, `o`, `u` and `t` (so that hash parts
//! never spell words), and the digits are taken from the *end* of the byte string, least
//! significant bits first. An `n`-byte string encodes to `(n * 8 - 1) / 5 + 1` characters; the
//! first character carries the few bits left over, which must be zero when decoding.
//! (Nix: `printHash32` and the base-32 branch of `Hash::Hash(std::string_view, …)` in
//! `src/libutil/hash.cc`.)

/// The 32 digits, in value order.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// The value of a digit, if `c` is one.
fn digit_value(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&d| d == c).map(|v| v as u8)
}

/// The length of the encoding of `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n * 8 - 1) / 5 + 1
    }
}

/// Encodes `bytes` the way Nix prints base-32 hashes.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let low = bytes[i] >> j;
        let high = if i + 1 < bytes.len() {
            // Shifting a u8 left by 8 - j may drop bits: they are exactly the ones not wanted.
            ((bytes[i + 1] as u16) << (8 - j)) as u8
        } else {
            0
        };
        out.push(ALPHABET[((low | high) & 0x1f) as usize] as char);
    }
    out
}

/// Decodes a Nix base-32 string. `None` when a character is not in the alphabet, when the
/// length is not that of any byte string's encoding, or when the excess high bits are not zero
/// (Nix rejects those too, so every byte string has exactly one encoding).
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    let n = s.len() * 5 / 8;
    if encoded_len(n) != s.len() {
        return None;
    }
    let mut out = vec![0u8; n];
    for (k, &c) in s.iter().rev().enumerate() {
        let digit = digit_value(c)? as u16;
        let b = k * 5;
        let i = b / 8;
        let j = b % 8;
        let shifted = digit << j;
        out[i] |= shifted as u8;
        let carry = (shifted >> 8) as u8;
        if i + 1 < n {
            out[i + 1] |= carry;
        } else if carry != 0 {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // Each pair: base-16 and base-32 of one digest, both printed by Nix 2.8:
    // `nix-hash --flat --type T FILE` and `nix-hash --flat --type T --base32 FILE`
    // for FILE = `printf abc` and `printf ''` (/tmp/hx/abc.txt, /tmp/hx/empty.txt).
    const VECTORS: &[(&str, &str)] = &[
        ("900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch"),
        ("d41d8cd98f00b204e9800998ecf8427e", "3y8bwfr609h3lh9ch0izcqq7fl"),
        (
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "kpcd173cq987hw957sx6m0868wv3x6d9",
        ),
        (
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "143xibwh31h9bvxzalr0sjvbbvpa6ffs",
        ),
        (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
        ),
        (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        ),
        (
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx",
        ),
        (
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
             47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            "0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf7ggqsy30yg",
        ),
    ];

    #[test]
    fn encode_matches_nix() {
        for (b16, b32) in VECTORS {
            assert_eq!(encode(&hex(b16)), *b32);
            assert_eq!(encoded_len(hex(b16).len()), b32.len());
        }
    }

    #[test]
    fn decode_matches_nix() {
        for (b16, b32) in VECTORS {
            assert_eq!(decode(b32), Some(hex(b16)));
        }
    }

    #[test]
    fn decode_rejects_bad_input() {
        // 'e', 'o', 'u', 't' and upper case are not digits.
        assert_eq!(decode("e000000000000000000000000000000000000000000000000000"), None);
        assert_eq!(decode("K000000000000000000000000000000000000000000000000000"), None);
        // A sha256 encoding has 4 excess bits in its first digit: 'z' (31) sets them.
        // (`nix hash to-base16 --type sha256 z000…` fails with "invalid base-32 hash".)
        assert_eq!(decode("z000000000000000000000000000000000000000000000000000"), None);
        assert_eq!(
            decode("1000000000000000000000000000000000000000000000000000").map(|v| v[31]),
            Some(0x80)
        );
        // 51 characters is no byte string's encoding.
        assert_eq!(decode("000000000000000000000000000000000000000000000000000"), None);
        assert_eq!(decode("é"), None);
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(encode(&[]), "");
    }

    #[test]
    fn sha1_has_no_excess_bits() {
        // `nix hash to-base16 sha1:zzzz173cq987hw957sx6m0868wv3x6d9` (Nix 2.8) accepts it and prints
        // a9993e364706816aba3e25717850c26c9cf0ffff: 160 bits fill 32 digits exactly.
        assert_eq!(
            decode("zzzz173cq987hw957sx6m0868wv3x6d9"),
            Some(hex("a9993e364706816aba3e25717850c26c9cf0ffff"))
        );
    }
}
