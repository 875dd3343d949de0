//! Checking an index file and mapping it: the header (magic, version,
//! builder, its own CRC), the database it belongs to, the change-log
//! number, every section's bounds and CRC, and every value the scan trusts
//! (offsets, kinds, speaker numbers). A file failing any check is not used.

use std::fs::File;
use std::mem::offset_of;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use memmap2::{Mmap, MmapOptions};
use rusqlite::Connection;

use super::index::{Codec, Doc, DocKind, Index, Slab, Words};
use super::persist::{
    builder_fingerprint, path_for, DbIdentity, Invalid, Stamp, FORMAT_VERSION, MAGIC,
};
use super::persist_seen::{self, Seen};
use super::persist_write::{
    Header, ARENA, AT_HEADER_CRC, AT_MARK, AT_SECTIONS, CODEC, DOCS, DOC_SIZE, HEADER, RANKS, ROWS,
    SECTIONS, SECTION_NAMES, SPEAKERS, STARTS, WORDS,
};

/// Every kind, by its byte (`DocKind` is `repr(u8)`).
const KINDS: [DocKind; 15] = [
    DocKind::Opinion,
    DocKind::Decision,
    DocKind::Action,
    DocKind::ItemTitle,
    DocKind::ItemSummary,
    DocKind::NodeTitle,
    DocKind::NodeBody,
    DocKind::ProgressPlan,
    DocKind::ProgressActual,
    DocKind::ProgressNote,
    DocKind::Evaluation,
    DocKind::Milestone,
    DocKind::Indicator,
    DocKind::Place,
    DocKind::Owner,
];

/// Fails to compile when a kind is added and not listed in [`KINDS`].
const fn _every_kind_listed(k: DocKind) {
    use DocKind::*;
    match k {
        Opinion | Decision | Action | ItemTitle | ItemSummary | NodeTitle | NodeBody
        | ProgressPlan | ProgressActual | ProgressNote | Evaluation | Milestone | Indicator
        | Place | Owner => {}
    }
}

