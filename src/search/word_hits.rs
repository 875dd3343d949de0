//! Where each query form lies in an entry's readings, worked out from the
//! word numbers without writing the readings out: the place (and length)
//! [`crate::search::matcher::TermMatcher::find_reading`] finds in the
//! layout [`super::expand_words`] writes, for the forms some word holds
//! whole (the earliest in-word occurrence is the match).

use super::{holds, next_item, Item, Tail, WordFilter, Words, FORMS, NOT_HELD};

/// A form's match in the written-out layout: where it starts and its
/// length (shorter by the last kana's code, plus one, when that kana ends
/// the word and stands as its final or word final byte).
pub type Hit = Option<(u32, u32)>;

/// A [`Hit`] per form (as many as [`WordFilter`] tells apart).
pub type Hits = [Hit; FORMS];

impl WordFilter {
    /// Each form's first whole occurrence within `key`'s first `limit`
    /// words (the readings after the mark at `mark`), as the layout of
    /// [`super::expand_words`]`(.., limit, ..)` places it, into `out` (by
    /// form; None where no word of those holds it). False when the
    /// forms are not told apart or a number is past the table: write the
    /// readings out instead.
    pub fn hits(
        &self,
        words: &Words,
        key: &[u8],
        mark: usize,
        limit: usize,
        out: &mut Hits,
    ) -> bool {
        let Some(forms) = self.forms else {
            return false;
        };
        *out = [None; FORMS];
        let numbers = &key[mark + 1..];
        let all: u32 = (0..forms).map(holds).sum();
        let (mut i, mut k, mut pos) = (0usize, 0usize, mark + 1);
        let (mut first, mut apart) = (true, false);
        // The last word's last kana, and the forms found ending that word.
        let mut last: Option<Tail> = None;
        let mut ending = [false; FORMS];
        let mut found = 0u32;
        while let Some(item) = next_item(numbers, &mut i) {
            let n = match item {
                Item::Run => {
                    apart = true;
                    continue;
                }
                Item::Word(n) => n as usize,
            };
            if k == limit {
                break;
            }
            k += 1;
            if !first {
                let fin = match last {
                    Some(t) if apart => t.fin,
                    Some(t) => t.word_fin,
                    None => 0,
                };
                match last {
                    Some(t) if fin != 0 => {
                        pos = pos - usize::from(t.len) + 1;
                        for (h, e) in out.iter_mut().zip(&ending) {
                            if let (Some((_, len)), true) = (h.as_mut(), *e) {
                                *len = *len - u32::from(t.len) + 1;
                            }
                        }
                    }
                    _ => pos += 1,
                }
            }
            first = false;
            apart = false;
            ending = [false; FORMS];
            let Some(&f) = self.flags.get(n) else {
                return false;
            };
            let w = words.bytes(n as u32).len();
            if f & all & !found != 0 {
                for (j, h) in out.iter_mut().enumerate().take(forms) {
                    if f & holds(j) == 0 || h.is_some() {
                        continue;
                    }
                    let p = self.at.get(n * forms + j).copied().unwrap_or(NOT_HELD);
                    if p == NOT_HELD {
                        return false;
                    }
                    *h = Some(((pos + p as usize) as u32, self.form_len[j]));
                    ending[j] = p as usize + self.form_len[j] as usize == w;
                    found |= holds(j);
                }
            }
            pos += w;
            last = words.tails.get(n).copied().filter(|t| t.len > 0);
        }
        true
    }
}
