//! Pure text helpers shared by readers and checks: script detection, normalisation,
//! sentence splitting, number reading. Nothing here knows about rules or reports.

pub mod edit;
pub mod length;
pub mod numbers;
pub mod script;
pub mod sentences;

/// First `max` characters of a text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let mut out: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        out.push('…');
    }
    out
}
