//! The table of distinct readings as an index is built or patched:
//! numbering readings as they are met, by frequency at the end, and
//! adopting another table's readings (moved from word_numbers.rs).

use std::collections::HashMap;

use super::{Codec, Words};

/// The table as an index is being built: readings looked up by text, and
/// how often each was written (to number them by frequency at the end).
#[derive(Debug, Default)]
pub struct WordsBuilder {
    pub words: Words,
    lookup: HashMap<String, u32>,
    counts: Vec<u64>,
}

impl WordsBuilder {
    /// Reading `reading`'s number, added when new; counted.
    pub fn number(&mut self, reading: &str, codec: &Codec) -> u32 {
        let n = match self.lookup.get(reading) {
            Some(&n) => n,
            None => {
                let n = self.words.push(reading, codec);
                self.lookup.insert(reading.to_string(), n);
                self.counts.push(0);
                n
            }
        };
        self.counts[n as usize] += 1;
        n
    }

    /// `other`'s numbers in this table (its readings added when new, its
    /// counts added): the map from its numbers to ours.
    pub fn adopt(&mut self, other: &WordsBuilder, codec: &Codec) -> Vec<u32> {
        let readings = other.words.readings(codec);
        readings
            .iter()
            .zip(&other.counts)
            .map(|(r, &c)| {
                let n = self.number(r, codec);
                self.counts[n as usize] += c - 1;
                n
            })
            .collect()
    }

    /// The table numbered by falling frequency (then by reading): the
    /// commonest readings take one byte. Returns it and the map from the
    /// numbers given out so far to the new ones.
    pub fn by_count(self, codec: &Codec) -> (Words, Vec<u32>) {
        let readings = self.words.readings(codec);
        let mut order: Vec<u32> = (0..readings.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            self.counts[b]
                .cmp(&self.counts[a])
                .then_with(|| readings[a].cmp(&readings[b]))
        });
        let mut map = vec![0u32; order.len()];
        let mut words = Words::default();
        for &old in &order {
            map[old as usize] = words.push(&readings[old as usize], codec);
        }
        (words, map)
    }
}

/// `add`'s readings in `words`' numbering (new ones appended): the map
/// from `add`'s numbers to `words`'.
pub fn adopt_words(words: &mut Words, add: &Words, codec: &Codec) -> Vec<u32> {
    let mut lookup = words.lookup(codec);
    add.readings(codec)
        .into_iter()
        .map(|r| match lookup.get(&r) {
            Some(&n) => n,
            None => {
                let n = words.push(&r, codec);
                lookup.insert(r, n);
                n
            }
        })
        .collect()
}