fn kind_of(b: u8) -> Option<DocKind> {
    KINDS.iter().copied().find(|k| *k as u8 == b)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn arr32(b: &[u8], at: usize) -> [u8; 32] {
    let mut x = [0u8; 32];
    x.copy_from_slice(&b[at..at + 32]);
    x
}

/// The header of a file of `len` bytes (`h` is its first [`HEADER`] bytes).
pub fn decode_header(h: &[u8], len: u64) -> Result<Header, Invalid> {
    if h.len() < HEADER || len < HEADER as u64 {
        return Err(Invalid::Truncated);
    }
    if &h[..8] != MAGIC {
        return Err(Invalid::Format);
    }
    // The version first: an older version's header is laid out otherwise.
    let version = u32_at(h, 8);
    if version != FORMAT_VERSION {
        return Err(Invalid::Format);
    }
    if crc32fast::hash(&h[..AT_HEADER_CRC]) != u32_at(h, AT_HEADER_CRC) {
        return Err(Invalid::Damaged("header"));
    }
    let mut sections = [(0, 0, 0); SECTIONS];
    for (i, s) in sections.iter_mut().enumerate() {
        let at = AT_SECTIONS + i * 24;
        *s = (u64_at(h, at), u64_at(h, at + 8), u32_at(h, at + 16));
        let end = s.0.checked_add(s.1).ok_or(Invalid::Damaged("header"))?;
        if s.0 < HEADER as u64 {
            return Err(Invalid::Damaged("header"));
        }
        if end > len {
            return Err(Invalid::Truncated);
        }
    }
    let mut byte_rank = [0u8; 256];
    byte_rank.copy_from_slice(&h[120..376]);
    Ok(Header {
        version,
        readings: u32_at(h, 12) & 1 == 1,
        seq: u64_at(h, 16) as i64,
        db: DbIdentity {
            dev: u64_at(h, 24),
            ino: u64_at(h, 32),
            schema: u64_at(h, 40) as i64,
            digest: arr32(h, 48),
            mark: (u64_at(h, AT_MARK) as i64, u64_at(h, AT_MARK + 8) as i64),
        },
        builder: arr32(h, 80),
        entries: u64_at(h, 112),
        byte_rank,
        sections,
    })
}

/// The file's header, checked against the database (`conn` is a
/// connection to the database at `db`), the builder, and the change log.
fn check_header(h: &Header, db: &Path, conn: &Connection) -> Result<(), Invalid> {
    if h.readings != super::readings::enabled() || h.builder != builder_fingerprint(h.readings) {
        return Err(Invalid::Builder);
    }
    let id = DbIdentity::of(db, conn)?;
    if (id.dev, id.ino, id.digest) != (h.db.dev, h.db.ino, h.db.digest) {
        return Err(Invalid::OtherDatabase);
    }
    if id.schema != h.db.schema {
        return Err(Invalid::Schema);
    }
    let Some(latest) = super::changes::latest(conn) else {
        return Err(Invalid::Stale);
    };
    let first: Option<i64> = conn
        .query_row("SELECT min(seq) FROM search_changes", [], |r| r.get(0))
        .map_err(|e| Invalid::Io(e.to_string()))?;
    // Newer than the log: a file of another (or a restored) database.
    if h.seq > latest || h.seq < 0 {
        return Err(Invalid::OtherDatabase);
    }
    if first.is_some_and(|f| f > h.seq + 1) {
        return Err(Invalid::Stale);
    }
    // The writer's mark gone: the database was put back to a state from
    // before the file (a backup copied over it) and perhaps written since.
    if !super::persist::has_mark(conn, h.db.mark)? {
        return Err(Invalid::OtherDatabase);
    }
    Ok(())
}

/// Map the index file of the database at `db` and check it; the index and
/// the change-log number it includes.
///
/// The header is always checked against the database (what makes a file
/// stale or another database's). The sections (CRCs, gaps, offsets, row
/// order) are checked whole only when no note says this very file was
/// checked whole already ([`super::persist_seen`]); the kinds and speakers
/// of the records are checked always (a bad kind byte would be an invalid
/// `DocKind`, not just a wrong answer).
pub fn open(db: &Path, conn: &Connection) -> Result<(Index, i64, Stamp), Invalid> {
    let t = Instant::now();
    let began = SystemTime::now();
    let file = File::open(path_for(db)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Invalid::Missing,
        _ => Invalid::Io(e.to_string()),
    })?;
    let meta = file.metadata().map_err(|e| Invalid::Io(e.to_string()))?;
    let (len, stamp) = (meta.len(), (meta.dev(), meta.ino()));
    if len < HEADER as u64 {
        return Err(Invalid::Truncated);
    }
    // Read, not mapped: the header's page is the only one touched so far.
    let mut head = vec![0u8; HEADER];
    file.read_exact_at(&mut head, 0)
        .map_err(|e| Invalid::Io(e.to_string()))?;
    let header = decode_header(&head, len)?;
    let t_header = t.elapsed();
    check_header(&header, db, conn)?;
    let t_db = t.elapsed();
    let seen = Seen::of(&meta, u32_at(&head, AT_HEADER_CRC));
    let noted = persist_seen::holds(db, &seen);
    // SAFETY: index files are never changed in place: a writer renames a
    // new file over the old one (persist_write::publish), so the mapped
    // inode keeps its bytes while we hold the mapping. Not populated: a
    // session touches the pages its searches read, not the whole file.
    let map = unsafe { MmapOptions::new().map(&file) }.map_err(|e| Invalid::Io(e.to_string()))?;
    if !noted {
        check_gaps(&map, &header).ok_or(Invalid::Damaged("padding"))?;
        check_sums(&file, &header)?;
    }
    let t_sums = t.elapsed();
    let index = index_of(Arc::new(map), &header, !noted)?;
    if !noted {
        persist_seen::record(db, &seen, began);
    }
    tracing::debug!(
        noted,
        header_ms = t_header.as_millis() as u64,
        db_ms = (t_db - t_header).as_millis() as u64,
        sums_ms = (t_sums - t_db).as_millis() as u64,
        values_ms = (t.elapsed() - t_sums).as_millis() as u64,
        "索引ファイルを開きました"
    );
    Ok((index, header.seq, stamp))
}

/// Every section's CRC, read with `pread` into a small buffer (through the
/// map, each page read would stay resident in this process).
fn check_sums(file: &File, h: &Header) -> Result<(), Invalid> {
    let mut buf = vec![0u8; 1 << 20];
    for (i, &(off, n, crc)) in h.sections.iter().enumerate() {
        let mut hasher = crc32fast::Hasher::new();
        let mut at = 0u64;
        while at < n {
            let step = (n - at).min(buf.len() as u64) as usize;
            file.read_exact_at(&mut buf[..step], off + at)
                .map_err(|_| Invalid::Truncated)?;
            hasher.update(&buf[..step]);
            at += step as u64;
        }
        if hasher.finalize() != crc {
            return Err(Invalid::Damaged(SECTION_NAMES[i]));
        }
    }
    Ok(())
}

/// The bytes outside the header's fields and the sections are zero, and
/// the file ends with the last section: every byte is checked by something.
fn check_gaps(map: &[u8], h: &Header) -> Option<()> {
    let zero = |r: std::ops::Range<usize>| map.get(r).is_some_and(|b| b.iter().all(|&x| x == 0));
    let mut at = AT_HEADER_CRC + 4;
    for &(off, n, _) in &h.sections {
        (off as usize >= at && zero(at..off as usize)).then_some(())?;
        at = (off + n) as usize;
    }
    (at == map.len()).then_some(())
}

fn section<'a>(map: &'a Mmap, h: &Header, i: usize) -> &'a [u8] {
    let (off, n, _) = h.sections[i];
    &map[off as usize..(off + n) as usize]
}

