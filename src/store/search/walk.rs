//! [`Version::search`] through the index: the lead query word's postings read best bound first,
//! each in order of prominence, into a bounded list of the best hits, stopping as soon as
//! nothing unread can make it (see the [index docs](super::index)).
//!
//! # Why the answer is the scan's
//! Every hit holds a match of the lead word, so it is in the postings of that match's tier
//! (the word itself, a word it begins, a typo) and of its name's bucket. The bound of that
//! tier and bucket ([`bound`]) is at least its score. A posting is left once the worst hit
//! kept outranks a name of the bound's score at the reading position: everything after that
//! position scores at most the bound and comes later in the order of prominence, which is
//! the tie-break order, so it is outranked too. A name left in one posting is still read in
//! the others holding it unless they are left likewise. Each entity keeps its best name (the
//! first of equal scores in its own order), wherever it was met, as the scan does. A name
//! read is not scored when it holds none of the words another query word matches (those
//! listed cheaply: see `Graph::filter`): [`score`] gives it nothing either, since every
//! query word must find a word of the name.
//!
//! The lead's typos are found in stages ([`Stage`]: a length class of the typos and a number
//! of edits, the stages best first), each walked only once its bound — the most a name
//! holding a typo first found there can score — is above every group left, and not at all
//! once the hits kept outrank it. A typo is first found by the stage of its distance and
//! scores at most that stage's best (the split module's proptests check both), so a name
//! holding only typos not walked yet scores at most the bound of the first stage pending,
//! which is at least every later stage's: stopping then is stopping as for a group.

use super::super::graph::Node;
use super::super::version::Version;
use super::index::BUCKETS;
use super::normalise::{fold, loose};
use super::score::{bound, score, SearchQuery};
use super::split::{stages, Stage};
use super::typo::{max_typo_edits, typo_lengths};
use super::{ranking, Hit, MatchReason};
use crate::model::EntityKind;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use strsim::normalized_damerau_levenshtein as similarity;

/// A hit kept: the entity, its best name's score, reason and place among its names, and its
/// tie-breaks — relation count, name, and place in the index's order of prominence when the
/// hit came from the index.
struct Kept<'g> {
    node: Node,
    score: f64,
    reason: MatchReason,
    which: u32,
    degree: usize,
    name: &'g str,
    rank: Option<u32>,
}

impl Kept<'_> {
    fn key(&self) -> (f64, usize, &str, Node) {
        (self.score, self.degree, self.name, self.node)
    }
}

/// The best hits so far, at most `limit`, best first.
struct Best<'g> {
    graph: &'g Version,
    limit: usize,
    kept: Vec<Kept<'g>>,
    /// Whether the index's order of prominence is this version's tie-break order (no
    /// entity's relations changed since the index was built).
    fresh: bool,
}

impl<'g> Best<'g> {
    /// Offers a name of `node` (its `which`-th, scoring `score`). O(limit).
    fn offer(
        &mut self,
        node: Node,
        (score, reason): (f64, MatchReason),
        which: u32,
        rank: Option<u32>,
    ) {
        if self.kept.len() >= self.limit && self.kept.last().is_some_and(|w| score < w.score) {
            return;
        }
        if let Some(at) = self.kept.iter().position(|k| k.node == node) {
            let k = &self.kept[at];
            if score > k.score || (score == k.score && which < k.which) {
                let mut k = self.kept.remove(at);
                (k.score, k.reason, k.which) = (score, reason, which);
                self.insert(k);
            }
            return;
        }
        let kept = Kept {
            node,
            score,
            reason,
            which,
            degree: self.graph.degree(node),
            name: self.graph.entity(node).name(),
            rank,
        };
        self.insert(kept);
    }

    fn insert(&mut self, kept: Kept<'g>) {
        let at = self
            .kept
            .partition_point(|k| ranking(k.key(), kept.key()).is_lt());
        if at < self.limit {
            self.kept.insert(at, kept);
            self.kept.truncate(self.limit);
        }
    }

    /// Whether every name from index name `name` on, in order of prominence, scoring at
    /// most `most`, is outranked by all the hits kept. O(1).
    fn outranks(&self, most: f64, name: u32) -> bool {
        if self.kept.len() < self.limit {
            return false;
        }
        let Some(worst) = self.kept.last() else {
            return false;
        };
        if worst.score != most || !self.fresh {
            return worst.score > most;
        }
        let index = &self.graph.search;
        let node = index.names[name as usize].node;
        match worst.rank {
            Some(rank) => rank < index.ranks[node.index()],
            None => {
                let g = self.graph;
                ranking(
                    worst.key(),
                    (most, g.degree(node), g.entity(node).name(), node),
                )
                .is_lt()
            }
        }
    }

