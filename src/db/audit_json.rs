//! JSON text of SQLite values for after-images, written into a `String`
//! directly: the same bytes as `serde_json` writes for them, without a
//! writer per value or a UTF-8 check of the finished text (an import
//! writes 150,000 of these at its commit).

use std::fmt::Write;

use rusqlite::types::ValueRef;
use serde_json::Value;

/// Append `s` as a JSON string, escaped exactly as `serde_json` does:
/// `"` and `\`, the short forms `\b \t \n \f \r`, other control
/// characters as `\u00xx`; everything else as it is.
pub(super) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        // Most bytes need no escape: one table lookup each.
        if !NEEDS_ESCAPE[usize::from(b)] {
            continue;
        }
        // Escaped bytes are ASCII: `i` is a character boundary.
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            _ => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The bytes [`push_str`] escapes: control characters, `"` and `\`.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Append one SQLite value as the JSON an after-image holds for it
/// (see `audit::column_value`): text that is not UTF-8 replaced, a blob
/// as `"<N bytes>"`.
pub(super) fn push_value(out: &mut String, v: ValueRef) {
    match v {
        ValueRef::Null => out.push_str("null"),
        ValueRef::Integer(n) => {
            let _ = write!(out, "{n}");
        }
        ValueRef::Real(f) => out.push_str(&Value::from(f).to_string()),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => push_str(out, s),
            Err(_) => push_str(out, &String::from_utf8_lossy(t)),
        },
        ValueRef::Blob(b) => push_str(out, &format!("<{} bytes>", b.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(v: ValueRef) -> String {
        let mut s = String::new();
        push_value(&mut s, v);
        s
    }

    #[test]
    fn control_characters_and_quotes_as_serde_json_writes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let text = format!("区政{all}\u{2028}\u{7f}\"\\/");
        assert_eq!(
            ours(ValueRef::Text(text.as_bytes())),
            serde_json::to_string(&text).unwrap()
        );
        assert_eq!(ours(ValueRef::Text(b"\xff\xfe")), "\"\u{fffd}\u{fffd}\"");
        assert_eq!(ours(ValueRef::Blob(b"abc")), "\"<3 bytes>\"");
        assert_eq!(ours(ValueRef::Null), "null");
        assert_eq!(ours(ValueRef::Real(f64::NAN)), "null");
    }

    proptest! {
        #[test]
        fn text_is_the_json_serde_writes(s in any::<String>()) {
            prop_assert_eq!(ours(ValueRef::Text(s.as_bytes())), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn numbers_are_the_json_serde_writes(n in any::<i64>(), f in any::<f64>()) {
            prop_assert_eq!(ours(ValueRef::Integer(n)), serde_json::to_string(&n).unwrap());
            prop_assert_eq!(ours(ValueRef::Real(f)), Value::from(f).to_string());
        }
    }
}