/// The index over the map. `whole`: check every value the scan trusts
/// (offsets and row order too), else only what must hold for the records
/// to be valid values (the file was checked whole before: see [`open`]).
fn index_of(map: Arc<Mmap>, h: &Header, whole: bool) -> Result<Index, Invalid> {
    let bad = |what: &'static str| Invalid::Damaged(what);
    let n = usize::try_from(h.entries).map_err(|_| bad("header"))?;
    let codec = codec_of(section(&map, h, CODEC)).ok_or(bad("codec"))?;
    let speakers = speakers_of(section(&map, h, SPEAKERS)).ok_or(bad("speakers"))?;
    let words = Words::from_bytes(section(&map, h, WORDS), &codec).ok_or(bad("words"))?;
    let sizes = [
        (STARTS, (n + 1) * 4),
        (DOCS, n * DOC_SIZE),
        (RANKS, n),
        (ROWS, n * 4),
    ];
    for (i, want) in sizes {
        if h.sections[i].1 != want as u64 {
            return Err(bad(SECTION_NAMES[i]));
        }
    }
    check_docs(
        section(&map, h, DOCS),
        section(&map, h, RANKS),
        speakers.len(),
    )
    .ok_or(bad("docs"))?;
    let arena_len = h.sections[ARENA].1 as usize;
    let at = |i: usize| h.sections[i].0 as usize;
    // SAFETY: any bits are a valid u8 or u32; the Doc records' kinds were
    // checked above (their other fields are integers; padding is never
    // read as a value).
    let (arena, starts, docs, ranks, rows) = unsafe {
        (
            Slab::<u8>::mapped(map.clone(), at(ARENA), arena_len),
            Slab::<u32>::mapped(map.clone(), at(STARTS), n + 1),
            Slab::<Doc>::mapped(map.clone(), at(DOCS), n),
            Slab::<u8>::mapped(map.clone(), at(RANKS), n),
            Slab::<u32>::mapped(map.clone(), at(ROWS), n),
        )
    };
    let (Some(arena), Some(starts), Some(docs), Some(ranks), Some(rows)) =
        (arena, starts, docs, ranks, rows)
    else {
        return Err(bad("layout"));
    };
    if whole {
        check_starts(&starts, &arena).ok_or(bad("starts"))?;
        super::persist_rows::check_rows(&rows, &docs).ok_or(bad("rows"))?;
    }
    Ok(Index {
        words: Arc::new(words),
        codec: Arc::new(codec),
        arena,
        starts,
        docs,
        speakers,
        ranks,
        byte_rank: h.byte_rank,
        readings: h.readings,
        layer: None,
        rows,
    })
}

fn codec_of(b: &[u8]) -> Option<Codec> {
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let chars = b
        .chunks_exact(4)
        .map(|c| char::from_u32(u32_at(c, 0)))
        .collect::<Option<Vec<char>>>()?;
    Codec::from_chars(chars)
}

fn speakers_of(b: &[u8]) -> Option<Vec<String>> {
    let count = u32_at(b.get(..4)?, 0) as usize;
    let mut out = Vec::with_capacity(count.min(u16::MAX as usize + 1));
    let mut at = 4;
    for _ in 0..count {
        let n = u32_at(b.get(at..at + 4)?, 0) as usize;
        let s = std::str::from_utf8(b.get(at + 4..at + 4 + n)?).ok()?;
        out.push(s.to_string());
        at += 4 + n;
    }
    (at == b.len() && out.first().is_some_and(String::is_empty) && out.len() <= 1 << 16)
        .then_some(out)
}

/// Every record's kind is a kind, matches its rank byte, and its speaker
/// is on the list.
fn check_docs(docs: &[u8], ranks: &[u8], speakers: usize) -> Option<()> {
    let (k, s) = (offset_of!(Doc, kind), offset_of!(Doc, speaker));
    // The rank of each kind byte (256: no kind).
    let mut rank_of = [256u16; 256];
    for b in 0..=255u8 {
        if let Some(kind) = kind_of(b) {
            rank_of[b as usize] = u16::from(kind.rank());
        }
    }
    let mut ok = true;
    for (rec, &rank) in docs.chunks_exact(DOC_SIZE).zip(ranks) {
        let speaker = u16::from_le_bytes([rec[s], rec[s + 1]]) as usize;
        ok &= rank_of[rec[k] as usize] == u16::from(rank) && speaker < speakers;
    }
    ok.then_some(())
}

/// Offsets rise, the last is the arena's end, and each entry ends with
/// its separator.
fn check_starts(starts: &[u32], arena: &[u8]) -> Option<()> {
    (starts.first() == Some(&0) && starts.last().copied()? as usize == arena.len()).then_some(())?;
    for w in starts.windows(2) {
        (w[1] > w[0] && arena[w[1] as usize - 1] == 0).then_some(())?;
    }
    Some(())
}
