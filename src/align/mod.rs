//! Alignment: which English translates which Chinese. `sentence` aligns sentences inside one
//! pair; `similarity` scores a Chinese text against an English one from cheap evidence;
//! `document` finds the best consistent pairing of a whole document and where the file
//! departs from it; `realign` rewrites a transcript from that pairing.

pub mod document;
pub mod realign;
pub mod sentence;
pub mod similarity;

pub use document::{Alignment, Departure, align};
