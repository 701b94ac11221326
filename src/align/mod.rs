//! Alignment: which English translates which Chinese. `similarity` scores a Chinese text
//! against an English one from cheap evidence; `document` finds the best consistent pairing
//! of a whole document and where the file departs from it.

pub mod document;
pub mod realign;
pub mod similarity;

pub use document::{Alignment, Departure, align};