    /// Whether no name scoring at most `most` can be kept any more.
    fn closed_below(&self, most: f64) -> bool {
        self.kept.len() >= self.limit && self.kept.last().is_some_and(|w| w.score > most)
    }
}

/// A tier of the lead word's matches in one bucket: its words' postings there, and the best
/// score any name of it can reach.
struct Group {
    most: f64,
    tier: usize,
    bucket: usize,
}

impl Version {
    /// [`Version::search`]'s work once the query is parsed (see the [module docs](self)).
    pub(super) fn search_indexed(
        &self,
        q: &SearchQuery,
        kinds: Option<&[EntityKind]>,
        limit: usize,
    ) -> Vec<Hit> {
        let mut best = Best {
            graph: self,
            limit,
            kept: Vec::with_capacity(limit.min(1024) + 1),
            fresh: self.outgoing.changed() == 0 && self.incoming.changed() == 0,
        };
        self.offer_layer(q, kinds, &mut best);
        self.read_index(q, kinds, &mut best);
        best.kept
            .into_iter()
            .map(|k| {
                let e = self.entity(k.node);
                let matched = match k.which {
                    0 => e.name(),
                    i => e.aliases()[i as usize - 1].as_str(),
                };
                Hit {
                    node: k.node,
                    score: k.score,
                    matched: matched.to_string(),
                    reason: k.reason,
                }
            })
            .collect()
    }

