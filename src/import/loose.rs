//! Relation kinds written loosely, as other datasets write them: "member of", "Accuse",
//! "Apologize", "ruled on", "CRITICIZED", "took part in".
//!
//! A text matches a kind when, word by word, it has the same stems as the kind's name or its
//! label. A stem forgets case, the verb's ending (`accuse`, `accuses`, `accused`, `accusing`
//! are one stem; `carry`, `carried` another), US spellings (`-ize` reads as `-ise`) and a few
//! irregular verbs (`meet`/`met`, `speak`/`spoke`, `take`/`took`, `lead`/`led`). The kind's
//! closing preposition may be left out: "Apologize" is `APOLOGISED_TO`, "rule" is `RULED_ON`.
//! The vocabulary is tried in its order; the first kind that matches wins.

use crate::model::RelationKind;

/// The prepositions a kind's name may end with and a loose text may leave out.
const PREPOSITIONS: &[&str] = &["to", "with", "on", "of", "for", "in", "out"];

/// The vocabulary kind a loosely written text names, if any. O(|vocabulary| · |text|).
pub(super) fn relation_kind(text: &str) -> Option<RelationKind> {
    let key = stems(text);
    if key.is_empty() {
        return None;
    }
    let matches = |kind: RelationKind, lenient: bool| {
        [kind.name(), kind.label()].into_iter().any(|form| {
            let mut form = stems(form);
            if form == key {
                return true;
            }
            if lenient && form.len() > 1 && PREPOSITIONS.contains(&form[form.len() - 1].as_str()) {
                form.pop();
                return form == key;
            }
            false
        })
    };
    let vocabulary = || RelationKind::ALL.iter().copied();
    vocabulary()
        .find(|&k| matches(k, false))
        .or_else(|| vocabulary().find(|&k| matches(k, true)))
}

/// The stems of a text's words; words are separated by spaces, `_` or `-`.
fn stems(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .collect()
}

/// One word's stem: US spelling made British, irregular forms to one, regular endings cut.
fn stem(word: &str) -> String {
    let word = word.replace("iz", "is");
    let irregular = match word.as_str() {
        "meet" | "meets" | "meeting" | "met" => Some("met"),
        "speak" | "speaks" | "speaking" | "spoke" | "spoken" => Some("spoke"),
        "take" | "takes" | "taking" | "took" | "taken" => Some("took"),
        "lead" | "leads" | "leading" | "led" => Some("lead"),
        _ => None,
    };
    if let Some(w) = irregular {
        return w.to_string();
    }
    if word.chars().count() <= 3 {
        return word;
    }
    for (ending, instead) in [
        ("ing", ""),
        ("ied", "y"),
        ("ies", "y"),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("e", ""),
    ] {
        if let Some(root) = word.strip_suffix(ending) {
            if root.chars().count() >= 3 {
                return format!("{root}{instead}");
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;
    use RelationKind::*;

    #[test]
    fn verb_forms_and_us_spellings_find_their_kind() {
        for (text, kind) in [
            ("Accuse", Accused),
            ("accuses", Accused),
            ("Apologize", ApologisedTo),
            ("apologizes to", ApologisedTo),
            ("Criticize", Criticised),
            ("criticizing", Criticised),
            ("Arrest", Arrested),
            ("arrests", Arrested),
            ("detain", Detained),
            ("Sentence", Sentenced),
            ("charge", Charged),
            ("defend", Defended),
            ("rule on", RuledOn),
            ("Order", Ordered),
            ("request", Requested),
            ("call", Called),
            ("speak with", SpokeWith),
            ("Meet", Met),
            ("negotiate", NegotiatedWith),
            ("urge", Urged),
            ("announce", Announced),
            ("report", Reported),
            ("restrict", Restricted),
            ("target", Targeted),
            ("carry out", CarriedOut),
            ("organize", Organised),
            ("participate in", ParticipatedIn),
            ("take part in", ParticipatedIn),
            ("member of", MemberOf),
            ("works for", WorksFor),
            ("lead", Leads),
            ("advise", Advises),
            ("represent", Represents),
            ("MEMBER_OF", MemberOf),
            ("took part in", ParticipatedIn),
        ] {
            assert_eq!(relation_kind(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn other_words_match_nothing() {
        for text in [
            "award received",
            "shares border with",
            "praise",
            "",
            "to",
            "Q42",
        ] {
            assert_eq!(relation_kind(text), None, "{text}");
        }
    }
}
