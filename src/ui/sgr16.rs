//! The 16 ANSI colours in their own SGR codes. crossterm writes every
//! named colour in the 256-colour form (`ESC[38;5;1m` for red), which a
//! terminal set to `TERM=xterm` — or an old one that knows only 16 colours
//! — may not understand. This writer, between the backend and the
//! terminal, turns `38;5;N` / `48;5;N` with N < 16 into `30–37`/`90–97`
//! and `40–47`/`100–107`; every other byte passes unchanged.

use std::io::{self, Write};

const ESC: u8 = 0x1b;
/// A CSI sequence longer than this is not an SGR we rewrite: passed on.
const LONGEST: usize = 128;

pub struct Sgr16<W: Write> {
    inner: W,
    /// An escape sequence begun but not yet ended.
    pending: Vec<u8>,
}

impl<W: Write> Sgr16<W> {
    pub fn new(inner: W) -> Self {
        Sgr16 {
            inner,
            pending: Vec::new(),
        }
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The bytes to send for `buf`, keeping an unfinished sequence.
    fn translate(&mut self, buf: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(buf.len() + 8);
        for &b in buf {
            if self.pending.is_empty() {
                if b == ESC {
                    self.pending.push(b);
                } else {
                    out.push(b);
                }
                continue;
            }
            self.pending.push(b);
            let len = self.pending.len();
            if len == 2 && b != b'[' {
                // Not a CSI (OSC 52, a lone ESC…): as it is.
                out.append(&mut self.pending);
            } else if len > 2 && (0x40..=0x7e).contains(&b) {
                if b == b'm' {
                    out.extend(rewrite(&self.pending[2..len - 1]));
                    self.pending.clear();
                } else {
                    out.append(&mut self.pending);
                }
            } else if len > LONGEST {
                out.append(&mut self.pending);
            }
        }
        out
    }
}

/// `ESC [ params m` with the 16 colours in their own codes.
fn rewrite(params: &[u8]) -> Vec<u8> {
    let tokens: Vec<&[u8]> = params.split(|b| *b == b';').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let base = match t {
            b"38" => Some((30, 90)),
            b"48" => Some((40, 100)),
            _ => None,
        };
        match (base, tokens.get(i + 1).copied(), tokens.get(i + 2)) {
            (Some((low, high)), Some(b"5"), Some(n)) => {
                match std::str::from_utf8(n)
                    .ok()
                    .and_then(|n| n.parse::<u8>().ok())
                {
                    Some(n @ 0..=7) => out.push((low + u16::from(n)).to_string()),
                    Some(n @ 8..=15) => out.push((high + u16::from(n) - 8).to_string()),
                    _ => out.extend(tokens[i..i + 3].iter().map(|t| lossy(t))),
                }
                i += 3;
            }
            (Some(_), Some(b"2"), _) => {
                // 24-bit colour: 38;2;r;g;b, unchanged.
                let end = (i + 5).min(tokens.len());
                out.extend(tokens[i..end].iter().map(|t| lossy(t)));
                i = end;
            }
            _ => {
                out.push(lossy(t));
                i += 1;
            }
        }
    }
    let mut bytes = vec![ESC, b'['];
    bytes.extend(out.join(";").into_bytes());
    bytes.push(b'm');
    bytes
}

fn lossy(t: &[u8]) -> String {
    String::from_utf8_lossy(t).into_owned()
}

impl<W: Write> Write for Sgr16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let out = self.translate(buf);
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(chunks: &[&[u8]]) -> Vec<u8> {
        let mut w = Sgr16::new(Vec::new());
        for c in chunks {
            w.write_all(c).expect("write");
        }
        w.flush().expect("flush");
        w.inner
    }

    #[test]
    fn named_colours_become_their_own_codes() {
        assert_eq!(through(&[b"\x1b[38;5;1m"]), b"\x1b[31m");
        assert_eq!(through(&[b"\x1b[38;5;9m"]), b"\x1b[91m");
        assert_eq!(through(&[b"\x1b[48;5;6m"]), b"\x1b[46m");
        assert_eq!(through(&[b"\x1b[48;5;15m"]), b"\x1b[107m");
        assert_eq!(through(&[b"a\x1b[1;38;5;0;48;5;14mb"]), b"a\x1b[1;30;106mb");
    }

    #[test]
    fn everything_else_passes_unchanged() {
        for s in [
            &b"\x1b[38;5;208m"[..],
            b"\x1b[38;2;1;2;3m",
            b"\x1b[0m",
            b"\x1b[10;20H",
            b"\x1b]52;c;aGVsbG8=\x07",
            b"\x1b[?2004h",
            "平成29年 \x1b[1m".as_bytes(),
        ] {
            assert_eq!(through(&[s]), s, "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn a_sequence_split_between_writes_is_still_rewritten() {
        assert_eq!(through(&[b"x\x1b", b"[38;", b"5;", b"3mY"]), b"x\x1b[33mY");
    }
}