    /// Offers the entities added or changed since the index was built (see
    /// `Graph::touched_since_layout`), scored from their names folded now.
    fn offer_layer(&self, q: &SearchQuery, kinds: Option<&[EntityKind]>, best: &mut Best<'_>) {
        for &node in self.touched_since_layout() {
            if kinds.is_some_and(|k| !k.contains(&self.entity_kind(node))) {
                continue;
            }
            let e = self.entity(node);
            let texts = std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str));
            for (which, text) in texts.enumerate() {
                let folded = fold(text);
                if folded.is_empty() {
                    continue;
                }
                if let Some(hit) = score(which != 0, &folded, &loose(&folded), q) {
                    best.offer(node, hit, which as u32, None);
                }
            }
        }
    }

    /// Reads the index's postings for `q` into `best`.
    fn read_index(&self, q: &SearchQuery, kinds: Option<&[EntityKind]>, best: &mut Best<'_>) {
        let index = &self.search;
        // Each query word's words (itself first when it is one), how many names hold them,
        // and the most its best match in a name can score. A word that neither is nor begins
        // a word is likely misspelt: its typos are looked for at once, stage by stage until
        // one holds some, as they are all that can match it and tell how common it is.
        let mut most = Vec::with_capacity(q.words.len());
        let mut plans = Vec::with_capacity(q.words.len());
        for (i, (_, ql)) in q.words.iter().enumerate() {
            let words = index.words_beginning(ql);
            let exact = words.first().is_some_and(|&w| index.word(w) == ql);
            let mut cost: usize = words.iter().map(|&w| index.names_holding(w)).sum();
            let mut typos = None;
            if words.is_empty() {
                let mut t = Typos::new(ql);
                while t.tiers.is_empty() && !t.pending.is_empty() {
                    self.next_stage(ql, &words, &mut t);
                }
                // Nothing holds a match of this word: no name in the index matches.
                let Some(&(s, _)) = t.tiers.first() else {
                    return;
                };
                // A later stage's typos may score more than the first found (a stage's best
                // is its most, not its least).
                most.push(t.pending.iter().fold(s, |m, stage| m.max(0.8 * stage.best)));
                cost = t
                    .tiers
                    .iter()
                    .flat_map(|t| &t.1)
                    .map(|&w| index.names_holding(w))
                    .sum();
                typos = Some(t);
            } else {
                most.push(if exact { 1.0 } else { 0.85 });
            }
            plans.push((i, words, exact, cost, typos));
        }
        // The lead: the word whose matches the fewest names hold, then the longer word.
        let Some(at) = (0..plans.len()).min_by_key(|&k| {
            let (i, _, _, cost, _) = &plans[k];
            (*cost, Reverse(q.words[*i].1.len()), *i)
        }) else {
            return;
        };
        // What the other query words match, where it is known or cheap to list: a name
        // holding none of one's words cannot match.
        let filters: Vec<Vec<u32>> = plans
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != at)
            .filter_map(|(_, (i, words, _, _, typos))| {
                let walked = typos
                    .as_ref()
                    .filter(|t| t.pending.is_empty())
                    .map(|t| t.tiers.as_slice());
                self.filter(&q.words[*i].1, q.typo_chars[*i], words, walked)
            })
            .collect();
        let (lead, words, exact, _, walked) = plans.swap_remove(at);
        let lead_most = most[lead];
        // The lead's tiers: its words that score alike in a name.
        let mut tiers: Vec<(f64, Vec<u32>)> = Vec::new();
        if exact {
            tiers.push((1.0, words[..1].to_vec()));
        }
        let begun = &words[usize::from(exact)..];
        if !begun.is_empty() {
            tiers.push((0.85, begun.to_vec()));
        }
        // The lead's typos still to walk, stage by stage, each only if a name holding one of
        // its typos can still be kept.
        let mut typos = match walked {
            Some(mut t) => {
                tiers.append(&mut t.tiers);
                t
            }
            None => match q.typo_chars[lead] {
                Some(_) => Typos::new(&q.words[lead].1),
                None => Typos::none(),
            },
        };
        let mut groups: Vec<Group> = Vec::new();
        // The groups of tier `tier`, whose words score `s`, one a bucket.
        let with = |tier: usize, s: f64, groups: &mut Vec<Group>, most: &mut [f64]| {
            most[lead] = s;
            for bucket in 0..BUCKETS {
                let m = bound(most, bucket + 1, bucket + 1 == BUCKETS);
                groups.push(Group {
                    most: m,
                    tier,
                    bucket,
                });
            }
            most[lead] = lead_most;
        };
        for (tier, &(s, _)) in tiers.iter().enumerate() {
            with(tier, s, &mut groups, &mut most);
        }
        // The most a name holding a typo of the next stage can score: with the stage's best
        // similarity and every word of it taken.
        let stage_most = |stage: &Stage, most: &mut [f64]| {
            most[lead] = 0.8 * stage.best;
            let m = q.words.len().min(BUCKETS);
            let m = bound(most, m, m == BUCKETS);
            most[lead] = lead_most;
            m
        };
        sort(&mut groups);
        let mut next = 0;
        loop {
            let group_most = groups.get(next).map(|g| g.most);
            let typo_most = typos.pending.first().map(|s| stage_most(s, &mut most));
            if let Some(typo_most) = typo_most.filter(|&t| group_most.is_none_or(|g| g < t)) {
                // The stages come best first: nothing left scores more than this one.
                if best.closed_below(typo_most) {
                    break;
                }
                let first = tiers.len();
                self.next_stage(&q.words[lead].1, &words, &mut typos);
                tiers.append(&mut typos.tiers);
                for (tier, &(s, _)) in tiers.iter().enumerate().skip(first) {
                    with(tier, s, &mut groups, &mut most);
                }
                sort(&mut groups[next..]);
                continue;
            }
            let Some(group) = groups.get(next) else { break };
            next += 1;
            if best.closed_below(group.most) {
                break;
            }
            self.read_group(q, kinds, best, group, &tiers[group.tier].1, &filters);
        }
    }

    /// Every word the loose query word `ql` (of `typo_chars` characters when it is matched
    /// as a typo) matches in a name — `words`, those it is or begins, and its typos, from
    /// `tiers` when they were all walked, else walked here when that is cheap (a word of at
    /// most one edit) — sorted; `None` when they are not listed cheaply or are too many to
    /// test a name against. O(the walk + found × log found).
    fn filter(
        &self,
        ql: &str,
        typo_chars: Option<usize>,
        words: &[u32],
        tiers: Option<&[(f64, Vec<u32>)]>,
    ) -> Option<Vec<u32>> {
        let mut all = words.to_vec();
        match (typo_chars, tiers) {
            (None, _) => {}
            (Some(_), Some(tiers)) => all.extend(tiers.iter().flat_map(|t| t.1.iter().copied())),
            (Some(n), None) => {
                if max_typo_edits(typo_lengths(n).1) > 1 {
                    return None;
                }
                self.search.typos(ql, &mut all);
            }
        }
        all.sort_unstable();
        all.dedup();
        (all.len() <= FILTER_WORDS).then_some(all)
    }

    /// Walks the next stage of `typos` for the loose query word `ql`, and adds to its tiers
    /// the typos found that neither are nor begin it (those in `words`, ascending) nor were
    /// found by an earlier stage, by what they score as its match: each score's words, the
    /// best first. O(the stage's walk + found × word length²).
    fn next_stage(&self, ql: &str, words: &[u32], typos: &mut Typos) {
        let index = &self.search;
        let stage = typos.pending.remove(0);
        let mut found: Vec<(u32, usize)> = Vec::new();
        index.typos_in(ql, stage, |w, m| found.push((w, m)));
        found.sort_unstable();
        found.dedup();
        found.retain(|(w, _)| {
            words.binary_search(w).is_err() && typos.seen.binary_search(w).is_err()
        });
        typos.seen.extend(found.iter().map(|&(w, _)| w));
        typos.seen.sort_unstable();
        // Each typo's similarity from its length: its distance is the stage's edits.
        let n = ql.chars().count();
        let mut scored: Vec<(f64, u32)> = found
            .into_iter()
            .map(|(w, m)| {
                let s = stage
                    .similarity(n, m)
                    .unwrap_or_else(|| similarity(ql, index.word(w)));
                (0.8 * s, w)
            })
            .collect();
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        typos.tiers.extend(
            scored
                .chunk_by(|a, b| a.0 == b.0)
                .map(|chunk| (chunk[0].0, chunk.iter().map(|&(_, w)| w).collect())),
        );
    }

    /// Reads the postings of one group's words, merged in name order, until the hits kept
    /// outrank everything left.
    fn read_group(
        &self,
        q: &SearchQuery,
        kinds: Option<&[EntityKind]>,
        best: &mut Best<'_>,
        group: &Group,
        words: &[u32],
        filters: &[Vec<u32>],
    ) {
        let index = &self.search;
        // For each filter, its words' names in this bucket, each read on from where the
        // last name tested left it (names come in ascending order).
        let mut holding: Vec<Vec<&[u32]>> = filters
            .iter()
            .map(|f| {
                f.iter()
                    .map(|&w| index.postings(w, group.bucket))
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .collect();
        if holding.iter().any(Vec::is_empty) {
            return; // some query word matches no word of any name here
        }
        let mut heap: BinaryHeap<Reverse<(u32, &[u32])>> = words
            .iter()
            .map(|&w| index.postings(w, group.bucket))
            .filter_map(|p| Some(Reverse((*p.first()?, &p[1..]))))
            .collect();
        while let Some(&Reverse((i, rest))) = heap.peek() {
            if best.outranks(group.most, i) {
                break;
            }
            match rest.split_first() {
                Some((&next, rest)) => {
                    *heap.peek_mut().expect("peeked") = Reverse((next, rest));
                }
                None => {
                    heap.pop();
                }
            }
            if !holding.iter_mut().all(|postings| holds(postings, i)) {
                continue;
            }
            let name = &index.names[i as usize];
            if !self.scored_from_index(name.node, kinds) {
                continue;
            }
            let folded = index.text.get(name.folded);
            let loose = index.text.get(name.loose);
            if let Some(hit) = score(name.is_alias(), folded, loose, q) {
                let rank = index.ranks[name.node.index()];
                best.offer(name.node, hit, name.which, Some(rank));
            }
        }
    }
}

/// A query word's typos walked so far (see [`Stage`]).
struct Typos {
    /// The tiers of the typos found and not yet taken, each score's words, best first
    /// within a stage.
    tiers: Vec<(f64, Vec<u32>)>,
    /// The stages not walked yet, best first.
    pending: Vec<Stage>,
    /// Every typo found so far, ascending.
    seen: Vec<u32>,
}

impl Typos {
    /// None walked yet of the loose query word `ql`.
    fn new(ql: &str) -> Typos {
        Typos {
            tiers: Vec::new(),
            pending: stages(ql.chars().count()),
            seen: Vec::new(),
        }
    }

    /// No typos to walk (a word too short to be matched as a typo).
    fn none() -> Typos {
        Typos {
            tiers: Vec::new(),
            pending: Vec::new(),
            seen: Vec::new(),
        }
    }
}

/// The most words a query word's filter may have: each name read is looked up in all of
/// their postings.
const FILTER_WORDS: usize = 16;

/// Whether name `i` is in one of `postings` (each sorted), moving each looked at past the
/// names before `i`. O(log of the names skipped) a posting (exponential search).
fn holds(postings: &mut [&[u32]], i: u32) -> bool {
    postings.iter_mut().any(|p| {
        let mut step = 1;
        while step < p.len() && p[step - 1] < i {
            step *= 2;
        }
        let end = step.min(p.len());
        let skip = p[..end].partition_point(|&x| x < i);
        *p = &p[skip..];
        p.first() == Some(&i)
    })
}

/// Groups by their bound, best first (then tier, then bucket, for a stable order).
fn sort(groups: &mut [Group]) {
    groups.sort_by(|a, b| {
        (b.most.total_cmp(&a.most))
            .then(a.tier.cmp(&b.tier))
            .then(a.bucket.cmp(&b.bucket))
    });
}
